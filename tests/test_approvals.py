"""Approvals and review periods, on real git repositories: `approve` records one in the
document, `status` holds a move until the quorum or the period allows it, `check` reports a
gated status without its quorum, and history, the export and the page show them."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from rfcdesk.commands import approve, status
from rfcdesk.errors import FatalError
from rfcdesk.read.roster import codeowners, maintainers
from support import git, repo_with, run

DAY = dt.date(2026, 11, 20)


def _approve(folder: Path, wanted: str, by: str, day: dt.date = DAY) -> str:
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(folder)  # paths are shown relative to where the command runs
    try:
        assert approve.run(approve.Options(wanted, by, folder, today=day), out) == 0
    finally:
        os.chdir(old)
    return out.getvalue()


@pytest.fixture
def klips(tmp_path: Path) -> Path:
    return repo_with(tmp_path, "klip")


def test_one_approval_is_not_enough_for_design_approved_and_two_are(klips: Path) -> None:
    before = (klips / "klip-4-pause-queries.md").read_bytes()
    assert _approve(klips, "KLIP-4", "Bo Chen") == (
        "KLIP-4: approved by Bo Chen (klip-4-pause-queries.md)\n"
        "  `Design Approved` needs 1 more approval (1 of 2: Bo Chen)\n"
    )
    after = (klips / "klip-4-pause-queries.md").read_bytes()
    # One line added after the last field, in its style; nothing else changed.
    tldr = b"**tl;dr:** _Pause a persistent query without losing its state, and resume it later._\n"
    assert after == before.replace(tldr, tldr + b"**Approved By:** _Bo Chen (2026-11-20)_\n")

    code, out = run(["status", "KLIP-4", "Design Approved"], klips)
    assert (code, out) == (
        2,
        "rfcdesk: KLIP-4 cannot move to `Design Approved`: needs 1 more approval "
        "(1 of 2: Bo Chen) (pass --force to move anyway)\n",
    )
    assert (klips / "klip-4-pause-queries.md").read_bytes() == after

    assert _approve(klips, "4", "@cy") == (
        "KLIP-4: approved by @cy (klip-4-pause-queries.md)\n"
        "  `Design Approved` has the 2 approvals it needs\n"
    )
    code, out = run(["status", "KLIP-4", "Design Approved"], klips)
    assert (code, out) == (
        0,
        "KLIP-4: Proposal -> Design Approved (klip-4-pause-queries.md, README.md)\n",
    )


def test_an_author_cannot_approve_and_nobody_approves_twice(klips: Path) -> None:
    code, out = run(["approve", "KLIP-4", "--by", "Dara Okafor"], klips)
    assert (code, out) == (
        2,
        "rfcdesk: Dara Okafor is an author of klip-4-pause-queries.md: an author's approval "
        "does not count\n",
    )
    _approve(klips, "KLIP-4", "Bo Chen")
    code, out = run(["approve", "KLIP-4", "--by", "bo chen"], klips)
    assert (code, out) == (
        2,
        "rfcdesk: Bo Chen approved klip-4-pause-queries.md already on 2026-11-20\n",
    )


def test_force_moves_anyway_and_says_what_was_missing(klips: Path) -> None:
    _approve(klips, "KLIP-4", "Bo Chen")
    code, out = run(["status", "KLIP-4", "Design Approved", "--force"], klips)
    # (the runner shows standard output before standard error)
    assert (code, out) == (
        0,
        "KLIP-4: Proposal -> Design Approved (klip-4-pause-queries.md, README.md)\n"
        "forced: needs 1 more approval (1 of 2: Bo Chen)\n",
    )
    # check now reports the gated statuses without their quorum, at the status value:
    # KLIP-4, and KLIP-2, Design Approved (not final) with none now that the folder records
    # approvals; KLIP-1 was merged before it did.
    code, out = run(["check", "--select", "M014", "--no-cache"], klips)
    assert (code, out) == (
        1,
        "klip-2-schema-cache.md:5:13: M014 `Design Approved` needs 2 more approvals (0 of 2) "
        "[missing-approvals]\n"
        "klip-4-pause-queries.md:5:13: M014 `Design Approved` needs 1 more approval "
        "(1 of 2: Bo Chen) [missing-approvals]\n"
        "4 proposals checked: 2 errors, 0 warnings.\n",
    )


def test_a_folder_that_records_no_approvals_is_not_held_to_them(klips: Path) -> None:
    # The example KLIPs record none: they approve in their pull requests.
    code, out = run(["status", "KLIP-4", "Design Approved"], klips)
    assert code == 0
    code, out = run(["check", "--select", "M014", "--no-cache"], klips)
    assert (code, out) == (0, "4 proposals checked: no problems found.\n")


def test_who_counts_comes_from_maintainers(klips: Path) -> None:
    top = klips.parent
    (top / "MAINTAINERS").write_text(
        "# Maintainers\n\n- Bo Chen <bo@example.org> (@bochen)\n- Cy Diaz (@cydiaz)\n"
        "- Eve Park (@evep)\n",
        "utf-8",
    )
    _approve(klips, "KLIP-4", "@bochen")
    _approve(klips, "KLIP-4", "Zed Noone")
    code, out = run(["status", "KLIP-4", "Design Approved"], klips)
    assert (code, out) == (
        2,
        "rfcdesk: KLIP-4 cannot move to `Design Approved`: needs 1 more approval from: "
        "Cy Diaz (@cydiaz), Eve Park (@evep) (1 of 2: @bochen); Zed Noone does not count: "
        "not listed in MAINTAINERS (pass --force to move anyway)\n",
    )


def test_who_counts_and_the_quorum_from_the_settings(klips: Path) -> None:
    (klips / "rfcdesk.toml").write_text(
        'approvers = ["ann", "bo", "cy", "dee"]\n\n'
        '[approvals]\nshare = 0.75\nstatuses = ["approved"]\n',
        "utf-8",
    )
    _approve(klips, "KLIP-4", "@ann")
    _approve(klips, "KLIP-4", "bo")
    code, out = run(["status", "KLIP-4", "Design Approved"], klips)
    # Three quarters of four people: three approvals; `approved` is a spelling of the status.
    assert (code, out) == (
        2,
        "rfcdesk: KLIP-4 cannot move to `Design Approved`: needs 1 more approval from: cy, dee "
        "(2 of 3: @ann, bo) (pass --force to move anyway)\n",
    )


def test_a_bad_approvals_setting_names_the_file_and_line(klips: Path) -> None:
    (klips / "rfcdesk.toml").write_text('[approvals]\nquorum = 2\nstatuses = ["Sealed"]\n', "utf-8")
    code, out = run(["check"], klips)
    assert (code, out) == (
        2,
        f"rfcdesk: {klips / 'rfcdesk.toml'}:3: approvals.statuses[0]: names 'Sealed', which is "
        "not a klip status (Design Approved, In Development, In Discussion, Merged, Proposal, "
        "Rejected, Withdrawn)\n",
    )


def test_approvals_show_in_history_the_export_and_the_page(klips: Path) -> None:
    _approve(klips, "KLIP-4", "Bo Chen")
    git(klips, "commit", "-qam", "Bo approves KLIP-4")
    _approve(klips, "KLIP-4", "Cy Diaz", dt.date(2026, 11, 21))  # not committed yet

    code, out = run(["history", "KLIP-4", "--format", "json"], klips)
    approvals = [(e["event"], e["to"], e["subject"]) for e in json.loads(out)]
    assert approvals[-2:] == [
        ("approved", "Bo Chen", "Bo approves KLIP-4"),
        ("approved", "Cy Diaz", None),
    ]

    code, out = run(["export", "--format", "json"], klips)
    record = next(p for p in json.loads(out)["proposals"] if p["id"] == "KLIP-4")
    assert record["approvals"] == {
        "for": "Design Approved",
        "needed": 2,
        "counted": [
            {"name": "Bo Chen", "date": "2026-11-20"},
            {"name": "Cy Diaz", "date": "2026-11-21"},
        ],
        "not_counted": [],
        "missing": 0,
        "awaiting": [],
        "who_counts": None,
    }
    klip2 = next(p for p in json.loads(out)["proposals"] if p["id"] == "KLIP-2")
    assert (klip2["approvals"]["missing"], klip2["approvals"]["counted"]) == (2, [])

    code, _ = run(["build", "-o", str(klips.parent / "site")], klips)
    assert code == 0
    page = (klips.parent / "site" / "p" / "klip-2-schema-cache.html").read_text("utf-8")
    assert (
        '<dt>Approvals</dt><dd class="approvals">0 of 2 for Design Approved<br>'
        '<span class="awaiting">awaiting 2 more</span></dd>'
    ) in page


@pytest.fixture
def rfcs(tmp_path: Path) -> Path:
    return repo_with(tmp_path, "rfc")


DRAFT = """- Feature Name: shard_moves
- Status: draft
- Start Date: 2026-11-20
- Authors: Ann Lee
- RFC PR: #90
- Issue: #91

# Summary

Move shards between nodes without downtime.
"""


def test_a_review_period_not_over_is_refused_then_allowed(
    rfcs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(rfcs)
    (rfcs / "20261120_shard_moves.md").write_text(DRAFT, "utf-8")
    git(rfcs, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-20T09:00:00+00:00"}
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Ann Lee",
            "-c",
            "user.email=ann@example.org",
            "commit",
            "-qm",
            "draft",
        ],
        cwd=rfcs,
        env=env,
        check=True,
    )

    def move(now: dt.datetime) -> tuple[int, str]:
        out = io.StringIO()
        options = status.Options("20261120_shard_moves", "in-progress", rfcs, now=now)
        try:
            return status.run(options, out), out.getvalue()
        except FatalError as exc:  # what the CLI prints after "rfcdesk: "
            return exc.exit_code, str(exc)

    assert move(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)) == (
        2,
        "20261120_shard_moves cannot move to `in-progress`: in `draft` since 2026-11-20, "
        "3 of 7 days (pass --force to move anyway)",
    )
    assert (rfcs / "20261120_shard_moves.md").read_text("utf-8") == DRAFT
    assert move(dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)) == (
        0,
        "20261120_shard_moves: draft -> in-progress (20261120_shard_moves.md)\n",
    )
    assert "- Status: in-progress\n" in (rfcs / "20261120_shard_moves.md").read_text("utf-8")


def test_maintainers_lists_people_by_handle_or_e_mail() -> None:
    text = (
        "# Maintainers\n\nThese people review proposals.\n\n"
        "- Ann Lee <ann@example.org>\n* @bo\n| Cy Diaz | @cydiaz |\nM: Dee Fox <dee@example.org>\n"
    )
    assert [p.name for p in maintainers(text)] == [
        "Ann Lee <ann@example.org>",
        "@bo",
        "Cy Diaz @cydiaz",
        "Dee Fox <dee@example.org>",
    ]
    ann = maintainers(text)[0]
    assert ann.keys == {"ann lee", "ann@example.org"}


def test_the_last_codeowners_rule_for_the_folder_gives_its_owners() -> None:
    text = (
        "* @everyone\n"
        "/design/ @ann @org/architects  # the proposals\n"
        "/design/drafts/ @bo\n"
        "*.js @frontend\n"
    )
    assert codeowners(text, "design") == ["@ann", "@org/architects"]
    assert codeowners(text, "design/drafts") == ["@bo"]
    assert codeowners(text, "docs") == ["@everyone"]


def test_the_page_shows_who_is_awaited_once_maintainers_are_listed(klips: Path) -> None:
    _approve(klips, "KLIP-4", "Bo Chen")
    site = klips.parent / "site"
    assert run(["build", "-o", str(site)], klips)[0] == 0
    page = site / "p" / "klip-4-pause-queries.html"
    assert '<span class="awaiting">awaiting 1 more</span>' in page.read_text("utf-8")
    # Nothing in the proposal changed; who counts did: the page is made again.
    (klips.parent / "MAINTAINERS").write_text("- Bo Chen (@bochen)\n- Cy Diaz (@cydiaz)\n", "utf-8")
    assert run(["build", "-o", str(site)], klips)[0] == 0
    assert (
        '<span class="awaiting">awaiting 1 more from: Cy Diaz (@cydiaz)</span>'
        in page.read_text("utf-8")
    )


def test_an_approvals_field_that_names_nobody_yet_records_nothing(klips: Path) -> None:
    # A template's "TBD" is no approver, and a folder whose fields all say so records none.
    page = klips / "klip-4-pause-queries.md"
    page.write_text(
        page.read_text("utf-8").replace(
            "**Discussion**: https://example.org/tracker/pull/131",
            "**Discussion**: https://example.org/tracker/pull/131 |\n**Approved By**: TBD",
        ),
        "utf-8",
    )
    code, out = run(["check", "--select", "M014", "--no-cache"], klips)
    assert (code, out) == (0, "4 proposals checked: no problems found.\n")
    assert _approve(klips, "KLIP-4", "Bo Chen") == (
        "KLIP-4: approved by Bo Chen (klip-4-pause-queries.md)\n"
        "  `Design Approved` needs 1 more approval (1 of 2: Bo Chen)\n"
    )
    assert "**Approved By**: Bo Chen (2026-11-20)\n" in page.read_text("utf-8")
