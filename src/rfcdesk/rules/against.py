"""Ids the current branch shares with a different proposal on another ref (`check --against`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rfcdesk.edge.git import folder_in_repo, read_objects, run_git, tree_names
from rfcdesk.errors import FatalError
from rfcdesk.model import Diagnostic, Proposal
from rfcdesk.read.index import IndexTable, parse_index
from rfcdesk.read.numbers import claimed_id, next_free, numbers_in_folder, numbers_on_branches
from rfcdesk.rules import RULES
from rfcdesk.scheme.model import Scheme, fold

CODE = "D002"


def shared_ids(
    root: Path,
    scheme: Scheme,
    proposals: Sequence[Proposal],
    table: IndexTable | None,
    ref: str,
) -> list[Diagnostic]:
    """A diagnostic for each proposal whose number `ref` gives to another proposal."""
    located = folder_in_repo(root)
    if located is None:
        raise FatalError(f"{root}: --against needs the folder to be in a git repository")
    top, prefix = located
    try:
        run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except FatalError:
        raise FatalError(f"--against {ref}: no such branch, tag or commit") from None
    specs = [f"{ref}:{prefix}"]
    if scheme.index:
        specs.append(f"{ref}:{prefix}{scheme.index.file}")
    objects = read_objects(top, specs)
    theirs: dict[str, list[str]] = {}
    tree = objects.get(specs[0])
    for name in tree_names(tree) if tree is not None and tree.kind == "tree" else ():
        found = claimed_id(scheme, name)
        if found:
            theirs.setdefault(found, []).append(name)
    reserved: dict[str, str] = {}
    blob = objects.get(specs[1]) if len(specs) > 1 else None
    if blob is not None and blob.kind == "blob" and scheme.index:
        ref_table = parse_index(
            scheme.index.file, blob.data.decode("utf-8", "replace"), scheme.index
        )
        for row in ref_table.rows if ref_table else ():
            if row.id not in theirs and not row.links:
                reserved.setdefault(row.id, row.label)
    used = numbers_in_folder(proposals, table)
    used.update({k: v for k, v in numbers_on_branches(root, scheme).items() if k not in used})
    free = next_free(used, table.next_number.number if table and table.next_number else None)
    rule = RULES[CODE]
    found_diagnostics = []
    for proposal in proposals:
        if proposal.id is None:
            continue
        label = scheme.label(proposal.id)
        others = [n for n in theirs.get(proposal.id, []) if n != proposal.path]
        what = None
        if others:
            what = f"{label} is also {others[0]} on {ref}"
        elif proposal.id in reserved and not _same_title(reserved[proposal.id], proposal):
            what = f"{label} is reserved on {ref} by the index row `{reserved[proposal.id]}`"
        if what:
            message = f"{what}; give this one a new number: rfcdesk renumber {proposal.path} {free}"
            found_diagnostics.append(
                Diagnostic(
                    proposal.path,
                    proposal.title_line or 1,
                    1,
                    CODE,
                    rule.name,
                    message,
                    rule.severity,
                )
            )
    return found_diagnostics


def _same_title(label: str, proposal: Proposal) -> bool:
    return bool(proposal.title) and fold(proposal.title or "") in fold(label)
