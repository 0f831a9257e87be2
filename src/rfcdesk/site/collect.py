"""What the site shows, gathered from an opened folder, its history and its diagnostics.

Pure: turns a `Folder`, a `FolderHistory` and the diagnostics into one `Entry` per proposal
(with its page's file name, facets, backlinks and timeline) and the facet lists the index
filters on. Nothing here writes; field values and findings are rendered to sanitized inline
HTML here, so that the templates insert no proposal text as markup themselves.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from rfcdesk.history.load import FolderHistory
from rfcdesk.history.timeline import STATUS_SETTERS, Event, Timeline
from rfcdesk.model import Diagnostic, Proposal, Severity, people
from rfcdesk.read.approvals import ApprovalState, approval_state, held_to_quorum
from rfcdesk.read.folder import Folder
from rfcdesk.site.render import render_inline, sanitize

_URL = re.compile(r"https?://[^\s<>()|]+")
_PAGE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_CODE = re.compile(r"`([^`]+)`")


def finding_html(message: str) -> str:
    """A finding's message as HTML: its text escaped, each `quoted` part as <code>."""
    escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return sanitize(_CODE.sub(r"<code>\1</code>", escaped))


class StatusStep(NamedTuple):
    """One step of the status line at the top of a page: the proposal took `status` on `date`."""

    kind: str  # created, existing, restored or status
    status: str | None
    date: str  # ISO 8601; for "existing", where the shallow history begins


class Backlink(NamedTuple):
    """A proposal that links to another, as that one's page lists it."""

    page: str
    label: str
    title: str


@dataclass
class Entry:
    """One proposal as the site shows it."""

    proposal: Proposal
    label: str  # "KLIP-12", or the file name when there is no id
    page: str  # "p/klip-12-name.html"
    status: str | None  # canonical
    status_text: str  # what the badge says
    status_key: str  # a CSS-safe key for the badge's colour
    status_written: str | None  # the status field as written, if there is one
    authors: list[str]
    created: str | None
    updated: str | None
    status_since: str | None
    release: str
    discussion: str | None  # a URL
    fields: list[tuple[str, str]]
    diagnostics: list[Diagnostic]
    timeline: Timeline | None
    backlinks: list[Backlink] = field(default_factory=list)
    # Where it stands against its scheme's quorum, where the folder records approvals.
    approvals: ApprovalState | None = None
    approvals_for: str = ""  # the first status that needs them

    @property
    def title(self) -> str:
        return self.proposal.title or self.proposal.path

    @cached_property
    def fields_html(self) -> list[tuple[str, str]]:
        """Each field's value as sanitized inline HTML: made for the pages rendered only."""
        return [(f.name, render_inline(f.value)) for f in self.proposal.fields]

    @property
    def shallow_before(self) -> str | None:
        """The date a shallow history begins, when the proposal was there already; else None.

        Its creation is unknown then, and so is any date it has not changed since.
        """
        return self.timeline.shallow_before if self.timeline else None

    @property
    def year(self) -> str:
        return self.created[:4] if self.created else ""

    @property
    def findings(self) -> list[tuple[Diagnostic, str]]:
        """Each diagnostic with its message as HTML (`code` shown as code)."""
        return [(d, finding_html(d.message)) for d in self.diagnostics]

    @property
    def status_steps(self) -> list[StatusStep]:
        """How the proposal came to its status: its creation, then each change, in order."""
        return [
            StatusStep(e.kind, e.after, e.committed if e.kind == "existing" else e.date)
            for e in self.events
            if e.kind in STATUS_SETTERS
        ]

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def events(self) -> tuple[Event, ...]:
        return self.timeline.events if self.timeline else ()


class Facets(NamedTuple):
    statuses: list[tuple[str, int]]  # (status, count), in the scheme's order
    authors: list[str]
    years: list[str]
    releases: list[str]


def page_name(path: str) -> str:
    """The page's file name for a proposal file: its name, made safe for a URL."""
    stem = posixpath.splitext(path)[0].replace("/", "--")
    return "p/" + _PAGE_NAME.sub("-", stem) + ".html"


def status_key(status: str | None, written: str | None) -> str:
    if status:
        return re.sub(r"[^a-z0-9]+", "-", status.lower()).strip("-")
    return "invalid" if written else "none"


def make_entry(
    folder: Folder,
    proposal: Proposal,
    timeline: Timeline | None,
    diagnostics: list[Diagnostic],
) -> Entry:
    written = folder.field_value(proposal, "status")
    text = proposal.status or (f"? {written}" if written else "no status")
    discussion = _URL.search(folder.field_value(proposal, "link") or "")
    return Entry(
        proposal=proposal,
        label=folder.scheme.label(proposal.id) if proposal.id else proposal.path,
        page=page_name(proposal.path),
        status=proposal.status,
        status_text=text,
        status_key=status_key(proposal.status, written),
        status_written=written,
        authors=people(folder.field_value(proposal, "people") or ""),
        created=timeline.created if timeline else None,
        updated=timeline.updated if timeline else None,
        status_since=timeline.status_since() if timeline else None,
        release=folder.field_value(proposal, "version") or "",
        discussion=discussion.group(0) if discussion else None,
        fields=[(f.name, f.value) for f in proposal.fields],
        diagnostics=diagnostics,
        timeline=timeline,
        **_approvals(folder, proposal),
    )


def _approvals(folder: Folder, proposal: Proposal) -> dict[str, Any]:
    rule = folder.scheme.approvals
    if rule is None or not folder.approvals_recorded or not held_to_quorum(proposal, folder.scheme):
        return {}
    state = approval_state(proposal, folder.scheme, folder.roster)
    return {"approvals": state, "approvals_for": rule.statuses[0]}


def card_lines(proposal: Proposal, lines: Sequence[str]) -> range:
    """The document's lines the page's card already shows: the title heading, and the
    fields when they are written right below it (as in a KLIP). Empty when neither."""
    title = proposal.title_line
    if not title or title > len(lines) or not lines[title - 1].lstrip().startswith("#"):
        return range(0)
    if not fields_below_title(proposal):
        return range(title, title + 1)
    last = max(f.line + f.raw.count("\n") for f in proposal.fields)
    return range(title, last + 1)


def without_card_lines(proposal: Proposal, text: str) -> str:
    """The text with `card_lines` blanked (line numbers kept), for rendering the body."""
    lines = text.split("\n")
    shown = card_lines(proposal, lines)
    return "\n".join("" if n + 1 in shown else line for n, line in enumerate(lines))


def fields_below_title(proposal: Proposal) -> bool:
    """True when the fields are written as the one paragraph right below the title."""
    lines = sorted({f.line for f in proposal.fields})
    if not lines or proposal.metadata_path or not proposal.title_line:
        return False
    return 0 < lines[0] - proposal.title_line <= 2 and lines[-1] - lines[0] < len(lines) + 2


def link_backs(entries: Sequence[Entry]) -> None:
    """Fill each entry's `backlinks`: the other proposals that link to it."""
    by_path = {e.proposal.path: e for e in entries}
    sources: dict[str, dict[str, Entry]] = defaultdict(dict)
    for entry in entries:
        for link in entry.proposal.links:
            local = link.local
            if local and local[0] in by_path and local[0] != entry.proposal.path:
                sources[local[0]][entry.proposal.path] = entry
    for path, entry in by_path.items():
        linking = sorted(sources[path].values(), key=lambda e: e.page)
        entry.backlinks = [Backlink(e.page, e.label, e.title) for e in linking]


def collect(
    folder: Folder, history: FolderHistory, diagnostics: Iterable[Diagnostic]
) -> list[Entry]:
    """One entry per proposal, in id order."""
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_path[d.path].append(d)
    ordered = sorted(folder.proposals, key=lambda p: (folder.scheme.sort_key(p.id), p.path))
    entries = [
        make_entry(folder, p, history.timeline(p.path), by_path.get(p.path, [])) for p in ordered
    ]
    link_backs(entries)
    return entries


def facets(folder: Folder, entries: Sequence[Entry]) -> Facets:
    counts: dict[str, int] = defaultdict(int)
    for e in entries:
        counts[e.status_text if not e.status else e.status] += 1
    order = [s.name for s in folder.scheme.statuses]
    statuses = [(s, counts[s]) for s in order if counts.get(s)]
    statuses += sorted((s, n) for s, n in counts.items() if s not in order)
    authors = sorted({a for e in entries for a in e.authors}, key=str.casefold)
    years = sorted({e.year for e in entries if e.year})
    releases = sorted({e.release for e in entries if e.release})
    return Facets(statuses, authors, years, releases)
