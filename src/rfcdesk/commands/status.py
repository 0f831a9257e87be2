"""`rfcdesk status ID NEW_STATUS`: move a proposal along its workflow, index included."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edit.fields import FieldsFile, add_field, in_yaml, last_field, write_field
from rfcdesk.edit.index import link_target, place_row, written_status
from rfcdesk.edit.text import (
    Text,
    edit_field,
    edit_yaml_field,
    status_value,
)
from rfcdesk.edit.writer import FileChange, folder_lock, read_for_edit, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.history.load import load_history
from rfcdesk.history.timeline import STATUS_SETTERS
from rfcdesk.model import Proposal
from rfcdesk.read.approvals import approval_state, needs_approvals
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
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
    now: dt.datetime | None = None  # the clock, for review periods (default: now)


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
        if refusal is None and proposal.status != target:
            held = process_holds(folder, proposal, target, options.now)
            refusal = "; ".join(held) or None
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


def process_holds(
    folder: Folder, proposal: Proposal, target: str, now: dt.datetime | None
) -> list[str]:
    """What the process still asks before `proposal` may move to `target`: approvals
    missing, a review period not over. Notes on stderr a period it cannot measure."""
    scheme = folder.scheme
    holds = []
    rule = scheme.approvals
    # A folder that records no approvals approves in its pull requests: not held.
    if rule is not None and needs_approvals(scheme, target) and folder.approvals_recorded:
        state = approval_state(proposal, scheme, folder.roster)
        if state.missing:
            holds.append(state.shortfall())
    periods = [p for p in scheme.periods if p.holds(proposal.status, target)]
    if periods:
        clock = now or dt.datetime.now(dt.UTC)
        since = status_since(folder, proposal, clock)
        for period in periods:
            if since is None:
                print(
                    f"note: cannot tell since when it is `{period.status}` (no committed "
                    f"history of it), so the {period.days}-day period is not checked",
                    file=sys.stderr,
                )
                continue
            days = (clock - since).days
            if days < period.days:
                holds.append(
                    f"in `{period.status}` since {since.date().isoformat()}, "
                    f"{max(days, 0)} of {period.days} days"
                )
    return holds


def status_since(folder: Folder, proposal: Proposal, now: dt.datetime) -> dt.datetime | None:
    """When the proposal got its current status, from git: the commit that set it (now,
    when the change is not committed yet); None when git cannot tell."""
    history = load_history(folder)
    timeline = history.timeline(proposal.path) if history.known else None
    if timeline is None:
        return None
    setter = next((e for e in reversed(timeline.events) if e.kind in STATUS_SETTERS), None)
    if setter is None or setter.kind == "existing":
        return None
    if setter.commit is None:
        return now
    return dt.datetime.fromisoformat(setter.date)


def plan_move(
    folder: Folder, proposal: Proposal, written: str, target: str, by: str | None = None
) -> list[FileChange]:
    """The edited fields file (the document or its sidecar) and index; empty when all
    already say the new status. `written` is the status as the user typed it; `by` names
    the proposal that replaces this one, for statuses that need it."""
    scheme = folder.scheme
    fields = FieldsFile.read(folder.root, proposal, scheme)
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


def _status_spec(scheme: Scheme) -> FieldSpec:
    spec = scheme.status_spec
    if spec is None:
        raise FatalError(f"the {scheme.name} scheme has no status field")
    return spec


def _write_status(fields: FieldsFile, written: str) -> str:
    scheme, text = fields.scheme, fields.doc.body
    spec = _status_spec(scheme)
    field = fields.proposal.field(spec.name)
    if field is None:
        return add_field(
            fields, text, fields.proposal, spec.name, status_value(scheme, "", written)
        )

    def change(raw: str) -> str:
        return status_value(scheme, raw, written)

    try:
        if in_yaml(fields, field):
            return edit_yaml_field(text, field.line, field.key, change)
        column = field.col if spec.in_section else None  # may be a `## Status` section
        return edit_field(text, field.line, change, field.line + field.raw.count("\n"), column)
    except FatalError as exc:
        raise FatalError(f"{fields.proposal.fields_path}: {exc}; nothing was written") from None


def _write_required(
    folder: Folder, fields: FieldsFile, text: str, target: str, by: str | None
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
        yaml = in_yaml(fields, present or last_field(current))
        value = name if yaml else f"[{name}]({link_target(other.path)})"
        text = write_field(fields, text, current, spec.name, value)
    return text


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
