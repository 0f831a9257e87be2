"""`rfcdesk index`: write the directory table and the "next number" line from the files."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edit.index import regenerate, set_next_number
from rfcdesk.edit.text import Text
from rfcdesk.edit.writer import FileChange, folder_lock, read_for_edit, write_or_show
from rfcdesk.errors import EXIT_FINDINGS, EXIT_OK, FatalError
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.numbers import next_free, numbers_in_folder


def plan_index(folder: Folder) -> FileChange | None:
    """The index file as `index` would write it; None when it is already so."""
    scheme = folder.scheme
    if scheme.index is None:
        raise FatalError(
            f"the {scheme.name} scheme keeps no index file; give the scheme an [index] table"
        )
    path = folder.root / scheme.index.file
    before, doc = read_for_edit(path, missing_ok=True)
    text = regenerate(doc.body, scheme, folder.proposals, folder.exists, folder.index_table)
    if scheme.id_kind == "number":
        table = folder.index_table
        used = numbers_in_folder(folder.proposals, table)
        nxt = table.next_number.number if table and table.next_number else None
        text = set_next_number(text, scheme, next_free(used, nxt))
    after = Text(doc.bom, text).encode()
    return None if after == before else FileChange(path, before, after)


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    check: bool = False  # change nothing; exit 1 and show the diff when the index is stale
    dry_run: bool = False


def run(options: Options, out: TextIO) -> int:
    """Rewrite the index table and the next-number line from the proposal files."""
    check, dry_run, scheme = options.check, options.dry_run, options.scheme
    config = folder_settings(options.path, options.scheme)
    with folder_lock(config.folder):
        folder = open_folder(config, scheme)
        change = plan_index(folder)
        assert folder.scheme.index is not None
        name = folder.scheme.index.file
        if change is None:
            print(f"{name} is up to date", file=out)
            return EXIT_OK
        write_or_show([change], folder.root, check or dry_run, out)
    if check:
        print(f"{name} is out of date: run `rfcdesk index` to rewrite it", file=out)
        return EXIT_FINDINGS
    if dry_run:
        return EXIT_OK
    print(f"wrote {name}", file=out)
    return EXIT_OK
