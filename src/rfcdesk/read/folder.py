"""Open a proposal folder: pick the scheme, read the template and index, load proposals.

This is the read pipeline every command shares: list -> read -> parse (in parallel, from
the cache when a file has not changed) -> a Folder value the rules and reports work on.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from rfcdesk.edge import cache
from rfcdesk.edge.files import (
    Listing,
    Stats,
    TreeState,
    decode_document,
    glob_depth,
    list_files,
    read_bytes,
    read_document,
    repository_root,
    select_files,
    walk,
    within,
)
from rfcdesk.edge.progress import Progress
from rfcdesk.edge.workers import parallel_map
from rfcdesk.errors import EXIT_FINDINGS, FatalError
from rfcdesk.model import Diagnostic, Proposal, Severity
from rfcdesk.read.approvals import ANYONE, Roster, records_approvals
from rfcdesk.read.index import IndexTable, parse_index
from rfcdesk.read.proposal import parse_proposal, suppressions, unreadable
from rfcdesk.read.roster import read_roster
from rfcdesk.read.settings import Config
from rfcdesk.read.template import TemplateInfo, template_info
from rfcdesk.scheme.detect import best_fit, detection_depth, rank_schemes
from rfcdesk.scheme.discover import (
    SEARCH_DEPTH,
    SKIPPED_AT_TOP,
    SKIPPED_FOLDERS,
    is_template,
    nearest_candidate,
)
from rfcdesk.scheme.load import resolve_scheme, with_process
from rfcdesk.scheme.model import Scheme, fold

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
_CHUNK = 64


class Folder(NamedTuple):
    root: Path
    scheme: Scheme
    template: TemplateInfo
    proposals: tuple[Proposal, ...]
    index_table: IndexTable | None
    index_suppressed: frozenset[str]
    extra: tuple[Diagnostic, ...]  # problems with the template or index files themselves
    # Each proposal's content key (from the parse cache): its rules' findings are reused
    # while it and the folder around it are unchanged.
    keys: Mapping[str, cache.ContentKey] = MappingProxyType({})
    roster: Roster = ANYONE  # who counts for approvals, where the folder records them
    approvals_recorded: bool = False  # some proposal writes its approvals down
    # The folder as it was walked when it was opened, each file's size and mtime with it
    # (None when it was read without the caches).
    tree: TreeState | None = None

    def exists(self, path: str) -> bool:
        """Whether a folder-relative path is on disk."""
        return (self.root / path).exists()

    def label(self, proposal: Proposal) -> str:
        """How people name a proposal: its id the scheme's way ("KLIP-12"), else its path."""
        return self.scheme.label(proposal.id) if proposal.id else proposal.path

    def field_value(self, proposal: Proposal, kind: str) -> str | None:
        """The value of the proposal's field of this kind ("status", "people"...), if any."""
        spec = self.scheme.field_of_kind(kind)
        found = proposal.field(spec.name) if spec else None
        return found.value if found else None

    def find(self, wanted: str) -> Proposal:
        """A proposal by id ("12", "KLIP-12"), file name, or an unambiguous part of one."""
        key = fold(wanted).removesuffix(".md")
        label_prefix = fold(self.scheme.label("")).rstrip("-_ ")
        stripped = key.removeprefix(label_prefix).lstrip("-_ ") if label_prefix else key
        if stripped.isdigit():
            stripped = str(int(stripped))
        by_id = [p for p in self.proposals if p.id is not None and fold(p.id) in (key, stripped)]
        by_name = [p for p in self.proposals if fold(p.path).removesuffix(".md") == key]
        for found in (by_id, by_name):
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = ", ".join(p.path for p in found)
                raise FatalError(f"`{wanted}` names {len(found)} proposals: {names}", EXIT_FINDINGS)
        partial = [p for p in self.proposals if key in fold(p.path)]
        if len(partial) == 1:
            return partial[0]
        if partial:
            names = ", ".join(p.path for p in partial)
            raise FatalError(f"`{wanted}` matches {len(partial)} proposals: {names}", EXIT_FINDINGS)
        raise FatalError(f"no proposal `{wanted}` in {self.root}", EXIT_FINDINGS)


def choose_scheme(config: Config, requested: str | None = None) -> Scheme:
    """The scheme asked for (`--scheme`), else the configured one, else the detected one,
    held to the approvals and periods the settings give."""
    scheme = _chosen_scheme(config, requested)
    return with_process(
        scheme, config.approvals, config.periods, config.source, config.scheme_at[:-1]
    )


def _chosen_scheme(config: Config, requested: str | None = None) -> Scheme:
    if requested:
        return resolve_scheme(requested, None)  # type: ignore[return-value]
    configured = resolve_scheme(config.scheme, config.source, config.scheme_at)
    if configured is not None:
        return configured
    root = config.folder
    detected = detect_scheme(root)
    if detected is None:
        listing = walk(root, SEARCH_DEPTH, SKIPPED_AT_TOP, SKIPPED_FOLDERS)
        raise FatalError(f"no proposals found under {root}; {nearest_candidate(listing.files)}")
    return detected


def detect_scheme(root: Path) -> Scheme | None:
    """The built-in scheme that best explains a folder, or None when none explains a file."""
    parse = functools.partial(parse_file, root)
    fits = rank_schemes(list_files(root, detection_depth()), parse, lambda p: (root / p).is_file())
    best = best_fit(fits)
    return best.scheme if best else None


def proposal_paths(root: Path, scheme: Scheme) -> list[str]:
    """The folder's files that the scheme's `include` globs take, template and index too."""
    return _selected(walk(root, glob_depth(scheme.include)), scheme)


def _selected(listing: Listing, scheme: Scheme) -> list[str]:
    """The files the scheme takes, less links that only repeat another file taken."""
    names = select_files(list(listing.files), scheme.include, scheme.exclude)
    taken = set(names)
    return [
        n
        for n in names
        if listing.aliases.get(n) not in taken and (n == scheme.template or not in_template(n))
    ]


def in_template(path: str) -> bool:
    """Whether a path is a template or lies in a template's folder: never a proposal."""
    if "template" not in path.lower():
        return False  # most paths: no part of them can be named so
    return any(is_template(part) for part in path.split("/"))


def _escape(path: str) -> Diagnostic:
    return Diagnostic(
        path,
        0,
        1,
        "F008",
        "link-outside",
        "symbolic link to a place outside the folder; rfcdesk does not follow it",
        Severity.ERROR,
    )


def open_folder(
    config: Config,
    scheme_name: str | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    tree: TreeState | None = None,
) -> Folder:
    """Read a proposal folder under its scheme.

    `tree`: the whole folder walked already, with each file's size and mtime, for a
    command that checks the folder too (`check` needs the whole tree, walked once);
    else the folder is walked as deep as the scheme's names reach.
    """
    root = config.folder
    scheme = choose_scheme(config, scheme_name)
    depth = glob_depth(scheme.include)
    listing = within(tree.listing, depth) if tree else walk(root, depth)
    names = _selected(listing, scheme)
    extra: list[Diagnostic] = [_escape(path) for path in listing.escapes]

    template_text = None
    if scheme.template and (root / scheme.template).is_file():
        # A template may sit above the folder on purpose, but not outside the repository
        # (or, outside one, the folder the proposals were found below).
        climbs = scheme.template.startswith("../")
        boundary = (repository_root(root) or config.top) if climbs else None
        read = read_document(root, scheme.template, boundary)
        if isinstance(read, Diagnostic):
            extra.append(read)
        else:
            template_text = read

    index, index_suppressed = None, frozenset[str]()
    index_name = scheme.index.file if scheme.index else None
    if scheme.index and index_name in names:
        read = read_document(root, scheme.index.file)
        if isinstance(read, Diagnostic):
            extra.append(read)
        else:
            index = _parsed_index(scheme, read, use_cache)
            index_suppressed = suppressions(read, ())
    skip = {scheme.template, index_name}
    proposal_names = [n for n in names if n not in skip]
    loaded = load_proposals(
        root, proposal_names, scheme, use_cache, jobs, tree.stats if tree else None
    )
    proposals = tuple(p for p in loaded.proposals if not p.pointer)
    template = template_info(scheme, template_text, proposals)
    roster, recorded = ANYONE, records_approvals(proposals, scheme)
    if scheme.approvals is not None and recorded:
        roster = read_roster(config, root, scheme.approvals.group)
    return Folder(
        root,
        scheme,
        template,
        proposals,
        index,
        index_suppressed,
        tuple(extra),
        loaded.keys,
        roster,
        recorded,
        tree,
    )


def _parsed_index(scheme: Scheme, text: str, use_cache: bool) -> IndexTable | None:
    """The index table, parsed once per content (a README of 10,000 rows takes a while)."""
    assert scheme.index is not None
    if not use_cache:
        return parse_index(scheme.index.file, text, scheme.index)
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    path = cache.keyed_file("index", digest, repr(scheme.index))
    stored = cache.load_any(path)
    if isinstance(stored, tuple) and len(stored) == 1:  # (the table or None,)
        return stored[0]  # type: ignore[no-any-return]
    index = parse_index(scheme.index.file, text, scheme.index)
    cache.save(path, (index,))
    return index


def sidecar_path(scheme: Scheme, name: str) -> str | None:
    """Where the file holding a document's fields is, for schemes that keep one."""
    if scheme.sidecar is None:
        return None
    return posixpath.join(posixpath.dirname(name), scheme.sidecar)


def parse_file(root: Path, name: str, scheme: Scheme) -> Proposal:
    """Read and parse one proposal (and its sidecar); a file that cannot be read is kept."""
    return _parse_read(name, scheme, *_read_sources(root, name, scheme))


# What reading a document's file (and its sidecar's, None for a scheme without one) gave.
_Read = bytes | Diagnostic


def _read_sources(root: Path, name: str, scheme: Scheme) -> tuple[_Read, _Read | None]:
    side = sidecar_path(scheme, name)
    document = read_bytes(root, name)
    if side is None:
        return document, None
    if not (root / side).is_file():
        message = f"`{side}` is missing: it holds this proposal's metadata"
        return document, Diagnostic(side, 0, 1, "F007", "missing-sidecar", message, Severity.ERROR)
    return document, read_bytes(root, side)


def _parse_read(name: str, scheme: Scheme, document: _Read, side: _Read | None) -> Proposal:
    read = document if isinstance(document, Diagnostic) else decode_document(name, document)
    if isinstance(read, Diagnostic):
        return unreadable(name, scheme, read)
    side_path = sidecar_path(scheme, name)
    if side_path is None or side is None:
        return parse_proposal(name, read, scheme)
    side_text = side if isinstance(side, Diagnostic) else decode_document(side_path, side)
    if isinstance(side_text, Diagnostic):  # the document stands, without fields
        return parse_proposal(name, read, scheme, (side_path, ""))._replace(
            diagnostics=(side_text,)
        )
    return parse_proposal(name, read, scheme, (side_path, side_text))


def _key_of(document: _Read, side: _Read | None) -> cache.ContentKey | None:
    """A digest of a document's bytes (and its sidecar's): equal when the content is.

    Content, not mtimes, so that a cache restored into a fresh clone (where every mtime is
    new) is still used. None when a file cannot be read (it is parsed, not cached).
    """
    digest = hashlib.blake2b(digest_size=16)
    for data in (document, side):
        if isinstance(data, Diagnostic):
            return None
        if data is not None:
            digest.update(len(data).to_bytes(8, "big") + data)
    return tuple(digest.digest())


def content_key(root: Path, name: str, scheme: Scheme) -> cache.ContentKey | None:
    """A document's content key (see `_key_of`), read from its files."""
    return _key_of(*_read_sources(root, name, scheme))


def stat_key(
    root: Path, name: str, scheme: Scheme, taken: Stats | None = None
) -> cache.StatKey | None:
    """The size and mtime of a document (and its sidecar), or None when one is missing;
    as `taken` has them, where a walk of the folder took them already."""
    found: list[int] = []
    for path in (name, sidecar_path(scheme, name)):
        if path is None:
            continue
        if taken is not None and path in taken:
            found += taken[path]
            continue
        try:
            st = os.stat(os.path.join(root, path))
        except OSError:
            return None
        found += (st.st_size, st.st_mtime_ns)
    return tuple(found)


def parse_keyed(
    root: Path, name: str, scheme: Scheme
) -> tuple[Proposal, cache.ContentKey | None, cache.StatKey | None]:
    """Parse a file where its content key is taken too (in a worker: in parallel). The key
    and stat come first: a file edited while it is parsed then misses next time, instead
    of its new text being taken for the old."""
    stat = stat_key(root, name, scheme)
    document, side = _read_sources(root, name, scheme)
    return _parse_read(name, scheme, document, side), _key_of(document, side), stat


class Loaded(NamedTuple):
    proposals: tuple[Proposal, ...]
    keys: dict[str, cache.ContentKey]  # each proposal's content key, where it has one


def load_proposals(
    root: Path,
    names: list[str],
    scheme: Scheme,
    use_cache: bool = True,
    jobs: int | None = None,
    taken: Stats | None = None,
) -> Loaded:
    """Parse the named files, reusing cached results for files whose content is unchanged.

    A file whose size and mtime are as cached is not read at all; one whose stat changed
    (a fresh clone) is digested and reused if its content did not change; the rest are
    parsed, their digests taken as they are read. `taken`: the files' sizes and mtimes, where
    a walk of the folder took them already.
    """
    path = cache.cache_file(cache_place(root), repr(scheme))
    shards = cache.load_shards(path) if use_cache else [{} for _ in range(cache.SHARDS)]
    fresh: list[cache.Entries] = [{} for _ in shards]
    todo: list[str] = []
    result: dict[str, Proposal] = {}
    for name in names:
        shard = cache.shard_of(name)
        hit = shards[shard].get(name)
        if not isinstance(hit, cache.Entry):
            todo.append(name)
            continue
        stat = stat_key(root, name, scheme, taken)
        if stat is not None and hit.stat == stat:
            result[name] = hit.proposal
            fresh[shard][name] = hit
        elif hit.key == content_key(root, name, scheme):
            result[name] = hit.proposal
            fresh[shard][name] = hit._replace(stat=stat)
        else:
            todo.append(name)
    with Progress("parsed", len(todo)) as progress:
        for proposal, key, stat in _parse_all(root, todo, scheme, jobs):
            progress.advance()
            result[proposal.path] = proposal
            if key is not None and proposal.load_error is None:
                entry = cache.Entry(key, stat, proposal)
                fresh[cache.shard_of(proposal.path)][proposal.path] = entry
    if use_cache:
        now = time.time_ns()
        changed = {
            shard: {n: e._replace(stat=cache.trusted_stat(e.stat, now)) for n, e in new.items()}
            for shard, (old, new) in enumerate(zip(shards, fresh, strict=True))
            if not _same_entries(old, new)
        }
        cache.save_shards(path, changed)
    keys = {name: entry.key for shard in fresh for name, entry in shard.items()}
    return Loaded(tuple(result[name] for name in names), keys)


def _same_entries(old: cache.Entries, new: cache.Entries) -> bool:
    """Whether a shard holds what it held: the same names, each entry the very one loaded
    (by identity: comparing parsed proposals field by field would cost more than saving)."""
    return old.keys() == new.keys() and all(new[name] is entry for name, entry in old.items())


def cache_place(root: Path) -> str:
    """Where a folder's parse cache is filed: its path inside its git repository, so that
    another clone of the repository (a CI checkout with a restored cache) finds it."""
    top = repository_root(root.resolve())
    return root.resolve().relative_to(top).as_posix() if top else str(root.resolve())


def _parse_all(
    root: Path, names: list[str], scheme: Scheme, jobs: int | None
) -> Iterator[tuple[Proposal, cache.ContentKey | None, cache.StatKey | None]]:
    """Each file parsed with its keys, in order, as the workers finish them."""
    parse = functools.partial(parse_keyed, root, scheme=scheme)
    return parallel_map(parse, names, jobs, PARALLEL_THRESHOLD, _CHUNK)
