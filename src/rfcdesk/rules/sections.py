"""Rules about the sections a proposal must have and what they hold."""

from __future__ import annotations

from collections.abc import Iterator

from rfcdesk.model import Proposal, Severity
from rfcdesk.rules import Context, Finding, is_stub, register
from rfcdesk.scheme.model import fold


@register("S001", "missing-section", "A required section is missing.", Severity.WARNING)
def missing_section(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if is_stub(proposal, ctx.scheme):
        return
    titles = {fold(s.title) for s in proposal.sections}
    for spec in ctx.template.sections:
        if spec.required and not spec.folded_names & titles:
            yield Finding(
                proposal.path,
                proposal.title_line or 1,
                1,
                f"required section `{spec.name}` is missing",
            )


@register(
    "S002", "empty-section", "A section has a heading and nothing under it.", Severity.WARNING
)
def empty_section(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for section in proposal.sections:
        if section.blocks == 0 and not section.has_subsections:
            yield Finding(
                proposal.path, section.line, section.col, f"section `{section.title}` is empty"
            )


@register(
    "S003",
    "template-section",
    "A section still holds the template's guidance text.",
    Severity.WARNING,
)
def template_section(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    guidance = ctx.template.guidance
    for section in proposal.sections:
        copied = [line for line, digest in section.paragraphs() if digest in guidance]
        if copied:
            yield Finding(
                proposal.path,
                copied[0],
                1,
                f"section `{section.title}` still holds the template's guidance text "
                f"({len(copied)} paragraph{'s' if len(copied) > 1 else ''})",
            )
