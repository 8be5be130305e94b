"""Run a producing iterator in a background thread, a few items ahead of its consumer.

Decoding (PyAV) and pose inference (MediaPipe) both release the GIL in their native
code, so decoding the next frames while the landmarker works on the current one uses
the second core.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


def prefetched(items: Iterable[T], *, depth: int = 4) -> Iterator[T]:
    """Yield the items of ``items``, produced up to ``depth`` ahead in another thread.

    An exception raised by the producer is raised here, at the point where its item
    would have come. Closing the generator early (``break``) stops the producer.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
            put((_DONE, exc))
            return
        put((_DONE, None))

    worker = threading.Thread(target=produce, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, error = buffer.get()
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join(timeout=5.0)
