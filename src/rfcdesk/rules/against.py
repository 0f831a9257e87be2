"""D002: ids the current branch shares with a different proposal on another ref.

`check --against REF` reads the folder as REF has it (`read.numbers.folders_on_refs`) and
the next free number, and hands both to the rules in `Context.against`; this rule compares.
It runs through the registry like every rule, so inline suppression applies to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from rfcdesk.edge.git import run_git
from rfcdesk.errors import FatalError
from rfcdesk.model import Proposal
from rfcdesk.read.folder import Folder
from rfcdesk.read.index import parse_index
from rfcdesk.read.numbers import RefFolder, claimed_id, folders_on_refs, next_free, numbers_in_use
from rfcdesk.rules import Against, Context, Finding, register
from rfcdesk.scheme.model import fold

CODE = "D002"


def against(folder: Folder, ref: str) -> Against:
    """What the rule needs to know of `ref`: its folder, and the number to suggest."""
    root, scheme, table = folder.root, folder.scheme, folder.index_table
    found = folders_on_refs(root, scheme, [ref])
    if not found:
        raise FatalError(f"{root}: --against needs the folder to be in a git repository")
    try:
        run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except FatalError:
        raise FatalError(f"--against {ref}: no such branch, tag or commit") from None
    used = numbers_in_use(root, scheme, folder.proposals, table)
    free = next_free(used, table.next_number.number if table and table.next_number else None)
    return Against(found[0], free)


def _theirs(ctx: Context, ref_folder: RefFolder) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The ids the ref's files claim (with their names), and ids only its index reserves."""
    theirs: dict[str, list[str]] = {}
    for name in ref_folder.names:
        found = claimed_id(ctx.scheme, name)
        if found:
            theirs.setdefault(found, []).append(name)
    reserved: dict[str, str] = {}
    index = ctx.scheme.index
    if index is not None and ref_folder.index_text is not None:
        table = parse_index(index.file, ref_folder.index_text, index)
        for row in table.rows if table else ():
            if row.id not in theirs and not row.links:
                reserved.setdefault(row.id, row.label)
    return theirs, reserved


@register(
    CODE,
    "id-taken-elsewhere",
    "Another proposal has this id on the ref given to `check --against`.",
    scope="folder",
)
def id_taken_elsewhere(ctx: Context) -> Iterator[Finding]:
    if ctx.against is None:
        return
    ref = ctx.against.folder.ref
    theirs, reserved = _theirs(ctx, ctx.against.folder)
    for proposal in ctx.proposals:
        if proposal.id is None:
            continue
        label = ctx.scheme.label(proposal.id)
        others = [n for n in theirs.get(proposal.id, []) if n != proposal.path]
        what = None
        if others:
            what = f"{label} is also {others[0]} on {ref}"
        elif proposal.id in reserved and not _same_title(reserved[proposal.id], proposal):
            what = f"{label} is reserved on {ref} by the index row `{reserved[proposal.id]}`"
        if what:
            fix = f"give this one a new number: rfcdesk renumber {proposal.path} {ctx.against.free}"
            yield Finding(proposal.path, proposal.title_line or 1, 1, f"{what}; {fix}")


def _same_title(label: str, proposal: Proposal) -> bool:
    return bool(proposal.title) and fold(proposal.title or "") in fold(label)
