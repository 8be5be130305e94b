"""End to end: ``hipscreen analyze`` on real phone videos through the real decoder and model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import av
import numpy as np
import pytest

from hipscreen.pipeline import analyze

pytestmark = pytest.mark.slow

HIPSCREEN = [sys.executable, "-m", "hipscreen"]


def run_cli(*args, timeout=300):
    return subprocess.run([*HIPSCREEN, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def ffmpeg(*args):
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed to make the derived test clips (apt-get install ffmpeg)")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True, timeout=300)


@pytest.fixture(scope="module")
def walk_run(real_video, tmp_path_factory):
    out = tmp_path_factory.mktemp("walk")
    proc = run_cli(
        "analyze", real_video("vaila_mlwalk.mp4"), "--json", out / "r.json", "--overlay", out / "o.mp4", "--csv", out / "r.csv",
        "--pdf", out / "r.pdf", "--audience", "patient", "--patient", "P-21",
    )
    return proc, out


def test_analyze_writes_the_pdf_report_for_the_audience_chosen(walk_run):
    import pypdfium2 as pdfium

    from hipscreen.filming_guide import ANGLE_LABELS_CLINICIAN, ANGLE_LABELS_PATIENT

    proc, out = walk_run
    assert proc.returncode == 0, proc.stderr
    doc = pdfium.PdfDocument(out / "r.pdf")
    assert 1 <= len(doc) <= 2
    text = " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))
    assert "P-21" in text and "vaila_mlwalk.mp4" in text
    assert ANGLE_LABELS_PATIENT["pelvic_drop_deg"] in text
    assert ANGLE_LABELS_CLINICIAN["knee_fppa_deg"] not in text  # plain words, not "Knee FPPA"


def test_analyze_real_walk_writes_json_csv_and_overlay(walk_run):
    proc, out = walk_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "W0000" not in proc.stderr
    result = json.loads((out / "r.json").read_text())
    assert result["schema_version"] == 1
    assert result["video"]["width"] == 1920 and result["video"]["height"] == 1080
    assert result["video"]["fps"] == pytest.approx(59.0, abs=0.01)
    assert result["view"] == "front"
    assert result["details"]["joint_centres"]["rule"] == "general"  # walking has no rule of its own
    for event in result["events"]:
        assert event["side"] in ("left", "right")
        assert event["start_s"] <= event["peak_s"] <= event["end_s"]
        assert set(event["at_peak"]) == {"pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg"}
    header = (out / "r.csv").read_text().splitlines()[0].split(",")
    assert header[0] == "time_s" and "knee_fppa_left_deg" in header and "left_hip_x_px" in header
    assert len((out / "r.csv").read_text().splitlines()) == result["video"]["frames"] + 1


def test_overlay_is_h264_and_draws_the_skeleton_on_the_person(walk_run, real_video):
    proc, out = walk_run
    assert proc.returncode == 0, proc.stderr
    with av.open(str(out / "o.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == 224
    csv_lines = (out / "r.csv").read_text().splitlines()
    header = csv_lines[0].split(",")
    i = 130  # mid-walk, the person is in full view
    row = csv_lines[i + 1].split(",")
    hip = np.array([float(row[header.index("left_hip_x_px")]), float(row[header.index("left_hip_y_px")])])
    knee = np.array([float(row[header.index("left_knee_x_px")]), float(row[header.index("left_knee_y_px")])])
    # The person walks down the middle of the pillarboxed picture.
    assert 610 < hip[0] < 1310 and 200 < hip[1] < 1000
    with av.open(str(real_video("vaila_mlwalk.mp4"))) as container:
        original = next(f for j, f in enumerate(container.decode(video=0)) if j == i).to_ndarray(format="rgb24")
    # Along the drawn thigh the overlay differs strongly from the original picture.
    changed = 0
    for s in np.linspace(0.2, 0.8, 7):
        x, y = np.round(hip + s * (knee - hip)).astype(int)
        changed += np.abs(frames[i][y, x].astype(int) - original[y, x].astype(int)).sum() > 120
    assert changed >= 5


def test_save_files_the_result_in_the_patients_history_once(tmp_path):
    import os
    from datetime import datetime, timezone
    from pathlib import Path

    from hipscreen.storage import SessionStore

    video = Path(__file__).resolve().parents[2] / "sample_videos" / "step_down_left_front_clean.mp4"
    env = {**os.environ, "HIPSCREEN_DB": str(tmp_path / "clinic" / "sessions.db")}
    args = [*HIPSCREEN, "analyze", str(video), "--save", "--patient", " P-014 ", "--filmed-on", "2026-10-01",
            "--json", str(tmp_path / "r.json")]
    first = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    again = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert first.stderr == again.stderr == ""
    assert "Saved as session 1 of patient P-014, filmed 2026-10-01" in first.stdout
    assert "Already saved as session 1 of patient P-014" in again.stdout
    with SessionStore(tmp_path / "clinic" / "sessions.db") as store:
        sessions = store.sessions("P-014")
    assert len(sessions) == 1
    saved = sessions[0]
    assert saved.recorded_at.date() == datetime(2026, 10, 1, tzinfo=timezone.utc).date()
    assert (saved.task, saved.video_name) == ("step_down", video.name)
    assert saved.result == json.loads((tmp_path / "r.json").read_text())


def test_json_to_stdout(real_video):
    proc = run_cli("analyze", real_video("pose2sim_single_cam01.mp4"), "--json", "-")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["task"] == "single_leg_stance"
    assert {e["side"] for e in result["events"]} == {"left"}


@pytest.mark.parametrize(
    "make_input, code_word",
    [
        pytest.param(lambda p: p.write_text("not a video at all"), "video", id="text-file-named-mp4"),
        pytest.param(lambda p: p.write_bytes(b""), "empty", id="zero-bytes"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, make_input, code_word):
    bad = tmp_path / "clip.mp4"
    make_input(bad)
    proc = run_cli("analyze", bad, "--json", tmp_path / "r.json")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert code_word in lines[0].lower()
    assert not (tmp_path / "r.json").exists()


def test_side_view_is_refused_with_advice(real_video):
    proc = run_cli("analyze", real_video("bmgait_gait_normal_01.mp4"), "--json", "-")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "side" in lines[0] and "front or back" in lines[0]
    assert proc.stdout == ""


@pytest.fixture(scope="module")
def upright_and_rotated(real_video, tmp_path_factory):
    """The same pictures stored upright, stored turned with a 90-degree display tag, and mirrored.

    Lossless encodes (4:4:4, qp 0), so the rotated file holds exactly the upright pixels:
    any difference in the angles then comes from how the tag is handled, not from coding
    noise (MediaPipe moves by a few pixels between two lossy generations of one clip).
    """
    d = tmp_path_factory.mktemp("rotation")
    src = real_video("pose2sim_single_cam01.mp4")
    lossless = ("-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p")
    ffmpeg("-i", src, "-vf", "scale=540:960", *lossless, d / "up.mp4")
    ffmpeg("-i", d / "up.mp4", "-vf", "transpose=1", *lossless, d / "t.mp4")
    ffmpeg("-i", d / "t.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=90", d / "rot90.mp4")
    ffmpeg("-i", d / "up.mp4", "-vf", "hflip", *lossless, d / "mirror.mp4")
    return {name: analyze(d / f"{name}.mp4") for name in ("up", "rot90", "mirror")}


def test_rotation_tag_gives_the_same_angles(upright_and_rotated):
    up, rot = upright_and_rotated["up"], upright_and_rotated["rot90"]
    assert rot.result["video"]["rotation_deg"] in (90, 270)
    assert (rot.result["video"]["width"], rot.result["video"]["height"]) == (540, 960)
    assert [e["side"] for e in rot.result["events"]] == [e["side"] for e in up.result["events"]]
    for a, b in zip(up.result["events"], rot.result["events"]):
        for angle, value in a["at_peak"].items():
            assert b["at_peak"][angle] == pytest.approx(value, abs=0.5), angle
    for column, values in up.series.items():
        assert np.nanmedian(np.abs(values - rot.series[column])) < 0.5, column


def test_mirrored_video_swaps_left_and_right(upright_and_rotated):
    up, mirror = upright_and_rotated["up"], upright_and_rotated["mirror"]
    assert mirror.result["view"] == up.result["view"] == "front"
    assert [e["side"] for e in mirror.result["events"]] == [
        {"left": "right", "right": "left"}[e["side"]] for e in up.result["events"]
    ]
    # Pelvic drop and trunk lean of the left stance in one are those of the right stance in
    # the other; MediaPipe itself is not exactly mirror-symmetric, hence the tolerance.
    for angle in ("pelvic_drop", "trunk_lean"):
        a = up.series[f"{angle}_left_stance_deg"]
        b = mirror.series[f"{angle}_right_stance_deg"]
        assert np.nanmedian(np.abs(a - b)) < 3.0, angle
        assert np.nanmedian(np.abs(a + b)) > np.nanmedian(np.abs(a - b)), angle
