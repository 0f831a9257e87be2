"""A file that is one JSON array of rows, brought up to date where rows changed.

`search-index.json` holds the whole text of every proposal (130 MB for 10,000). After one
change, encoding every row again and comparing the result with the old file took most of a
second. So the byte offset where each row ends is kept, and a rebuild copies the unchanged
runs of the last file (inside the kernel, where it can) and encodes only the changed rows.
"""

from __future__ import annotations

import filecmp
import os
from array import array
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple


class Layout(NamedTuple):
    """Where each row of a written file ends, and the file as it was written."""

    keys: tuple[str, ...]  # what each row is, in order
    ends: array[int]  # the byte offset just after each row
    size: int
    mtime_ns: int


def write_rows(
    target: Path,
    keys: Sequence[str],
    encode: Callable[[int], bytes],
    changed: Collection[int] | None,
    layout: Layout | None,
) -> Layout | None:
    """Write `[row,row,...]` to `target`, row n being `encode(n)`.

    With `changed` (the rows that differ from the last write) and that write's `layout`,
    the file as that write left it is spliced; otherwise every row is encoded, and the
    file is replaced only when it differs. Returns the new layout (None when the file
    could not be looked at afterwards, so that the next write is a whole one).
    """
    fresh = target.with_name(target.name + ".new")
    old = _stat(target)
    ends = None
    if changed is not None and layout is not None and _same(layout, keys, old):
        try:
            ends = _splice(target, fresh, layout, sorted(changed), encode)
        except OSError:  # the last file changed under us: it is written whole instead
            ends = None
        else:
            os.replace(fresh, target)
    if ends is None:
        ends = _write_all(fresh, len(keys), encode)
        if old is not None and filecmp.cmp(fresh, target, shallow=False):
            fresh.unlink()
        else:
            os.replace(fresh, target)
    written = _stat(target)
    return None if written is None else Layout(tuple(keys), ends, *written)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _same(layout: Layout, keys: Sequence[str], now: tuple[int, int] | None) -> bool:
    """Whether the file is still as `layout` says: the same rows, not touched since."""
    return now == (layout.size, layout.mtime_ns) and layout.keys == tuple(keys)


def _write_all(fresh: Path, count: int, encode: Callable[[int], bytes]) -> array[int]:
    ends = array("Q")
    at = 1
    with fresh.open("wb") as handle:
        handle.write(b"[")
        for number in range(count):
            row = encode(number)
            if number:
                handle.write(b",")
                at += 1
            handle.write(row)
            at += len(row)
            ends.append(at)
        handle.write(b"]")
    return ends


def _splice(
    target: Path,
    fresh: Path,
    layout: Layout,
    changed: list[int],
    encode: Callable[[int], bytes],
) -> array[int]:
    """The last file with the changed rows encoded again; the new rows' ends."""
    old_ends = layout.ends
    growth: dict[int, int] = {}  # row -> how much longer it is now
    with target.open("rb") as source, fresh.open("wb", buffering=0) as out:
        at = 0  # how far the old file is copied
        for number in changed:
            start = old_ends[number - 1] + 1 if number else 1  # after "," or "["
            _copy(source, out, at, start - at)
            row = encode(number)
            _write(out, row)
            growth[number] = len(row) - (old_ends[number] - start)
            at = old_ends[number]
        _copy(source, out, at, layout.size - at)
    ends = array("Q")
    shift = 0
    for number, end in enumerate(old_ends):
        shift += growth.get(number, 0)
        ends.append(end + shift)
    return ends


def _write(out: BinaryIO, data: bytes) -> None:
    """All of `data` to an unbuffered file (a raw write may take only part of it)."""
    view = memoryview(data)
    while view:
        done = out.write(view)
        if not done:
            raise OSError(f"{out.name}: nothing could be written")
        view = view[done:]


_CHUNK = 1 << 20


def _copy(source: BinaryIO, out: BinaryIO, offset: int, count: int) -> None:
    """Bytes [offset, offset+count) of `source` appended to `out` (an unbuffered file)."""
    src, dst = source.fileno(), out.fileno()
    copy_range = getattr(os, "copy_file_range", None)
    while count > 0:
        done = 0
        if copy_range is not None:
            try:
                done = copy_range(src, dst, count, offset)
            except OSError:  # another file system, or a kernel without it
                copy_range = None
        if not done:
            source.seek(offset)
            data = source.read(min(count, _CHUNK))
            if not data:
                raise OSError(f"{source.name} is shorter than it was written")
            _write(out, data)
            done = len(data)
        offset += done
        count -= done
