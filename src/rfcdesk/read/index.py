"""The folder's index: the README table of proposals and its "next number" line."""

from __future__ import annotations

import re
from typing import NamedTuple

from rfcdesk.read import markdown
from rfcdesk.scheme.model import IndexSpec, fold

# A `[text](target)` as people write it, spaces in the target included, so that a link
# CommonMark does not accept can still be recognised and reported.
_LOOSE_LINK = re.compile(r"\[[^\]]*\]\(\s*(?P<target>[^)]*?)\s*\)")

# The lines around a table `rfcdesk index` writes and keeps.
MARK_START = (
    "<!-- rfcdesk:index:start - written by `rfcdesk index`; edit the proposals, not this -->"
)
MARK_END = "<!-- rfcdesk:index:end -->"
MARK_START_PREFIX = "<!-- rfcdesk:index:start"


class IndexRow(NamedTuple):
    id: str
    line: int
    label: str  # the first cell's text
    status: str  # the status cell's text, as written
    links: tuple[str, ...]  # link targets CommonMark accepts in the first cell
    loose_target: str | None  # a `[..](..)` target written in the cell that is no link


class NextNumber(NamedTuple):
    number: int
    line: int
    col: int


class IndexTable(NamedTuple):
    path: str
    line: int  # where the table starts (its header line); 0 when there is no table
    rows: tuple[IndexRow, ...]
    next_number: NextNumber | None
    status_column: bool  # whether the table has a status column
    end_line: int = 0  # the table's last line
    markers: tuple[int, int] | None = None  # lines of the generated block's start and end


def parse_index(path: str, text: str, spec: IndexSpec) -> IndexTable | None:
    """The proposal table of an index document, or None when it holds none."""
    text = text.lstrip("\ufeff")
    outline = markdown.parse(text)
    id_regex = re.compile(spec.row_id_pattern, re.I)
    markers = find_markers(text)
    for table in outline.tables:
        rows = _rows(table, id_regex, spec)
        if rows is not None:
            status = any(fold(c.text) == fold(spec.status_column) for c in table.header)
            end = table.rows[-1][0] if table.rows else table.line + 1
            return IndexTable(
                path, table.line, rows, _next_number(text, spec), status, end, markers
            )
    next_number = _next_number(text, spec)
    if next_number or markers:
        return IndexTable(path, 0, (), next_number, False, 0, markers)
    return None


def find_markers(text: str) -> tuple[int, int] | None:
    """The lines of the generated table's start and end comments, when both are there."""
    start = end = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith(MARK_START_PREFIX) and not start:
            start = number
        elif stripped.startswith(MARK_END) and start and not end:
            end = number
    return (start, end) if start and end else None


def _rows(
    table: markdown.Table, id_regex: re.Pattern[str], spec: IndexSpec
) -> tuple[IndexRow, ...] | None:
    headers = [fold(c.text) for c in table.header]
    status_at = (
        headers.index(fold(spec.status_column)) if fold(spec.status_column) in headers else None
    )
    rows = []
    for line, cells in table.rows:
        if not cells:
            continue
        match = id_regex.search(cells[0].text)
        if not match:
            continue
        loose = _LOOSE_LINK.search(cells[0].raw)
        status = cells[status_at].text if status_at is not None and status_at < len(cells) else ""
        rows.append(
            IndexRow(
                id=str(int(match["id"])) if match["id"].isdigit() else match["id"],
                line=line,
                label=cells[0].text,
                status=status,
                links=cells[0].links,
                loose_target=loose["target"] if loose and not cells[0].links else None,
            )
        )
    return tuple(rows) if rows else None


def _next_number(text: str, spec: IndexSpec) -> NextNumber | None:
    if not spec.next_number_pattern:
        return None
    match = re.search(spec.next_number_pattern, text, re.I)
    if not match:
        return None
    start = match.start("number")
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return NextNumber(int(match["number"]), line, col)
