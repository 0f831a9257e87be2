"""The outline of a reStructuredText document, read in one pass over its lines.

The rules need a document's section titles, its links and images and its paragraphs: what
docutils gives (`rst.py`), at a small part of the cost. docutils builds the whole node
tree through a state machine, 15 to 25 ms for a PEP, which made a cold check of the PEPs
twenty times slower than the PEP repository's own header checker. This reader walks the
lines once and tells blocks apart by their first line and their indentation (titles,
literal blocks, comments, directives, tables); it reads inline markup with docutils' own
patterns, so that what counts as a link is what docutils says. A test compares the two
readers on every PEP. docutils stays the renderer of pages.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from rfcdesk.read.markdown import Heading, Outline, OutlineLink, TextBlock, digest

# A line of one repeated punctuation character: a title's adornment or a transition.
_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1*[ \t]*$")
# What opens a list item, a field or a line of a line block: the text starts after it.
_ITEM = re.compile(
    r"(?:[-+*\u2022\u2023\u2043]|\|"
    r"|\(?(?:\d+|[A-Za-z#]|[ivxlcdmIVXLCDM]+)[.)]"
    r"|:(?![: ])(?:[^:\\\n]|\\.|:(?![ `]|$))*(?<! ):)(?: +|$)"
)
_BULLET = re.compile(r"[-+*\u2022\u2023\u2043](?: +|$)")
_FIELD = re.compile(r":(?![: ])(?:[^:\\\n]|\\.|:(?![ `]|$))*(?<! ):(?: +|$)")
_OPTION = re.compile(r"(?:--?|/)[A-Za-z0-9][^ ]*(?:  |$)")
_DIRECTIVE = re.compile(r"\.\. +(?:\|(?P<sub>[^|]+)\| +)?(?P<name>[\w][\w.:+-]*?) ?::(?: +|$)")
_TARGET = re.compile(r"\.\. +_")
_FOOTNOTE = re.compile(r"\.\. +\[[^\]\s]+\](?: +|$)")
_GRID = re.compile(r"\+-[-+]*\+ *$|\+=[=+]*\+ *$")
_SIMPLE_TABLE = re.compile(r"=+(?: +=+)+ *$")

_ADMONITIONS = frozenset(
    {
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "important",
        "note",
        "tip",
        "warning",
        "admonition",
    }
)
# Directives docutils knows whose content it reads as text (a link in it counts)...
_BODY_DIRECTIVES = _ADMONITIONS | frozenset(
    {
        "topic",
        "sidebar",
        "epigraph",
        "highlights",
        "pull-quote",
        "compound",
        "container",
        "class",
        "rst-class",
        "table",
        "list-table",
        "csv-table",
        "figure",
        "line-block",
        "parsed-literal",
        "header",
        "footer",
    }
)
# ... and those whose argument is text too (a title, an admonition's first words).
_TEXT_ARGUMENTS = _ADMONITIONS | frozenset(
    ["topic", "sidebar", "rubric", "table", "list-table", "csv-table"]
)
_LINK_ROLES = {
    "pep": "pep",
    "pep-reference": "pep",
    "rfc": "rfc",
    "rfc-reference": "rfc",
}
# The roles docutils knows: their text is the text; any other role is left as written.
_KNOWN_ROLES = frozenset(
    {
        "abbreviation",
        "ab",
        "acronym",
        "ac",
        "code",
        "emphasis",
        "literal",
        "math",
        "strong",
        "subscript",
        "sub",
        "superscript",
        "sup",
        "title-reference",
        "title",
        "t",
        "uri-reference",
        "uri",
        "url",
        "index",
        "i",
    }
)

Part = tuple[int, str]  # (0-based line, text) of each line of a block of text


class _Docutils(NamedTuple):
    """The parts of docutils this reader uses, imported once, when a document needs them."""

    inliner: Any  # its inline patterns: its definition of a link, a role, a literal
    settings: Any
    schemes: frozenset[str]  # the URI schemes a standalone URI may have
    escape2null: Callable[[str], str]
    unescape: Callable[..., str]
    split_escaped_whitespace: Callable[[str], list[str]]


@cache
def _docutils() -> _Docutils:
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.parsers.rst.states import Inliner
    from docutils.utils import escape2null, split_escaped_whitespace, unescape, urischemes

    settings = get_default_settings(Parser)
    inliner = Inliner()
    inliner.init_customizations(settings)
    return _Docutils(
        inliner,
        settings,
        frozenset(urischemes.schemes),
        escape2null,
        unescape,
        split_escaped_whitespace,
    )


def parse(text: str, skip_lines: int = 0) -> Outline:
    """The outline of a reStructuredText document whose first `skip_lines` lines (a header)
    are not its text."""
    reader = _Reader(text.split("\n"))
    reader.body(skip_lines)
    reader.links.sort(key=lambda link: (link.line, link.col))
    return Outline(
        front_matter=None,
        headings=tuple(reader.headings),
        blocks_after=tuple(reader.blocks_after),
        texts=tuple(reader.texts),
        links=tuple(reader.links),
        tables=(),
        code_lines=(),
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = [line.expandtabs(8) if "\t" in line else line for line in lines]
        self.headings: list[Heading] = []
        self.blocks_after = [0]
        self.texts: list[TextBlock] = []
        self.links: list[OutlineLink] = []
        self.styles: list[tuple[str, bool]] = []  # title adornments, in order of first use

    # --- blocks -----------------------------------------------------------------------

    def body(self, start: int) -> None:
        lines = self.lines
        count = len(lines)
        i = start
        opaque = -1  # lines indented past this column are not text (a literal, a comment)
        literal_after = -1  # the last paragraph ended with `::`; its text column
        paragraph: list[Part] = []
        column = 0  # where the current paragraph's text lines start
        paragraph_indent = 0  # ...and where its first line starts (a list item's marker)
        starts_block = True
        while i < count:
            line = lines[i]
            stripped = line.lstrip(" ")
            if not stripped.strip():
                if paragraph:
                    literal_after = self._paragraph(paragraph, column)
                    paragraph = []
                starts_block = True
                i += 1
                continue
            indent = len(line) - len(stripped)
            if opaque >= 0:
                if indent > opaque:
                    i += 1
                    continue
                opaque = -1
            if literal_after >= 0:
                if indent > literal_after:
                    opaque = literal_after
                    literal_after = -1
                    self.blocks_after[-1] += 1
                    i += 1
                    continue
                literal_after = -1
                if _quoted_literal(stripped):
                    i = self._to_blank(i)
                    continue
            next_item = False
            if paragraph and (indent != column or _ITEM.match(stripped)):
                # A new item of a list, or a line indented otherwise: another block.
                next_item = indent == paragraph_indent and bool(_ITEM.match(stripped))
                self._paragraph(paragraph, column)
                paragraph = []
                starts_block = True
            if starts_block and not next_item:
                next_line = self._block(i, indent, stripped)
                if next_line is not None:
                    i, opaque = next_line
                    starts_block = True
                    continue
                self.blocks_after[-1] += 1
            item = _ITEM.match(stripped) if starts_block else None
            if not paragraph:
                paragraph_indent = indent
            if item:
                column = indent + item.end()
                paragraph.append((i, stripped[item.end() :]))
            else:
                if not paragraph:
                    column = indent
                paragraph.append((i, stripped))
            starts_block = False
            i += 1
        if paragraph:
            self._paragraph(paragraph, column)

    def _block(self, i: int, indent: int, stripped: str) -> tuple[int, int] | None:
        """A block that is not a paragraph, starting at line `i`: the line after it and the
        indentation past which what follows is not text; None for a paragraph."""
        if indent == 0:
            end = self._title(i)
            if end:
                return end, -1
        if _ADORNMENT.match(stripped) and len(stripped.rstrip()) >= 4:
            self.blocks_after[-1] += 1  # a transition
            return i + 1, -1
        if stripped.startswith(".."):
            return self._explicit(i, indent, stripped)
        if stripped.startswith("__ ") or stripped.rstrip() == "__":
            self.blocks_after[-1] += 1  # an anonymous target: its URI is no link
            return i + 1, indent
        if stripped.startswith(">>>"):
            self.blocks_after[-1] += 1  # a doctest block
            return self._to_blank(i), -1
        if _GRID.match(stripped) or _SIMPLE_TABLE.match(stripped):
            self.blocks_after[-1] += 1
            return self._table(i), -1
        return None

    def _to_blank(self, i: int) -> int:
        while i < len(self.lines) and self.lines[i].strip():
            i += 1
        return i

    def _title(self, i: int) -> int:
        """The line after a section title that starts at line `i`, or 0: no title there."""
        lines = self.lines
        line = lines[i]
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if _ADORNMENT.match(line):
            # An overline, the title (it may be inset) and the same line under it.
            under = lines[i + 2] if i + 2 < len(lines) else ""
            title = after.strip()
            if title and _ADORNMENT.match(under) and under[0] == line[0]:
                self._heading((line[0], True), title, i + 1)
                return i + 3
            return 0
        if not after or after[0] == " " or not _ADORNMENT.match(after):
            return 0
        if _BULLET.match(line) or line.startswith(("..", ">>>", "| ", "__ ")):
            return 0
        if _FIELD.match(line) or _OPTION.match(line) or _GRID.match(line):
            return 0
        title, underline = line.rstrip(), after.rstrip()
        if len(underline) < 4 and len(underline) < len(title):
            return 0  # too short an underline: docutils reads a paragraph
        self._heading((after[0], False), title, i)
        return i + 2

    def _heading(self, style: tuple[str, bool], title: str, i: int) -> None:
        if style not in self.styles:
            self.styles.append(style)
        level = self.styles.index(style) + 1
        words = self._inline([(i, title)])
        self.headings.append(Heading(level, words.strip(), i + 1, 1))
        self.blocks_after.append(0)

    def _explicit(self, i: int, indent: int, stripped: str) -> tuple[int, int]:
        """An explicit markup block (`.. `): the line after its first and the indentation
        past which its further lines are not text (-1: they are)."""
        if stripped.rstrip() == "..":
            following = self.lines[i + 1] if i + 1 < len(self.lines) else ""
            if not following.strip() or _indent(following) <= indent:
                return i + 1, -1  # an empty comment: it holds nothing
            return i + 1, indent  # a comment whose text starts on the next line
        directive = _DIRECTIVE.match(stripped)
        if directive is None:
            if _FOOTNOTE.match(stripped):
                self.blocks_after[-1] += 1
                rest = stripped[stripped.index("]") + 1 :].lstrip(" ")
                return self._content(i, indent, [(i, rest)] if rest.strip() else []), -1
            if _TARGET.match(stripped):
                self.blocks_after[-1] += 1  # a link target: its URI is no link
            return i + 1, indent  # ...or a comment
        self.blocks_after[-1] += 1
        name = directive["name"].lower()
        argument = stripped[directive.end() :]
        if name in ("image", "figure"):
            end = self._image(i, indent, argument)
            if name == "figure" and not directive["sub"]:
                return end, -1  # the caption and legend are text
            return end, indent
        if directive["sub"]:
            if name == "replace":
                return self._content(i, indent, [(i, argument)]), indent
            return i + 1, indent
        after = i + 1
        if name in _TEXT_ARGUMENTS and argument.strip():
            after = self._content(i, indent, [(i, argument)])
        if name in _BODY_DIRECTIVES:
            return self._options(after, indent), -1
        return after, indent

    def _content(self, i: int, indent: int, first: list[Part]) -> int:
        """Text that starts on line `i` and goes on over the lines indented below it, up to
        a blank line or an option; the line after it."""
        lines = self.lines
        j = i + 1
        while j < len(lines) and lines[j].strip() and _indent(lines[j]) > indent:
            piece = lines[j].lstrip(" ")
            if piece.startswith(":") and _FIELD.match(piece):
                break
            first.append((j, piece))
            j += 1
        if first:
            self._paragraph(first, indent + 1)
        return j

    def _options(self, j: int, indent: int) -> int:
        """The line after a directive's options (`:class: x`), which are not its text."""
        lines = self.lines
        while j < len(lines) and lines[j].strip() and _indent(lines[j]) > indent:
            if not _FIELD.match(lines[j].lstrip(" ")):
                break
            j += 1
        return j

    def _image(self, i: int, indent: int, argument: str) -> int:
        """An image's URI (its argument, on one or more lines) and its `:target:`; the line
        after its options."""
        lines = self.lines
        parts = [argument.strip()]
        j = i + 1
        while j < len(lines) and lines[j].strip() and _indent(lines[j]) > indent:
            piece = lines[j].strip()
            if piece.startswith(":"):
                break
            parts.append(piece)
            j += 1
        uri = "".join(parts)
        if uri:
            self._link(uri, i, True)
        while j < len(lines) and lines[j].strip() and _indent(lines[j]) > indent:
            piece = lines[j].strip()
            if piece.startswith(":target:"):
                self._image_target(piece[len(":target:") :].strip(), j)
            j += 1
        return j

    def _image_target(self, target: str, j: int) -> None:
        inliner = _docutils().inliner
        if target and not (target.endswith("_") and not inliner.patterns.uri.match(target)):
            self._link(inliner.adjust_uri(target), j, False)

    def _table(self, i: int) -> int:
        """A grid or simple table: its cells' text, row by row, up to a blank line."""
        lines = self.lines
        j = i
        while j < len(lines) and lines[j].strip():
            row = lines[j].strip()
            if not (_GRID.match(row) or _SIMPLE_TABLE.match(row) or _ADORNMENT.match(row)):
                cells = row.replace("|", " ") if row.startswith("|") else row
                self._inline([(j, cells)])
            j += 1
        return j

    # --- text -------------------------------------------------------------------------

    def _paragraph(self, parts: list[Part], column: int) -> int:
        """Read a paragraph's inline markup; the column past which a literal block follows
        when it ends with `::` (else -1)."""
        last = parts[-1][1].rstrip()
        literal = last.endswith("::") and not last.endswith("\\::")
        if literal:
            body = last[:-2].rstrip()
            # `Text::` keeps one colon, `Text ::` none; a lone `::` is no paragraph.
            kept = body + ":" if body and not last[:-2].endswith((" ", "\t")) else body
            parts = [*parts[:-1], (parts[-1][0], kept)] if kept else parts[:-1]
        if parts:
            source = "\n".join(text for _, text in parts)
            if _may_link(source):
                self._inline(parts)
            # The source's words, not the rendered text's: a template's paragraph and its
            # copy in a proposal are written alike, and this needs no inline reading.
            words = source.replace("\n", " ").strip()  # as folded: digested the fast way
            if words:
                self.texts.append(TextBlock(parts[0][0] + 1, digest(words), len(words)))
        return column if literal else -1

    def _link(self, target: str, line: int, is_image: bool) -> None:
        col = self.lines[line].find(target)
        self.links.append(OutlineLink(target, line + 1, col + 1 if col >= 0 else 1, is_image))

    def _inline(self, parts: list[Part]) -> str:
        """The text of a block with its inline markup read (as docutils' `astext` gives
        it); the links in it are recorded."""
        source = "\n".join(text for _, text in parts)
        if not any(c in source for c in "`*|_\\:@"):
            return source  # no markup, no URI, no e-mail address

        starts = [0]
        for _, text in parts[:-1]:
            starts.append(starts[-1] + len(text) + 1)
        inline = _InlineText(self, parts, starts)
        if not any(c in source for c in "`*|_\\"):
            return inline.implicit_only(source)  # no markup to read: URIs only
        return inline.read(_docutils().escape2null(source))


# What a link in a paragraph needs: a phrase reference's `_, a PEP or RFC role, or what a
# standalone URI or e-mail address has. A paragraph with none of these holds no link.
_LINKISH = re.compile(r"`_|:(?:pep|rfc)(?:-reference)?:|[A-Za-z0-9.+-]:[^\s]|@", re.IGNORECASE)


def _may_link(source: str) -> bool:
    if "`_" in source or "://" in source or "@" in source:
        return True
    return ":" in source and _LINKISH.search(source) is not None


class _InlineText:
    """One block's inline markup, read the way docutils' Inliner reads it."""

    def __init__(self, reader: _Reader, parts: list[Part], starts: list[int]) -> None:
        self.reader = reader
        self.parts = parts
        self.starts = starts
        self.inliner = _docutils().inliner
        self.base = 0  # where the text a construct's handler sees starts in the block

    def read(self, text: str) -> str:
        patterns = self.inliner.patterns
        out: list[str] = []
        plain: list[tuple[int, str]] = []  # text not yet searched for URIs, with offsets
        offset = 0
        remaining = text
        while remaining:
            match = patterns.initial.search(remaining)
            if match is None:
                break
            key = match["start"] or match["backquote"] or match["refend"] or match["fnend"]
            self.base = offset
            before, inline, rest = self._dispatch(key, match)
            plain.append((offset, before))
            consumed = len(remaining) - len(rest)
            if inline is not None:
                out.append(self._implicit(plain))
                plain = []
                out.append(inline)
            offset += consumed
            remaining = rest
        plain.append((offset, remaining))
        out.append(self._implicit(plain))
        return _docutils().unescape("".join(out))

    def _dispatch(self, key: str, match: re.Match[str]) -> tuple[str, str | None, str]:
        """(plain text before, the construct's text or None when it is none, the rest)."""
        string = match.string
        patterns = self.inliner.patterns
        if key in ("refend", "_", "__") or match["refend"]:
            return string[: match.start("whole")], match["refname"], string[match.end("whole") :]
        if match["fnend"]:
            label = string[match.start("whole") + 1 : match.end("whole") - 2]
            if label.startswith(("#", "*")):
                label = ""  # numbered later, by a transform the outline does not need
            return string[: match.start("whole")], label, string[match.end("whole") :]
        if match["backquote"]:
            return self._interpreted(match)
        ends = {
            "**": patterns.strong,
            "*": patterns.emphasis,
            "``": patterns.literal,
            "_`": patterns.target,
            "|": patterns.substitution_ref,
        }
        start, end = match.start("start"), match.end("start")
        if self.inliner.quoted_start(match):
            return string[:end], None, string[end:]
        found = ends[key].search(string[end:])
        if found and found.start(1):
            content = found.string[: found.start(1)]
            if key == "``":
                content = _docutils().unescape(content, True)  # a literal keeps its backslashes
            return string[:start], content, string[end + found.end(1) :]
        return string[:start], string[start:end], string[end:]

    def _interpreted(self, match: re.Match[str]) -> tuple[str, str | None, str]:
        """Interpreted text (`text`, :role:`text`) or a phrase reference (`text`_)."""
        string = match.string
        start, end = match.start("backquote"), match.end("backquote")
        role_start = match.start("role")
        role = match["role"][1:-1] if match["role"] else ""
        if not role and self.inliner.quoted_start(match):
            return string[:end], None, string[end:]
        found = self.inliner.patterns.interpreted_or_phrase_ref.search(string[end:])
        if not (found and found.start(1)):
            return string[:role_start], string[role_start:end], string[end:]
        text_end = end + found.end()
        raw = string[role_start:text_end]
        escaped = found.string[: found.start(1)]
        if found["role"]:
            if role:
                return string[:role_start], raw, string[text_end:]
            role = found["suffix"][1:-1]
        if found["refend"]:
            if role:
                return string[:role_start], raw, string[text_end:]
            return string[:start], self._phrase(escaped, start), string[text_end:]
        role = role.lower()
        text = _docutils().unescape(escaped)
        kind = _LINK_ROLES.get(role)
        if kind is not None:
            return (
                string[:role_start],
                self._role_link(kind, text, raw, role_start),
                string[text_end:],
            )
        if role and role not in _KNOWN_ROLES and role not in _LINK_ROLES:
            return string[:role_start], _docutils().unescape(raw, True), string[text_end:]
        return string[:role_start], text, string[text_end:]

    def _phrase(self, escaped: str, at: int) -> str:
        """A phrase reference (`text <uri>`_): its text; its URI is a link."""
        du = _docutils()
        found = self.inliner.patterns.embedded_link.search(escaped)
        if not found:
            return du.unescape(escaped)
        text = escaped[: found.start(0)]
        alias = found.group(2)
        if alias.endswith("_") and not (
            du.unescape(alias, True).endswith("\\_") or self.inliner.patterns.uri.match(alias)
        ):
            return du.unescape(text or alias)  # a target's name, resolved later
        uri = " ".join("".join(part.split()) for part in du.split_escaped_whitespace(alias))
        uri = self.inliner.adjust_uri(du.unescape(uri))
        if uri.endswith("\\_"):
            uri = uri[:-2] + "_"
        self._found(uri, at)
        return du.unescape(text) if text else uri

    def _role_link(self, kind: str, text: str, raw: str, at: int) -> str:
        settings = _docutils().settings
        if kind == "pep":
            try:
                number = int(text)
            except ValueError:
                return raw
            if not 0 <= number <= 9999:
                return raw
            self._found(settings.pep_base_url + settings.pep_file_url_template % number, at)
            return "PEP " + text
        number_text, _, section = text.partition("#")
        try:
            number = int(number_text)
        except ValueError:
            return raw
        if number < 1:
            return raw
        uri = settings.rfc_base_url + self.inliner.rfc_url % number
        self._found(uri + ("#" + section if "#" in text else ""), at)
        return f"RFC {number}"

    def implicit_only(self, text: str) -> str:
        """A block with no inline markup: its standalone URIs and e-mail addresses."""
        return self._implicit([(0, text)])

    def _implicit(self, plain: list[tuple[int, str]]) -> str:
        """Text with no markup in it: standalone URIs and e-mail addresses are links."""
        text = "".join(piece for _, piece in plain)
        if ":" not in text and "@" not in text:
            return text

        schemes = _docutils().schemes
        self.base = 0
        for found in self.inliner.patterns.uri.finditer(text):
            scheme = found["scheme"]
            if scheme and scheme.lower() not in schemes:
                continue
            whole = found["whole"]
            uri = ("mailto:" if found["email"] else "") + _docutils().unescape(whole)
            self._found(uri, self._offset(plain, found.start("whole")))
        return text

    @staticmethod
    def _offset(plain: list[tuple[int, str]], at: int) -> int:
        """Where a position in the joined plain pieces is in the block."""
        for start, piece in plain:
            if at < len(piece):
                return start + at
            at -= len(piece)
        return plain[-1][0] if plain else 0

    def _found(self, uri: str, at: int) -> None:
        """A link whose construct starts at offset `at` of the block (of `remaining`, in
        a construct's handler): placed where its target is written, at or after that."""
        at += self.base
        index = max(0, bisect.bisect_right(self.starts, at) - 1)
        lines = self.reader.lines
        for number, text in self.parts[index:]:
            line = lines[number]
            skip = len(line) - len(text)
            since = at - self.starts[index] if number == self.parts[index][0] else 0
            col = line.find(uri, skip + since)
            if col >= 0:
                self.reader.links.append(OutlineLink(uri, number + 1, col + 1, False))
                return
        number, text = self.parts[index]
        col = len(lines[number]) - len(text) + at - self.starts[index]
        self.reader.links.append(OutlineLink(uri, number + 1, col + 1, False))


def _quoted_literal(stripped: str) -> bool:
    """A literal block after `::` that is not indented: each line starts with the same
    punctuation (`>` quoting an e-mail, say)."""
    return bool(stripped) and not stripped[0].isalnum() and not stripped[0].isspace()
