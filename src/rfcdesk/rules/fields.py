"""Rules about metadata fields and the status."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator

from rfcdesk.model import Field, Proposal, Severity
from rfcdesk.rules import Context, Finding, is_stub, register
from rfcdesk.scheme.model import ISO_DATE, Scheme, fold

_LINKISH = re.compile(r"://|^#\d+|\]\(|^<?[\w.-]+@|^\d+$|#\d+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _anchor_line(proposal: Proposal) -> int:
    """Where to report a missing field: the metadata block, else the title."""
    lines = [f.line for f in proposal.fields]
    if proposal.metadata_path is not None:
        return min(lines, default=1)
    return min(lines) if lines else (proposal.title_line or 1)


def is_placeholder(field: Field, ctx: Context) -> bool:
    return fold(field.value) in ctx.template.field_placeholders.get(field.name, frozenset())


def is_undecided(field: Field, scheme: Scheme) -> bool:
    return fold(field.value) in scheme.undecided_folded


@register("M001", "missing-field", "A required field is missing or empty.")
def missing_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if is_stub(proposal, ctx.scheme):
        return
    where = proposal.fields_path
    for spec in ctx.scheme.fields:
        if not spec.required:
            continue
        found = proposal.field(spec.name)
        if found is None:
            yield Finding(
                where, _anchor_line(proposal), 1, f"required field `{spec.name}` is missing"
            )
        elif not found.value:
            yield Finding(where, found.line, found.col, f"required field `{spec.name}` is empty")


@register("M013", "missing-status-field", "A field the proposal's status requires is missing.")
def missing_status_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if proposal.status is None:
        return
    for spec in ctx.scheme.fields:
        if proposal.status in spec.required_when and not (
            (found := proposal.field(spec.name)) and found.value
        ):
            yield Finding(
                proposal.fields_path,
                _anchor_line(proposal),
                1,
                f"status `{proposal.status}` needs the field `{spec.name}`",
            )


@register("M002", "template-field", "A field still holds the template's placeholder text.")
def template_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for field in proposal.fields:
        if field.value and is_placeholder(field, ctx):
            yield Finding(
                proposal.fields_path,
                field.line,
                field.col,
                f"`{field.name}` still holds the template's text `{field.value}`",
            )


@register(
    "M003", "undecided-field", "A field says it is not decided yet (TBD, ?).", Severity.WARNING
)
def undecided_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for field in proposal.fields:
        if field.value and is_undecided(field, ctx.scheme):
            yield Finding(
                proposal.fields_path,
                field.line,
                field.col,
                f"`{field.name}` is `{field.value}`: not decided yet",
            )


@register(
    "M004",
    "field-format",
    "A field's value does not look like its kind (link, date).",
    Severity.WARNING,
)
def field_format(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for field in proposal.fields:
        spec = ctx.scheme.field_for(field.name)
        if (
            spec is None
            or not field.value
            or is_placeholder(field, ctx)
            or is_undecided(field, ctx.scheme)
            or fold(field.value) in ctx.scheme.not_applicable_folded
        ):
            continue
        if spec.kind == "link" and not _LINKISH.search(field.value):
            yield Finding(
                proposal.fields_path,
                field.line,
                field.col,
                f"`{field.name}` should be a link (a URL or #number), not `{field.value}`",
            )
        elif spec.kind == "date" and not _valid_date(field.value, spec.date_formats):
            yield Finding(
                proposal.fields_path,
                field.line,
                field.col,
                f"`{field.name}` should be a date written {_date_example(spec.date_formats)}, "
                f"not `{field.value}`",
            )


_EXAMPLE_DAY = dt.date(2024, 1, 31)


def _valid_date(value: str, formats: tuple[str, ...] = (ISO_DATE,)) -> bool:
    """A real date, written in one of the formats (ISO dates with both digits, 2024-01-05)."""
    for fmt in formats:
        if fmt == ISO_DATE and not _DATE.match(value):
            continue
        try:
            dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return True
    return False


def _date_example(formats: tuple[str, ...]) -> str:
    shown = ["YYYY-MM-DD" if f == ISO_DATE else f"like {_EXAMPLE_DAY.strftime(f)}" for f in formats]
    return " or ".join(shown)


@register("M006", "field-value", "A field holds a value the scheme does not allow.")
def field_value(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for field in proposal.fields:
        spec = ctx.scheme.field_for(field.name)
        if spec is None or not spec.values or not field.value or is_placeholder(field, ctx):
            continue
        if fold(field.value) not in spec.folded_values and not is_undecided(field, ctx.scheme):
            allowed = ", ".join(spec.values)
            yield Finding(
                proposal.fields_path,
                field.line,
                field.col,
                f"`{field.name}` is `{field.value}`; "
                f"the {ctx.scheme.name} scheme allows: {allowed}",
            )


@register("M005", "duplicate-field", "A field is given twice.", Severity.WARNING)
def duplicate_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    seen: dict[str, Field] = {}
    for field in proposal.fields:
        if field.name in seen:
            first = seen[field.name]
            yield Finding(
                proposal.fields_path,
                field.line,
                1,
                f"`{field.name}` is given again (first on line {first.line}); the first one counts",
            )
        else:
            seen[field.name] = field


@register("M010", "invalid-status", "The status is not one of the scheme's statuses.")
def invalid_status(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    field = ctx.scheme.status_field(proposal)
    if field is None or not field.value or proposal.status is not None:
        return
    if is_placeholder(field, ctx) or is_undecided(field, ctx.scheme):
        return
    names = [s.name for s in ctx.scheme.statuses]
    message = f"`{field.value}` is not a {ctx.scheme.name} status; use one of: {', '.join(names)}"
    spellings = {fold(k): v for k, v in ctx.scheme.spelling_map.items()}
    close = difflib.get_close_matches(fold(field.value), list(spellings), n=1, cutoff=0.75)
    if close:
        message += f" (did you mean `{spellings[close[0]]}`?)"
    yield Finding(proposal.fields_path, field.line, field.col, message)


@register(
    "M011",
    "status-spelling",
    "The status is written in a spelling other than the canonical one.",
    Severity.WARNING,
)
def status_spelling(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    field = ctx.scheme.status_field(proposal)
    if field is None or proposal.status is None:
        return
    written = ctx.scheme.read_status(field.value)[1]
    if written != proposal.status:
        yield Finding(
            proposal.fields_path,
            field.line,
            field.col,
            f"status `{written}` is written `{proposal.status}` in the {ctx.scheme.name} scheme",
        )


@register("M012", "start-date-mismatch", "The start date disagrees with the date in the file name.")
def start_date_mismatch(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    scheme = ctx.scheme
    spec = scheme.field_of_kind("date")
    if scheme.id_kind != "date" or spec is None or not proposal.file_id_matched or not proposal.id:
        return
    stamp = proposal.id[:8]
    field = proposal.field(spec.name)
    if stamp == scheme.draft_id or field is None or not _valid_date(field.value):
        return
    if field.value.replace("-", "") != stamp:
        yield Finding(
            proposal.fields_path,
            field.line,
            field.col,
            f"`{spec.name}` is {field.value} but the file name says "
            f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}",
        )
