"""History in shallow clones: what lies before the boundary commit is unknown, never invented.

A shallow clone shows its boundary commit as adding every file it holds. These tests check that
no proposal takes its creation date from that commit, that the ones created after it keep their
true dates, and that the commands say, once, that the history is shallow.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from conftest import CORPORA
from rfcdesk.cli import main
from rfcdesk.history.load import FolderHistory, load_history
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from support import Repo, clone, events, git, history_of, short_klip

NOTE = "rfcdesk: history is shallow: dates before {day} are unknown (git fetch --unshallow)\n"


class Output(NamedTuple):
    code: int
    stdout: str
    stderr: str


def run(args: list[str], cwd: Path) -> Output:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    return Output(result.exit_code, result.stdout, result.stderr)


def shallow_clone(source: Path, target: Path, depth: int) -> Path:
    """A shallow clone (a local path would be hard-linked whole: file:// makes it shallow)."""
    git(target.parent, "clone", "-q", "--depth", str(depth), f"file://{source}", str(target))
    return target


# --- a repository built here ---------------------------------------------------------------


@pytest.fixture
def four_commits(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "full")
    repo.commit({"klips/klip-1-joins.md": short_klip(1, "Joins", "Proposal")}, "KLIP-1")  # 01-01
    repo.commit({"klips/klip-2-cache.md": short_klip(2, "Cache", "Proposal")}, "KLIP-2")  # 01-02
    repo.commit(
        {"klips/klip-1-joins.md": short_klip(1, "Joins", "In Discussion")}, "discuss"
    )  # 01-03
    repo.commit(
        {"klips/klip-3-tags.md": short_klip(3, "Tags", "Proposal")}, "KLIP-3", "Bo Li"
    )  # 01-04
    return repo


def test_the_boundary_commit_creates_nothing(four_commits: Repo, tmp_path: Path) -> None:
    # Depth 2: the commits of 01-04 and 01-03; 01-03 is the boundary.
    top = shallow_clone(four_commits.top, tmp_path / "shallow", 2)
    history = history_of(top / "klips")
    boundary = "2024-01-03T12:00:00+00:00"
    assert history.shallow_before == boundary
    # KLIP-1 and KLIP-2 were there: no creation, no author, no date, the status they had then.
    assert events(history.timeline("klip-1-joins.md")) == [("existing", "", None, "In Discussion")]
    assert events(history.timeline("klip-2-cache.md")) == [("existing", "", None, "Proposal")]
    for name in ("klip-1-joins.md", "klip-2-cache.md"):
        timeline = history.timeline(name)
        assert timeline is not None
        assert (timeline.created, timeline.updated, timeline.status_since()) == (None, None, None)
        assert timeline.shallow_before == boundary
        assert [(e.author, e.committed) for e in timeline.events] == [("", boundary)]
    # KLIP-3 was created after the boundary: its date is the real one.
    timeline = history.timeline("klip-3-tags.md")
    assert events(timeline) == [("created", "2024-01-04", None, "Proposal")]
    assert timeline is not None and timeline.shallow_before is None
    assert (timeline.created, timeline.events[0].author) == ("2024-01-04T12:00:00+00:00", "Bo Li")


def test_history_and_stats_say_what_they_cannot_know(four_commits: Repo, tmp_path: Path) -> None:
    top = shallow_clone(four_commits.top, tmp_path / "shallow", 2)
    boundary = git(top, "rev-parse", "HEAD~").strip()
    head = four_commits.git("rev-parse", "HEAD")
    assert run(["history", "1", "klips"], top) == (
        0,
        "KLIP-1: Joins\n"
        "  created before 2024-01-03, updated before 2024-01-03, In Discussion since before "
        "2024-01-03\n"
        "  (before 2024-01-03: unknown, history is shallow)\n"
        f"  2024-01-03   {boundary[:8]}  -                     already there as "
        "klip-1-joins.md, status In Discussion, where the history begins\n",
        NOTE.format(day="2024-01-03"),
    )
    assert run(["history", "--all", "klips"], top) == (
        0,
        "(before 2024-01-03: unknown, history is shallow)\n"
        f"2024-01-04   {head[:8]}  Bo Li                 KLIP-3  created as klip-3-tags.md, "
        "status Proposal\n",
        NOTE.format(day="2024-01-03"),
    )
    code, out, err = run(["history", "2", "klips", "--format", "json"], top)
    assert (code, json.loads(out), err) == (
        0,
        [
            {
                "proposal": "KLIP-2",
                "repo_path": "klips/klip-2-cache.md",
                "event": "existing",
                "date": None,
                "committed": "2024-01-03T12:00:00+00:00",
                "author": None,
                "email": None,
                "commit": boundary,
                "subject": None,
                "from": None,
                "to": "Proposal",
            }
        ],
        NOTE.format(day="2024-01-03"),
    )
    code, out, err = run(["stats", "klips", "--as-of", "2024-03-01"], top)
    assert (code, err) == (0, NOTE.format(day="2024-01-03"))
    assert out.split("\n\n")[1:] == [
        "Created per year, by status now\n"
        "  Year  Total  Proposal  In Discussion\n"
        "  2024      1         1\n"
        "  left out: 2 proposals created before 2024-01-03 (history is shallow)",
        "Days from one status to the next (median, 90th percentile)\n"
        "  Step                   Count  Median  90th pct\n"
        "  (created) -> Proposal      1     0.0       0.0\n"  # KLIP-3, created Proposal
        "  left out: for 2 proposals created before 2024-01-03, the time from creation and out "
        "of the status they had then",
        "Open with no commit for 180 days or more (as of 2024-03-01): 0\n"
        "  left out: 2 open proposals with no commit since 2024-01-03 (history is shallow)\n",
    ]


def test_a_whole_history_says_nothing_of_shallowness(four_commits: Repo) -> None:
    code, out, err = run(
        ["stats", "klips", "--as-of", "2024-03-01", "--format", "json"], four_commits.top
    )
    assert (code, err) == (0, "")
    assert "shallow" not in json.loads(out)
    assert history_of(four_commits.top / "klips").shallow_before is None


def test_unshallowing_reads_the_whole_history_again(four_commits: Repo, tmp_path: Path) -> None:
    """The log cache is keyed by the boundary too: the same HEAD, deepened, is not reused."""
    top = shallow_clone(four_commits.top, tmp_path / "shallow", 2)
    shallow = history_of(top / "klips")  # cached, at the same HEAD as below
    assert events(shallow.timeline("klip-1-joins.md")) == [("existing", "", None, "In Discussion")]
    git(top, "fetch", "-q", "--unshallow")
    whole = history_of(top / "klips")
    assert (whole.head, whole.shallow_before) == (shallow.head, None)
    assert events(whole.timeline("klip-1-joins.md")) == [
        ("created", "2024-01-01", None, "Proposal"),
        ("status", "2024-01-03", "Proposal", "In Discussion"),
    ]
    assert run(["history", "2", "klips"], top).stderr == ""


# --- ksqlDB's real history, five commits deep --------------------------------------------------

# Established by hand: `git clone --depth 5` of the bundle holds e46d4a3c, c3f8b16c, 7087dc3e,
# 09f28d68 and the boundary 96f9e5e8, committed 2022-06-05T00:45:42-07:00 (`git log
# --format=%H %cI`, `cat .git/shallow`); 45 KLIP files are in its tree (`git ls-tree`).
KSQL_BOUNDARY = "2022-06-05T00:45:42-07:00"


@pytest.fixture(scope="module")
def ksql_clones(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    full = clone(tmp_path_factory, "ksql-history.bundle")
    shallow = shallow_clone(full, tmp_path_factory.mktemp("ksql-shallow") / "repo", 5)
    return full / "design-proposals", shallow / "design-proposals"


@pytest.fixture(scope="module")
def ksql_shallow(ksql_clones: tuple[Path, Path]) -> FolderHistory:
    return load_history(open_folder(load_config(ksql_clones[1])), use_cache=False)


def first_dates() -> dict[str, dt.datetime]:
    """Each KLIP's first author date, from the corpus's own per-file commit table."""
    first: dict[str, dt.datetime] = {}
    with (CORPORA / "ksql.history.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if re.fullmatch(r"klip-\d+-.*\.md", row["file"]):
                when = dt.datetime.fromisoformat(row["author_date"])
                first[row["file"]] = min(first.get(row["file"], when), when)
    return first


def test_ksql_shallow_creation_dates(ksql_shallow: FolderHistory) -> None:
    boundary = dt.datetime.fromisoformat(KSQL_BOUNDARY)
    first = first_dates()
    klips = {p for p in ksql_shallow.timelines if p.startswith("klip-") and p != "klip-template.md"}
    assert len(klips) == 47 and klips == set(first)
    after = {name for name, when in first.items() if when > boundary}
    assert after == {"klip-62-ksqldb-ruby-client.md", "klip-63-pause-resume-persistent-queries.md"}
    for name in sorted(klips):
        timeline = ksql_shallow.timelines[name]
        if name in after:  # created within the five commits: the true date
            assert timeline.created is not None, name
            assert dt.datetime.fromisoformat(timeline.created) == first[name], name
            assert timeline.shallow_before is None, name
        else:  # there at the boundary: no creation date, and no "created" event at all
            assert timeline.created is None, name
            assert timeline.shallow_before == KSQL_BOUNDARY, name
            assert [e.kind for e in timeline.events].count("created") == 0, name
            assert timeline.events[0].kind == "existing", name
    assert ksql_shallow.shallow_before == KSQL_BOUNDARY


def test_ksql_shallow_keeps_the_changes_it_can_see(
    ksql_shallow: FolderHistory, ksql_clones: tuple[Path, Path]
) -> None:
    """After the boundary, the shallow clone's events are the whole history's, one for one."""
    whole = load_history(open_folder(load_config(ksql_clones[0])), use_cache=False)
    seen = set(ksql_shallow.order)
    for name, timeline in ksql_shallow.timelines.items():
        mine = [e for e in timeline.events if e.kind != "existing"]
        theirs = [e for e in whole.timelines[name].events if e.commit in seen]
        assert mine == theirs, name


def test_ksql_shallow_commands(ksql_clones: tuple[Path, Path]) -> None:
    folder = ksql_clones[1]
    note = NOTE.format(day="2022-06-05")
    # KLIP-5 (by hand): In Discussion in 96f9e5e8's tree; c3f8b16c (2023-03-08) touched it.
    assert run(["history", "klip-5"], folder) == (
        0,
        "KLIP-5: Internal Schemas for KSQL Engine\n"
        "  created before 2022-06-05, updated 2023-03-08, In Discussion since before 2022-06-05\n"
        "  (before 2022-06-05: unknown, history is shallow)\n"
        "  2022-06-05   96f9e5e8  -                     already there as "
        "klip-5-internal-schemas-for-KSQL-engine.md, status In Discussion, where the history "
        "begins\n",
        note,
    )
    code, out, err = run(["stats", "--format", "json", "--as-of", "2026-11-21"], folder)
    assert (code, err) == (0, note)
    stats = json.loads(out)
    # Only KLIP-62 (In Discussion) and KLIP-63 (Merged) were created after the boundary.
    assert stats["by_year"] == {"2022": {"In Discussion": 1, "Merged": 1}}
    # KLIP-63 went from In Discussion (7087dc3e) to Merged (c3f8b16c); every other step seen
    # left a status held at the boundary, whose start is unknown.
    first = first_dates()["klip-63-pause-resume-persistent-queries.md"]
    merged = dt.datetime.fromisoformat("2023-03-08T09:59:16-08:00")
    days = round((merged - first).total_seconds() / 86400, 1)
    step = {"count": 1, "median_days": days, "p90_days": days}
    # Both were created In Discussion: 0 days.
    zero = {"count": 2, "median_days": 0.0, "p90_days": 0.0}
    assert stats["transitions"] == [
        {"from": "(created)", "to": "In Discussion", **zero},
        {"from": "(created)", "to": "Merged", **step},
        {"from": "In Discussion", "to": "Merged", **step},
    ]
    # 12 open KLIPs (ksql.expected.tsv); KLIP-5 and KLIP-62 had commits after the boundary.
    assert [(s["label"], s["updated"][:10]) for s in stats["stale"]] == [
        ("KLIP-62", "2022-06-15"),
        ("KLIP-5", "2023-03-08"),
    ]
    assert stats["shallow"] == {
        "before": KSQL_BOUNDARY,
        "created_unknown": 45,
        "updated_unknown": 10,
    }
    # list: KLIP-5 was there at the boundary (created unknown); KLIP-63 was created after it.
    code, out, err = run(["list", "--format", "table"], folder)
    assert (code, err) == (0, note)
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert rows["KLIP-5"].endswith("< 2022-06-05  < 2022-06-05")
    assert rows["KLIP-63"].split()[-2] == first.date().isoformat()


def test_ksql_shallow_site(ksql_clones: tuple[Path, Path], tmp_path: Path) -> None:
    code, _out, _err = run(["build", "-o", str(tmp_path / "site")], ksql_clones[1])
    assert code == 0
    page = (tmp_path / "site" / "p" / "klip-5-internal-schemas-for-KSQL-engine.html").read_text()
    assert "<dt>Created</dt><dd>unknown (before 2022-06-05, history is shallow)</dd>" in page
    assert "<dt>Updated</dt><dd>2023-03-08</dd>" in page
    feed = (tmp_path / "site" / "feed.xml").read_text()
    created = re.findall(r"<id>urn:rfcdesk:(\w+):([^<]*):created</id>", feed)
    assert sorted(created) == [
        ("09f28d68c0c144fc4d9b2dd7c2e48743b1b1f8c3", "klip-62-ksqldb-ruby-client.md"),
        ("7087dc3e3367240329d59f841b9f4ac958b897f6", "klip-63-pause-resume-persistent-queries.md"),
    ]
