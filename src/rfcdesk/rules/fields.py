"""Rules about metadata fields and the status."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator

from rfcdesk.model import Field, Proposal, Severity
from rfcdesk.read.relations import field_relation
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
    placeholders = ctx.template.field_placeholders.get(field.name)
    return placeholders is not None and fold(field.value) in placeholders


def _decided(proposal: Proposal, scheme: Scheme) -> bool:
    """Whether a proposal is done: accepted and final (Merged, Implemented), else accepted,
    else closed, as far as the scheme says. From then on, TBD is a gap; before, it is what
    the process expects (a release target is set when the work ships). A scheme that
    names none cannot tell, and every proposal counts."""
    accepted = set(scheme.accepted)
    final = {s.name for s in scheme.statuses if s.terminal}
    closing = (accepted & final) or accepted or final
    return not closing or proposal.status in closing


def is_undecided(field: Field, scheme: Scheme) -> bool:
    return fold(field.value) in scheme.undecided_folded


# Words every process uses to say that a field does not apply, beside a scheme's own.
NOT_APPLICABLE = frozenset({"n/a", "na", "none", "not applicable", "-", "–", "—", "nil"})


def is_not_applicable(field: Field, scheme: Scheme) -> bool:
    """Whether an optional field's value says it does not apply (`N/A`, `None`, `-`)."""
    value = fold(field.value).rstrip(".")
    head = re.split(r"[.,;:(]\s*", value, maxsplit=1)[0].strip()  # `N/A. Already done.`
    spec = scheme.field_for(field.name)
    optional = spec is None or not spec.required
    return value in scheme.not_applicable_folded or (
        optional and (value in NOT_APPLICABLE or head in NOT_APPLICABLE)
    )


@register("M001", "missing-field", "A required field is missing or empty.")
def missing_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if is_stub(proposal, ctx.scheme):
        return
    where = proposal.fields_path
    kept = ctx.template.fields
    for spec in ctx.scheme.fields:
        if not spec.required or (kept is not None and spec.name not in kept):
            continue  # not required, or the team's own template no longer asks for it
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


# A template value that says the field is filled in later, by the process: `(leave this
# empty)`, `(PR # after acceptance of initial draft)`, `assigned by the editors`.
_FILLED_LATER = re.compile(
    r"leave (?:this |it )?(?:empty|blank)|after (?:the )?accept|(?:filled|assigned|added|"
    r"set) (?:in )?(?:later|by|when|once|after)|to be (?:filled|assigned)|once (?:merged|"
    r"accepted)|when (?:merged|accepted)",
    re.I,
)


@register("M002", "template-field", "A field still holds the template's placeholder text.")
def template_field(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    accepted = proposal.status is not None and proposal.status in ctx.scheme.accepted
    for field in proposal.fields:
        if not field.value or not is_placeholder(field, ctx):
            continue
        if _FILLED_LATER.search(field.value) and not accepted:
            continue  # the process fills it in later: no finding before acceptance
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
    if not _decided(proposal, ctx.scheme):
        return  # before acceptance, "TBD" is what the process expects
    for field in proposal.fields:
        spec = ctx.scheme.field_for(field.name)
        if (spec is not None and spec.kind == "proposal") or field_relation(ctx.scheme, field):
            continue  # "TBD" in a list of related proposals names none; nothing is pending
        if (
            field.value
            and is_undecided(field, ctx.scheme)
            and not is_not_applicable(field, ctx.scheme)
        ):
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
    if ctx.scheme.inferred:
        return  # a kind inferred from values is a guess, not the process's rule
    for field in proposal.fields:
        spec = ctx.scheme.field_for(field.name)
        if (
            spec is None
            or spec.kind not in ("link", "date")  # the kinds with a format
            or not field.value
            or is_placeholder(field, ctx)
            or is_undecided(field, ctx.scheme)
            or is_not_applicable(field, ctx.scheme)
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
            spec = ctx.scheme.field_for(field.name)
            listed = (spec and spec.kind in ("link", "people")) or field_relation(ctx.scheme, field)
            if listed and field.value != first.value:
                continue  # two tracking issues, two authors: a list written line by line
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
    if ctx.scheme.inferred:
        return  # statuses learned from the values used: another value is no error of theirs
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
    if ctx.scheme.inferred:
        return
    field = ctx.scheme.status_field(proposal)
    if field is None or proposal.status is None:
        return
    written = ctx.scheme.read_status(field.value)[1]
    listed = {
        fold(spelling)
        for status in ctx.scheme.statuses
        if status.name == proposal.status
        for spelling in status.spellings
    }
    if written != proposal.status and fold(written) not in listed:
        yield Finding(
            proposal.fields_path,
            field.line,
            field.col,
            f"status `{written}` is written `{proposal.status}` in the {ctx.scheme.name} scheme",
        )


# A proposal is named on the day it is filed and its Start Date is when writing began:
# real folders drift by days or weeks (1 to 66 in WeSQL-Scale's). Farther apart than this,
# one of the two is mistyped (a year off).
START_DATE_DRIFT = 180


@register(
    "M012",
    "start-date-mismatch",
    "The start date is far from the date in the file name.",
    Severity.WARNING,
)
def start_date_mismatch(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    scheme = ctx.scheme
    spec = scheme.field_of_kind("date")
    if scheme.id_kind != "date" or spec is None or not proposal.file_id_matched or not proposal.id:
        return
    stamp = proposal.id[:8]
    field = proposal.field(spec.name)
    if stamp == scheme.draft_id or field is None or not _valid_date(field.value):
        return
    try:
        named = dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
        started = dt.date.fromisoformat(field.value)
    except ValueError:
        return  # an impossible date is F010's or M004's to report
    days = abs((named - started).days)
    if days > START_DATE_DRIFT:
        yield Finding(
            proposal.fields_path,
            field.line,
            field.col,
            f"`{spec.name}` is {field.value}, {days} days from the file name's "
            f"{named.isoformat()}: is one of them mistyped?",
        )
