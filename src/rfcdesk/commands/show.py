"""`rfcdesk show ID`: one proposal's fields, sections and diagnostics."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.report.formats import display_path
from rfcdesk.rules.outcome import diagnose


class Options(NamedTuple):
    wanted: str  # an id, a label, a file name or part of one
    path: Path = Path(".")
    scheme: str | None = None


def run(options: Options, out: TextIO) -> int:
    """Print one proposal's fields, sections and diagnostics."""
    folder = open_folder(folder_settings(options.path, options.scheme), options.scheme)
    proposal = folder.find(options.wanted)
    label = folder.scheme.label(proposal.id) if proposal.id else proposal.path
    print(f"{label}: {proposal.title or '(no title)'}", file=out)
    print(f"  file    {display_path(folder.root, proposal.path)}", file=out)
    print(f"  status  {proposal.status or '-'}", file=out)
    print("Fields", file=out)
    for f in proposal.fields:
        print(f"  {f.line:>4}  {f.name}: {f.value}", file=out)
    print("Sections", file=out)
    for s in proposal.sections:
        print(f"  {s.line:>4}  {'  ' * (s.level - 1)}{s.title}", file=out)
    diagnostics = [d for d in diagnose(folder) if d.path == proposal.path]
    print(f"Diagnostics ({len(diagnostics)})", file=out)
    for d in diagnostics:
        print(f"  {d.line:>4}:{d.col:<3} {d.code} {d.message} [{d.name}]", file=out)
    return EXIT_OK
