"""What a folder's template says a proposal must hold, and which text must not survive."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from rfcdesk.model import Proposal, Section
from rfcdesk.read.proposal import parse_proposal
from rfcdesk.scheme.detect import spread
from rfcdesk.scheme.load import scheme_template
from rfcdesk.scheme.model import Scheme, SectionSpec, fold, heading_forms


class TemplateInfo(NamedTuple):
    source: str  # the template's file name, or "built-in"
    sections: tuple[SectionSpec, ...]  # the sections a proposal must have
    field_placeholders: dict[str, frozenset[str]]  # field name -> folded template values
    guidance: frozenset[int]  # digests of the template's paragraphs and list items
    # The fields the folder's own template has (None: no template of its own). A field the
    # scheme requires that the team's template dropped is no longer asked for.
    fields: frozenset[str] | None = None
    optional: frozenset[str] = (
        frozenset()
    )  # folded titles of sections the template says are optional


# A template's section is required, and its text guidance to replace, only where the
# folder's own practice confirms it: this share of the proposals has the section, and
# fewer than this share keep the text word for word (more: it is boilerplate, meant to stay).
PRACTICE = 0.5
MIN_PRACTICE = 5  # a folder with fewer proposals has no practice to speak of
PRACTICE_SAMPLE = 400  # proposals, spread over the folder, that show its practice


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
    # The template's sections whose heading or text says they may be left out.
    said = [s for s in parsed.sections if _OPTIONAL.search(_body(text, s, parsed.sections))]
    if folder_template is None or not parsed.sections:
        sections = scheme.sections
    elif scheme.inferred:  # an inferred scheme's sections are the confirmed ones
        sections = tuple(
            replace(spec, required=False) if any(spec.matches(s.title) for s in said) else spec
            for spec in scheme.sections
        )
    else:
        top = min(s.level for s in parsed.sections)
        sections = tuple(
            replace(_with_variants(scheme, s.title), required=False)
            if s in said
            else _with_variants(scheme, s.title)
            for s in parsed.sections
            if s.level == top
        )
    kept = [spec for spec in scheme.sections if spec.boilerplate]
    lines = text.removeprefix("\ufeff").split("\n")
    guidance = {
        digest
        for s in parsed.sections
        if not any(spec.matches(s.title) for spec in kept)
        for line, digest in s.paragraphs()
        if _instructs(_paragraph(lines, line))
    }
    if len(proposals) >= MIN_PRACTICE:
        practice = spread(proposals, PRACTICE_SAMPLE)
        sections, guidance = _confirmed(scheme, sections, guidance, practice)
        placeholders = _kept_values(placeholders, practice)
    return TemplateInfo(
        source=source,
        sections=sections,
        field_placeholders={k: frozenset(v) for k, v in placeholders.items()},
        guidance=frozenset(guidance),
        # Known only from a template of the folder's own that writes its fields in itself.
        fields=None
        if folder_template is None or scheme.sidecar or not parsed.fields
        else frozenset(f.name for f in parsed.fields),
        optional=frozenset(form for s in said for form in heading_forms(s.title)),
    )


# What marks template text as guidance to replace, not an answer it offers ("No backward
# compatibility issues found.", "This proposal has no dependencies.") or a notice to keep.
_INSTRUCTION = re.compile(
    r"(?<![a-z])(?:describe|explain|list|provide|include|add|write|summari[sz]e|outline|"
    r"discuss|state|mention|replace|remove|delete|fill|consider|think|should|must|please|"
    r"todo|tbd|e\.g\.|for example|here|this section|your)(?![a-z])"
    r"|\?|\[[^\]]*\]|<[^>]+>|\{[^}]*\}|\.\.\.",
    re.I,
)


def _paragraph(lines: list[str], line: int) -> str:
    """The text of the paragraph that starts on `line` (1-based), up to a blank line."""
    found = []
    for text in lines[line - 1 :]:
        if not text.strip():
            break
        found.append(text)
    return " ".join(found)


def _instructs(paragraph: str) -> bool:
    return bool(_INSTRUCTION.search(paragraph))


def _kept_values(
    placeholders: dict[str, set[str]], proposals: Sequence[Proposal]
) -> dict[str, set[str]]:
    """Template values most proposals keep are the folder's constants (`parent: Decisions`
    for a site's navigation), not placeholders left in."""
    kept: Counter[tuple[str, str]] = Counter()
    for proposal in proposals:
        kept.update({(f.name, fold(f.value)) for f in proposal.fields})
    limit = PRACTICE * len(proposals)
    return {
        name: {v for v in values if kept[(name, v)] < limit}
        for name, values in placeholders.items()
    }


# Words with which a template says a section may be left out.
_OPTIONAL = re.compile(
    r"\boptional\b|if (?:applicable|any|relevant|needed|necessary)|may be (?:omitted|left out|"
    r"skipped)|(?:leave|drop|remove|omit) (?:it|this section|this)\b|not required",
    re.I,
)


def _body(text: str, section: Section, all_sections: Sequence[Section]) -> str:
    """A template section's heading and text, up to the next heading."""
    lines = text.split("\n")
    later = [s.line for s in all_sections if s.line > section.line]
    return "\n".join(lines[section.line - 1 : (min(later) - 1) if later else len(lines)])


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
    titles = [{f for s in p.sections for f in heading_forms(s.title)} for p in proposals]
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
