"""Search as a reader meets it: the ksql corpus built to disk and opened from file://, in
Debian's Chromium driven by Playwright; and what the search index holds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import CORPORA, write_files
from rfcdesk.site.build import SEARCH_TEXT_CHARS
from support import page_klip

# "Zookeeper" is in the body of KLIP-12 (Implement High-Availability for Pull queries) and
# in no other KLIP of the corpus, nor in any title.
BODY_WORD = "zookeeper"
BODY_WORD_PAGE = "p/klip-12-pull-high-availability.html"


def build(folder: Path, site: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "rfcdesk", "build", str(folder), "-o", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = CORPORA / "ksql"
    if not corpus.is_dir():
        pytest.skip(f"the ksql corpus is not beside the project (looked in {corpus})")
    top = tmp_path_factory.mktemp("ksql")
    shutil.copytree(corpus, top / "ksql")
    return build(top / "ksql", top / "site")


# A laptop and a phone, as readers open the site.
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(VIEWPORTS))
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    size = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": size["width"], "height": size["height"]})
    opened = context.new_page()
    yield opened
    context.close()


def test_search_from_disk_shows_results_as_you_type(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri())
    page.locator("#q").press_sequentially(BODY_WORD)  # no Enter
    expect(page.locator("#search-status")).to_have_text(f"1 proposal matches “{BODY_WORD}”.")
    first = page.locator("#results li").first
    expect(first.locator("a")).to_have_text("KLIP-12: Implement High-Availability for Pull queries")
    expect(first.locator("mark")).to_have_text("Zookeeper")
    expect(first.locator(".snippet")).to_contain_text("(no Zookeeper based failure detection)")
    expect(page).to_have_url((site / "search.html").as_uri() + f"?q={BODY_WORD}")


def test_arrow_down_and_enter_open_the_first_result(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri())
    page.locator("#q").press_sequentially(BODY_WORD)
    expect(page.locator("#results li")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#results li").first).to_have_class("active")
    page.keyboard.press("Enter")
    expect(page).to_have_url((site / BODY_WORD_PAGE).as_uri())


def test_a_word_in_no_proposal_says_so(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri())
    page.locator("#q").press_sequentially("xylophonic")
    expect(page.locator("#search-status")).to_have_text("No proposal matches “xylophonic”.")
    expect(page.locator("#results li")).to_have_count(0)


def test_a_linked_query_shows_its_results(page: Page, site: Path) -> None:
    page.goto((site / "search.html").as_uri() + "?q=suppression")
    expect(page.locator("#q")).to_have_value("suppression")
    expect(page.locator("#results li a").first).to_have_text("KLIP-10: Add Suppress To KSQL")


def test_proposal_text_is_never_markup(page: Page, tmp_path: Path) -> None:
    body = 'The <img src=x onerror="window.pwned=1"> marker <b>bold</b>.'
    folder = write_files(tmp_path / "klips", {"klip-1-x.md": page_klip(1, "X", "Merged", body)})
    site = build(folder, tmp_path / "site")
    page.goto((site / "search.html").as_uri())
    page.locator("#q").press_sequentially("marker")
    expect(page.locator("#results mark")).to_have_text("marker")
    assert page.locator("#results img, #results b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_the_index_holds_text_up_to_the_cap_and_the_words_past_it(tmp_path: Path) -> None:
    long_body = "alpha " * (SEARCH_TEXT_CHARS // 6) + "omega beyond"
    folder = write_files(
        tmp_path / "klips",
        {
            "klip-1-short.md": page_klip(1, "Short", "Merged", "Just a few words."),
            "klip-2-long.md": page_klip(2, "Long", "Merged", long_body),
        },
    )
    site = build(folder, tmp_path / "site")
    index = json.loads((site / "search-index.json").read_text("utf-8"))
    short, long = index
    assert list(short) == ["url", "label", "title", "status", "text", "rest_words"]
    assert (short["url"], short["label"], short["title"], short["status"]) == (
        "p/klip-1-short.html",
        "KLIP-1",
        "Short",
        "Merged",
    )
    assert "Just a few words." in short["text"] and short["rest_words"] == ""
    assert len(long["text"]) <= SEARCH_TEXT_CHARS and long["text"].endswith("alpha")
    # The words past the cap, once each, none of those the kept text has.
    rest = long["rest_words"].split()
    assert {"omega", "beyond"} <= set(rest) and "alpha" not in rest and rest == sorted(set(rest))
    script = (site / "search-index.js").read_text("utf-8")
    assert (
        script
        == f"window.RFCDESK_SEARCH = {json.dumps(index, ensure_ascii=False, separators=(',', ':'))};\n"
    )
