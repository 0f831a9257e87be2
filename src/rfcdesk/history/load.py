"""Read a folder's history: git log once, parse each file version once, cache by commit.

The pipeline: locate the folder in its repository -> log the folder (and the folders it
moved from) -> parse every file version not seen before -> timelines -> add what the
working tree changed since the last commit. Two caches make a second run cheap: the log,
keyed by the commit it was read at (a newer HEAD only logs the commits since) and by the
shallow boundary (so `git fetch --unshallow` or `--deepen` is read afresh), and the facts of
each file version, keyed by its blob id, which never changes meaning.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from typing import NamedTuple

from rfcdesk.edge import cache
from rfcdesk.edge.files import decode_document
from rfcdesk.edge.git import folder_in_repo, run_git
from rfcdesk.edge.workers import parallel_map
from rfcdesk.errors import FatalError
from rfcdesk.history.gitlog import (
    Boundary,
    Commit,
    Location,
    folder_log,
    head_commit,
    read_blobs,
    shallow_boundary,
    worktree_state,
)
from rfcdesk.history.timeline import (
    NO_FACTS,
    Event,
    Facts,
    Timeline,
    build_timelines,
    facts_of,
    pending_events,
)
from rfcdesk.model import Diagnostic
from rfcdesk.read.folder import Folder
from rfcdesk.read.proposal import file_id, parse_proposal
from rfcdesk.scheme.model import Scheme

_PARALLEL_THRESHOLD = 400
_CHUNK = 256


class FolderHistory(NamedTuple):
    """Timelines by folder-relative path, and what could not be known."""

    known: bool  # False outside git, or before the first commit
    reason: str  # why nothing is known, or ""
    head: str | None
    timelines: dict[str, Timeline]  # current proposals, by folder-relative path
    departed: tuple[Timeline, ...]  # proposals deleted, or moved out of the folder
    uncommitted: frozenset[str]  # folder-relative paths that differ from HEAD
    order: dict[str, int]  # commit id -> its place in the history, oldest first
    # In a shallow clone, the (latest) boundary commit's date: before it, nothing is known.
    shallow_before: str | None = None

    def sequence(self, event: Event) -> int:
        """Where an event falls in the history; events not committed yet come last."""
        return self.order.get(event.commit, len(self.order)) if event.commit else len(self.order)

    def timeline(self, path: str) -> Timeline | None:
        return self.timelines.get(path)


def unknown(reason: str) -> FolderHistory:
    return FolderHistory(False, reason, None, {}, (), frozenset(), {})


def shallow_note(shallow_before: str | None) -> str | None:
    """What a command says (once, on stderr) about a shallow history; None for a whole one.

    `shallow_before` is `FolderHistory.shallow_before`.
    """
    if not shallow_before:
        return None
    day = shallow_before[:10]
    return f"history is shallow: dates before {day} are unknown (git fetch --unshallow)"


class _LogCache(NamedTuple):
    head: str
    prefixes: frozenset[str]
    commits: list[Commit]  # oldest first


def _is_ancestor(top: Path, older: str, newer: str) -> bool:
    try:
        run_git(top, "merge-base", "--is-ancestor", older, newer)
    except FatalError:
        return False
    return True


def read_commits(
    where: Location, head: str, use_cache: bool = True, boundary: tuple[Boundary, ...] = ()
) -> tuple[list[Commit], frozenset[str]]:
    """The folder's commits up to `head`, oldest first, and every location the folder had.

    Only what the cache lacks is logged: nothing for the same HEAD, the new commits for a
    HEAD that descends from the cached one. A shallow history is cached apart from the
    deeper ones: the same HEAD, unshallowed, has other commits.
    """
    cut = [b.commit for b in boundary]
    path = cache.keyed_file("log", str(where.top.resolve()), where.prefix, *sorted(cut))
    stored = cache.load_any(path) if use_cache else None
    if isinstance(stored, _LogCache) and stored.head == head:
        return stored.commits, stored.prefixes
    if isinstance(stored, _LogCache) and _is_ancestor(where.top, stored.head, head):
        newer, prefixes = folder_log(where, head, stored.prefixes, since=stored.head)
        commits = stored.commits + newer[::-1]
    else:
        newest_first, prefixes = folder_log(where, head)
        commits = newest_first[::-1]
    if use_cache:
        cache.save(path, _LogCache(head, prefixes, commits))
    return commits, prefixes


def _version_facts(item: tuple[str, str, bytes], scheme: Scheme) -> tuple[str, Facts]:
    blob, name, data = item
    text = decode_document(name, data)
    if isinstance(text, Diagnostic):
        return blob, NO_FACTS
    return blob, facts_of(parse_proposal(name, text, scheme), scheme)


def version_facts(
    top: Path,
    scheme: Scheme,
    wanted: dict[str, str],
    use_cache: bool = True,
    jobs: int | None = None,
) -> dict[str, Facts]:
    """Facts for each blob id in `wanted` (blob -> file name), parsing only unseen versions."""
    path = cache.keyed_file("facts", str(top.resolve()), repr(scheme))
    stored = cache.load_any(path) if use_cache else None
    known: dict[str, Facts] = stored if isinstance(stored, dict) else {}
    missing = [b for b in wanted if b not in known]
    if missing:
        items = [(blob, wanted[blob], data) for blob, data in read_blobs(top, missing)]
        parse = functools.partial(_version_facts, scheme=scheme)
        known.update(parallel_map(parse, items, jobs, _PARALLEL_THRESHOLD, _CHUNK))
        if use_cache:
            cache.save(path, known)
    return {b: known.get(b, NO_FACTS) for b in wanted}


def load_history(folder: Folder, use_cache: bool = True, jobs: int | None = None) -> FolderHistory:
    """The history of every proposal in the folder, as far as git knows it."""
    found = folder_in_repo(folder.root)
    if found is None:
        return unknown("not in a git repository")
    top, prefix = found
    head = head_commit(top)
    if head is None:
        return unknown("in a repository with no commits yet")
    where = Location(top, prefix)
    boundary = shallow_boundary(top, head)
    commits, prefixes = read_commits(where, head, use_cache, boundary)
    skip = {folder.scheme.template, folder.scheme.index.file if folder.scheme.index else ""}

    def is_proposal(path: str) -> bool:
        directory, name = posixpath.split(path)
        location = f"{directory}/" if directory else ""
        return name.endswith(".md") and name not in skip and location in prefixes

    wanted = {
        blob: posixpath.basename(path)
        for commit in commits
        for change in commit.changes
        for blob, path in (
            (change.old_blob, change.old_path),
            (change.new_blob, change.new_path),
        )
        if blob and path and is_proposal(path)
    }
    facts = version_facts(top, folder.scheme, wanted, use_cache, jobs)

    def id_of(path: str) -> str | None:
        return file_id(folder.scheme, posixpath.basename(path))[0]

    cut = frozenset(b.commit for b in boundary)
    timelines = build_timelines(commits, facts, is_proposal, id_of, cut)
    order = {commit.id: at for at, commit in enumerate(commits)}
    return _with_worktree(folder, where, head, timelines, facts)._replace(
        order=order, shallow_before=boundary[-1].committed if boundary else None
    )


def _with_worktree(
    folder: Folder,
    where: Location,
    head: str,
    timelines: list[Timeline],
    facts: dict[str, Facts],
) -> FolderHistory:
    state = worktree_state(where)
    by_path: dict[str, Timeline] = {}
    departed = []
    for timeline in timelines:
        if timeline.alive and timeline.path.startswith(where.prefix):
            by_path[timeline.path[len(where.prefix) :]] = timeline
        else:
            departed.append(timeline)
    for proposal in folder.proposals:
        if proposal.path not in state or proposal.load_error is not None:
            continue
        current = by_path.get(proposal.path)
        committed = facts.get(current.blob) if current and current.blob else None
        now = facts_of(proposal, folder.scheme)
        repo_path = where.prefix + proposal.path
        extra = pending_events(repo_path, committed if current else None, now)
        if current is None:
            by_path[proposal.path] = Timeline(repo_path, tuple(extra), True, None, None)
        elif extra:
            by_path[proposal.path] = current._replace(events=current.events + tuple(extra))
    return FolderHistory(True, "", head, by_path, tuple(departed), frozenset(state), {})
