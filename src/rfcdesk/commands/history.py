"""`rfcdesk history`: a proposal's life as events, or the whole folder's, oldest first."""

from __future__ import annotations

import json
import posixpath
import sys
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.history.load import FolderHistory, load_history, shallow_note
from rfcdesk.history.timeline import STATUS_SETTERS, Event, Timeline, describe
from rfcdesk.model import Proposal
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.proposal import file_id
from rfcdesk.scheme.model import fold


def event_record(event: Event, label: str | None, path: str) -> dict[str, Any]:
    """An event as plain data, for JSON."""
    return {
        "proposal": label,
        "repo_path": path,
        "event": event.kind,
        "date": event.date or None,
        "committed": event.committed or None,
        "author": event.author or None,
        "email": event.email or None,
        "commit": event.commit,
        "subject": (event.subject or None) if event.commit else None,
        "from": event.before,
        "to": event.after,
    }


def _event_line(event: Event, label: str | None = None) -> str:
    date = _day(event.committed if event.kind == "existing" else event.date, "uncommitted")
    commit = event.commit[:8] if event.commit else "-" * 8
    who = (event.author or "-")[:20]
    prefix = f"{label}  " if label else ""
    return f"{date:<11}  {commit}  {who:<20}  {prefix}{describe(event)}"


def _label(folder: Folder, proposal: Proposal) -> str:
    return folder.scheme.label(proposal.id) if proposal.id else proposal.path


def _departed_match(folder: Folder, history: FolderHistory, wanted: str) -> list[Timeline]:
    key = fold(wanted).removesuffix(".md")
    found = []
    for timeline in history.departed:
        name = posixpath.basename(timeline.path)
        proposal_id, _ = file_id(folder.scheme, name)
        label = folder.scheme.label(proposal_id) if proposal_id else ""
        if key in (fold(name).removesuffix(".md"), fold(proposal_id or ""), fold(label)):
            found.append(timeline)
    return found


def _print_timeline(title: str, timeline: Timeline, out: TextIO) -> None:
    print(title, file=out)
    setter = next((e for e in reversed(timeline.events) if e.kind in STATUS_SETTERS), None)
    # Before a shallow history begins, dates are unknown: say "before" that date.
    before = timeline.shallow_before
    unknown = f"before {before[:10]}" if before else "(not committed)"
    facts = [f"created {_day(timeline.created, unknown)}"]
    facts.append(f"updated {_day(timeline.updated, unknown)}")
    if setter and setter.after:
        since = unknown if setter.kind == "existing" else _day(setter.date, "(not committed)")
        facts.append(f"{setter.after} since {since}")
    if not timeline.alive:
        facts.append("deleted")
    print("  " + ", ".join(facts), file=out)
    if before:
        print(f"  {_unknown_line(before)}", file=out)
    for event in timeline.events:
        print("  " + _event_line(event), file=out)


def _unknown_line(before: str) -> str:
    return f"(before {before[:10]}: unknown, history is shallow)"


def _day(date: str | None, missing: str = "(not committed)") -> str:
    return date[:10] if date else missing


class Options(NamedTuple):
    wanted: str | None  # a proposal, or None for every proposal's events
    path: Path = Path(".")
    scheme: str | None = None
    output_format: str = "text"


def run(options: Options, out: TextIO) -> int:
    """Print one proposal's life from git, or the whole folder's events."""
    wanted, output_format = options.wanted, options.output_format
    folder = open_folder(folder_settings(options.path, options.scheme), options.scheme)
    history = load_history(folder)
    if not history.known and (output_format == "json" or wanted is None):
        print(f"rfcdesk: no history: {folder.root} is {history.reason}", file=sys.stderr)
    note = shallow_note(history.shallow_before)
    if note:
        print(f"rfcdesk: {note}", file=sys.stderr)
    if wanted is None:
        return _folder_history(folder, history, output_format, out)
    try:
        proposal = folder.find(wanted)
    except FatalError:
        gone = _departed_match(folder, history, wanted)
        if len(gone) != 1:
            raise
        timeline = gone[0]
        name = posixpath.basename(timeline.path)
        label, title = name, f"{name} (no longer in the folder)"
    else:
        label = _label(folder, proposal)
        title = f"{label}: {proposal.title or '(no title)'}"
        empty = Timeline(proposal.path, (), True, None, None)
        timeline = history.timeline(proposal.path) or empty
    if output_format == "json":
        records = [event_record(e, label, timeline.path) for e in timeline.events]
        print(json.dumps(records, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    if not history.known:
        print(title, file=out)
        print(f"  no history: {folder.root} is {history.reason}", file=out)
        return EXIT_OK
    _print_timeline(title, timeline, out)
    return EXIT_OK


def _folder_history(folder: Folder, history: FolderHistory, output_format: str, out: TextIO) -> int:
    labelled: list[tuple[str, Event, str]] = []
    labels = {p.path: _label(folder, p) for p in folder.proposals}
    for path, timeline in history.timelines.items():
        labelled += [(labels.get(path, path), e, timeline.path) for e in timeline.events]
    for timeline in history.departed:
        name = posixpath.basename(timeline.path)
        labelled += [(name, e, timeline.path) for e in timeline.events]
    # Oldest first; events not committed yet come last.
    # In the commits' order, which author dates need not follow (a commit re-applied later
    # keeps its first author date); events not committed yet come last.
    labelled.sort(key=lambda item: history.sequence(item[1]))
    if output_format == "json":
        records = [event_record(e, label, path) for label, e, path in labelled]
        print(json.dumps(records, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    if history.shallow_before:
        print(_unknown_line(history.shallow_before), file=out)
    for label, event, _path in labelled:
        # Being there where a shallow history begins is no change: one line above says it.
        if event.kind != "existing":
            print(_event_line(event, label), file=out)
    return EXIT_OK
