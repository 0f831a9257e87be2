"""What a folder's template says a proposal must hold, and which text must not survive."""

from __future__ import annotations

from typing import NamedTuple

from rfcdesk.read.proposal import parse_proposal
from rfcdesk.scheme.load import scheme_template
from rfcdesk.scheme.model import Scheme, SectionSpec, fold


class TemplateInfo(NamedTuple):
    source: str  # the template's file name, or "built-in"
    sections: tuple[SectionSpec, ...]  # the sections a proposal must have
    field_placeholders: dict[str, frozenset[str]]  # field name -> folded template values
    guidance: frozenset[int]  # digests of the template's paragraphs and list items


def template_info(scheme: Scheme, folder_template: str | None) -> TemplateInfo:
    """Sections and placeholder text from the folder's template, or the built-in one.

    The folder's own template is the truth for its sections; the scheme contributes the
    accepted variants of each section's name.
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
    return TemplateInfo(
        source=source,
        sections=sections,
        field_placeholders={k: frozenset(v) for k, v in placeholders.items()},
        guidance=frozenset(guidance),
    )


def _with_variants(scheme: Scheme, title: str) -> SectionSpec:
    for spec in scheme.sections:
        if spec.matches(title):
            return SectionSpec(title, (spec.name, *spec.variants), spec.required, spec.boilerplate)
    return SectionSpec(title)
