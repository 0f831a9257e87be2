"""The edge that talks to git. Every git process rfcdesk starts goes through `run_git`."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

from rfcdesk.errors import FatalError


def run_git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run one git command in `cwd` and return its output; failures are FatalError."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise FatalError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FatalError(f"git {' '.join(args)}: {problem[-1] if problem else 'failed'}")
    return done.stdout


@contextlib.contextmanager
def git_stream(cwd: Path, args: list[str], stdin: bytes) -> Iterator[IO[bytes]]:
    """Run one git command whose output is read as it comes: large, and needed only once.

    The input is written from a thread so that git never blocks on a full output pipe.
    """
    try:
        process = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise FatalError("git is not installed (or not on PATH)") from None
    assert process.stdin and process.stdout and process.stderr

    def feed() -> None:
        assert process.stdin
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(stdin)
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield process.stdout
    finally:
        process.stdout.close()
        writer.join()
        problem = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
        process.stderr.close()
        if process.wait() != 0 and problem:
            raise FatalError(f"git {' '.join(args)}: {problem[-1]}")


def _path_out(out: bytes) -> str:
    """One path git printed alone on its line: the text before the final line break."""
    return out.decode("utf-8", "surrogateescape").removesuffix("\n")


def folder_in_repo(folder: Path) -> tuple[Path, str] | None:
    """The repository's top folder and the folder's path in it ("docs/klips/"), or None.

    Two calls, one path each: `rev-parse` has no `-z`, and either path may hold a line break.
    """
    try:
        top = _path_out(run_git(folder, "rev-parse", "--show-toplevel"))
    except FatalError:
        return None
    return Path(top), _path_out(run_git(folder, "rev-parse", "--show-prefix"))


def ignored_folders(folder: Path) -> frozenset[str]:
    """Folders below `folder` that git ignores ("bench-data", "out/site"), relative to it;
    none outside a repository. Files git ignores are no part of the repository."""
    try:
        out = run_git(
            folder, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"
        )
    except FatalError:
        return frozenset()
    names = out.decode("utf-8", "surrogateescape").split("\0")
    return frozenset(
        n.rstrip("/")
        for n in names
        if n.endswith("/") and n.strip("./") and not n.startswith("../")
    )


def changed_since(folder: Path, ref: str) -> set[str]:
    """Files below the folder (folder-relative "/" paths) that differ from where `ref` and
    HEAD meet: committed since, changed in the work tree, or new and not ignored. Deleted
    files count, so that what pointed at them is reported."""
    located = folder_in_repo(folder)
    if located is None:
        raise FatalError(f"{folder}: --changed-since needs the folder to be in a git repository")
    top, prefix = located
    try:
        base = run_git(folder, "merge-base", ref, "HEAD").decode("ascii").strip()
    except FatalError:
        raise FatalError(f"--changed-since {ref}: no such branch, tag or commit") from None
    names = run_git(top, "diff", "-z", "--name-only", "--no-renames", base, "--", prefix or ".")
    new = run_git(top, "ls-files", "-z", "--others", "--exclude-standard", "--", prefix or ".")
    paths = (names + new).decode("utf-8", "surrogateescape").split("\0")
    return {p[len(prefix) :] for p in paths if p and p.startswith(prefix)}


def branch_refs(folder: Path) -> list[str]:
    """Every local and remote-tracking branch, as full ref names (which hold no line breaks)."""
    out = run_git(folder, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes")
    refs = out.decode("utf-8", "surrogateescape").split("\n")
    return [r for r in refs if r and not r.endswith("/HEAD")]


class GitObject(NamedTuple):
    kind: str  # "blob", "tree", ...
    data: bytes
    id_size: int  # bytes in an object id: 20 (SHA-1) or 32 (SHA-256)


def read_objects(top: Path, specs: Iterable[str]) -> dict[str, GitObject | None]:
    """Objects named `REF:PATH`, read by one `git cat-file --batch`; None when missing.

    A path holding a line break is sent NUL-terminated (`-z`, git 2.38 and later); other
    requests go one a line, so that older gits keep working.
    """
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    encoded = [s.encode("utf-8", "surrogateescape") for s in wanted]
    if any(b"\n" in s or s.endswith(b"\r") for s in encoded):
        out = run_git(top, "cat-file", "--batch", "-z", stdin=b"".join(s + b"\0" for s in encoded))
    else:
        out = run_git(top, "cat-file", "--batch", stdin=b"".join(s + b"\n" for s in encoded))
    found: dict[str, GitObject | None] = {}
    at = 0
    for spec, raw in zip(wanted, encoded, strict=True):
        # git echoes a request it cannot answer, line breaks and all: "<spec> missing".
        echoed = next(
            (raw + w for w in (b" missing\n", b" ambiguous\n") if out.startswith(raw + w, at)),
            None,
        )
        if echoed is not None:
            at += len(echoed)
            found[spec] = None
            continue
        end = out.index(b"\n", at)
        header = out[at:end].decode("utf-8", "replace").split()
        at = end + 1
        if len(header) != 3:
            found[spec] = None
            continue
        size = int(header[2])
        found[spec] = GitObject(header[1], out[at : at + size], len(header[0]) // 2)
        at += size + 1
    return found


def tree_names(tree: GitObject) -> list[str]:
    """The entry names of a tree object (raw `mode name\\0<object id>` entries)."""
    names = []
    at = 0
    data = tree.data
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        names.append(data[space + 1 : nul].decode("utf-8", "surrogateescape"))
        at = nul + 1 + tree.id_size
    return names
