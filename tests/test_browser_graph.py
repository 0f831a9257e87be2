"""The graph page in Chromium: the picture shows, no box covers another, each label fits its
box, each arrow ends at the box it names, a box opens its proposal, and dark mode applies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FloatRect, Page, expect

from conftest import write_files
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.site.build import BuildOptions, build_site


def pep(n: int, title: str, status: str, *fields: str) -> str:
    header = [f"PEP: {n}", f"Title: {title}", "Author: Ann Lee <ann@example.com>"]
    header += [f"Status: {status}", "Type: Process", "Created: 01-Jan-2024", *fields]
    return "\n".join(header) + "\n\n\nAbstract\n========\n\nWhy.\n"


# Groups of several shapes: a chain with a diamond in it, a cycle of two, a long edge past a
# layer, pairs, and a proposal whose number is long.
PEPS = {
    1: ("Base", "Final", ()),
    2: ("Left", "Final", ("Requires: 1",)),
    3: ("Right", "Final", ("Requires: 1",)),
    4: ("Top", "Draft", ("Requires: 2, 3, 1",)),
    5: ("Ping", "Draft", ("Requires: 6",)),
    6: ("Pong", "Draft", ("Requires: 5",)),
    7: ("Old", "Superseded", ("Superseded-By: 8",)),
    8: ("New", "Final", ("Replaces: 7",)),
    9: ("Rejected Idea", "Rejected", ("Requires: 8",)),
    3333: ("A Long Number", "Final", ("Replaces: 10",)),
    10: ("Older", "Superseded", ()),
    11: ("Alone", "Draft", ()),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_files(
        tmp_path_factory.mktemp("graph") / "peps",
        {f"pep-{n:04d}.rst": pep(n, *spec[:2], *spec[2]) for n, spec in PEPS.items()},
    )
    output = tmp_path_factory.mktemp("graph-site")
    build_site(open_folder(load_config(folder)), BuildOptions(output))
    return output


@pytest.fixture(params=["light", "dark"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, color_scheme=request.param
    )
    opened = context.new_page()
    yield opened
    context.close()


def overlap(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_boxes_show_apart_with_their_labels_inside(page: Page, site: Path) -> None:
    page.goto((site / "graph.html").as_uri())
    expect(page.locator("svg.graph")).to_be_visible()
    nodes = page.locator("svg.graph a.node")
    labels = nodes.locator("text").all_text_contents()
    # Group by group, the largest first; in id order within one.
    assert labels == [f"PEP {n}" for n in (1, 2, 3, 4, 7, 8, 9, 5, 6, 10, 3333)]
    boxes = [b for b in (r.bounding_box() for r in nodes.locator("rect.box").all()) if b]
    assert len(boxes) == 11 and all(b["width"] > 40 and b["height"] > 20 for b in boxes)
    touching = [
        (labels[i], labels[j])
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if overlap(boxes[i], boxes[j])
    ]
    assert touching == []
    texts = [t for t in (n.bounding_box() for n in nodes.locator("text").all()) if t]
    outside = [
        label
        for label, box, text in zip(labels, boxes, texts, strict=True)
        if text["x"] < box["x"] or text["x"] + text["width"] > box["x"] + box["width"]
    ]
    assert outside == []


# For each edge: the distance from where its line ends to the box of the proposal it names.
END_TO_TARGET = """() => [...document.querySelectorAll("svg.graph g.edge")].map(edge => {
  const path = edge.querySelector("path");
  const end = path.getPointAtLength(path.getTotalLength());
  const at = new DOMPoint(end.x, end.y).matrixTransform(path.getScreenCTM());
  const target = document.querySelector(
    `svg.graph a.node[data-path="${edge.dataset.target}"] rect.box`).getBoundingClientRect();
  const dx = Math.max(target.left - at.x, 0, at.x - target.right);
  const dy = Math.max(target.top - at.y, 0, at.y - target.bottom);
  return [edge.dataset.source, edge.dataset.kind, edge.dataset.target, Math.hypot(dx, dy)];
})"""


def test_each_arrow_ends_at_the_box_it_names(page: Page, site: Path) -> None:
    page.goto((site / "graph.html").as_uri())
    ends = page.evaluate(END_TO_TARGET)
    assert [(s, k, t) for s, k, t, _ in ends] == [
        ("pep-0002.rst", "requires", "pep-0001.rst"),
        ("pep-0003.rst", "requires", "pep-0001.rst"),
        ("pep-0004.rst", "requires", "pep-0001.rst"),
        ("pep-0004.rst", "requires", "pep-0002.rst"),
        ("pep-0004.rst", "requires", "pep-0003.rst"),
        ("pep-0008.rst", "replaces", "pep-0007.rst"),
        ("pep-0009.rst", "requires", "pep-0008.rst"),
        ("pep-0005.rst", "requires", "pep-0006.rst"),
        ("pep-0006.rst", "requires", "pep-0005.rst"),
        ("pep-3333.rst", "replaces", "pep-0010.rst"),
    ]
    far = [(s, t, round(d, 1)) for s, _, t, d in ends if d > 3]
    assert far == []


def test_a_box_opens_its_proposal(page: Page, site: Path) -> None:
    page.goto((site / "graph.html").as_uri())
    node = page.locator('svg.graph a.node[data-path="pep-0008.rst"]')
    assert node.locator("title").text_content() == "New (Final)"
    node.click()
    expect(page).to_have_url((site / "p" / "pep-0008.html").as_uri())
    expect(page.locator("h1")).to_contain_text("New")
    # And back, from the navigation of that page.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Graph").click()
    expect(page).to_have_url((site / "graph.html").as_uri())


def test_boxes_take_the_themes_colours(page: Page, site: Path) -> None:
    page.goto((site / "graph.html").as_uri())
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    fill = page.locator('svg.graph a.node[data-path="pep-0001.rst"] rect.box').evaluate(
        "e => getComputedStyle(e).fill"
    )
    text = page.locator('svg.graph a.node[data-path="pep-0001.rst"] text').evaluate(
        "e => getComputedStyle(e).fill"
    )
    # The card and text colours of site.css, light or dark.
    assert (fill, text) == (
        ("rgb(21, 27, 35)", "rgb(230, 237, 243)")
        if dark
        else ("rgb(246, 248, 250)", "rgb(31, 35, 40)")
    )
