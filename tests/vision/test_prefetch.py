"""Background prefetching keeps order, passes errors on and stops when abandoned."""

from __future__ import annotations

import threading
import time

import pytest

from vision._prefetch import prefetched


def test_items_come_in_order():
    assert list(prefetched(iter(range(100)), depth=3)) == list(range(100))


def test_producer_error_is_raised_where_its_item_would_be():
    def items():
        yield 1
        yield 2
        raise ValueError("damaged frame")

    got = []
    with pytest.raises(ValueError, match="damaged frame"):
        for item in prefetched(items(), depth=2):
            got.append(item)
    assert got == [1, 2]


def test_abandoning_the_consumer_stops_the_producer():
    produced = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    before = threading.active_count()
    stream = prefetched(endless(), depth=2)
    assert next(stream) == 0
    stream.close()
    time.sleep(0.3)
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count, "the producer kept running"
    assert count <= 5
    assert threading.active_count() == before
