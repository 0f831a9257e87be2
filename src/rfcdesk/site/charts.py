"""Charts as inline SVG: no script, no service, readable by screen readers.

Pure functions from numbers to SVG text. Colours come from CSS classes (`s-<status key>`),
so the page's light and dark themes apply to the charts too. Every label is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import NamedTuple

from rfcdesk.history import figures
from rfcdesk.history.figures import AGE_BINS, Acceptance, age_bin, days_between
from rfcdesk.site.collect import Entry

ROW = 26  # height of a bar in a horizontal chart
LABEL = 170  # width kept for labels on the left
WIDTH = 640
GLYPH = 7.0  # average width of a 12px glyph: lengths are estimated, there is no font here
LEGEND_ROW = 18


class Bar(NamedTuple):
    label: str
    value: float
    key: str  # status key, for the colour


def _svg(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def text_width(text: str) -> float:
    """An estimate of how wide text is drawn: characters times an average glyph."""
    return len(text) * GLYPH


def fit(text: str, room: float) -> str:
    """The text, cut with "…" when it would be wider than `room` (the <title> holds it all)."""
    if text_width(text) <= room:
        return text
    keep = max(1, int(room / GLYPH) - 1)
    return text[:keep].rstrip() + "…"


def legend_layout(labels: Sequence[str], left: float, right: float) -> list[tuple[float, int]]:
    """Each legend item's x and row: items side by side, a new row when the next one would
    pass `right`. An item is a swatch, a gap, its text and a margin."""
    placed = []
    x, row = left, 0
    for label in labels:
        width = 16 + text_width(fit(label, right - left - 16)) + 14
        if x > left and x + width > right:
            x, row = left, row + 1
        placed.append((x, row))
        x += width
    return placed


def _scale(maximum: float) -> float:
    return maximum if maximum > 0 else 1.0


def bars(title: str, items: Sequence[Bar], unit: str = "") -> str:
    """A horizontal bar per item, its value written after the bar."""
    top = _scale(max((b.value for b in items), default=0))
    span = WIDTH - LABEL - 60
    body = []
    for at, bar in enumerate(items):
        y = at * ROW + 4
        width = max(1.0, bar.value / top * span) if bar.value else 0
        shown = f"{bar.value:g}{unit}"
        body.append(
            f'<g data-label="{escape(bar.label)}" data-value="{bar.value:g}">'
            f"<title>{escape(bar.label)}: {escape(shown)}</title>"
            f'<text class="label" x="{LABEL - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(fit(bar.label, LABEL - 12))}</text>"
            f'<rect class="bar s-{escape(bar.key)}" x="{LABEL}" y="{y}" width="{width:.1f}" '
            f'height="{ROW - 8}" rx="2"/>'
            f'<text x="{LABEL + width + 6:.1f}" y="{y + 15}">{escape(shown)}</text></g>'
        )
    return _svg(max(ROW, len(items) * ROW + 8), title, body)


def stacked_columns(
    title: str, columns: Sequence[tuple[str, Sequence[Bar]]], legend: Sequence[Bar]
) -> str:
    """One column per label, stacked by series; a legend below."""
    height, base = 260, 200
    top = _scale(max((sum(b.value for b in bars) for _, bars in columns), default=0))
    step = (WIDTH - 60) / max(1, len(columns))
    width = min(48.0, step * 0.7)
    body = []
    for at, (label, parts) in enumerate(columns):
        x = 40 + at * step + (step - width) / 2
        y = float(base)
        total = sum(b.value for b in parts)
        for part in parts:
            if not part.value:
                continue
            h = part.value / top * (base - 20)
            y -= h
            body.append(
                f'<rect class="bar s-{escape(part.key)}" data-column="{escape(label)}" '
                f'data-series="{escape(part.label)}" data-value="{part.value:g}" '
                f'x="{x:.1f}" y="{y:.1f}" '
                f'width="{width:.1f}" height="{h:.1f}"><title>{escape(label)}, '
                f"{escape(part.label)}: {part.value:g}</title></rect>"
            )
        body.append(
            f'<text x="{x + width / 2:.1f}" y="{base + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
            f'<text x="{x + width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{total:g}</text>'
        )
    places = legend_layout([item.label for item in legend], 40, WIDTH - 10)
    for item, (x, row) in zip(legend, places, strict=True):
        y = base + 34 + row * LEGEND_ROW
        body.append(
            f'<g class="legend-item"><title>{escape(item.label)}</title>'
            f'<rect class="bar s-{escape(item.key)}" x="{x:.1f}" y="{y - 10}" '
            'width="10" height="10"/>'
            f'<text x="{x + 16:.1f}" y="{y}">{escape(fit(item.label, WIDTH - 66))}</text></g>'
        )
    rows = 1 + max((row for _, row in places), default=0)
    return _svg(height + (rows - 1) * LEGEND_ROW, title, body)


def by_status(entries: Sequence[Entry], statuses: Sequence[tuple[str, int]]) -> str:
    keys = {e.status or e.status_text: e.status_key for e in entries}
    return bars("Proposals by status", [Bar(s, n, keys.get(s, "none")) for s, n in statuses])


def per_year(entries: Sequence[Entry], statuses: Sequence[tuple[str, int]]) -> str:
    keys = {e.status or e.status_text: e.status_key for e in entries}
    years = sorted({e.year for e in entries if e.year})
    columns = []
    for year in years:
        counts = [
            Bar(
                s,
                sum(1 for e in entries if e.year == year and (e.status or e.status_text) == s),
                keys[s],
            )
            for s, _ in statuses
        ]
        columns.append((year, counts))
    legend = [Bar(s, n, keys[s]) for s, n in statuses]
    return stacked_columns("Proposals created per year, by status now", columns, legend)


def time_to_acceptance(
    entries: Sequence[Entry], accepted: frozenset[str]
) -> tuple[str, Acceptance]:
    """A histogram of days from creation to the first accepted status, and the figure it
    draws (history/figures.py counts it, the same as `stats`)."""
    acceptance = figures.time_to_acceptance([e.timeline for e in entries], accepted)
    title = "Days from creation to acceptance"
    items = [Bar(label, n, "accepted") for label, n in acceptance.bins().items()]
    return bars(title, items), acceptance


def open_by_age(
    entries: Sequence[Entry], open_statuses: frozenset[str], today: dt.date
) -> tuple[str, int]:
    """A histogram of the open proposals' ages, and how many are open."""
    counts = dict.fromkeys((label for _, label in AGE_BINS), 0)
    total = 0
    now = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC).isoformat()
    for entry in entries:
        if entry.status in open_statuses and entry.created:
            counts[age_bin(max(0.0, days_between(entry.created, now)))] += 1
            total += 1
    return bars(
        "Open proposals by age", [Bar(label, n, "open") for label, n in counts.items()]
    ), total
