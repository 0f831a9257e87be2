"""`rfcdesk stats`: how many proposals are where, how long each step takes, what is stale.

The figures are `history.figures`; this command reads the folder, git and the clock and
prints them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.history.figures import Acceptance, Stats, gather, stats_record
from rfcdesk.history.load import load_history, shallow_note
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.report.table import layout, terminal_width


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    out: TextIO,
    right: int = 1,
    keep: Collection[int] = (),
) -> str:
    """Columns padded to their widest cell; all but the first `right` are right-aligned.

    Columns not in `keep` give way to a narrow terminal (never to fewer than six cells, so
    counts stay whole).
    """
    width = terminal_width(out)
    return "\n".join(layout(header, rows, width=width, keep=keep, right_from=right, indent="  "))


def render_text(stats: Stats, out: TextIO) -> None:
    total = sum(stats.by_status.values())
    print(f"Proposals by status ({total})", file=out)
    counts = [(k, str(v)) for k, v in stats.by_status.items()]
    print(_table(("Status", "Count"), counts, out, keep={1}), file=out)
    if not stats.history_known:
        return
    statuses = list(stats.by_status)
    print("\nCreated per year, by status now", file=out)
    rows = [
        (year, str(sum(counts.values())), *(str(counts.get(s, "")) for s in statuses))
        for year, counts in stats.by_year.items()
    ]
    print(_table(("Year", "Total", *statuses), rows, out, keep={0, 1}), file=out)
    before = (stats.shallow_before or "")[:10]
    if stats.created_unknown:
        what = _proposals(stats.created_unknown)
        print(f"  left out: {what} created before {before} (history is shallow)", file=out)
    print("\nDays from one status to the next (median, 90th percentile)", file=out)
    if stats.steps:
        rows = [
            (f"{s.source} -> {s.target}", str(len(s.days)), f"{s.median:.1f}", f"{s.p90:.1f}")
            for s in stats.steps
        ]
        print(_table(("Step", "Count", "Median", "90th pct"), rows, out, keep={1, 2, 3}), file=out)
    else:
        print("  no status has changed in the folder's history", file=out)
    if stats.created_unknown:
        what = _proposals(stats.created_unknown)
        print(
            f"  left out: for {what} created before {before}, the time from creation "
            "and out of the status they had then",
            file=out,
        )
    _print_acceptance(stats.acceptance, out)
    print(
        f"\nOpen with no commit for {stats.stale_days} days or more "
        f"(as of {stats.as_of.isoformat()}): {len(stats.stale)}",
        file=out,
    )
    if stats.stale:
        rows = [(s.label, s.status, s.updated[:10], str(s.days)) for s in stats.stale]
        table = _table(("Proposal", "Status", "Last commit", "Days"), rows, out, 3, {0, 2, 3})
        print(table, file=out)
    if stats.updated_unknown:
        what = _proposals(stats.updated_unknown, "open proposal")
        print(f"  left out: {what} with no commit since {before} (history is shallow)", file=out)


def _print_acceptance(acceptance: Acceptance, out: TextIO) -> None:
    """The dashboard's "time from creation to acceptance", with the same numbers; nothing
    when no proposal's history shows it accepted."""
    count = len(acceptance.days)
    if not count:
        return
    print(f"\nDays from creation to acceptance ({_proposals(count)})", file=out)
    print(f"  median {acceptance.median:.1f} days", file=out)
    rows = [(label, str(n)) for label, n in acceptance.bins().items()]
    print(_table(("Time taken", "Count"), rows, out, keep={1}), file=out)


def _proposals(count: int, noun: str = "proposal") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    stale_days: int | None = None  # default: the settings' stale_days
    as_of: dt.date | None = None  # default: today
    output_format: str = "text"


def run(options: Options, out: TextIO) -> int:
    """Print the folder's figures: counts, days per status change, stale proposals."""
    output_format, stale_days, as_of, scheme = (
        options.output_format,
        options.stale_days,
        options.as_of,
        options.scheme,
    )
    config = folder_settings(options.path, options.scheme)
    folder = open_folder(config, scheme)
    day = as_of or dt.date.today()
    stats = gather(folder, load_history(folder), day, stale_days or config.stale_days)
    if not stats.history_known:
        reason = f"{folder.root} is {stats.history_reason}"
        print(f"rfcdesk: only counts by status: {reason}", file=sys.stderr)
    note = shallow_note(stats.shallow_before)
    if note:
        print(f"rfcdesk: {note}", file=sys.stderr)

    if output_format == "json":
        print(json.dumps(stats_record(stats), indent=2, ensure_ascii=False), file=out)
    else:
        render_text(stats, out)
    return EXIT_OK
