"""The figures `stats` prints and the dashboard draws are the same numbers, on the ksqlDB
history; the dashboard's charts lay out long labels and legends without overlap (Chromium)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from rfcdesk.history.figures import BY_YEAR_MEANS, time_to_acceptance
from rfcdesk.history.load import load_history
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.site.charts import legend_layout
from support import clone, run


@pytest.fixture(scope="module")
def ksql_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clone(tmp_path_factory, "ksql-history.bundle") / "design-proposals"


@pytest.fixture(scope="module")
def stats(ksql_folder: Path) -> dict[str, Any]:
    code, out = run(["stats", "--format", "json", "--as-of", "2026-11-21"], ksql_folder)
    assert code == 0
    record: dict[str, Any] = json.loads(out)
    return record


@pytest.fixture(scope="module")
def dashboard(ksql_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("ksql-site")
    code, out = run(["build", str(ksql_folder), "-o", str(site)], ksql_folder)
    assert code == 0, out
    return site / "dashboard.html"


def test_the_dashboard_shows_the_time_to_acceptance_stats_gives(
    ksql_folder: Path, dashboard: Path
) -> None:
    html = dashboard.read_text(encoding="utf-8")
    figure = re.search(
        r'<figure id="acceptance" data-count="(\d+)" data-median-days="([\d.]+)"', html
    )
    assert figure is not None
    section = html[figure.start() : html.index("</figure>", figure.start())]
    bins = [
        (unescape(label), int(value))
        for label, value in re.findall(r'<g data-label="([^"]*)" data-value="(\d+)"', section)
    ]
    code, out = run(["stats", "--as-of", "2026-11-21"], ksql_folder)
    assert code == 0
    printed = out.split("Days from creation to acceptance (")[1].split("\n\n")[0]
    assert printed.splitlines() == [
        f"{figure[1]} proposals)",
        f"  median {figure[2]} days",
        "  Time taken   Count",
        *(f"  {label:<11}  {value:>5}" for label, value in bins),
    ]
    # Counted by hand from `git log --follow` of each KLIP (the first commit showing Design
    # Approved, In Development or Merged): 35 KLIPs, 17 of them in under a month, 12 of those
    # (KLIP-2, -6, -25, -26, -27, -28, -31, -33, -38, -42, -51, -59) created already accepted.
    assert (figure[1], bins) == (
        "35",
        [
            ("< 1 month", 17),
            ("1-3 months", 3),  # KLIP-9, -56, -57
            ("3-6 months", 3),  # KLIP-4, -7, -8
            ("6-12 months", 1),  # KLIP-63
            ("1-2 years", 7),  # KLIP-46, -49, -50, -52, -53, -54, -58
            ("> 2 years", 4),  # KLIP-13, -24, -30, -36
        ],
    )
    assert "a proposal created already accepted counts as 0 days" in unescape(section)
    code, out = run(["stats", "--format", "json", "--as-of", "2026-11-21"], ksql_folder)
    assert code == 0
    assert json.loads(out)["acceptance"] == {
        "statuses": ["Design Approved", "In Development", "Merged"],
        "count": int(figure[1]),
        "median_days": float(figure[2]),
        "bins": dict(bins),
    }


def test_created_to_a_status_counts_proposals_created_in_it(ksql_folder: Path) -> None:
    code, out = run(["stats", "--format", "json", "--as-of", "2026-11-21"], ksql_folder)
    assert code == 0
    steps = {(t["from"], t["to"]): t for t in json.loads(out)["transitions"]}
    # By hand: KLIP-4, -7, -8, -9 (created In Discussion) and KLIP-14 (created with no
    # status, In Discussion 4.5 hours later) reached Design Approved later; KLIP-2, -6, -25,
    # -27, -28, -33, -42, -59 were created Design Approved (0 days).
    assert steps["(created)", "Design Approved"]["count"] == 13
    assert steps["(created)", "Design Approved"]["median_days"] == 0.0
    # Before, "(created)" left those eight out and printed 5, 111.8, 168.1: the very row of
    # "In Discussion -> Design Approved", since four of its five KLIPs were created In
    # Discussion and the fifth, KLIP-14, is the shortest in both rows.
    assert (steps["In Discussion", "Design Approved"]["count"]) == 5
    # In Development: KLIP-3 and -43 reached it; KLIP-26, -38, -51 were created in it.
    assert steps["(created)", "In Development"]["count"] == 5


def test_the_dashboard_shows_the_counts_per_year_stats_gives(
    stats: dict[str, Any], dashboard: Path
) -> None:
    html = unescape(dashboard.read_text(encoding="utf-8"))
    shown: dict[str, dict[str, int]] = {}
    for year, status, value in re.findall(
        r'data-column="(\d+)" data-series="([^"]*)" data-value="(\d+)"', html
    ):
        shown.setdefault(year, {})[status] = int(value)
    # The dashboard names a missing status as its badge does, and the value that is no
    # status as written (KLIP-3's, from 2019).
    badges = {
        "(no status)": "no status",
        "(not a status)": "? values: Merged, keys: Design Approved",
    }
    expected = {
        year: {badges.get(s, s): n for s, n in counts.items()}
        for year, counts in stats["by_year"].items()
    }
    assert shown == expected
    assert f'<p class="note">{BY_YEAR_MEANS}</p>' in html
    assert {year: sum(c.values()) for year, c in shown.items()} == {
        "2019": 13,
        "2020": 18,
        "2021": 12,
        "2022": 4,
    }


# Read by hand with `git log --follow --format='%h %aI' -- design-proposals/<file>` and
# `git show <commit>:design-proposals/<file> | grep Status`.
HAND_CHECKED = {
    # f2a6633 2019-10-17T08:30:13+01:00 In Discussion; 3a998a3 2019-12-10T09:54:18-08:00
    # "Approved" (Design Approved): 54 days, 10:24:05.
    "klip-9-table-functions.md": 54 * 86400 + 10 * 3600 + 24 * 60 + 5,
    # ebffca8 2020-07-16T17:07:25-05:00, its first commit, says Merged already: 0 days.
    "klip-31-metastore-backups.md": 0,
    # 472d897 2021-10-14T12:29:36-07:00 In Discussion; 554f061 2022-01-11T14:14:36-08:00
    # Merged: 89 days, 2:45:00.
    "klip-56-schema-id-in-create-statements.md": 89 * 86400 + 2 * 3600 + 45 * 60,
}


def test_time_to_acceptance_of_klips_checked_by_hand(ksql_folder: Path) -> None:
    folder = open_folder(load_config(ksql_folder))
    history = load_history(folder, use_cache=False)
    seconds = {
        name: round(
            time_to_acceptance([history.timeline(name)], folder.scheme.accepted).days[0] * 86400
        )
        for name in HAND_CHECKED
    }
    assert seconds == HAND_CHECKED


def test_legend_layout_starts_a_row_when_the_next_item_would_not_fit() -> None:
    # An item is a 16px swatch and gap, 7px a character, then a 14px margin.
    assert legend_layout(["Merged", "Merged"], 40, 630) == [(40, 0), (112, 0)]
    # 121px, then 520px would end at 681: a new row; then 72px after 520 would end at 632.
    assert legend_layout(["In Discussion", "x" * 70, "Merged"], 40, 630) == [
        (40, 0),
        (40, 1),
        (40, 2),
    ]


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_charts_lay_out_in_chromium(
    dashboard: Path, width: int, height: int, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(dashboard.as_uri())
    for chart in page.locator("svg.chart").all():
        svg = chart.bounding_box()
        assert svg is not None
        legend = [item.bounding_box() for item in chart.locator("g.legend-item").all()]
        for at, one in enumerate(legend):
            for other in legend[at + 1 :]:
                assert one is not None and other is not None
                apart = (
                    one["x"] + one["width"] <= other["x"]
                    or other["x"] + other["width"] <= one["x"]
                    or one["y"] + one["height"] <= other["y"]
                    or other["y"] + other["height"] <= one["y"]
                )
                assert apart, (one, other)
        for label in chart.locator("text.label").all():
            box = label.bounding_box()
            assert box is not None and box["x"] >= svg["x"], (label.text_content(), box, svg)
    legend_count = page.locator("g.legend-item").count()
    label_count = page.locator("text.label").count()
    page.close()
    assert (legend_count, label_count) == (6, 6 + 6 + 6)


def test_stats_help_says_what_each_figure_counts(tmp_path: Path) -> None:
    code, out = run(["stats", "--help"], tmp_path)
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert [line.split(":")[0] for line in lines if line.startswith("- ")] == [
        "- Created per year",
        "- (created) -> X",
        "- A -> B",
        "- Days from creation to acceptance",
    ]
    assert "history shows both; created already accepted counts as 0 days. The median is" in lines
    assert "held X; created already in X counts as 0 days." in lines
