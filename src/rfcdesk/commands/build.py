"""`rfcdesk build`: the static site of a folder (see `site.build` for its stages)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edge.files import tree_state
from rfcdesk.errors import EXIT_OK
from rfcdesk.history.load import shallow_note
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.site.build import BuildOptions, build_site


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    output: Path | None = None  # default: _site beside the folder
    base_url: str = ""  # where the site is published, for the feed's links


def run(options: Options, out: TextIO) -> int:
    """Build (or bring up to date) the folder's site and say where it is."""
    settings = folder_settings(options.path, options.scheme)
    # The build checks the folder too: one walk of it serves both.
    folder = open_folder(settings, options.scheme, tree=tree_state(settings.folder))
    target = options.output or (folder.root.parent / "_site")
    result = build_site(folder, BuildOptions(target, base_url=options.base_url))
    note = shallow_note(result.shallow_before)
    if note:
        print(f"rfcdesk: {note}", file=sys.stderr)
    print(built_message(result.pages, len(result.rendered), target, Path.cwd()), file=out)
    return EXIT_OK


def built_message(pages: int, rendered: int, target: Path, cwd: Path) -> str:
    """What a build says it did: "wrote 3 of 48 pages to _site/; 45 were current (open ...)"."""
    where = shown_path(target, cwd)
    index = where + "index.html" if where != "./" else "index.html"
    current = pages - rendered
    if pages and not rendered:
        every = "the" if pages == 1 else "all"
        return f"{every} {_pages(pages)} in {where} {_were(pages)} current (open {index})"
    if current:
        done = f"{rendered} of {_pages(pages)} to {where}; {current} {_were(current)} current"
    else:
        done = f"{_pages(pages)} to {where}"
    return f"wrote {done} (open {index})"


def shown_path(folder: Path, cwd: Path) -> str:
    """A folder as the user should see it, with a final slash: relative when it is inside
    the working directory, else absolute (never `../`)."""
    full = os.path.abspath(folder)
    try:
        relative = os.path.relpath(full, os.path.abspath(cwd))
    except ValueError:  # another drive on Windows
        return full.rstrip(os.sep) + os.sep
    if relative == ".":
        return "./"
    inside = relative != ".." and not relative.startswith(".." + os.sep)
    return (relative if inside else full).rstrip(os.sep) + os.sep


def _pages(count: int) -> str:
    return f"{count} page{'' if count == 1 else 's'}"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"
