"""A proposal's Markdown to safe HTML: GitHub-flavoured tables, highlighted code, heading
anchors and a table of contents, links between proposals pointed at their pages.

Pure: takes the text and a function that says where a relative link should go, returns the
HTML (sanitized with nh3, so nothing a proposal holds can run in a reader's browser), the
headings, the plain text for search and the local files the page needs copied.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from rfcdesk.read.proposal import github_anchor

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
_SPACE = re.compile(r"\s+")
_TEXT = ("text", "code_inline")


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


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Highlighted HTML for a code block, or "" to show it plain (markdown-it escapes it).

    A lexer is third-party code run on whatever a proposal holds: if it fails on a block
    (some recurse once per nesting level), the block is shown plain, not the page lost.
    """
    try:
        lexer = get_lexer_by_name(lang.split()[0]) if lang.strip() else None
        if lexer is None:
            return ""
        body = highlight(code, lexer, _FORMATTER)
    except Exception:  # ClassNotFound, RecursionError, a lexer bug
        return ""
    return f'<pre class="highlight"><code>{body}</code></pre>\n'


def markdown() -> MarkdownIt:
    # GitHub's flavour as readers know it: tables, strikethrough, and bare URLs as links.
    md = MarkdownIt("commonmark", {"html": True, "highlight": _highlight, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    return md


_MD = markdown()


def _is_local(target: str) -> bool:
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


def _rewrite(token: Token, attr: str, path: str, resolve: Resolver, assets: set[str]) -> None:
    target = token.attrGet(attr)
    if isinstance(target, str):
        moved = relocate(target, path, resolve, assets)
        if moved is not None:
            token.attrSet(attr, moved)


_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


def _align(token: Token) -> None:
    """A table cell's `style="text-align:..."` as the `align` attribute the sanitizer keeps."""
    style = token.attrGet("style")
    if isinstance(style, str):
        found = _ALIGN.search(style)
        token.attrs.pop("style", None)
        if found:
            token.attrSet("align", found.group(1))


def _walk(tokens: list[Token]) -> list[Token]:
    flat = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(_walk(token.children))
    return flat


def render(text: str, path: str, resolve: Resolver) -> Rendered:
    """Render one Markdown proposal; `path` is its folder-relative path, for links."""
    tokens = _MD.parse(text)
    assets: set[str] = set()
    headings: list[Heading] = []
    seen: dict[str, int] = {}
    words: list[str] = []
    for at, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[at + 1]
            parts = _walk(inline.children or [])
            title = "".join(c.content for c in parts if c.type in ("text", "code_inline"))
            slug = github_anchor(title)
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchor = slug if count == 0 else f"{slug}-{count}"
            token.attrSet("id", anchor)
            headings.append(Heading(int(token.tag[1]), title.strip(), anchor))
        if token.type == "inline":
            words += [c.content for c in _walk(token.children or []) if c.type in _TEXT]
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
    for token in _walk(tokens):
        if token.type == "link_open":
            _rewrite(token, "href", path, resolve, assets)
        elif token.type == "image":
            _rewrite(token, "src", path, resolve, assets)
        elif token.type in ("th_open", "td_open"):
            _align(token)
    html = _MD.renderer.render(tokens, _MD.options, {})
    plain = _SPACE.sub(" ", " ".join(words)).strip()
    return Rendered(sanitize(html), tuple(headings), plain, tuple(sorted(assets)))


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
    return Rendered(f"<pre>{body}</pre>\n", (), _SPACE.sub(" ", text).strip(), ())


def highlight_css() -> str:
    """The stylesheet for highlighted code, for light and dark themes."""
    light = HtmlFormatter(style="default").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def render_inline(text: str) -> str:
    """A metadata value as inline Markdown (emphasis, links, code), bare URLs made links;
    sanitized like a page's body. Block syntax (headings, lists) stays text."""
    return sanitize(_MD.renderInline(text)).strip()
