"""`rfcdesk list` and `rfcdesk show`: what the folder holds, and one proposal in detail."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.history.load import FolderHistory, load_history, shallow_note
from rfcdesk.history.timeline import Timeline
from rfcdesk.model import Proposal
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.report.table import layout, terminal_width
from rfcdesk.scheme.model import fold

COLUMNS = ("id", "title", "status", "authors", "path", "created", "updated", "status_since")


def _authors(folder: Folder, proposal: Proposal) -> str:
    return folder.field_value(proposal, "people") or ""


def proposal_record(
    folder: Folder, proposal: Proposal, timeline: Timeline | None = None
) -> dict[str, Any]:
    """A proposal as plain data, for JSON and CSV; dates are None where git cannot tell."""
    return {
        "id": folder.scheme.label(proposal.id) if proposal.id else None,
        "number": proposal.number,
        "title": proposal.title,
        "status": proposal.status,
        "status_written": folder.field_value(proposal, "status"),
        "authors": _authors(folder, proposal),
        "path": proposal.path,
        "fields": {f.name: f.value for f in proposal.fields},
        "created": timeline.created if timeline else None,
        "updated": timeline.updated if timeline else None,
        "status_since": timeline.status_since() if timeline else None,
    }


def select_proposals(folder: Folder, status: str | None, author: str | None) -> list[Proposal]:
    wanted = None
    if status is not None:
        wanted = folder.scheme.canonical_status(status)
        if wanted is None:
            names = ", ".join(s.name for s in folder.scheme.statuses)
            raise FatalError(
                f"`{status}` is not a {folder.scheme.name} status; use one of: {names}"
            )
    chosen = [
        p
        for p in folder.proposals
        if (wanted is None or p.status == wanted)
        and (author is None or fold(author) in fold(_authors(folder, p)))
    ]
    return sorted(chosen, key=lambda p: (folder.scheme.sort_key(p.id), p.path))


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    status: str | None = None  # only proposals in this status (any accepted spelling)
    author: str | None = None  # only proposals whose authors include this text
    output_format: str = "table"


def run(options: Options, out: TextIO) -> int:
    """List the proposals of a folder as a table, JSON or CSV."""
    folder = open_folder(folder_settings(options.path, options.scheme), options.scheme)
    history = load_history(folder)
    records = [
        proposal_record(folder, p, history.timeline(p.path))
        for p in select_proposals(folder, options.status, options.author)
    ]
    if options.output_format == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False), file=out)
    elif options.output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in records:
            writer.writerow([r[c] or "" for c in COLUMNS])
        out.write(buffer.getvalue())
    else:
        _print_table(records, history, out)
        print(f"{len(records)} of {len(folder.proposals)} proposals", file=out)
    if not history.known:
        print(f"rfcdesk: no dates: {folder.root} is {history.reason}", file=sys.stderr)
    note = shallow_note(history.shallow_before)
    if note:
        print(f"rfcdesk: {note}", file=sys.stderr)
    return EXIT_OK


def _day(date: str | None) -> str:
    return date[:10] if date else "-"


def _print_table(records: list[dict[str, Any]], history: FolderHistory, out: TextIO) -> None:
    header: tuple[str, ...] = ("ID", "Title", "Status", "Authors")
    if history.known:
        header += ("Created", "Status since")
    rows = []
    for r in records:
        status = r["status"] or (f"? {r['status_written']}" if r["status_written"] else "-")
        row: tuple[str, ...] = (
            r["id"] or r["path"],
            r["title"] or "-",
            status,
            r["authors"] or "-",
        )
        if history.known:
            timeline = history.timeline(r["path"])
            # Before a shallow history begins nothing is known; without a timeline the
            # file was never committed.
            before = timeline.shallow_before if timeline else None
            unknown = f"< {_day(before)}" if before else "uncommitted" if timeline else "-"
            since = _day(r["status_since"]) if r["status_since"] else unknown
            row += (_day(r["created"]) if r["created"] else unknown, since)
        rows.append(row)
    # The ID and the dates stay whole; titles and author lists give way to the terminal.
    keep = {0, 4, 5}
    lines = layout(header, rows, width=terminal_width(out), keep=keep, rule=True)
    out.write("\n".join(lines) + "\n")
