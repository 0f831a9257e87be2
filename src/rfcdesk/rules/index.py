"""Rules about the index: the README table and its "next number" line."""

from __future__ import annotations

from collections.abc import Iterator

from rfcdesk.model import Proposal, Severity, local_target
from rfcdesk.read.index import IndexRow
from rfcdesk.read.numbers import numbers_in_folder
from rfcdesk.rules import Context, Finding, register


def _files_by_id(ctx: Context) -> dict[str, Proposal]:
    found: dict[str, Proposal] = {}
    for proposal in ctx.proposals:
        if proposal.id is not None:
            found.setdefault(proposal.id, proposal)
    return found


def _row_target(row: IndexRow, index_path: str) -> str | None:
    """The folder-relative file a row links to, or None when it links to no local file."""
    for target in (*row.links, row.loose_target or ""):
        local = local_target(index_path, target)
        if local is not None:
            return local[0]
    return None


@register("I001", "index-missing-row", "A proposal has no row in the index.", scope="folder")
def index_missing_row(ctx: Context) -> Iterator[Finding]:
    if ctx.index_table is None:
        return
    listed = {row.id for row in ctx.index_table.rows}
    for proposal in ctx.proposals:
        if proposal.id is not None and proposal.id not in listed:
            yield Finding(
                ctx.index_table.path,
                ctx.index_table.line or 1,
                1,
                f"{ctx.scheme.label(proposal.id)} ({proposal.path}) has no row in the index",
                proposal.path,
            )


@register(
    "I002",
    "index-status-mismatch",
    "An index row's status disagrees with the proposal file.",
    scope="folder",
)
def index_status_mismatch(ctx: Context) -> Iterator[Finding]:
    if ctx.index_table is None or not ctx.index_table.status_column:
        return
    files = _files_by_id(ctx)
    spec = ctx.scheme.status_spec
    for row in ctx.index_table.rows:
        proposal = files.get(row.id)
        row_status = ctx.scheme.canonical_status(row.status)
        if proposal is None or proposal.status is None or row_status is None:
            continue
        if row_status != proposal.status:
            field = proposal.field(spec.name) if spec else None
            where = f"{proposal.path}:{field.line}" if field else proposal.path
            yield Finding(
                ctx.index_table.path,
                row.line,
                1,
                f"{ctx.scheme.label(row.id)} is `{row.status}` here but `{proposal.status}` "
                f"in {where}",
                proposal.path,
            )


@register(
    "I007",
    "index-invalid-status",
    "An index row's status is not one of the scheme's statuses.",
    scope="folder",
)
def index_invalid_status(ctx: Context) -> Iterator[Finding]:
    if ctx.index_table is None or not ctx.index_table.status_column:
        return
    names = ", ".join(s.name for s in ctx.scheme.statuses)
    for row in ctx.index_table.rows:
        if row.status.strip() and ctx.scheme.canonical_status(row.status) is None:
            yield Finding(
                ctx.index_table.path,
                row.line,
                1,
                f"{ctx.scheme.label(row.id)}: `{row.status}` is not a status; use one of: {names}",
            )


@register(
    "I003", "index-dead-link", "An index row links to a file that does not exist.", scope="folder"
)
def index_dead_link(ctx: Context) -> Iterator[Finding]:
    if ctx.index_table is None:
        return
    for row in ctx.index_table.rows:
        target = _row_target(row, ctx.index_table.path)
        if target is not None and not ctx.exists(target):
            yield Finding(
                ctx.index_table.path,
                row.line,
                1,
                f"{ctx.scheme.label(row.id)} links to `{target}`, which does not exist",
                target,
            )


@register(
    "I006",
    "index-row-link",
    "An index row does not link to its proposal file.",
    Severity.WARNING,
    scope="folder",
)
def index_row_link(ctx: Context) -> Iterator[Finding]:
    if ctx.index_table is None:
        return
    files = _files_by_id(ctx)
    for row in ctx.index_table.rows:
        proposal = files.get(row.id)
        if proposal is None:
            continue
        label = ctx.scheme.label(row.id)
        target = _row_target(row, ctx.index_table.path)
        if row.loose_target is not None and target == proposal.path:
            yield Finding(
                ctx.index_table.path,
                row.line,
                1,
                f"{label}: `({row.loose_target})` is not a Markdown link because of the spaces; "
                f"write `(<{row.loose_target}>)` or rename the file",
                proposal.path,
            )
        elif target != proposal.path and (target is None or ctx.exists(target)):
            shown = f"`{row.links[0]}`" if row.links else "nothing"
            yield Finding(
                ctx.index_table.path,
                row.line,
                1,
                f"{label} links to {shown}, not to {proposal.path}",
                proposal.path,
            )


@register("I004", "index-duplicate-row", "Two index rows have one id.", scope="folder")
def index_duplicate_row(ctx: Context) -> Iterator[Finding]:
    if ctx.index_table is None:
        return
    first: dict[str, int] = {}
    for row in ctx.index_table.rows:
        if row.id in first:
            yield Finding(
                ctx.index_table.path,
                row.line,
                1,
                f"{ctx.scheme.label(row.id)} has a row already (line {first[row.id]})",
            )
        else:
            first[row.id] = row.line


@register("I005", "index-next-number", "The index's next number is already in use.", scope="folder")
def index_next_number(ctx: Context) -> Iterator[Finding]:
    if (
        ctx.index_table is None
        or ctx.index_table.next_number is None
        or ctx.scheme.id_kind != "number"
    ):
        return
    used = numbers_in_folder(ctx.proposals, ctx.index_table)
    if not used:
        return
    highest = max(used)
    nxt = ctx.index_table.next_number
    if nxt.number <= highest:
        yield Finding(
            ctx.index_table.path,
            nxt.line,
            nxt.col,
            f"next number is {nxt.number}, but {ctx.scheme.label(str(highest))} is already used "
            f"({used[highest]}); the next free number is {highest + 1}",
            used[highest],
        )
