"""`rfcdesk approve ID [--by NAME]`: record an approval in the proposal's approvals field."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edge.git import run_git
from rfcdesk.edit.fields import FieldsFile, write_field
from rfcdesk.edit.text import Text
from rfcdesk.edit.writer import FileChange, folder_lock, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.model import Proposal
from rfcdesk.read.approvals import (
    Approval,
    approval_state,
    approvals_of,
    authors_of,
    person_keys,
)
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.roster import read_roster
from rfcdesk.read.settings import Config
from rfcdesk.report.formats import display_path
from rfcdesk.scheme.model import ApprovalRule, slugify


class Options(NamedTuple):
    wanted: str  # the proposal: an id, a label, a file name or part of one
    by: str | None = None  # who approves; default: git's user.name
    path: Path = Path(".")
    dry_run: bool = False
    scheme: str | None = None
    today: dt.date | None = None  # the day written beside the name (default: today)


def run(options: Options, out: TextIO) -> int:
    """Add one approval to a proposal, in the field its scheme keeps them in."""
    config = folder_settings(options.path, options.scheme)
    with folder_lock(config.folder):
        folder = open_folder(config, options.scheme)
        rule = folder.scheme.approvals
        if rule is None:
            raise FatalError(
                f"the {folder.scheme.name} scheme asks for no approvals; say which statuses "
                "need them in rfcdesk.toml: [approvals] quorum = 2, statuses = [...]"
            )
        proposal = folder.find(options.wanted)
        name = (options.by or _git_user(folder.root)).strip()
        _refuse_twice(proposal, folder, name)
        day = options.today or dt.date.today()
        change, approved = plan_approval(folder, proposal, rule, Approval(name, day.isoformat()))
        write_or_show([change], folder.root, options.dry_run, out)
        if options.dry_run:
            return EXIT_OK
    label = folder.scheme.label(proposal.id) if proposal.id else proposal.path
    where = display_path(folder.root, os.path.relpath(change.path, folder.root))
    print(f"{label}: approved by {name} ({where})", file=out)
    _report_standing(folder, config, approved, rule, out)
    return EXIT_OK


def _git_user(root: Path) -> str:
    try:
        name = run_git(root, "config", "user.name").decode("utf-8", "replace").strip()
    except FatalError:
        name = ""
    if not name:
        raise FatalError("who approves? pass --by NAME (git's user.name is not set)")
    return name


def _refuse_twice(proposal: Proposal, folder: Folder, name: str) -> None:
    """Refuse an approval that would not count twice over, or is the author's own."""
    keys = person_keys(name)
    if keys & authors_of(proposal, folder.scheme):
        raise FatalError(
            f"{name} is an author of {proposal.path}: an author's approval does not count"
        )
    for approval in approvals_of(proposal, folder.scheme):
        if person_keys(approval.name) & keys:
            when = f" on {approval.date}" if approval.date else ""
            raise FatalError(f"{approval.name} approved {proposal.path} already{when}")


def plan_approval(
    folder: Folder, proposal: Proposal, rule: ApprovalRule, approval: Approval
) -> tuple[FileChange, Proposal]:
    """The fields file with one more approval at the end of the approvals field, and the
    proposal as it then reads."""
    scheme = folder.scheme
    fields = FieldsFile.read(folder.root, proposal, scheme)
    present = proposal.field(rule.field)
    entry = f"{approval.name} ({approval.date})" if approval.date else approval.name
    if present is not None and approvals_of(proposal, scheme):
        value = f"{present.value}, {entry}"
    else:
        value = entry  # the first; a value that names nobody yet ("TBD") is replaced
    key = rule.field if present is not None else _key_like(proposal, rule.field)
    text = write_field(fields, fields.doc.body, proposal, key, value)
    approved = fields.parse(text)
    _verify(proposal, approved, folder, approval)
    return FileChange(fields.path, fields.before, Text(fields.doc.bom, text).encode()), approved


def _key_like(proposal: Proposal, name: str) -> str:
    """A new field's key written like the others: `approved-by` among `status`, `date`."""
    keys = [f.key for f in proposal.fields]
    if keys and all(k == k.lower() and " " not in k for k in keys):
        return slugify(name)
    return name


def _verify(old: Proposal, new: Proposal, folder: Folder, approval: Approval) -> None:
    """Refuse to write a document that does not read as the old one plus this approval."""
    rule = folder.scheme.approvals
    assert rule is not None

    def others(p: Proposal) -> list[tuple[str, str]]:
        return [(f.name, f.value) for f in p.fields if f.name != rule.field]

    wanted = [*approvals_of(old, folder.scheme), approval]
    if (
        approvals_of(new, folder.scheme) != wanted
        or others(old) != others(new)
        or (old.title, old.status) != (new.title, new.status)
    ):
        raise FatalError(
            f"{old.fields_path}: the edited file would not read as intended; nothing was "
            "written. Please report this as a bug"
        )


def _report_standing(
    folder: Folder, config: Config, proposal: Proposal, rule: ApprovalRule, out: TextIO
) -> None:
    """Say where the proposal stands against the quorum its gated statuses ask."""
    state = approval_state(proposal, folder.scheme, read_roster(config, folder.root, rule.group))
    gated = rule.statuses[0]
    if state.missing:
        print(f"  `{gated}` {state.shortfall()}", file=out)
    else:
        print(f"  `{gated}` has the {state.needed} approvals it needs", file=out)
