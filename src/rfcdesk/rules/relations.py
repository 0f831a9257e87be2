"""Rules about proposals that name each other (`read.relations`): the named one exists,
the inverse is written, `requires` has no cycle, a superseded proposal is closed."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from rfcdesk.model import Proposal, Severity
from rfcdesk.read.relations import (
    INVERSE,
    REPLACES,
    SUPERSEDED_BY,
    Relation,
    folder_relations,
    requires_cycles,
)
from rfcdesk.rules import Context, Finding, is_stub, register
from rfcdesk.scheme.model import Scheme


def relations(ctx: Context) -> list[Relation]:
    """The relations the folder's proposals state, read once per folder."""
    shared = ctx.shared if ctx.shared is not None else {}
    if "relations" not in shared:
        shared["relations"] = folder_relations(ctx.scheme, ctx.proposals)
    found: list[Relation] = shared["relations"]
    return found


def _name(ctx: Context, path: str) -> str:
    proposal = ctx.by_path.get(path)
    if proposal is None or proposal.id is None:
        return path
    return ctx.scheme.label(proposal.id)


def _open(ctx: Context, path: str) -> Proposal | None:
    """The proposal at `path`, unless it is only a pointer to another place."""
    proposal = ctx.by_path.get(path)
    if proposal is None or is_stub(proposal, ctx.scheme) or proposal.load_error is not None:
        return None
    return proposal


@register(
    "R001",
    "relation-target-missing",
    "A proposal names another (requires, replaces...) that is not in the folder.",
    scope="folder",
)
def relation_target_missing(ctx: Context) -> Iterator[Finding]:
    for r in relations(ctx):
        if r.target is None and r.checkable and r.declared and _open(ctx, r.source):
            yield Finding(
                r.path,
                r.line,
                r.col,
                f"`{r.field}` names {_written(ctx, r.written)}, "
                "which is no proposal in this folder",
            )


def in_force(ctx: Context, r: Relation) -> bool:
    """Whether a relation holds yet: a proposal that replaces another does so once it is
    in force (a draft, or one accepted but not yet done, replaces nothing yet); one that
    says it is superseded says so now."""
    if r.kind != REPLACES or not ctx.scheme.accepted:
        return True
    source = ctx.by_path.get(r.source)
    return source is not None and source.status in _in_force(ctx.scheme)


@functools.cache
def _in_force(scheme: Scheme) -> frozenset[str]:
    """The accepted statuses with no accepted status after them in the workflow: the
    proposal is done (Final, Active, implemented, Merged), not on its way there."""
    accepted = set(scheme.accepted)
    return frozenset(s for s in accepted if not accepted.intersection(scheme.allowed_after(s)))


def _written(ctx: Context, written: str) -> str:
    """A reference as people read it: a bare number with the scheme's label (`PEP 9`)."""
    bare = written.strip("#")
    return ctx.scheme.label(str(int(bare))) if bare.isdigit() else written


def _anchor(proposal: Proposal, ctx: Context) -> tuple[int, int]:
    """Where a missing field is reported: the status line, else the first field, else
    the title."""
    status = ctx.scheme.status_field(proposal)
    if status is not None:
        return status.line, 1
    if proposal.fields:
        return min(f.line for f in proposal.fields), 1
    return proposal.title_line or 1, 1


@register(
    "R002",
    "relation-inverse-missing",
    "A proposal replaces another that does not say it is superseded (or the other way round).",
    Severity.WARNING,
    scope="folder",
)
def relation_inverse_missing(ctx: Context) -> Iterator[Finding]:
    found = relations(ctx)
    written = {r.kind for r in found} | {s.relation for s in ctx.scheme.fields if s.relation}
    stated = {(r.source, r.kind, r.target) for r in found}
    for r in found:
        inverse = INVERSE.get(r.kind)
        if inverse is None or r.kind not in ctx.scheme.inverse_required:
            continue
        if inverse not in written or r.target is None or not in_force(ctx, r):
            continue
        target = _open(ctx, r.target)
        if target is None or (r.target, inverse, r.source) in stated:
            continue
        if (r.target, inverse, None) in stated:
            continue  # it names one it cannot be told apart from: perhaps this one, by an old name
        if inverse == REPLACES and not _replaces_written(ctx, r.target):
            continue  # the scheme and this proposal have no way to say it replaces others
        line, col = _anchor(target, ctx)
        said = f"{_name(ctx, r.source)} says `{r.field}: {r.written}`"
        what = "is superseded by" if inverse == SUPERSEDED_BY else "replaces"
        field = _field_for(ctx, inverse)
        fix = f": add {_name(ctx, r.source)} to `{field}`" if field else ""
        yield Finding(
            target.fields_path,
            line,
            col,
            f"{said}, but {_name(ctx, r.target)} does not say it {what} "
            f"{_name(ctx, r.source)}{fix}",
            subject=target.path,
        )


def _replaces_written(ctx: Context, path: str) -> bool:
    return _field_for(ctx, REPLACES) is not None or any(
        r.kind == REPLACES for r in relations(ctx) if r.source == path
    )


def _field_for(ctx: Context, kind: str) -> str | None:
    """The scheme's field for a relation, to name in a fix."""
    return next((s.name for s in ctx.scheme.fields if s.relation == kind), None)


@register(
    "R003",
    "requires-cycle",
    "Proposals require each other in a cycle.",
    scope="folder",
)
def requires_cycle(ctx: Context) -> Iterator[Finding]:
    found = relations(ctx)
    for loop in requires_cycles(found):
        first = next(r for r in found if r.source == loop[0] and r.target == loop[1 % len(loop)])
        names = " -> ".join(_name(ctx, p) for p in (*loop, loop[0]))
        yield Finding(first.path, first.line, first.col, f"`{first.field}` makes a cycle: {names}")


@register(
    "R004",
    "superseded-not-closed",
    "A superseded proposal still has an open status.",
    Severity.WARNING,
    scope="folder",
)
def superseded_not_closed(ctx: Context) -> Iterator[Finding]:
    final = {s.name for s in ctx.scheme.statuses if s.terminal}
    if not final:
        return
    by: dict[str, str] = {}
    for r in relations(ctx):
        if r.target is None or not in_force(ctx, r):
            continue
        if r.kind == SUPERSEDED_BY:
            by.setdefault(r.source, r.target)
        elif r.kind == REPLACES:
            by.setdefault(r.target, r.source)
    for path, successor in sorted(by.items()):
        proposal = _open(ctx, path)
        if proposal is None or proposal.status is None or proposal.status in final:
            continue
        status = ctx.scheme.status_field(proposal)
        line, col = (status.line, status.col) if status else _anchor(proposal, ctx)
        closed = ", ".join(s.name for s in ctx.scheme.statuses if s.terminal)
        yield Finding(
            proposal.fields_path,
            line,
            col,
            f"superseded by {_name(ctx, successor)}, but its status `{proposal.status}` is "
            f"still open (final statuses: {closed})",
            subject=proposal.path,
        )
