"""Which proposal numbers are taken, here and on every branch, and which one is next."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from rfcdesk.edge.git import branch_refs, folder_in_repo, read_objects, tree_names
from rfcdesk.model import Proposal
from rfcdesk.read.index import IndexTable, parse_index
from rfcdesk.scheme.model import Scheme


def numbers_in_folder(proposals: Iterable[Proposal], table: IndexTable | None) -> dict[int, str]:
    """Every number the folder uses (file names, titles, index rows) and where, first seen."""
    used: dict[int, str] = {}
    for proposal in proposals:
        for found in (proposal.id, proposal.title_id):
            if found and found.isdigit():
                used.setdefault(int(found), proposal.path)
    if table is not None:
        for row in table.rows:
            if row.id.isdigit():
                used.setdefault(int(row.id), f"{table.path}:{row.line}")
    return used


def next_free(used: dict[int, str], next_line: int | None) -> int:
    """One above every number in use, and never below what the index says is next."""
    highest = max(used, default=0)
    return max(highest + 1, next_line or 1)


def claimed_id(scheme: Scheme, name: str) -> str | None:
    """The id a file name on some branch claims, read with the scheme's file pattern.

    A name holding a line break ("klip-7-a\\nb.md") claims its id too: the pattern's `.`
    stops at line breaks, and a number missed here is a number handed out twice.
    """
    if scheme.id_kind == "field":
        return None
    match = re.compile(scheme.file_pattern, re.DOTALL).match(name)
    if not match:
        return None
    found = match["id"]
    return str(int(found)) if scheme.id_kind == "number" else found


class RefFolder(NamedTuple):
    """The proposal folder as a git ref has it: its file names and its index text."""

    ref: str
    prefix: str  # the folder's path in the repository, with a trailing "/" (or "")
    names: tuple[str, ...]  # None of the ref's folder: empty
    index_text: str | None


def folders_on_refs(root: Path, scheme: Scheme, refs: Sequence[str]) -> list[RefFolder]:
    """The folder on each ref, read by one `git cat-file --batch`; [] outside git."""
    located = folder_in_repo(root)
    if located is None:
        return []
    top, prefix = located
    index_name = scheme.index.file if scheme.index else None
    specs = [f"{ref}:{prefix}" for ref in refs]
    if index_name:
        specs += [f"{ref}:{prefix}{index_name}" for ref in refs]
    objects = read_objects(top, specs)
    found = []
    for ref in refs:
        tree = objects.get(f"{ref}:{prefix}")
        names = tuple(tree_names(tree)) if tree is not None and tree.kind == "tree" else ()
        blob = objects.get(f"{ref}:{prefix}{index_name}") if index_name else None
        text = blob.data.decode("utf-8", "replace") if blob and blob.kind == "blob" else None
        found.append(RefFolder(ref, prefix, names, text))
    return found


def numbers_on_branches(root: Path, scheme: Scheme) -> dict[int, str]:
    """Numbers used by proposal files and index rows on every local and remote branch."""
    folders = folders_on_refs(root, scheme, branch_refs(root)) if folder_in_repo(root) else []
    used: dict[int, str] = {}
    for folder in folders:
        for name in folder.names:
            found = claimed_id(scheme, name)
            if found and found.isdigit():
                used.setdefault(int(found), f"{_short(folder.ref)}:{folder.prefix}{name}")
    seen: set[str] = set()
    for folder in folders:
        if scheme.index is None or folder.index_text is None or folder.index_text in seen:
            continue
        seen.add(folder.index_text)
        table = parse_index(scheme.index.file, folder.index_text, scheme.index)
        where = f"{_short(folder.ref)}:{folder.prefix}{scheme.index.file}"
        for row in table.rows if table else ():
            if row.id.isdigit():
                used.setdefault(int(row.id), f"{where}:{row.line}")
    return used


def numbers_in_use(
    root: Path, scheme: Scheme, proposals: Iterable[Proposal], table: IndexTable | None
) -> dict[int, str]:
    """Every number taken: in the folder (names, titles, index rows), then on every branch."""
    used = numbers_in_folder(proposals, table)
    for number, where in numbers_on_branches(root, scheme).items():
        used.setdefault(number, where)
    return used


def _short(ref: str) -> str:
    return re.sub(r"^refs/(heads|remotes)/", "", ref)
