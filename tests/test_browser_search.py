"""Search as a reader meets it: sites built to disk and opened from file://, in Debian's
Chromium driven by Playwright; the files a search loads; and what the search index holds."""

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
from rfcdesk.site.search import (
    SEARCH_TEXT_CHARS,
    all_pieces,
    encode_postings,
    holds,
    index_state,
    search_entry,
    search_pieces,
    shard_name,
    updated_pieces,
)
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


def test_the_export_holds_text_up_to_the_cap_and_the_words_past_it(tmp_path: Path) -> None:
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
    assert not (site / "search-index.js").exists()  # the page loads search/ in pieces


# --- the sharded index, worked out by hand ---------------------------------------------------


def test_terms_are_what_a_query_word_can_begin() -> None:
    entry = search_entry("p/klip-7.html", "KLIP-7", "Don't Pull-queries", "Merged", "x_y (zed)--")
    # Every start of a word, the run with its inner hyphens and apostrophes, lowercased.
    assert entry["terms"] == "7 don't klip-7 pull-queries queries t x_y zed"
    # A word starts after each hyphen or apostrophe inside a run, however many there are.
    entry = search_entry("p/a.html", "A", "", "Draft", "Well-known--x's; end-- -go")
    assert entry["terms"] == "a end go known--x's s well-known--x's x's"


def test_postings_are_base36_gaps_or_a_bitmap_whichever_is_shorter() -> None:
    assert encode_postings([35, 71], 100) == "10,10"  # gaps 36 and 36
    assert encode_postings([0, 1, 2], 3) == "1,1,1"  # a tie: the list
    # Ten of ten: bits 0-9, bytes ff 03, base64 "/wM=".
    assert encode_postings(list(range(10)), 10) == "=/wM="
    assert [shard_name(k) for k in ("th", "é1", "__", "a")] == ["th", "_e9_1", "_5f__5f_", "a"]


def test_the_shards_of_three_proposals() -> None:
    entries = [
        search_entry("p/klip-1.html", "KLIP-1", "Tags", "Merged", "Tag queries."),
        search_entry("p/klip-2.html", "KLIP-2", "Pull-queries", "Draft", "Tags and a cache."),
        search_entry("p/klip-3.html", "KLIP-3", "Z", "Merged", ""),
    ]
    assert [e["terms"] for e in entries] == [
        "1 klip-1 queries tag tags",
        "2 a and cache klip-2 pull-queries queries tags",
        "3 klip-3 z",
    ]
    # Two proposals a docs chunk; text chunks of 23 bytes: "Tag queries." costs 15 (its JSON
    # and a comma), "Tags and a cache." 20, "" 3: the first alone, the other two together.
    files = dict(search_pieces(entries, docs_per_chunk=2, text_bytes=23))
    shards = {
        # A one-character key: every proposal with a term that starts with it.
        "1": '[["1","1","1"]]',
        "2": '[["2","2","2"]]',
        "3": '[["3","3","3"]]',
        "a": '[["a","2"]]',  # KLIP-2's "a" and "and", in no title
        "an": '[["and","2"]]',
        "c": '[["c","2"]]',
        "ca": '[["cache","2"]]',
        "k": '[["k","1,1,1","1,1,1"]]',
        "kl": '[["klip-1","1","1"],["klip-2","2","2"],["klip-3","3","3"]]',
        "p": '[["p","2","2"]]',
        "pu": '[["pull-queries","2","2"]]',
        "q": '[["q","1,1","2"]]',  # in both, in KLIP-2's title
        "qu": '[["queries","1,1","2"]]',
        "t": '[["t","1,1","1"]]',
        "ta": '[["tag","1"],["tags","1,1","1"]]',
        "z": '[["z","3","3"]]',
    }
    expected = {
        f"search/terms-{k}.js": f'rfcdeskSearch.terms("{k}",{v});\n' for k, v in shards.items()
    }
    expected["search/text-0.js"] = 'rfcdeskSearch.text(0,0,["Tag queries."]);\n'
    expected["search/text-1.js"] = 'rfcdeskSearch.text(1,1,["Tags and a cache.",""]);\n'
    expected["search/docs-0.js"] = (
        'rfcdeskSearch.docs(0,[["KLIP-1","Tags","Merged","p/klip-1.html",0],'
        '["KLIP-2","Pull-queries","Draft","p/klip-2.html",1]]);\n'
    )
    expected["search/docs-1.js"] = (
        'rfcdeskSearch.docs(1,[["KLIP-3","Z","Merged","p/klip-3.html",1]]);\n'
    )
    # "terms-1.js" is 20 + 3 + 1 + 15 + 3 bytes: rfcdeskSearch.terms( "1" , [["1","1","1"]] );\n
    sizes = {k: 20 + len(k) + 2 + 1 + len(v) + 3 for k, v in shards.items()}
    assert sizes["1"] == 42
    expected["search/manifest.js"] = (
        'rfcdeskSearch.manifest({"format":1,"docs":3,"docsPerChunk":2,"terms":'
        + json.dumps(sizes, separators=(",", ":"))
        + "});\n"
    )
    assert files == expected


def test_a_rebuild_leaves_no_stale_piece(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "klips",
        {
            "klip-1-a.md": page_klip(1, "Alpha", "Merged", "Quetzal words."),
            "klip-2-b.md": page_klip(2, "Beta", "Merged", "Other words."),
        },
    )
    site = build(folder, tmp_path / "site")
    assert (site / "search" / "terms-qu.js").is_file()
    (folder / "klip-1-a.md").unlink()
    build(folder, site)
    index = json.loads((site / "search-index.json").read_text("utf-8"))
    assert [e["label"] for e in index] == ["KLIP-2"]
    written = sorted(p.name for p in (site / "search").iterdir())
    assert "terms-qu.js" not in written and "terms-al.js" not in written
    assert "docs-0.js" in written and "terms-be.js" in written


# --- a site opened from disk, and what a search loads -----------------------------------------

# A KLIP body of about 2,000 bytes: about eight of them fill a text chunk.
FILLER = " ".join(["Lorem ipsum dolor sit amet, consectetur adipiscing elit."] * 36)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of 130 proposals: two docs chunks, many text chunks. KLIP-120's body has
    "quetzalcoatl" and "éclair", no other has; every one has "lorem"."""
    top = tmp_path_factory.mktemp("many")
    files = {}
    for n in range(1, 131):
        extra = " A quetzalcoatl ate an éclair." if n == 120 else ""
        files[f"klip-{n}-p{n}.md"] = page_klip(n, f"Proposal {n}", "Merged", FILLER + extra)
    return build(write_files(top / "klips", files), top / "site")


def loaded(page: Page) -> list[str]:
    """The pieces of the index the page has asked for, in order."""
    found = page.evaluate(
        "Array.from(document.querySelectorAll('script[src^=\"search/\"]'), s => s.getAttribute('src'))"
    )
    return [str(src) for src in found]


def test_a_site_from_disk_finds_a_proposal_and_loads_only_its_pieces(
    page: Page, many: Path
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto((many / "search.html").as_uri())
    page.locator("#q").press_sequentially("quetzal")
    expect(page.locator("#search-status")).to_have_text("1 proposal matches “quetzal”.")
    first = page.locator("#results li").first
    expect(first.locator("a")).to_have_text("KLIP-120: Proposal 120")
    expect(first.locator("mark")).to_have_text("quetzalcoatl")
    # KLIP-120 is the 120th proposal in index order, number 119: docs chunk 1; its text
    # chunk is the one its row names.
    rows = json.loads(
        (many / "search" / "docs-1.js").read_text("utf-8")[len("rfcdeskSearch.docs(1,") : -3]
    )
    text_chunk = rows[119 - 100][4]
    pieces = ["manifest.js", "terms-qu.js", "docs-1.js", f"text-{text_chunk}.js"]
    assert loaded(page) == [f"search/{p}" for p in pieces]
    search_urls = [u for u in requested if "/search/" in u]
    assert search_urls == [(many / "search" / p).as_uri() for p in pieces]
    first_search = sum((many / "search" / p).stat().st_size for p in pieces)
    everything = sum(p.stat().st_size for p in (many / "search").iterdir())
    assert first_search < everything / 10, (first_search, everything)
    # A word whose shard name is escaped: "éc" is terms-_e9_c.js.
    page.locator("#q").fill("éclair")
    expect(page.locator("#search-status")).to_have_text("1 proposal matches “éclair”.")
    expect(page.locator("#results li a")).to_have_text(["KLIP-120: Proposal 120"])
    assert loaded(page)[-1] == "search/terms-_e9_c.js"


def test_a_common_word_shows_a_page_of_results_then_more(page: Page, many: Path) -> None:
    page.goto((many / "search.html").as_uri() + "?q=lorem")
    expect(page.locator("#search-status")).to_have_text("130 proposals match “lorem”.")
    expect(page.locator("#results li")).to_have_count(20)
    # Twenty results in index order: docs chunk 0, and only the text chunks they fall in.
    rows = json.loads(
        (many / "search" / "docs-0.js").read_text("utf-8")[len("rfcdeskSearch.docs(0,") : -3]
    )
    texts = sorted({row[4] for row in rows[:20]})
    assert sorted(loaded(page)) == sorted(
        ["search/manifest.js", "search/terms-lo.js", "search/docs-0.js"]
        + [f"search/text-{n}.js" for n in texts]
    )
    more = page.locator("#more")
    expect(more).to_have_text("Show 20 more (110 not shown)")
    more.click()
    expect(page.locator("#results li")).to_have_count(40)
    expect(page.locator("#results li a").nth(39)).to_have_text("KLIP-40: Proposal 40")
    # The keyboard still walks the results.
    page.locator("#q").press("ArrowDown")
    expect(page.locator("#results li").first).to_have_class("active")


def test_a_one_letter_word_uses_its_own_small_shard(page: Page, many: Path) -> None:
    page.goto((many / "search.html").as_uri() + "?q=quetzal+a")
    expect(page.locator("#search-status")).to_have_text("1 proposal matches “quetzal a”.")
    assert "search/terms-a.js" in loaded(page)
    assert not [
        p for p in loaded(page) if p.startswith("search/terms-a") and p != "search/terms-a.js"
    ]


def _site(files: dict[str, str], pieces: list[tuple[str, str]], names: list[str]) -> dict[str, str]:
    """The search files after writing `pieces` and removing what `names` no longer lists."""
    kept = {**files, **dict(pieces)}
    return {name: kept[name] for name in names}


def test_the_index_brought_up_to_date_is_the_index_made_again() -> None:
    entries = [
        search_entry("p/a.html", "A-1", "Tags", "Merged", "Tag queries."),
        search_entry("p/b.html", "A-2", "Pull-queries", "Draft", "Tags and a cache."),
        search_entry("p/c.html", "A-3", "Z", "Merged", ""),
        search_entry("p/d.html", "A-4", "Windows", "Draft", "Windowed joins, zero copies."),
    ]
    state = index_state(entries)
    files = dict(all_pieces(state, entries, docs_per_chunk=2, text_bytes=23))
    # B loses "cache" and "and", gains "xylophone" (a new shard) and a longer text, which
    # moves the text chunks after it; D's title changes; A and C stay.
    changed = list(entries)
    changed[1] = search_entry(
        "p/b.html", "A-2", "Pull-queries", "Merged", "Tags, a xylophone, and more words."
    )
    changed[3] = search_entry("p/d.html", "A-4", "Panes", "Draft", "Windowed joins, zero copies.")
    before = {1: entries[1], 3: entries[3]}
    assert holds(state, before)
    pieces, names, _ = updated_pieces(state, changed, before, docs_per_chunk=2, text_bytes=23)
    made_again = dict(search_pieces(changed, docs_per_chunk=2, text_bytes=23))
    assert _site(files, pieces, names) == made_again
    # Only what the two touched was written again: not the shards of A's own words.
    written = {name for name, _ in pieces}
    assert "search/terms-ta.js" not in written and "search/terms-xy.js" in written
    assert "search/terms-ca.js" not in names  # "cache" is gone from every proposal


def test_a_state_that_does_not_hold_the_old_entries_is_not_used() -> None:
    entries = [search_entry("p/a.html", "A-1", "Tags", "Merged", "Tag queries.")]
    state = index_state(entries)
    other = search_entry("p/a.html", "A-1", "Tags", "Merged", "Something else entirely.")
    assert holds(state, {0: entries[0]})
    assert not holds(state, {0: other})
