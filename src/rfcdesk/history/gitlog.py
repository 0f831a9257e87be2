"""The edge that reads a folder's past from git: one log pass and one stream of file versions.

`folder_log` runs a single `git log --raw` over the folder (and over the folders it was moved
from), so the cost is one git process however many proposals and commits there are.
`read_blobs` streams every wanted file version through one `git cat-file --batch`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from rfcdesk.edge.git import git_stream, run_git
from rfcdesk.errors import FatalError

# Field and record separators that cannot occur in the fields they separate.
_RECORD = "\x1e"
_UNIT = "\x1f"
_FORMAT = f"--format={_RECORD}%H{_UNIT}%P{_UNIT}%an{_UNIT}%ae{_UNIT}%aI{_UNIT}%cI{_UNIT}%s"
_NO_BLOB = frozenset({"0" * 40, "0" * 64})
# How often to look for older locations of the folder: one per move it has made.
MAX_MOVES = 8


class FileChange(NamedTuple):
    """One file's change in one commit, as `git log --raw` reports it."""

    kind: str  # "A" added, "M" modified, "D" deleted, "R" renamed (with or without edits), "T"
    old_path: str | None  # repository-relative; None when added
    new_path: str | None  # None when deleted
    old_blob: str | None
    new_blob: str | None


class Commit(NamedTuple):
    id: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: str  # ISO 8601 with the author's offset, as git prints it
    committed: str
    subject: str
    changes: tuple[FileChange, ...]


class Location(NamedTuple):
    """Where a folder is in its repository."""

    top: Path  # the repository's top folder
    prefix: str  # the folder's path in the repository, "" or ending in "/"


def head_commit(top: Path) -> str | None:
    """The commit HEAD names, or None in a repository with no commits yet."""
    try:
        return run_git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
    except FatalError:
        return None


class Boundary(NamedTuple):
    """A commit where a shallow clone cuts the history off: git shows it with no parents."""

    commit: str
    committed: str  # its commit date, ISO 8601: what came before it is unknown


def shallow_boundary(top: Path, head: str) -> tuple[Boundary, ...]:
    """The shallow clone's boundary commits in `head`'s history, oldest first; () when whole.

    The boundary is listed in the repository's `shallow` file; of those, only the ones
    `head` reaches count (a fetch of another branch may have cut that one off elsewhere).
    """
    out = run_git(top, "rev-parse", "--is-shallow-repository", "--git-path", "shallow")
    flag, _, path = out.decode("utf-8", "surrogateescape").partition("\n")
    if flag != "true":
        return ()
    try:
        cut = set((top / path.removesuffix("\n")).read_text("ascii").split())
    except (OSError, UnicodeDecodeError):
        return ()
    # A shallow graph shows its boundary commits as roots (with no parents).
    roots = run_git(top, "log", "--max-parents=0", "--format=%H%x1f%cI", head, "--")
    found = [Boundary(*line.split("\x1f")) for line in roots.decode("ascii").split("\n") if line]
    ours = (b for b in found if b.commit in cut)
    return tuple(sorted(ours, key=lambda b: dt.datetime.fromisoformat(b.committed)))


def _blob(value: str) -> str | None:
    return None if value in _NO_BLOB else value


def _changes(body: str) -> Iterator[FileChange]:
    parts = body.lstrip("\n").split("\0")
    at = 0
    while at < len(parts):
        meta = parts[at]
        if not meta.startswith(":"):
            at += 1
            continue
        _old_mode, _new_mode, old_blob, new_blob, status = meta[1:].split(" ")
        kind = status[0]
        if kind in "RC":
            old, new = parts[at + 1], parts[at + 2]
            at += 3
        else:
            old = new = parts[at + 1]
            at += 2
        yield FileChange(
            "R" if kind == "R" else ("A" if kind == "C" else kind),
            None if kind in "AC" else old,
            None if kind == "D" else new,
            _blob(old_blob) if kind not in "AC" else None,
            _blob(new_blob) if kind != "D" else None,
        )


def parse_log(output: bytes) -> list[Commit]:
    """Commits from `git log -z --raw` output in `_FORMAT`, in the order git printed them."""
    commits = []
    for record in output.decode("utf-8", "surrogateescape").split(_RECORD)[1:]:
        header, _, body = record.partition("\0")
        sha, parents, author, email, authored, committed, subject = header.split(_UNIT)
        commits.append(
            Commit(
                sha,
                tuple(parents.split()),
                author,
                email,
                authored,
                committed,
                subject,
                tuple(_changes(body)),
            )
        )
    return commits


def _log(top: Path, head: str, prefixes: Iterable[str], since: str | None) -> list[Commit]:
    revisions = f"{since}..{head}" if since else head
    pathspecs = [f":(top,literal){p}" if p else ":(top)" for p in sorted(prefixes)]
    output = run_git(
        top,
        "-c",
        "core.quotePath=false",
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "-M",
        "--date-order",
        _FORMAT,
        revisions,
        "--",
        *pathspecs,
    )
    return parse_log(output)


def _moved_from(top: Path, commits: list[Commit], prefixes: set[str]) -> set[str]:
    """Folders that files added under `prefixes` were renamed from, in those same commits."""
    adding = [
        c.id
        for c in commits
        if c.parents
        and any(f.kind == "A" and f.new_path and _inside(f.new_path, prefixes) for f in c.changes)
    ]
    if not adding:
        return set()
    output = run_git(
        top,
        "-c",
        "core.quotePath=false",
        "diff-tree",
        "--stdin",
        "-z",
        "-r",
        "--raw",
        "--no-abbrev",
        "-M",
        stdin="".join(f"{c}\n" for c in adding).encode(),
    )
    found = set()
    for change in _changes(output.decode("utf-8", "surrogateescape")):
        if (
            change.kind == "R"
            and change.old_path
            and change.new_path
            and _inside(change.new_path, prefixes)
            and not _inside(change.old_path, prefixes)
        ):
            folder = posixpath.dirname(change.old_path)
            found.add(f"{folder}/" if folder else "")
    return found


def _inside(path: str, prefixes: Iterable[str]) -> bool:
    return any(path.startswith(p) for p in prefixes)


def folder_log(
    where: Location, head: str, known: frozenset[str] = frozenset(), since: str | None = None
) -> tuple[list[Commit], frozenset[str]]:
    """Every commit up to `head` that touched the folder or a folder it was moved from.

    Returns the commits, newest first, and the folder's locations (its prefix and each
    earlier one). `known` locations from an earlier run are searched from the start;
    `since` limits the log to commits after that one.
    """
    prefixes = {where.prefix, *known}
    for _ in range(MAX_MOVES):
        commits = _log(where.top, head, prefixes, since)
        older = _moved_from(where.top, commits, prefixes) - prefixes
        if not older:
            return commits, frozenset(prefixes)
        prefixes |= older
    return commits, frozenset(prefixes)


def read_blobs(top: Path, blob_ids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(id, content) of each blob, streamed from one `git cat-file --batch`."""
    wanted = list(dict.fromkeys(blob_ids))
    if not wanted:
        return
    request = "".join(f"{b}\n" for b in wanted).encode()
    with git_stream(top, ["cat-file", "--batch"], request) as out:
        for blob_id in wanted:
            header = out.readline().decode("utf-8", "replace").split()
            if len(header) != 3:
                continue  # "<id> missing": a shallow or partial clone
            data = out.read(int(header[2]))
            out.read(1)
            yield blob_id, data


def worktree_state(where: Location) -> dict[str, str]:
    """Files under the folder that differ from HEAD: folder-relative path -> "M", "A", "D"."""
    output = run_git(
        where.top,
        "-c",
        "core.quotePath=false",
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--no-renames",
        "--",
        f":(top,literal){where.prefix}" if where.prefix else ":(top)",
    )
    state = {}
    for entry in output.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if not path.startswith(where.prefix):
            continue
        rest = path[len(where.prefix) :]
        if code == "??" or "A" in code:
            state[rest] = "A"
        elif "D" in code:
            state[rest] = "D"
        else:
            state[rest] = "M"
    return state
