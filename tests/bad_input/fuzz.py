"""Seeded mutations of a small valid MP4, and a worker that decodes them in a child process.

:func:`mutate` turns the bytes of a valid MP4 into a damaged one, reproducibly from a seed:
bit flips anywhere, bit flips and extreme values in the index (moov), truncations, chunk
duplications and deletions, and corrupted box sizes.

Run as a script (``python fuzz.py LIST.json``) it is the *worker*: for each file listed it
calls :func:`vision.decode.probe_video` and, if that succeeds, :func:`vision.decode.iter_frames`
to the end, and prints one JSON line per file. A hang or a crash in native code then stops
only the worker, never the test suite; the parent (test_fuzz.py) restarts it after the case.
"""

from __future__ import annotations

import json
import random
import struct
import sys
import time
from pathlib import Path

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"udta", b"mvex"}
EXTREMES = (0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x10000)


def boxes(data: bytes, start: int = 0, end: int | None = None, depth: int = 0) -> list[tuple[bytes, int, int]]:
    """All ISO-BMFF boxes (type, offset, size), descending into the usual containers."""
    end = len(data) if end is None else end
    found, pos = [], start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = struct.unpack(">Q", data[pos + 8 : pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        found.append((kind, pos, size))
        if kind in CONTAINERS and depth < 8:
            found.extend(boxes(data, pos + header, pos + size, depth + 1))
        elif kind == b"stsd" and depth < 8:  # 8 bytes of version/flags/count, then sample entries
            found.extend(boxes(data, pos + 16, pos + size, depth + 1))
        pos += size
    return found


def _moov_range(data: bytes) -> tuple[int, int]:
    for kind, offset, size in boxes(data):
        if kind == b"moov":
            return offset, offset + size
    return 0, min(len(data), 4096)


def mutate(data: bytes, seed: int) -> tuple[bytes, str]:
    """A damaged copy of ``data`` and a description of the damage (same seed, same result)."""
    rng = random.Random(seed)
    buf = bytearray(data)
    n = len(buf)
    kind = rng.choice(
        ["flip", "flip", "flip_index", "extreme_index", "truncate", "duplicate", "delete", "box_size", "box_size", "zero_run"]
    )
    if kind == "flip":
        count = rng.randint(1, 40)
        for _ in range(count):
            buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
        return bytes(buf), f"flip {count} bits anywhere"
    if kind == "flip_index":
        a, b = _moov_range(data)
        count = rng.randint(1, 12)
        for _ in range(count):
            buf[rng.randrange(a, b)] ^= 1 << rng.randrange(8)
        return bytes(buf), f"flip {count} bits in the index (moov {a}-{b})"
    if kind == "extreme_index":
        a, b = _moov_range(data)
        count = rng.randint(1, 4)
        where = []
        for _ in range(count):
            pos = rng.randrange(a, max(a + 1, b - 4))
            value = rng.choice(EXTREMES + (rng.getrandbits(32),))
            buf[pos : pos + 4] = struct.pack(">I", value)
            where.append(f"{pos}={value:#x}")
        return bytes(buf), "extreme 32-bit values in the index at " + ", ".join(where)
    if kind == "truncate":
        cut = rng.randrange(0, n)
        return bytes(buf[:cut]), f"truncate to {cut} of {n} bytes"
    if kind == "duplicate":
        start = rng.randrange(n)
        length = rng.randint(1, min(4096, n - start))
        at = rng.randrange(n)
        chunk = buf[start : start + length]
        return bytes(buf[:at] + chunk + buf[at:]), f"duplicate {length} bytes from {start} at {at}"
    if kind == "delete":
        start = rng.randrange(n)
        length = rng.randint(1, min(4096, n - start))
        return bytes(buf[:start] + buf[start + length :]), f"delete {length} bytes at {start}"
    if kind == "box_size":
        all_boxes = boxes(data)
        box_kind, offset, size = rng.choice(all_boxes)
        new = rng.choice([0, 1, 7, 8, 0xFFFFFFFF, size + rng.randint(1, 64), max(0, size - rng.randint(1, 64)), rng.getrandbits(32)])
        buf[offset : offset + 4] = struct.pack(">I", new)
        return bytes(buf), f"size of box {box_kind.decode(errors='replace')} at {offset}: {size} -> {new}"
    # zero_run: a run of zero bytes, as a failed write leaves
    start = rng.randrange(n)
    length = rng.randint(16, 2048)
    buf[start : start + length] = bytes(min(length, n - start))
    return bytes(buf), f"zero {min(length, n - start)} bytes at {start}"


# -- the worker --------------------------------------------------------------------------


def decode_one(path: str) -> dict:
    """Probe and decode one file; what happened, as a JSON-able dict."""
    from vision.decode import iter_frames, probe_video
    from vision.errors import InputProblem

    start = time.monotonic()
    outcome: dict = {"path": path}
    try:
        info = probe_video(path)
        outcome["probe"] = "ok"
        frames, shapes, last_t, bad = 0, set(), -1.0, []
        for frame in iter_frames(path):
            rgb = frame.rgb
            shapes.add(tuple(rgb.shape))
            if rgb.dtype.name != "uint8" or not rgb.flags["C_CONTIGUOUS"]:
                bad.append("frame not C-contiguous uint8")
            if not frame.time_s > last_t:
                bad.append(f"time {frame.time_s} not increasing")
            last_t = frame.time_s
            frames += 1
        expected = (info.height, info.width, 3)
        if shapes - {expected}:
            bad.append(f"frame shapes {sorted(shapes)} differ from the probed {expected}")
        outcome.update(result="ok", frames=frames, probed_frames=info.frames, inconsistent=sorted(set(bad)))
    except InputProblem as problem:
        outcome.update(result="problem", code=problem.code, message=str(problem))
    except Exception as error:  # noqa: BLE001 - the fuzz test reports any other exception
        outcome.update(result="error", error=f"{type(error).__name__}: {error}"[:300])
    outcome["seconds"] = round(time.monotonic() - start, 3)
    return outcome


def worker_main(list_file: str, first: int) -> None:
    import resource

    # Runaway allocations become a MemoryError (reported) instead of swapping the machine.
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    paths = json.loads(Path(list_file).read_text())
    for index in range(first, len(paths)):
        print(json.dumps({"start": index}), flush=True)
        outcome = decode_one(paths[index])
        outcome["index"] = index
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    worker_main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
