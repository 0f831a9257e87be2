"""The site in a real browser: Debian's Chromium driven by Playwright, against `rfcdesk serve`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import write_files
from support import git, page_klip

ATTACKS = """<script>window.pwned = "script"</script>

<img src="missing.png" onerror="window.pwned = 'onerror'">

[a harmless-looking link](javascript:window.pwned='link')
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("site") / "repo"
    klips = write_files(
        top / "klips",
        {
            "klip-1-joins.md": page_klip(
                1, "Stream Joins", "Merged", "Builds on [the cache](klip-2-cache.md#design)."
            ),
            "klip-2-cache.md": page_klip(2, "Schema Cache", "In Discussion", "Lookups are slow."),
            "klip-3-tags.md": page_klip(
                3, "Query Tags", "In Discussion", "The zephyrine tag.\n\n" + ATTACKS, author="Bo"
            ),
        },
    )
    git(top.parent, "init", "-q", "-b", "main", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-qm", "three KLIPs")
    return klips


@pytest.fixture(scope="module")
def server(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`rfcdesk serve` on a free loopback port, with a cache of its own; yields its URL."""
    cache = tmp_path_factory.mktemp("serve-cache")
    process = subprocess.Popen(
        [sys.executable, "-m", "rfcdesk", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RFCDESK_CACHE_DIR": str(cache)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"serving (http://\S+) ", line)
    if not found:
        process.kill()
        raise AssertionError(f"serve did not start: {line!r} {process.stderr.read()!r}")  # type: ignore[union-attr]
    yield found.group(1)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def visible_ids(page: Page) -> list[str]:
    return page.locator("#proposals tbody tr:visible td:first-child").all_inner_texts()


def test_filter_by_status_changes_rows_and_url(page: Page, server: str) -> None:
    page.goto(server + "index.html")
    assert visible_ids(page) == ["KLIP-1", "KLIP-2", "KLIP-3"]
    page.select_option("select[name=status]", "In Discussion")
    expect(page).to_have_url(server + "index.html?status=In+Discussion")
    assert visible_ids(page) == ["KLIP-2", "KLIP-3"]
    expect(page.locator("#shown")).to_have_text("2 of 3 proposals")
    # The URL is the state: opening it shows the same view.
    page.goto(server + "index.html?status=In+Discussion&author=Bo")
    assert visible_ids(page) == ["KLIP-3"]
    expect(page.locator("select[name=author]")).to_have_value("Bo")


def test_search_finds_a_word_and_lands_on_its_proposal(page: Page, server: str) -> None:
    page.goto(server + "index.html")
    page.fill("#q-top", "zephyrine")
    page.press("#q-top", "Enter")
    expect(page.locator("#search-status")).to_have_text("1 proposal matches “zephyrine”.")
    page.click("#results a")
    expect(page).to_have_url(server + "p/klip-3-tags.html")
    expect(page.locator("h1.title")).to_have_text("Query Tags")


def test_a_link_between_proposals_leads_to_the_other_page(page: Page, server: str) -> None:
    page.goto(server + "p/klip-1-joins.html")
    page.click("text=the cache")
    expect(page).to_have_url(server + "p/klip-2-cache.html#design")
    expect(page.locator("h1.title")).to_have_text("Schema Cache")
    # And KLIP-2's page knows who links to it.
    expect(page.locator(".backlinks li")).to_have_text(["KLIP-1: Stream Joins"])


def test_injected_script_never_runs(page: Page, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(server + "p/klip-3-tags.html")
    page.wait_for_load_state("load")
    link = page.locator("text=a harmless-looking link")
    assert link.get_attribute("href") is None
    link.click()
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator(".document script").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert dialogs == []


def test_editing_a_file_updates_the_open_page(page: Page, server: str, folder: Path) -> None:
    page.goto(server + "p/klip-2-cache.html")
    expect(page.locator(".label .badge")).to_have_text("In Discussion")
    expect(page.locator("#diagnostics")).not_to_contain_text("M010")
    target = folder / "klip-2-cache.md"
    text = target.read_text("utf-8")
    target.write_text(text.replace("In Discussion", "Shipped"), "utf-8")
    try:
        # The page reloads itself; the new status is not a klip status, so the
        # diagnostic appears on the page as well.
        expect(page.locator(".label .badge")).to_have_text("? Shipped", timeout=15000)
        expect(page.locator("#diagnostics")).to_contain_text("M010")
    finally:
        target.write_text(text, "utf-8")


def test_no_request_leaves_the_site(page: Page, server: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("index.html", "dashboard.html", "p/klip-1-joins.html", "search.html?q=tag"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    assert requested and all(url.startswith(server) for url in requested)


def test_readable_and_usable_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "index.html")
    assert visible_ids(page) == ["KLIP-1", "KLIP-2", "KLIP-3"]
    page.goto(server + "p/klip-1-joins.html")
    expect(page.locator(".document")).to_contain_text("Builds on the cache")
    context.close()


def test_keyboard_reaches_the_filters_and_the_table(page: Page, server: str) -> None:
    page.goto(server + "index.html")
    page.focus("select[name=status]")
    page.keyboard.press("ArrowDown")  # the first status, in the scheme's order
    expect(page).to_have_url(server + "index.html?status=In+Discussion")
    assert visible_ids(page) == ["KLIP-2", "KLIP-3"]
    page.keyboard.press("Tab")
    expect(page.locator("select[name=author]")).to_be_focused()


# --- a rebuild that fails, shown over the open page ------------------------------------------


@pytest.fixture
def klip_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`rfcdesk serve` on a copy of examples/klip that a test may break; yields URL and folder."""
    folder = shutil.copytree(
        Path(__file__).resolve().parents[1] / "examples" / "klip", tmp_path / "klip"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "rfcdesk", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    found = re.search(r"serving (http://\S+) ", process.stdout.readline())
    if not found:
        process.kill()
        raise AssertionError(f"serve did not start: {process.communicate()!r}")
    yield found.group(1), folder
    process.terminate()
    process.wait(timeout=10)


KNOWN_SETTINGS = "(known: approvals, approvers, ignore, path, periods, scheme, select, stale_days)"


def test_a_failed_rebuild_shows_over_the_page_until_a_good_one(
    browser: Browser, klip_server: tuple[str, Path]
) -> None:
    url, folder = klip_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "index.html")
    overlay = page.locator("#rfcdesk-build-error")
    expect(page.locator("#proposals tbody tr").first).to_contain_text("Windowed Joins")
    expect(overlay).to_have_count(0)

    # A settings file the build refuses, whose bad key is markup: it must show as text.
    bad_key = "<img src=x onerror=window.pwned=1>"
    (folder / "rfcdesk.toml").write_text(f'"{bad_key}" = 1\n', "utf-8")
    message = f"unknown setting '{bad_key}' {KNOWN_SETTINGS}"
    expect(overlay).to_be_visible(timeout=15000)
    expect(overlay.locator("h2")).to_have_text("The site did not build")
    expect(overlay.locator(".build-error-file")).to_have_text("rfcdesk.toml")
    expect(overlay.locator(".build-error-message")).to_have_text(message)
    assert overlay.locator("img").count() == 0
    assert page.evaluate("typeof window.pwned") == "undefined"

    # A page opened while the build is broken shows the failure over the last good build.
    late = context.new_page()
    late.goto(url + "index.html")
    expect(late.locator("#rfcdesk-build-error .build-error-message")).to_have_text(message)
    expect(late.locator("#proposals tbody tr").first).to_contain_text("Windowed Joins")

    # Fixed, with an edit: both pages reload, without the overlay and with the edit.
    proposal = folder / "klip-1-windowed-joins.md"
    proposal.write_text(
        proposal.read_text("utf-8").replace("Windowed Joins", "Sliding Joins"), "utf-8"
    )
    (folder / "rfcdesk.toml").unlink()
    for opened in (page, late):
        expect(opened.locator("#proposals tbody tr").first).to_contain_text(
            "Sliding Joins", timeout=15000
        )
        expect(opened.locator("#rfcdesk-build-error")).to_have_count(0)
    context.close()
