"""What a folder's template says a proposal must hold, and which text must not survive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from rfcdesk.model import Proposal
from rfcdesk.read.proposal import parse_proposal
from rfcdesk.scheme.load import scheme_template
from rfcdesk.scheme.model import Scheme, SectionSpec, fold


class TemplateInfo(NamedTuple):
    source: str  # the template's file name, or "built-in"
    sections: tuple[SectionSpec, ...]  # the sections a proposal must have
    field_placeholders: dict[str, frozenset[str]]  # field name -> folded template values
    guidance: frozenset[int]  # digests of the template's paragraphs and list items


# A template's section is required, and its text guidance to replace, only where the
# folder's own practice confirms it: this share of the proposals has the section, and
# fewer than this share keep the text word for word (more: it is boilerplate, meant to stay).
PRACTICE = 0.5
MIN_PRACTICE = 5  # a folder with fewer proposals has no practice to speak of


def template_info(
    scheme: Scheme, folder_template: str | None, proposals: Sequence[Proposal] = ()
) -> TemplateInfo:
    """Sections and placeholder text from the folder's template, or the built-in one.

    The folder's own template names its sections; the scheme contributes the accepted
    variants of each section's name. With the folder's `proposals`, a section few of them
    have is not required, and a paragraph most of them keep is not guidance.
    """
    if folder_template is None:
        text, source = scheme_template(scheme), "built-in"
    else:
        text, source = folder_template, scheme.template
    parsed = parse_proposal(scheme.template, text, scheme)
    placeholders: dict[str, set[str]] = {}
    status = scheme.status_spec
    for field in parsed.fields:
        if status and field.name == status.name and scheme.canonical_status(field.value):
            continue  # a template may start proposals in a real status
        if (
            field.value
            and "{" not in field.value
            and fold(field.value) not in scheme.undecided_folded
        ):
            placeholders.setdefault(field.name, set()).add(fold(field.value))
    for value in scheme.placeholders:
        for spec in scheme.fields:
            placeholders.setdefault(spec.name, set()).add(fold(value))
    if folder_template is None or not parsed.sections or scheme.inferred:
        sections = scheme.sections  # an inferred scheme's sections are the confirmed ones
    else:
        top = min(s.level for s in parsed.sections)
        sections = tuple(_with_variants(scheme, s.title) for s in parsed.sections if s.level == top)
    kept = [spec for spec in scheme.sections if spec.boilerplate]
    guidance = {
        digest
        for s in parsed.sections
        if not any(spec.matches(s.title) for spec in kept)
        for _line, digest in s.paragraphs()
    }
    if len(proposals) >= MIN_PRACTICE:
        sections, guidance = _confirmed(scheme, sections, guidance, proposals)
    return TemplateInfo(
        source=source,
        sections=sections,
        field_placeholders={k: frozenset(v) for k, v in placeholders.items()},
        guidance=frozenset(guidance),
    )


def _confirmed(
    scheme: Scheme,
    sections: tuple[SectionSpec, ...],
    guidance: set[int],
    proposals: Sequence[Proposal],
) -> tuple[tuple[SectionSpec, ...], set[int]]:
    """A section the process declares (a built-in scheme's, or rfcdesk.toml's) stays
    required; one only the template names stays required where most proposals have it.
    The paragraphs most proposals keep are boilerplate, not guidance."""
    count = len(proposals)
    having: Counter[int] = Counter()
    kept: Counter[int] = Counter()
    titles = [{fold(s.title) for s in p.sections} for p in proposals]
    for index, spec in enumerate(sections):
        having[index] = sum(1 for found in titles if spec.folded_names & found)
    for proposal in proposals:
        kept.update({d for s in proposal.sections for _l, d in s.paragraphs() if d in guidance})
    declared = [] if scheme.inferred else [s for s in scheme.sections if s.required]
    confirmed = tuple(
        spec
        if any(d.matches(spec.name) for d in declared)
        else replace(spec, required=spec.required and having[i] >= PRACTICE * count)
        for i, spec in enumerate(sections)
    )
    return confirmed, {d for d in guidance if kept[d] < PRACTICE * count}


def _with_variants(scheme: Scheme, title: str) -> SectionSpec:
    for spec in scheme.sections:
        if spec.matches(title):
            return SectionSpec(title, (spec.name, *spec.variants), spec.required, spec.boilerplate)
    return SectionSpec(title)
