"""Print the docs/BAD_INPUT.md table from real runs of the CLI over the corpus.

Usage (from the repository root)::

    HIPSCREEN_MODEL_DIR=../shared/models python -m tests.bad_input.report_table /tmp/corpus

Builds the corpus into the given folder (reusing files already there), runs
``hipscreen analyze FILE --json -`` on every case, two at a time, and prints one Markdown
row per case: the input, what the user sees (the stderr line, or the result's task, view
and warnings), the exit code and the seconds it took.
"""

from __future__ import annotations

import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.bad_input.corpus import (
    BASE_SOURCE,
    BUILDERS,
    OBLIQUE_SOURCE,
    SIDE_SOURCE,
    STEP_DOWN_SAMPLE,
    TWO_PEOPLE_SOURCE,
    Corpus,
    Sources,
)
from tests.bad_input.runner import run_cli
from tests.bad_input.test_corpus import EXPECTED
from tests.conftest import SAMPLE_DIR, SHARED_DIR


DESCRIPTIONS = {
    "zero_bytes": "an empty file (0 bytes) named .mp4",
    "text_as_mp4": "a text file named notes.mp4",
    "png_as_mp4": "a PNG photo named photo.mp4",
    "audio_only": "an audio-only MP4 (voice memo)",
    "truncated_faststart": "first 30% of an MP4 whose index is at the front",
    "truncated_moov_at_end": "first 30% of an MP4 whose index (moov) is at the end",
    "bitflip_mdat": "60 random bytes flipped in the media data",
    "one_frame": "an MP4 with a single frame",
    "two_seconds": "a 2-second clip",
    "base": "the reference: 5 s, 240x400 portrait H.264, person walking in place, front",
    "unicode_name": "the reference named `patient 'A' ünïcødé ; $(x).mp4`",
    "hevc": "the reference in HEVC (hvc1) MP4",
    "vp9": "the reference in VP9 WebM",
    "mpeg4": "the reference in MPEG-4 part 2 MP4",
    "mjpeg": "the reference in Motion JPEG MOV",
    "rotate_90": "stored sideways with a 90 degree rotation tag",
    "rotate_180": "stored upside down with a 180 degree rotation tag",
    "rotate_270": "stored sideways with a 270 degree rotation tag",
    "slowmo_240fps": "240 fps slow motion, 1.25 s",
    "step_down_sample": "a rendered step-down (sample_videos/step_down_left_front_clean.mp4) at 288x512",
    "step_down_rotate_90": "that step-down stored sideways with a 90 degree rotation tag",
    "variable_frame_rate": "variable frame rate (uneven frame drops)",
    "resolution_8k": "8K UHD, 7680x4320, 2 s at 10 fps",
    "dark": "a dark room (mean brightness about 16 of 255, sensor noise)",
    "very_dark": "a nearly unlit room (mean brightness about 8 of 255), 3 s",
    "far_away": "the person far away: about 90 px tall in a 240x400 frame",
    "nobody": "nobody in view (blank wall)",
    "two_people_side_by_side": "two people side by side, both front on",
    "two_people_real": "two people, one walking across, one jumping (sports2d_demo)",
    "oblique_back": "single-leg balance filmed from behind and well to one side (pose2sim cam03)",
    "side_view": "a person walking, filmed from the side (bmgait)",
    "feet_out_middle": "feet out of the frame from 2.0 s to 3.5 s",
    "walks_out": "the person walks out of the frame at 3.5-4.0 s",
    "missing_file": "a path that does not exist",
    "folder": "a folder named like a video",
    "named_pipe": "a named pipe (FIFO) called stream.mp4",
    "link_to_dev_zero": "a link called endless.mp4 to /dev/zero",
}


def describe_result(result: dict) -> str:
    video = result["video"]
    parts = [
        f"result: task {result['task']}, view {result['view']}, "
        f"{video['width']}x{video['height']}, rotation {video['rotation_deg']}, "
        f"{video['fps']:g} fps, {video['frames']} frames, codec {video['codec']}"
        + (", variable frame rate" if video["variable_frame_rate"] else "")
    ]
    for warning in result["quality"]["warnings"]:
        parts.append(f"warning: \"{warning}\"")
    return "<br>".join(parts)


def main(root: str) -> None:
    real = SHARED_DIR / "videos" / "real"
    sample = SAMPLE_DIR / STEP_DOWN_SAMPLE
    sources = Sources(real / BASE_SOURCE, real / SIDE_SOURCE, real / TWO_PEOPLE_SOURCE,
                      sample if sample.is_file() else None, real / OBLIQUE_SOURCE)
    corpus = Corpus(Path(root), sources)
    cases = [c for c in EXPECTED if c in BUILDERS and (sources.step_down or not c.startswith("step_down"))]
    paths = {c: corpus.path(c) for c in cases}
    workdir = Path(tempfile.mkdtemp(prefix="hipscreen_table_"))
    missing = workdir / "no_such_video.mp4"
    folder = workdir / "a_folder.mp4"
    folder.mkdir()
    paths["missing_file"] = missing
    paths["folder"] = folder
    fifo = workdir / "stream.mp4"
    os.mkfifo(fifo)
    paths["named_pipe"] = fifo
    endless = workdir / "endless.mp4"
    endless.symlink_to("/dev/zero")
    paths["link_to_dev_zero"] = endless

    def one(case):
        return case, run_cli("analyze", paths[case], "--json", "-", cwd=workdir)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(pool.map(one, list(paths)))
    print("| input | what the user sees | exit code | seconds |")
    print("|---|---|---|---|")
    for case, run in runs.items():
        doc = DESCRIPTIONS.get(case, "")
        if run.returncode == 0:
            seen = describe_result(run.result())
        else:
            seen = "<br>".join(f"`{line}`" for line in run.stderr_lines) or "(nothing)"
        name = f"`{case}`" + (f" — {doc}" if doc else "")
        print(f"| {name} | {seen} | {run.returncode} | {run.seconds:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="hipscreen_corpus_"))
