"""The static site without a browser: rendering, sanitizing, exports, rebuilds, real folders."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from conftest import write_files
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.site.build import BuildOptions, build_site
from rfcdesk.site.export import schema_text
from rfcdesk.site.render import render
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
    # A raw link loses its href; a Markdown one is never made a link at all.
    assert '<p><a rel="noopener noreferrer">bad</a> [worse](javascript:alert(4))</p>' in html
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
    assert not (site / "p" / "klip-4-new.html").exists()
    assert (site / "p" / "klip-3-tags.html").stat().st_mtime_ns == untouched


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
