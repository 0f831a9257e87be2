"""`rfcdesk status ID NEW_STATUS`: move a proposal along its workflow, index included."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.config import load_config
from rfcdesk.edit import Text, field_line_like, insert_line, line_span, set_field
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.folder import Folder, open_folder
from rfcdesk.indexgen import (
    insert_row,
    link_target,
    regenerate,
    row_label,
    row_values,
    set_row_status,
)
from rfcdesk.indextable import cells_of
from rfcdesk.listing import find_proposal
from rfcdesk.model import Proposal
from rfcdesk.parse import parse_proposal, split_lines
from rfcdesk.report import display_path
from rfcdesk.scheme import FieldSpec, Scheme
from rfcdesk.writer import FileChange, folder_lock, read_for_edit, write_or_show


class MoveOptions(NamedTuple):
    force: bool = False  # allow a move the workflow does not list
    by: str | None = None  # the proposal that replaces this one, for statuses that need it
    dry_run: bool = False
    scheme: str | None = None


def allowed_move(
    scheme: Scheme, current: str | None, target: str, written: str | None = None
) -> str | None:
    """Why the workflow refuses a move, or None when it allows it."""
    if not scheme.transitions or current == target:
        return None
    if current is None and written:
        return f"its status `{written}` is not one the workflow knows"
    if current is None:
        return "it has no status yet, so the workflow cannot tell where it may go"
    moves = scheme.moves_from(current)
    if target in moves:
        return None
    if not moves:
        return f"`{current}` is final: no move leads out of it"
    return f"from `{current}` it can move to: {', '.join(moves)}"


def run_status(
    path: Path, wanted: str, new_status: str, options: MoveOptions, out: TextIO | None = None
) -> int:
    out = out or sys.stdout
    config = load_config(path)
    with folder_lock(config.folder):
        folder = open_folder(config, options.scheme)
        proposal = find_proposal(folder, wanted)
        scheme = folder.scheme
        target = scheme.canonical_status(new_status)
        if target is None:
            names = ", ".join(s.name for s in scheme.statuses)
            raise FatalError(f"`{new_status}` is not a {scheme.name} status; use one of: {names}")
        label = scheme.label(proposal.id) if proposal.id else proposal.path
        field = proposal.field(_status_spec(scheme).name)
        written = field.value if field else None
        refusal = allowed_move(scheme, proposal.status, target, written)
        if refusal and not options.force:
            raise FatalError(
                f"{label} cannot move to `{target}`: {refusal} (pass --force to move anyway)"
            )
        changes = plan_move(folder, proposal, new_status, target, options)
        if refusal and not options.dry_run:
            print(f"forced: {refusal}", file=sys.stderr)
        write_or_show(changes, folder.root, options.dry_run, out)
    if options.dry_run:
        return EXIT_OK
    was = proposal.status or (f"`{written}`" if written else "no status")
    where = [display_path(folder.root, os.path.relpath(c.path, folder.root)) for c in changes]
    files = ", ".join(where) or "nothing changed"
    print(f"{label}: {was} -> {target} ({files})", file=out)
    return EXIT_OK


def plan_move(
    folder: Folder, proposal: Proposal, written: str, target: str, options: MoveOptions
) -> list[FileChange]:
    """The edited proposal and index; empty when both already say the new status."""
    scheme = folder.scheme
    word = scheme.status_spelling(written) or target
    full = folder.root / proposal.path
    before, doc = read_for_edit(full)
    text = _write_status(doc.body, proposal, scheme, word)
    text = _write_required(folder, text, proposal, target, options)
    moved = parse_proposal(proposal.path, text, scheme)
    _verify(proposal, moved, scheme, target)
    changes = []
    if text != doc.body:
        changes.append(FileChange(full, before, Text(doc.bom, text).encode()))
    index_change = _index_change(folder, moved, word)
    if index_change is not None:
        changes.append(index_change)
    return changes


def _status_spec(scheme: Scheme) -> FieldSpec:
    spec = scheme.field_of_kind("status")
    if spec is None:
        raise FatalError(f"the {scheme.name} scheme has no status field")
    return spec


def _write_status(text: str, proposal: Proposal, scheme: Scheme, word: str) -> str:
    field = proposal.field(_status_spec(scheme).name)
    if field is not None:
        last = field.line + field.raw.count("\n")
        return set_field(text, field.line, word, last, match_case=True)
    return _add_field(text, proposal, scheme, _status_spec(scheme).name, word)


def _add_field(text: str, proposal: Proposal, scheme: Scheme, key: str, value: str) -> str:
    """A new field line after the metadata, styled like the last field line."""
    if proposal.fields:
        last = max(proposal.fields, key=lambda f: f.line + f.raw.count("\n"))
        style = text[slice(*line_span(text, last.line))]
        return insert_line(
            text, last.line + last.raw.count("\n"), field_line_like(style, key, value)
        )
    line = f"**{key}**: {value}" if scheme.metadata_style == "inline" else f"- {key}: {value}"
    anchor = _metadata_anchor(text)
    if anchor:
        return insert_line(insert_line(text, anchor, ""), anchor + 1, line)
    return insert_line(insert_line(text, 0, ""), 0, line)


def _metadata_anchor(text: str) -> int:
    """Where a document without fields gets its first one: after the title heading,
    else after the front matter, else at the top (0)."""
    lines = split_lines(text)
    start = 0
    if lines and lines[0].strip() == "---":
        ends = [n for n in range(2, len(lines) + 1) if lines[n - 1].strip() in ("---", "...")]
        start = ends[0] if ends else 0
    for number in range(start + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped:
            return number if re.match(r"#\s", stripped) else start
    return start


def _write_required(
    folder: Folder, text: str, proposal: Proposal, target: str, options: MoveOptions
) -> str:
    """Fields the new status requires (an obsolete RFC names its successor)."""
    scheme = folder.scheme
    for spec in scheme.fields:
        if target not in spec.required_when:
            continue
        current = parse_proposal(proposal.path, text, scheme)
        present = current.field(spec.name)
        if options.by is None:
            if present is not None and present.value:
                continue
            raise FatalError(
                f"`{target}` needs the field `{spec.name}`: pass --by ID to name the proposal "
                "that replaces this one"
            )
        other = find_proposal(folder, options.by)
        if other.path == proposal.path:
            raise FatalError("a proposal cannot replace itself")
        name = scheme.label(other.id) if other.id else other.path
        value = f"[{name}]({link_target(other.path)})"
        if present is not None:
            text = set_field(text, present.line, value, present.line + present.raw.count("\n"))
        else:
            text = _add_field(text, current, scheme, spec.name, value)
    return text


def _verify(old: Proposal, new: Proposal, scheme: Scheme, target: str) -> None:
    """Refuse to write a document whose other fields or title the edit disturbed."""
    touched = {_status_spec(scheme).name, *(s.name for s in scheme.fields if s.required_when)}

    def kept(p: Proposal) -> list[tuple[str, str]]:
        return [(f.name, f.value) for f in p.fields if f.name not in touched]

    if new.status != target or kept(old) != kept(new) or old.title != new.title:
        raise FatalError(
            f"{old.path}: the edited document would not read as intended (status "
            f"{new.status!r}); nothing was written. Please report this as a bug"
        )


def _index_change(folder: Folder, moved: Proposal, word: str) -> FileChange | None:
    scheme = folder.scheme
    table = folder.index_table
    if scheme.index is None or table is None or not table.line or moved.id is None:
        return None
    path = folder.root / scheme.index.file
    before, doc = read_for_edit(path)
    if table.markers:
        others = [p for p in folder.proposals if p.path != moved.path]
        text = regenerate(doc.body, scheme, [*others, moved], folder.exists, table)
    else:
        text, count = set_row_status(doc.body, table, scheme, moved, word)
        if count == 0:
            header = cells_of(doc.body[slice(*line_span(doc.body, table.line))])
            label = row_label(scheme, moved.id, moved.title, moved.path)
            values = row_values(scheme, header, moved, label)
            text = insert_row(doc.body, table, scheme, moved.id, values)
    if text == doc.body:
        return None
    return FileChange(path, before, Text(doc.bom, text).encode())
