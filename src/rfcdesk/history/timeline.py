"""A proposal's life, read out of its commits: created, status and title changes, moves.

Pure: takes the commits `gitlog` read and what each file version says (`Facts`, parsed by
the same parser `check` uses) and returns one `Timeline` per proposal. Each event compares
a change's old and new version, so that history with branches and merges still yields the
change each commit made, attributed to the person who made it.

A shallow clone's history starts at its boundary commits, which git shows as adding every
file they hold. Those files were created at some unknown time before: they get an "existing"
event (no author, no date), never a "created" one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from rfcdesk.history.gitlog import Commit, FileChange
from rfcdesk.model import Proposal
from rfcdesk.read.approvals import approvals_of
from rfcdesk.scheme.model import Scheme, fold

# The events that set a proposal's status: it is created or restored with one, or it changes;
# "existing" gives the status it had where a shallow history begins.
STATUS_SETTERS = ("created", "existing", "restored", "status")


class Facts(NamedTuple):
    """What one version of a proposal says about itself."""

    status: str | None  # the canonical status; None when absent or not a status
    written: str | None  # the status as written
    title: str | None
    approvals: tuple[str, ...] = ()  # who approved it, as its approvals field names them

    @property
    def shown_status(self) -> str | None:
        return self.status or self.written

    def same_status(self, other: Facts) -> bool:
        if self.status or other.status:
            return self.status == other.status
        return fold(self.written or "") == fold(other.written or "")


NO_FACTS = Facts(None, None, None)


def facts_of(proposal: Proposal, scheme: Scheme) -> Facts:
    found = scheme.status_field(proposal)
    names = tuple(a.name for a in approvals_of(proposal, scheme))
    return Facts(proposal.status, found.value if found else None, proposal.title, names)


def _new_approvals(old: Facts, new: Facts) -> list[str]:
    """Who approved in this version: names the older one did not have."""
    had = {fold(name.lstrip("@")) for name in old.approvals}
    return [name for name in new.approvals if fold(name.lstrip("@")) not in had]


class Event(NamedTuple):
    kind: str  # created, existing, status, title, approved, renamed, moved, deleted, restored
    commit: str | None  # None for a change not committed yet
    author: str  # "" for "existing": nobody did anything at the boundary
    email: str
    date: str  # the author date, ISO 8601; "" when not committed, or unknown ("existing")
    committed: str  # the commit date (for "existing": the shallow boundary's)
    subject: str
    path: str  # where the proposal is after the event, relative to the repository
    before: str | None  # the old status, title or path
    after: str | None  # the new one (for "created": the status it was created with)


class Timeline(NamedTuple):
    """The events of one proposal, oldest first."""

    path: str  # its path now (or when it was deleted), relative to the repository
    events: tuple[Event, ...]
    alive: bool  # False when the file was deleted and not restored
    blob: str | None  # the last committed version
    updated: str | None  # the author date of the last commit that touched the file

    @property
    def created(self) -> str | None:
        """The author date it was created; None when not committed or before a shallow history."""
        first = self.events[0] if self.events else None
        return (first.date or None) if first else None

    @property
    def shallow_before(self) -> str | None:
        """The date a shallow history begins, when the proposal was there already, else None.

        Its creation, and anything else that happened to it before that date, is unknown.
        """
        first = self.events[0] if self.events else None
        return first.committed if first and first.kind == "existing" else None

    def status_since(self) -> str | None:
        """When the proposal took its current status; None when not committed, or unknown."""
        since: str | None = None
        for event in self.events:
            if event.kind in STATUS_SETTERS:
                since = event.date or None
        return since

    def status_periods(self) -> list[tuple[str | None, str]]:
        """(status, date entered) for each status the proposal held, in order."""
        periods: list[tuple[str | None, str]] = []
        for event in self.events:
            if event.kind in STATUS_SETTERS and event.date:
                periods.append((event.after, event.date))
        return periods


@dataclass
class _Life:
    path: str
    events: list[Event] = field(default_factory=list)
    alive: bool = True
    blob: str | None = None
    updated: str | None = None


def _event(commit: Commit, kind: str, path: str, before: str | None, after: str | None) -> Event:
    return Event(
        kind,
        commit.id,
        commit.author,
        commit.email,
        commit.authored,
        commit.committed,
        commit.subject,
        path,
        before,
        after,
    )


def _content_events(commit: Commit, path: str, old: Facts, new: Facts) -> Iterable[Event]:
    if not old.same_status(new):
        yield _event(commit, "status", path, old.shown_status, new.shown_status)
    if (old.title or "") != (new.title or ""):
        yield _event(commit, "title", path, old.title, new.title)
    for name in _new_approvals(old, new):
        yield _event(commit, "approved", path, None, name)


def _existing(commit: Commit, path: str, status: str | None) -> Event:
    return Event("existing", commit.id, "", "", "", commit.committed, "", path, None, status)


class _Builder:
    def __init__(
        self,
        facts: Mapping[str, Facts],
        is_proposal: Callable[[str], bool],
        boundary: frozenset[str],
    ) -> None:
        self.facts = facts
        self.is_proposal = is_proposal
        self.boundary = boundary
        self.live: dict[str, _Life] = {}
        self.gone: dict[str, _Life] = {}
        self.all: list[_Life] = []

    def fact(self, blob: str | None) -> Facts:
        return self.facts.get(blob, NO_FACTS) if blob else NO_FACTS

    def add(self, commit: Commit, path: str, blob: str | None) -> None:
        facts = self.fact(blob)
        life = self.live.get(path)
        if life is not None:  # added on two branches: the second is a change
            return
        life = self.gone.pop(path, None)
        kind = "restored"
        if life is None:
            life, kind = _Life(path), "created"
            self.all.append(life)
        life.alive, life.path, life.blob = True, path, blob
        if commit.id in self.boundary:
            life.events.append(_existing(commit, path, facts.shown_status))
        else:
            life.events.append(_event(commit, kind, path, None, facts.shown_status))
            for name in _new_approvals(NO_FACTS, facts):
                life.events.append(_event(commit, "approved", path, None, name))
        self.live[path] = life

    def delete(self, commit: Commit, path: str) -> None:
        life = self.live.pop(path, None)
        if life is None:
            return
        life.alive = False
        life.events.append(_event(commit, "deleted", path, path, None))
        self.gone[path] = life

    def rename(self, commit: Commit, change: FileChange) -> None:
        old, new = change.old_path or "", change.new_path or ""
        life = self.live.pop(old, None)
        if life is None:
            self.add(commit, new, change.new_blob)
            return
        kind = "renamed" if posixpath.dirname(old) == posixpath.dirname(new) else "moved"
        life.path, life.blob = new, change.new_blob
        life.events.append(_event(commit, kind, new, old, new))
        if change.old_blob != change.new_blob:
            old_facts, new_facts = self.fact(change.old_blob), self.fact(change.new_blob)
            life.events.extend(_content_events(commit, new, old_facts, new_facts))
        self.live[new] = life

    def modify(self, commit: Commit, change: FileChange) -> None:
        path = change.new_path or ""
        life = self.live.get(path)
        if life is None:
            self.add(commit, path, change.new_blob)
            return
        life.blob = change.new_blob
        old, new = self.fact(change.old_blob), self.fact(change.new_blob)
        life.events.extend(_content_events(commit, path, old, new))

    def apply(self, commit: Commit, change: FileChange) -> None:
        old_in = bool(change.old_path and self.is_proposal(change.old_path))
        new_in = bool(change.new_path and self.is_proposal(change.new_path))
        if change.kind == "R" and old_in and new_in:
            self.rename(commit, change)
        elif old_in and not new_in:
            self.delete(commit, change.old_path or "")
        elif new_in and (change.kind in "AR" or not old_in):
            self.add(commit, change.new_path or "", change.new_blob)
        elif new_in:
            self.modify(commit, change)
        touched = self.live.get(change.new_path or "") or self.gone.get(change.old_path or "")
        if touched is not None and commit.id not in self.boundary:
            touched.updated = commit.authored


def pair_renames(
    changes: Iterable[FileChange],
    is_proposal: Callable[[str], bool],
    id_of: Callable[[str], str | None],
) -> list[FileChange]:
    """Join a deleted and an added proposal with the same id in one commit into a rename.

    Git finds renames by similarity; a proposal rewritten while renamed (a new slug and a new
    text) is a deletion and an addition to git, but the same proposal to its readers.
    """
    changes = list(changes)
    gone: dict[str, list[int]] = {}
    born: dict[str, list[int]] = {}
    for at, change in enumerate(changes):
        if change.kind == "D" and change.old_path and is_proposal(change.old_path):
            key = id_of(change.old_path)
            if key:
                gone.setdefault(key, []).append(at)
        elif change.kind == "A" and change.new_path and is_proposal(change.new_path):
            key = id_of(change.new_path)
            if key:
                born.setdefault(key, []).append(at)
    joined: dict[int, FileChange] = {}
    dropped: set[int] = set()
    for key, deleted in gone.items():
        added = born.get(key, [])
        if len(deleted) == 1 and len(added) == 1:
            old, new = changes[deleted[0]], changes[added[0]]
            joined[added[0]] = FileChange(
                "R", old.old_path, new.new_path, old.old_blob, new.new_blob
            )
            dropped.add(deleted[0])
    return [joined.get(at, c) for at, c in enumerate(changes) if at not in dropped]


def build_timelines(
    commits: Iterable[Commit],
    facts: Mapping[str, Facts],
    is_proposal: Callable[[str], bool],
    id_of: Callable[[str], str | None] = lambda path: None,
    boundary: frozenset[str] = frozenset(),
) -> list[Timeline]:
    """One timeline per proposal that ever lived at a proposal path, from oldest commits first.

    `boundary` names a shallow clone's boundary commits: what they hold was there already.
    """
    builder = _Builder(facts, is_proposal, boundary)
    for commit in commits:
        for change in pair_renames(commit.changes, is_proposal, id_of):
            builder.apply(commit, change)
    return [
        Timeline(life.path, tuple(life.events), life.alive, life.blob, life.updated)
        for life in builder.all
    ]


def pending_events(path: str, committed: Facts | None, now: Facts) -> list[Event]:
    """Events for a working-tree version that differs from the last commit."""

    def event(kind: str, before: str | None, after: str | None) -> Event:
        return Event(kind, None, "", "", "", "", "not committed", path, before, after)

    if committed is None:
        return [event("created", None, now.shown_status)] + [
            event("approved", None, name) for name in _new_approvals(NO_FACTS, now)
        ]
    events = []
    if not committed.same_status(now):
        events.append(event("status", committed.shown_status, now.shown_status))
    if (committed.title or "") != (now.title or ""):
        events.append(event("title", committed.title, now.title))
    events += [event("approved", None, name) for name in _new_approvals(committed, now)]
    return events


def describe(event: Event) -> str:
    """An event in a few words: `status: Proposal -> Merged`."""

    def shown(value: str | None) -> str:
        return value if value else "(none)"

    def status(value: str | None) -> str:
        return f"status {value}" if value else "no status"

    if event.kind == "approved":
        return f"approved by {event.after}"
    if event.kind == "created":
        return f"created as {posixpath.basename(event.path)}, {status(event.after)}"
    if event.kind == "existing":
        name = posixpath.basename(event.path)
        return f"already there as {name}, {status(event.after)}, where the history begins"
    if event.kind == "restored":
        return f"restored as {posixpath.basename(event.path)}, {status(event.after)}"
    if event.kind == "deleted":
        return f"deleted ({posixpath.basename(event.path)})"
    if event.kind == "renamed":
        before, after = (posixpath.basename(p or "") for p in (event.before, event.after))
        return f"renamed {before} -> {after}"
    if event.kind == "moved":
        return f"moved {event.before} -> {event.after}"
    return f"{event.kind}: {shown(event.before)} -> {shown(event.after)}"
