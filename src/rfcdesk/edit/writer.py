"""The edge that changes files: a set of edits shown as a diff, or written atomically.

Every writing command builds a list of `FileChange`s (the bytes it read, the bytes it
wants) and hands it here. Nothing is written until every change is ready; each file is
replaced by rename from a fsynced temporary file in the same folder, so a crash leaves
the old file or the new one, never a mix; a file whose bytes changed since rfcdesk read
it is left alone and the whole set is refused.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edit.text import Text
from rfcdesk.errors import FatalError


class FileChange(NamedTuple):
    path: Path
    before: bytes | None  # None: the file is created
    after: bytes | None  # None: the file is removed
    source: Path | None = None  # a rename: the old name, whose bytes are `before`

    @property
    def read_from(self) -> Path:
        return self.source or self.path


def unified_diff(changes: Sequence[FileChange], root: Path) -> str:
    """The changes as one unified diff, paths relative to root (git's a/ b/ style)."""
    parts: list[str] = []
    for change in changes:
        name = _relative(change.path, root)
        before = _lines(change.before)
        after = _lines(change.after)
        old = f"a/{_relative(change.read_from, root)}" if change.before is not None else "/dev/null"
        new = f"b/{name}" if change.after is not None else "/dev/null"
        if change.source is not None:
            parts.append(f"rename {_relative(change.source, root)} => {name}\n")
        parts.extend(difflib.unified_diff(before, after, old, new))
    return "".join(p if p.endswith("\n") else p + "\n\\ No newline at end of file\n" for p in parts)


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    return data.decode("utf-8", "surrogateescape").splitlines(keepends=True)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def apply_changes(changes: Sequence[FileChange]) -> None:
    """Write every change, each file atomically (old or new bytes, never a mix); FatalError
    before anything is written when a file changed since it was read, and, when a rename
    fails midway, naming the files already written."""
    for change in changes:
        _ensure_unchanged(change)
    staged: list[tuple[FileChange, str | None]] = []
    try:
        for change in changes:
            staged.append((change, _stage(change) if change.after is not None else None))
        done: list[Path] = []
        for change, temp in staged:
            if temp is None:
                continue
            try:
                if change.before is None or change.source is not None:
                    _create(temp, change.path)
                else:
                    os.replace(temp, change.path)
            except OSError as exc:
                written = ", ".join(str(p) for p in done) or "none"
                raise FatalError(
                    f"{change.path}: cannot write: {exc.strerror}; it is as it was "
                    f"(already written: {written})"
                ) from None
            done.append(change.path)
        for change, temp in staged:
            if temp is None:
                change.path.unlink()
            elif change.source is not None:
                change.source.unlink()
        for directory in {c.path.parent for c in changes}:
            _fsync_dir(directory)
    finally:
        for _change, temp in staged:
            if temp is not None and os.path.exists(temp):
                os.unlink(temp)


def write_or_show(changes: Sequence[FileChange], root: Path, dry_run: bool, out: TextIO) -> None:
    """Apply the changes, or (dry run) print them as a diff and write nothing."""
    if dry_run:
        out.write(unified_diff(changes, root))
    else:
        apply_changes(changes)


def _ensure_unchanged(change: FileChange) -> None:
    if change.source is not None and change.path.exists():
        raise FatalError(f"{change.path}: exists already; nothing was written")
    try:
        current: bytes | None = change.read_from.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise FatalError(f"{change.read_from}: cannot read: {exc.strerror}") from None
    if current != change.before:
        what = "exists now" if change.before is None else "changed on disk since rfcdesk read it"
        raise FatalError(f"{change.read_from}: {what}; nothing was written, run the command again")


def _stage(change: FileChange) -> str:
    """Write the new bytes to a fsynced temporary file beside the target."""
    assert change.after is not None
    handle, temp = tempfile.mkstemp(
        prefix=f".{change.path.name}.", suffix=".rfcdesk-tmp", dir=change.path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(change.after)
            stream.flush()
            os.fsync(stream.fileno())
        if change.before is not None:
            os.chmod(temp, change.read_from.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
    except OSError as exc:
        os.unlink(temp)
        raise FatalError(f"{change.path}: cannot write: {exc.strerror}") from None
    return temp


def _create(temp: str, target: Path) -> None:
    """Move a staged file to a name that must not exist yet (no silent overwrite)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise FatalError(f"{target}: exists now; nothing was written") from None
    except OSError:  # file systems without hard links: the lock already serialises us
        if target.exists():
            raise FatalError(f"{target}: exists now; nothing was written") from None
        os.replace(temp, target)
        return
    os.unlink(temp)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_for_edit(path: Path, missing_ok: bool = False) -> tuple[bytes | None, Text]:
    """A file's bytes and decoded text, for an edit; FatalError when it is no UTF-8 text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return None, Text(False, "")
        raise FatalError(f"{path}: no such file") from None
    except OSError as exc:
        raise FatalError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return data, Text.decode(data)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FatalError(f"{path}:{line}: not UTF-8 text; nothing was written") from None


@contextlib.contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the proposal folder for the duration of a write.

    The lock is taken on the folder itself (flock on its descriptor), so it needs no lock
    file in the user's repository and vanishes with the process if it is killed.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; writes are still atomic
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
