"""One array row per frame, filled as the frames come, without an object per frame.

Keeping each frame's landmarks as its own small array costs an object and an allocation
per frame, and the allocator keeps the freed space of tens of thousands of them: on a
10-minute 1080p video (19,200 frames) the process grew by about 50 MB over the pose stage
and more when the per-frame arrays were stacked at the end. :class:`Rows` keeps the rows
in large blocks instead, and joins them once.
"""

from __future__ import annotations

import numpy as np


class Rows:
    """Rows of one shape and type, appended one at a time, kept in blocks.

    Parameters
    ----------
    row_shape
        Shape of one row, e.g. ``(33, 2)``.
    dtype
        Array type of the rows.
    fill
        Value of a new row's elements until they are written.
    rows_per_block
        Rows per block (a block is allocated whole when the previous one is full).
    """

    def __init__(self, row_shape: tuple[int, ...], dtype, *, fill=np.nan, rows_per_block: int = 2048) -> None:
        if rows_per_block < 1:
            raise ValueError(f"rows_per_block must be at least 1, got {rows_per_block}")
        self.row_shape = tuple(row_shape)
        self.dtype = np.dtype(dtype)
        self.fill = fill
        self.rows_per_block = rows_per_block
        self._blocks: list[np.ndarray] = []
        self._used = rows_per_block  # rows used in the last block (none yet: start a block)

    def __len__(self) -> int:
        return (len(self._blocks) - 1) * self.rows_per_block + self._used if self._blocks else 0

    def new_row(self) -> np.ndarray:
        """The next row (filled with ``fill``), as a writable view into its block."""
        if self._used == self.rows_per_block:
            self._blocks.append(np.full((self.rows_per_block, *self.row_shape), self.fill, dtype=self.dtype))
            self._used = 0
        row = self._blocks[-1][self._used]
        self._used += 1
        return row

    def array(self) -> np.ndarray:
        """All rows as one array of shape ``(len(self), *row_shape)``; the blocks are released."""
        if not self._blocks:
            return np.full((0, *self.row_shape), self.fill, dtype=self.dtype)
        self._blocks[-1] = self._blocks[-1][: self._used]
        joined = np.concatenate(self._blocks) if len(self._blocks) > 1 else self._blocks[0].copy()
        self._blocks = []
        self._used = self.rows_per_block
        return joined
