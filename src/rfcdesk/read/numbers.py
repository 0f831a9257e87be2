"""Which proposal numbers are taken, here and on every branch, and which one is next."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

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


def numbers_on_branches(root: Path, scheme: Scheme) -> dict[int, str]:
    """Numbers used by proposal files and index rows on every local and remote branch.

    One `git cat-file --batch` reads the folder's tree and index on every branch; outside
    a git repository the answer is empty.
    """
    located = folder_in_repo(root)
    if located is None:
        return {}
    top, prefix = located
    refs = branch_refs(root)
    index_name = scheme.index.file if scheme.index else None
    specs = [f"{ref}:{prefix}" for ref in refs]
    if index_name:
        specs += [f"{ref}:{prefix}{index_name}" for ref in refs]
    objects = read_objects(top, specs)
    used: dict[int, str] = {}
    for ref in refs:
        tree = objects.get(f"{ref}:{prefix}")
        if tree is None or tree.kind != "tree":
            continue
        for name in tree_names(tree):
            found = claimed_id(scheme, name)
            if found and found.isdigit():
                used.setdefault(int(found), f"{_short(ref)}:{prefix}{name}")
    if scheme.index and index_name:
        seen: set[bytes] = set()
        for ref in refs:
            blob = objects.get(f"{ref}:{prefix}{index_name}")
            if blob is None or blob.kind != "blob" or blob.data in seen:
                continue
            seen.add(blob.data)
            text = blob.data.decode("utf-8", "replace")
            table = parse_index(index_name, text, scheme.index)
            for row in table.rows if table else ():
                if row.id.isdigit():
                    used.setdefault(int(row.id), f"{_short(ref)}:{prefix}{index_name}:{row.line}")
    return used


def _short(ref: str) -> str:
    return re.sub(r"^refs/(heads|remotes)/", "", ref)
