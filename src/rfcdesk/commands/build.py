"""`rfcdesk build`: the static site of a folder (see `site.build` for its stages)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.history.load import shallow_note
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.report.formats import display_path
from rfcdesk.site.build import BuildOptions, build_site


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    output: Path | None = None  # default: _site beside the folder
    base_url: str = ""  # where the site is published, for the feed's links


def run(options: Options, out: TextIO) -> int:
    """Build (or bring up to date) the folder's site and say where it is."""
    folder = open_folder(load_config(options.path), options.scheme)
    target = options.output or (folder.root.parent / "_site")
    result = build_site(folder, BuildOptions(target, base_url=options.base_url))
    note = shallow_note(result.shallow_before)
    if note:
        print(f"rfcdesk: {note}", file=sys.stderr)
    shown = display_path(target, "index.html")
    print(
        f"built {result.pages} proposal pages ({len(result.rendered)} rendered, "
        f"{result.pages - len(result.rendered)} current) in {result.seconds:.2f}s: open {shown}",
        file=out,
    )
    return EXIT_OK
