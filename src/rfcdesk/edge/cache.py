"""A cache of parsed proposals, so that a second run reads only what changed.

One pickle per (folder, scheme): file name -> (content digest, Proposal). It lives under
$RFCDESK_CACHE_DIR, else $XDG_CACHE_HOME/rfcdesk, else ~/.cache/rfcdesk, never inside the
user's repository. A cache that cannot be read is ignored; one that cannot be written is
skipped: the cache only ever saves time. The folder is kept under a size limit, the files
used longest ago removed first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import tempfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from rfcdesk import __version__
from rfcdesk.model import Diagnostic, Proposal

FORMAT = 7
# The cache folder is kept under this many bytes ($RFCDESK_CACHE_MAX_MB to change it): the
# files used longest ago go first. A site of 10,000 proposals keeps about 200 MB of search
# text and state beside 30 MB of parsed proposals: under a smaller limit, each rebuild
# pruned the parsed proposals it had just used and the next one parsed every file again.
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
ContentKey = tuple[int, ...]
# A file's size and mtime (its sidecar's too): while they are what they were, its content
# is taken to be too, without reading it. None: not to be trusted (see `trusted_stat`).
StatKey = tuple[int, ...]


class Entry(NamedTuple):
    key: ContentKey  # a digest of the content
    stat: StatKey | None
    proposal: Proposal


Entries = dict[str, Entry]  # path -> what was parsed from it

# A file changed this soon before its stat is taken may change again within the same
# timestamp tick without its mtime moving (git calls it racily clean): its stat is not
# kept, so that the next run reads it.
RACY_NS = 2_000_000_000


def trusted_stat(stat: StatKey | None, now_ns: int) -> StatKey | None:
    """The stat to keep for a file: None when its mtime is too recent to be trusted."""
    if stat is None or any(now_ns - mtime < RACY_NS for mtime in stat[1::2]):
        return None
    return stat


def cache_dir() -> Path:
    configured = os.environ.get("RFCDESK_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rfcdesk"


def keyed_file(kind: str, *parts: str) -> Path:
    """The cache file for one kind of data under a key made of `parts` (and our version)."""
    key = "\0".join((kind, str(FORMAT), __version__, *parts))
    return cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.{kind}.pickle"


def cache_file(place: str, scheme_key: str) -> Path:
    """The parse cache of a folder (`place` names it) read under a scheme (`scheme_key`)."""
    key = f"{FORMAT}\0{__version__}\0{place}\0{scheme_key}"
    return cache_dir() / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".pickle")


class Result(NamedTuple):
    """A whole check's outcome, reused while no file in the folder changed."""

    key: str
    diagnostics: list[Diagnostic]
    paths: tuple[str, ...]  # the proposals checked
    outside: dict[str, bool]  # link targets outside the folder, and whether they existed


def result_file(root: Path) -> Path:
    key = f"result\0{FORMAT}\0{__version__}\0{root.resolve()}"
    return cache_dir() / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".result.pickle")


def load_result(root: Path, key: str) -> Result | None:
    """The stored result for this key, if every outside link target is as it was."""
    data = load_any(result_file(root))
    if not isinstance(data, Result) or data.key != key:
        return None
    if any((root / path).exists() != existed for path, existed in data.outside.items()):
        return None
    return data


def save_result(root: Path, result: Result) -> None:
    save(result_file(root), result)


def load_any(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # a missing, truncated or foreign cache is no cache
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to be pruned
    return data


def load(path: Path) -> Entries:
    data = load_any(path)
    return data if isinstance(data, dict) else {}


# The parse cache of a folder is kept in this many files, a file's entry in the one its
# name picks: after one edit only that one is written again.
SHARDS = 16


def shard_of(name: str) -> int:
    return zlib.crc32(name.encode()) % SHARDS


def shard_file(path: Path, shard: int) -> Path:
    return path.with_name(f"{path.stem}.{shard:02d}{path.suffix}")


Shard = dict[str, Any]  # file name -> what is kept for it


def load_shards(path: Path) -> list[Shard]:
    """Every shard of a sharded cache (an empty one where a file is missing or unreadable)."""
    return [load(shard_file(path, shard)) for shard in range(SHARDS)]


def save_shards(path: Path, shards: Mapping[int, Shard]) -> None:
    """Write the shards given (the others are as they were)."""
    for shard, entries in shards.items():
        save(shard_file(path, shard), entries)


def stable_digest(value: object) -> str:
    """A digest of a value that is the same in every process: sets are taken in sorted
    order (their iteration order changes with the interpreter's hash seed)."""
    return hashlib.sha256(repr(_canonical(value)).encode()).hexdigest()


def _canonical(value: object) -> object:
    if isinstance(value, (set, frozenset)):
        return ("set", sorted(repr(_canonical(v)) for v in value))
    if isinstance(value, dict):
        return ("dict", sorted((repr(_canonical(k)), _canonical(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, [_canonical(v) for v in value])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [(f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value)]
        return (type(value).__name__, fields)
    return repr(value)


def save(path: Path, entries: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return
    prune(path.parent, max_bytes(), keep=path)


def max_bytes() -> int:
    configured = os.environ.get("RFCDESK_CACHE_MAX_MB", "")
    return int(configured) * 1024 * 1024 if configured.isdigit() else DEFAULT_MAX_BYTES


def prune(folder: Path, limit: int, keep: Path | None = None) -> None:
    """Remove the cache files used longest ago until the folder holds at most `limit` bytes
    (never `keep`, the file just written)."""
    files = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and entry.name.endswith(".pickle"):
                st = entry.stat(follow_symlinks=False)
                files.append((st.st_mtime_ns, st.st_size, entry.path))
    total = sum(size for _, size, _ in files)
    for _, size, name in sorted(files):
        if total <= limit:
            break
        if keep is not None and name == str(keep):
            continue
        with contextlib.suppress(OSError):
            os.unlink(name)
            total -= size
