"""`rfcdesk status ID NEW_STATUS`: move a proposal along its workflow, index included."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edit.index import link_target, place_row, written_status
from rfcdesk.edit.text import (
    Text,
    edit_field,
    edit_yaml_field,
    field_line_like,
    insert_line,
    line_span,
    set_field,
    status_value,
    yaml_field_line,
)
from rfcdesk.edit.writer import FileChange, folder_lock, read_for_edit, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.model import Field, Proposal
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.proposal import parse_proposal, split_lines
from rfcdesk.report.formats import display_path
from rfcdesk.scheme.model import FieldSpec, Scheme


class Options(NamedTuple):
    wanted: str  # the proposal: an id, a label, a file name or part of one
    new_status: str
    path: Path = Path(".")
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
    moves = scheme.allowed_after(current)
    if target in moves:
        return None
    if not moves:
        return f"`{current}` is final: no move leads out of it"
    return f"from `{current}` it can move to: {', '.join(moves)}"


def run(options: Options, out: TextIO) -> int:
    """Move a proposal to a new status, in its document and in the index."""
    wanted, new_status = options.wanted, options.new_status
    config = folder_settings(options.path, options.scheme)
    with folder_lock(config.folder):
        folder = open_folder(config, options.scheme)
        proposal = folder.find(wanted)
        scheme = folder.scheme
        target = scheme.canonical_status(new_status)
        if target is None:
            names = ", ".join(s.name for s in scheme.statuses)
            raise FatalError(f"`{new_status}` is not a {scheme.name} status; use one of: {names}")
        label = scheme.label(proposal.id) if proposal.id else proposal.path
        if scheme.folder_status(proposal.path):
            folders = ", ".join(f"{f}/" for s in scheme.statuses for f in s.folders)
            raise FatalError(
                f"in {folder.root.name or 'this folder'} a proposal's status is the folder it "
                f"sits in ({folders}): move {proposal.path} to change it"
            )
        field = proposal.field(_status_spec(scheme).name)
        written = field.value if field else None
        refusal = allowed_move(scheme, proposal.status, target, written)
        if refusal and not options.force:
            raise FatalError(
                f"{label} cannot move to `{target}`: {refusal} (pass --force to move anyway)"
            )
        changes = plan_move(folder, proposal, new_status, target, options.by)
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
    folder: Folder, proposal: Proposal, written: str, target: str, by: str | None = None
) -> list[FileChange]:
    """The edited fields file (the document or its sidecar) and index; empty when all
    already say the new status. `written` is the status as the user typed it; `by` names
    the proposal that replaces this one, for statuses that need it."""
    scheme = folder.scheme
    fields = _FieldsFile.read(folder.root, proposal, scheme)
    text = _write_status(fields, written)
    text = _write_required(folder, fields, text, target, by)
    moved = fields.parse(text)
    _verify(proposal, moved, scheme, target)
    changes = []
    if text != fields.doc.body:
        changes.append(FileChange(fields.path, fields.before, Text(fields.doc.bom, text).encode()))
    index_change = _index_change(folder, moved, written_status(scheme, moved) or target)
    if index_change is not None:
        changes.append(index_change)
    return changes


class _FieldsFile(NamedTuple):
    """The file a proposal's fields are written in, read for an edit: the document
    itself, or the YAML sidecar beside it."""

    proposal: Proposal
    scheme: Scheme
    path: Path
    before: bytes | None
    doc: Text
    document: str | None  # the document's text, when the fields are in a sidecar
    yaml_lines: range  # the lines that are YAML: the whole sidecar, or the front matter

    @classmethod
    def read(cls, root: Path, proposal: Proposal, scheme: Scheme) -> _FieldsFile:
        path = root / proposal.fields_path
        before, doc = read_for_edit(path)
        lines = split_lines(doc.body)
        if proposal.metadata_path is not None:
            document = read_for_edit(root / proposal.path)[1].body
            return cls(proposal, scheme, path, before, doc, document, range(1, len(lines) + 1))
        front = _front_matter_end(lines) if scheme.markup == "markdown" else 0
        return cls(proposal, scheme, path, before, doc, None, range(2, max(front, 2)))

    def parse(self, text: str) -> Proposal:
        """The proposal as it reads with `text` in this file."""
        path = self.proposal.path
        if self.document is None:
            return parse_proposal(path, text, self.scheme)
        return parse_proposal(path, self.document, self.scheme, (self.proposal.fields_path, text))


def _status_spec(scheme: Scheme) -> FieldSpec:
    spec = scheme.status_spec
    if spec is None:
        raise FatalError(f"the {scheme.name} scheme has no status field")
    return spec


def _write_status(fields: _FieldsFile, written: str) -> str:
    scheme, text = fields.scheme, fields.doc.body
    spec = _status_spec(scheme)
    field = fields.proposal.field(spec.name)
    if field is None:
        return _add_field(
            fields, text, fields.proposal, spec.name, status_value(scheme, "", written)
        )

    def change(raw: str) -> str:
        return status_value(scheme, raw, written)

    try:
        if _in_yaml(fields, field):
            return edit_yaml_field(text, field.line, field.key, change)
        column = field.col if spec.in_section else None  # may be a `## Status` section
        return edit_field(text, field.line, change, field.line + field.raw.count("\n"), column)
    except FatalError as exc:
        raise FatalError(f"{fields.proposal.fields_path}: {exc}; nothing was written") from None


def _add_field(fields: _FieldsFile, text: str, proposal: Proposal, key: str, value: str) -> str:
    """A new field line: at the end of the YAML that holds the fields, else after the
    metadata, styled like the last field line."""
    last = _last_field(proposal)
    if _in_yaml(fields, last):
        return insert_line(text, fields.yaml_lines.stop - 1, yaml_field_line(key, value))
    if last is not None:
        style = text[slice(*line_span(text, last.line))]
        return insert_line(
            text, last.line + last.raw.count("\n"), field_line_like(style, key, value)
        )
    scheme = fields.scheme
    line = f"**{key}**: {value}" if scheme.metadata_style == "inline" else f"- {key}: {value}"
    anchor = _metadata_anchor(text)
    if anchor:
        return insert_line(insert_line(text, anchor, ""), anchor + 1, line)
    return insert_line(insert_line(text, 0, ""), 0, line)


def _last_field(proposal: Proposal) -> Field | None:
    return max(proposal.fields, key=lambda f: f.line + f.raw.count("\n"), default=None)


def _in_yaml(fields: _FieldsFile, field: Field | None) -> bool:
    """Whether a field (or a new one after it) is written in YAML."""
    if fields.document is not None:
        return True
    return field is not None and field.line in fields.yaml_lines


def _front_matter_end(lines: list[str]) -> int:
    """The line that closes a front matter block at the top (0: there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    ends = [n for n in range(2, len(lines) + 1) if lines[n - 1].strip() in ("---", "...")]
    return ends[0] if ends else 0


def _metadata_anchor(text: str) -> int:
    """Where a document without fields gets its first one: after the title heading,
    else after the front matter, else at the top (0)."""
    lines = split_lines(text)
    start = _front_matter_end(lines)
    for number in range(start + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped:
            return number if re.match(r"#\s", stripped) else start
    return start


def _write_required(
    folder: Folder, fields: _FieldsFile, text: str, target: str, by: str | None
) -> str:
    """Fields the new status requires (an obsolete RFC names its successor)."""
    scheme, proposal = folder.scheme, fields.proposal
    for spec in scheme.fields:
        if target not in spec.required_when:
            continue
        current = fields.parse(text)
        present = current.field(spec.name)
        if by is None:
            if present is not None and present.value:
                continue
            raise FatalError(
                f"`{target}` needs the field `{spec.name}`: pass --by ID to name the proposal "
                "that replaces this one"
            )
        other = folder.find(by)
        if other.path == proposal.path:
            raise FatalError("a proposal cannot replace itself")
        name = scheme.label(other.id) if other.id else other.path
        # YAML names the proposal; Markdown links to it.
        yaml = _in_yaml(fields, present or _last_field(current))
        value = name if yaml else f"[{name}]({link_target(other.path)})"
        text = _write_field(fields, text, current, spec.name, value)
    return text


def _write_field(fields: _FieldsFile, text: str, current: Proposal, name: str, value: str) -> str:
    """Set a field to `value`, adding its line when it has none."""
    present = current.field(name)
    if present is None:
        return _add_field(fields, text, current, name, value)
    if _in_yaml(fields, present):
        return edit_yaml_field(text, present.line, present.key, lambda _old: value)
    return set_field(text, present.line, value, present.line + present.raw.count("\n"))


def _verify(old: Proposal, new: Proposal, scheme: Scheme, target: str) -> None:
    """Refuse to write a document whose other fields or title the edit disturbed."""
    touched = {_status_spec(scheme).name, *(s.name for s in scheme.fields if s.required_when)}

    def kept(p: Proposal) -> list[tuple[str, str]]:
        return [(f.name, f.value) for f in p.fields if f.name not in touched]

    if new.status != target or kept(old) != kept(new) or old.title != new.title:
        raise FatalError(
            f"{old.fields_path}: the edited file would not read as intended (status "
            f"{new.status!r}); nothing was written. Please report this as a bug"
        )


def _index_change(folder: Folder, moved: Proposal, word: str) -> FileChange | None:
    scheme = folder.scheme
    table = folder.index_table
    if scheme.index is None or table is None or not table.line or moved.id is None:
        return None
    path = folder.root / scheme.index.file
    before, doc = read_for_edit(path)
    others = [p for p in folder.proposals if p.path != moved.path]
    text = place_row(doc.body, scheme, table, others, moved, folder.exists, word)
    if text == doc.body:
        return None
    return FileChange(path, before, Text(doc.bom, text).encode())
