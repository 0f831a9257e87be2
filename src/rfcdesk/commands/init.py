"""`rfcdesk init`: look at a folder, name the scheme that fits it, write rfcdesk.toml.

When no built-in scheme explains the files, a scheme is drafted from what they share and
written into rfcdesk.toml as a `[scheme]` table, to be edited from there.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import tomli_w

from rfcdesk.edge.files import list_files, read_document
from rfcdesk.edit.writer import FileChange, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.read.folder import parse_file
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.detect import Fit, detection_depth, rank_schemes
from rfcdesk.scheme.draft import draft_scheme, is_auxiliary
from rfcdesk.scheme.load import SchemeSource, build_scheme, builtin_scheme, validate

SETTINGS = "rfcdesk.toml"
# A built-in fits when most files carry its names and a fair share of its required fields
# (WeSQL-Scale's RFCs dropped their Status lines and still are RFCs).
MIN_NAMED = 0.5
MIN_CONTENT = 0.25


class Options(NamedTuple):
    path: Path = Path(".")
    dry_run: bool = False
    draft: bool = False  # draft a scheme even when a built-in fits
    force: bool = False  # replace an existing rfcdesk.toml
    candidates: tuple[str, ...] = BUILTIN_NAMES  # the built-ins to consider


def fits(fit: Fit) -> bool:
    """Whether a built-in explains a folder well enough to be named for it."""
    return bool(fit.files) and fit.named >= MIN_NAMED * fit.files and fit.content >= MIN_CONTENT


def run(options: Options, out: TextIO) -> int:
    """Write a starting rfcdesk.toml for the folder; print how each scheme fits."""
    path = options.path
    root = path.resolve()
    if not root.is_dir():
        raise FatalError(f"{path}: not a folder")
    target = root / SETTINGS
    if target.exists() and not options.force:
        raise FatalError(f"{target} exists already; pass --replace to replace it")
    paths = list_files(root, detection_depth())
    parse = functools.partial(parse_file, root)
    schemes = [builtin_scheme(name) for name in options.candidates]
    ranking = rank_schemes(paths, parse, lambda p: (root / p).is_file(), schemes, True)
    out.write(_table(ranking))
    best = ranking[0] if ranking else None
    if best is not None and fits(best) and not options.draft:
        text = _named(best)
        out.write(f"\n{path}: the {best.scheme.name} scheme fits ({best.named} files).\n")
    else:
        table, count = _drafted(root, paths)
        text = _drafted_text(table)
        out.write(f"\n{path}: no built-in scheme fits; drafted one from {count} files.\n")
    before = target.read_bytes() if target.exists() else None
    write_or_show([FileChange(target, before, text.encode())], root, options.dry_run, out)
    if not options.dry_run:
        out.write(f"Wrote {path / SETTINGS}. Run `rfcdesk check {path}` next.\n")
    return EXIT_OK


def _table(ranking: list[Fit]) -> str:
    rows = [("scheme", "files", "names fit", "fields found")]
    for fit in ranking:
        if fit.named or fit.template:
            rows.append(
                (fit.scheme.name, str(fit.files), str(fit.named), f"{fit.content * 100:.0f}%")
            )
    if len(rows) == 1:
        return "No built-in scheme's file names occur here.\n"
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


def _named(best: Fit) -> str:
    return (
        f"# rfcdesk settings, written by `rfcdesk init`: {best.named} of {best.files} files fit\n"
        f"# the {best.scheme.name} scheme. See `rfcdesk schemes {best.scheme.name}` for what it\n"
        "# checks; a `[scheme]` table here can describe a process of your own instead.\n"
        + tomli_w.dumps({"scheme": best.scheme.name})
    )


def _drafted(root: Path, paths: list[str]) -> tuple[dict[str, Any], int]:
    """A drafted scheme table for the folder's Markdown files, and how many it describes."""
    markdown_files = [p for p in paths if "/" not in p and p.endswith(".md")]
    texts: dict[str, str] = {}
    for name in markdown_files:
        read = read_document(root, name)
        if isinstance(read, str):
            texts[name] = read
    count = sum(1 for name in texts if not is_auxiliary(name))
    if not count:
        raise FatalError(f"{root}: no Markdown proposals here to draft a scheme from")
    table = draft_scheme(root.name.lower().replace(" ", "-") or "proposals", texts)
    source = SchemeSource("the drafted scheme")
    validate(table, source)  # a draft that does not validate is our bug
    build_scheme(table, source)
    return table, count


def _drafted_text(table: dict[str, Any]) -> str:
    return (
        "# rfcdesk settings, written by `rfcdesk init`. No built-in scheme fits this folder, so\n"
        "# the scheme below was drafted from what its files share: the fields most files\n"
        "# have, the status words they use, their common sections. Edit it to match your\n"
        "# process; `rfcdesk schemes --json-schema` documents every key.\n"
        + tomli_w.dumps({"scheme": table}, multiline_strings=False)
    )
