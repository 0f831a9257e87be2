"""Rules about the sections a proposal must have and what they hold."""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Iterator

from rfcdesk.model import Proposal, Severity
from rfcdesk.rules import Context, Finding, is_stub, register
from rfcdesk.scheme.model import fold, heading_forms

_LEAD_NAMES = frozenset({"summary", "abstract", "overview", "introduction", "tl;dr"})
# Words that say what kind of section a heading is, not what it is about.
_GENERIC = frozenset(
    {"a", "an", "and", "the", "of", "for", "to", "in", "on", "plan", "strategy", "section",
     "considerations", "details", "detail", "information", "notes", "level", "explanation",
     "description", "overview"}
)  # fmt: skip


@functools.lru_cache(maxsize=8192)
def _content_words(title: str) -> frozenset[str]:
    """A heading's words that say what it is about, singular (`Motivations`: motivation)."""
    words = (w for w in re.findall(r"[a-z0-9]+", fold(title)) if w not in _GENERIC)
    return frozenset(w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words)


_OPTIONAL_HEADING = re.compile(r"\boptional\b|if (?:any|applicable)", re.I)


@register("S001", "missing-section", "A required section is missing.", Severity.WARNING)
def missing_section(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if is_stub(proposal, ctx.scheme) or ctx.scheme.inferred:
        return  # an inferred scheme's template is the team's suggestion, not its rule
    titles = {form for s in proposal.sections for form in heading_forms(s.title)}
    words: list[frozenset[str]] | None = None  # made only when a section seems missing
    for spec in ctx.template.sections:
        if not spec.required or spec.folded_names & titles:
            continue
        if proposal.has_lead and spec.folded_names & _LEAD_NAMES:
            continue  # the summary is the prose right under the title
        wanted = _content_words(spec.name)
        if words is None:
            words = [_content_words(s.title) for s in proposal.sections]
        if wanted and any(wanted <= found for found in words):
            continue  # `Plan for adoption` says `Adoption strategy`'s one word
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
    optional = [spec for spec in ctx.template.sections if not spec.required]
    for section in proposal.sections:
        if section.blocks == 0 and not section.has_subsections:
            said = set(heading_forms(section.title)) & ctx.template.optional
            if (
                said
                or _OPTIONAL_HEADING.search(section.title)
                or any(spec.matches(section.title) for spec in optional)
            ):
                continue  # an optional section left empty: there is nothing to say
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
    if not guidance:
        return
    for section in proposal.sections:
        if guidance.isdisjoint(array("Q", section.packed_paragraphs)[1::2]):
            continue  # most sections hold none of it: no list of pairs for them
        paragraphs = section.paragraphs()
        copied = [line for line, digest in paragraphs if digest in guidance]
        # A prompt kept as a lead-in to the author's own answer is no leftover: only a
        # section that holds nothing but the template's text is reported.
        if copied and len(copied) == len(paragraphs) and not section.has_subsections:
            yield Finding(
                proposal.path,
                copied[0],
                1,
                f"section `{section.title}` still holds the template's guidance text "
                f"({len(copied)} paragraph{'s' if len(copied) > 1 else ''})",
            )
