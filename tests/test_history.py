"""History from git: real histories (ksqlDB, WeSQL-Scale) and repositories built here."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CORPORA, write_files
from rfcdesk.history import gitlog
from rfcdesk.history.load import FolderHistory, load_history
from rfcdesk.history.timeline import Timeline
from rfcdesk.read.folder import open_folder
from rfcdesk.read.numbers import numbers_on_branches
from rfcdesk.read.settings import load_config
from support import EXAMPLES, Repo, clone, events, git, history_of, repo_with, run, short_klip


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


# --- repositories built in the test ----------------------------------------------------------


def test_status_back_and_forth_and_a_rename(repo: Repo) -> None:
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "In Discussion")}, "discuss")
    repo.commit(
        {"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "back", author="Bo Li"
    )
    # A spelling of the same status is no change.
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "_proposed_")}, "restyle")
    repo.move("klips/klip-1-joins.md", "klips/klip-1-stream-joins.md", "rename")
    repo.commit(
        {"klips/klip-1-stream-joins.md": short_klip(1, "Stream Joins", "Discussion")}, "retitle"
    )
    history = history_of(repo.top / "klips")
    timeline = history.timeline("klip-1-stream-joins.md")
    assert events(timeline) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("status", "2024-01-02", "Proposal", "In Discussion"),
        ("status", "2024-01-03", "In Discussion", "Proposal"),
        ("renamed", "2024-01-05", "klips/klip-1-joins.md", "klips/klip-1-stream-joins.md"),
        ("status", "2024-01-06", "Proposal", "In Discussion"),
        ("title", "2024-01-06", "Joins", "Stream Joins"),
    ]
    assert timeline is not None
    assert [e.author for e in timeline.events][:3] == ["Ada Lovelace", "Ada Lovelace", "Bo Li"]
    assert (timeline.created, timeline.updated, timeline.status_since()) == (
        "2024-01-01T12:00:00+00:00",
        "2024-01-06T12:00:00+00:00",
        "2024-01-06T12:00:00+00:00",
    )


def test_deleted_and_added_again_is_one_proposal(repo: Repo) -> None:
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")
    repo.commit({"klips/klip-1-joins.md": None}, "revert")
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "In Discussion")}, "again")
    repo.commit({"klips/klip-2-gone.md": short_klip(2, "Gone", "Proposal")}, "KLIP-2")
    repo.commit({"klips/klip-2-gone.md": None}, "drop KLIP-2")
    history = history_of(repo.top / "klips")
    assert events(history.timeline("klip-1-joins.md")) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("deleted", "2024-01-02", "klips/klip-1-joins.md", None),
        ("restored", "2024-01-03", None, "In Discussion"),
    ]
    assert list(history.timelines) == ["klip-1-joins.md"]
    assert [(t.path, t.alive) for t in history.departed] == [("klips/klip-2-gone.md", False)]
    code, out = run(["history", "klip-2", "klips"], repo.top)
    assert (code, out) == (
        0,
        "klip-2-gone.md (no longer in the folder)\n"
        "  created 2024-01-04, updated 2024-01-05, Proposal since 2024-01-04, deleted\n"
        f"  2024-01-04   {repo.git('rev-parse', 'HEAD~')[:8]}  Ada Lovelace          created as klip-2-gone.md, status Proposal\n"
        f"  2024-01-05   {repo.git('rev-parse', 'HEAD')[:8]}  Ada Lovelace          deleted (klip-2-gone.md)\n",
    )


def test_rewritten_while_renamed_is_still_a_rename(repo: Repo) -> None:
    # Git sees a deletion and an addition (nothing alike); the number says it is one KLIP.
    repo.commit({"klips/klip-3-idea.md": "# KLIP 3 - Idea\n\nWIP\n"}, "reserve KLIP-3")
    repo.commit(
        {
            "klips/klip-3-idea.md": None,
            "klips/klip-3-real-name.md": short_klip(3, "Real", "Proposal"),
        },
        "write KLIP-3",
    )
    history = history_of(repo.top / "klips")
    assert events(history.timeline("klip-3-real-name.md")) == [
        ("created", "2024-01-01", None, None),
        ("renamed", "2024-01-02", "klips/klip-3-idea.md", "klips/klip-3-real-name.md"),
        ("status", "2024-01-02", None, "Proposal"),
        ("title", "2024-01-02", "Idea", "Real"),
    ]
    assert history.departed == ()


def test_merge_commits_credit_the_branch_author(repo: Repo) -> None:
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")
    repo.git("checkout", "-q", "-b", "approve")
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Design Approved")}, "ok", "Bo Li")
    repo.git("checkout", "-q", "main")
    repo.commit({"klips/klip-2-cache.md": short_klip(2, "Cache", "Proposal")}, "KLIP-2")
    repo.git("merge", "-q", "--no-ff", "-m", "merge approve", "approve", author="Cy Merge")
    history = history_of(repo.top / "klips")
    timeline = history.timeline("klip-1-joins.md")
    assert events(timeline) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("status", "2024-01-02", "Proposal", "Design Approved"),
    ]
    assert timeline is not None
    assert timeline.events[1].author == "Bo Li"
    assert events(history.timeline("klip-2-cache.md")) == [
        ("created", "2024-01-03", None, "Proposal")
    ]


def test_folder_moves_are_followed(repo: Repo) -> None:
    repo.commit({"docs/old/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")
    repo.move("docs/old", "design", "move the folder")
    repo.commit({"design/klip-1-joins.md": short_klip(1, "Joins", "Merged")}, "merged")
    repo.move("design", "proposals", "move it again")
    history = history_of(repo.top / "proposals")
    assert events(history.timeline("klip-1-joins.md")) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("moved", "2024-01-02", "docs/old/klip-1-joins.md", "design/klip-1-joins.md"),
        ("status", "2024-01-03", "Proposal", "Merged"),
        ("moved", "2024-01-04", "design/klip-1-joins.md", "proposals/klip-1-joins.md"),
    ]


def test_uncommitted_and_untracked_files_say_so(repo: Repo) -> None:
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")
    write_files(
        repo.top / "klips",
        {
            "klip-1-joins.md": short_klip(1, "Joins", "In Discussion"),
            "klip-2-new.md": short_klip(2, "New", "Proposal"),
        },
    )
    history = history_of(repo.top / "klips")
    assert events(history.timeline("klip-1-joins.md")) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("status", "", "Proposal", "In Discussion"),
    ]
    timeline = history.timeline("klip-2-new.md")
    assert events(timeline) == [("created", "", None, "Proposal")]
    assert timeline is not None and timeline.created is None
    assert history.uncommitted == {"klip-1-joins.md", "klip-2-new.md"}
    code, out = run(["list", "klips"], repo.top)
    assert code == 0
    assert out.splitlines()[2:4] == [
        "KLIP-1  Joins  In Discussion  Ada      2024-01-01   uncommitted",
        "KLIP-2  New    Proposal       Ada      uncommitted  uncommitted",
    ]


def test_outside_git_the_commands_say_what_they_cannot_know(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "klips", {"klip-1-joins.md": short_klip(1, "Joins", "Proposal")}
    )
    code, out = run(["history", "1"], folder)
    assert (code, out) == (
        0,
        "KLIP-1: Joins\n  no history: " + str(folder) + " is not in a git repository\n",
    )
    code, out = run(["list", "--format", "json"], folder)
    record = json.loads(out.split("\nrfcdesk: ")[0])[0]
    assert (record["created"], record["updated"], record["status_since"]) == (None, None, None)
    code, out = run(["stats"], folder)
    assert (code, out) == (
        0,
        "Proposals by status (1)\n"
        "  Status    Count\n"
        "  Proposal      1\n"
        f"rfcdesk: only counts by status: {folder} is not in a git repository\n",
    )


def test_history_command_output(repo: Repo) -> None:
    first = repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")
    second = repo.commit(
        {"klips/klip-1-joins.md": short_klip(1, "Joins", "Merged")}, "done", "Bo Li"
    )
    code, out = run(["history", "KLIP-1", "klips"], repo.top)
    assert (code, out) == (
        0,
        "KLIP-1: Joins\n"
        "  created 2024-01-01, updated 2024-01-02, Merged since 2024-01-02\n"
        f"  2024-01-01   {first[:8]}  Ada Lovelace          created as klip-1-joins.md, status Proposal\n"
        f"  2024-01-02   {second[:8]}  Bo Li                 status: Proposal -> Merged\n",
    )
    code, out = run(["history", "1", "klips", "--format", "json"], repo.top)
    assert json.loads(out)[1] == {
        "proposal": "KLIP-1",
        "repo_path": "klips/klip-1-joins.md",
        "event": "status",
        "date": "2024-01-02T12:00:00+00:00",
        "committed": "2024-01-02T12:00:00+00:00",
        "author": "Bo Li",
        "email": "bo@example.org",
        "commit": second,
        "subject": "done",
        "from": "Proposal",
        "to": "Merged",
    }
    code, out = run(["history", "--all", "klips"], repo.top)
    assert out.splitlines() == [
        f"2024-01-01   {first[:8]}  Ada Lovelace          KLIP-1  created as klip-1-joins.md, status Proposal",
        f"2024-01-02   {second[:8]}  Bo Li                 KLIP-1  status: Proposal -> Merged",
    ]


def test_stats(repo: Repo) -> None:
    repo.commit({"klips/klip-1-a.md": short_klip(1, "A", "Proposal")}, "1")  # day 1
    repo.commit({"klips/klip-2-b.md": short_klip(2, "B", "Proposal")}, "2")  # day 2
    repo.commit({"klips/klip-1-a.md": short_klip(1, "A", "In Discussion")}, "3")  # day 3
    repo.commit({"klips/klip-2-b.md": short_klip(2, "B", "In Discussion")}, "4")  # day 4
    repo.commit({"klips/klip-3-c.md": short_klip(3, "C", "Rejected")}, "5")  # day 5
    repo.commit({"klips/klip-1-a.md": short_klip(1, "A", "Merged")}, "6")  # day 6
    code, out = run(["stats", "klips", "--as-of", "2024-03-01", "--format", "json"], repo.top)
    assert code == 0
    assert json.loads(out) == {
        "as_of": "2024-03-01",
        "history": True,
        "by_status": {"In Discussion": 1, "Merged": 1, "Rejected": 1},
        "by_year": {"2024": {"Merged": 1, "In Discussion": 1, "Rejected": 1}},
        "transitions": [
            {
                "from": "(created)",
                "to": "In Discussion",
                "count": 2,
                "median_days": 2.0,
                "p90_days": 2.0,
            },
            {"from": "(created)", "to": "Merged", "count": 1, "median_days": 5.0, "p90_days": 5.0},
            # KLIP-1 and KLIP-2 were created Proposal, KLIP-3 Rejected: 0 days each.
            {
                "from": "(created)",
                "to": "Proposal",
                "count": 2,
                "median_days": 0.0,
                "p90_days": 0.0,
            },
            {
                "from": "(created)",
                "to": "Rejected",
                "count": 1,
                "median_days": 0.0,
                "p90_days": 0.0,
            },
            {
                "from": "In Discussion",
                "to": "Merged",
                "count": 1,
                "median_days": 3.0,
                "p90_days": 3.0,
            },
            {
                "from": "Proposal",
                "to": "In Discussion",
                "count": 2,
                "median_days": 2.0,
                "p90_days": 2.0,
            },
        ],
        # KLIP-1: created day 1, Merged day 6.
        "acceptance": {
            "statuses": ["Design Approved", "In Development", "Merged"],
            "count": 1,
            "median_days": 5.0,
            "bins": {
                "< 1 month": 1,
                "1-3 months": 0,
                "3-6 months": 0,
                "6-12 months": 0,
                "1-2 years": 0,
                "> 2 years": 0,
            },
        },
        "stale_days": 180,
        "stale": [],
    }
    code, out = run(["stats", "klips", "--as-of", "2024-03-01", "--stale-days", "30"], repo.top)
    assert out.split("\n\n")[-1] == (
        "Open with no commit for 30 days or more (as of 2024-03-01): 1\n"
        "  Proposal  Status         Last commit  Days\n"
        "  KLIP-2    In Discussion  2024-01-04     57\n"
    )


def test_a_second_run_reads_nothing_that_has_not_changed(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({"klips/klip-1-a.md": short_klip(1, "A", "Proposal")}, "1")
    repo.commit({"klips/klip-2-b.md": short_klip(2, "B", "Proposal")}, "2")
    logged: list[str | None] = []
    read: list[list[str]] = []
    real_log, real_read = gitlog.folder_log, gitlog.read_blobs

    def spy_log(
        where: gitlog.Location,
        head: str,
        known: frozenset[str] = frozenset(),
        since: str | None = None,
    ) -> tuple[list[gitlog.Commit], frozenset[str]]:
        logged.append(since)
        return real_log(where, head, known, since=since)

    def spy_read(top: Path, blobs: list[str]) -> Iterator[tuple[str, bytes]]:
        read.append(list(blobs))
        return real_read(top, blobs)

    # The history loader calls them by the names it imported.
    monkeypatch.setattr("rfcdesk.history.load.folder_log", spy_log)
    monkeypatch.setattr("rfcdesk.history.load.read_blobs", spy_read)
    history_of(repo.top / "klips")
    assert (logged, [len(r) for r in read]) == ([None], [2])
    history_of(repo.top / "klips")
    assert (logged, [len(r) for r in read]) == ([None], [2])  # nothing logged or read again
    head = repo.git("rev-parse", "HEAD")
    repo.commit({"klips/klip-1-a.md": short_klip(1, "A", "Merged")}, "3")
    history = history_of(repo.top / "klips")
    new_blob = repo.git("rev-parse", "HEAD:klips/klip-1-a.md")
    assert (logged, read[1:]) == ([None, head], [[new_blob]])
    assert events(history.timeline("klip-1-a.md"))[-1] == (
        "status",
        "2024-01-03",
        "Proposal",
        "Merged",
    )


# --- real histories ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ksql_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clone(tmp_path_factory, "ksql-history.bundle") / "design-proposals"


@pytest.fixture(scope="module")
def ksql(ksql_folder: Path) -> FolderHistory:
    return load_history(open_folder(load_config(ksql_folder)), use_cache=False)


def commits(timeline: Timeline | None) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """(kind, commit, author, author date, before, after) of each event."""
    assert timeline is not None
    return [
        (e.kind, (e.commit or "")[:12], e.author, e.date, e.before, e.after)
        for e in timeline.events
    ]


# Established by hand with `git log`, `git show REV:PATH` and `git show -M30% --name-status`.
def test_ksql_klip_14_renamed_rewritten_and_merged(ksql: FolderHistory) -> None:
    assert commits(ksql.timeline("klip-14-rowtime-as-pseudocolumn.md")) == [
        ("created", "76fa8923804b", "Andy Coates", "2019-12-03T08:52:34+00:00", None, None),
        (
            "renamed",
            "b78512ea979c",
            "Andy Coates",
            "2019-12-03T13:22:15+00:00",
            "design-proposals/klip-14-rowtime-as-system-function.md",
            "design-proposals/klip-14-rowtime-as-pseudocolumn.md",
        ),
        (
            "status",
            "b78512ea979c",
            "Andy Coates",
            "2019-12-03T13:22:15+00:00",
            None,
            "In Discussion",
        ),
        (
            "title",
            "b78512ea979c",
            "Andy Coates",
            "2019-12-03T13:22:15+00:00",
            "ROWTIME as system function",
            "ROWTIME as Pseudocolumn",
        ),
        (
            "status",
            "4de0d0cacd03",
            "Andy Coates",
            "2019-12-12T12:16:33+00:00",
            "In Discussion",
            "Design Approved",
        ),
        (
            "status",
            "afd536013079",
            "Andy Coates",
            "2020-04-24T00:52:56+01:00",
            "Design Approved",
            "Merged",
        ),
        # c3f8b16c3105 (2023-03-08) rewrote `Merged |` as `_Merged_ |`: the same status.
    ]


def test_ksql_klip_8_low_similarity_rename_and_two_status_changes(ksql: FolderHistory) -> None:
    timeline = ksql.timeline("klip-8-queryable-state-stores.md")
    assert commits(timeline) == [
        (
            "created",
            "3e15a39f0c4e",
            "Derek Nelson",
            "2019-08-14T19:37:00-07:00",
            None,
            "In Discussion",
        ),
        (
            "renamed",
            "d43a5f63da2f",
            "Derek Nelson",
            "2019-09-26T15:58:21-07:00",
            "design-proposals/klip-8-interactive-queries.md",
            "design-proposals/klip-8-queryable-state-stores.md",
        ),
        (
            "title",
            "d43a5f63da2f",
            "Derek Nelson",
            "2019-09-26T15:58:21-07:00",
            "Interactive Queries",
            "Queryable State Stores",
        ),
        (
            "status",
            "3a998a3ab4b4",
            "Derek Nelson",
            "2019-12-10T09:54:18-08:00",
            "In Discussion",
            "Design Approved",
        ),
        (
            "status",
            "c3f8b16c3105",
            "Matthias J. Sax",
            "2023-03-08T09:59:16-08:00",
            "Design Approved",
            "Merged",
        ),
    ]


def test_ksql_klip_32_deleted_and_re_added(ksql: FolderHistory) -> None:
    timeline = ksql.timeline("klip-32-sql-testing-tool.md")
    assert commits(timeline) == [
        ("created", "225b5a45dd6b", "Almog Gavra", "2020-08-05T11:41:49-07:00", None, None),
        (
            "deleted",
            "bba45d78a45b",
            "Almog Gavra",
            "2020-08-05T13:35:59-07:00",
            "design-proposals/klip-32-sql-testing-tool.md",
            None,
        ),
        # The re-add keeps the first commit's author date; events stay in commit order.
        ("restored", "c12f0937eac1", "Almog Gavra", "2020-08-05T11:41:49-07:00", None, None),
        (
            "status",
            "7b938f877edd",
            "Almog Gavra",
            "2020-08-11T15:17:05-07:00",
            None,
            "In Discussion",
        ),
        (
            "title",
            "7b938f877edd",
            "Almog Gavra",
            "2020-08-11T15:17:05-07:00",
            None,
            "A SQL Testing  Tool",
        ),
    ]
    assert timeline is not None
    assert timeline.updated == "2020-10-19T13:39:16-07:00"  # ea5381668eed: no event, a touch


def test_ksql_klip_3_ends_on_a_value_that_is_no_status(ksql: FolderHistory) -> None:
    assert [
        (k, c, b, a)
        for k, c, _, _, b, a in commits(ksql.timeline("klip-3-serialization-of-single-fields.md"))
    ] == [
        ("created", "352f2885a5e6", None, "In Discussion"),
        ("status", "2b119068bb15", "In Discussion", "In Development"),
        ("status", "39d9c4e340ab", "In Development", "values: Merged, keys: Design Approved"),
    ]


def test_ksql_quiet_klips(ksql: FolderHistory) -> None:
    # KLIP-5: three commits, the Status line moved from line 7 to line 5, the same text.
    timeline = ksql.timeline("klip-5-internal-schemas-for-KSQL-engine.md")
    assert commits(timeline) == [
        (
            "created",
            "c46fdf37152b",
            "Hojjat Jafarpour",
            "2019-06-25T12:39:30-07:00",
            None,
            "In Discussion",
        )
    ]
    assert timeline is not None and timeline.updated == "2023-03-08T09:59:16-08:00"
    # KLIP-54's heading went from "KLIP 53 - ..." to "KLIP 54 - ...": the title is the same.
    assert [e.kind for e in ksql.timelines["klip-54-optimized-range-pull-queries.md"].events] == [
        "created",
        "status",
    ]


def test_ksql_created_and_updated_agree_with_the_commit_table(ksql: FolderHistory) -> None:
    """The corpus's own per-file commit table gives every KLIP's first and last commit."""
    first: dict[str, dt.datetime] = {}
    last: dict[str, dt.datetime] = {}
    with (CORPORA / "ksql.history.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["file"] == "klip-template.md" or not row["file"].startswith("klip-"):
                continue
            when = dt.datetime.fromisoformat(row["author_date"])
            first[row["file"]] = min(first.get(row["file"], when), when)
            last[row["file"]] = max(last.get(row["file"], when), when)
    klips = {p for p in ksql.timelines if p.startswith("klip-") and p != "klip-template.md"}
    assert len(klips) == 47 and klips == set(first)
    # KLIP-8 and KLIP-14 were renamed (git misses both); the table starts at the new names.
    # The table lacks KLIP-32's first add, reverted the same day.
    followed_further = {
        "klip-8-queryable-state-stores.md": "2019-08-14T19:37:00-07:00",
        "klip-14-rowtime-as-pseudocolumn.md": "2019-12-03T08:52:34+00:00",
        "klip-32-sql-testing-tool.md": "2020-08-05T11:41:49-07:00",
    }
    for name in sorted(klips):
        timeline = ksql.timelines[name]
        created = dt.datetime.fromisoformat(timeline.created or "")
        expected = followed_further.get(name)
        assert created == (dt.datetime.fromisoformat(expected) if expected else first[name]), name
        assert dt.datetime.fromisoformat(timeline.updated or "") == last[name], name


def test_ksql_stats(ksql_folder: Path) -> None:
    code, out = run(["stats", "--format", "json", "--as-of", "2026-11-21"], ksql_folder)
    assert code == 0
    stats = json.loads(out)
    # The counts match ksql.expected.tsv: 2 KLIPs without a Status line, 1 with no status value.
    assert stats["by_status"] == {
        "In Discussion": 10,
        "Design Approved": 1,
        "In Development": 1,
        "Merged": 32,
        "(no status)": 2,
        "(not a status)": 1,
    }
    assert {year: sum(c.values()) for year, c in stats["by_year"].items()} == {
        "2019": 13,
        "2020": 18,
        "2021": 12,
        "2022": 4,
    }
    steps = {(t["from"], t["to"]): t for t in stats["transitions"]}
    # KLIP-8, -14 and -29 among them: approved, then merged; KLIP-8 took 1,183 days.
    assert steps["Design Approved", "Merged"]["count"] == 12
    assert steps["In Discussion", "Design Approved"]["count"] == 5
    # Every open KLIP (10 In Discussion, 1 Design Approved, 1 In Development) is stale:
    # the last commit to a KLIP file is from 2023. Longest untouched first.
    assert [(s["label"], s["updated"][:10]) for s in stats["stale"]] == [
        ("KLIP-1", "2019-04-03"),
        ("KLIP-12", "2020-01-13"),
        ("KLIP-27", "2020-06-25"),
        ("KLIP-10", "2020-07-10"),
        ("KLIP-32", "2020-10-19"),
        ("KLIP-41", "2020-11-24"),
        ("KLIP-44", "2021-01-11"),
        ("KLIP-15", "2021-03-25"),
        ("KLIP-51", "2021-05-12"),
        ("KLIP-61", "2022-02-25"),
        ("KLIP-62", "2022-06-15"),
        ("KLIP-5", "2023-03-08"),
    ]


@pytest.fixture(scope="module")
def wescale(tmp_path_factory: pytest.TempPathFactory) -> FolderHistory:
    top = clone(tmp_path_factory, "wescale-history.bundle")
    return load_history(open_folder(load_config(top / "doc" / "design")), use_cache=False)


def test_wescale_rfc_crosses_both_folder_moves(wescale: FolderHistory) -> None:
    assert commits(wescale.timeline("20230414_ReadAfterWrite.md")) == [
        ("created", "dab6d63d5ebc", "earayu", "2023-05-09T10:50:23+08:00", None, "in-progress"),
        (
            "moved",
            "f560b719aa7d",
            "earayu",
            "2023-06-12T11:02:09+08:00",
            "doc/design-docs/RFCS/20230414_ReadAfterWrite.md",
            "doc/RFCS/20230414_ReadAfterWrite.md",
        ),
        # The same commit dropped the Status line.
        ("status", "f560b719aa7d", "earayu", "2023-06-12T11:02:09+08:00", "in-progress", None),
        (
            "moved",
            "8eb503cb99eb",
            "earayu",
            "2023-08-24T13:25:01+08:00",
            "doc/RFCS/20230414_ReadAfterWrite.md",
            "doc/design/20230414_ReadAfterWrite.md",
        ),
        # The front matter's `title:` (which the parser prefers to the H1) was added.
        (
            "title",
            "ccee4407fd92",
            "earayu",
            "2024-07-08T15:33:57+08:00",
            "20230414_ReadAfterWrite",
            "ReadAfterWrite",
        ),
    ]


def test_wescale_other_rfcs(wescale: FolderHistory) -> None:
    compress = commits(wescale.timeline("20230609_CompressGtidSets.md"))
    assert [(k, c, b, a) for k, c, _, _, b, a in compress][:3] == [
        ("created", "e71f0915ca56", None, "in-progress"),
        (
            "moved",
            "8eb503cb99eb",
            "doc/RFCS/20230609_CompressGtidSets.md",
            "doc/design/20230609_CompressGtidSets.md",
        ),
        ("status", "0a10400e3db2", "in-progress", None),  # dropped in 2024
    ]
    # WasmPlugin's H1 went from "Filters" to "WasmPlugin" at 0ffa8c05, but by then its front
    # matter held the title, which the parser prefers: the title changed once, at ccee4407.
    wasm = commits(wescale.timeline("20240531_WasmPlugin.md"))
    assert wasm[1:] == [
        (
            "title",
            "ccee4407fd92",
            "earayu",
            "2024-07-08T15:33:57+08:00",
            "Filters",
            "WebAssembly in WeScale",
        )
    ]
    least = commits(wescale.timeline("20230809_LeastBusyConnectionLoadBalancePolicy.md"))
    assert [(k, c) for k, c, *_ in least][:2] == [
        ("created", "fce2d47d3d80"),
        ("moved", "f30f3fd8a8ae"),
    ]
    assert len(wescale.timelines) == 11 and wescale.departed == ()


# --- names git would quote: read NUL-separated ---------------------------------------------


def test_new_counts_a_number_whose_file_name_holds_a_line_break(tmp_path: Path) -> None:
    klips = repo_with(tmp_path, "klip")
    top = klips.parent
    git(top, "checkout", "-qb", "odd")
    write_files(klips, {"klip-7-a\nb.md": short_klip(7, "Odd", "Proposal")})
    git(top, "add", "-A")
    git(top, "commit", "-qm", "a name with a line break")
    git(top, "checkout", "-q", "main")
    # `git ls-tree odd proposals/` shows it quoted: "proposals/klip-7-a\nb.md".
    folder = open_folder(load_config(klips))
    assert numbers_on_branches(klips, folder.scheme)[7] == "odd:proposals/klip-7-a\nb.md"
    # The README says 5 is next and its table holds KLIP-6; the branch holds KLIP-7.
    assert run(["new", "On Main", "--author", "Ada"], klips) == (
        0,
        "created KLIP-8: On Main (klip-8-on-main.md, README.md)\n",
    )


def test_new_in_a_folder_whose_path_holds_a_line_break(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    klips = top / "design\nproposals"
    shutil.copytree(EXAMPLES / "klip", klips)
    git(tmp_path, "init", "-q", "-b", "main", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-qm", "start")
    git(top, "checkout", "-qb", "theirs")
    write_files(klips, {"klip-7-theirs.md": short_klip(7, "Theirs", "Proposal")})
    git(top, "add", "-A")
    git(top, "commit", "-qm", "KLIP-7")
    git(top, "checkout", "-q", "main")
    assert run(["new", "Ours", "--author", "Ada"], klips) == (
        0,
        "created KLIP-8: Ours (klip-8-ours.md, README.md)\n",
    )


def test_history_of_names_with_tabs_quotes_and_accents(repo: Repo) -> None:
    odd, odder = 'klip-9-café "q"\t.md', "klip-9-ü\\ 'r'.md"
    repo.commit({f"klips/{odd}": short_klip(9, "Odd", "Proposal")}, "KLIP-9")
    repo.move(f"klips/{odd}", f"klips/{odder}", "rename")
    history = history_of(repo.top / "klips")
    assert list(history.timelines) == [odder]
    assert events(history.timeline(odder)) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("renamed", "2024-01-02", f"klips/{odd}", f"klips/{odder}"),
    ]
