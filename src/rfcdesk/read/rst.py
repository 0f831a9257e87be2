"""reStructuredText to the same Outline Markdown gives: the one module that knows docutils.

PEPs and other reStructuredText processes go through here. docutils is the reference
parser for the format; it is about twenty times slower per file than the Markdown parser,
which the proposal cache and the worker processes absorb. Includes, raw output and
unknown directives are switched off or ignored: reading a proposal must not read other
files or stop at a project's own extensions.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from rfcdesk.read.markdown import Heading, Outline, OutlineLink, TextBlock, digest

_SETTINGS = {
    "report_level": 5,  # quiet: unknown roles and directives are a project's own
    "halt_level": 5,
    "warning_stream": False,
    "file_insertion_enabled": False,
    "raw_enabled": False,
}
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1+\s*$")
# What does not count as content under a heading. Link targets do (a References section
# may hold only those), and so does a directive docutils does not know (Sphinx's
# `.. c:function::`), which it leaves as a system message holding the text.
_SKIPPED = (nodes.title, nodes.section, nodes.comment)


def parse(text: str, skip_lines: int = 0) -> Outline:
    """Parse a reStructuredText document; its first `skip_lines` lines (a header) are blanked."""
    lines = text.split("\n")
    body = "\n" * skip_lines + "\n".join(lines[skip_lines:])
    # The parser alone, without the publisher's transforms: a third faster, and the
    # outline needs only sections, paragraphs and the URIs written in the text.
    tree = new_document("<proposal>", _settings())
    _parser().parse(body, tree)
    headings: list[Heading] = []
    blocks_after = [_blocks(tree)]
    for section in tree.findall(nodes.section):
        title = section[0]
        line = _title_line(title, lines)
        level = section_depth(section)
        headings.append(Heading(level, title.astext().strip(), line, 1))
        blocks_after.append(_blocks(section))
    order = sorted(range(len(headings)), key=lambda i: headings[i].line)
    return Outline(
        front_matter=None,
        headings=tuple(headings[i] for i in order),
        blocks_after=(blocks_after[0], *(blocks_after[i + 1] for i in order)),
        texts=tuple(_texts(tree)),
        links=tuple(_links(tree, lines)),
        tables=(),
        code_lines=(),
    )


@cache
def _parser() -> Any:
    return Parser()


@cache
def _settings() -> Any:
    settings = get_default_settings(Parser)
    for key, value in _SETTINGS.items():
        setattr(settings, key, value)
    return settings


def _title_line(title: Any, lines: list[str]) -> int:
    """docutils puts a title at its underline; people look for the title text."""
    line: int = title.line or 1
    if 1 < line <= len(lines) and _ADORNMENT.match(lines[line - 1]):
        return line - 1
    return line


def section_depth(section: Any) -> int:
    """A section's level: 1 for a top-level section, one more for each section around it."""
    depth, parent = 1, section.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            depth += 1
        parent = parent.parent
    return depth


def _blocks(node: Any) -> int:
    return sum(1 for child in node.children if not isinstance(child, _SKIPPED))


def _line_of(node: Any) -> int | None:
    while node is not None:
        if node.line is not None:
            return int(node.line)
        node = node.parent
    return None


def _texts(tree: Any) -> list[TextBlock]:
    found = []
    for paragraph in tree.findall(nodes.paragraph):
        if paragraph.line is None or isinstance(paragraph.parent, nodes.system_message):
            continue
        body = paragraph.astext().strip()
        if body:
            found.append(TextBlock(int(paragraph.line), digest(body), len(body)))
    return found


def _links(tree: Any, lines: list[str]) -> list[OutlineLink]:
    found = []
    for reference in tree.findall(nodes.reference):
        target = reference.get("refuri")
        line = _line_of(reference)
        if target and line is not None:
            found.append(_placed(target, line, lines, False))
    for image in tree.findall(nodes.image):
        line = _line_of(image)
        if image.get("uri") and line is not None:
            found.append(_placed(image["uri"], line, lines, True))
    return sorted(found, key=lambda link: (link.line, link.col))


# How far below its block's first line a link is looked for: a long paragraph's worth.
_LOOKAHEAD = 60


def _placed(target: str, line: int, lines: list[str], is_image: bool) -> OutlineLink:
    """docutils knows only the line a link's block starts on: find the target's own line."""
    for number in range(line, min(line + _LOOKAHEAD, len(lines) + 1)):
        col = lines[number - 1].find(target)
        if col >= 0:
            return OutlineLink(target, number, col + 1, is_image)
    return OutlineLink(target, line, 1, is_image)
