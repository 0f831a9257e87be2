"""What `check` reports for an opened folder: every enabled rule run, the findings made while
reading added, filtered by the settings, and reused whole from the cache while no file in
the folder changed. The site and the exports show the same findings through here."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from rfcdesk.edge import cache
from rfcdesk.edge.cache import ContentKey
from rfcdesk.edge.files import Listing, list_tree, tree_state
from rfcdesk.model import Diagnostic, Severity
from rfcdesk.read.folder import Folder, cache_place, open_folder
from rfcdesk.read.roster import roster_files
from rfcdesk.read.settings import Config
from rfcdesk.rules import Context, Reuse, context_of, enabled, load_all, run_rules


def diagnose(
    folder: Folder, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> list[Diagnostic]:
    """All diagnostics for an opened folder."""
    return _diagnose(folder, context_of(folder), select, ignore)


def _diagnose(
    folder: Folder,
    ctx: Context,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    only: frozenset[str] | None = None,
    reuse: Reuse | None = None,
    jobs: int | None = None,
) -> list[Diagnostic]:
    load_all()
    found = run_rules(ctx, select or ("",), ignore, only, reuse, jobs)
    if folder.scheme.inferred:
        found = [_as_inferred(d) for d in found]
    extra = [d for d in folder.extra if enabled(d.code, select or ("",), ignore)]
    return sorted([*extra, *found], key=lambda d: (d.path, d.line, d.col, d.code))


# Rule families that hold a proposal to its process's requirements (metadata, sections,
# title, index, relations between proposals), as opposed to facts about the files
# (unreadable, duplicate ids, links).
REQUIREMENT_FAMILIES = ("M", "S", "T", "I", "R")


def _as_inferred(diagnostic: Diagnostic) -> Diagnostic:
    """A requirement only inferred from the folder is a warning, never an error."""
    if diagnostic.code.startswith(REQUIREMENT_FAMILIES) and diagnostic.severity == Severity.ERROR:
        return diagnostic._replace(severity=Severity.WARNING)
    return diagnostic


def configured_diagnostics(config: Config, folder: Folder) -> list[Diagnostic]:
    """What `check` reports for an opened folder under its settings (select, ignore)."""
    return findings(config, config.select, config.ignore, folder.scheme.name, opened=folder)[0]


def findings(
    config: Config,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    scheme: str | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    opened: Folder | None = None,
    only: frozenset[str] | None = None,
) -> tuple[list[Diagnostic], Path, tuple[str, ...]]:
    """Diagnostics, folder root and proposal paths; reused whole when no file changed.

    With `only` (changed-files mode), what concerns those files: a whole result reused
    from the cache is filtered; otherwise only what can concern them is computed, from
    the per-file cache, and not kept as a whole result.
    """
    root = config.folder
    # One walk: the whole result's key, each file's stats, the listing for the rules (the
    # walk that opened the folder, when it is given opened).
    walked = opened.tree if opened is not None and opened.root == root else None
    tree = walked or tree_state(root)
    key = "\0".join(
        [
            tree.fingerprint,
            repr(scheme),
            repr(config),
            repr(select),
            repr(ignore),
            repr(roster_files(root)),
        ]
    )
    if use_cache:
        stored = cache.load_result(root, key)
        if stored is not None:
            return stored.diagnostics, root, stored.paths
    folder = opened or open_folder(config, scheme, use_cache, jobs, tree)
    if not use_cache:
        diagnostics = _diagnose(folder, context_of(folder), select, ignore, only, jobs=jobs)
        return diagnostics, folder.root, tuple(p.path for p in folder.proposals)
    # The rules and their surroundings see the folder as it was walked.
    listing = tree.listing if folder.root == root else list_tree(folder.root)
    ctx = context_of(folder, listing=listing)
    around = _surroundings(folder, config, select, ignore, listing)
    reuse, outside, shards = _stored_findings(folder, around)
    diagnostics = _diagnose(folder, ctx, select, ignore, only, reuse, jobs)
    # What the reused findings looked up outside the folder counts too: it was checked.
    outside = {**outside, **ctx.outside}
    _store_findings(folder, around, reuse, outside, shards)
    if only is None:
        paths = tuple(p.path for p in folder.proposals)
        cache.save_result(root, cache.Result(key, diagnostics, paths, outside))
    return diagnostics, folder.root, tuple(p.path for p in folder.proposals)


# --- each proposal's findings, reused while it and the folder around it are unchanged -------


class _Stored(NamedTuple):
    """One proposal's findings as a run left them."""

    key: ContentKey  # the proposal's content
    read: tuple[tuple[str, ContentKey | None], ...]  # the proposals its rules read, as read
    findings: tuple[Diagnostic, ...]


class _Around(NamedTuple):
    surroundings: str  # what the findings depend on besides the proposals (a digest)
    outside: dict[str, bool]  # link targets outside the folder, and whether they existed


def _surroundings(
    folder: Folder,
    config: Config,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    listing: Listing,
) -> str:
    """A digest of all a proposal's findings depend on besides the proposals: the scheme,
    the template and what the folder's practice made of it, the settings, and the names of
    the files around them (`listing`: links and images point at them)."""
    names = (sorted(listing.files), sorted(listing.folders), sorted(listing.escapes))
    return cache.stable_digest((folder.scheme, folder.template, config, select, ignore, names))


def _findings_file(folder: Folder) -> Path:
    return cache.keyed_file("findings", cache_place(folder.root), repr(folder.scheme))


def _stored_findings(
    folder: Folder, around: str
) -> tuple[Reuse, dict[str, bool], list[cache.Shard]]:
    """The findings of proposals that, like what their rules read, are unchanged since the
    last run in the same surroundings; the targets outside the folder that run looked up;
    the stored findings themselves."""
    path = _findings_file(folder)
    last = cache.load_any(path)
    if not isinstance(last, _Around) or last.surroundings != around:
        return Reuse({}, {}), {}, [{} for _ in range(cache.SHARDS)]
    if any((folder.root / target).exists() != was for target, was in last.outside.items()):
        return Reuse({}, {}), {}, [{} for _ in range(cache.SHARDS)]
    shards = cache.load_shards(path)
    keys = folder.keys
    known = {
        name: entry.findings
        for shard in shards
        for name, entry in shard.items()
        if isinstance(entry, _Stored)
        and keys.get(name) == entry.key
        and all(keys.get(other) == key for other, key in entry.read)
    }
    return Reuse(known, {}), last.outside, shards


def _store_findings(
    folder: Folder,
    around: str,
    reuse: Reuse,
    outside: dict[str, bool],
    shards: list[cache.Shard],
) -> None:
    if not reuse.computed:
        return
    keys = folder.keys
    changed: dict[int, cache.Shard] = {}
    for name, checked in reuse.computed.items():
        key = keys.get(name)
        if key is None:
            continue
        shard = cache.shard_of(name)
        if shard not in changed:
            changed[shard] = {n: e for n, e in shards[shard].items() if n in keys}
        read = tuple((other, keys.get(other)) for other in sorted(checked.read))
        changed[shard][name] = _Stored(key, read, checked.findings)
    cache.save(_findings_file(folder), _Around(around, outside))
    cache.save_shards(_findings_file(folder), changed)
