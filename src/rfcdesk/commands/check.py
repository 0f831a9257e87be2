"""`rfcdesk check`: lint a proposal folder and report every problem found."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edge.git import changed_since
from rfcdesk.errors import EXIT_FINDINGS, EXIT_OK, FatalError
from rfcdesk.model import Severity
from rfcdesk.read.folder import choose_scheme, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.report.baseline import apply_baseline, read_baseline, write_baseline
from rfcdesk.report.formats import FORMATTERS, Report
from rfcdesk.rules import RULES, context_of, enabled, load_all, run_rules
from rfcdesk.rules.against import CODE, against
from rfcdesk.rules.outcome import findings


class Options(NamedTuple):
    path: Path = Path(".")
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
    files: tuple[Path, ...] = ()  # report only what concerns these files
    changed_since: str | None = None  # ...or the files changed since this ref


def _validate_codes(codes: tuple[str, ...]) -> None:
    for code in codes:
        if not any(rule.startswith(code) for rule in RULES):
            raise FatalError(f"no rule code starts with {code!r}; `rfcdesk rules` lists them")


def _wanted(root: Path, options: Options) -> set[str] | None:
    """The folder-relative files whose findings are reported; None: the whole folder.

    Named files outside the folder are not its business (pre-commit passes every staged
    file); a named file that does not exist is a usage error.
    """
    # A file where the folder goes (`rfcdesk check a.md b.md`, as a hook with no arguments
    # runs) is one of the files, and its folder is the folder.
    named = (options.path, *options.files) if options.path.is_file() else options.files
    if not named and options.changed_since is None:
        return None
    wanted = changed_since(root, options.changed_since) if options.changed_since else set()
    real_root = root.resolve()
    for name in named:
        if not name.exists():
            raise FatalError(f"{name}: no such file")
        try:
            wanted.add(name.resolve().relative_to(real_root).as_posix())
        except ValueError:
            continue
    return wanted


def run(options: Options, out: TextIO) -> int:
    """Check the folder; print the report; return the exit code."""
    load_all()
    config = folder_settings(options.path, options.scheme, use_cache=options.use_cache)
    select = options.select or config.select
    ignore = options.ignore + config.ignore
    _validate_codes(select + ignore)
    wanted = _wanted(config.folder, options)
    diagnostics, root, proposals = findings(
        config,
        select,
        ignore,
        options.scheme,
        options.use_cache,
        options.jobs,
        only=None if wanted is None else frozenset(wanted),
    )
    if not proposals:
        # A check of a folder with nothing to check would pass any CI job set up wrong.
        scheme = choose_scheme(config, options.scheme)
        raise FatalError(
            f"no proposals found in {root}: the {scheme.name} scheme reads files like "
            f"`{scheme.file_example}`; point rfcdesk at the folder that holds them"
        )
    files = len(proposals)
    if options.against and enabled(CODE, select or ("",), ignore):
        folder = open_folder(config, options.scheme, options.use_cache, options.jobs)
        ctx = context_of(folder, against(folder, options.against))
        found = run_rules(ctx, (CODE,), ignore)
        diagnostics = sorted([*diagnostics, *found], key=lambda d: (d.path, d.line, d.col, d.code))
    if wanted is not None:
        diagnostics = [d for d in diagnostics if d.path in wanted or d.subject in wanted]
        files = len(wanted & set(proposals))
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
