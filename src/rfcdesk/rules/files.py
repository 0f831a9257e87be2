"""Rules about files as files: readable text, names that fit the scheme, unique ids."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from rfcdesk.model import Proposal, Severity
from rfcdesk.rules import Context, Finding, declare, register
from rfcdesk.scheme.model import slugify

declare("F001", "empty-file", "The file is empty.")
declare("F002", "binary-file", "The file holds binary data, not Markdown.")
declare("F003", "not-utf8", "The file is not valid UTF-8.")
declare("F004", "unreadable-file", "The file cannot be read (permissions, a broken link).")
declare("F005", "file-too-large", "The file is over 10 MB and is not read.")
declare("F006", "bad-front-matter", "The YAML front matter (or sidecar file) cannot be parsed.")
declare(
    "F007", "missing-sidecar", "The file that holds a proposal's metadata (kep.yaml) is missing."
)
declare(
    "F008",
    "link-outside",
    "The file is a symbolic link to a place outside the folder; it is never read or published.",
)
declare(
    "F009",
    "nested-too-deeply",
    "The document nests lists, quotes or sections too deeply to be read safely.",
)

_LINK_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


@register("F010", "file-name", "The file name does not fit the scheme's pattern.")
def file_name(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    if proposal.file_id_matched:
        return
    hint = f"name it like `{ctx.scheme.file_example}`"
    if proposal.id and ctx.scheme.id_kind == "number":
        slug = ctx.scheme.slug(proposal.title or "")
        hint = f"rename it to `{ctx.scheme.file_name(proposal.id, slug)}`"
    yield Finding(
        proposal.path, 1, 1, f"file name does not fit the {ctx.scheme.name} pattern; {hint}"
    )


@register(
    "F011",
    "file-name-style",
    "The file name has characters that links must escape (spaces and the like).",
    Severity.WARNING,
)
def file_name_style(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    name = proposal.path.rsplit("/", 1)[-1]
    if proposal.file_id_matched and not _LINK_SAFE.match(name):
        stem, dot, extension = name.rpartition(".")
        better = slugify(stem, ctx.scheme.slug_style) + dot + extension
        yield Finding(
            proposal.path,
            1,
            1,
            f"file name has characters that links must escape; rename it to `{better}`",
        )


@register("F012", "file-date", "The date in the file name is not a real date.")
def file_date(proposal: Proposal, ctx: Context) -> Iterator[Finding]:
    scheme = ctx.scheme
    if scheme.id_kind != "date" or not proposal.file_id_matched or proposal.id is None:
        return
    stamp = proposal.id[:8]
    if stamp == scheme.draft_id:
        return
    try:
        dt.datetime.strptime(stamp, "%Y%m%d")
    except ValueError:
        yield Finding(proposal.path, 1, 1, f"`{stamp}` in the file name is not a date (YYYYMMDD)")


@register("D001", "duplicate-id", "Two proposals share one id.", scope="folder")
def duplicate_id(ctx: Context) -> Iterator[Finding]:
    if ctx.scheme.inferred:
        return  # ids shared on purpose (a design and its implementation, one issue each)
    by_id: dict[str, list[Proposal]] = {}
    for proposal in ctx.proposals:
        if proposal.id is not None:
            by_id.setdefault(proposal.id, []).append(proposal)
    # Closed without being accepted (replaced, withdrawn): its number passed to another.
    retired = {s.name for s in ctx.scheme.statuses if s.terminal} - set(ctx.scheme.accepted)
    for proposal_id, group in by_id.items():
        live = [p for p in group if p.status not in retired]
        if len(group) < 2 or (len(live) < len(group) and len(live) <= 1):
            continue  # one replaced by the other under the same number
        for proposal in group:
            others = ", ".join(p.path for p in group if p is not proposal)
            label = ctx.scheme.label(proposal_id)
            yield Finding(
                proposal.path, proposal.title_line or 1, 1, f"{label} is also used by {others}"
            )
