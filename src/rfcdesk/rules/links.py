"""Rules about relative links and images: every one must lead somewhere."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator

from rfcdesk.edge.files import glob_regex
from rfcdesk.model import Link, Proposal, Severity
from rfcdesk.rules import Context, Finding, register

_PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def _missing(proposal: Proposal, ctx: Context, images: bool) -> Iterator[tuple[Link, str]]:
    for link in proposal.links:
        if link.is_image != images:
            continue
        local = link.local
        if local is None or _generated(ctx, local[0]) or ctx.escaping(local[0]):
            continue
        if _PLACEHOLDER.match(link.target):
            continue  # `LINK_TO_THIS_RFC` in sample text: a blank to fill, not a path
        if not ctx.exists(local[0]):
            yield link, local[0]


def _generated(ctx: Context, path: str) -> bool:
    """A target the publishing build creates (the scheme's `links.ignore` globs)."""
    return any(glob_regex(pattern).match(path) for pattern in ctx.scheme.link_ignore)


def _hint(ctx: Context, path: str) -> str:
    # A name with an id is compared with the proposals that have that id; others with
    # names that start alike. difflib over a whole large folder would be slow.
    match = ctx.scheme.file_regex.match(path)
    prefix = (
        path[: match.end("id")] if match and "id" in match.groupdict() else path[: len(path) // 2]
    )
    names = ctx.names_starting(prefix)[:50]
    close = difflib.get_close_matches(path, names, n=1, cutoff=0.8)
    return f" (did you mean `{close[0]}`?)" if close else ""


@register(
    "L001",
    "broken-link",
    "A relative link points to a file that does not exist.",
    reaches_others=True,
)
def broken_link(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for link, path in _missing(proposal, ctx, images=False):
        yield Finding(
            proposal.path,
            link.line,
            link.col,
            f"link to `{link.target}` leads nowhere: `{path}` does not exist{_hint(ctx, path)}",
            path,  # a rename of the file it meant is a change that concerns it
        )


@register("L002", "broken-image", "A relative image points to a file that does not exist.")
def broken_image(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for link, path in _missing(proposal, ctx, images=True):
        yield Finding(
            proposal.path,
            link.line,
            link.col,
            f"image `{link.target}` is missing: `{path}` does not exist",
        )


# What is not a letter or a digit: `\w` is exactly `str.isalnum()` plus the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")


def anchor_key(anchor: str) -> str:
    """An anchor as every host forms it: GitHub (`a-b`), Gitiles (`a_b`), docutils, mdBook
    differ in case, separators and dropped characters, never in letters and digits."""
    return _NOT_ALNUM.sub("", anchor.casefold())


@functools.lru_cache(maxsize=1024)
def _anchor_keys(anchors: frozenset[str]) -> frozenset[str]:
    """The keys of a document's anchors, made once per document rather than once per link
    to it (a folder of 639 documents had 50,000 anchors keyed for 1,100 links)."""
    return frozenset(map(anchor_key, anchors))


@register(
    "L003",
    "broken-anchor",
    "A link points to a heading that does not exist.",
    Severity.WARNING,
    reaches_others=True,
)
def broken_anchor(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for link in proposal.links:
        local = link.local
        if local is None or not local[1]:
            continue
        target = ctx.by_path.get(local[0])
        if target is None or target.load_error is not None:
            continue  # only proposals' headings are known
        if anchor_key(local[1]) not in _anchor_keys(target.anchors):
            where = "this document" if target is proposal else f"`{target.path}`"
            yield Finding(
                proposal.path,
                link.line,
                link.col,
                f"link to `{link.target}`: {where} has no heading with the anchor `#{local[1]}`",
                target.path,
            )


@register(
    "L004",
    "link-leaves-folder",
    "A relative link or image leads through a symbolic link to a place outside the folder.",
)
def link_leaves_folder(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    for link in proposal.links:
        local = link.local
        escape = ctx.escaping(local[0]) if local else None
        if escape is not None:
            what = "image" if link.is_image else "link to"
            yield Finding(
                proposal.path,
                link.line,
                link.col,
                f"{what} `{link.target}` goes through `{escape}`, a symbolic link to a place "
                "outside the folder; it is not followed, and not published",
            )
