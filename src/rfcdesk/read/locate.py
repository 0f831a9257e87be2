"""With no settings, find the proposals below the folder given and how they are written.

`rfcdesk check` run at a repository's top finds `rfcs/` (or `docs/decisions/`, or the top
itself), then reads it under a built-in scheme when one clearly fits, else under a scheme
inferred from the documents. Settings, when present, decide instead.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

from rfcdesk.edge import cache
from rfcdesk.edge.cache import StatKey
from rfcdesk.edge.files import Listing, read_document, walk
from rfcdesk.edge.git import ignored_folders
from rfcdesk.model import Diagnostic, Proposal
from rfcdesk.read.folder import parse_file, sidecar_path
from rfcdesk.read.settings import Config, load_config
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.detect import Fit, rank_schemes
from rfcdesk.scheme.discover import (
    SEARCH_DEPTH,
    SKIPPED_AT_TOP,
    SKIPPED_FOLDERS,
    Collection,
    discover,
)
from rfcdesk.scheme.infer import Inference, infer_scheme
from rfcdesk.scheme.load import builtin_scheme
from rfcdesk.scheme.model import Scheme, slugify

# Set to hide the built-in schemes from detection: every folder is then inferred.
NO_BUILTINS = "RFCDESK_NO_BUILTINS"
# A built-in clearly fits when most documents carry its names and a fair share of its
# fields: a lone template that fits its name pattern is no reason to choose it.
MIN_NAMED = 0.5
MIN_CONTENT = 0.5
MIN_CONTENT_WITH_TEMPLATE = 0.25


class Located(NamedTuple):
    """What was found below a folder, and the scheme chosen for the first collection."""

    root: Path  # where the search started
    collections: tuple[Collection, ...]
    scheme: str | dict[str, Any] | None  # a built-in's name or an inferred table
    fits: tuple[Fit, ...]  # how the built-ins fit the first collection
    inference: Inference | None
    note: str  # one line: what is read, and how


def folder_settings(
    path: Path, requested: str | None = None, quiet: bool = False, use_cache: bool = True
) -> Config:
    """The settings for a command run on `path`: the settings file's, or, with none, the
    proposal folder found below `path` and its scheme, said once on stderr."""
    config = load_config(path)
    if config.source is not None:
        return config
    located = remembered_locate(config.folder, requested) if use_cache else None
    located = located or locate(config.folder, requested)
    if located is None:
        return config
    collection = located.collections[0]
    folder = (config.folder / collection.folder) if collection.folder else config.folder
    # Said where it is news: the folder read is not the one given, or its scheme was
    # inferred; on a terminal, always. A built-in read where it was pointed needs no word
    # in a pipe.
    news = bool(collection.folder) or located.inference is not None or sys.stderr.isatty()
    if not quiet and located.note and news:
        sys.stderr.write(f"rfcdesk: {located.note}\n")
    scheme = config.scheme if requested else located.scheme
    return config._replace(folder=folder, scheme=scheme, top=config.folder)


class _Remembered(NamedTuple):
    """What `locate` found, and the files it read to find it, as they were."""

    located: Located
    read: tuple[tuple[str, StatKey | None], ...]  # absolute path -> (size, mtime), or None


def remembered_locate(root: Path, requested: str | None = None) -> Located | None:
    """What `locate` found last time below the same files, while none of the files it read
    has changed; otherwise it looks again and remembers. None: no proposals below."""
    listing = walk(root, SEARCH_DEPTH, SKIPPED_AT_TOP | ignored_folders(root), SKIPPED_FOLDERS)
    key = (str(root.resolve()), requested, os.environ.get(NO_BUILTINS, ""), listing.files)
    path = cache.keyed_file("locate", cache.stable_digest(key))
    stored = cache.load_any(path)
    if isinstance(stored, _Remembered) and all(_stat(p) == st for p, st in stored.read):
        return stored.located
    read: dict[str, StatKey | None] = {}
    located = locate(root, requested, reading=read, listing=listing)
    now = time.time_ns()
    trusted = all(st is None or cache.trusted_stat(st, now) for st in read.values())
    if located is not None and trusted:
        cache.save(path, _Remembered(located, tuple(read.items())))
    return located


def _stat(path: str) -> StatKey | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def locate(
    root: Path,
    requested: str | None = None,
    candidates: tuple[str, ...] | None = None,
    infer: bool = False,
    reading: dict[str, StatKey | None] | None = None,
    listing: Listing | None = None,
) -> Located | None:
    """The collections below a folder and the scheme of the largest, or None if none.

    `candidates` are the built-ins considered (default: all); with `infer`, the scheme is
    inferred even when a built-in fits. `reading` receives the files read, with their stat.
    """
    if listing is None:
        skip = SKIPPED_AT_TOP | ignored_folders(root)
        listing = walk(root, SEARCH_DEPTH, skip, SKIPPED_FOLDERS)
    collections = discover(listing.files)
    if not collections:
        return None
    first = collections[0]
    folder = root / first.folder if first.folder else root
    where = f"{first.folder}/" if first.folder else "this folder"
    if len(collections) > 1:  # the others are named, so that nobody thinks them read
        others = ", ".join(f"{c.folder or '.'}/" for c in collections[1:4])
        more = ", ..." if len(collections) > 4 else ""
        where += f" (also found: {others}{more}; `rfcdesk init --explain` lists them)"
    if requested:
        note = f"reading {len(first.documents)} documents in {where}" if first.folder else ""
        return Located(root, tuple(collections), requested, (), None, note)
    fits = _builtin_fits(folder, first, candidates, reading)
    chosen = None if infer else next((f for f in fits if clearly_fits(f, first)), None)
    if chosen is not None:
        note = (
            f"the {chosen.scheme.name} scheme fits {chosen.named} of {len(first.documents)} "
            f"documents in {where}; `rfcdesk init` keeps it"
        )
        return Located(root, tuple(collections), chosen.scheme.name, tuple(fits), None, note)
    read = functools.partial(_read, folder, reading)
    inference = infer_scheme(scheme_name(folder), first, read)
    note = (
        f"inferred a scheme from {len(inference.documents)} documents in {where}; "
        "`rfcdesk init` keeps it"
    )
    return Located(root, tuple(collections), inference.table, tuple(fits), inference, note)


def clearly_fits(fit: Fit, collection: Collection) -> bool:
    """Whether a built-in explains a collection: most documents fit its names and it finds
    a fair share of its fields in them."""
    documents = len(collection.documents)
    if not documents or fit.named < MIN_NAMED * documents:
        return False
    # The scheme's own template beside the documents vouches for it where the documents
    # have let some of its fields go (WeSQL-Scale's RFCs dropped their Status lines).
    return fit.content >= (MIN_CONTENT_WITH_TEMPLATE if fit.template else MIN_CONTENT)


def _builtin_fits(
    folder: Path,
    collection: Collection,
    candidates: tuple[str, ...] | None,
    reading: dict[str, StatKey | None] | None = None,
) -> list[Fit]:
    if os.environ.get(NO_BUILTINS):
        return []
    schemes = [builtin_scheme(name) for name in (candidates or BUILTIN_NAMES)]
    paths = list(collection.documents)

    def parse(path: str, scheme: Scheme) -> Proposal:
        _note(reading, folder / path)
        side = sidecar_path(scheme, path)
        if side is not None:
            _note(reading, folder / side)
        return parse_file(folder, path, scheme)

    def exists(path: str) -> bool:
        _note(reading, folder / path)
        return (folder / path).is_file()

    return rank_schemes(paths, parse, exists, schemes, True)


def _note(reading: dict[str, StatKey | None] | None, path: Path) -> None:
    if reading is not None:
        reading[str(path)] = _stat(str(path))


def _read(folder: Path, reading: dict[str, StatKey | None] | None, path: str) -> str | None:
    _note(reading, folder / path)
    boundary = folder.parent if path.startswith("../") else None
    read = read_document(folder, path, boundary)
    return None if isinstance(read, Diagnostic) else read


def scheme_name(folder: Path) -> str:
    """The name an inferred scheme takes: its folder's, as a scheme name may be written
    (ASCII letters, digits and dashes: `design_docs` -> `design-docs`)."""
    return slugify(folder.name) or "proposals"
