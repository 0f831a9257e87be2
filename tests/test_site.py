"""The static site without a browser: rendering, sanitizing, exports, rebuilds, real folders."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import write_files
from rfcdesk.errors import FatalError
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.site import build as site_build
from rfcdesk.site import render as render_module
from rfcdesk.site import rows
from rfcdesk.site.build import BuildOptions, build_site
from rfcdesk.site.export import schema_text
from rfcdesk.site.render import render, render_inline
from rfcdesk.site.search import SearchEntry
from support import git, page_klip, run


def test_render_rewrites_links_and_strips_what_could_run() -> None:
    pages = {"klip-2-cache.md": "klip-2-cache.html", "img/plan.png": "../files/img/plan.png"}
    text = (
        "# Title\n\n## Design\n\n## Design\n\n"
        "[cache](klip-2-cache.md#design) [web](https://example.org) ![plan](img/plan.png)\n\n"
        '<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n'
        '<a href="javascript:alert(3)">bad</a> [worse](javascript:alert(4))\n\n'
        "| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = 1\n```\n"
    )
    rendered = render(text, "klip-1-joins.md", pages.get)
    assert [(h.level, h.text, h.anchor) for h in rendered.headings] == [
        (1, "Title", "title"),
        (2, "Design", "design"),
        (2, "Design", "design-1"),
    ]
    html = rendered.html
    assert '<a href="klip-2-cache.html#design" rel="noopener noreferrer">cache</a>' in html
    assert '<img src="../files/img/plan.png" alt="plan">' in html
    assert '<a href="https://example.org" rel="noopener noreferrer">web</a>' in html
    assert "<script" not in html and "alert(1)" not in html and "onerror" not in html
    assert '<img src="x">' in html
    # A raw link loses its href; a Markdown one is never made a link at all: its text shows.
    assert '<p><a rel="noopener noreferrer">bad</a> worse</p>' in html
    assert '<td align="right">2</td>' in html or '<td style="text-align:right">2</td>' in html
    assert '<pre class="highlight"><code><span class="n">x</span>' in html
    assert rendered.assets == ("img/plan.png",)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    top = tmp_path / "repo"
    folder = write_files(
        top / "klips",
        {
            "klip-1-joins.md": page_klip(
                1, "Stream Joins", "Merged", "See [KLIP-2](klip-2-cache.md)."
            ),
            "klip-2-cache.md": page_klip(2, "Schema Cache", "In Discussion", "![plan](plan.png)"),
            "klip-3-tags.md": page_klip(3, "Query Tags", "Rejected", "Nothing links here."),
            "plan.png": b"\x89PNG\r\n\x1a\nnot really",
        },
    )
    git(top.parent, "init", "-q", "-b", "main", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-qm", "KLIPs")
    return folder


def build(folder: Path, output: Path) -> tuple[str, ...]:
    return build_site(open_folder(load_config(folder)), BuildOptions(output)).rendered


def test_build_writes_every_page_and_a_valid_export(repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(repo, site) == (
        "p/klip-1-joins.html",
        "p/klip-2-cache.html",
        "p/klip-3-tags.html",
    )
    names = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    # The search index's pieces are asserted in test_browser_search.py.
    pieces = [n for n in names if n.startswith("search/")]
    assert {"search/manifest.js", "search/docs-0.js", "search/text-0.js"} <= set(pieces)
    assert [n for n in names if not n.startswith("search/")] == [
        ".rfcdesk-build.json",
        "assets/search.js",
        "assets/site.css",
        "assets/site.js",
        "dashboard.html",
        "feed.xml",
        "files/plan.png",
        "index.html",
        "p/klip-1-joins.html",
        "p/klip-2-cache.html",
        "p/klip-3-tags.html",
        "proposals.json",
        "proposals.schema.json",
        "search-index.json",
        "search.html",
        "source/klip-1-joins.md",
        "source/klip-2-cache.md",
        "source/klip-3-tags.md",
    ]
    exported = json.loads((site / "proposals.json").read_text("utf-8"))
    jsonschema.validate(exported, json.loads(schema_text()))
    first = exported["proposals"][0]
    assert (first["id"], first["status"], first["authors"], first["page"]) == (
        "KLIP-1",
        "Merged",
        ["Ada"],
        "p/klip-1-joins.html",
    )
    assert [e["event"] for e in first["events"]] == ["created"]
    feed = (site / "feed.xml").read_text("utf-8")
    assert feed.count("<entry>") == 3
    assert "KLIP-2 was created as In Discussion: Schema Cache" in feed
    index = (site / "index.html").read_text("utf-8")
    assert index.count('<tr data-status="') == 3
    page = (site / "p" / "klip-2-cache.html").read_text("utf-8")
    assert '<a href="../p/klip-1-joins.html">KLIP-1: Stream Joins</a>' in page  # referenced by
    dashboard = (site / "dashboard.html").read_text("utf-8")
    assert dashboard.count("<svg") == 4 and "<script>" not in dashboard


def test_a_rebuild_renders_only_what_changed(repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(repo, site)
    untouched = (site / "p" / "klip-3-tags.html").stat().st_mtime_ns
    assert build(repo, site) == ()
    target = repo / "klip-2-cache.md"
    target.write_text(target.read_text("utf-8").replace("(plan.png)", "(plan.png) Slow."), "utf-8")
    assert build(repo, site) == ("p/klip-2-cache.html",)
    assert build(repo, site) == ()  # what it was made again of was kept
    # KLIP-1 now links to a new KLIP-4 instead of KLIP-2: KLIP-1 (its text), KLIP-2 (it lost
    # a backlink) and KLIP-4 (new) are rendered; KLIP-3 is not.
    (repo / "klip-1-joins.md").write_text(
        page_klip(1, "Stream Joins", "Merged", "See [KLIP-4](klip-4-new.md)."), "utf-8"
    )
    (repo / "klip-4-new.md").write_text(page_klip(4, "New", "Proposal", "New."), "utf-8")
    assert build(repo, site) == (
        "p/klip-1-joins.html",
        "p/klip-2-cache.html",
        "p/klip-4-new.html",
    )
    (repo / "klip-4-new.md").unlink()  # KLIP-1's link to it no longer leads to a page
    assert build(repo, site) == ("p/klip-1-joins.html",)
    assert build(repo, site) == ()
    assert not (site / "p" / "klip-4-new.html").exists()
    assert (site / "p" / "klip-3-tags.html").stat().st_mtime_ns == untouched


def _search_files(site: Path) -> dict[str, bytes]:
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "search").iterdir()}
    whole = ("search-index.json", "index.html", "proposals.json", "dashboard.html", "feed.xml")
    return {**found, **{name: (site / name).read_bytes() for name in whole}}


def test_a_rebuild_brings_the_index_and_exports_up_to_date_as_a_new_build_makes_them(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spliced: list[list[int]] = []
    splice = rows._splice

    def spy(target: Path, fresh: Path, layout: rows.Layout, changed: list[int], *rest: Any) -> Any:
        spliced.append(changed)
        return splice(target, fresh, layout, changed, *rest)

    monkeypatch.setattr(rows, "_splice", spy)
    site = tmp_path / "site"
    build(repo, site)
    target = repo / "klip-3-tags.md"
    target.write_text(
        target.read_text("utf-8").replace("Nothing links here.", "Quokkas link nowhere."),
        "utf-8",
    )
    assert build(repo, site) == ("p/klip-3-tags.html",)
    fresh = tmp_path / "fresh"
    build(repo, fresh)
    assert _search_files(site) == _search_files(fresh)
    assert b'"quokkas"' in _search_files(site)["search/terms-qu.js"]
    # The first proposal's row grows and the last one's shrinks: the rows between them are
    # copied from the last `search-index.json`, these two encoded again.
    first, last = repo / "klip-1-joins.md", repo / "klip-3-tags.md"
    first.write_text(first.read_text("utf-8") + "\nWombats, too, with a longer row.\n", "utf-8")
    last.write_text(last.read_text("utf-8").replace("Quokkas link nowhere.", "Q."), "utf-8")
    assert build(repo, site) == ("p/klip-1-joins.html", "p/klip-3-tags.html")
    again = tmp_path / "again"
    build(repo, again)
    assert _search_files(site) == _search_files(again)
    found = json.loads((site / "search-index.json").read_text("utf-8"))
    assert "wombats" in found[0]["text"].lower() and "Quokkas" not in found[2]["text"]
    # Only the rebuilds spliced, each its changed rows (the new builds wrote theirs whole).
    assert spliced == [[2], [0, 2]]


def test_the_pages_about_the_folder_are_made_again_only_when_what_they_show_changed(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    folder_pages = site_build._folder_pages

    def spy(folder: Any, entries: list[Any], *rest: Any) -> dict[str, str]:
        made.append(len(entries))
        return folder_pages(folder, entries, *rest)

    monkeypatch.setattr(site_build, "_folder_pages", spy)
    site = tmp_path / "site"
    build(repo, site)
    assert made == [3]
    # Its text: its page and the search index change, not its row, record or the charts.
    target = repo / "klip-3-tags.md"
    target.write_text(target.read_text("utf-8").replace("Nothing", "Nobody"), "utf-8")
    assert build(repo, site) == ("p/klip-3-tags.html",)
    assert made == [3]
    assert b"nobody" in (site / "search-index.json").read_bytes().lower()
    # Its title: its row and record change.
    target.write_text(target.read_text("utf-8").replace("Query Tags", "Query Labels"), "utf-8")
    assert build(repo, site) == ("p/klip-3-tags.html",)
    assert made == [3, 3]
    fresh = tmp_path / "fresh"
    build(repo, fresh)
    assert _search_files(site) == _search_files(fresh)
    assert b"Query Labels" in (site / "index.html").read_bytes()


def test_build_refuses_a_folder_that_is_not_its_own(repo: Path, tmp_path: Path) -> None:
    mine = write_files(tmp_path / "notes", {"todo.txt": "keep me"})
    code, out = run(["build", str(repo), "-o", str(mine)], tmp_path)
    assert (code, out) == (
        2,
        f"rfcdesk: {mine}: folder is not empty and holds no rfcdesk site; "
        "choose an empty or a new folder\n",
    )
    assert (mine / "todo.txt").read_text() == "keep me"


def test_export_csv(repo: Path) -> None:
    code, out = run(["export", "--format", "csv"], repo)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == (
        "id,title,status,authors,created,updated,status_since,release,discussion,path,errors,warnings"
    )
    assert re.fullmatch(
        r"KLIP-3,Query Tags,Rejected,Ada,(\S+),\1,\1,1\.0,https://example\.org/pull/3,klip-3-tags\.md,0,\d+",
        lines[3],
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(repo: Path, tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rfcdesk",
            "serve",
            str(repo),
            "--port",
            str(port),
            "-o",
            str(tmp_path / "out"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert "serving http://127.0.0.1:" in process.stdout.readline()
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_serve_never_serves_outside_the_site(served: int, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/p/../../secret.txt", "/..%2fsecret.txt"):
        connection = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        assert (path, response.status, b"secret" in response.read()) == (path, 404, False)
        connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    connection.request("GET", "/index.html")
    assert connection.getresponse().status == 200


# --- real folders ----------------------------------------------------------------------------


@pytest.mark.parametrize("corpus", ["ksql", "wescale"])
def test_real_folders_get_every_page_and_no_dead_link_between_proposals(
    corpora: Path, corpus: str, tmp_path: Path
) -> None:
    folder = open_folder(load_config(corpora / corpus))
    site = tmp_path / "site"
    started = time.perf_counter()
    result = build_site(folder, BuildOptions(site))
    print(f"{corpus}: {result.pages} pages in {time.perf_counter() - started:.2f}s")
    assert result.pages == len(folder.proposals) == {"ksql": 47, "wescale": 11}[corpus]
    pages = sorted(str(p.relative_to(site)) for p in (site / "p").iterdir())
    assert len(pages) == result.pages
    dead = []
    for page in pages:
        html = (site / page).read_text("utf-8")
        for href in re.findall(r'href="([^"#:]+\.html)(?:#[^"]*)?"', html):
            target = (site / page).parent / href
            if not target.resolve().is_file():
                dead.append(f"{page} -> {href}")
    assert dead == []


def test_many_pages_render_in_worker_processes(tmp_path: Path) -> None:
    # Past the parallel threshold, with each proposal linking to the next: page inputs
    # must travel to worker processes without dragging the whole link graph along.
    files = {
        f"klip-{n}-step.md": page_klip(
            n, f"Step {n}", "Proposal", f"Next: [KLIP-{n + 1}](klip-{n + 1}-step.md)."
        )
        for n in range(1, 251)
    }
    folder = write_files(tmp_path / "klips", files)
    result = build_site(open_folder(load_config(folder)), BuildOptions(tmp_path / "site", jobs=2))
    assert (result.pages, len(result.rendered)) == (250, 250)
    page = (tmp_path / "site" / "p" / "klip-7-step.html").read_text("utf-8")
    assert '<a href="klip-8-step.html" rel="noopener noreferrer">KLIP-8</a>' in page
    assert '<a href="../p/klip-6-step.html">KLIP-6: Step 6</a>' in page


def test_a_whole_search_index_is_made_beside_and_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        f"klip-{n}-step.md": page_klip(n, f"Step {n}", "Proposal", f"Words-{n} and more.")
        for n in range(1, 41)
    }
    folder = write_files(tmp_path / "klips", files)
    made_by = tmp_path / "made-by"
    whole_search = site_build._write_whole_search

    def noted(output: Path, indexed: list[SearchEntry]) -> None:
        with made_by.open("a") as note:
            note.write(f"{os.getpid()}\n")
        whole_search(output, indexed)

    monkeypatch.setattr(site_build, "_write_whole_search", noted)
    monkeypatch.setattr(site_build, "SEARCH_BESIDE", 10**9)
    build_site(open_folder(load_config(folder)), BuildOptions(tmp_path / "here"))
    monkeypatch.setattr(site_build, "SEARCH_BESIDE", 40)
    build_site(open_folder(load_config(folder)), BuildOptions(tmp_path / "beside"))
    here_pid, beside_pid = made_by.read_text().split()
    assert here_pid == str(os.getpid()) != beside_pid
    pieces = sorted(p.name for p in (tmp_path / "here" / "search").iterdir())
    assert pieces == sorted(p.name for p in (tmp_path / "beside" / "search").iterdir())
    assert "terms-wo.js" in pieces
    for name in [*(f"search/{p}" for p in pieces), "search-index.json"]:
        here = (tmp_path / "here" / name).read_bytes()
        assert (tmp_path / "beside" / name).read_bytes() == here, name


def test_a_build_that_fails_while_the_index_is_made_beside_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"klip-{n}-step.md": page_klip(n, f"Step {n}", "Proposal", "Text.") for n in (1, 2)}
    folder = write_files(tmp_path / "klips", files)
    site = tmp_path / "site"
    build_site(open_folder(load_config(folder)), BuildOptions(site))
    # A new proposal: the search index is made whole again, beside.
    write_files(folder, {"klip-3-step.md": page_klip(3, "Step 3", "Proposal", "Text.")})
    shutil.rmtree(site / "source")
    (site / "source").write_text("a file where the sources go\n")
    (site / "search" / "manifest.js").unlink()
    monkeypatch.setattr(site_build, "SEARCH_BESIDE", 1)
    with pytest.raises(FatalError) as raised:
        build_site(open_folder(load_config(folder)), BuildOptions(site))
    target = site / "source" / "klip-1-step.md"
    assert raised.value.message == f"{target}: cannot write it: {site / 'source'} is a file"
    assert multiprocessing.active_children() == []
    assert (site / "search" / "manifest.js").is_file()  # the pieces were made, beside


def test_the_body_starts_after_the_title_and_fields_the_card_shows(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "klips",
        {"klip-1-joins.md": page_klip(1, "Stream Joins", "Merged", "The body.")},
    )
    build_site(open_folder(load_config(folder)), BuildOptions(tmp_path / "site"))
    page = (tmp_path / "site" / "p" / "klip-1-joins.html").read_text("utf-8")
    body = page.split('<div class="document">', 1)[1].split("</div>", 1)[0]
    # page_klip: `# KLIP-1: ...`, the field lines (`tl;dr` is a field of the klip scheme
    # too, two lines further down), then the sections.
    assert "KLIP-1: Stream Joins" not in body and "Release Target" not in body
    assert body.startswith(
        '\n<h2 id="motivation-and-background">Motivation and background</h2>\n<p>The body.</p>'
    )


def test_a_bare_url_in_the_body_is_a_link() -> None:
    html = render(
        "# T\n\nSee https://example.org/a?b=1 first.\n", "klip-1-x.md", lambda _p: None
    ).html
    assert html == (
        '<h1 id="t">T</h1>\n<p>See <a href="https://example.org/a?b=1" '
        'rel="noopener noreferrer">https://example.org/a?b=1</a> first.</p>\n'
    )


def test_the_search_index_follows_an_edit_and_outlives_a_lost_cache(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    build(repo, site)
    (repo / "klip-3-tags.md").write_text(
        page_klip(3, "Query Labels", "Rejected", "Nothing links here."), "utf-8"
    )
    assert build(repo, site) == ("p/klip-3-tags.html",)
    index = json.loads((site / "search-index.json").read_text("utf-8"))
    assert [row["title"] for row in index] == ["Stream Joins", "Schema Cache", "Query Labels"]
    # The pages' search entries are kept in the cache: without them, the pages are read again.
    monkeypatch.setenv("RFCDESK_CACHE_DIR", str(tmp_path / "another-cache"))
    assert build(repo, site) == (
        "p/klip-1-joins.html",
        "p/klip-2-cache.html",
        "p/klip-3-tags.html",
    )
    assert json.loads((site / "search-index.json").read_text("utf-8")) == index


# What GitHub readers expect of a page, as the exact HTML each input becomes.
RENDERED = [
    (  # bare links as GitHub finds them: the sentence's punctuation stays outside
        "See https://example.org/a_(b). And www.rust-lang.org, or ann@example.org.",
        '<p>See <a href="https://example.org/a_(b)" rel="noopener noreferrer">'
        "https://example.org/a_(b)</a>. And "
        '<a href="http://www.rust-lang.org" rel="noopener noreferrer">www.rust-lang.org</a>, or '
        '<a href="mailto:ann@example.org" rel="noopener noreferrer">ann@example.org</a>.</p>\n',
    ),
    (  # a file or crate name is no link, nor is a URL in code
        "On crates.io, see lib.rs and `https://example.org`.",
        "<p>On crates.io, see lib.rs and <code>https://example.org</code>.</p>\n",
    ),
    (
        "Issue:https://example.org/1 (https://example.org/2) [https://example.org/3]",
        '<p>Issue:<a href="https://example.org/1" rel="noopener noreferrer">'
        'https://example.org/1</a> (<a href="https://example.org/2" rel="noopener noreferrer">'
        'https://example.org/2</a>) [<a href="https://example.org/3" rel="noopener noreferrer">'
        "https://example.org/3</a>]</p>\n",
    ),
    (  # CJK punctuation ends a link: it is written without a space before it
        "文書（https://example.org/a#b）を参照。",
        '<p>文書（<a href="https://example.org/a#b" rel="noopener noreferrer">'
        "https://example.org/a#b</a>）を参照。</p>\n",
    ),
    (  # a link's text, and a link written in HTML, are not linked again
        '[https://example.org/a](https://example.org/b) <A href="https://example.org/c">'
        "https://example.org/c</a> https://example.org/d",
        '<p><a href="https://example.org/b" rel="noopener noreferrer">https://example.org/a</a> '
        '<a href="https://example.org/c" rel="noopener noreferrer">https://example.org/c</a> '
        '<a href="https://example.org/d" rel="noopener noreferrer">https://example.org/d</a></p>\n',
    ),
    (
        "- [ ] open\n- [x] done\n",
        '<ul>\n<li><input type="checkbox" disabled=""> open</li>\n'
        '<li><input type="checkbox" disabled="" checked=""> done</li>\n</ul>\n',
    ),
    (
        "A claim.[^n]\n\n[^n]: The source.\n",
        '<p>A claim.<sup class="footnote-reference"><a href="#fn-n" rel="noopener noreferrer">'
        '1</a></sup></p>\n<div class="footnote-definition" id="fn-n">'
        '<sup class="footnote-definition-label">1</sup>\n<p>The source.</p>\n</div>\n',
    ),
    ("~~gone~~ and ~gone~", "<p><del>gone</del> and <del>gone</del></p>\n"),
    (
        "| a | b |\n|:-:|--:|\n| 1 | 2 |\n",
        '<table>\n<thead>\n<tr>\n<th align="center">a</th>\n<th align="right">b</th>\n</tr>\n'
        '</thead>\n<tbody>\n<tr>\n<td align="center">1</td>\n<td align="right">2</td>\n</tr>\n'
        "</tbody>\n</table>\n",
    ),
    (  # an image's description is its text; an image of a script is only that text
        '![a *b* `c`](javascript:x) ![a **b**](p.png "T")',
        '<p>a b c <img src="p.png" alt="a b" title="T"></p>\n',
    ),
    (
        "```nosuchlang\n<b>\n```\n\n    indented\n",
        '<pre><code class="language-nosuchlang">&lt;b&gt;\n</code></pre>\n'
        "<pre><code>indented\n</code></pre>\n",
    ),
]


@pytest.mark.parametrize(("text", "html"), RENDERED)
def test_render_writes_what_github_readers_expect(text: str, html: str) -> None:
    assert render(text, "klip-1-x.md", lambda _path: None).html == html


def test_a_code_block_is_highlighted_once_and_its_text_is_searchable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []

    def counted(code: str, lexer: object, formatter: object) -> str:
        calls.append(code)
        return "<span>x</span>"

    monkeypatch.setattr(render_module, "highlight", counted)
    monkeypatch.setattr(render_module, "_HIGHLIGHTED", {})
    block = "```python\nprint('once')\n```\n"
    first = render(f"# A\n\n{block}\n{block}", "klip-1-x.md", lambda _path: None)
    again = render(block, "klip-2-x.md", lambda _path: None)
    assert calls == ["print('once')\n"]
    expected = '<pre class="highlight"><code><span>x</span></code></pre>\n'
    assert first.html == f'<h1 id="a">A</h1>\n{expected}{expected}'
    assert again.html == expected
    assert first.text == "A print('once') print('once')"


@pytest.mark.parametrize(
    ("value", "html"),
    [
        ("# 1. - > not blocks", "# 1. - &gt; not blocks"),
        ("1. first", "1. first"),
        ("- one\n* two", "- one\n* two"),
        (
            "_Draft_ by [Ada](https://example.org/ada), see https://example.org/pr/1",
            '<em>Draft</em> by <a href="https://example.org/ada" rel="noopener noreferrer">Ada</a>'
            ', see <a href="https://example.org/pr/1" rel="noopener noreferrer">'
            "https://example.org/pr/1</a>",
        ),
    ],
)
def test_a_field_value_is_inline_markdown_only(value: str, html: str) -> None:
    assert render_inline(value) == html


# --- the graph page --------------------------------------------------------------------------


def pep(n: int, title: str, status: str, *fields: str) -> str:
    """A PEP header and a short body (reST)."""
    header = [f"PEP: {n}", f"Title: {title}", "Author: Ann Lee <ann@example.com>"]
    header += [f"Status: {status}", "Type: Process", "Created: 01-Jan-2024", *fields]
    return "\n".join(header) + "\n\n\nAbstract\n========\n\nWhy.\n"


@pytest.fixture
def peps(tmp_path: Path) -> Path:
    # PEP 3 replaces PEP 1, said on both sides: one edge. PEP 2 requires PEP 1. PEP 4 names
    # none and none names it: no node.
    return write_files(
        tmp_path / "peps",
        {
            "pep-0001.rst": pep(1, "First Way", "Superseded", "Superseded-By: 3"),
            "pep-0002.rst": pep(2, "Helpers <for> Both", "Final", "Requires: 1"),
            "pep-0003.rst": pep(3, "Second Way", "Final", "Replaces: 1"),
            "pep-0004.rst": pep(4, "Alone", "Draft"),
        },
    )


NODE = re.compile(
    r'<a class="node( closed)?" href="([^"]+)" data-path="([^"]+)"><title>([^<]*)</title>'
    r".*?<text [^>]*>([^<]*)</text></a>"
)
EDGE = re.compile(
    r'<g class="edge [^"]+" data-source="([^"]+)" data-kind="([^"]+)" data-target="([^"]+)">'
)
NAV_LINK = '<a href="{root}graph.html">Graph</a>'


def test_the_graph_page_links_each_proposal_that_names_or_is_named(
    peps: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_site(open_folder(load_config(peps)), BuildOptions(site))
    html = (site / "graph.html").read_text("utf-8")
    picture = html.split('<svg class="graph"', 1)[1].split("</svg>", 1)[0]
    # (closed, page, file, tooltip, label) of each box, in id order
    assert NODE.findall(picture) == [
        (" closed", "p/pep-0001.html", "pep-0001.rst", "First Way (Superseded)", "PEP 1"),
        ("", "p/pep-0002.html", "pep-0002.rst", "Helpers &lt;for&gt; Both (Final)", "PEP 2"),
        ("", "p/pep-0003.html", "pep-0003.rst", "Second Way (Final)", "PEP 3"),
    ]
    assert EDGE.findall(picture) == [
        ("pep-0002.rst", "requires", "pep-0001.rst"),
        ("pep-0003.rst", "replaces", "pep-0001.rst"),
    ]
    rows = re.findall(
        r'<tr><td><a href="([^"]+)">([^<]+)</a></td><td>([^<]+)</td><td><a href="([^"]+)">', html
    )
    assert rows == [
        ("p/pep-0002.html", "PEP 2: Helpers &lt;for&gt; Both", "requires", "p/pep-0001.html"),
        ("p/pep-0003.html", "PEP 3: Second Way", "replaces", "p/pep-0001.html"),
    ]
    assert "<script" not in html.split("</head>", 1)[1]
    # Every page's navigation leads to it.
    assert NAV_LINK.format(root="") in (site / "index.html").read_text("utf-8")
    assert NAV_LINK.format(root="../") in (site / "p" / "pep-0004.html").read_text("utf-8")


def test_the_graph_page_follows_the_relations(peps: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"

    def build_peps() -> tuple[str, ...]:
        return build_site(open_folder(load_config(peps)), BuildOptions(site)).rendered

    build_peps()
    # A new relation: the graph page gains PEP 4 and its edge; only PEP 4's page is
    # rendered again (the others' navigation is unchanged).
    (peps / "pep-0004.rst").write_text(pep(4, "Alone", "Draft", "Requires: 2"), "utf-8")
    assert build_peps() == ("p/pep-0004.html",)
    html = (site / "graph.html").read_text("utf-8")
    assert EDGE.findall(html)[-1] == ("pep-0004.rst", "requires", "pep-0002.rst")
    assert 'data-path="pep-0004.rst"' in html
    # No relation left: no graph page, and no page links to it any more.
    for n, title, status in ((1, "First Way", "Superseded"), (2, "Helpers", "Final")):
        (peps / f"pep-{n:04d}.rst").write_text(pep(n, title, status), "utf-8")
    (peps / "pep-0003.rst").write_text(pep(3, "Second Way", "Final"), "utf-8")
    (peps / "pep-0004.rst").write_text(pep(4, "Alone", "Draft"), "utf-8")
    assert len(build_peps()) == 4
    assert not (site / "graph.html").exists()
    for page in ("index.html", "dashboard.html", "p/pep-0003.html"):
        assert "graph.html" not in (site / page).read_text("utf-8"), page
    # And back: every page links it again.
    (peps / "pep-0003.rst").write_text(pep(3, "Second Way", "Final", "Replaces: 1"), "utf-8")
    assert len(build_peps()) == 4
    assert NAV_LINK.format(root="../") in (site / "p" / "pep-0002.html").read_text("utf-8")
    assert EDGE.findall((site / "graph.html").read_text("utf-8")) == [
        ("pep-0003.rst", "replaces", "pep-0001.rst")
    ]


# A tangle of 40 proposals that require each other at random, cycles included, laid out in
# a process whose memory is laid out differently each time (objects made first).
PICTURE = """
import random, sys
from rfcdesk.read.relations import Edge, Graph, Node
from rfcdesk.site.graph import NodePage, lay_out, svg

before = [object() for _ in range(int(sys.argv[1]))]
rng = random.Random(7)
nodes = tuple(Node(f"{n}.md", f"X-{n}", None, None, False) for n in range(1, 41))
pairs = {(rng.randrange(1, 41), rng.randrange(1, 41)) for _ in range(70)}
edges = tuple(Edge(f"{a}.md", "requires", f"{b}.md") for a, b in sorted(pairs) if a != b)
pages = {n.path: NodePage(n.path, "Draft", "draft") for n in nodes}
sys.stdout.write(svg(lay_out(Graph(nodes, edges)), pages))
"""


def test_the_graph_picture_is_the_same_every_time() -> None:
    # grandalf keeps a group's edges in a set when it finds the groups itself, and the
    # layout then depended on where objects landed in memory (the PEPs' picture changed
    # from run to run); site/graph.py hands it each group in order.
    pictures = {
        subprocess.run(
            [sys.executable, "-c", PICTURE, made],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": made},
        ).stdout
        for made in ("0", "7", "333")
    }
    assert len(pictures) == 1
    picture = pictures.pop()
    assert picture.startswith('<svg class="graph" ')
    rng = random.Random(7)
    pairs = {(rng.randrange(1, 41), rng.randrange(1, 41)) for _ in range(70)}
    drawn = (picture.count('<a class="node'), picture.count('<g class="edge requires"'))
    assert drawn == (40, len([1 for a, b in pairs if a != b]))


@pytest.mark.parametrize("in_kernel", [True, False])
def test_rows_are_spliced_into_the_last_file_or_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_kernel: bool
) -> None:
    if not in_kernel:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    target = tmp_path / "rows.json"
    values = {"a": b'"one"', "b": b'"two"', "c": b'"three"'}
    keys = list(values)

    def encode(number: int) -> bytes:
        return values[keys[number]]

    layout = rows.write_rows(target, keys, encode, None, None)
    assert target.read_bytes() == b'["one","two","three"]'
    assert layout is not None and list(layout.ends) == [6, 12, 20]
    values["b"] = b'"a longer two"'
    layout = rows.write_rows(target, keys, encode, [1], layout)
    assert target.read_bytes() == b'["one","a longer two","three"]'
    assert layout is not None and list(layout.ends) == [6, 21, 29]
    values["a"], values["c"] = b"1", b"3"
    layout = rows.write_rows(target, keys, encode, [0, 2], layout)
    assert target.read_bytes() == b'[1,"a longer two",3]'
    # A file changed since it was written is written whole: the rows it holds are unknown.
    target.write_bytes(b"[]")
    values["b"] = b"2"
    rows.write_rows(target, keys, encode, [], layout)
    assert target.read_bytes() == b"[1,2,3]"
