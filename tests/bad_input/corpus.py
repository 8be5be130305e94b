"""A corpus of bad, odd and hostile videos, generated from the real test videos with ffmpeg.

Each case is a small file a patient's phone (or a confused upload) could produce: an empty
file, a text file called ``.mp4``, a truncated or bit-flipped MP4, an audio-only file, a
rotated, slow-motion, 8K or variable-frame-rate clip, other codecs, a dark clip, nobody in
view, two people, feet out of the frame, a side view, a person walking out of the frame.

Files are built on first request and kept for the test session (:class:`Corpus`), so a
single selected test builds only what it needs. Everything is derived from a short
portrait *base clip*: 5 s of ``zarate_front.mp4`` (a person walking in place, filmed from
the front), cropped to portrait and scaled to 240x400 pixels, so every MediaPipe run stays
short.

Notes
-----
Rotation tags are written with ffmpeg 5.1's ``-metadata:s:v:0 rotate=R``, which (checked
here with ffprobe and with ffmpeg's own autorotation) stores a display matrix that turns the
stored picture *counter-clockwise* by R degrees for display (ffprobe: ``rotation=90`` for
R=90, ``-90`` for R=270). The stored picture of the ``rotate_R`` case is the base clip
turned clockwise by R degrees, so the displayed (upright) picture is the base clip again;
:func:`check_upright` verifies this with ffmpeg's autorotation when the file is built.
"""

from __future__ import annotations

import random
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BASE_SOURCE = "zarate_front.mp4"
SIDE_SOURCE = "bmgait_gait_normal_01.mp4"
TWO_PEOPLE_SOURCE = "sports2d_demo.mp4"
OBLIQUE_SOURCE = "pose2sim_single_cam03.mp4"

BASE_START_S = 1.0
BASE_DURATION_S = 5.0
BASE_WIDTH, BASE_HEIGHT = 240, 400
BASE_FPS = 25

EIGHT_K = (7680, 4320)
EIGHT_K_FPS = 10
EIGHT_K_DURATION_S = 2.0

SLOWMO_FPS = 240
SLOWMO_DURATION_S = 1.25

FEET_OUT_START_S, FEET_OUT_END_S = 2.0, 3.5
WALK_OUT_START_S = 3.5
"""The person starts leaving the frame here and is gone 0.5 s later (base clip time)."""

LONG_TINY_DURATION_S = 660

SEED = 20261121


class FfmpegError(RuntimeError):
    """ffmpeg failed to build a corpus file."""


def ffmpeg(*args: str | Path) -> None:
    """Run ffmpeg quietly, raising with its error output if it fails."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise FfmpegError("ffmpeg is not installed")
    cmd = [exe, "-hide_banner", "-nostdin", "-v", "error", "-y", *map(str, args)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise FfmpegError(f"{' '.join(cmd)}\n{done.stderr[-2000:]}")


X264 = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p")


def mp4_boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """Top-level ISO-BMFF boxes of ``data[start:end]`` as (type, offset, size)."""
    end = len(data) if end is None else end
    boxes, pos = [], start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1 and pos + 16 <= end:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:
            size = end - pos
        if size < 8:
            break
        boxes.append((kind, pos, size))
        pos += size
    return boxes


@dataclass(frozen=True)
class Sources:
    """The real videos the corpus is derived from (and a rendered sample clip, if installed)."""

    base: Path
    side_view: Path
    two_people: Path
    step_down: Path | None = None
    oblique: Path | None = None


class Corpus:
    """Builds corpus files on demand into ``root`` and remembers them.

    ``corpus.path("rotate_90")`` returns the file of a case, building it (and the files it
    is derived from) the first time.
    """

    def __init__(self, root: Path, sources: Sources) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.sources = sources
        self._built: dict[str, Path] = {}

    def path(self, case: str) -> Path:
        if case not in self._built:
            try:
                builder = BUILDERS[case]
            except KeyError:
                raise KeyError(f"unknown corpus case {case!r}; known: {', '.join(sorted(BUILDERS))}") from None
            path = builder(self)
            if not path.exists():
                raise FfmpegError(f"corpus case {case!r} was not written to {path}")
            self._built[case] = path
        return self._built[case]

    def out(self, name: str) -> Path:
        return self.root / name


Builder = Callable[[Corpus], Path]
BUILDERS: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[name] = fn
        return fn

    return register


# -- the good reference clip and its re-encodings --------------------------------------


@case("base")
def _base(c: Corpus) -> Path:
    """5 s portrait H.264 MP4 (moov at the end, as ffmpeg writes by default)."""
    out = c.out("base.mp4")
    crop = f"crop=iw*0.6:ih:iw*0.2:0,scale={BASE_WIDTH}:{BASE_HEIGHT},setsar=1,fps={BASE_FPS}"
    ffmpeg("-ss", BASE_START_S, "-t", BASE_DURATION_S, "-i", c.sources.base, "-an", "-vf", crop, *X264, out)
    return out


@case("base_faststart")
def _base_faststart(c: Corpus) -> Path:
    """The base clip with the moov box moved to the front (as phones' uploads often are)."""
    out = c.out("base_faststart.mp4")
    ffmpeg("-i", c.path("base"), "-c", "copy", "-movflags", "+faststart", out)
    return out


def _reencode(c: Corpus, name: str, *codec_args: str) -> Path:
    out = c.out(name)
    ffmpeg("-i", c.path("base"), *codec_args, out)
    return out


@case("hevc")
def _hevc(c: Corpus) -> Path:
    return _reencode(c, "hevc.mp4", "-c:v", "libx265", "-preset", "ultrafast", "-crf", "22", "-tag:v", "hvc1",
                     "-x265-params", "log-level=error", "-pix_fmt", "yuv420p")


@case("vp9")
def _vp9(c: Corpus) -> Path:
    return _reencode(c, "vp9.webm", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "0",
                     "-crf", "30", "-pix_fmt", "yuv420p")


@case("mpeg4")
def _mpeg4(c: Corpus) -> Path:
    return _reencode(c, "mpeg4.mp4", "-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p")


@case("mjpeg")
def _mjpeg(c: Corpus) -> Path:
    return _reencode(c, "mjpeg.mov", "-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p")


@case("unicode_name")
def _unicode_name(c: Corpus) -> Path:
    out = c.out("patient 'A' ünïcødé ; $(x).mp4")
    shutil.copyfile(c.path("base"), out)
    return out


# -- rotation, frame rate, size ---------------------------------------------------------

_STORED_TURN = {90: "transpose=1", 180: "hflip,vflip", 270: "transpose=2"}  # clockwise by R


def _rotated(c: Corpus, rotate_deg: int) -> Path:
    stored = c.out(f"stored_for_rotate_{rotate_deg}.mp4")
    ffmpeg("-i", c.path("base"), "-vf", _STORED_TURN[rotate_deg], *X264, stored)
    out = c.out(f"rotate_{rotate_deg}.mp4")
    ffmpeg("-i", stored, "-c", "copy", "-metadata:s:v:0", f"rotate={rotate_deg}", out)
    check_upright(c, out)
    return out


def first_frame_rgb(path: Path, width: int, height: int) -> bytes:
    """The first frame as ffmpeg displays it (autorotated), raw RGB of the given size."""
    exe = shutil.which("ffmpeg")
    done = subprocess.run(
        [exe, "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, timeout=60, check=True,
    )
    if len(done.stdout) != width * height * 3:
        raise FfmpegError(f"{path.name}: first frame is not {width}x{height} when displayed")
    return done.stdout


def check_upright(c: Corpus, path: Path, reference: str = "base", size: tuple[int, int] = (BASE_WIDTH, BASE_HEIGHT)) -> None:
    """Fail unless ``path`` displays (ffmpeg autorotation) like the ``reference`` case."""
    shown = first_frame_rgb(path, *size)
    base = first_frame_rgb(c.path(reference), *size)
    mean_abs = sum(abs(a - b) for a, b in zip(shown, base)) / len(base)
    if mean_abs > 3.0:
        raise FfmpegError(f"{path.name} does not display upright (mean difference {mean_abs:.1f} grey levels)")


for _deg in (90, 180, 270):
    case(f"rotate_{_deg}")(lambda c, _deg=_deg: _rotated(c, _deg))


STEP_DOWN_SAMPLE = "step_down_left_front_clean.mp4"
STEP_DOWN_SIZE = (288, 512)


@case("step_down_sample")
def _step_down_sample(c: Corpus) -> Path:
    """A rendered step-down from sample_videos (8 s, three left-leg repetitions), 288x512."""
    if c.sources.step_down is None:
        raise FileNotFoundError(f"sample_videos/{STEP_DOWN_SAMPLE} is not installed")
    out = c.out("step_down_sample.mp4")
    w, h = STEP_DOWN_SIZE
    ffmpeg("-i", c.sources.step_down, "-an", "-vf", f"scale={w}:{h},setsar=1", *X264, out)
    return out


@case("step_down_rotate_90")
def _step_down_rotated(c: Corpus) -> Path:
    """The step-down sample stored sideways with a 90 degree rotation tag."""
    stored = c.out("stored_for_step_down_rotate_90.mp4")
    ffmpeg("-i", c.path("step_down_sample"), "-vf", _STORED_TURN[90], *X264, stored)
    out = c.out("step_down_rotate_90.mp4")
    ffmpeg("-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90", out)
    check_upright(c, out, "step_down_sample", STEP_DOWN_SIZE)
    return out


@case("slowmo_240fps")
def _slowmo(c: Corpus) -> Path:
    """1.25 s at 240 frames per second (each base frame repeated), like a phone's slow motion."""
    out = c.out("slowmo_240fps.mp4")
    frames = round(SLOWMO_FPS * SLOWMO_DURATION_S)
    ffmpeg("-i", c.path("base"), "-vf", f"fps={SLOWMO_FPS}", "-frames:v", frames, *X264, "-r", SLOWMO_FPS, out)
    return out


@case("variable_frame_rate")
def _vfr(c: Corpus) -> Path:
    """Irregular frame intervals: frames dropped in an uneven pattern, timestamps kept."""
    out = c.out("variable_frame_rate.mp4")
    keep = "not(eq(mod(n\\,7)\\,3))*not(eq(mod(n\\,11)\\,5))"
    ffmpeg("-i", c.path("base"), "-vf", f"select='{keep}'", "-fps_mode", "vfr", *X264, out)
    return out


@case("resolution_8k")
def _eight_k(c: Corpus) -> Path:
    """7680x4320 (8K UHD), 2 s at 10 fps: the base clip scaled up, padded with white."""
    out = c.out("resolution_8k.mp4")
    w, h = EIGHT_K
    vf = f"fps={EIGHT_K_FPS},scale=-2:{h},pad={w}:{h}:(ow-iw)/2:0:white,setsar=1"
    ffmpeg("-t", EIGHT_K_DURATION_S, "-i", c.path("base"), "-vf", vf, "-c:v", "libx264", "-preset", "ultrafast",
           "-crf", "30", "-pix_fmt", "yuv420p", out)
    return out


@case("two_seconds")
def _two_seconds(c: Corpus) -> Path:
    out = c.out("two_seconds.mp4")
    ffmpeg("-i", c.path("base"), "-t", "2", "-c", "copy", out)
    return out


@case("one_frame")
def _one_frame(c: Corpus) -> Path:
    out = c.out("one_frame.mp4")
    ffmpeg("-i", c.path("base"), "-frames:v", "1", *X264, out)
    return out


@case("long_tiny")
def _long_tiny(c: Corpus) -> Path:
    """11 minutes of a 64x64 test pattern at 30 fps: 19,800 frames that take seconds to
    decode, in a few MB; refusing it quickly shows the duration is checked first."""
    out = c.out("long_tiny.mp4")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=30", "-t", LONG_TINY_DURATION_S,
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out)
    return out


@case("fuzz_seed")
def _fuzz_seed(c: Corpus) -> Path:
    """1.6 s, 96x160, 15 fps, moov at the front: the small valid MP4 the fuzz test mutates."""
    out = c.out("fuzz_seed.mp4")
    ffmpeg("-t", "1.6", "-i", c.path("base"), "-vf", "scale=96:160,fps=15", *X264, "-movflags", "+faststart", out)
    return out


@case("fuzz_seed_moov_at_end")
def _fuzz_seed_end(c: Corpus) -> Path:
    """The fuzz seed with its index (moov) after the media data."""
    out = c.out("fuzz_seed_moov_at_end.mp4")
    ffmpeg("-t", "1.6", "-i", c.path("base"), "-vf", "scale=96:160,fps=15", *X264, out)
    return out


# -- not a video, damaged --------------------------------------------------------------


@case("zero_bytes")
def _zero(c: Corpus) -> Path:
    out = c.out("zero_bytes.mp4")
    out.write_bytes(b"")
    return out


@case("text_as_mp4")
def _text(c: Corpus) -> Path:
    out = c.out("notes.mp4")
    out.write_text("Physio appointment Tuesday 10:30\nBring trainers and shorts.\n" * 20, encoding="utf-8")
    return out


@case("png_as_mp4")
def _png(c: Corpus) -> Path:
    out = c.out("photo.mp4")
    png = c.out("photo_frame.png")
    ffmpeg("-i", c.path("base"), "-frames:v", "1", png)
    shutil.copyfile(png, out)
    return out


@case("audio_only")
def _audio(c: Corpus) -> Path:
    out = c.out("voice_memo.mp4")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", "-b:a", "64k", out)
    return out


def _truncated(source: Path, out: Path, fraction: float) -> Path:
    data = source.read_bytes()
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


@case("truncated_faststart")
def _truncated_faststart(c: Corpus) -> Path:
    """First 30% of an MP4 whose index (moov) is at the front: the frames run out."""
    return _truncated(c.path("base_faststart"), c.out("truncated_faststart.mp4"), 0.3)


@case("truncated_moov_at_end")
def _truncated_moov_end(c: Corpus) -> Path:
    """First 30% of an MP4 whose index (moov) is at the end: the index is lost."""
    return _truncated(c.path("base"), c.out("truncated_moov_at_end.mp4"), 0.3)


@case("bitflip_mdat")
def _bitflip(c: Corpus) -> Path:
    """60 random bytes of the media data (mdat) flipped; the index (moov) intact."""
    data = bytearray(c.path("base_faststart").read_bytes())
    mdat = [(o, s) for kind, o, s in mp4_boxes(bytes(data)) if kind == b"mdat"]
    assert mdat, "no mdat box in the base clip"
    offset, size = mdat[0]
    rng = random.Random(SEED)
    for pos in rng.sample(range(offset + 8, offset + size), 60):
        data[pos] ^= 1 << rng.randrange(8)
    out = c.out("bitflip_mdat.mp4")
    out.write_bytes(bytes(data))
    return out


# -- what the camera saw ----------------------------------------------------------------


@case("dark")
def _dark(c: Corpus) -> Path:
    """A dark room: levels squeezed to 8% (mean brightness about 16 of 255) with sensor noise.

    MediaPipe still finds the person in every frame here.
    """
    out = c.out("dark.mp4")
    ffmpeg("-i", c.path("base"), "-vf", "colorlevels=romax=0.08:gomax=0.08:bomax=0.08,noise=alls=6:allf=t", *X264, out)
    return out


@case("very_dark")
def _very_dark(c: Corpus) -> Path:
    """A nearly unlit room: levels at 4% (mean brightness about 8 of 255) with noise, 3 s.

    MediaPipe finds nobody here.
    """
    out = c.out("very_dark.mp4")
    ffmpeg("-i", c.path("base"), "-t", "3", "-vf", "colorlevels=romax=0.04:gomax=0.04:bomax=0.04,noise=alls=4:allf=t",
           *X264, out)
    return out


@case("far_away")
def _far_away(c: Corpus) -> Path:
    """The person far from the phone: the base clip shrunk to a quarter (60x100) in the
    middle of the white 240x400 frame, about 63 px from shoulders to ankles."""
    out = c.out("far_away.mp4")
    w, h = BASE_WIDTH // 4, BASE_HEIGHT // 4
    vf = f"scale={w}:{h},pad={BASE_WIDTH}:{BASE_HEIGHT}:(ow-iw)/2:(oh-ih)/2:white,setsar=1"
    ffmpeg("-i", c.path("base"), "-vf", vf, "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", out)
    return out


@case("nobody")
def _nobody(c: Corpus) -> Path:
    """The empty white background beside the person (with the burnt-in frame counter)."""
    out = c.out("nobody.mp4")
    vf = f"crop=iw*0.22:ih:0:0,scale={BASE_WIDTH}:{BASE_HEIGHT},setsar=1,fps={BASE_FPS}"
    ffmpeg("-ss", BASE_START_S, "-t", BASE_DURATION_S, "-i", c.sources.base, "-an", "-vf", vf, *X264, out)
    return out


@case("two_people_side_by_side")
def _two_people_hstack(c: Corpus) -> Path:
    """The base clip beside its mirror image, 1 s apart in time: two people, both front on."""
    out = c.out("two_people_side_by_side.mp4")
    fc = "[0:v]hflip[m];[m]trim=start=1,setpts=PTS-STARTPTS[d];[1:v][d]hstack=shortest=1[v]"
    ffmpeg("-i", c.path("base"), "-i", c.path("base"), "-filter_complex", fc, "-map", "[v]", *X264, out)
    return out


@case("two_people_real")
def _two_people_real(c: Corpus) -> Path:
    """sports2d_demo: one person walks across while another jumps onto a cabinet (VP9)."""
    out = c.out("two_people_real.mp4")
    ffmpeg("-t", "4", "-i", c.sources.two_people, "-an", "-vf", "scale=480:-2,fps=15", *X264, out)
    return out


@case("oblique_back")
def _oblique_back(c: Corpus) -> Path:
    """pose2sim cam03: single-leg balance filmed from behind and well to one side."""
    out = c.out("oblique_back.mp4")
    if c.sources.oblique is None:
        raise FfmpegError("the oblique source clip is not available")
    ffmpeg("-i", c.sources.oblique, "-an", "-vf", "scale=540:-2", *X264, out)
    return out


@case("side_view")
def _side(c: Corpus) -> Path:
    """bmgait: a person walking across the room, filmed from the side."""
    out = c.out("side_view.mp4")
    ffmpeg("-i", c.sources.side_view, "-an", "-vf", "scale=480:-2", *X264, out)
    return out


@case("feet_out_middle")
def _feet_out(c: Corpus) -> Path:
    """From 2.0 s to 3.5 s the picture shows only the top two thirds, shifted down.

    As if the phone tipped up: the lower legs and feet leave the bottom of the frame.
    """
    out = c.out("feet_out_middle.mp4")
    a, b = FEET_OUT_START_S, FEET_OUT_END_S
    kept = 2 * BASE_HEIGHT // 3
    fc = (
        f"[0:v]split=3[p][q][r];"
        f"[p]trim=end={a},setpts=PTS-STARTPTS[s0];"
        f"[q]trim=start={a}:end={b},setpts=PTS-STARTPTS,crop={BASE_WIDTH}:{kept}:0:0,"
        f"pad={BASE_WIDTH}:{BASE_HEIGHT}:0:{BASE_HEIGHT - kept}:white,setsar=1[s1];"
        f"[r]trim=start={b},setpts=PTS-STARTPTS[s2];"
        f"[s0][s1][s2]concat=n=3:v=1:a=0[v]"
    )
    ffmpeg("-i", c.path("base"), "-filter_complex", fc, "-map", "[v]", *X264, out)
    return out


@case("walks_out")
def _walks_out(c: Corpus) -> Path:
    """The person slides out of the right edge from 3.5 s and is gone after 4.0 s."""
    out = c.out("walks_out.mp4")
    t0 = WALK_OUT_START_S
    fc = (
        f"color=white:size={BASE_WIDTH}x{BASE_HEIGHT}:rate={BASE_FPS}:duration={BASE_DURATION_S}[bg];"
        f"[bg][0:v]overlay=x='if(lt(t,{t0}),0,min(W,(t-{t0})*2*W))':y=0:shortest=1[v]"
    )
    ffmpeg("-i", c.path("base"), "-filter_complex", fc, "-map", "[v]", *X264, out)
    return out
