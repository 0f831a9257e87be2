"""The index table as text: cells of a GFM table row, rows written in the table's style.

`index.py` reads what a table means; this module knows how it is laid out (pipes,
padding, alignment), so that an edit to one cell or one new row looks as if the table's
author had made it, and a regenerated table is aligned the same way every time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from rfcdesk.edit.text import line_span

_PIPE_OR_ESCAPE = re.compile(r"\\.|\|")


def split_row(line: str) -> list[tuple[int, int]]:
    """Offsets [start, end) of each cell's source in a table row, between its pipes."""
    pipes = [m.start() for m in _PIPE_OR_ESCAPE.finditer(line) if m[0] == "|"]
    text_start = len(line) - len(line.lstrip())
    text_end = len(line.rstrip())
    edges = list(pipes)
    if not edges or edges[0] != text_start:
        edges.insert(0, text_start - 1)
    if edges[-1] != text_end - 1 or len(edges) == 1:
        edges.append(text_end)
    return [(edges[k] + 1, edges[k + 1]) for k in range(len(edges) - 1)]


def display_width(text: str) -> int:
    """Columns a string takes in a monospace editor: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, align: str) -> str:
    space = width - display_width(text)
    if align == "center":
        left = space // 2  # an odd space goes to the right, as table formatters do
        return " " * left + text + " " * (space - left)
    if align == "right":
        return " " * space + text
    return text + " " * space


class Layout(NamedTuple):
    """How a table is written: each column's width and alignment, and its border pipes."""

    widths: tuple[int, ...]  # width of each header cell's source, padding included
    aligns: tuple[str, ...]  # "left", "center", "right" or "none"
    padded: bool  # every header cell is as wide as its separator: the table is formatted
    outer_pipes: bool


def layout_of(header_line: str, separator_line: str, row_lines: Sequence[str] = ()) -> Layout:
    """The layout of a table from its header and separator lines and (some of) its rows.

    A table counts as padded when its header cells are as wide as the separator's and
    most rows keep those widths too; `| KLIP | Status |` over `|------|--------|` with
    rows like `| [KLIP-1](x) | Merged |` is not.
    """
    header = split_row(header_line)
    separator = split_row(separator_line)
    aligns = []
    for start, end in separator:
        dashes = separator_line[start:end].strip()
        left, right = dashes.startswith(":"), dashes.endswith(":")
        aligns.append(
            "center" if left and right else "right" if right else "left" if left else "none"
        )
    widths = tuple(display_width(header_line[s:e]) for s, e in header)
    padded = len(header) == len(separator) and all(
        display_width(header_line[h0:h1]) == display_width(separator_line[s0:s1])
        for (h0, h1), (s0, s1) in zip(header, separator, strict=True)
    )
    if padded and row_lines:
        fitting = sum(
            1
            for row in row_lines
            if tuple(display_width(row[s:e]) for s, e in split_row(row)) == widths
        )
        padded = fitting * 2 >= len(row_lines)
    return Layout(widths, tuple(aligns), padded, header_line.lstrip().startswith("|"))


def render_cell(value: str, column: int, layout: Layout, old: str | None = None) -> str:
    """A cell's source for `value`, padded the way the table pads that column."""
    if layout.padded and column < len(layout.widths):
        width = layout.widths[column]
        if display_width(value) + 2 > width:
            return f" {value} "
        align = layout.aligns[column]
        if align == "center":
            return _pad(value, width, "center")
        if align == "right":
            return _pad(value, width - 1, "right") + " "
        return " " + _pad(value, width - 1, "left")
    if old is not None and old.strip():
        lead = old[: len(old) - len(old.lstrip())]
        trail = old[len(old.rstrip()) :]
        return lead + value + trail
    return f" {value} " if value else " "


def render_row(values: list[str], layout: Layout) -> str:
    cells = [render_cell(v, i, layout) for i, v in enumerate(values)]
    return "|" + "|".join(cells) + "|" if layout.outer_pipes else "|".join(cells)


def set_cell(text: str, line: int, column: int, value: str, layout: Layout) -> str:
    """Change one cell of a table row in place; the rest of the line stays as it was."""
    start, end = line_span(text, line)
    spans = split_row(text[start:end])
    if column >= len(spans):
        return text  # a short row: the cell is not written, and adding it would move others
    cell_start, cell_end = spans[column]
    old = text[start + cell_start : start + cell_end]
    new = render_cell(value, column, layout, old)
    return text[: start + cell_start] + new + text[start + cell_end :]


def cells_of(line: str) -> list[str]:
    """The trimmed source of each cell in a row."""
    return [line[s:e].strip() for s, e in split_row(line)]


def format_table(header: list[str], aligns: list[str], rows: list[list[str]]) -> list[str]:
    """A whole table, every column padded to its widest cell."""
    count = len(header)
    rows = [(r + [""] * count)[:count] for r in rows]
    widths = [max(3, *(display_width(r[i]) for r in [header, *rows])) for i in range(count)]
    aligns = (aligns + ["none"] * count)[:count]

    def line(cells: list[str], align: list[str]) -> str:
        return (
            "| "
            + " | ".join(_pad(c, w, a) for c, w, a in zip(cells, widths, align, strict=True))
            + " |"
        )

    rules = []
    for width, align in zip(widths, aligns, strict=True):
        if align == "center":
            dashes = ":" + "-" * width + ":"
        elif align == "left":
            dashes = ":" + "-" * (width + 1)
        elif align == "right":
            dashes = "-" * (width + 1) + ":"
        else:
            dashes = "-" * (width + 2)
        rules.append(dashes)
    plain = ["left" if a == "none" else a for a in aligns]
    return [
        line(header, plain),
        "|" + "|".join(rules) + "|",
        *(line(r, plain) for r in rows),
    ]
