"""Child process of :mod:`vision.parallel`: ``python -m vision._segment_worker``.

Reads one pickled :class:`vision.parallel.SegmentJob` on stdin and writes pickled
messages on stdout (see :class:`vision.parallel._Child`). Nothing else may write on
stdout, so Python's ``sys.stdout`` is pointed at stderr first.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of native code or libraries must not corrupt the answers
    sys.stdout = sys.stderr
    from vision.parallel import run_child

    run_child(sys.stdin.buffer, answers)
    answers.close()


if __name__ == "__main__":
    main()
