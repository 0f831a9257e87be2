"""Relations between proposals (`read.relations`): references read from fields and
statuses, resolved to the folder's proposals; edges and requires cycles; real corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_files
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.relations import (
    Edge,
    Relation,
    Resolver,
    edges,
    folder_relations,
    requires_cycles,
)
from rfcdesk.scheme.load import builtin_scheme
from support import lay_out, run

PEP = """PEP: {n}
Title: Number {n}
Author: Ann Lee <ann@example.com>
Status: {status}
Type: Process
Created: 01-Jan-2024
{extra}
Abstract
========

Text.
"""


def _peps(tmp_path: Path, pages: dict[int, tuple[str, str]]) -> list[Relation]:
    files = {
        f"pep-{n:04d}.rst": PEP.format(n=n, status=status, extra=extra)
        for n, (status, extra) in pages.items()
    }
    folder = open_folder(folder_settings(write_files(tmp_path, files)), use_cache=False)
    return folder_relations(folder.scheme, folder.proposals)


def test_a_list_of_numbers_is_one_relation_each_at_its_column(tmp_path: Path) -> None:
    found = _peps(
        tmp_path,
        {1: ("Final", "Requires: 2, 3\n"), 2: ("Final", ""), 3: ("Final", "")},
    )
    assert [(r.source, r.kind, r.written, r.target, r.line, r.col) for r in found] == [
        ("pep-0001.rst", "requires", "2", "pep-0002.rst", 7, 11),
        ("pep-0001.rst", "requires", "3", "pep-0003.rst", 7, 14),
    ]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("PEP 8", ("pep-0008.rst", True)),
        ("pep-8", ("pep-0008.rst", True)),
        ("0008", ("pep-0008.rst", True)),
        ("9", (None, True)),  # a number names a PEP, here one that is missing
        ("RFC 2119", None),  # another series' number names no PEP
        ("Python 3.8", None),  # words, not a reference
        ("n/a", None),
        ("[the style guide](pep-0008.rst)", ("pep-0008.rst", False)),
        ("https://peps.python.org/pep-0008.rst", ("pep-0008.rst", False)),
        ("https://example.org/other.rst", (None, False)),
    ],
)
def test_what_an_item_names(item: str, expected: tuple[str | None, bool] | None) -> None:
    from rfcdesk.read.proposal import parse_proposal

    scheme = builtin_scheme("pep")
    peps = [
        parse_proposal(f"pep-{n:04d}.rst", PEP.format(n=n, status="Final", extra=""), scheme)
        for n in (1, 8)
    ]
    assert Resolver(scheme, peps).resolve("pep-0001.rst", item) == expected


def test_a_folder_link_and_a_repository_path_name_a_proposal_in_a_folder(
    tmp_path: Path,
) -> None:
    files = {
        "sig-a/100-first/README.md": "# KEP-100: First\n",
        "sig-a/100-first/kep.yaml": (
            "title: First\nkep-number: 100\nstatus: replaced\n"
            'superseded-by:\n  - "/keps/sig-b/200-second/"\n'
        ),
        "sig-b/200-second/README.md": "# KEP-200: Second\n",
        "sig-b/200-second/kep.yaml": (
            "title: Second\nkep-number: 200\nstatus: implementable\n"
            'replaces:\n  - "/keps/sig-a/100-first"\nsee-also:\n  - "../../sig-a/100-first"\n'
        ),
    }
    root = write_files(tmp_path, files)
    folder = open_folder(folder_settings(root, "kep"), "kep", use_cache=False)
    found = folder_relations(folder.scheme, folder.proposals)
    assert [(r.source, r.kind, r.target) for r in found] == [
        ("sig-a/100-first/README.md", "superseded-by", "sig-b/200-second/README.md"),
        ("sig-b/200-second/README.md", "replaces", "sig-a/100-first/README.md"),
        ("sig-b/200-second/README.md", "see-also", "sig-a/100-first/README.md"),
    ]
    # Stated from both sides, the replacement is one edge.
    assert edges(found) == [
        Edge("sig-b/200-second/README.md", "replaces", "sig-a/100-first/README.md"),
        Edge("sig-b/200-second/README.md", "see-also", "sig-a/100-first/README.md"),
    ]


def test_a_status_that_names_its_successor_is_a_relation(tmp_path: Path) -> None:
    files = {
        "0001-first.md": "# 1. First\n\nDate: 2024-01-01\n\n## Status\n\n"
        "Superseded by [ADR 2](0002-second.md)\n\n## Context\n\nText.\n",
        "0002-second.md": "# 2. Second\n\nDate: 2024-02-01\n\n## Status\n\nAccepted\n\n"
        "## Context\n\nText.\n",
        "0003-third.md": "# 3. Third\n\nDate: 2024-03-01\n\n## Status\n\nAccepted\n\n"
        "## Context\n\nText.\n",
    }
    root = write_files(tmp_path, files)
    folder = open_folder(folder_settings(root), use_cache=False)
    found = folder_relations(folder.scheme, folder.proposals)
    assert [(r.source, r.kind, r.written, r.target) for r in found] == [
        ("0001-first.md", "superseded-by", "[ADR 2](0002-second.md)", "0002-second.md")
    ]


def test_requires_cycles_are_each_found_once(tmp_path: Path) -> None:
    found = _peps(
        tmp_path,
        {
            1: ("Draft", "Requires: 2\n"),
            2: ("Draft", "Requires: 3\n"),
            3: ("Draft", "Requires: 1, 4\n"),
            4: ("Draft", "Requires: 5\n"),
            5: ("Draft", "Requires: 4\n"),
            6: ("Draft", "Requires: 1\n"),
        },
    )
    assert requires_cycles(found) == [
        ["pep-0001.rst", "pep-0002.rst", "pep-0003.rst"],
        ["pep-0004.rst", "pep-0005.rst"],
    ]


def test_the_pep_corpus_relations_as_the_files_state_them(corpora: Path, tmp_path: Path) -> None:
    top = tmp_path / "peps"
    lay_out("peps", top)
    folder = open_folder(folder_settings(top, quiet=True), use_cache=False)
    found = folder_relations(folder.scheme, folder.proposals)
    # PEP 443's header: `Replaces: 245, 246, 3124`; PEP 3124's: `Requires: 3107, 3115,
    # 3119`, then `Replaces: 245, 246`.
    assert [(r.kind, r.target) for r in found if r.source == "pep-0443.rst"] == [
        ("replaces", "pep-0245.rst"),
        ("replaces", "pep-0246.rst"),
        ("replaces", "pep-3124.rst"),
    ]
    assert [(r.kind, r.target) for r in found if r.source == "pep-3124.rst"] == [
        ("requires", "pep-3107.rst"),
        ("requires", "pep-3115.rst"),
        ("requires", "pep-3119.rst"),
        ("replaces", "pep-0245.rst"),
        ("replaces", "pep-0246.rst"),
    ]
    # Every number in a PEP's Requires, Replaces and Superseded-By names a PEP of the folder.
    assert [r for r in found if r.target is None] == []


def test_the_eip_corpus_has_the_cycles_its_headers_make(corpora: Path, tmp_path: Path) -> None:
    top = tmp_path / "eips"
    lay_out("eips", top)
    folder = open_folder(folder_settings(top, quiet=True), use_cache=False)
    cycles = requires_cycles(folder_relations(folder.scheme, folder.proposals))
    # eip-2780 requires 8037 and 8037 requires 2780 (and 8038, which requires 8037);
    # eip-4750 requires 5450, which requires 4750.
    assert cycles == [
        ["eip-2780.md", "eip-8037.md"],
        ["eip-4750.md", "eip-5450.md"],
        ["eip-8037.md", "eip-8038.md"],
    ]


KLIP = """# KLIP-{n}: Number {n}

**Author**: Ann Lee |
**Release Target**: 1.0 |
**Status**: {status} |
**Discussion**: #{n} |
{extra}
## Motivation and background

Text.
"""


def test_a_field_the_scheme_does_not_declare_is_read_by_its_name(tmp_path: Path) -> None:
    files = {
        "klip-1-one.md": KLIP.format(n=1, status="Merged", extra=""),
        "klip-2-two.md": KLIP.format(
            n=2,
            status="In Discussion",
            extra="**See also**: [KLIP-1](klip-1-one.md) |\n**Depends on**: KLIP-1, KLIP-9 |\n",
        ),
    }
    root = write_files(tmp_path, files)
    folder = open_folder(folder_settings(root), use_cache=False)
    assert folder.scheme.name == "klip"
    found = folder_relations(folder.scheme, folder.proposals)
    assert [(r.field, r.kind, r.written, r.target, r.declared) for r in found] == [
        ("See also", "see-also", "[KLIP-1](klip-1-one.md)", "klip-1-one.md", False),
        ("Depends on", "requires", "KLIP-1", "klip-1-one.md", False),
        ("Depends on", "requires", "KLIP-9", None, False),
    ]
    # KLIP-9 names nothing, but the KLIP process declares no such field: not reported.
    code, out = run(["check", "--select", "R", "--no-cache"], root)
    assert (code, out) == (0, "2 proposals checked: no problems found.\n")
