"""Keep the index in step with the proposals: edit one row, or write the whole table.

Pure functions from (index text, scheme, proposals) to new index text. A hand-kept table
is edited a row at a time; `regenerate` writes the table between marker comments, adopting
a hand-kept table the first time: rows keyed by id, hand-kept columns kept, statuses and
links taken from the files, rows for ids without a file kept and marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rfcdesk.edit.table import (
    Layout,
    cells_of,
    format_table,
    layout_of,
    render_row,
    set_cell,
)
from rfcdesk.edit.text import case_like, insert_line, line_span, newline_of, replace_span
from rfcdesk.model import Proposal, local_target
from rfcdesk.read.index import MARK_END, MARK_START, IndexTable, parse_index
from rfcdesk.scheme.model import Scheme, fold

NO_FILE = "*(no file)*"


def _escape(text: str) -> str:
    return re.sub(r"([|\[\]\\])", r"\\\1", text)


def link_target(path: str) -> str:
    """A link destination CommonMark accepts for a file name (`<...>` around spaces)."""
    return f"<{path}>" if re.search(r"[\s()<>]", path) else path


def row_label(scheme: Scheme, proposal_id: str, title: str | None, path: str | None) -> str:
    """The first cell of a proposal's row: `[KLIP-12: Title](klip-12-title.md)`."""
    text = scheme.title_format.format(id=proposal_id, title=title or "").rstrip(" :-")
    text = scheme.label(proposal_id) if not title else text
    return f"[{_escape(text)}]({link_target(path)})" if path else _escape(text)


def _header(text: str, table: IndexTable) -> list[str]:
    start, end = line_span(text, table.line)
    return cells_of(text[start:end])


def _layout(text: str, table: IndexTable) -> Layout:
    header = text[slice(*line_span(text, table.line))]
    separator = text[slice(*line_span(text, table.line + 1))]
    rows = [text[slice(*line_span(text, row.line))] for row in table.rows]
    return layout_of(header, separator, rows)


def _status_column(scheme: Scheme, header: list[str]) -> int | None:
    assert scheme.index is not None
    wanted = fold(scheme.index.status_column)
    for number, cell in enumerate(header):
        if fold(_plain(cell)) == wanted:
            return number
    return None


def _plain(cell: str) -> str:
    return re.sub(r"[*_`]", "", cell).strip()


# What a column holds: the label, the status, a field (by canonical name), or nothing known.
Column = tuple[str, str | None]


def columns_of(scheme: Scheme, header: list[str]) -> list[Column]:
    status_at = _status_column(scheme, header)
    columns: list[Column] = []
    for number, cell in enumerate(header):
        spec = scheme.field_for(_plain(cell))
        kind = "label" if number == 0 else "status" if number == status_at else "field"
        columns.append((kind, spec.name if spec and kind == "field" else None))
    return columns


def row_values(scheme: Scheme, header: list[str], proposal: Proposal, label: str) -> list[str]:
    """Cells for a proposal's new row: its label, its status, and fields named by the header."""
    return _values(scheme, columns_of(scheme, header), proposal, label)


def _values(scheme: Scheme, columns: list[Column], proposal: Proposal, label: str) -> list[str]:
    values = []
    for kind, name in columns:
        if kind == "label":
            values.append(label)
        elif kind == "status":
            values.append(written_status(scheme, proposal) or "")
        else:
            values.append(_field_cell(scheme, proposal, name))
    return values


def _field_cell(scheme: Scheme, proposal: Proposal, name: str | None) -> str:
    found = proposal.field(name) if name else None
    if found is None or fold(found.value) in scheme.undecided_folded or "\n" in found.raw:
        return ""
    return _escape_pipes(found.value)


def _escape_pipes(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def written_status(scheme: Scheme, proposal: Proposal) -> str | None:
    """The proposal's status as the document spells it, when it is a status at all."""
    found = scheme.status_field(proposal)
    if found is None or proposal.status is None:
        return None
    return scheme.status_spelling(found.value) or proposal.status


def insert_row(text: str, table: IndexTable, scheme: Scheme, row_id: str, values: list[str]) -> str:
    """Add a row in id order, written like the table's other rows."""
    row = render_row(values, _layout(text, table))
    after = table.line + 1  # the separator
    key = scheme.sort_key(row_id)
    for existing in table.rows:
        if scheme.sort_key(existing.id) <= key:
            after = max(after, existing.line)
    if not table.rows:
        after = table.end_line if table.end_line > table.line + 1 else table.line + 1
    return insert_line(text, after, row)


def set_row_status(
    text: str, table: IndexTable, scheme: Scheme, proposal: Proposal, word: str
) -> tuple[str, int]:
    """Write `word` in the status cell of the proposal's rows; returns the text and rows set."""
    column = _status_column(scheme, _header(text, table))
    if column is None or proposal.id is None:
        return text, 0
    layout = _layout(text, table)
    changed = 0
    for row in table.rows:
        target = _row_target(row.links, table.path)
        if row.id != proposal.id or (target is not None and target != proposal.path):
            continue
        text = set_cell(text, row.line, column, case_like(row.status, word), layout)
        changed += 1
    return text, changed


def _row_target(links: Sequence[str], index_path: str) -> str | None:
    for link in links:
        local = local_target(index_path, link)
        if local is not None:
            return local[0]
    return None


def set_next_number(text: str, scheme: Scheme, number: int) -> str:
    """Write the index's "next number" line, in place when there is one."""
    spec = scheme.index
    if spec is None or not spec.next_number_pattern:
        return text
    match = re.search(spec.next_number_pattern, text, re.I)
    if match:
        return replace_span(text, match.start("number"), match.end("number"), str(number))
    if not spec.next_number_format:
        return text
    line = spec.next_number_format.format(number=number)
    table = parse_index(spec.file, text, spec)
    before = table.markers[0] - 1 if table and table.markers else 0
    if table and not table.markers and table.line:
        before = table.line - 1
    newline = newline_of(text)
    if before <= 0:
        return insert_line(text, 0, line + newline) if text else line + newline
    return insert_line(text, before, line + newline)


def regenerate(
    text: str,
    scheme: Scheme,
    proposals: Sequence[Proposal],
    exists: Callable[[str], bool] = lambda _path: True,
    table: IndexTable | None = None,
) -> str:
    """The index text with its table written from the proposals, between markers.

    `exists` answers whether a folder-relative path is there; a row whose proposal file
    is gone loses its link to it. `table` saves parsing `text` again when the caller has
    it (its line numbers must still hold for `text`).
    """
    assert scheme.index is not None
    spec = scheme.index
    newline = newline_of(text) if text else "\n"
    if table is None and text:
        table = parse_index(spec.file, text, spec)
    old_rows, header, aligns = _old_table(text, table, scheme)
    rows = _merged_rows(scheme, proposals, header, old_rows, spec.file, exists)
    block = [MARK_START, "", *format_table(header, aligns, rows), "", MARK_END]
    lines = text.split("\n")
    if table is not None and table.markers:
        first, last = table.markers
    elif table is not None and table.line:
        first, last = table.line, table.end_line
    else:  # no table yet: add one at the end (under a heading in a new file)
        body = text.rstrip("\r\n")
        head = body + newline * 2 if body else f"# {spec.heading}{newline}{newline}"
        return head + newline.join(block) + newline
    ending = "\r" if lines[last - 1].endswith("\r") else ""
    replaced = [line + ending for line in block]
    return "\n".join([*lines[: first - 1], *replaced, *lines[last:]])


def _old_table(
    text: str, table: IndexTable | None, scheme: Scheme
) -> tuple[list[tuple[str | None, list[str]]], list[str], list[str]]:
    """The present table's rows (id, cells), header and alignments; defaults for none."""
    assert scheme.index is not None
    if table is None or not table.line:
        header = list(scheme.index.columns) or ["Proposal", scheme.index.status_column]
        return [], header, ["none"] * len(header)
    lines = text.split("\n")
    header = cells_of(lines[table.line - 1].rstrip("\r"))
    layout = layout_of(lines[table.line - 1].rstrip("\r"), lines[table.line].rstrip("\r"))
    id_regex = re.compile(scheme.index.row_id_pattern, re.I)
    rows: list[tuple[str | None, list[str]]] = []
    for number in range(table.line + 2, table.end_line + 1):
        cells = cells_of(lines[number - 1].rstrip("\r"))
        if not cells:
            continue
        found = id_regex.search(cells[0])
        row_id = None
        if found:
            row_id = str(int(found["id"])) if found["id"].isdigit() else found["id"]
        rows.append((row_id, cells))
    return rows, header, list(layout.aligns)


def _merged_rows(
    scheme: Scheme,
    proposals: Sequence[Proposal],
    header: list[str],
    old_rows: list[tuple[str | None, list[str]]],
    index_path: str,
    exists: Callable[[str], bool],
) -> list[list[str]]:
    count = len(header)
    status_at = _status_column(scheme, header)
    columns = columns_of(scheme, header)
    kept = [cells for row_id, cells in old_rows if row_id is None]
    by_id: dict[str, list[list[str]]] = {}
    for row_id, cells in old_rows:
        if row_id is not None:
            by_id.setdefault(row_id, []).append((cells + [""] * count)[:count])
    files: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        if proposal.id is not None and proposal.load_error is None:
            files.setdefault(proposal.id, []).append(proposal)
    result = list(kept)
    for row_id in sorted({*by_id, *files}, key=scheme.sort_key):
        rows = by_id.get(row_id, [])
        if row_id not in files:
            for cells in rows:
                label = _unlink_dead(cells[0], index_path, exists)
                if not label.endswith(NO_FILE):
                    label = f"{label} {NO_FILE}"
                result.append([label, *cells[1:]])
            continue
        for proposal in sorted(files[row_id], key=lambda p: p.path):
            old = _row_for(rows, proposal, index_path)
            label = row_label(scheme, row_id, proposal.title, proposal.path)
            cells = _values(scheme, columns, proposal, label)
            if old is not None:
                for number in range(1, count):
                    if number != status_at:
                        cells[number] = old[number]
                status = written_status(scheme, proposal)
                if status_at is not None and status is None:
                    cells[status_at] = old[status_at]
            result.append(cells)
    return result


_LINK = re.compile(r"\[(?P<text>(?:\\.|[^\]\\])*)\]\(\s*<?(?P<target>[^)>]*?)>?\s*\)")


def _unlink_dead(cell: str, index_path: str, exists: Callable[[str], bool]) -> str:
    """A cell with its links to missing local files turned into their plain text."""

    def plain(match: re.Match[str]) -> str:
        local = local_target(index_path, match["target"])
        return match["text"] if local is not None and not exists(local[0]) else match[0]

    return _LINK.sub(plain, cell)


def _row_for(rows: list[list[str]], proposal: Proposal, index_path: str) -> list[str] | None:
    """The old row that belongs to a file: one linking to it, else one linking nowhere."""
    chosen = None
    for cells in rows:
        links = [m["target"] for m in _LINK.finditer(cells[0])]
        target = _row_target(links, index_path)
        if target == proposal.path:
            return _merge_duplicates(cells, rows)
        if target is None and chosen is None:
            chosen = cells
    return _merge_duplicates(chosen, rows) if chosen is not None else None


def _merge_duplicates(cells: list[str], rows: list[list[str]]) -> list[str]:
    """A row with its empty cells filled from the other rows that share its id."""
    merged = list(cells)
    for other in rows:
        for number, value in enumerate(other):
            if number < len(merged) and not merged[number].strip() and value.strip():
                merged[number] = value
    return merged


def place_row(
    text: str,
    scheme: Scheme,
    table: IndexTable | None,
    others: Sequence[Proposal],
    proposal: Proposal,
    exists: Callable[[str], bool],
    word: str | None = None,
) -> str:
    """The index with `proposal`'s row as it should be now, every other row kept.

    A table `rfcdesk index` keeps (or none yet) is generated again with the proposal in it.
    In a hand-kept table the proposal's rows get `word` as their status, and a proposal
    with no row gets one, in id order, written like the table's other rows.
    """
    assert proposal.id is not None
    if table is None or table.markers or not table.line:
        return regenerate(text, scheme, [*others, proposal], exists, table)
    count = 0
    if word is not None:
        text, count = set_row_status(text, table, scheme, proposal, word)
    if count:
        return text
    header = cells_of(text[slice(*line_span(text, table.line))])
    label = row_label(scheme, proposal.id, proposal.title, proposal.path or None)
    return insert_row(text, table, scheme, proposal.id, row_values(scheme, header, proposal, label))
