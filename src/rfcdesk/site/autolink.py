"""Bare URLs in running text, found as GitHub finds them (GFM's autolink extension).

`www.` addresses, `http://` and `https://` URLs and e-mail addresses become links; a name
that only looks like a domain (`lib.rs`, `Cargo.toml`) does not. Pure: takes a piece of
text, returns where its links are.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# As GitHub: a `www.` link starts the text or follows a space or one of `*_~(`; a URL's
# scheme follows no letter; an address follows no character that could belong to it. A
# link ends at a space, `<`, or CJK punctuation (`。`, `）`), which is written without spaces.
_DOMAIN = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
_PATH = r"[^\s<\u3000-\u303f\uff00-\uffef]*"
_BARE = re.compile(
    rf"(?P<url>(?<![A-Za-z])https?://{_DOMAIN}{_PATH}|(?<![^\s*_~(])www\.{_DOMAIN}{_PATH})"
    r"|(?<![A-Za-z0-9.+_-])(?P<email>[A-Za-z0-9.+_-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)"
)
_TRAILING = "?!.,:*_~'\""  # and `;`, unless it ends an entity-like `&amp;`
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")


class Autolink(NamedTuple):
    start: int
    end: int
    href: str


def might_link(text: str) -> bool:
    """A cheap test: False when `text` cannot hold a bare link."""
    return "://" in text or "www." in text or "@" in text


def _trim(url: str) -> str:
    """The URL without the punctuation that ends the sentence around it."""
    while True:
        before = url
        url = url.rstrip(_TRAILING)
        entity = _ENTITY_END.search(url)
        if entity:
            url = url[: entity.start()]
        elif url.endswith(";"):
            url = url[:-1]
        for opening, closing in ("()", "[]"):
            if url.endswith(closing) and url.count(closing) > url.count(opening):
                url = url[:-1]
        if url == before:
            return url


def autolinks(text: str) -> list[Autolink]:
    """The bare links in `text`, in order."""
    found = []
    for match in _BARE.finditer(text):
        url, email = match.group("url"), match.group("email")
        if url is not None:
            url = _trim(url)
            href = url if "://" in url else f"http://{url}"
            found.append(Autolink(match.start(), match.start() + len(url), href))
        elif email is not None and email[-1] not in "-_":
            found.append(Autolink(match.start(), match.end(), f"mailto:{email}"))
    return found
