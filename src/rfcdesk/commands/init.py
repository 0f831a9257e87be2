"""`rfcdesk init`: find the proposals below a folder, say how they are written, and keep
that in rfcdesk.toml.

The same search every command makes with no settings: the collections of proposals below
the folder, what was set aside and why, how each built-in scheme fits the first one, and
the scheme chosen: a built-in that clearly fits, else one inferred from the documents,
written as a `[scheme]` table to be edited from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple, TextIO

import tomli_w

from rfcdesk.edit.writer import FileChange, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.read.locate import Located, locate
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.detect import Fit
from rfcdesk.scheme.discover import Collection
from rfcdesk.scheme.load import SchemeSource, build_scheme, validate

SETTINGS = "rfcdesk.toml"
SHOWN_ASIDE = 12  # set-aside files listed by name; the rest are counted


class Options(NamedTuple):
    path: Path = Path(".")
    dry_run: bool = False
    draft: bool = False  # infer a scheme even when a built-in fits
    force: bool = False  # replace an existing rfcdesk.toml
    candidates: tuple[str, ...] = BUILTIN_NAMES  # the built-ins to consider
    explain: bool = False  # say what was found and why; write nothing


def run(options: Options, out: TextIO) -> int:
    """Explain what rfcdesk reads below a folder, and write rfcdesk.toml that keeps it."""
    path = options.path
    root = path.resolve()
    if not root.is_dir():
        raise FatalError(f"{path}: not a folder")
    target = root / SETTINGS
    if target.exists() and not options.force and not options.explain:
        raise FatalError(f"{target} exists already; pass --replace to replace it")
    located = locate(root, None, options.candidates, options.draft)
    if located is None:
        raise FatalError(
            f"{path}: no proposals found below it: no folder holds documents named with an id "
            "(`0042-slug.md`, `rfc-12-slug.md`, `20240131_slug.md`) or status folders "
            "(`accepted/`, `proposed/`)"
        )
    out.write(explain(located))
    if options.explain:
        return EXIT_OK
    text = settings_text(located)
    before = target.read_bytes() if target.exists() else None
    write_or_show([FileChange(target, before, text.encode())], root, options.dry_run, out)
    if not options.dry_run:
        out.write(f"Wrote {path / SETTINGS}. Run `rfcdesk check {path}` next.\n")
    return EXIT_OK


def explain(located: Located) -> str:
    """What was found, why, what was set aside, how the built-ins fit, what was chosen."""
    lines: list[str] = []
    count = len(located.collections)
    lines.append(f"Found {count} proposal collection{'s' if count != 1 else ''}:")
    for collection in located.collections:
        lines += _collection_lines(collection)
    lines.append("")
    lines.append(_fit_table(list(located.fits)))
    first = located.collections[0]
    where = f"{first.folder}/" if first.folder else "the folder itself"
    if located.inference is None:
        lines.append(f"{where}: the {located.scheme} scheme fits.")
    else:
        lines.append(f"{where}: no built-in scheme fits; inferred one:")
        lines += [f"  - {reason}" for reason in located.inference.reasons]
        for aside, why in located.inference.set_aside:
            lines.append(f"  - set aside {aside}: {why}")
    return "\n".join(lines) + "\n"


def _collection_lines(collection: Collection) -> list[str]:
    where = f"{collection.folder}/" if collection.folder else "./"
    why = f"{collection.named} named with an id"
    if collection.status_folders:
        why += ", status folders " + ", ".join(f"{f}/" for f in sorted(collection.status_folders))
    lines = [f"  {where}  {len(collection.documents)} documents ({why})"]
    aside = [f"{p} ({reason})" for p, reason in collection.set_aside]
    if aside:
        shown = ", ".join(aside[:SHOWN_ASIDE])
        more = f" and {len(aside) - SHOWN_ASIDE} more" if len(aside) > SHOWN_ASIDE else ""
        lines.append(f"    set aside: {shown}{more}")
    return lines


def _fit_table(ranking: list[Fit]) -> str:
    rows = [("scheme", "files", "names fit", "fields found")]
    for fit in ranking:
        if fit.named or fit.template:
            rows.append(
                (fit.scheme.name, str(fit.files), str(fit.named), f"{fit.content * 100:.0f}%")
            )
    if len(rows) == 1:
        return "No built-in scheme's file names occur there.\n"
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


def settings_text(located: Located) -> str:
    """rfcdesk.toml that keeps what was found: the folder, and the scheme."""
    first = located.collections[0]
    data: dict[str, Any] = {}
    if first.folder:
        data["path"] = first.folder
    if isinstance(located.scheme, dict):
        table = located.scheme
        source = SchemeSource("the inferred scheme")
        validate(table, source)  # an inferred scheme that does not validate is our bug
        build_scheme(table, source)
        data["scheme"] = table
        head = (
            "# rfcdesk settings, written by `rfcdesk init`. No built-in scheme fits these\n"
            "# proposals, so the scheme below was inferred from them: where their fields are,\n"
            "# which is the status and its words, where the title is, their common sections.\n"
            "# Nothing inferred is required; edit it to match your process\n"
            "# (`rfcdesk schemes --json-schema` documents every key).\n"
        )
    else:
        data["scheme"] = located.scheme
        head = (
            f"# rfcdesk settings, written by `rfcdesk init`: the {located.scheme} scheme fits\n"
            f"# these proposals. See `rfcdesk schemes {located.scheme}` for what it checks;\n"
            "# a `[scheme]` table here can describe a process of your own instead.\n"
        )
    return head + tomli_w.dumps(data, multiline_strings=False)
