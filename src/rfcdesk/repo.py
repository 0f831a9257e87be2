"""The edge that touches the disk: listing a proposal folder and reading files safely."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from rfcdesk.model import Diagnostic, Severity

# Larger files are reported, not read: no real proposal comes near this.
MAX_FILE_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192


def _problem(
    path: str, code: str, name: str, message: str, line: int = 1, col: int = 1
) -> Diagnostic:
    return Diagnostic(path, line, col, code, name, message, Severity.ERROR)


def read_document(root: Path, relpath: str) -> str | Diagnostic:
    """A proposal's text, or the diagnostic that says why it cannot be read as text."""
    full = root / relpath
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
        data = full.read_bytes()
    except OSError as exc:
        return _problem(relpath, "F004", "unreadable-file", f"cannot read file: {exc.strerror}")
    return decode_document(relpath, data)


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


def list_files(root: Path, depth: int | None = 0) -> list[str]:
    """Files below a folder, `depth` folders down at most (None: any), as sorted "/" paths.

    Folders whose names start with "." (`.git`) are not entered.
    """
    found: list[str] = []
    try:
        _scan(root, "", depth, found)
    except OSError as exc:
        from rfcdesk.errors import FatalError

        raise FatalError(f"{root}: cannot list the folder: {exc.strerror}") from None
    return sorted(found)


def _scan(directory: Path, prefix: str, depth: int | None, found: list[str]) -> None:
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir():
                if (depth is None or depth > 0) and not entry.name.startswith("."):
                    below = None if depth is None else depth - 1
                    try:
                        _scan(Path(entry.path), f"{prefix}{entry.name}/", below, found)
                    except OSError:
                        continue  # a folder we may not read holds no proposals we can check
            else:
                found.append(prefix + entry.name)


def select_files(
    paths: list[str], include: tuple[str, ...], exclude: tuple[str, ...] = ()
) -> list[str]:
    """The paths that match an `include` glob and no `exclude` glob, in their order."""
    wanted = [glob_regex(p) for p in include]
    unwanted = [glob_regex(p) for p in exclude]
    return [
        p
        for p in paths
        if any(r.match(p) for r in wanted) and not any(r.match(p) for r in unwanted)
    ]


def tree_fingerprint(root: Path) -> str:
    """A digest of every file's path, size and mtime below root: equal when nothing changed."""
    digest = hashlib.sha256()
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in sorted(files):
            try:
                st = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            digest.update(f"{directory}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def list_tree(root: Path) -> frozenset[str]:
    """Every file and folder below root, as "/"-separated paths relative to it."""
    found: set[str] = set()
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(directory, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in files)
        found.update(prefix + name for name in dirs)
    return frozenset(found)
