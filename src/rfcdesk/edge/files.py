"""The edge that touches the disk: listing a proposal folder, reading files safely, and
writing the site's files whole."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from rfcdesk.errors import FatalError
from rfcdesk.model import Diagnostic, Severity

# Larger files are reported, not read: no real proposal comes near this.
MAX_FILE_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192


def _problem(
    path: str, code: str, name: str, message: str, line: int = 1, col: int = 1
) -> Diagnostic:
    return Diagnostic(path, line, col, code, name, message, Severity.ERROR)


def read_document(root: Path, relpath: str, boundary: Path | None = None) -> str | Diagnostic:
    """A proposal's text, or the diagnostic that says why it cannot be read as text.

    Nothing that resolves outside the folder (or `boundary`) is read.
    """
    data = read_bytes(root, relpath, boundary)
    return data if isinstance(data, Diagnostic) else decode_document(relpath, data)


def read_bytes(root: Path, relpath: str, boundary: Path | None = None) -> bytes | Diagnostic:
    """A file's bytes, or the diagnostic that says why they cannot be read (see
    `read_document`)."""
    full = root / relpath
    if not contained(root, relpath, boundary):
        return _problem(
            relpath,
            "F008",
            "link-outside",
            "file is a symbolic link to a place outside the folder; it is not read",
            0,
        )
    try:
        size = full.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            return _problem(
                relpath,
                "F005",
                "file-too-large",
                f"file is {size / 1048576:.1f} MB, over the {limit} MB limit; not read",
            )
        return full.read_bytes()
    except OSError as exc:
        return _problem(relpath, "F004", "unreadable-file", f"cannot read file: {exc.strerror}")


@functools.lru_cache(maxsize=64)
def _real(absolute: str) -> str:
    return os.path.realpath(absolute)


def contained(root: Path, relpath: str, boundary: Path | None = None) -> bool:
    """Whether a path below a folder resolves inside it (or inside `boundary`, a folder
    that holds it, for paths that climb on purpose), symbolic links followed."""
    limit = _real(os.path.abspath(boundary or root))
    return inside(limit, os.path.realpath(root / relpath))


def repository_root(folder: Path) -> Path | None:
    """The top of the git work tree that holds a folder, or None outside one."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def decode_document(relpath: str, data: bytes) -> str | Diagnostic:
    """Decode a proposal's bytes, or say why they are not a text document."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return _problem(relpath, "F001", "empty-file", "file is empty")
    if b"\x00" in data[:_SNIFF_BYTES]:
        return _problem(
            relpath, "F002", "binary-file", "file holds binary data (NUL bytes), not Markdown"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        message = (
            f"file is not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; save it as UTF-8"
        )
        return _problem(relpath, "F003", "not-utf8", message, line, col)


@functools.cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over "/"-separated relative paths: `*` and `?` stay within a folder, `**/`
    crosses any number of folders."""
    out, at = [], 0
    while at < len(pattern):
        if pattern.startswith("**/", at):
            out.append("(?:[^/]+/)*")
            at += 3
        elif pattern[at] == "*":
            out.append("[^/]*")
            at += 1
        elif pattern[at] == "?":
            out.append("[^/]")
            at += 1
        else:
            out.append(re.escape(pattern[at]))
            at += 1
    return re.compile("".join(out) + r"\Z")


def glob_depth(patterns: tuple[str, ...]) -> int | None:
    """How many folders down the globs reach; None when `**` reaches any depth."""
    if any("**" in p for p in patterns):
        return None
    return max((p.count("/") for p in patterns), default=0)


class Listing(NamedTuple):
    """What a walk below a folder found, with every symbolic link judged once.

    A link that resolves inside the folder is kept: to a file, as an alias of it (`aliases`
    maps it to its target); to a folder, not entered, since the walk reaches that folder
    itself. A link that resolves outside (or through a loop) is never followed: it is listed
    in `escapes` and nothing below it is read, copied or rendered.
    """

    files: tuple[str, ...]  # sorted "/" paths of files, alias links included
    folders: tuple[str, ...]
    escapes: tuple[str, ...]  # links that lead outside the folder
    aliases: dict[str, str]  # a link to a file in the folder -> that file's path


def walk(
    root: Path,
    depth: int | None = None,
    skip: frozenset[str] = frozenset(),
    skip_names: frozenset[str] = frozenset(),
) -> Listing:
    """Every file below a folder, `depth` folders down at most (None: any depth).

    The one walker over a proposal folder: folders whose names start with "." (`.git`),
    the folders in `skip` (relative "/" paths) and folders named in `skip_names` (any
    depth) are not entered, and symbolic links are judged as `Listing` says.
    """
    try:
        real_root = _real(os.path.abspath(root))
        found = _Found([], [], [], {}, skip, skip_names)
        _scan(Path(root), real_root, "", depth, found)
    except OSError as exc:
        from rfcdesk.errors import FatalError

        raise FatalError(f"{root}: cannot list the folder: {exc.strerror}") from None
    return Listing(
        tuple(sorted(found.files)),
        tuple(sorted(found.folders)),
        tuple(sorted(found.escapes)),
        found.aliases,
    )


def within(listing: Listing, depth: int | None) -> Listing:
    """What `walk` with `depth` finds, from a walk that went deeper."""
    if depth is None:
        return listing

    def near(paths: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p for p in paths if p.count("/") <= depth)

    aliases = {k: v for k, v in listing.aliases.items() if k.count("/") <= depth}
    return Listing(near(listing.files), near(listing.folders), near(listing.escapes), aliases)


def list_files(root: Path, depth: int | None = 0) -> list[str]:
    """Files below a folder, `depth` folders down at most (None: any), as sorted "/" paths.

    Links that lead outside the folder are left out (see `walk`).
    """
    return list(walk(root, depth).files)


class _Found(NamedTuple):
    files: list[str]
    folders: list[str]
    escapes: list[str]
    aliases: dict[str, str]
    skip: frozenset[str]
    skip_names: frozenset[str] = frozenset()


def inside(real_root: str, real: str) -> bool:
    """Whether a resolved path is the resolved folder or below it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _scan(directory: Path, real_root: str, prefix: str, depth: int | None, found: _Found) -> None:
    with os.scandir(directory) as entries:
        for entry in entries:
            path = prefix + entry.name
            if entry.is_symlink():
                _judge_link(entry, real_root, path, found)
            elif entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(".") or path in found.skip:
                    continue
                if entry.name.lower() in found.skip_names:
                    continue
                found.folders.append(path)
                if depth is None or depth > 0:
                    below = None if depth is None else depth - 1
                    try:
                        _scan(Path(entry.path), real_root, path + "/", below, found)
                    except OSError:
                        continue  # a folder we may not read holds no proposals we can check
            else:
                found.files.append(path)


def _judge_link(entry: os.DirEntry[str], real_root: str, path: str, found: _Found) -> None:
    real = os.path.realpath(entry.path)
    if not inside(real_root, real) or not os.path.exists(real):
        if inside(real_root, real):
            found.files.append(path)  # a dangling link inside: reading it says so
        else:
            found.escapes.append(path)
        return
    if os.path.isdir(real):
        if not entry.name.startswith("."):
            found.folders.append(path)
        return
    found.files.append(path)
    target = os.path.relpath(real, real_root).replace(os.sep, "/")
    if target != path:
        found.aliases[path] = target


def select_files(
    paths: list[str], include: tuple[str, ...], exclude: tuple[str, ...] = ()
) -> list[str]:
    """The paths that match an `include` glob and no `exclude` glob, in their order."""
    wanted, unwanted = _any_glob(include), _any_glob(exclude)
    if unwanted is None:
        return [p for p in paths if wanted is not None and wanted.match(p)]
    return [p for p in paths if wanted is not None and wanted.match(p) and not unwanted.match(p)]


@functools.cache
def _any_glob(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex that matches where one of the globs does (None for no globs): a folder of
    10,000 names is tried against each built-in scheme's."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{glob_regex(p).pattern})" for p in patterns))


# File path -> (size, mtime in ns), links followed.
Stats = Mapping[str, tuple[int, int]]


class TreeState(NamedTuple):
    """A folder as one walk found it: the listing, each file's size and mtime, and a digest
    of them all that is equal while nothing below the folder changed."""

    fingerprint: str
    listing: Listing
    stats: Stats


def tree_state(root: Path) -> TreeState:
    """Walk a folder once and take every file's size and mtime.

    Links that lead outside the folder count by their own name and target, never by what
    they point at.
    """
    digest = hashlib.sha256()
    listing = walk(root)
    stats: dict[str, tuple[int, int]] = {}
    base = os.path.join(root, "")
    for name in listing.files:
        try:
            st = os.stat(base + name)
        except OSError:
            continue
        stats[name] = (st.st_size, st.st_mtime_ns)
    digest.update("".join(f"{n}\0{s}\0{m}\n" for n, (s, m) in stats.items()).encode())
    for name in listing.escapes:
        try:
            target = os.readlink(base + name)
        except OSError:
            continue
        digest.update(f"{name}\0->{target}\n".encode())
    return TreeState(digest.hexdigest(), listing, stats)


def list_tree(root: Path) -> Listing:
    """Every file and folder below root, links judged (see `walk`)."""
    return walk(root)


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds it; True when written. The bytes go to a
    file beside the target, which then replaces it: no reader (and no build cut short)
    sees half a file. A file that cannot be written is a FatalError that names it."""
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)  # no half-written file is left beside the target
        raise FatalError(f"{target}: cannot write it: {_why(exc, target)}") from None
    return True


def _why(error: OSError, target: Path) -> str:
    """What stopped a write, said so that the user can act: a file where a folder must be
    is named (the system says only "File exists" or "Not a directory")."""
    blocked = next((p for p in target.parents if p.is_file()), None)
    return f"{blocked} is a file" if blocked is not None else error.strerror or str(error)
