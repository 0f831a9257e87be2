"""A reStructuredText proposal to safe HTML, through docutils' own HTML writer.

The same contract as the Markdown renderer: the caller's resolver points relative links at
pages, the headings come back for the contents, the words for search, and the HTML is
sanitized by the one allow-list in `render.sanitize`. Includes and raw HTML are off, as in
reading: a proposal must not pull in other files or markup of its own.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.core import publish_doctree, publish_from_doctree
from docutils.writers.html5_polyglot import Writer

from rfcdesk.read.proposal import match_field_line
from rfcdesk.site.render import Heading, Rendered, Resolver, relocate, sanitize

_SETTINGS = {
    "report_level": 5,  # a project's own roles and directives are not errors on the page
    "halt_level": 5,
    "warning_stream": False,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "doctitle_xform": False,  # the page shows the proposal's title itself
    "docinfo_xform": False,
    "sectsubtitle_xform": False,
    "embed_stylesheet": False,
    "stylesheet_path": "",
    "syntax_highlight": "none",
    "initial_header_level": 2,
}


def section_depth(section: Any) -> int:
    """A section's level: 1 for a top-level section, one more for each section around it."""
    depth, parent = 1, section.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            depth += 1
        parent = parent.parent
    return depth


def header_end(lines: list[str]) -> int:
    """How many lines an RFC 822-style header (`PEP: 8`, `Title: ...`) takes at the top.

    The page shows those fields in its metadata card, so the body starts after them.
    """
    if not lines or not match_field_line(lines[0]):
        return 0
    return next((n for n, line in enumerate(lines) if not line.strip()), len(lines))


def render_rst(text: str, path: str, resolve: Resolver) -> Rendered:
    """Render one reStructuredText proposal; `path` is its folder-relative path."""
    lines = text.split("\n")
    body = "\n".join(lines[header_end(lines) :])
    tree = publish_doctree(body, settings_overrides=_SETTINGS)
    assets: set[str] = set()
    for reference in tree.findall(nodes.reference):
        _retarget(reference, "refuri", path, resolve, assets)
    for image in tree.findall(nodes.image):
        _retarget(image, "uri", path, resolve, assets)
    headings = [_heading(section) for section in tree.findall(nodes.section)]
    for section in tree.findall(nodes.section):
        # The sanitizer keeps headings, not <section>: the anchor goes on the title.
        title: Any = section[0]
        title["ids"], section["ids"] = section["ids"], []
    html = publish_from_doctree(tree, writer=Writer(), settings_overrides=_SETTINGS)
    fragment = _body(str(html))
    plain = " ".join(tree.astext().split())
    return Rendered(sanitize(fragment), tuple(headings), plain, tuple(sorted(assets)))


def _retarget(node: Any, attr: str, path: str, resolve: Resolver, assets: set[str]) -> None:
    target = node.get(attr)
    if isinstance(target, str):
        moved = relocate(target, path, resolve, assets)
        if moved is not None:
            node[attr] = moved


def _heading(section: Any) -> Heading:
    # The page's title is its h1: a top-level section is an h2, as `initial_header_level`.
    ids = section.get("ids") or [""]
    return Heading(min(section_depth(section) + 1, 6), section[0].astext().strip(), ids[0])


def _body(document: str) -> str:
    """The part of a whole HTML document that goes inside the page's article."""
    start = document.find("<main>")
    end = document.rfind("</main>")
    if start < 0 or end < 0:
        start, end = document.find("<body>"), document.rfind("</body>")
        return document[start + len("<body>") : end] if start >= 0 and end >= 0 else document
    return document[start + len("<main>") : end]
