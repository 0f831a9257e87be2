"""`rfcdesk check`: lint a proposal folder and report every problem found."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edge import cache
from rfcdesk.edge.files import tree_fingerprint
from rfcdesk.errors import EXIT_FINDINGS, EXIT_OK, FatalError
from rfcdesk.model import Diagnostic, Severity
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.settings import Config, load_config
from rfcdesk.report.baseline import apply_baseline, read_baseline, write_baseline
from rfcdesk.report.formats import FORMATTERS, Report
from rfcdesk.rules import RULES, Context, enabled, load_all, run_rules
from rfcdesk.rules.against import CODE, shared_ids


class CheckOptions(NamedTuple):
    scheme: str | None = None
    output_format: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: Path | None = None
    write_baseline: Path | None = None
    use_cache: bool = True
    jobs: int | None = None
    statistics: bool = False
    color: bool = False
    against: str | None = None  # a git ref whose proposals may share our ids


def _validate_codes(codes: tuple[str, ...]) -> None:
    for code in codes:
        if not any(rule.startswith(code) for rule in RULES):
            raise FatalError(f"no rule code starts with {code!r}; `rfcdesk rules` lists them")


def diagnose(
    folder: Folder, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> list[Diagnostic]:
    """All diagnostics for an opened folder."""
    return _diagnose(folder, folder.context(), select, ignore)


def _diagnose(
    folder: Folder, ctx: Context, select: tuple[str, ...], ignore: tuple[str, ...]
) -> list[Diagnostic]:
    load_all()
    found = run_rules(ctx, select or ("",), ignore)
    extra = [d for d in folder.extra if enabled(d.code, select or ("",), ignore)]
    return sorted([*extra, *found], key=lambda d: (d.path, d.line, d.col, d.code))


def configured_diagnostics(config: Config, folder: Folder) -> list[Diagnostic]:
    """What `check` reports for an opened folder under its settings (select, ignore),
    reused whole from the cache while no file in the folder changed."""
    options = CheckOptions(scheme=folder.scheme.name)
    return _cached_diagnose(config, options, config.select, config.ignore, folder)[0]


def _cached_diagnose(
    config: Config,
    options: CheckOptions,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    opened: Folder | None = None,
) -> tuple[list[Diagnostic], Path, int]:
    """Diagnostics, folder root and proposal count; reused whole when no file changed."""
    root = config.folder
    key = "\0".join(
        [tree_fingerprint(root), repr(options.scheme), repr(config), repr(select), repr(ignore)]
    )
    if options.use_cache:
        stored = cache.load_result(root, key)
        if stored is not None:
            return stored.diagnostics, root, stored.files
    folder = opened or open_folder(config, options.scheme, options.use_cache, options.jobs)
    ctx = folder.context()
    diagnostics = _diagnose(folder, ctx, select, ignore)
    if options.use_cache:
        result = cache.Result(key, diagnostics, len(folder.proposals), ctx.outside)
        cache.save_result(root, result)
    return diagnostics, folder.root, len(folder.proposals)


def run_check(path: Path, options: CheckOptions, out: TextIO | None = None) -> int:
    """Check the folder at `path`; print the report; return the exit code."""
    out = out or sys.stdout
    load_all()
    config = load_config(path)
    select = options.select or config.select
    ignore = options.ignore + config.ignore
    _validate_codes(select + ignore)
    diagnostics, root, files = _cached_diagnose(config, options, select, ignore)
    if options.against and enabled(CODE, select or ("",), ignore):
        folder = open_folder(config, options.scheme, options.use_cache, options.jobs)
        found = shared_ids(
            folder.root, folder.scheme, folder.proposals, folder.index_table, options.against
        )
        diagnostics = sorted([*diagnostics, *found], key=lambda d: (d.path, d.line, d.col, d.code))
    if options.write_baseline:
        write_baseline(options.write_baseline, diagnostics)
    hidden = 0
    if options.baseline:
        diagnostics, hidden = apply_baseline(diagnostics, read_baseline(options.baseline))
    report = Report(diagnostics, root, files, hidden, options.statistics, options.color)
    print(FORMATTERS[options.output_format](report), file=out)
    if options.write_baseline:
        print(f"Baseline written to {options.write_baseline}.", file=sys.stderr)
        return EXIT_OK
    errors = any(d.severity is Severity.ERROR for d in diagnostics)
    return EXIT_FINDINGS if errors else EXIT_OK
