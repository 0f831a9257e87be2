"""A cache of parsed proposals, so that a second run reads only what changed.

One pickle per (folder, scheme): file name -> (size, mtime_ns, Proposal). It lives under
$RFCDESK_CACHE_DIR, else $XDG_CACHE_HOME/rfcdesk, else ~/.cache/rfcdesk, never inside the
user's repository. A cache that cannot be read is ignored; one that cannot be written is
skipped: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from rfcdesk import __version__
from rfcdesk.model import Proposal
from rfcdesk.scheme import Scheme

FORMAT = 1
Entries = dict[str, tuple[int, int, Proposal]]


def cache_dir() -> Path:
    configured = os.environ.get("RFCDESK_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rfcdesk"


def cache_file(root: Path, scheme: Scheme) -> Path:
    key = f"{FORMAT}\0{__version__}\0{root.resolve()}\0{scheme!r}"
    return cache_dir() / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".pickle")


def load(path: Path) -> Entries:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # a missing, truncated or foreign cache is no cache
        return {}
    return data if isinstance(data, dict) else {}


def save(path: Path, entries: Entries) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return
