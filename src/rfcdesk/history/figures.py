"""The figures `stats` prints and the dashboard draws: counts by status and year, days per
status change, stale open proposals. Pure functions of the proposals and their timelines.

In a shallow clone, proposals that were there where the history begins have no known
creation (or, untouched since, last commit): the figures built on those dates leave them
out, and say how many.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from rfcdesk.history.load import FolderHistory
from rfcdesk.history.timeline import Timeline
from rfcdesk.model import Proposal
from rfcdesk.read.folder import Folder
from rfcdesk.scheme.model import Scheme

NO_STATUS = "(no status)"
NOT_A_STATUS = "(not a status)"
CREATED = "(created)"


class Step(NamedTuple):
    """How long proposals took to go from one status to another, in days."""

    source: str  # a status, or "(created)" for the time from creation
    target: str
    days: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.days)

    @property
    def p90(self) -> float:
        return percentile(self.days, 90)


class Acceptance(NamedTuple):
    """Days from creation to the first accepted status, one value per proposal."""

    statuses: tuple[str, ...]  # the scheme's `accepted` statuses
    days: tuple[float, ...]

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def means(self) -> str:
        return ACCEPTANCE_MEANS.format(statuses=", ".join(self.statuses))

    def bins(self) -> dict[str, int]:
        """How many proposals took each span of AGE_BINS."""
        counts = dict.fromkeys((label for _, label in AGE_BINS), 0)
        for days in self.days:
            counts[age_bin(days)] += 1
        return counts


# What a figure counts, said once: the dashboard writes these under its charts.
ACCEPTANCE_MEANS = (
    "Days from a proposal's first commit to the first commit that shows one of the scheme's "
    "accepted statuses ({statuses}), over the proposals in the folder whose history shows both; "
    "a proposal created already accepted counts as 0 days. The median is over those proposals."
)
BY_YEAR_MEANS = (
    "Proposals in the folder now, by the year of their first commit and their status now."
)

AGE_BINS = (
    (30, "< 1 month"),
    (90, "1-3 months"),
    (180, "3-6 months"),
    (365, "6-12 months"),
    (730, "1-2 years"),
    (math.inf, "> 2 years"),
)


def age_bin(days: float) -> str:
    return next(label for limit, label in AGE_BINS if days < limit)


class Stale(NamedTuple):
    label: str
    status: str
    updated: str  # the last commit's date
    days: int  # days since then


class Stats(NamedTuple):
    by_status: dict[str, int]
    by_year: dict[str, dict[str, int]]  # year created -> status -> count
    steps: list[Step]
    stale: list[Stale]
    stale_days: int
    as_of: dt.date
    history_known: bool
    history_reason: str  # why git could not tell, or ""
    shallow_before: str | None = None  # where a shallow history begins
    created_unknown: int = 0  # proposals created before it: not in by_year nor "(created)"
    updated_unknown: int = 0  # open proposals not committed to since: not in stale
    acceptance: Acceptance = Acceptance((), ())


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile: the smallest value with `pct`% of values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def instant(date: str) -> dt.datetime:
    return dt.datetime.fromisoformat(date)


def status_name(proposal: Proposal, scheme: Scheme) -> str:
    if proposal.status:
        return proposal.status
    return NOT_A_STATUS if scheme.status_field(proposal) else NO_STATUS


def count_by_status(proposals: Sequence[Proposal], scheme: Scheme) -> dict[str, int]:
    """Counts in the scheme's status order, then proposals with no status or a wrong one."""
    counts = Counter(status_name(p, scheme) for p in proposals)
    order = [s.name for s in scheme.statuses] + [NO_STATUS, NOT_A_STATUS]
    return {name: counts[name] for name in order if counts[name]}


def count_by_year(
    proposals: Sequence[Proposal], timelines: Mapping[str, Timeline], scheme: Scheme
) -> dict[str, dict[str, int]]:
    years: dict[str, Counter[str]] = {}
    for proposal in proposals:
        timeline = timelines.get(proposal.path)
        if timeline and timeline.shallow_before:
            continue  # created before a shallow history begins: the year is unknown
        created = timeline.created if timeline else None
        year = created[:4] if created else "uncommitted"
        years.setdefault(year, Counter())[status_name(proposal, scheme)] += 1
    return {year: dict(counts) for year, counts in sorted(years.items())}


def steps_taken(timelines: Sequence[Timeline], statuses: frozenset[str]) -> list[Step]:
    """Each status change's duration, and the time from creation to each status reached
    (0 days for the status a proposal was created in).

    Only the scheme's statuses count: a value that is no status has no place in a workflow.
    """
    took: dict[tuple[str, str], list[float]] = {}
    for timeline in timelines:
        periods = [(s if s in statuses else None, instant(d)) for s, d in timeline.status_periods()]
        if not periods:
            continue
        # Not the first period's start: before a shallow history begins, that is unknown.
        born = instant(timeline.created) if timeline.created else None
        reached: set[str] = set()
        for (before, entered), (after, left) in itertools.pairwise(periods):
            if before and after and before != after:
                took.setdefault((before, after), []).append(_days(entered, left))
        for status, entered in periods:
            if status and status not in reached:
                reached.add(status)
                # Created already in the status: 0 days, not left out.
                if born and entered >= born:
                    took.setdefault((CREATED, status), []).append(_days(born, entered))
    return [Step(a, b, tuple(days)) for (a, b), days in sorted(took.items())]


def time_to_acceptance(
    timelines: Iterable[Timeline | None], accepted: Collection[str]
) -> Acceptance:
    """ACCEPTANCE_MEANS: for each proposal (its timeline) with a known creation that reached
    an accepted status, the days it took. `stats` and the dashboard both count with this."""
    took = []
    for timeline in timelines:
        if timeline is None or not timeline.created:
            continue  # not committed, or created before a shallow history begins
        first = next((d for s, d in timeline.status_periods() if s in accepted), None)
        if first is not None:
            took.append(max(0.0, days_between(timeline.created, first)))
    return Acceptance(tuple(sorted(accepted)), tuple(took))


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 86400


def days_between(start: str, end: str) -> float:
    """Days from one ISO 8601 date and time to another."""
    return _days(instant(start), instant(end))


def stale_proposals(
    folder: Folder, timelines: Mapping[str, Timeline], as_of: dt.date, stale_days: int
) -> list[Stale]:
    """Open proposals (a status that is not terminal) with no commit for `stale_days` days."""
    terminal = {s.name for s in folder.scheme.statuses if s.terminal}
    found = []
    for proposal in folder.proposals:
        timeline = timelines.get(proposal.path)
        if not proposal.status or proposal.status in terminal or not timeline:
            continue
        updated = timeline.updated
        if not updated:
            continue
        idle = (as_of - instant(updated).date()).days
        if idle >= stale_days:
            label = folder.scheme.label(proposal.id) if proposal.id else proposal.path
            found.append(Stale(label, proposal.status, updated, idle))
    return sorted(found, key=lambda s: (-s.days, s.label))


def _unknown_before(folder: Folder, timelines: Mapping[str, Timeline]) -> tuple[int, int]:
    """Proposals created before a shallow history, and open ones not committed to since."""
    terminal = {s.name for s in folder.scheme.statuses if s.terminal}
    created = updated = 0
    for proposal in folder.proposals:
        timeline = timelines.get(proposal.path)
        if timeline is None or not timeline.shallow_before:
            continue
        created += 1
        if proposal.status and proposal.status not in terminal and not timeline.updated:
            updated += 1
    return created, updated


def gather(folder: Folder, history: FolderHistory, as_of: dt.date, stale_days: int) -> Stats:
    """Every figure for an opened folder and its history, as of a day."""
    timelines = history.timelines
    created_unknown, updated_unknown = _unknown_before(folder, timelines)
    return Stats(
        count_by_status(folder.proposals, folder.scheme),
        count_by_year(folder.proposals, timelines, folder.scheme) if history.known else {},
        steps_taken(list(timelines.values()), frozenset(s.name for s in folder.scheme.statuses)),
        stale_proposals(folder, timelines, as_of, stale_days),
        stale_days,
        as_of,
        history.known,
        history.reason,
        history.shallow_before,
        created_unknown,
        updated_unknown,
        time_to_acceptance(
            [timelines.get(p.path) for p in folder.proposals], folder.scheme.accepted
        ),
    )


def stats_record(stats: Stats) -> dict[str, Any]:
    return {
        "as_of": stats.as_of.isoformat(),
        "history": stats.history_known,
        "by_status": stats.by_status,
        "by_year": stats.by_year,
        "transitions": [
            {
                "from": s.source,
                "to": s.target,
                "count": len(s.days),
                "median_days": round(s.median, 1),
                "p90_days": round(s.p90, 1),
            }
            for s in stats.steps
        ],
        "acceptance": {
            "statuses": list(stats.acceptance.statuses),
            "count": len(stats.acceptance.days),
            "median_days": _rounded(stats.acceptance.median),
            "bins": stats.acceptance.bins(),
        },
        "stale_days": stats.stale_days,
        "stale": [s._asdict() for s in stats.stale],
        # Only in a shallow clone, so that a whole history's record stays as it was.
        **({"shallow": _shallow_record(stats)} if stats.shallow_before else {}),
    }


def _rounded(days: float | None) -> float | None:
    return None if days is None else round(days, 1)


def _shallow_record(stats: Stats) -> dict[str, Any]:
    return {
        "before": stats.shallow_before,
        "created_unknown": stats.created_unknown,
        "updated_unknown": stats.updated_unknown,
    }
