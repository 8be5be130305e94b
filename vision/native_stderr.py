"""Keep native libraries from writing on the terminal's stderr.

MediaPipe's C++ code logs ``INFO:``/``W0000`` lines straight to file descriptor 2,
past Python's ``sys.stderr`` and past the environment variables meant to quiet it. A
command line whose stderr must carry only its own messages wraps the landmarker's
native calls in :func:`native_stderr_silenced`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class NativeOutput:
    """What native code wrote to fd 2 inside the block (only when ``capture=True``)."""

    text: str = ""


@contextmanager
def native_stderr_silenced(*, capture: bool = False) -> Iterator[NativeOutput]:
    """Point file descriptor 2 at /dev/null (or a temporary file) inside the block.

    Parameters
    ----------
    capture
        Keep what was written, as ``NativeOutput.text`` once the block has ended
        (for diagnostics); otherwise it is discarded.

    Yields
    ------
    NativeOutput

    Notes
    -----
    Descriptor 2 belongs to the whole process: Python's own ``sys.stderr`` and other
    threads are silenced too while the block runs, so keep it around the native calls
    only (not around progress bars). If descriptor 2 is closed, nothing is redirected.
    Blocks may nest.
    """
    output = NativeOutput()
    try:
        saved = os.dup(2)
    except OSError:  # fd 2 closed: nothing would reach a terminal anyway
        yield output
        return
    _flush_python_stderr()
    sink = tempfile.TemporaryFile() if capture else open(os.devnull, "wb")  # noqa: SIM115
    try:
        os.dup2(sink.fileno(), 2)
        try:
            yield output
        finally:
            _flush_python_stderr()
            os.dup2(saved, 2)
        if capture:
            sink.seek(0)
            output.text = sink.read().decode("utf-8", errors="replace")
    finally:
        os.close(saved)
        sink.close()


def _flush_python_stderr() -> None:
    stream = sys.stderr
    if stream is not None:
        try:
            stream.flush()
        except (OSError, ValueError):  # closed or broken stream: nothing to flush
            pass
