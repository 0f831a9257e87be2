"""The edge that touches the disk: listing a proposal folder and reading files safely."""

from __future__ import annotations

import hashlib
import os
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


def list_markdown(root: Path) -> list[str]:
    """The Markdown files directly in a folder, sorted, as names."""
    try:
        entries = os.scandir(root)
    except OSError as exc:
        from rfcdesk.errors import FatalError

        raise FatalError(f"{root}: cannot list the folder: {exc.strerror}") from None
    with entries:
        return sorted(e.name for e in entries if e.name.endswith(".md") and not e.is_dir())


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
