"""A proposal's Markdown to safe HTML: GitHub-flavoured tables, task lists and footnotes,
bare URLs as links, highlighted code, heading anchors and a table of contents, links
between proposals pointed at their pages.

Pure: takes the text and a function that says where a relative link should go, returns the
HTML (sanitized with nh3, so nothing a proposal holds can run in a reader's browser), the
headings, the plain text for search and the local files the page needs copied.

pulldown-cmark (through pyromark) parses; the page is written here from its events, one
handler per event kind, so that anchors, links and code are settled while writing instead
of in passes over a token tree.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from functools import cache
from hashlib import blake2b
from typing import Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit

import nh3
import pyromark
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name

from rfcdesk.read.proposal import github_anchor
from rfcdesk.site.autolink import autolinks, might_link

_TAGS = nh3.ALLOWED_TAGS | {"input"}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    # No `style` anywhere: a proposal could lay a box over the whole page with it.
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "input": {"type", "checked", "disabled"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_FORMATTER = HtmlFormatter(nowrap=True)
_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES  # as `check` reads them: notes, not links
)
# A Markdown link to one of these is shown as its text, never made a link.
_UNSAFE_LINK = re.compile(r"\s*(?:javascript|vbscript|file|data):", re.IGNORECASE)
_RAW_LINK_OPEN = re.compile(r"<a[\s>]", re.IGNORECASE)
_RAW_LINK_CLOSE = re.compile(r"</a[\s>]", re.IGNORECASE)
_INLINE = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image"})
# Characters a URL may keep as written; the rest are percent-encoded.
_URL_SAFE = ";/?:@&=+$,-_.!~*'()#%"


class Heading(NamedTuple):
    level: int
    text: str
    anchor: str


class Rendered(NamedTuple):
    html: str  # sanitized
    headings: tuple[Heading, ...]
    text: str  # the words of the document, for search
    assets: tuple[str, ...]  # folder-relative paths of local files the page links to


# Where a folder-relative target goes: a URL relative to the page, or None to leave it.
Resolver = Callable[[str], str | None]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _url(target: str) -> str:
    return _attribute(quote(target, safe=_URL_SAFE))


# --- code ------------------------------------------------------------------------------------


@cache
def _lexer(name: str) -> Lexer | None:
    """The lexer for a language name; finding it costs more than lexing a small block."""
    try:
        return get_lexer_by_name(name)
    except Exception:  # ClassNotFound, or a plugin lexer that fails to load
        return None


# Highlighted blocks by a digest of (language, code): a block quoted again, or a page
# rendered again by `serve`, is not lexed twice. Oldest out first past _KEEP.
_HIGHLIGHTED: dict[bytes, str | None] = {}
_KEEP = 4096


def _highlighted(lang: str, code: str) -> str | None:
    """The highlighted HTML of a code block's text, or None to show it plain.

    A lexer is third-party code run on whatever a proposal holds: if it fails on a block
    (some recurse once per nesting level), the block is shown plain, not the page lost.
    """
    lexer = _lexer(lang)
    if lexer is None:
        return None
    key = blake2b(f"{lang}\0{code}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if key in _HIGHLIGHTED:
        return _HIGHLIGHTED[key]
    body: str | None
    try:
        body = highlight(code, lexer, _FORMATTER)
    except Exception:  # RecursionError, a lexer bug
        body = None
    if len(_HIGHLIGHTED) >= _KEEP:
        del _HIGHLIGHTED[next(iter(_HIGHLIGHTED))]
    _HIGHLIGHTED[key] = body
    return body


def _plain_code(lang: str, code: str) -> str:
    label = f' class="language-{_attribute(lang)}"' if lang else ""
    return f"<pre><code{label}>{_escape(code)}</code></pre>\n"


def highlight_css() -> str:
    """The stylesheet for highlighted code, for light and dark themes."""
    light = HtmlFormatter(style="default").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


# --- links -----------------------------------------------------------------------------------


def _is_local(target: str) -> bool:
    if target.startswith(("https:", "http:", "#", "/", "mailto:")):
        return False  # most links: no need to parse them
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not target.startswith(("#", "/"))


def relocate(target: str, path: str, resolve: Resolver, assets: set[str]) -> str | None:
    """Where a relative link written in the proposal at `path` goes on the site, or None to
    leave it as written; local files the page needs are added to `assets`."""
    if not _is_local(target):
        return None
    parts = urlsplit(target)
    local = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
    if local.startswith("../") or local == "..":
        return None
    page = resolve(local)
    if page is None:
        return None
    if page.startswith("files/") or "/files/" in page:
        assets.add(local)
    return page + (f"#{parts.fragment}" if parts.fragment else "")


def _linked(text: str) -> str:
    """Escaped text with its bare URLs made links."""
    parts, at = [], 0
    for link in autolinks(text):
        shown = _escape(text[link.start : link.end])
        parts += [_escape(text[at : link.start]), f'<a href="{_url(link.href)}">{shown}</a>']
        at = link.end
    parts.append(_escape(text[at:]))
    return "".join(parts)


# --- the page --------------------------------------------------------------------------------


class _Page:
    """One document being written: the HTML so far, and what is learnt on the way."""

    def __init__(self, path: str, resolve: Resolver, inline: bool = False) -> None:
        self.path, self.resolve, self.inline = path, resolve, inline
        self.out: list[str] = []
        self.words: list[str] = []
        self.headings: list[Heading] = []
        self.anchors: dict[str, int] = {}
        self.assets: set[str] = set()
        self.notes: dict[str, int] = {}
        self.heading: list[str] | None = None  # the text of the heading being written
        self.heading_at = 0  # where its opening tag goes in `out`
        self.code: list[str] | None = None  # the text of the code block being written
        self.lang = ""
        self.alt: list[str] | None = None  # the alt text of the image being written
        self.images: list[tuple[str, str] | None] = []  # open images: (src, title) or None
        self.links: list[bool] = []  # open links: whether each is written as <a>
        self.raw_links = 0  # open <a> elements written as HTML
        self.align: tuple[str, ...] = ()
        self.cell = "td"
        self.column = 0

    def text(self, text: str) -> None:
        if self.code is not None:
            self.code.append(text)
            return
        self.words.append(text)
        if self.heading is not None:
            self.heading.append(text)
        if self.alt is not None:
            self.alt.append(text)
        elif not self.links and not self.raw_links and might_link(text):
            self.out.append(_linked(text))
        else:
            self.out.append(_escape(text))

    def code_span(self, code: str) -> None:
        self.words.append(code)
        if self.heading is not None:
            self.heading.append(code)
        if self.alt is not None:
            self.alt.append(code)
        else:
            self.out.append(f"<code>{_escape(code)}</code>")

    def html(self, html: str) -> None:
        if self.alt is None:
            self.out.append(html)

    def inline_html(self, html: str) -> None:
        """A tag in running text; text inside an `<a>` written so is not linked again."""
        if _RAW_LINK_OPEN.match(html):
            self.raw_links += 1
        elif _RAW_LINK_CLOSE.match(html) and self.raw_links:
            self.raw_links -= 1
        self.html(html)

    def mark(self, event: str) -> None:
        """SoftBreak, HardBreak, Rule."""
        if event == "Rule":
            self.out.append("<hr>\n")
            return
        if self.heading is not None:
            self.heading.append(" ")
        if self.alt is not None:
            self.alt.append(" ")
        elif self.code is None:
            self.out.append("<br>\n" if event == "HardBreak" else "\n")

    def note(self, name: str) -> int:
        """A footnote's number: notes are numbered as they are first met."""
        return self.notes.setdefault(name, len(self.notes) + 1)

    def target(self, dest: str) -> str:
        moved = relocate(dest, self.path, self.resolve, self.assets)
        return dest if moved is None else moved


def _paragraph(page: _Page, _value: Any) -> None:
    if not page.inline:
        page.out.append("<p>")


def _paragraph_end(page: _Page, _value: Any) -> None:
    page.out.append("\n" if page.inline else "</p>\n")


def _heading(page: _Page, value: Any) -> None:
    page.heading, page.heading_at = [], len(page.out)
    page.out.append("")  # the opening tag, once the text gives the anchor


def _heading_end(page: _Page, value: Any) -> None:
    level = int(value[1])
    title = "".join(page.heading or ()).strip()
    slug = github_anchor(title)
    count = page.anchors.get(slug, 0)
    page.anchors[slug] = count + 1
    anchor = slug if count == 0 else f"{slug}-{count}"
    page.headings.append(Heading(level, title, anchor))
    page.out[page.heading_at] = f'<h{level} id="{_attribute(anchor)}">'
    page.out.append(f"</h{level}>\n")
    page.heading = None


def _code(page: _Page, value: Any) -> None:
    info = value["Fenced"] if type(value) is dict else ""
    page.lang = info.split()[0] if info.strip() else ""
    page.code = []


def _code_end(page: _Page, _value: Any) -> None:
    code = "".join(page.code or ())
    page.code = None
    page.words.append(code)
    body = _highlighted(page.lang, code) if page.lang else None
    if body is None:
        page.out.append(_plain_code(page.lang, code))
        return
    page.out.append(f'<pre class="highlight"><code>{body}</code></pre>\n')


def _list(page: _Page, start: int | None) -> None:
    if start is None:
        page.out.append("<ul>\n")
    else:
        page.out.append("<ol>\n" if start == 1 else f'<ol start="{start}">\n')


def _list_end(page: _Page, ordered: bool) -> None:
    page.out.append("</ol>\n" if ordered else "</ul>\n")


def _footnote(page: _Page, name: str) -> None:
    number = page.note(name)
    page.out.append(
        f'<div class="footnote-definition" id="fn-{_attribute(name)}">'
        f'<sup class="footnote-definition-label">{number}</sup>\n'
    )


def _table(page: _Page, align: tuple[str, ...]) -> None:
    page.align = align
    page.out.append("<table>\n")


def _table_head(page: _Page, _value: Any) -> None:
    page.cell, page.column = "th", 0
    page.out.append("<thead>\n<tr>\n")


def _table_head_end(page: _Page, _value: Any) -> None:
    page.cell = "td"
    page.out.append("</tr>\n</thead>\n<tbody>\n")


def _row(page: _Page, _value: Any) -> None:
    page.column = 0
    page.out.append("<tr>\n")


def _cell(page: _Page, _value: Any) -> None:
    align = page.align[page.column] if page.column < len(page.align) else "None"
    shown = f' align="{align.lower()}"' if align != "None" else ""
    page.out.append(f"<{page.cell}{shown}>")


def _cell_end(page: _Page, _value: Any) -> None:
    page.column += 1
    page.out.append(f"</{page.cell}>\n")


def _link(page: _Page, value: Any) -> None:
    dest = value["dest_url"]
    if page.alt is not None or _UNSAFE_LINK.match(dest):
        page.links.append(False)
        return
    page.links.append(True)
    href = f"mailto:{dest}" if value["link_type"] == "Email" else page.target(dest)
    title = f' title="{_attribute(value["title"])}"' if value["title"] else ""
    page.out.append(f'<a href="{_url(href)}"{title}>')


def _link_end(page: _Page, _value: Any) -> None:
    if page.links.pop():
        page.out.append("</a>")


def _image(page: _Page, value: Any) -> None:
    if page.alt is not None:  # an image in an image's description: only its text shows
        page.images.append(None)
        return
    dest = value["dest_url"]
    safe = not _UNSAFE_LINK.match(dest)
    page.images.append((page.target(dest), value["title"]) if safe else None)
    page.alt = []


def _image_end(page: _Page, _value: Any) -> None:
    image = page.images.pop()
    if page.images:
        return
    alt = "".join(page.alt or ())
    page.alt = None
    if image is None:  # a link to a script: shown as its text
        page.out.append(_escape(alt))
        return
    src, title = image
    shown = f' title="{_attribute(title)}"' if title else ""
    page.out.append(f'<img src="{_url(src)}" alt="{_attribute(alt)}"{shown}>')


def _tag(opening: str) -> Callable[[_Page, Any], None]:
    def write(page: _Page, _value: Any) -> None:
        if page.alt is None:  # an image's description is text only
            page.out.append(opening)

    return write


def _nothing(_page: _Page, _value: Any) -> None:
    pass


_START: dict[str, Callable[[_Page, Any], None]] = {
    "Paragraph": _paragraph,
    "Heading": _heading,
    "BlockQuote": _tag("<blockquote>\n"),
    "CodeBlock": _code,
    "HtmlBlock": _nothing,
    "List": _list,
    "Item": _tag("<li>"),
    "FootnoteDefinition": _footnote,
    "Table": _table,
    "TableHead": _table_head,
    "TableRow": _row,
    "TableCell": _cell,
    "Emphasis": _tag("<em>"),
    "Strong": _tag("<strong>"),
    "Strikethrough": _tag("<del>"),
    "Link": _link,
    "Image": _image,
}
_END: dict[str, Callable[[_Page, Any], None]] = {
    "Paragraph": _paragraph_end,
    "Heading": _heading_end,
    "BlockQuote": _tag("</blockquote>\n"),
    "CodeBlock": _code_end,
    "HtmlBlock": _nothing,
    "List": _list_end,
    "Item": _tag("</li>\n"),
    "FootnoteDefinition": _tag("</div>\n"),
    "Table": _tag("</tbody>\n</table>\n"),
    "TableHead": _table_head_end,
    "TableRow": _tag("</tr>\n"),
    "TableCell": _cell_end,
    "Emphasis": _tag("</em>"),
    "Strong": _tag("</strong>"),
    "Strikethrough": _tag("</del>"),
    "Link": _link_end,
    "Image": _image_end,
}


def _tagged(handlers: dict[str, Callable[[_Page, Any], None]], page: _Page, tag: Any) -> None:
    if type(tag) is str:
        handlers.get(tag, _nothing)(page, None)
    else:
        ((kind, value),) = tag.items()
        handlers.get(kind, _nothing)(page, value)


def _footnote_reference(page: _Page, name: str) -> None:
    number = page.note(name)
    page.out.append(
        f'<sup class="footnote-reference"><a href="#fn-{_attribute(name)}">{number}</a></sup>'
    )


def _task(page: _Page, checked: bool) -> None:
    mark = ' checked=""' if checked else ""
    page.out.append(f'<input type="checkbox" disabled=""{mark}> ')


def _start(page: _Page, tag: Any) -> None:
    _tagged(_START, page, tag)


def _end(page: _Page, tag: Any) -> None:
    _tagged(_END, page, tag)
    if type(tag) is dict or tag not in _INLINE:
        page.raw_links = 0  # an <a> left open ends with its paragraph


_EVENTS: dict[str, Callable[[_Page, Any], None]] = {
    "Text": _Page.text,
    "Start": _start,
    "End": _end,
    "Code": _Page.code_span,
    "Html": _Page.html,
    "InlineHtml": _Page.inline_html,
    "FootnoteReference": _footnote_reference,
    "TaskListMarker": _task,
}


def _write(page: _Page, text: str) -> None:
    """Write the document's events into `page`."""
    stream: Any = pyromark.events(text, options=_OPTIONS)  # events are plain dicts
    for event in stream:
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            page.mark(event)
        else:
            ((kind, value),) = event.items()
            _EVENTS.get(kind, _nothing)(page, value)


def render(text: str, path: str, resolve: Resolver) -> Rendered:
    """Render one Markdown proposal; `path` is its folder-relative path, for links."""
    page = _Page(path, resolve)
    _write(page, text)
    plain = " ".join(" ".join(page.words).split())  # split(): faster than a regex here
    html = sanitize("".join(page.out))
    return Rendered(html, tuple(page.headings), plain, tuple(sorted(page.assets)))


def sanitize(html: str) -> str:
    """HTML with nothing that can run, restyle the page or leave it by itself."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_plain(text: str) -> Rendered:
    """A document no renderer could take, shown as its text."""
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Rendered(f"<pre>{body}</pre>\n", (), " ".join(text.split()), ())


# What would open a block at the start of a line: a heading, a list item, a quote, a fence,
# a rule. Escaped in a metadata value, so that it stays text.
_BLOCK_START = re.compile(
    r"^[ \t]*(?:(?=#{1,6}(?:[ \t]|$)|[-+*](?:[ \t]|$)|>|```|~~~|[-*_=]{3,}[ \t]*$)"
    r"|\d{1,9}(?=[.)](?:[ \t]|$)))",
    re.MULTILINE,
)


def _nowhere(_target: str) -> None:
    return None


def render_inline(text: str) -> str:
    """A metadata value as inline Markdown (emphasis, links, code), bare URLs made links;
    sanitized like a page's body. Block syntax (headings, lists) stays text."""
    page = _Page("", _nowhere, inline=True)
    _write(page, _BLOCK_START.sub(lambda m: m.group(0).lstrip() + "\\", text))
    return sanitize("".join(page.out)).strip()
