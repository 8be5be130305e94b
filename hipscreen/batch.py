"""Batch analysis: many videos (a squad, a clinic's day), one JSON each, one ranked table."""

from __future__ import annotations

import csv
import dataclasses
import glob
import io
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from vision.decode import VIDEO_SUFFIXES
from vision.errors import InputProblem

from hipscreen.filming_guide import ANGLES_WITHHELD_LINE, TASK_UNSURE_LINE, angles_withheld, task_unsure
from hipscreen.pipeline import AnalysisOptions

TABLE_ANGLES = ("pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg")
SEVERITY_RANK = {"marked": 2, "caution": 1, "info": 0}


def _note(result: dict) -> str:
    """What the ranked table says beside a video's figures: no angle given, an unsure task."""
    notes = [ANGLES_WITHHELD_LINE] if angles_withheld(result) else []
    if task_unsure(result):
        notes.append(TASK_UNSURE_LINE)
    return "; ".join(notes)


def collect_videos(inputs: list[str]) -> list[Path]:
    """Video files named directly, found in folders (not recursively) or matched by globs."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            candidates = sorted(p for p in path.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
        elif path.is_file():
            candidates = [path]
        else:
            candidates = sorted(Path(p) for p in glob.glob(item) if Path(p).suffix.lower() in VIDEO_SUFFIXES)
        for candidate in candidates:
            if candidate not in found:
                found.append(candidate)
    return found


def video_labels(videos: list[Path]) -> list[str]:
    """A distinct label per video for the table: the file name, ``folder/name`` where two
    videos share a name, the full path where even that is shared."""
    names = [v.name for v in videos]
    labels = [v.name if names.count(v.name) == 1 else f"{v.parent.name}/{v.name}" for v in videos]
    if len(set(labels)) < len(labels):
        labels = [str(v) for v in videos]
    return labels


def json_names(labels: list[str]) -> list[str]:
    """A distinct JSON file name per label: ``walk.json``, or ``monday_walk.json`` and
    ``tuesday_walk.json``, or ``walk_mp4.json`` and ``walk_mov.json``."""
    flat = [label.replace("\\", "/").strip("/").replace("/", "_") for label in labels]
    stems = [Path(name).stem for name in flat]
    if len(set(stems)) < len(stems):
        stems = [name.replace(".", "_") for name in flat]
    return [f"{stem}.json" for stem in stems]


def _analyse_one(
    path: Path,
    out_dir: Path,
    options: AnalysisOptions,
    json_name: str | None = None,
    pdf: bool = False,
    hide_face: bool = True,
) -> tuple[Path, dict | None, str | None]:
    """Worker: analyse one video, write its JSON (and its PDF report when ``pdf``, the face
    covered on its key frames when ``hide_face``); returns (path, result, problem message).

    Any error is returned as that video's problem, so one bad video never loses the
    results of the others.
    """
    from hipscreen.pipeline import analyze
    from hipscreen.result import to_json

    try:
        analysis = analyze(path, options=options)
    except InputProblem as problem:
        return path, None, str(problem)
    except Exception as error:  # noqa: BLE001 - reported per video; the batch goes on
        return path, None, f"internal error ({type(error).__name__}: {error}); please report it"
    json_path = out_dir / (json_name or f"{path.stem}.json")
    json_path.write_text(to_json(analysis.result), encoding="utf-8")
    if pdf:
        from hipscreen.report_pdf import build_report

        json_path.with_suffix(".pdf").write_bytes(build_report(analysis, video_path=path, hide_face=hide_face))
    return path, analysis.result, None


@dataclass
class BatchOutcome:
    """Results by video, and the videos that could not be analysed with the reason."""

    results: list[tuple[Path, dict]] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    labels: dict[Path, str] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        """One row per video and side, ranked: most marked flags first, then most flags."""
        rows = []
        for path, result in self.results:
            for side in ("left", "right"):
                stats = result["sides"].get(side) or {}
                flags = [f for f in result["flags"] if f["side"] in (side, "both")]
                row = {
                    "video": self.labels.get(path, path.name),
                    "task": result["task"] or "",
                    "side": side,
                    "events": stats.get("events", 0),
                    "flags": " ".join(sorted({f["code"] for f in flags})),
                    "worst": max((SEVERITY_RANK.get(f["severity"], 0) for f in flags), default=-1),
                    "n_flags": len(flags),
                    "note": _note(result),
                }
                for key in TABLE_ANGLES:
                    row[key] = (stats.get(key) or {}).get("mean")
                if row["events"]:
                    rows.append(row)
        rows.sort(key=lambda r: (-r["worst"], -r["n_flags"], r["video"], r["side"]))
        return rows

    def csv_text(self) -> str:
        """The ranked rows as CSV: video, task, side, events, the four mean angles, flags, note."""
        out = io.StringIO(newline="")
        fields = ["video", "task", "side", "events", *TABLE_ANGLES, "flags", "note"]
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows())
        return out.getvalue()

    def write_csv(self, path: Path) -> None:
        Path(path).write_text(self.csv_text(), encoding="utf-8", newline="")

    def table_text(self) -> str:
        """The ranked table for the terminal."""
        out = io.StringIO()
        header = f"{'video':28s} {'side':5s} {'n':>3s} {'pelvic':>7s} {'trunk':>7s} {'FPPA':>7s} {'hip add':>7s}  flags"
        print(header, file=out)
        for row in self.rows():
            values = " ".join("     --" if row[k] is None else f"{row[k]:+7.1f}" for k in TABLE_ANGLES)
            remarks = "  ".join(r for r in (row["flags"], row["note"]) if r)
            print(f"{row['video'][:28]:28s} {row['side']:5s} {row['events']:3d} {values}  {remarks}", file=out)
        for path, message in self.failures:
            print(f"{path.name[:28]:28s} not analysed: {message}", file=out)
        return out.getvalue()


def run_batch(
    videos: list[Path],
    out_dir: Path,
    *,
    options: AnalysisOptions,
    workers: int | None = None,
    pdf: bool = False,
    hide_face: bool = True,
) -> BatchOutcome:
    """Analyse ``videos`` over ``workers`` processes; writes one JSON each and ``summary.csv``.

    Parameters
    ----------
    videos
        The video files, analysed in this order (results keep it).
    out_dir
        Folder for ``<video stem>.json`` and ``summary.csv``.
    options
        Analysis options for every video.
    workers
        Videos analysed at the same time, one process each; None uses every core (but
        no more processes than videos).
    pdf
        Also write each video's PDF report (for the clinician), named like its JSON.
    hide_face
        Cover the head on the reports' key frames (:mod:`hipscreen.privacy`).

    Notes
    -----
    MediaPipe's inference runs on one core, so one process per core keeps every core
    busy. With several worker processes each video runs a single landmarker (no
    segments inside a worker: that would put more busy landmarkers than cores). With
    one worker the videos are analysed here in turn, each with ``options`` as given
    (so a single video may still use every core through segments).
    """
    from vision.parallel import usable_cores

    out_dir.mkdir(parents=True, exist_ok=True)
    labels = video_labels(videos)
    names = json_names(labels)
    outcome = BatchOutcome(labels=dict(zip(videos, labels)))
    workers = min(workers or usable_cores(), max(1, len(videos)))
    if workers <= 1:
        finished = [_analyse_one(v, out_dir, options, n, pdf, hide_face) for v, n in zip(videos, names)]
    else:
        per_video = _single_core(options)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            finished = list(pool.map(_analyse_one, videos, [out_dir] * len(videos), [per_video] * len(videos), names,
                                     [pdf] * len(videos), [hide_face] * len(videos)))
    for path, result, problem in finished:
        if problem is None:
            outcome.results.append((path, result))
        else:
            outcome.failures.append((path, problem))
    outcome.write_csv(out_dir / "summary.csv")
    return outcome


def _single_core(options: AnalysisOptions) -> AnalysisOptions:
    """``options`` with one landmarker per video: the batch's processes already fill the cores."""
    return dataclasses.replace(options, pose_workers=1)
