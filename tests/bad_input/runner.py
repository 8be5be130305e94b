"""Run ``hipscreen analyze`` in a subprocess and judge what the user sees.

The user-facing contract (docs/OUTPUT.md): exit code 0 with the JSON result, or exit code
2 with exactly one line on stderr saying what is wrong and how to do better. Never a
traceback, never MediaPipe's native log lines, never a hang.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CLI_TIMEOUT_S = 180.0

# Lines that must never reach the user: Python tracebacks and exception reprs, glog/absl
# lines from MediaPipe's native code ("W0000 00:00:...", "I0000 ...", "INFO: ..."), and
# the warnings Python prints itself.
_NOISE = re.compile(
    r"Traceback|^\s*File \"|^[IWEF]\d{4} |^INFO:|^WARNING:|^ERROR:|Exception ignored|"
    r"Warning: |DeprecationWarning|RuntimeWarning|UserWarning|^\[[a-z0-9_ ,]+ @ 0x",
    re.MULTILINE,
)

# Words of advice a message should contain: how to film or fetch a better video.
ADVICE_WORDS = (
    "film", "record", "copy", "step back", "hold the phone", "export", "share the original",
    "light", "retry", "check the file", "give the path",
)


@dataclass
class CliRun:
    """What one ``hipscreen analyze`` run showed the user."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    csv_path: Path | None = None

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    @property
    def message(self) -> str:
        """The one line on stderr without the ``hipscreen:`` prefix ('' if none)."""
        lines = self.stderr_lines
        if not lines:
            return ""
        return lines[-1].removeprefix("hipscreen:").strip()

    def result(self) -> dict:
        return json.loads(self.stdout)

    def describe(self) -> str:
        return (
            f"`{' '.join(self.args)}` -> exit {self.returncode} in {self.seconds:.1f} s"
            f"{' (TIMED OUT)' if self.timed_out else ''}\n--- stderr ---\n{self.stderr[-3000:]}"
            f"\n--- stdout (start) ---\n{self.stdout[:500]}"
        )


def hipscreen_command() -> list[str]:
    """The command line that starts hipscreen with the interpreter running the tests."""
    return [sys.executable, "-m", "hipscreen"]


def run_cli(*args: str | Path, cwd: Path, timeout_s: float = CLI_TIMEOUT_S, env: dict | None = None) -> CliRun:
    """Run ``hipscreen <args>`` with stderr not a terminal (no progress bar), in ``cwd``."""
    cmd = hipscreen_command() + [str(a) for a in args]
    full_env = {**os.environ, **(env or {})}
    full_env.pop("HIPSCREEN_DEBUG", None)
    start = time.monotonic()
    try:
        done = subprocess.run(
            cmd, cwd=cwd, env=full_env, capture_output=True, text=True, errors="replace",
            timeout=timeout_s, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return CliRun(cmd, -999, out, err, time.monotonic() - start, timed_out=True)
    return CliRun(cmd, done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def problems_with_refusal(run: CliRun) -> list[str]:
    """What is wrong with how a refused input was reported (empty list: fine)."""
    problems = []
    if run.timed_out:
        problems.append("did not finish in time")
    if run.returncode != 2:
        problems.append(f"exit code {run.returncode}, expected 2")
    lines = run.stderr_lines
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected exactly 1")
    if _NOISE.search(run.stderr):
        problems.append("traceback or native log noise on stderr")
    if lines and not lines[-1].startswith("hipscreen: "):
        problems.append("the line does not start with 'hipscreen: '")
    if run.stdout.strip():
        problems.append("something was written to stdout")
    return problems


def problems_with_success(run: CliRun) -> list[str]:
    """What is wrong with a successful run's output (empty list: fine)."""
    problems = []
    if run.timed_out:
        problems.append("did not finish in time")
    if run.returncode != 0:
        problems.append(f"exit code {run.returncode}, expected 0")
    if run.stderr.strip():
        problems.append("stderr is not empty on success")
    try:
        run.result()
    except ValueError as exc:
        problems.append(f"stdout is not JSON ({exc})")
    return problems


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """True if ``text`` contains any of ``words`` (case-insensitive)."""
    low = text.lower()
    return any(w.lower() in low for w in words)
