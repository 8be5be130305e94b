"""vision._rows.Rows: rows appended one at a time come back as one array, in order."""

from __future__ import annotations

import numpy as np
import pytest

from vision._rows import Rows


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 9])
def test_rows_come_back_in_order_across_block_boundaries(count):
    rows = Rows((2, 3), np.float32, rows_per_block=2)
    for k in range(count):
        rows.new_row()[:] = k
    assert len(rows) == count
    joined = rows.array()
    assert joined.shape == (count, 2, 3) and joined.dtype == np.float32
    assert np.array_equal(joined, np.repeat(np.arange(count, dtype=np.float32), 6).reshape(count, 2, 3))
    assert len(rows) == 0  # the blocks were handed over


def test_unwritten_parts_of_a_row_keep_the_fill_value():
    rows = Rows((4,), float, fill=0.0, rows_per_block=3)
    rows.new_row()[:2] = [1.0, 2.0]
    rows.new_row()
    assert np.array_equal(rows.array(), [[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    nan_rows = Rows((2,), float)
    nan_rows.new_row()[1] = 5.0
    assert np.array_equal(nan_rows.array(), [[np.nan, 5.0]], equal_nan=True)


def test_a_row_is_a_view_into_the_stored_block():
    rows = Rows((3,), np.int16, fill=0, rows_per_block=4)
    row = rows.new_row()
    row[1] = 7  # written after it was handed out
    assert rows.array().tolist() == [[0, 7, 0]]


def test_rows_per_block_must_be_positive():
    with pytest.raises(ValueError):
        Rows((1,), float, rows_per_block=0)
