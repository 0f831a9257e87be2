"""A proposal process described as data: file names, fields, statuses, sections, index.

Built-in schemes are TOML files in `rfcdesk/schemes/`; a scheme differs from another only
in these tables, never in code paths.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from rfcdesk.errors import FatalError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# "proposal": the field names another proposal (the one that replaces an obsolete one).
FIELD_KINDS = frozenset({"text", "people", "status", "date", "link", "version", "proposal"})
SLUG_STYLES = frozenset({"kebab", "snake"})

_WRAPPERS = re.compile(r"^(?:\*\*|__|\*|_|`)(.*?)(?:\*\*|__|\*|_|`)$", re.DOTALL)
_SPACE = re.compile(r"\s+")


def clean_value(raw: str) -> str:
    """A field value without the trailing `|`, `_..._` wrappers and surrounding space."""
    value = raw.strip()
    if value.endswith("|"):
        value = value[:-1].rstrip()
    for _ in range(2):  # `**_x_**` is wrapped twice
        match = _WRAPPERS.match(value)
        if not match or not match.group(1).strip():
            break
        value = match.group(1).strip()
    return value


def fold(text: str) -> str:
    """The comparison key for names and spellings: case and runs of space ignored."""
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class FieldSpec:
    name: str
    aliases: tuple[str, ...] = ()
    alias_pattern: str | None = None  # for names that vary by project ("<Project> Issue")
    required: bool = False
    kind: str = "text"
    required_when: tuple[str, ...] = ()  # statuses under which the field must be given

    @cached_property
    def folded_names(self) -> frozenset[str]:
        return frozenset(fold(n) for n in (self.name, *self.aliases))

    def matches(self, key: str) -> bool:
        if fold(key) in self.folded_names:
            return True
        return bool(self.alias_pattern and re.fullmatch(self.alias_pattern, key.strip(), re.I))


@dataclass(frozen=True)
class StatusSpec:
    name: str
    spellings: tuple[str, ...] = ()
    terminal: bool = False


@dataclass(frozen=True)
class SectionSpec:
    name: str
    variants: tuple[str, ...] = ()
    required: bool = True

    @cached_property
    def folded_names(self) -> frozenset[str]:
        return frozenset(fold(n) for n in (self.name, *self.variants))

    def matches(self, title: str) -> bool:
        return fold(title) in self.folded_names


@dataclass(frozen=True)
class IndexSpec:
    file: str
    row_id_pattern: str  # finds the id in a row's first cell ("KLIP-12: ...")
    status_column: str = "Status"
    next_number_pattern: str | None = None  # a line holding the next free number
    next_number_format: str | None = None  # how `index` writes that line when it is missing
    columns: tuple[str, ...] = ()  # headers of a table `index` creates: label, status, fields
    heading: str = "Proposals"  # the heading of an index file `index` creates


@dataclass(frozen=True)
class Transition:
    """The statuses a proposal may move to from one status."""

    source: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Scheme:
    name: str
    description: str
    file_pattern: str  # regex over the file name with an `id` group
    id_kind: str  # "number" or "date"
    id_label: str  # how an id is written for people: "KLIP-{id}"
    file_format: str  # how `new` names a file: "klip-{id}-{slug}.md", "{date}_{slug}.md"
    template: str  # the template's file name in a proposal folder
    title_pattern: str | None  # regex over the H1 with optional `id` and `title` groups
    title_keys: tuple[str, ...]  # front-matter keys that hold the title
    title_field: str | None  # a metadata field that holds the title when nothing else does
    metadata_style: str  # how `new` and `status` write fields: "inline" or "bullets"
    fields: tuple[FieldSpec, ...]
    statuses: tuple[StatusSpec, ...]
    sections: tuple[SectionSpec, ...]
    index: IndexSpec | None
    placeholders: tuple[str, ...] = ()  # values that are template text wherever they appear
    undecided: tuple[str, ...] = ()  # values that mean "not decided yet" (TBD)
    draft_id: str | None = None  # an id that marks an undated draft ("00000000")
    slug_style: str = "kebab"  # how `new` turns a title into the file name's slug
    title_format: str = "{title}"  # how `new` and `renumber` write the title heading
    initial_status: str | None = None  # the status `new` writes
    transitions: tuple[Transition, ...] = ()  # the workflow; empty: every move is allowed
    accepted: tuple[str, ...] = ()  # statuses that mean the proposal was accepted

    @cached_property
    def file_regex(self) -> re.Pattern[str]:
        return re.compile(self.file_pattern)

    @cached_property
    def title_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.title_pattern, re.I) if self.title_pattern else None

    @cached_property
    def spelling_map(self) -> dict[str, str]:
        """Every accepted spelling, folded, to its canonical status name."""
        mapping: dict[str, str] = {}
        for status in self.statuses:
            for spelling in (status.name, *status.spellings):
                mapping[fold(spelling)] = status.name
        return mapping

    @cached_property
    def undecided_folded(self) -> frozenset[str]:
        return frozenset(fold(u) for u in self.undecided)

    def field_for(self, key: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.matches(key):
                return spec
        return None

    def field_of_kind(self, kind: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.kind == kind:
                return spec
        return None

    def canonical_status(self, value: str) -> str | None:
        """The canonical status for a written value, or None when it is no status."""
        folded = fold(clean_value(value)).rstrip(".")
        return self.spelling_map.get(folded)

    def moves_from(self, status: str) -> tuple[str, ...]:
        """The statuses the workflow allows after `status` (canonical names)."""
        for transition in self.transitions:
            if transition.source == status:
                return transition.targets
        return ()

    @cached_property
    def _spellings(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for status in self.statuses:
            for spelling in (status.name, *status.spellings):
                found.setdefault(fold(spelling), spelling)
        return found

    def status_spelling(self, value: str) -> str | None:
        """The scheme's own spelling of a written status ("approved" -> "Approved")."""
        return self._spellings.get(fold(clean_value(value)).rstrip("."))

    def file_name(self, proposal_id: str, slug: str) -> str:
        """A file name in the scheme's format."""
        return self.file_format.format(id=proposal_id, date=proposal_id[:8], slug=slug)

    @property
    def file_example(self) -> str:
        return self.file_name("12" if self.id_kind == "number" else "20240131", "short-title")

    def label(self, proposal_id: str) -> str:
        return self.id_label.format(id=proposal_id)

    def sort_key(self, proposal_id: str | None) -> tuple[int, str]:
        if proposal_id is None:
            return (sys.maxsize, "")
        if self.id_kind == "number" and proposal_id.isdigit():
            return (int(proposal_id), "")
        return (0, proposal_id)


def _tuple(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key, ()))


def scheme_from_toml(data: dict[str, Any], origin: str) -> Scheme:
    """Build a Scheme from a parsed TOML table; `origin` names the file for errors."""
    try:
        files, title, index = data["files"], data.get("title", {}), data.get("index")
        fields = tuple(
            FieldSpec(
                name=f["name"],
                aliases=_tuple(f, "aliases"),
                alias_pattern=f.get("alias_pattern"),
                required=bool(f.get("required", False)),
                kind=f.get("kind", "text"),
                required_when=_tuple(f, "required_when"),
            )
            for f in data.get("fields", ())
        )
        for spec in fields:
            if spec.kind not in FIELD_KINDS:
                raise FatalError(f"{origin}: field {spec.name!r} has unknown kind {spec.kind!r}")
        statuses = tuple(
            StatusSpec(s["name"], _tuple(s, "spellings"), bool(s.get("terminal", False)))
            for s in data.get("statuses", ())
        )
        workflow = data.get("workflow", {})
        transitions = tuple(
            Transition(str(t["from"]), _tuple(t, "to")) for t in workflow.get("transitions", ())
        )
        accepted = _tuple(workflow, "accepted")
        _check_statuses(origin, statuses, transitions, workflow.get("initial"), fields, accepted)
        slug_style = files.get("slug", "kebab")
        if slug_style not in SLUG_STYLES:
            raise FatalError(f"{origin}: files.slug must be one of {sorted(SLUG_STYLES)}")
        return Scheme(
            name=data["name"],
            description=data.get("description", ""),
            file_pattern=files["pattern"],
            id_kind=files.get("id_kind", "number"),
            id_label=files.get("id_label", "{id}"),
            file_format=files["format"],
            template=files.get("template", ""),
            draft_id=files.get("draft_id"),
            title_pattern=title.get("pattern"),
            title_keys=_tuple(title, "front_matter_keys") or ("title",),
            title_field=title.get("field"),
            metadata_style=data.get("metadata", {}).get("style", "inline"),
            fields=fields,
            statuses=statuses,
            sections=tuple(
                SectionSpec(s["name"], _tuple(s, "variants"), bool(s.get("required", True)))
                for s in data.get("sections", ())
            ),
            index=IndexSpec(
                file=index["file"],
                row_id_pattern=index["row_id_pattern"],
                status_column=index.get("status_column", "Status"),
                next_number_pattern=index.get("next_number_pattern"),
                next_number_format=index.get("next_number_format"),
                columns=_tuple(index, "columns"),
                heading=index.get("heading", "Proposals"),
            )
            if index
            else None,
            placeholders=_tuple(data.get("values", {}), "placeholders"),
            undecided=_tuple(data.get("values", {}), "undecided"),
            slug_style=slug_style,
            title_format=title.get("format", "{title}"),
            initial_status=workflow.get("initial"),
            transitions=transitions,
            accepted=accepted,
        )
    except KeyError as exc:
        raise FatalError(f"{origin}: scheme is missing the key {exc.args[0]!r}") from None
    except re.error as exc:
        raise FatalError(f"{origin}: a pattern is not a valid regular expression: {exc}") from None


def _check_statuses(
    origin: str,
    statuses: tuple[StatusSpec, ...],
    transitions: tuple[Transition, ...],
    initial: str | None,
    fields: tuple[FieldSpec, ...],
    accepted: tuple[str, ...] = (),
) -> None:
    """Every status the workflow and the fields name must be one the scheme declares."""
    names = {s.name for s in statuses}
    named = [("workflow.initial", initial)] if initial else []
    named += [("workflow.accepted", status) for status in accepted]
    for t in transitions:
        named += [("workflow.transitions.from", t.source)]
        named += [("workflow.transitions.to", target) for target in t.targets]
    for spec in fields:
        named += [(f"fields {spec.name!r} required_when", s) for s in spec.required_when]
    for where, status in named:
        if status not in names:
            known = ", ".join(s.name for s in statuses)
            raise FatalError(f"{origin}: {where} names {status!r}, which is not a status ({known})")


BUILTIN_NAMES = ("klip", "rfc")


def builtin_scheme(name: str) -> Scheme:
    """One of the schemes shipped with rfcdesk, by name."""
    if name not in BUILTIN_NAMES:
        known = ", ".join(BUILTIN_NAMES)
        raise FatalError(f"unknown scheme {name!r}; the built-in schemes are: {known}")
    return _load_builtin(name)


_CACHE: dict[str, Scheme] = {}


def _load_builtin(name: str) -> Scheme:
    if name not in _CACHE:
        text = resources.files("rfcdesk.schemes").joinpath(f"{name}.toml").read_text("utf-8")
        _CACHE[name] = scheme_from_toml(tomllib.loads(text), f"built-in scheme {name}")
    return _CACHE[name]


def builtin_template(name: str) -> str:
    """The built-in template text used when a folder has no template of its own."""
    return resources.files("rfcdesk.schemes").joinpath(f"{name}-template.md").read_text("utf-8")
