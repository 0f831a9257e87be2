"""`rfcdesk renumber ID NEW_ID`: give a proposal another number, and every reference with it.

The fix for two branches that both took the same number: the file is renamed, its title
rewritten, links to it and `KLIP-N` mentions of it in other proposals and in the index
follow. When another proposal still has the old number, a bare `KLIP-N` could mean
either; those mentions are listed, not rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edit.index import regenerate, set_next_number
from rfcdesk.edit.text import Text, heading_text_span, line_span
from rfcdesk.edit.writer import FileChange, folder_lock, read_for_edit, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.model import Proposal, local_target
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.numbers import numbers_in_folder, numbers_on_branches
from rfcdesk.read.proposal import parse_proposal
from rfcdesk.scheme.model import Scheme


class Mention(NamedTuple):
    path: str
    line: int
    text: str


def mention_regex(scheme: Scheme, number: str) -> re.Pattern[str]:
    """`KLIP-12`, `KLIP 12`, `klip_12` for one number; group `id` holds the digits."""
    assert scheme.index is not None
    pattern = scheme.index.row_id_pattern.replace(r"(?P<id>\d+)", rf"(?P<id>0*{number})(?![\w-])")
    return re.compile(rf"(?<![\w/.-]){pattern}", re.I)


def file_regex(name: str) -> re.Pattern[str]:
    """A file name where it stands alone (in a link target, a path), not inside a longer one."""
    return re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])")


def rewrite(
    text: str, old_name: str, new_name: str, mentions: re.Pattern[str] | None, new: str
) -> str:
    """Links to the old file name, and (when unambiguous) mentions of the old number."""
    text = file_regex(old_name).sub(new_name, text)
    if mentions is not None:
        text = mentions.sub(lambda m: m[0][: m.start("id") - m.start()] + new, text)
    return text


class Options(NamedTuple):
    wanted: str
    new_id: str
    path: Path = Path(".")
    scheme: str | None = None
    dry_run: bool = False


def run(options: Options, out: TextIO) -> int:
    """Give a proposal a new number: file, title, links and mentions follow."""
    wanted, new_id, dry_run, scheme = (
        options.wanted,
        options.new_id,
        options.dry_run,
        options.scheme,
    )
    config = folder_settings(options.path, options.scheme)
    with folder_lock(config.folder):
        folder = open_folder(config, scheme)
        proposal = folder.find(wanted)
        changes, left = plan_renumber(folder, proposal, new_id)
        write_or_show(changes, folder.root, dry_run, out)
    label = folder.scheme.label
    assert proposal.id is not None
    verb = "would renumber" if dry_run else "renumbered"
    print(f"{verb} {label(proposal.id)} -> {label(str(int(new_id)))}", file=out)
    for mention in left:
        print(
            f"{mention.path}:{mention.line}: left as written, {label(proposal.id)} is also "
            f"another proposal: {mention.text.strip()}",
            file=out,
        )
    return EXIT_OK


def plan_renumber(
    folder: Folder, proposal: Proposal, new_id: str
) -> tuple[list[FileChange], list[Mention]]:
    scheme = folder.scheme
    if scheme.id_kind != "number" or scheme.index is None:
        raise FatalError(f"the {scheme.name} scheme does not number its proposals")
    if not new_id.isdigit() or int(new_id) == 0:
        raise FatalError(f"`{new_id}` is not a proposal number")
    new = str(int(new_id))
    old = proposal.id
    match = scheme.file_regex.match(proposal.path)
    if old is None or match is None:
        raise FatalError(f"{proposal.path}: the file name carries no number to change")
    if new == old:
        raise FatalError(f"{proposal.path} is {scheme.label(old)} already")
    _ensure_free(folder, proposal, int(new))
    new_name = scheme.file_name(new, match["slug"])
    shared = any(p.id == old and p.path != proposal.path for p in folder.proposals)
    mentions = None if shared else mention_regex(scheme, old)
    changes: list[FileChange] = []
    left: list[Mention] = []
    for other in folder.proposals:
        if other.load_error is not None and other.path != proposal.path:
            continue  # not a text document: nothing in it can be rewritten
        full = folder.root / other.path
        before, doc = read_for_edit(full)
        own = other.path == proposal.path
        regex = mention_regex(scheme, old) if own or not shared else None
        text = rewrite(doc.body, proposal.path, new_name, regex, new)
        if own:
            text = _retitle(text, proposal, scheme, new)
            _verify(new_name, text, scheme, new, proposal)
            after = Text(doc.bom, text).encode()
            changes.append(FileChange(folder.root / new_name, before, after, source=full))
            continue
        if shared:
            left += _mentions(other.path, text, mention_regex(scheme, old))
        if text != doc.body:
            changes.append(FileChange(full, before, Text(doc.bom, text).encode()))
    index_change = _index_change(folder, proposal, new_name, new, mentions)
    if index_change is not None:
        changes.append(index_change)
    return changes, left


def _ensure_free(folder: Folder, proposal: Proposal, number: int) -> None:
    others = [p for p in folder.proposals if p.path != proposal.path]
    used = numbers_in_folder(others, None)
    table = folder.index_table
    if table is not None:
        for row in table.rows:
            if row.id.isdigit() and row.id != proposal.id:
                used.setdefault(int(row.id), f"{table.path}:{row.line}")
    for found, where in numbers_on_branches(folder.root, folder.scheme).items():
        used.setdefault(found, where)
    if number in used:
        raise FatalError(
            f"{folder.scheme.label(str(number))} is taken ({used[number]}); "
            f"`rfcdesk new --dry-run` shows the next free number"
        )


def _retitle(text: str, proposal: Proposal, scheme: Scheme, new: str) -> str:
    """The title heading with the new number, when the title carries one."""
    if not proposal.title_line or proposal.title_id is None or scheme.title_regex is None:
        return text
    span = heading_text_span(text, proposal.title_line)
    # Matched on a slice: the pattern's `^` would not match at a `pos` inside the text.
    found = scheme.title_regex.match(text[span[0] : span[1]]) if span else None
    if span is None or found is None or found["id"] is None:
        return text
    at = span[0] + found.start("id")
    return text[:at] + new + text[at + len(found["id"]) :]


def _verify(name: str, text: str, scheme: Scheme, new: str, old: Proposal) -> None:
    moved = parse_proposal(name, text, scheme)
    if moved.id != new or (old.title_id is not None and moved.title_id != new):
        raise FatalError(
            f"{name}: the renumbered document would not carry {scheme.label(new)}; nothing "
            "was written. Please report this as a bug"
        )


def _mentions(path: str, text: str, regex: re.Pattern[str]) -> list[Mention]:
    found = []
    for match in regex.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(Mention(path, line, text[slice(*line_span(text, line))]))
    return found


def _index_change(
    folder: Folder,
    proposal: Proposal,
    new_name: str,
    new: str,
    mentions: re.Pattern[str] | None,
) -> FileChange | None:
    scheme = folder.scheme
    assert scheme.index is not None and proposal.id is not None
    path = folder.root / scheme.index.file
    if not path.is_file():
        return None
    before, doc = read_for_edit(path)
    text = file_regex(proposal.path).sub(new_name, doc.body)
    own_rows = _own_rows(folder, proposal)
    regex = mention_regex(scheme, proposal.id)
    for line in own_rows:
        start, end = line_span(text, line)
        row = regex.sub(lambda m: m[0][: m.start("id") - m.start()] + new, text[start:end])
        text = text[:start] + row + text[end:]
    if mentions is not None:
        text = rewrite(text, proposal.path, new_name, mentions, new)
    table = folder.index_table
    if table is not None and table.markers:
        renamed = [
            p._replace(path=new_name, id=new) if p.path == proposal.path else p
            for p in folder.proposals
        ]
        exists = folder.exists  # the renamed file is not on disk yet

        def present(path: str) -> bool:
            return path == new_name or exists(path)

        text = regenerate(text, scheme, renamed, present, table)
    if table is not None and table.next_number and table.next_number.number <= int(new):
        text = set_next_number(text, scheme, int(new) + 1)
    return None if text == doc.body else FileChange(path, before, Text(doc.bom, text).encode())


def _links_to(links: Sequence[str], index_path: str, path: str) -> bool:
    return any((found := local_target(index_path, link)) and found[0] == path for link in links)


def _own_rows(folder: Folder, proposal: Proposal) -> Sequence[int]:
    """Lines of the index rows that belong to this proposal's file."""
    table = folder.index_table
    if table is None:
        return ()
    rows = [r for r in table.rows if r.id == proposal.id]
    linked = [r.line for r in rows if _links_to(r.links, table.path, proposal.path)]
    if linked:
        return linked
    shared = any(p.id == proposal.id and p.path != proposal.path for p in folder.proposals)
    return () if shared else [r.line for r in rows]
