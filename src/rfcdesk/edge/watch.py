"""Noticing edits under a proposal folder: file-system events, or polling where they fail.

Events come from watchfiles (inotify, FSEvents, ReadDirectoryChangesW through the Rust
`notify` crate), so an idle watcher costs next to nothing however large the folder. Where
events cannot start (inotify's limits reached, say) the folder is polled instead: every
file's name, size and mtime every POLL_SECONDS, which on 10,000 proposals keeps a core
busy, so the user is told once. Either way, changes in hidden folders (`.git`) and in the
site's own output are not edits: a rebuild writes there, and would otherwise start another.

watchfiles is imported only when watching starts: `rfcdesk --version` and `check` never
load it.
"""

from __future__ import annotations

import os
import platform
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from rfcdesk.edge.files import walk

POLL_SECONDS = 0.4
# A batch of events ends once no new one came for STEP_MS, or DEBOUNCE_MS after its first:
# an editor's burst of saves (a file, its backup, a rename) makes one rebuild.
STEP_MS = 100
DEBOUNCE_MS = 1600

Fingerprint = tuple[tuple[str, int, int], ...]


class Notify(Protocol):
    """What we use of watchfiles' `RustNotify`."""

    def watch(
        self, debounce_ms: int, step_ms: int, timeout_ms: int, stop_event: threading.Event
    ) -> set[tuple[int, str]] | str: ...

    def close(self) -> None: ...


def polling_asked(environ: Mapping[str, str], release: str) -> str | None:
    """Why the folder is to be polled, by watchfiles' own documented rule, or None.

    `WATCHFILES_FORCE_POLLING` decides when set (`false`/`disable`/`disabled` say no);
    otherwise WSL polls, where a folder on a Windows drive sends no inotify events. Our own
    poll answers it, not watchfiles': that one compares mtimes in whole seconds (a second
    save within the same second is missed) and scans `.git` and the output too.
    """
    value = environ.get("WATCHFILES_FORCE_POLLING")
    if value:
        if value.lower() in {"false", "disable", "disabled"}:
            return None
        return "WATCHFILES_FORCE_POLLING is set"
    if "microsoft-standard" in release.lower():
        return "on WSL a Windows drive sends no events (WATCHFILES_FORCE_POLLING=false listens)"
    return None


def start_events(root: str) -> Notify:
    """Start watchfiles' event watcher on a folder; it collects events from now on."""
    from watchfiles._rust_notify import RustNotify  # its documented direct interface

    # Unreadable folders hold nothing the site could show: they must not stop the watcher.
    return RustNotify([root], False, False, 0, True, True)


def fingerprint(root: Path, skip: Path | None = None) -> Fingerprint:
    """(name, size, mtime) of every file under the folder, hidden folders and `skip` aside."""
    skipped = _inside(root, skip)
    found = []
    for name in walk(root, skip=frozenset({skipped} if skipped else ())).files:
        try:
            st = os.stat(root / name)
        except OSError:
            continue
        found.append((name, st.st_size, st.st_mtime_ns))
    return tuple(found)


def is_edit(relative: str, skipped: str | None) -> bool:
    """Whether a change at a folder-relative "/" path is an edit to the folder: not the folder
    itself, nothing in a hidden folder (or outside, `..`), nothing in the site's output."""
    if relative in ("", "."):
        return False
    if any(part.startswith(".") for part in relative.split("/")[:-1]):
        return False
    return skipped is None or not (relative == skipped or relative.startswith(skipped + "/"))


def _inside(root: Path, skip: Path | None) -> str | None:
    """`skip` as a "/" path relative to `root` when it lies inside it, else None."""
    if skip is None:
        return None
    inside = os.path.relpath(skip.resolve(), root.resolve())
    return None if inside.startswith("..") else inside.replace(os.sep, "/")


class FolderWatch:
    """Edits under a folder since it was created, by events while they work, else by polling.

    Watching starts in the constructor, so that an edit saved while the first build runs is
    seen by the first `wait`.
    """

    def __init__(
        self,
        root: Path,
        skip: Path | None,
        tell: Callable[[str], None],
        start: Callable[[str], Notify] = start_events,
    ) -> None:
        self.root = root
        self._real = os.path.realpath(root)
        self._skip = skip
        self._skipped = _inside(root, skip)
        self._tell = tell
        self._events: Notify | None = None
        self._last: Fingerprint | None = None
        asked = polling_asked(os.environ, platform.uname().release)
        if asked is not None:
            self._poll_from_now(asked)
            return
        try:
            self._events = start(self._real)
        except (OSError, RuntimeError) as exc:  # RuntimeError: WatchfilesRustInternalError
            self._poll_from_now(f"cannot watch {root} for changes ({exc})")

    @property
    def polling(self) -> bool:
        """Whether the folder is polled (events could not start, or stopped working)."""
        return self._events is None

    def wait(self, stop: threading.Event) -> bool:
        """Block until the folder has been edited (True) or `stop` is set (False)."""
        while self._events is not None and not stop.is_set():
            try:
                found = self._events.watch(DEBOUNCE_MS, STEP_MS, 0, stop)
            except (OSError, RuntimeError) as exc:
                if stop.is_set():  # closed while stopping: no failure to report
                    return False
                self._poll_from_now(f"watching {self.root} for changes failed ({exc})")
                return True  # events may have been lost: build once from what is there now
            if found == "stop":
                return False
            # "signal" and "timeout" carry no change: signals are the main thread's business.
            if isinstance(found, set) and any(self._is_edit(path) for _, path in found):
                return True
        return self._poll(stop)

    def close(self) -> None:
        if self._events is not None:
            self._events.close()

    def _is_edit(self, path: str) -> bool:
        # The folder holding the change, links resolved: a change reached through a link that
        # leads outside is no edit, as polling never follows such a link either.
        parent, name = os.path.split(path)
        real = os.path.join(os.path.realpath(parent), name)
        return is_edit(os.path.relpath(real, self._real).replace(os.sep, "/"), self._skipped)

    def _poll_from_now(self, why: str) -> None:
        if self._events is not None:
            self._events.close()
            self._events = None
        self._last = fingerprint(self.root, self._skip)
        self._tell(f"rfcdesk: {why}; polling every {POLL_SECONDS} s instead")

    def _poll(self, stop: threading.Event) -> bool:
        while not stop.wait(POLL_SECONDS):
            now = fingerprint(self.root, self._skip)
            if now != self._last:
                self._last = now
                return True
        return False
