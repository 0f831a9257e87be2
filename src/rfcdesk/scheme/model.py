"""A proposal process described as data: file names, fields, statuses, sections, index.

A scheme differs from another only in these tables, never in code paths. They are read
from TOML by `schemefile`: the built-ins in `rfcdesk/schemes/`, a team's own anywhere.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from rfcdesk.model import Field, Proposal

# "proposal": the field names another proposal (the one that replaces an obsolete one).
FIELD_KINDS = frozenset(
    {"text", "people", "status", "date", "link", "version", "proposal", "number"}
)
SLUG_STYLES = frozenset({"kebab", "snake"})
# How a scheme's documents hold their fields. Reading accepts every Markdown style in any
# scheme; the style says how `new` and `status` write, and where `rst-header` and
# `sidecar` schemes read.
METADATA_STYLES = frozenset({"inline", "bullets", "front-matter", "rst-header", "sidecar"})
MARKUPS = frozenset({"markdown", "rst"})
ID_KINDS = frozenset({"number", "date", "name", "field"})
ISO_DATE = "%Y-%m-%d"

# A slug longer than this is cut at a word boundary: file names stay readable in listings.
MAX_SLUG = 60
_WRAPPERS = re.compile(r"^(?:\*\*|__|\*|_|`)(.*?)(?:\*\*|__|\*|_|`)$", re.DOTALL)
_SPACE = re.compile(r"\s+")
_LEADING_STRONG = re.compile(r"^(\*\*|__)(?P<words>[^*_]+?)\1(?=\s|$)")
_STATUS_NOTE = re.compile(r"\s*(?P<words>[^()\[\],;]+?)\s*(?:[(\[,;]|\s[-–—]\s)")


def clean_value(raw: str) -> str:
    """A field value without the trailing `|`, `_..._` wrappers and surrounding space."""
    start, end = value_span(raw)
    return raw[start:end]


def value_span(raw: str) -> tuple[int, int]:
    """Where `clean_value` finds the value in `raw`: offsets [start, end)."""
    return _value_spans(raw)[1:]


def _value_spans(raw: str) -> tuple[int, int, int]:
    """Where the value's wrappers end (before a trailing `|`), and the value's span."""
    start, end = _stripped(raw, 0, len(raw))
    if end > start and raw[end - 1] == "|":
        start, end = _stripped(raw, start, end - 1)
    outer = end
    for _ in range(2):  # `**_x_**` is wrapped twice
        match = _WRAPPERS.match(raw[start:end])
        if not match or not match.group(1).strip():
            break
        start, end = _stripped(raw, start + match.start(1), start + match.end(1))
    return outer, start, end


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def slugify(title: str, style: str = "kebab") -> str:
    """A file-name slug: ASCII lower-case words joined by "-" (kebab) or "_" (snake).

    Accents are folded (`Café Crème` -> `cafe-creme`) and anything else outside ASCII
    letters and digits is dropped, so the name needs no escaping in a link. "" when the
    title has no such word.
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    joiner = "_" if style == "snake" else "-"
    slug = joiner.join(words)
    if len(slug) > MAX_SLUG:
        slug = slug[: MAX_SLUG + 1].rsplit(joiner, 1)[0]
    return slug


@lru_cache(maxsize=1 << 14)  # the same few names and values are folded over and over
def fold(text: str) -> str:
    """The comparison key for names and spellings: case and runs of space ignored."""
    if text.isprintable() and "  " not in text:  # no white space but single spaces
        return text.strip().casefold()
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class FieldSpec:
    name: str
    aliases: tuple[str, ...] = ()
    alias_pattern: str | None = None  # for names that vary by project ("<Project> Issue")
    required: bool = False
    kind: str = "text"
    required_when: tuple[str, ...] = ()  # statuses under which the field must be given
    date_formats: tuple[str, ...] = (ISO_DATE,)  # strptime formats a date field may use
    values: tuple[str, ...] = ()  # the values the field may hold; empty: any
    in_section: bool = False  # may be written as a section of its name (`## Status`)
    # What a field of kind "proposal" says of the proposals it names: requires, replaces,
    # superseded-by, see-also (`read.relations`); empty: what the field's name says.
    relation: str = ""

    @cached_property
    def folded_values(self) -> frozenset[str]:
        return frozenset(fold(v) for v in self.values)

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
    # Regexes for written forms that carry detail ("Implemented (Swift 5.9)"): such a form
    # is this status, written the scheme's way.
    patterns: tuple[str, ...] = ()
    # A document in this status only points elsewhere (an EIP moved to the ERC repository):
    # its fields, title and sections are not checked.
    stub: bool = False
    # Folders whose proposals have this status when their document states none.
    folders: tuple[str, ...] = ()


class StatusPhrase(NamedTuple):
    """Where a written status value says its status (offsets into the value)."""

    status: str  # the canonical name
    start: int  # the words that say it, with any detail a pattern allows
    end: int  # ("Implemented (Swift 5.1)")
    close: int  # where the wrappers around those words close: a remark starts here
    stop: int  # where the remark ends (== close when there is none)
    bare: bool  # the words are one of the status's spellings, with no detail


@dataclass(frozen=True)
class SectionSpec:
    name: str
    variants: tuple[str, ...] = ()
    required: bool = True
    boilerplate: bool = False  # the template's text here is meant to stay (a licence notice)

    @cached_property
    def folded_names(self) -> frozenset[str]:
        return frozenset(fold(n) for n in (self.name, *self.variants))

    def matches(self, title: str) -> bool:
        return any(form in self.folded_names for form in heading_forms(title))


# How a heading may say a section's name and more: a number before it (`2.1 Motivation`),
# a colon and a subtitle after it (`Proposal: Custom Packet Capturing`), or another name
# joined to it (`Motivation and background`, `Unresolved questions and future work`).
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.|[a-z]\))\s+")
_JOINED = re.compile(r"\s+(?:and|&)\s+|\s*/\s*|,\s*")


@functools.lru_cache(maxsize=8192)
def heading_forms(title: str) -> tuple[str, ...]:
    """The folded ways a heading can name a section: whole, and the parts it joins."""
    whole = _NUMBERING.sub("", fold(title).strip("*_` ")).rstrip(":").strip()
    forms = [whole]
    head = whole.split(":", 1)[0].strip()
    if head != whole:
        forms.append(head)
    forms += [part.strip() for part in _JOINED.split(whole) if part.strip()]
    return tuple(dict.fromkeys(forms))


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
class Period:
    """The least whole days a proposal stays in `status` before the moves in `before`
    (every move out of it, when empty)."""

    status: str
    days: int
    before: tuple[str, ...] = ()

    def holds(self, source: str | None, target: str) -> bool:
        return source == self.status and (not self.before or target in self.before)


# Where approvals are written when a scheme or the settings name no field.
APPROVALS_FIELD = "Approved By"


@dataclass(frozen=True)
class ApprovalRule:
    """How many approvals a proposal needs before it reaches `statuses`, and whose."""

    statuses: tuple[str, ...]
    field: str = APPROVALS_FIELD
    quorum: int = 0
    share: float = 0.0  # of the people who count, rounded up; with quorum, the larger
    group: str | None = None  # a named group of approvers in the settings


@dataclass(frozen=True)
class Scheme:
    name: str
    description: str
    file_pattern: str  # regex over the file name with an `id` group
    id_kind: str  # "number", "date", "name" (the id group as written) or "field"
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
    not_applicable: tuple[str, ...] = ()  # values that say a field does not apply (N/A)
    draft_id: str | None = None  # an id that marks an undated draft ("00000000")
    slug_style: str = "kebab"  # how `new` turns a title into the file name's slug
    title_format: str = "{title}"  # how `new` and `renumber` write the title heading
    initial_status: str | None = None  # the status `new` writes
    transitions: tuple[Transition, ...] = ()  # the workflow; empty: every move is allowed
    accepted: tuple[str, ...] = ()  # statuses that mean the proposal was accepted
    include: tuple[str, ...] = ("*.md",)  # globs, relative to the folder, of proposal files
    exclude: tuple[str, ...] = ()  # globs of files that match `include` but are no proposals
    markup: str = "markdown"  # "markdown" or "rst"
    sidecar: str | None = None  # a file beside each document that holds its fields
    id_width: int = 0  # zero-padding of numbers in file names ("pep-0008.rst": 4)
    id_field: str | None = None  # with id_kind "field": the field that holds the id
    id_pattern: str | None = None  # ...and the regex (with an `id` group) that finds it there
    title_from_slug: bool = False  # with no title anywhere, the file name's slug is the title
    link_ignore: tuple[str, ...] = ()  # globs of link targets the publishing build creates
    title_own_id_only: bool = False  # drop a title's id label only when it is the file's id
    title_skip: tuple[str, ...] = ()  # headings that are sections, never the title
    # Inferred from the folder, not declared by the process: what only it requires is a
    # warning, and the template's sections are required only where most proposals have them.
    inferred: bool = False
    strict_workflow: bool = False  # only the transitions named; no skipping ahead
    approvals: ApprovalRule | None = None  # approvals some statuses need
    # Relations whose target must state the inverse (rule R002): by default a proposal
    # that replaces another is named in its superseded-by, and the other way round.
    inverse_required: tuple[str, ...] = ("replaces", "superseded-by")
    periods: tuple[Period, ...] = ()  # least times in a status before moving on

    @cached_property
    def known_sections(self) -> frozenset[str]:
        """Headings that are sections, never a title: the scheme's sections and the
        headings it names as such."""
        names = {fold(t) for t in self.title_skip}
        for section in self.sections:
            names |= section.folded_names
        return frozenset(names)

    def folder_status(self, path: str) -> str | None:
        """The status the folder a proposal sits in says, for schemes whose folders do."""
        first = path.split("/", 1)[0] if "/" in path else ""
        for status in self.statuses:
            if first in status.folders:
                return status.name
        return None

    @cached_property
    def file_regex(self) -> re.Pattern[str]:
        return re.compile(self.file_pattern)

    @cached_property
    def status_regexes(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple(
            (re.compile(pattern, re.I), status.name)
            for status in self.statuses
            for pattern in status.patterns
        )

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
    def stub_statuses(self) -> frozenset[str]:
        return frozenset(s.name for s in self.statuses if s.stub)

    @cached_property
    def not_applicable_folded(self) -> frozenset[str]:
        return frozenset(fold(v) for v in self.not_applicable)

    @cached_property
    def undecided_folded(self) -> frozenset[str]:
        return frozenset(fold(u) for u in self.undecided)

    def field_for(self, key: str) -> FieldSpec | None:
        """The field a name written in a proposal stands for, or None."""
        known = self._fields_by_name
        if key not in known:
            known[key] = next((spec for spec in self.fields if spec.matches(key)), None)
        return known[key]

    @cached_property
    def _fields_by_name(self) -> dict[str, FieldSpec | None]:
        # What `field_for` found, by name as written: the same few names are looked up for
        # every proposal, and each lookup tried every field (200,000 tries for 10,000).
        return {}

    @cached_property
    def status_spec(self) -> FieldSpec | None:
        """The field that holds a proposal's status, if the scheme has one."""
        return self.field_of_kind("status")

    def status_field(self, proposal: Proposal) -> Field | None:
        """A proposal's status field as written, if it has one."""
        return proposal.field(self.status_spec.name) if self.status_spec else None

    def field_of_kind(self, kind: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.kind == kind:
                return spec
        return None

    def canonical_status(self, value: str) -> str | None:
        """The canonical status for a written value, or None when it is no status."""
        return self.read_status(value)[0]

    def read_status(self, value: str) -> tuple[str | None, str]:
        """The canonical status of a written value and the words that said it.

        The words are the value without wrappers; a value that opens with a bold status
        and goes on (`**Implemented (Swift 5.1)** (with modifications)`) is said by the bold
        part. A form matched by a status's pattern is said in the canonical way already.
        """
        # A folder writes its few statuses thousands of times (an index of 10,000 rows is
        # read by several rules): each value is read once.
        known = self._statuses_read.get(value)
        if known is None:
            known = self._statuses_read[value] = self._read_status(value)
        return known

    @cached_property
    def _statuses_read(self) -> dict[str, tuple[str | None, str]]:
        return {}

    def _read_status(self, value: str) -> tuple[str | None, str]:
        found = self.status_phrase(value)
        if found is None:
            return None, clean_value(value)
        words = value[found.start : found.end]
        return found.status, (words.rstrip(".") if found.bare else found.status)

    def status_phrase(self, value: str) -> StatusPhrase | None:
        """Where a written value says its status, or None when it says none.

        The phrase is the whole value without wrappers, or else the bold words it opens
        with; whatever follows those words' closing `**` is a remark on the status.
        """
        outer, start, end = _value_spans(value)
        lead = _LEADING_STRONG.match(value[start:end])
        candidates = [(start, end, outer, outer)]
        if lead:
            first, last = _stripped(value, start + lead.start("words"), start + lead.end("words"))
            candidates.append((first, last, start + lead.end(), end))
        for first, last, close, stop in candidates:
            words = value[first:last]
            if not words:
                continue
            found = self.spelling_map.get(fold(words).rstrip("."))
            if found is not None:
                return StatusPhrase(found, first, last, close, stop, True)
            for regex, name in self.status_regexes:
                if regex.search(words):
                    return StatusPhrase(name, first, last, close, stop, False)
        # A status followed by a note: `completed ([#16733](...))`, `Accepted - see X`.
        note = _STATUS_NOTE.match(value, start, end)
        if note:
            found = self.spelling_map.get(fold(note["words"]).rstrip("."))
            if found is not None:
                return StatusPhrase(
                    found, note.start("words"), note.end("words"), note.end("words"), end, True
                )
        return None

    def moves_from(self, status: str) -> tuple[str, ...]:
        """The statuses the workflow's transitions name after `status` (canonical names)."""
        for transition in self.transitions:
            if transition.source == status:
                return transition.targets
        return ()

    def allowed_after(self, status: str) -> tuple[str, ...]:
        """The statuses a proposal may move to from `status`: those the transitions name,
        and, unless the workflow is strict, any status they lead to (real processes skip
        steps: a KLIP goes from In Discussion straight to Merged)."""
        if self.strict_workflow:
            return self.moves_from(status)
        found: list[str] = []
        todo = list(self.moves_from(status))
        while todo:
            target = todo.pop(0)
            if target not in found and target != status:
                found.append(target)
                todo += self.moves_from(target)
        return tuple(found)

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

    def slug(self, title: str) -> str:
        """The slug `new` gives a title, in the scheme's style ("proposal" for no words)."""
        return slugify(title, self.slug_style) or "proposal"

    def file_name(self, proposal_id: str, slug: str) -> str:
        """A file name in the scheme's format."""
        padded = proposal_id.zfill(self.id_width) if proposal_id.isdigit() else proposal_id
        return self.file_format.format(id=padded, date=proposal_id[:8], slug=slug)

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
