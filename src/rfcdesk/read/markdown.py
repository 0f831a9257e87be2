"""Markdown text to an outline with source positions: the one module that knows the parser.

We use pyromark (pulldown-cmark): CommonMark with byte ranges for every event, about ten
times faster than markdown-it-py on the corpora, which is what makes `check` of 10,000
proposals fit in seconds. Everything above this module sees only the records defined here.
"""

from __future__ import annotations

import bisect
import itertools
import re
from hashlib import blake2b
from typing import Any, NamedTuple

import pyromark

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
    | pyromark.Options.ENABLE_FOOTNOTES  # GitHub's `[^1]`, not a link to the note's text
)
_TASK = re.compile(r"\[[ xX]\](?:\s|$)")


class Heading(NamedTuple):
    level: int
    text: str
    line: int
    col: int


class TextBlock(NamedTuple):
    """A paragraph or a list item's own text, for recognising copied template text."""

    line: int
    digest: int
    length: int


class OutlineLink(NamedTuple):
    target: str
    line: int
    col: int
    is_image: bool


class TableCell(NamedTuple):
    text: str  # plain text
    raw: str  # the cell's source, trimmed
    links: tuple[str, ...]  # destinations of the Markdown links inside the cell


class Table(NamedTuple):
    line: int
    header: tuple[TableCell, ...]
    rows: tuple[tuple[int, tuple[TableCell, ...]], ...]  # (line, cells)


class Outline(NamedTuple):
    front_matter: tuple[str, int] | None  # (YAML text, line of its first key)
    headings: tuple[Heading, ...]
    # For each heading (and one more slot for text before the first heading): how many
    # top-level blocks stand directly under it.
    blocks_after: tuple[int, ...]
    texts: tuple[TextBlock, ...]
    links: tuple[OutlineLink, ...]
    tables: tuple[Table, ...]
    code_lines: tuple[tuple[int, int], ...]  # first and last line of each code block


def digest(text: str) -> int:
    """A stable 64-bit digest of text with runs of white space folded."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # Already folded: every white space character but the space is unprintable. Most
        # paragraphs are, and splitting them into words was a third of this function.
        folded = text.casefold()
    else:
        folded = " ".join(text.split()).casefold()
    return int.from_bytes(blake2b(folded.encode(), digest_size=8).digest(), "big")


class _Lines:
    """Turns byte offsets into 1-based (line, character column) positions."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        # Where each line starts: after each newline (the last piece has none).
        lengths = map(len, data.split(b"\n")[:-1])
        self.starts = list(itertools.accumulate(map((1).__add__, lengths), initial=0))

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        col = len(self.data[start:offset].decode("utf-8", "replace")) + 1
        return line, col


_BLOCK_KINDS = frozenset({"Paragraph", "List", "CodeBlock", "Table", "BlockQuote", "HtmlBlock"})


_BUFFERED = frozenset({"Paragraph", "Item", "Heading", "TableCell"})
_INLINE = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"})


def parse(text: str) -> Outline:
    """Parse Markdown (without a BOM) into an Outline."""
    data = text.encode("utf-8")
    lines = _Lines(data)
    headings: list[Heading] = []
    blocks_after = [0]
    texts: list[TextBlock] = []
    links: list[OutlineLink] = []
    tables: list[Table] = []
    code_lines: list[tuple[int, int]] = []
    front_matter: tuple[str, int] | None = None

    depth = 0  # nesting of block containers; depth 0 blocks count for sections
    quoted = 0  # nesting of block quotes: what a quote holds is quoted, not the document's
    buffers: list[list[str]] = []  # text being gathered: headings, paragraphs, items, cells
    buffer_starts: list[int] = []
    items: list[bool] = []  # open list items: whether each is a checklist item
    in_meta = False
    html_only = True  # the current top-level HtmlBlock holds only comments so far
    table: dict[str, Any] | None = None
    cell_links: list[str] = []

    # The hot loop of every cold `check`: most events are text, then starts and ends of
    # blocks, so they are tested in that order, and text goes straight to `sink` (the open
    # buffer's append, or None).
    sink: Any = None
    stream: Any = pyromark.events_with_range(text, options=_OPTIONS)  # events are plain dicts
    for event, rng in stream:
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            if sink is not None and event != "Rule":
                sink(" ")
            continue
        value: Any = event.get("Text")
        if value is not None:
            if sink is not None:
                sink(value)
            elif in_meta and value:
                first = front_matter[1] if front_matter else lines.line(rng["start"])
                front_matter = ((front_matter[0] if front_matter else "") + value, first)
            continue
        tag = event.get("Start")
        if tag is not None:
            kind = tag if type(tag) is str else next(iter(tag))
            if kind in _INLINE:
                continue
            start = rng["start"]
            if kind in _BLOCK_KINDS:
                if depth == 0:
                    html_only = True
                depth += 1
                quoted += kind == "BlockQuote"
            if kind == "Item":
                # In a tight list the outer item's own text is still in its buffer.
                if items and buffers and _TASK.match("".join(buffers[-1][:8]).lstrip()):
                    items[-1] = True
                items.append(False)
            if kind in _BUFFERED:
                buffers.append([])
                sink = buffers[-1].append
                buffer_starts.append(start)
            elif kind == "Link" or kind == "Image":
                target = tag[kind]["dest_url"]
                line, col = lines.pos(start)
                links.append(OutlineLink(target, line, col, kind == "Image"))
                if table is not None:
                    cell_links.append(target)
            elif kind == "CodeBlock":
                code_lines.append((lines.line(start), lines.line(max(start, rng["end"] - 1))))
            elif kind == "MetadataBlock":
                # pulldown-cmark takes a `---` block anywhere; front matter opens the file.
                in_meta = start == 0
                if not in_meta:
                    blocks_after[-1] += 1
            elif kind == "Table":
                table = {"line": lines.line(start), "header": [], "rows": [], "row": []}
            elif kind == "TableRow":
                assert table is not None
                table["row"] = [lines.line(start)]
            continue
        tag = event.get("End")
        if tag is None:
            value = event.get("Code")  # inline code: text, as the others
            if value is not None:
                if sink is not None:
                    sink(value)
                continue
            # Html, InlineHtml, FootnoteReference, ...
            html = event.get("Html") or event.get("InlineHtml")
            if html and html.strip() and not html.strip().startswith("<!--"):
                html_only = False
            continue
        kind = tag if type(tag) is str else next(iter(tag))
        if kind in _INLINE:
            continue
        if kind == "MetadataBlock":
            in_meta = False
            continue
        if kind == "Paragraph" or kind == "Item":
            body = "".join(buffers.pop()).strip()
            start = buffer_starts.pop()
            # A checklist item (`- [ ] Tests`) and what is nested in it are a state to
            # tick, not guidance to replace.
            if items and _TASK.match(body):
                items[-1] = True
            if body and not any(items) and not _TASK.match(body) and not quoted:
                texts.append(TextBlock(lines.line(start), digest(body), len(body)))
            if kind == "Item":
                items.pop()
            sink = buffers[-1].append if buffers else None
        elif kind == "Heading":
            parts = buffers.pop()
            start = buffer_starts.pop()
            line, col = lines.pos(start)
            level = int(tag["Heading"][1]) if type(tag) is dict else 1
            if not quoted:  # a heading inside a quote opens no section of the document
                headings.append(Heading(level, "".join(parts).strip(), line, col))
                blocks_after.append(0)
            sink = buffers[-1].append if buffers else None
        elif kind == "TableCell":
            assert table is not None
            start = buffer_starts.pop()
            raw = data[start : rng["end"]].decode("utf-8", "replace").strip().strip("|").strip()
            cell = TableCell("".join(buffers.pop()).strip(), raw, tuple(cell_links))
            sink = buffers[-1].append if buffers else None
            cell_links = []
            (table["header"] if table["row"] == [] else table["row"]).append(cell)
        elif kind == "TableRow":
            assert table is not None
            line, *cells = table["row"]
            table["rows"].append((line, tuple(cells)))
            table["row"] = []
        elif kind == "Table":
            assert table is not None
            tables.append(Table(table["line"], tuple(table["header"]), tuple(table["rows"])))
            table = None
        if kind in _BLOCK_KINDS:
            depth -= 1
            quoted -= kind == "BlockQuote"
            if depth == 0 and not (kind == "HtmlBlock" and html_only):
                blocks_after[-1] += 1

    return Outline(
        front_matter=front_matter,
        headings=tuple(headings),
        blocks_after=tuple(blocks_after),
        texts=tuple(texts),
        links=tuple(links),
        tables=tuple(tables),
        code_lines=tuple(code_lines),
    )
