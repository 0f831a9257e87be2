"""Schemes from TOML: the built-ins shipped with rfcdesk, a team's own file, or a table.

A scheme a user wrote is checked against `schemes/scheme.schema.json` and then for
meaning (a workflow that names an undeclared status, a pattern with no `id` group); every
error names the file and the line. The built-ins are checked the same way by the tests.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from rfcdesk.errors import FatalError
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.model import (
    APPROVALS_FIELD,
    ISO_DATE,
    ApprovalRule,
    FieldSpec,
    IndexSpec,
    Period,
    Scheme,
    SectionSpec,
    StatusSpec,
    Transition,
)

Path_ = tuple[str | int, ...]  # where a value is in the TOML document: ("fields", 2, "kind")


class SchemeSource:
    """Where a scheme's data came from, to name the line of an error."""

    def __init__(
        self, origin: str, text: str | None = None, prefix: Path_ = (), path: Path | None = None
    ) -> None:
        self.origin = origin  # a file name, or "built-in scheme NAME"
        self._text = text  # the TOML text, when the origin is a file
        self.prefix = prefix  # the scheme table's own path in that file ("scheme",)
        self._path = path  # a file whose text is read only when an error needs its lines

    @property
    def text(self) -> str | None:
        if self._text is None and self._path is not None:
            self._text = self._path.read_text("utf-8")
        return self._text

    def fail(self, where: Path_, message: str) -> NoReturn:
        full = (*self.prefix, *where)
        line = locate(self.text, full) if self.text is not None else 0
        place = f"{self.origin}:{line}" if line else self.origin
        raise FatalError(f"{place}: {dotted(full)}: {message}" if full else f"{place}: {message}")


def dotted(path: Path_) -> str:
    """`fields[2].kind`: a TOML path as people read it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _key_parts(text: str) -> tuple[str, ...]:
    return tuple(
        p.strip().strip("\"'")
        for p in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", text)
    )


def locate(text: str, path: Path_) -> int:
    """The 1-based line that defines `path` in a TOML document, or of its nearest parent.

    tomllib keeps no positions, so the table headers and keys are read again, line by
    line: enough for the documents people write (multi-line arrays and strings included).
    """
    found: dict[Path_, int] = {}
    table: Path_ = ()
    counts: dict[tuple[str, ...], int] = {}
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            names = _key_parts(header[2])
            if header[1] == "[[":
                counts[names] = counts.get(names, -1) + 1
                table = (*_with_indexes(names, counts), counts[names])
            else:
                table = _with_indexes(names, counts)
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault((*table, *_key_parts(key[1])), number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2:
                    in_string = quote
    for end in range(len(path), 0, -1):
        if path[:end] in found:
            return found[path[:end]]
    return 1


def _with_indexes(names: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> Path_:
    """A table name with the index of each array of tables it lies in: fields[2]."""
    out: list[str | int] = []
    for end in range(1, len(names) + 1):
        out.append(names[end - 1])
        if end < len(names) and names[:end] in counts:
            out.append(counts[names[:end]])
    return tuple(out)


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema every scheme file is checked against."""
    text = (
        resources.files("rfcdesk.scheme.builtin").joinpath("scheme.schema.json").read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(data: dict[str, Any], source: SchemeSource) -> None:
    """Check a scheme table against the JSON Schema; the first error (by line) is raised."""
    import jsonschema  # imported here: only schemes written by users are validated at run time

    validator = jsonschema.Draft202012Validator(json_schema())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    text = source.text or ""
    first = min(errors, key=lambda e: (locate(text, (*source.prefix, *e.absolute_path)), e.message))
    source.fail(tuple(first.absolute_path), _schema_message(first))


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message} (see `rfcdesk schemes --json-schema` for the keys)"
    return str(error.message)


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key, ()))


def _regex(
    source: SchemeSource, where: Path_, pattern: str | None, group: str | None = None
) -> None:
    if pattern is None:
        return
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        source.fail(where, f"not a valid regular expression: {exc}")
    if group and group not in compiled.groupindex:
        source.fail(where, f"the pattern needs a `(?P<{group}>...)` group")


def build_scheme(data: dict[str, Any], source: SchemeSource) -> Scheme:
    """A Scheme from a table that fits the JSON Schema; errors name where they are."""
    files, title, index = data["files"], data.get("title", {}), data.get("index")
    fields = tuple(_field(f) for f in data.get("fields", ()))
    statuses = tuple(
        StatusSpec(
            s["name"],
            _strings(s, "spellings"),
            bool(s.get("terminal")),
            _strings(s, "patterns"),
            bool(s.get("stub")),
            _strings(s, "folders"),
        )
        for s in data.get("statuses", ())
    )
    workflow = data.get("workflow", {})
    transitions = tuple(
        Transition(str(t["from"]), _strings(t, "to")) for t in workflow.get("transitions", ())
    )
    scheme = Scheme(
        name=data["name"],
        description=data.get("description", ""),
        file_pattern=files["pattern"],
        id_kind=files.get("id_kind", "number"),
        id_label=files.get("id_label", "{id}"),
        file_format=files["format"],
        template=files.get("template", ""),
        draft_id=files.get("draft_id"),
        title_pattern=title.get("pattern"),
        title_keys=_strings(title, "front_matter_keys") or ("title",),
        title_field=title.get("field"),
        metadata_style=data.get("metadata", {}).get("style", "inline"),
        fields=fields,
        statuses=statuses,
        sections=tuple(
            SectionSpec(
                s["name"],
                _strings(s, "variants"),
                bool(s.get("required", True)),
                bool(s.get("boilerplate", False)),
            )
            for s in data.get("sections", ())
        ),
        index=IndexSpec(
            file=index["file"],
            row_id_pattern=index["row_id_pattern"],
            status_column=index.get("status_column", "Status"),
            next_number_pattern=index.get("next_number_pattern"),
            next_number_format=index.get("next_number_format"),
            columns=_strings(index, "columns"),
            heading=index.get("heading", "Proposals"),
        )
        if index
        else None,
        placeholders=_strings(data.get("values", {}), "placeholders"),
        undecided=_strings(data.get("values", {}), "undecided"),
        not_applicable=_strings(data.get("values", {}), "not_applicable"),
        slug_style=files.get("slug", "kebab"),
        title_format=title.get("format", "{title}"),
        initial_status=workflow.get("initial"),
        transitions=transitions,
        accepted=_strings(workflow, "accepted"),
        include=_strings(files, "include") or ("*.md",),
        exclude=_strings(files, "exclude"),
        markup=files.get("markup", "markdown"),
        sidecar=files.get("sidecar"),
        id_width=int(files.get("id_width", 0)),
        id_field=files.get("id_field"),
        id_pattern=files.get("id_pattern"),
        title_from_slug=bool(title.get("from_slug", False)),
        title_own_id_only=bool(title.get("own_id_only", False)),
        title_skip=_strings(title, "skip_headings"),
        link_ignore=_strings(data.get("links", {}), "ignore"),
        inferred=bool(data.get("inferred", False)),
        strict_workflow=bool(workflow.get("strict", False)),
        approvals=approval_rule(data["approvals"]) if "approvals" in data else None,
        periods=periods(workflow.get("periods", ())),
        inverse_required=_strings(data["relations"], "inverse")
        if "relations" in data
        else ("replaces", "superseded-by"),
    )
    scheme = with_approvals_field(scheme)
    _check_meaning(scheme, data, source)
    return scheme


def approval_rule(data: dict[str, Any]) -> ApprovalRule:
    """An `[approvals]` table, from a scheme or the settings."""
    return ApprovalRule(
        statuses=_strings(data, "statuses"),
        field=str(data.get("field", APPROVALS_FIELD)),
        quorum=int(data.get("quorum", 0)),
        share=float(data.get("share", 0.0)),
        group=data.get("group"),
    )


def periods(data: Sequence[dict[str, Any]]) -> tuple[Period, ...]:
    """`[[workflow.periods]]` (or the settings' `[[periods]]`)."""
    return tuple(Period(str(p["status"]), int(p["days"]), _strings(p, "before")) for p in data)


def with_approvals_field(scheme: Scheme) -> Scheme:
    """The scheme with a field for its approvals, when none of its fields is that one."""
    rule = scheme.approvals
    if rule is None or scheme.field_for(rule.field) is not None:
        return scheme
    field = FieldSpec(rule.field, aliases=("Approved-By", "Approvals"), kind="people")
    return dataclasses.replace(scheme, fields=(*scheme.fields, field))


def _field(data: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=data["name"],
        aliases=_strings(data, "aliases"),
        alias_pattern=data.get("alias_pattern"),
        required=bool(data.get("required", False)),
        kind=data.get("kind", "text"),
        required_when=_strings(data, "required_when"),
        date_formats=_strings(data, "date_formats") or (ISO_DATE,),
        values=_strings(data, "values"),
        in_section=bool(data.get("in_section", False)),
        relation=data.get("relation", ""),
    )


def _check_meaning(scheme: Scheme, data: dict[str, Any], source: SchemeSource) -> None:
    """What the JSON Schema cannot say: patterns compile, statuses named exist, keys agree."""
    _regex(source, ("files", "pattern"), scheme.file_pattern, "id")
    _regex(source, ("title", "pattern"), scheme.title_pattern)
    for number, spec in enumerate(scheme.fields):
        _regex(source, ("fields", number, "alias_pattern"), spec.alias_pattern)
    for number, status in enumerate(scheme.statuses):
        for at, pattern in enumerate(status.patterns):
            _regex(source, ("statuses", number, "patterns", at), pattern)
    if scheme.index:
        _regex(source, ("index", "row_id_pattern"), scheme.index.row_id_pattern, "id")
        _regex(source, ("index", "next_number_pattern"), scheme.index.next_number_pattern, "number")
    if scheme.id_kind == "field":
        if not scheme.id_field or not scheme.id_pattern:
            source.fail(
                ("files", "id_kind"), 'id_kind = "field" needs files.id_field and files.id_pattern'
            )
        _regex(source, ("files", "id_pattern"), scheme.id_pattern, "id")
        if not any(spec.name == scheme.id_field for spec in scheme.fields):
            source.fail(("files", "id_field"), f"{scheme.id_field!r} is not one of the fields")
    if (scheme.sidecar is None) != (scheme.metadata_style != "sidecar"):
        source.fail(
            ("files", "sidecar"), 'files.sidecar and metadata.style = "sidecar" go together'
        )
    status_fields = [n for n, spec in enumerate(scheme.fields) if spec.kind == "status"]
    if len(status_fields) > 1:
        source.fail(("fields", status_fields[1], "kind"), "only one field can be the status")
    _check_statuses(scheme, data, source)


def _check_statuses(scheme: Scheme, data: dict[str, Any], source: SchemeSource) -> None:
    """Every status the workflow and the fields name must be one the scheme declares."""
    names = {s.name for s in scheme.statuses}
    workflow = data.get("workflow", {})
    named: list[tuple[Path_, str]] = []
    if "initial" in workflow:
        named.append((("workflow", "initial"), workflow["initial"]))
    named += [(("workflow", "accepted", n), s) for n, s in enumerate(workflow.get("accepted", ()))]
    for number, transition in enumerate(workflow.get("transitions", ())):
        named.append((("workflow", "transitions", number, "from"), transition["from"]))
        named += [
            (("workflow", "transitions", number, "to", n), s)
            for n, s in enumerate(transition["to"])
        ]
    for number, period in enumerate(workflow.get("periods", ())):
        named.append((("workflow", "periods", number, "status"), period["status"]))
        named += [
            (("workflow", "periods", number, "before", n), s)
            for n, s in enumerate(period.get("before", ()))
        ]
    named += [
        (("approvals", "statuses", n), s)
        for n, s in enumerate(data.get("approvals", {}).get("statuses", ()))
    ]
    for number, spec in enumerate(data.get("fields", ())):
        named += [
            (("fields", number, "required_when", n), s)
            for n, s in enumerate(spec.get("required_when", ()))
        ]
    for where, status in named:
        if status not in names:
            known = ", ".join(s.name for s in scheme.statuses) or "none declared"
            source.fail(where, f"names {status!r}, which is not a status ({known})")


def with_process(
    scheme: Scheme,
    approvals: dict[str, Any] | None,
    period_list: Sequence[dict[str, Any]] | None,
    source: Path | None,
    prefix: Sequence[str] = (),
) -> Scheme:
    """The scheme with the approvals and periods the settings give in place of its own:
    any scheme, built-in or inferred, can be held to a team's review rules."""
    if approvals is None and period_list is None:
        return scheme
    import jsonschema

    origin = SchemeSource(str(source) if source else "the settings", None, tuple(prefix), source)
    defs = json_schema()["$defs"]
    checks: list[tuple[Path_, Any, dict[str, Any]]] = []
    if approvals is not None:
        checks.append((("approvals",), approvals, defs["approvals"]))
    for number, period in enumerate(period_list or ()):
        checks.append((("periods", number), period, defs["period"]))
    for where, value, schema in checks:
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator({**schema, "$defs": defs}).iter_errors(value)
        )
        if error is not None:
            origin.fail((*where, *error.absolute_path), _schema_message(error))
    changed = dataclasses.replace(
        scheme,
        approvals=approval_rule(approvals) if approvals is not None else scheme.approvals,
        periods=periods(period_list) if period_list is not None else scheme.periods,
    )
    names = {s.name for s in scheme.statuses}
    named: list[tuple[Path_, str]] = []
    if approvals is not None:
        named += [(("approvals", "statuses", n), s) for n, s in enumerate(approvals["statuses"])]
    for number, period in enumerate(period_list or ()):
        named.append((("periods", number, "status"), period["status"]))
        named += [
            (("periods", number, "before", n), s) for n, s in enumerate(period.get("before", ()))
        ]
    for where, status in named:
        if scheme.canonical_status(status) is None and status not in names:
            known = ", ".join(sorted(names)) or "none declared"
            origin.fail(where, f"names {status!r}, which is not a {scheme.name} status ({known})")
    return with_approvals_field(_canonical_statuses(changed))


def _canonical_statuses(scheme: Scheme) -> Scheme:
    """Statuses the settings name in another spelling, as the scheme spells them."""

    def canonical(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(scheme.canonical_status(n) or n for n in names)

    rule = scheme.approvals
    return dataclasses.replace(
        scheme,
        approvals=dataclasses.replace(rule, statuses=canonical(rule.statuses)) if rule else None,
        periods=tuple(
            Period(scheme.canonical_status(p.status) or p.status, p.days, canonical(p.before))
            for p in scheme.periods
        ),
    )


def scheme_from_data(data: dict[str, Any], source: SchemeSource) -> Scheme:
    """Validate a scheme table, then build it."""
    validate(data, source)
    return build_scheme(data, source)


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text("utf-8")
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FatalError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise FatalError(f"{path}: cannot read the scheme file: {reason}") from None


def load_scheme_file(path: Path) -> Scheme:
    """A scheme written as its own TOML file."""
    text, data = _read_toml(path)
    return scheme_from_data(data, SchemeSource(str(path), text))


def builtin_scheme(name: str) -> Scheme:
    """One of the schemes shipped with rfcdesk, by name."""
    if name not in BUILTIN_NAMES:
        known = ", ".join(BUILTIN_NAMES)
        raise FatalError(f"unknown scheme {name!r}; the built-in schemes are: {known}")
    return _load_builtin(name)


@cache
def _load_builtin(name: str) -> Scheme:
    text = builtin_scheme_text(name)
    return build_scheme(tomllib.loads(text), SchemeSource(f"built-in scheme {name}", text))


def builtin_scheme_text(name: str) -> str:
    """The TOML a built-in scheme is written in (what `rfcdesk schemes NAME` prints)."""
    return resources.files("rfcdesk.scheme.builtin").joinpath(f"{name}.toml").read_text("utf-8")


def resolve_scheme(
    requested: str | dict[str, Any] | None, source: Path | None, prefix: Sequence[str] = ()
) -> Scheme | None:
    """The scheme a setting names: a built-in's name, a `.toml` file, or an inline table."""
    if requested is None:
        return None
    if isinstance(requested, dict):
        origin = str(source) if source else "the scheme table"
        return scheme_from_data(requested, SchemeSource(origin, None, tuple(prefix), source))
    if requested.endswith(".toml"):
        base = source.parent if source else Path.cwd()
        path = base / requested
        if not path.is_file():
            where = f"{source}: " if source else ""
            raise FatalError(f"{where}scheme file {requested} does not exist ({path})")
        return load_scheme_file(path)
    return builtin_scheme(requested)


def scheme_template(scheme: Scheme) -> str:
    """The template `new` fills when the folder has none of its own.

    A built-in ships one; a team's scheme gets one drawn from its fields and sections.
    """
    suffix = "rst" if scheme.markup == "rst" else "md"
    shipped = resources.files("rfcdesk.scheme.builtin").joinpath(f"{scheme.name}-template.{suffix}")
    if scheme.name in BUILTIN_NAMES and scheme == builtin_scheme(scheme.name) and shipped.is_file():
        return shipped.read_text("utf-8")
    return drafted_template(scheme)


def drafted_template(scheme: Scheme) -> str:
    """A Markdown template from a scheme's fields and sections, for schemes without one."""
    lines = [f"# {scheme.title_format}", ""]
    bullet = "- {}: " if scheme.metadata_style == "bullets" else "**{}**: "
    for spec in scheme.fields:
        if spec.name == scheme.title_field:
            continue
        value = scheme.initial_status if spec.kind == "status" and scheme.initial_status else ""
        lines.append(bullet.format(spec.name) + (value or ""))
    for section in scheme.sections:
        lines += ["", f"## {section.name}", ""]
    return "\n".join(lines) + "\n"
