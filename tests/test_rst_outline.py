"""The reStructuredText outline reader: small cases written out by hand, and the reader
against docutils itself on every PEP (the same titles and the same link targets)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from conftest import CORPORA
from rfcdesk.read.proposal import match_field_line
from rfcdesk.read.rst_outline import parse


def titles(text: str) -> list[tuple[int, str, int]]:
    return [(h.level, h.text, h.line) for h in parse(text).headings]


def links(text: str) -> list[tuple[str, int, int, bool]]:
    return [(k.target, k.line, k.col, k.is_image) for k in parse(text).links]


def test_titles_underlined_and_overlined_take_levels_in_order_of_use() -> None:
    text = "=====\nIntro\n=====\n\nText.\n\nPart\n----\n\nMore\n~~~~\n\nBack\n----\n"
    assert titles(text) == [(1, "Intro", 2), (2, "Part", 7), (3, "More", 10), (2, "Back", 13)]


def test_lines_that_look_like_titles_but_are_not() -> None:
    text = (
        "- a list item\n-------------\n\n"  # a bullet opens a list first
        "Longer title\n==\n\n"  # an underline under four characters and shorter: text
        "Para line one\nline two\n=========\n\n"  # a title's line must open its block
        "    Indented\n    ========\n\n"  # a block quote holds no section
        ".. Comment\n   =======\n"
    )
    assert titles(text) == []


def test_a_title_keeps_its_words_not_its_markup() -> None:
    text = "The ``with`` *statement* and :pep:`343`\n========================================\n"
    assert titles(text) == [(1, "The with statement and PEP 343", 1)]


def test_links_in_text_and_not_in_literals_comments_or_unknown_directives() -> None:
    text = (
        "See `the guide <https://example.org/guide>`_ and https://example.org/a.\n"
        "Ask ann@example.org; ``https://example.org/literal`` is code.\n"
        "\n"
        "Example::\n"
        "\n"
        "    https://example.org/in-literal\n"
        "\n"
        ".. https://example.org/in-comment\n"
        "\n"
        ".. code-block:: text\n"
        "\n"
        "   https://example.org/in-code\n"
        "\n"
        ".. seealso:: https://example.org/unknown-directive\n"
        "\n"
        ".. _target: https://example.org/target-definition\n"
        "\n"
        ".. note:: Read :rfc:`2822#section-3` and\n"
        "   `pep-8 <pep-0008.rst>`__.\n"
        "\n"
        ".. [1] https://example.org/footnote\n"
        "\n"
        ".. image:: img/flow.png\n"
        "   :target: https://example.org/big\n"
    )
    assert links(text) == [
        ("https://example.org/guide", 1, 17, False),
        ("https://example.org/a", 1, 50, False),
        ("mailto:ann@example.org", 2, 5, False),
        ("https://tools.ietf.org/html/rfc2822.html#section-3", 18, 16, False),
        ("pep-0008.rst", 19, 12, False),
        ("https://example.org/footnote", 21, 8, False),
        ("img/flow.png", 23, 12, True),
        ("https://example.org/big", 24, 13, False),
    ]


def test_a_named_reference_links_nowhere_until_resolved() -> None:
    # `text <name_>`_ points at a target by name: docutils leaves no URI on it.
    assert links("See `the spec <spec_>`_ and spec_.\n\n.. _spec: https://example.org\n") == []


def test_paragraphs_and_blocks_per_section() -> None:
    text = (
        "Lead paragraph of the document, long enough to be the lead.\n"
        "\n"
        "Empty\n=====\n\n"
        ".. a comment is no content\n"
        "\n"
        "Full\n====\n\n"
        "- item one\n- item two\n"
    )
    outline = parse(text)
    assert outline.blocks_after == (1, 0, 1)
    assert [(t.line, t.length) for t in outline.texts] == [(1, 59), (11, 8), (12, 8)]


def test_a_header_is_not_text() -> None:
    text = "PEP: 1\nTitle: https://example.org/x\n\nAbstract\n========\n"
    assert parse(text, skip_lines=2).links == ()
    assert titles(text) == [(1, "Abstract", 4)]


# --- against docutils on every PEP ---------------------------------------------------------

PEPS = CORPORA / "peps"


def _header_end(lines: list[str]) -> int:
    if lines and match_field_line(lines[0]):
        return next((n for n, line in enumerate(lines) if not line.strip()), len(lines))
    return 0


def _docutils_view(text: str, skip: int) -> tuple[list[tuple[int, str, int]], Counter[str]]:
    """Titles (level, words, line) and link targets as docutils' own parser reads them."""
    settings: Any = get_default_settings(Parser)
    for key, value in {"report_level": 5, "halt_level": 5, "warning_stream": False}.items():
        setattr(settings, key, value)
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    lines = text.split("\n")
    tree = new_document("<pep>", settings)
    Parser().parse("\n" * skip + "\n".join(lines[skip:]), tree)
    found = []
    for section in tree.findall(nodes.section):
        depth, parent = 1, section.parent
        while parent is not None:
            depth += isinstance(parent, nodes.section)
            parent = parent.parent
        title = section[0]
        line = title.line or 1
        if line > 1 and set(lines[line - 1].strip()) == {lines[line - 1].strip()[:1]}:
            line -= 1  # docutils gives the underline's line; the words are above it
        found.append((depth, title.astext().strip(), line))
    targets = [r["refuri"] for r in tree.findall(nodes.reference) if r.get("refuri")]
    targets += [i["uri"] for i in tree.findall(nodes.image) if i.get("uri")]
    return found, Counter(targets)


def test_the_reader_agrees_with_docutils_on_every_pep() -> None:
    if not PEPS.is_dir():
        pytest.skip(f"the PEP corpus is not at {PEPS}")
    files = sorted(p for p in PEPS.iterdir() if p.suffix in (".rst", ".txt"))
    differ = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        skip = _header_end(text.split("\n"))
        expected_titles, expected_links = _docutils_view(text, skip)
        outline = parse(text, skip)
        got_titles = [(h.level, h.text, h.line) for h in outline.headings]
        got_links = Counter(link.target for link in outline.links)
        if got_titles != expected_titles or got_links != expected_links:
            differ[path.name] = (got_titles, expected_titles)
    assert len(files) > 700
    assert differ == {}
