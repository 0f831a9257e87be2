"""How proposals point at each other: requires, replaces, superseded-by and see-also.

One model for every scheme. A relation is read from a field whose scheme says what it
means (`relation = "requires"`), else from the field's name ("Superseded by", "Depends
on"), and from a status that says so ("Superseded by [ADR-15](0015-dns.md)"). Each item of
the value is a reference: a link, a path, a bare number, or an id written the way the
folder writes them ("PEP 8", "ADR-0012"); words that are none of these are not read as a
reference. Pure: takes proposals, returns values.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from rfcdesk.model import Field, Proposal, local_target
from rfcdesk.scheme.model import Scheme, fold

REQUIRES, REPLACES, SUPERSEDED_BY, SEE_ALSO = "requires", "replaces", "superseded-by", "see-also"
KINDS = (REQUIRES, REPLACES, SUPERSEDED_BY, SEE_ALSO)
INVERSE = {REPLACES: SUPERSEDED_BY, SUPERSEDED_BY: REPLACES}

# Field names that say what a field relates, as processes write them (folded).
_NAMED = {
    REQUIRES: ("requires", "required", "depends on", "dependencies", "prerequisites"),
    REPLACES: ("replaces", "supersedes", "obsoletes", "supercedes"),
    SUPERSEDED_BY: (
        "superseded by",
        "superseded-by",
        "replaced by",
        "replaced-by",
        "obsoleted by",
        "obsoleted-by",
        "superceded by",
    ),
    SEE_ALSO: (
        "see also",
        "see-also",
        "related",
        "related proposals",
        "previous proposal",
        "previous proposals",
        "related to",
    ),
}
_BY_NAME = {name: kind for kind, names in _NAMED.items() for name in names}
# A status that names its successor: "Superseded by ADR-0012", "replaced by RFC 7".
_STATUS_SUCCESSOR = re.compile(
    r"\b(?:superseded|superceded|replaced|obsoleted)\s+by\b\s*:?\s*(?P<rest>.+)$", re.I
)
# Values that say there is nothing to name.
_NOTHING = frozenset({"n/a", "na", "none", "-", "tbd", "nil", "~", "null"})
_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]+)>?[^)]*\)")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ITEM_SPLIT = re.compile(
    r"\s*(?:,|;|\band\b|\s&\s)\s*|\s+(?=[A-Za-z]+[-\s]?#?\d)|(?<=\d)\s+(?=#?\d)"
)
_LABEL = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z]*)?[\s_-]?#?(?P<number>\d+)\.?$")


class Relation(NamedTuple):
    """One proposal naming another: `source` <kind> `target`."""

    source: str  # the path of the proposal that says it
    kind: str  # requires, replaces, superseded-by or see-also
    written: str  # the reference as written ("PEP 8", "0015-dns.md")
    target: str | None  # the path of the proposal it names; None when none here has it
    path: str  # the file it is written in (the document, or its sidecar)
    line: int
    col: int
    field: str  # the field it is written in, as written ("Superseded-By", "Status")
    checkable: bool  # a bare id or label: naming no proposal here is a finding
    # The scheme declares the field as this relation (not read from its name or a status
    # sentence): the process says how its references are written.
    declared: bool = False


def named_relation(key: str) -> str | None:
    """The relation a field's name says (`Superseded by`, `Depends on`), if any."""
    return _BY_NAME.get(fold(key).strip("*_: "))


def field_relation(scheme: Scheme, field: Field) -> str | None:
    """What a field relates, if anything: the scheme's word for it, else its name's."""
    spec = scheme.field_for(field.key) or scheme.field_for(field.name)
    if spec is not None and spec.relation:
        return spec.relation
    if spec is not None and spec.kind not in ("proposal", "text", "link"):
        return None
    return named_relation(field.key) or named_relation(field.name)


class Resolver:
    """Finds the proposal a reference names, the ways a folder writes references."""

    def __init__(self, scheme: Scheme, proposals: Sequence[Proposal]) -> None:
        self.scheme = scheme
        self.empty = scheme.not_applicable_folded | scheme.undecided_folded | _NOTHING
        self.by_path = {p.path: p for p in proposals}
        self.by_id: dict[str, list[str]] = {}
        by_name: dict[str, list[str]] = {}
        by_folder: dict[str, list[str]] = {}
        prefixes = {fold(scheme.label("")).strip(" -_#")}
        for p in proposals:
            if p.id is not None:
                self.by_id.setdefault(_id_key(p.id), []).append(p.path)
            name = posixpath.basename(p.path)
            by_name.setdefault(name, []).append(p.path)
            stem = posixpath.splitext(name)[0]
            by_name.setdefault(stem, []).append(p.path)
            parent = posixpath.dirname(p.path)
            if parent:
                by_folder.setdefault(posixpath.basename(parent), []).append(p.path)
            own = re.match(r"^([A-Za-z]+)[-_]?\d", name)
            if own:
                prefixes.add(fold(own[1]))
        prefixes.discard("")
        self.prefixes = frozenset(prefixes)
        # A name that two proposals share (README.md) names neither.
        self.by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}
        self.by_folder = {k: v[0] for k, v in by_folder.items() if len(v) == 1}

    def resolve(self, source: str, item: str) -> tuple[str | None, bool] | None:
        """(the path it names or None, whether it is a bare id) for a reference; None
        when the item is no reference at all (free words)."""
        if fold(item).strip(" .") in self.empty:
            return None
        link = _MARKDOWN_LINK.search(item)
        if link:
            found = self._target(source, link["target"])
            if found is not None or _URL.match(link["target"]):
                return found, False
            return self._label(link["text"].strip()) or (None, False)
        if _URL.match(item) or "/" in item or item.endswith((".md", ".rst")):
            return self._target(source, item.strip("<>\"'")), False
        return self._label(item)

    def _label(self, item: str) -> tuple[str | None, bool] | None:
        if self.scheme.id_kind != "number":
            found = self.by_id.get(_id_key(item)) or []
            return (found[0], True) if len(found) == 1 else None
        match = _LABEL.match(item.strip().strip("*_`"))
        if not match:
            return None
        prefix = fold(match["prefix"] or "")
        if prefix and prefix not in self.prefixes:
            return None  # "RFC 2119" in a PEP names no PEP
        found = self.by_id.get(str(int(match["number"]))) or []
        return (found[0] if found else None), True

    def _target(self, source: str, target: str) -> str | None:
        """The proposal a link or path names: in the folder, or by its file or folder
        name when it points elsewhere (a URL to the same file in the repository)."""
        if _URL.match(target) or target.startswith("/"):
            parts = target.split("#", 1)[0].rstrip("/").split("/")
            tail = parts[-1] if parts else ""
            return self.by_name.get(tail) or self.by_folder.get(tail)
        local = local_target(source, target)
        if local is None:
            return None
        path = local[0].rstrip("/")
        if path in self.by_path:
            return path
        tail = posixpath.basename(path)
        return self.by_folder.get(tail) if path not in ("", ".") else None


def _id_key(value: str) -> str:
    text = fold(value)
    return str(int(text)) if text.isdigit() else text


def _items(value: str) -> Iterator[tuple[str, int]]:
    """The references in a value and their offsets: a list split at commas, `and`, or
    before each label; a Markdown link is one item however it is worded."""
    spans: list[tuple[int, int]] = []
    last = 0
    for link in _MARKDOWN_LINK.finditer(value):
        spans += _split(value, last, link.start())
        spans.append((link.start(), link.end()))
        last = link.end()
    spans += _split(value, last, len(value))
    for start, end in spans:
        yield value[start:end], start


def _split(value: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    at = start
    for sep in _ITEM_SPLIT.finditer(value, start, end):
        out.append((at, sep.start()))
        at = sep.end()
    out.append((at, end))
    return [(a, b) for a, b in out if value[a:b].strip(" .()[]")]


def proposal_relations(proposal: Proposal, scheme: Scheme, resolver: Resolver) -> list[Relation]:
    """The relations a proposal states in its fields and its status."""
    found: list[Relation] = []
    for field, kind, value, offset in _stated(proposal, scheme, {}):
        found += _read_references(proposal, field, kind, value, offset, resolver)
    return found


def _stated(
    proposal: Proposal, scheme: Scheme, kinds: dict[str, str | None]
) -> Iterator[tuple[Field, str, str, int]]:
    """The fields (or the part of the status) that state a relation: (field, kind, the
    references' text, its offset in the value). `kinds` remembers what each key relates."""
    status_name = scheme.status_spec.name if scheme.status_spec else None
    for field in proposal.fields:
        kind = kinds.get(field.key, "?")
        if kind == "?":
            kind = kinds[field.key] = field_relation(scheme, field)
        if kind is not None:
            yield field, kind, field.value, 0
        elif field.name == status_name and " by" in field.value.lower():
            successor = _STATUS_SUCCESSOR.search(field.value)
            if successor is not None:
                yield field, SUPERSEDED_BY, successor["rest"], successor.start("rest")


def _read_references(
    proposal: Proposal, field: Field, kind: str, value: str, offset: int, resolver: Resolver
) -> Iterator[Relation]:
    spec = resolver.scheme.field_for(field.name)
    declared = spec is not None and spec.relation == kind
    column = field.col + max(field.raw.find(field.value), 0) if field.value else field.col
    for item, at in _items(value):
        written = item.strip()
        resolved = resolver.resolve(proposal.path, written)
        if resolved is None:
            continue
        target, checkable = resolved
        if target == proposal.path:
            continue  # a proposal naming itself (its own number in a list of them)
        yield Relation(
            proposal.path,
            kind,
            written,
            target,
            proposal.fields_path,
            field.line,
            column + offset + at + (len(item) - len(item.lstrip())),
            field.key,
            checkable,
            declared,
        )


def folder_relations(scheme: Scheme, proposals: Sequence[Proposal]) -> list[Relation]:
    """Every relation the folder's proposals state, in path order. The proposals are
    indexed for references only when one states a relation."""
    kinds: dict[str, str | None] = {}
    stating = [
        (proposal, stated)
        for proposal in proposals
        if proposal.load_error is None and (stated := list(_stated(proposal, scheme, kinds)))
    ]
    if not stating:
        return []
    resolver = Resolver(scheme, proposals)
    found: list[Relation] = []
    for proposal, stated in sorted(stating, key=lambda item: item[0].path):
        for field, kind, value, offset in stated:
            found += _read_references(proposal, field, kind, value, offset, resolver)
    return found


class Edge(NamedTuple):
    """A relation between two proposals of the folder, one way round: `superseded-by`
    is turned into the `replaces` it means, so that a pair stated both ways is one edge."""

    source: str
    kind: str  # requires, replaces or see-also
    target: str


def edges(relations: Iterable[Relation]) -> list[Edge]:
    """The distinct edges the relations draw, in order."""
    seen: dict[Edge, None] = {}
    for r in relations:
        if r.target is None:
            continue
        if r.kind == SUPERSEDED_BY:
            edge = Edge(r.target, REPLACES, r.source)
        elif r.kind == SEE_ALSO and Edge(r.target, SEE_ALSO, r.source) in seen:
            continue  # see-also both ways is one link
        else:
            edge = Edge(r.source, r.kind, r.target)
        seen.setdefault(edge, None)
    return list(seen)


def requires_cycles(relations: Iterable[Relation]) -> list[list[str]]:
    """Cycles of `requires`, each as the paths around it from its least path.

    The standard library's topological sorter names one cycle when it meets it; that
    cycle is kept and broken at one edge, and the sort tried again until none is left.
    """
    import graphlib

    after: dict[str, set[str]] = {}
    for r in relations:
        if r.kind == REQUIRES and r.target is not None:
            after.setdefault(r.source, set()).add(r.target)
    cycles: list[list[str]] = []
    while True:
        try:
            tuple(graphlib.TopologicalSorter(after).static_order())
        except graphlib.CycleError as exc:
            # Each node it names is required by the next; reversed, each requires the next.
            loop = list(exc.args[1][:-1])[::-1]
            least = loop.index(min(loop))
            loop = loop[least:] + loop[:least]
            cycles.append(loop)
            after[loop[-1]].discard(loop[0])
            continue
        return sorted(cycles)


class Node(NamedTuple):
    """A proposal as the relation graph shows it."""

    path: str
    id_label: str | None  # "PEP 8"; None when the proposal has no id
    title: str | None
    status: str | None  # canonical, None when absent or not a status
    closed: bool  # its status ends its life without it being in force (rejected, superseded)

    @property
    def label(self) -> str:
        """What names the node: its id as the folder writes it, else its path."""
        return self.id_label or self.path


class Graph(NamedTuple):
    """The proposals that take part in an edge, in id order, and the edges between them."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def closed_statuses(scheme: Scheme) -> frozenset[str]:
    """The statuses a graph shows muted: final ones that are not an acceptance (a final
    standard is in force; a rejected, withdrawn or superseded proposal is not)."""
    return frozenset(s.name for s in scheme.statuses if s.terminal) - set(scheme.accepted)


def relation_graph(
    scheme: Scheme, proposals: Sequence[Proposal], relations: Iterable[Relation] | None = None
) -> Graph:
    """The folder's relation graph: nodes in id order, edges by their source's place, their
    kind (requires, replaces, see-also) and their target's place."""
    found = edges(folder_relations(scheme, proposals) if relations is None else relations)
    taking_part = {path for edge in found for path in (edge.source, edge.target)}
    chosen = sorted(
        (p for p in proposals if p.path in taking_part),
        key=lambda p: (scheme.sort_key(p.id), p.path),
    )
    closed = closed_statuses(scheme)
    nodes = tuple(
        Node(
            p.path,
            scheme.label(p.id) if p.id is not None else None,
            p.title,
            p.status,
            p.status in closed,
        )
        for p in chosen
    )
    place = {node.path: n for n, node in enumerate(nodes)}
    order = {kind: n for n, kind in enumerate(KINDS)}
    ordered = sorted(found, key=lambda e: (place[e.source], order[e.kind], place[e.target]))
    return Graph(nodes, tuple(ordered))
