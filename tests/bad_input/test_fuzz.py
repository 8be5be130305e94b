"""Fuzz: hundreds of damaged copies of a small valid MP4 never crash, hang or mislead.

In process (in a child worker, so native hangs and crashes cannot take the suite down):
``probe_video`` then ``iter_frames`` must either succeed with consistent frames or raise
``InputProblem``. A subset goes through the real CLI: exit code 0 or 2, one line on stderr
on refusal, within a time bound, never a traceback or a signal.
"""

from __future__ import annotations

import collections
import json
import queue
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.bad_input import fuzz
from tests.bad_input.conftest import CLI_WORKERS
from tests.bad_input.runner import problems_with_refusal, problems_with_success, run_cli

N_MUTATIONS = 400
N_CLI = 20
CASE_TIMEOUT_S = 10.0
"""Decoding a 1.6 s, 96x160 clip takes milliseconds; 10 s means it hangs."""
CLI_TIMEOUT_S = 60.0
FUZZ_SEED = 7


@pytest.fixture(scope="module")
def mutations(corpus, tmp_path_factory) -> list[tuple[Path, str]]:
    """N_MUTATIONS damaged files (path, description), half from each layout of the seed."""
    out = tmp_path_factory.mktemp("fuzz")
    seeds = [corpus.path("fuzz_seed").read_bytes(), corpus.path("fuzz_seed_moov_at_end").read_bytes()]
    made = []
    for i in range(N_MUTATIONS):
        data, what = fuzz.mutate(seeds[i % 2], FUZZ_SEED * 100_000 + i)
        path = out / f"mut_{i:03d}.mp4"
        path.write_bytes(data)
        made.append((path, f"{'moov-first' if i % 2 == 0 else 'moov-last'}: {what}"))
    return made


def run_worker(paths: list[Path], list_file: Path) -> dict[int, dict]:
    """Decode every file in a child worker, restarting it after a hang or a crash."""
    list_file.write_text(json.dumps([str(p) for p in paths]))
    outcomes: dict[int, dict] = {}
    first = 0
    while first < len(paths):
        proc = subprocess.Popen(
            [sys.executable, fuzz.__file__, str(list_file), str(first)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout] + [lines.put(None)], daemon=True).start()
        current = None
        while True:
            try:
                line = lines.get(timeout=CASE_TIMEOUT_S)
            except queue.Empty:
                proc.kill()
                proc.wait()
                outcomes[current] = {"result": "hang", "index": current}
                first = current + 1
                break
            if line is None:  # the worker ended
                code = proc.wait()
                if current is not None and current not in outcomes:
                    outcomes[current] = {"result": "crash", "index": current, "returncode": code}
                    first = current + 1
                else:
                    first = len(paths)
                break
            record = json.loads(line)
            if "start" in record:
                current = record["start"]
            else:
                outcomes[record["index"]] = record
    return outcomes


def test_damaged_files_give_input_problem_or_consistent_frames(mutations, tmp_path):
    start = time.monotonic()
    outcomes = run_worker([p for p, _ in mutations], tmp_path / "list.json")
    elapsed = time.monotonic() - start
    stats = collections.Counter(o["result"] for o in outcomes.values())
    codes = collections.Counter(o.get("code") for o in outcomes.values() if o["result"] == "problem")
    print(f"\nfuzz: {len(mutations)} mutations in {elapsed:.1f} s: {dict(stats)}; problems: {dict(codes)}")
    bad = []
    for i, (path, what) in enumerate(mutations):
        o = outcomes.get(i, {"result": "missing"})
        if o["result"] in ("ok", "problem") and not o.get("inconsistent"):
            continue
        detail = o.get("error") or o.get("inconsistent") or o.get("returncode") or ""
        bad.append(f"#{i} {path.name} ({what}): {o['result']} {detail}")
    assert not bad, f"{len(bad)} of {len(mutations)} damaged files were not handled:\n" + "\n".join(bad[:40])


def test_damaged_files_through_the_cli(mutations, tmp_path):
    step = max(1, len(mutations) // N_CLI)
    chosen = mutations[::step][:N_CLI]

    def one(item):
        path, what = item
        return path, what, run_cli("analyze", path, "--json", "-", cwd=tmp_path, timeout_s=CLI_TIMEOUT_S)

    with ThreadPoolExecutor(max_workers=max(1, CLI_WORKERS)) as pool:
        runs = list(pool.map(one, chosen))
    exits = collections.Counter(run.returncode for _, _, run in runs)
    slowest = max(run.seconds for _, _, run in runs)
    print(f"\nfuzz CLI: {len(runs)} runs, exit codes {dict(exits)}, slowest {slowest:.1f} s")
    bad = []
    for path, what, run in runs:
        problems = problems_with_success(run) if run.returncode == 0 else problems_with_refusal(run)
        if problems:
            bad.append(f"{path.name} ({what}): {'; '.join(problems)}\n{run.describe()}")
    assert not bad, "\n\n".join(bad)
    assert list(tmp_path.iterdir()) == [], "the CLI wrote files into its working folder"
