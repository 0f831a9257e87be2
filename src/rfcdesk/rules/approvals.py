"""M014: a proposal in a status that needs approvals, without them."""

from __future__ import annotations

from collections.abc import Iterator

from rfcdesk.read.approvals import (
    approval_state,
    held_to_quorum,
    needs_approvals,
)
from rfcdesk.rules import Context, Finding, is_stub, register


@register(
    "M014",
    "missing-approvals",
    "A proposal is in a status that needs more approvals than it records.",
    scope="folder",
)
def missing_approvals(ctx: Context) -> Iterator[Finding]:
    scheme, rule = ctx.scheme, ctx.scheme.approvals
    # A folder that records no approvals approves in its pull requests: nothing to count.
    if rule is None or not ctx.approvals_recorded:
        return
    for proposal in ctx.proposals:
        if not needs_approvals(scheme, proposal.status) or is_stub(proposal, scheme):
            continue
        if not held_to_quorum(proposal, scheme):
            continue  # closed before the folder wrote approvals down
        state = approval_state(proposal, scheme, ctx.roster)
        if state.missing:
            status = scheme.status_field(proposal)
            line, col = (status.line, status.col) if status else (proposal.title_line or 1, 1)
            yield Finding(
                proposal.fields_path, line, col, f"`{proposal.status}` {state.shortfall()}"
            )
