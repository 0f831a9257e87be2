"""Reading proposals: metadata in every style real folders use, with exact positions."""

from __future__ import annotations

import hashlib

import pytest

from rfcdesk.model import Field
from rfcdesk.read.markdown import digest
from rfcdesk.read.proposal import parse_proposal
from rfcdesk.scheme.load import builtin_scheme

KLIP = builtin_scheme("klip")
RFC = builtin_scheme("rfc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # bold key, trailing pipe, value in _..._
        (
            "# KLIP 1 - A\n\n**Status**: _Merged_ |\n",
            Field("Status", "Status", "_Merged_ |", "Merged", 3, 13),
        ),
        # colon inside the bold, no pipe
        (
            "# KLIP 1 - A\n\n**Status:** Merged\n",
            Field("Status", "Status", "Merged", "Merged", 3, 13),
        ),
        # no bold at all, key in another case
        (
            "# A\n\nrelease target: 5.4 |\n",
            Field("Release Target", "release target", "5.4 |", "5.4", 3, 17),
        ),
        # Authors is an alias of Author
        ("# A\n\n**Authors**: a, b |\n", Field("Author", "Authors", "a, b |", "a, b", 3, 14)),
        # a wrapped value spanning two lines
        ("# A\n\n**tl;dr:** _one\ntwo_\n", Field("tl;dr", "tl;dr", "_one\ntwo_", "one two", 3, 12)),
        # CRLF line endings and a BOM
        (
            "\ufeff# A\r\n\r\n**Status**: Merged |\r\n",
            Field("Status", "Status", "Merged |", "Merged", 3, 13),
        ),
        # leading spaces before the title heading
        (
            "  # KLIP-4: A\n**Status**: _Merged_ |\n",
            Field("Status", "Status", "_Merged_ |", "Merged", 2, 13),
        ),
    ],
)
def test_klip_metadata_styles(text: str, expected: Field) -> None:
    proposal = parse_proposal("klip-1-a.md", text, KLIP)
    assert proposal.fields == (expected,)


def test_rfc_bullets_front_matter_and_project_issue_field() -> None:
    text = (
        "---\ntitle: Read After Write\n---\n\n"
        "- Feature Name: raw\n- Status: in-progress\n- Start Date: 2023-04-14\n"
        "- WeSQL-Scale  Issue: #20\n\n# Summary\n\nText.\n"
    )
    proposal = parse_proposal("20230414_raw.md", text, RFC)
    assert proposal.title == "Read After Write"
    assert proposal.title_line == 2
    assert [(f.name, f.key, f.value, f.line) for f in proposal.fields] == [
        ("Feature Name", "Feature Name", "raw", 5),
        ("Status", "Status", "in-progress", 6),
        ("Start Date", "Start Date", "2023-04-14", 7),
        ("Issue", "WeSQL-Scale  Issue", "#20", 8),
    ]
    assert proposal.status == "in-progress"
    assert proposal.id == "20230414_raw"
    assert [(s.title, s.level, s.line, s.blocks) for s in proposal.sections] == [
        ("Summary", 1, 10, 1)
    ]


def test_title_number_and_status_spellings() -> None:
    text = "# KLIP 3 - Single Fields.\n\n**Status**: _Discussion_ |\n\n## Design\n\nx\n"
    proposal = parse_proposal("klip-3-single.md", text, KLIP)
    assert (proposal.id, proposal.number, proposal.title_id, proposal.title) == (
        "3",
        3,
        "3",
        "Single Fields.",
    )
    assert proposal.status == "In Discussion"


def test_not_a_status_is_not_guessed() -> None:
    text = "# KLIP 3 - A\n\n**Status**: values: Merged, keys: Design Approved |\n"
    proposal = parse_proposal("klip-3-a.md", text, KLIP)
    assert proposal.status is None
    assert proposal.fields[0].value == "values: Merged, keys: Design Approved"


def test_headings_in_code_blocks_are_not_sections_and_links_have_positions() -> None:
    text = (
        "# KLIP 2 - A\n\n## Design\n\n```\n# not a heading\n**Status**: Merged\n```\n\n"
        "See [b](klip-3-b.md) and ![c](img/c.png).\n"
    )
    proposal = parse_proposal("klip-2-a.md", text, KLIP)
    assert [s.title for s in proposal.sections] == ["Design"]
    assert proposal.fields == ()
    assert [(k.target, k.line, k.col, k.is_image) for k in proposal.links] == [
        ("klip-3-b.md", 10, 5, False),
        ("img/c.png", 10, 26, True),
    ]


def test_suppression_comment_outside_code_only() -> None:
    text = "# KLIP 2 - A\n\n<!-- rfcdesk: disable=s001, M003 -->\n\n```\n<!-- rfcdesk: disable -->\n```\n"
    proposal = parse_proposal("klip-2-a.md", text, KLIP)
    assert proposal.suppressed == frozenset({"S001", "M003"})


def test_anchors_follow_github() -> None:
    text = "# KLIP 2 - A\n\n## Rejected alternatives\n\n## What's next?\n\n## Design\n\n## Design\n"
    proposal = parse_proposal("klip-2-a.md", text, KLIP)
    assert proposal.anchors >= {"rejected-alternatives", "whats-next", "design", "design-1"}


@pytest.mark.parametrize(
    "text",
    [
        "Describe the change",
        "describe THE change",
        " Describe the change",
        "Describe the change ",
        "Describe  the change",
        "Describe\tthe\nchange",
        "Describe\u00a0the\u2028change",
        "\u3000Describe the change\r\n",
    ],
)
def test_a_paragraph_digest_folds_white_space_and_case(text: str) -> None:
    # The digest of "describe the change", taken here with hashlib alone.
    expected = hashlib.blake2b(b"describe the change", digest_size=8).digest()
    assert digest(text) == int.from_bytes(expected, "big")


def test_a_paragraph_digest_keeps_words_apart() -> None:
    assert digest("Describe the change") != digest("Describe thechange")
    assert digest("a\u00a0b") != digest("a\u00a0\u00a0b c")
