"""`rfcdesk completion SHELL`: the shell's completion script, and what it completes.

The script is click's own (the one `_RFCDESK_COMPLETE=bash_source rfcdesk` prints); the
shell runs rfcdesk with `_RFCDESK_COMPLETE=bash_complete` at each Tab, and click asks the
argument's callback, which lands here: proposal ids and status words read from the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, TextIO

import click
from click.shell_completion import CompletionItem, get_completion_class

from rfcdesk.errors import EXIT_OK
from rfcdesk.read.folder import choose_scheme, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.scheme.model import fold

SHELLS = ("bash", "zsh", "fish")
PROG_NAME = "rfcdesk"
COMPLETE_VAR = "_RFCDESK_COMPLETE"


class Options(NamedTuple):
    shell: str  # one of SHELLS
    cli: click.Command  # the command line the script completes


def run(options: Options, out: TextIO) -> int:
    """Print the completion script for a shell."""
    complete = get_completion_class(options.shell)
    assert complete is not None, options.shell  # the command line offers only SHELLS
    out.write(complete(options.cli, {}, PROG_NAME, COMPLETE_VAR).source())
    return EXIT_OK


def folders(incomplete: str) -> list[CompletionItem]:
    """Leave the word to the shell's own completion of folder names."""
    return [CompletionItem(incomplete, type="dir")]


def proposal_ids(path: Path, scheme: str | None, incomplete: str) -> list[CompletionItem]:
    """The ids of the folder's proposals that start with `incomplete`, each with its title.

    Bare ids ("12") first; when none starts with what was typed, the labels ("KLIP-12") do,
    so that both ways of naming a proposal complete. A proposal with no id is its file name.
    Any problem reading the folder means no completions: a shell shows no traceback.
    """
    try:
        folder = open_folder(folder_settings(path, scheme, quiet=True), scheme)
    except Exception:
        return []
    ordered = sorted(folder.proposals, key=lambda p: (folder.scheme.sort_key(p.id), p.path))
    ids = [(p.id or p.path, p.title) for p in ordered]
    found = _starting(ids, incomplete) or _starting(
        [(folder.label(p), p.title) for p in ordered], incomplete
    )
    return [CompletionItem(name, help=title) for name, title in found.items()]


def _starting(named: list[tuple[str, str | None]], incomplete: str) -> dict[str, str | None]:
    """The names that start with `incomplete` (case ignored), each once, with its title."""
    typed = fold(incomplete)
    found: dict[str, str | None] = {}
    for name, title in named:
        if fold(name).startswith(typed):
            found.setdefault(name, title)
    return found


def status_names(path: Path, scheme: str | None, incomplete: str) -> list[CompletionItem]:
    """The names of the folder's scheme's statuses that start with `incomplete`."""
    try:
        chosen = choose_scheme(folder_settings(path, scheme, quiet=True), scheme)
    except Exception:
        return []
    typed = fold(incomplete)
    return [CompletionItem(s.name) for s in chosen.statuses if fold(s.name).startswith(typed)]
