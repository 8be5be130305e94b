"""Fixtures of the bad-input suite: the generated corpus and cached CLI runs over it."""

from __future__ import annotations

import os
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.bad_input.corpus import (
    BASE_SOURCE,
    BUILDERS,
    SIDE_SOURCE,
    STEP_DOWN_SAMPLE,
    OBLIQUE_SOURCE,
    TWO_PEOPLE_SOURCE,
    Corpus,
    Sources,
)
from tests.conftest import SAMPLE_DIR
from tests.bad_input.runner import CliRun, run_cli

CLI_WORKERS = int(os.environ.get("HIPSCREEN_TEST_WORKERS", "2"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, real_video) -> Corpus:
    """The bad-input corpus, built on demand into one folder for the whole session."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed to build the bad-input corpus")
    sample = SAMPLE_DIR / STEP_DOWN_SAMPLE
    sources = Sources(
        base=real_video(BASE_SOURCE),
        side_view=real_video(SIDE_SOURCE),
        two_people=real_video(TWO_PEOPLE_SOURCE),
        step_down=sample if sample.is_file() else None,
        oblique=real_video(OBLIQUE_SOURCE),
    )
    return Corpus(tmp_path_factory.mktemp("bad_input_corpus"), sources)


class CliRuns:
    """``hipscreen analyze <case> --json - --csv <outputs>/<case>.csv`` for corpus cases,
    each run once per session, in an empty working folder (checked for stray files).

    Runs for all selected cases are started together on first use, ``CLI_WORKERS`` at a
    time (MediaPipe uses one core per process), so the suite waits for the slowest half.
    """

    def __init__(self, corpus: Corpus, workdir: Path, selected: list[str]) -> None:
        self.corpus = corpus
        self.workdir = workdir
        self.outdir = corpus.root / "cli_outputs"
        self.outdir.mkdir(exist_ok=True)
        self._selected = [c for c in dict.fromkeys(selected) if c in BUILDERS]
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def _start(self) -> None:
        if self._pool is not None:
            return
        self._pool = ThreadPoolExecutor(max_workers=max(1, CLI_WORKERS))
        # Longest first, so the pool does not end waiting on one slow run.
        order = sorted(self._selected, key=lambda c: c not in ("resolution_8k", "slowmo_240fps", "base"))
        for case in order:
            try:
                path = self.corpus.path(case)  # built here, in one thread
            except FileNotFoundError:
                continue  # an optional source (sample_videos) is not installed
            self._futures[case] = self._pool.submit(self._run, path)

    def _run(self, path: Path) -> CliRun:
        csv_path = self.outdir / f"{path.stem}.csv"
        run = run_cli("analyze", path, "--json", "-", "--csv", csv_path, cwd=self.workdir)
        run.csv_path = csv_path if csv_path.is_file() else None
        return run

    def get(self, case: str) -> CliRun:
        with self._lock:
            self._start()
            if case not in self._futures:
                self._futures[case] = self._pool.submit(self._run, self.corpus.path(case))
            future = self._futures[case]
        return future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def cli_workdir(tmp_path_factory) -> Path:
    """The working folder of the CLI runs (checked afterwards for stray files)."""
    return tmp_path_factory.mktemp("cli_workdir")


@pytest.fixture(scope="session")
def cli_runs(request, corpus, cli_workdir):
    selected = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "case" in callspec.params and "cli_runs" in item.fixturenames:
            selected.append(callspec.params["case"])
        if "cli_runs" in item.fixturenames and "base" not in selected:
            selected.append("base")
    reference = {"step_down_rotate_90": "step_down_sample"}
    selected += [reference[c] for c in selected if c in reference]
    runs = CliRuns(corpus, cli_workdir, selected)
    yield runs
    runs.close()
