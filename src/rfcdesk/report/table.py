"""Plain-text tables that fit the terminal: the widest columns give way first, with "…".

Widths are in terminal cells: East Asian wide and full-width characters take two.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Collection, Sequence
from typing import TextIO

# A truncated column keeps at least this many cells (the last of them "…").
MIN_WIDTH = 6
GAP = "  "


def terminal_width(out: TextIO) -> int | None:
    """The width to fit: the terminal's when `out` is one or COLUMNS is set, else None."""
    isatty = getattr(out, "isatty", None)
    if "COLUMNS" in os.environ or (isatty is not None and isatty()):
        return shutil.get_terminal_size().columns
    return None


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def truncate(text: str, width: int) -> str:
    """`text` cut to `width` cells, ending in "…" when anything was cut."""
    if cell_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        w = _char_width(char)
        if used + w > width - 1:
            break
        kept.append(char)
        used += w
    return "".join(kept) + "…"


def layout(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    keep: Collection[int] = (),
    right_from: int | None = None,
    indent: str = "",
    rule: bool = False,
) -> list[str]:
    """The table's lines, each column padded to its widest cell.

    With `width`, the widest columns not in `keep` are narrowed (one cell at a time, down to
    MIN_WIDTH) until a line fits; their cells end in "…". Columns from `right_from` on are
    right-aligned. `rule` puts a line of dashes under the header.
    """
    count = len(header)
    cells = [list(header), *(list(r) for r in rows)]
    widths = [max(cell_width(row[i]) for row in cells) for i in range(count)]
    if width is not None:
        _narrow(widths, width - len(indent) - len(GAP) * (count - 1), keep)
    lines = [_line(header, widths, right_from, indent)]
    if rule:
        lines.append(indent + GAP.join("-" * w for w in widths))
    lines += [_line(r, widths, right_from, indent) for r in rows]
    return lines


def _narrow(widths: list[int], room: int, keep: Collection[int]) -> None:
    """Take cells from the widest shrinkable column until the columns fit in `room`."""
    excess = sum(widths) - room
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if i not in keep and w > MIN_WIDTH]
        if not shrinkable:
            return
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1


def _line(row: Sequence[str], widths: list[int], right_from: int | None, indent: str) -> str:
    parts = []
    for i, (text, w) in enumerate(zip(row, widths, strict=True)):
        shown = truncate(text, w)
        pad = " " * (w - cell_width(shown))
        right = right_from is not None and i >= right_from
        parts.append(pad + shown if right else shown + pad)
    return (indent + GAP.join(parts)).rstrip()
