"""What `check` reports for an opened folder: every enabled rule run, the findings made while
reading added, filtered by the settings, and reused whole from the cache while no file in
the folder changed. The site and the exports show the same findings through here."""

from __future__ import annotations

from pathlib import Path

from rfcdesk.edge import cache
from rfcdesk.edge.files import tree_fingerprint
from rfcdesk.model import Diagnostic, Severity
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.settings import Config
from rfcdesk.rules import Context, context_of, enabled, load_all, run_rules


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
) -> list[Diagnostic]:
    load_all()
    found = run_rules(ctx, select or ("",), ignore, only)
    if folder.scheme.inferred:
        found = [_as_inferred(d) for d in found]
    extra = [d for d in folder.extra if enabled(d.code, select or ("",), ignore)]
    return sorted([*extra, *found], key=lambda d: (d.path, d.line, d.col, d.code))


# Rule families that hold a proposal to its process's requirements (metadata, sections,
# title, index), as opposed to facts about the files (unreadable, duplicate ids, links).
REQUIREMENT_FAMILIES = ("M", "S", "T", "I")


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
    key = "\0".join(
        [tree_fingerprint(root), repr(scheme), repr(config), repr(select), repr(ignore)]
    )
    if use_cache:
        stored = cache.load_result(root, key)
        if stored is not None:
            return stored.diagnostics, root, stored.paths
    folder = opened or open_folder(config, scheme, use_cache, jobs)
    ctx = context_of(folder)
    diagnostics = _diagnose(folder, ctx, select, ignore, only)
    if use_cache and only is None:
        paths = tuple(p.path for p in folder.proposals)
        cache.save_result(root, cache.Result(key, diagnostics, paths, ctx.outside))
    return diagnostics, folder.root, tuple(p.path for p in folder.proposals)
