"""The site as a reader sees it: the ksqlDB folder (with its history) built and opened from
disk in Chromium, on a laptop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.site.build import BuildOptions, build_site
from support import clone

SIZES = {"laptop": (1280, 800), "phone": (390, 844)}

# For each id, date and release cell shown: how many line boxes each of its text nodes takes.
LINES_PER_TEXT = """() => {
  const counts = [];
  const cells = document.querySelectorAll(
    "#proposals tbody tr:not([hidden]) :is(td.c-id, td.c-date, td.c-release)");
  for (const cell of cells) {
    if (!cell.getClientRects().length) continue;  // a column the phone layout hides
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      counts.push([node.textContent, range.getClientRects().length]);
    }
  }
  return counts;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = clone(tmp_path_factory, "ksql-history.bundle")
    output = tmp_path_factory.mktemp("ksql-site")
    build_site(open_folder(load_config(repo / "design-proposals")), BuildOptions(output))
    return output


@pytest.fixture(params=sorted(SIZES))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    opened = context.new_page()
    yield opened
    context.close()


def test_ids_dates_and_releases_never_wrap(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    counts = page.evaluate(LINES_PER_TEXT)
    texts = [text for text, _ in counts]
    assert "KLIP-1" in texts and any(re.fullmatch(r"\d{4}-\d\d-\d\d", t) for t in texts)
    assert [(text, n) for text, n in counts if n != 1] == []
    # Every row is one line tall: as tall as the row of the shortest title.
    heights = page.locator("#proposals tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert max(heights) == min(heights)


def test_long_values_are_cut_with_their_full_text_on_hover(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    for cell in page.locator("#proposals tbody td.c-title").all()[:5]:
        link_text = cell.locator("a:not(.warn)").inner_text()
        assert cell.get_attribute("title") == link_text
    # A long invalid status does not stretch the Status filter past its cap.
    width = page.locator("select[name=status]").evaluate("s => s.getBoundingClientRect().width")
    assert width <= 16 * 16 + 1


def test_a_status_facet_is_marked_and_counts_the_rows_it_shows(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    facet = page.locator("[data-status-link='In Discussion']")
    expect(facet).to_have_attribute("aria-pressed", "false")
    facet.click()
    expect(facet).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-status-link='Merged']")).to_have_attribute("aria-pressed", "false")
    count = int(facet.locator("[data-count]").inner_text())
    assert count > 1
    expect(page.locator("#proposals tbody tr:visible")).to_have_count(count)
    total = page.locator("#proposals tbody tr").count()
    expect(page.locator("#shown")).to_have_text(f"{count} of {total} proposals")
    facet.click()  # a second click drops the filter
    expect(facet).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#proposals tbody tr:visible")).to_have_count(total)


def test_the_metadata_card_shows_markdown_rendered(page: Page, site: Path) -> None:
    page.goto((site / "p" / "klip-3-serialization-of-single-fields.html").as_uri())
    card = page.locator("section.card dl")
    for value in card.locator("dd").all_inner_texts():
        assert "](" not in value and not re.search(r"(^|\s)_\S|\S_(\s|$)", value), value
    discussion = card.locator("dt:text-is('Discussion') + dd a")
    expect(discussion).to_have_attribute("href", "https://github.com/confluentinc/ksql/pull/2824")
    expect(discussion).to_have_text("PR #2824")
    # Findings show `quoted` words as code, not backticks.
    findings = page.locator("#diagnostics li")
    assert "`" not in " ".join(findings.all_inner_texts())
    expect(findings.locator("code", has_text="LOEs and Delivery Milestones")).to_have_count(1)


def test_a_bare_discussion_url_is_a_link(page: Page, site: Path) -> None:
    page.goto((site / "p" / "klip-14-rowtime-as-pseudocolumn.html").as_uri())
    discussion = page.locator("section.card dt:text-is('Discussion') + dd a")
    expect(discussion).to_have_attribute("href", "https://github.com/confluentinc/ksql/pull/4026")


def test_the_title_is_shown_once_with_a_status_line(page: Page, site: Path) -> None:
    page.goto((site / "p" / "klip-14-rowtime-as-pseudocolumn.html").as_uri())
    expect(page.locator("h1:visible", has_text="ROWTIME as Pseudocolumn")).to_have_count(1)
    expect(page.locator(".document p:visible", has_text="Release Target")).to_have_count(0)
    steps = page.locator("ol.status-line li")
    expect(steps.first).to_contain_text("created")
    expect(steps.last).to_have_text(
        re.compile(r"^in \S.* for \d+ days? \(since \d{4}-\d\d-\d\d\)$")
    )


def test_contents_are_indented_by_level(page: Page, site: Path) -> None:
    page.goto((site / "p" / "klip-14-rowtime-as-pseudocolumn.html").as_uri())
    items = page.locator("nav.toc li")
    classes = items.evaluate_all("items => items.map(i => i.className)")
    assert classes and all(re.fullmatch(r"toc-[1-6]", c) for c in classes)
    assert "toc-5" in classes

    def indent(level: int) -> float:
        first = page.locator(f"nav.toc li.toc-{level}").first
        return float(first.evaluate("li => li.querySelector('a').getBoundingClientRect().left"))

    assert indent(5) > indent(3) > indent(2)


def test_no_page_says_one_problems(site: Path) -> None:
    pages = [site / "index.html", *sorted((site / "p").glob("*.html"))]
    assert [p.name for p in pages if re.search(r"\b1 problems\b", p.read_text("utf-8"))] == []
