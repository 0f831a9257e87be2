"""Finding the proposal collections in a listing of paths, and telling what is no proposal."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from rfcdesk.read.locate import remembered_locate
from rfcdesk.read.proposal import is_pointer
from rfcdesk.scheme.discover import (
    discover,
    is_template,
    nearest_candidate,
    status_of_folder,
)
from support import page_klip


def test_the_proposals_are_found_below_the_top_with_the_template_and_readme_above() -> None:
    listing = [
        "README.md",
        "0000-template.md",
        "CONTRIBUTING.md",
        "docs/guide.md",
        "node_modules/pkg/0001-readme.md",
        "text/0001-first.md",
        "text/0002-second.md",
        "text/0017-third.md",
        "text/0017-third/diagram.png",
        "text/0017-third/appendix.md",
        "text/images/flow.svg",
    ]
    (found,) = discover(listing)
    assert found.folder == "text"
    assert found.documents == ("0001-first.md", "0002-second.md", "0017-third.md")
    assert found.unnamed == ()
    assert found.templates == ("../0000-template.md",)
    assert found.guides == ("../README.md",)
    assert found.set_aside == (("0017-third/appendix.md", "supporting material"),)


def test_status_and_year_folders_belong_to_one_collection() -> None:
    listing = [
        "README.md",
        "template.md",
        "accepted/2020/caching.md",
        "accepted/2021/quotas.md",
        "accepted/2021/utf8/README.md",
        "accepted/2021/utf8/validation.md",
        "proposed/retries.md",
    ]
    (found,) = discover(listing)
    assert found.folder == ""
    assert found.status_folders == {"accepted": "accepted", "proposed": "proposed"}
    assert found.documents == (
        "accepted/2020/caching.md",
        "accepted/2021/quotas.md",
        "accepted/2021/utf8/README.md",
        "accepted/2021/utf8/validation.md",
        "proposed/retries.md",
    )
    # The design's companion is judged by what it holds, once read (`infer`).
    assert found.loose == ("accepted/2021/utf8/validation.md",)


def test_topic_folders_of_proposal_folders_are_one_collection_with_a_sidecar() -> None:
    listing = [
        f"keps/sig-{sig}/{n}-{name}/{file}"
        for sig, n, name in (("a", 1, "one"), ("b", 2, "two"), ("c", 3, "three"))
        for file in ("README.md", "kep.yaml")
    ] + ["keps/README.md", "keps/sig-a/FAQ.md", "keps/NNNN-kep-template/README.md"]
    (found,) = discover(listing)
    assert found.folder == "keps"
    assert found.documents == (
        "sig-a/1-one/README.md",
        "sig-a/FAQ.md",
        "sig-b/2-two/README.md",
        "sig-c/3-three/README.md",
    )
    assert found.loose == ("sig-a/FAQ.md",)
    assert found.sidecar == "kep.yaml"


def test_two_folders_of_proposals_are_two_collections_the_larger_first() -> None:
    listing = [f"rfcs/000{n}-r.md" for n in range(1, 5)] + [
        f"docs/adr/000{n}-a.md" for n in range(1, 4)
    ]
    assert [(c.folder, len(c.documents)) for c in discover(listing)] == [
        ("rfcs", 4),
        ("docs/adr", 3),
    ]


def test_a_lone_numbered_file_is_no_collection() -> None:
    assert discover(["notes/0001-idea.md", "notes/0002-other.md", "README.md"]) == []


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("0000-template.md", True),
        ("RFC-0000-template.md", True),
        ("adr-template-bare-minimal.md", True),
        ("TEMPLATE.md", True),
        ("0500-package-manager-templates.md", False),
        ("0016-remove-inline-templates.md", False),
        ("templating.md", False),
    ],
)
def test_a_template_is_named_so(path: str, template: bool) -> None:
    assert is_template(path) is template


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("accepted", "accepted"),
        ("active-rfcs", "active"),
        ("Proposed", "proposed"),
        ("archived_proposals", "archived"),
        ("text", None),
        ("2021", None),
    ],
)
def test_a_status_folder_says_its_status(name: str, status: str | None) -> None:
    assert status_of_folder(name) == status


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("Moved to [2071-existential.md](2071-existential.md).\n", True),
        ("541-external-credential-providers/README.md\n", True),
        ("Moved to [golang.org/design/25530-sumdb](https://golang.org/design/25530-sumdb).", True),
        ("- Feature Name: cache\n- Status: obsolete\n- Superseded By: [x](x.md)\n", False),
        ("# Tiny\n\nSee [x](x.md).\n", False),
        ("A short proposal with no link at all.\n", False),
    ],
)
def test_a_pointer_only_points_elsewhere(text: str, pointer: bool) -> None:
    assert is_pointer(text) is pointer


def test_where_no_collection_is_the_nearest_candidate_is_named() -> None:
    listing = ["README.md", "docs/guide.md", "docs/faq.md", "notes/idea.md"]
    assert nearest_candidate(listing) == (
        "the nearest candidate is docs/ (2 documents, not named with ids like `0042-slug.md`, "
        "nor in status folders like `accepted/`)"
    )
    assert nearest_candidate(["main.py"]) == "it holds no Markdown or reStructuredText documents"


def test_numbered_folders_of_proposals_are_collections_not_one_proposal_each() -> None:
    listing = [f"data/{size}/klip-{n}-x.md" for size in (100, 1000) for n in range(1, 4)] + [
        "data/100/README.md",
        "data/1000/README.md",
    ]
    assert [(c.folder, c.documents) for c in discover(listing)] == [
        ("data/100", ("klip-1-x.md", "klip-2-x.md", "klip-3-x.md")),
        ("data/1000", ("klip-1-x.md", "klip-2-x.md", "klip-3-x.md")),
    ]


def test_what_was_found_is_remembered_until_a_file_it_read_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RFCDESK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "klips"
    folder.mkdir()

    def write(texts: dict[str, str], age: int) -> None:
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
            os.utime(folder / name, (time.time() - age, time.time() - age))

    plain = {f"klip-{n}-topic.md": f"# Topic {n}\n\nWords about it.\n" for n in range(1, 7)}
    write(plain, age=3600)
    first = remembered_locate(folder)
    assert first is not None and isinstance(first.scheme, dict)  # no KLIP fields: inferred
    assert len(list((tmp_path / "cache").glob("*.locate.pickle"))) == 1
    assert remembered_locate(folder) == first
    # The same names, now written as KLIPs: the files read have changed, so it looks again.
    klips = {name: page_klip(n, "Topic", "Proposal", "Words.") for n, name in enumerate(plain, 1)}
    write(klips, age=1800)
    again = remembered_locate(folder)
    assert again is not None and again.scheme == "klip"
