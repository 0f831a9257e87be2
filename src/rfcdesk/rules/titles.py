"""Rules about the title line."""

from __future__ import annotations

from collections.abc import Iterator

from rfcdesk.model import Proposal
from rfcdesk.rules import Context, Finding, is_stub, register


@register("T001", "missing-title", "The proposal has no title.")
def missing_title(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if proposal.title is None and not is_stub(proposal, ctx.scheme):
        example = ctx.scheme.label(proposal.id or "N") + " - Title"
        hint = (
            f"start the document with `# {example}`"
            if ctx.scheme.title_pattern
            else ("start the document with a `# Title` heading or a `title:` front-matter key")
        )
        yield Finding(proposal.path, proposal.title_line or 1, 1, f"no title; {hint}")


@register("T002", "title-id-mismatch", "The number in the title disagrees with the file name.")
def title_id_mismatch(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if proposal.file_id_matched and proposal.title_id and proposal.title_id != proposal.id:
        yield Finding(
            proposal.path,
            proposal.title_line,
            1,
            f"title says {ctx.scheme.label(proposal.title_id)} but the file name says "
            f"{ctx.scheme.label(proposal.id or '?')}",
        )
