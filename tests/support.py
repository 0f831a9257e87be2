"""Helpers the tests share: a git runner, repositories built from examples or commit by
commit, the command line run in-process, and KLIP texts. Not a test module."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from conftest import CORPORA, ROOT
from rfcdesk.cli import main
from rfcdesk.history.load import FolderHistory, load_history
from rfcdesk.history.timeline import Timeline
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config

EXAMPLES = ROOT / "examples"


def git(cwd: Path, *args: str) -> str:
    """Run git as a test's author; its output."""
    done = subprocess.run(
        ["git", "-c", "user.name=Grace Hopper", "-c", "user.email=grace@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def repo_with(tmp_path: Path, example: str) -> Path:
    """A git repository holding a copy of an example folder under `proposals/`."""
    top = tmp_path / f"repo-{example}"
    shutil.copytree(EXAMPLES / example, top / "proposals")
    git(top.parent, "init", "-q", "-b", "main", str(top))
    git(top, "config", "user.name", "Grace Hopper")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "start")
    return top / "proposals"


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


PAGE = """# KLIP-{n}: {title}

**Author**: {author} |
**Release Target**: {release} |
**Status**: {status} |
**Discussion**: https://example.org/pull/{n}

**tl;dr:** {tldr}

## Motivation and background

{body}

## Design

Nothing yet.
"""


def page_klip(
    n: int, title: str, status: str, body: str, author: str = "Ada", release: str = "1.0"
) -> str:
    """A KLIP with a body, for the site's pages."""
    return PAGE.format(
        n=n, title=title, status=status, body=body, author=author, release=release, tldr="Why."
    )


HISTORY_KLIP = """# KLIP-{n}: {title}

**Author**: Ada |
**Release Target**: 1.0 |
**Status**: {status} |
**Discussion**: https://example.org/{n}

**tl;dr:** Why.
"""


def short_klip(n: int, title: str, status: str) -> str:
    """A minimal KLIP, for histories built commit by commit."""
    return HISTORY_KLIP.format(n=n, title=title, status=status)


class Repo:
    """A git repository built commit by commit, with chosen authors and dates."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.day = 0
        top.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Ada Lovelace", date: str | None = None) -> str:
        env = dict(os.environ)
        name, email = author, author.split()[0].lower() + "@example.org"
        env.update(
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=name,
            GIT_COMMITTER_EMAIL=email,
        )
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        done = subprocess.run(
            ["git", *args], cwd=self.top, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(
        self, files: dict[str, str | None], message: str, author: str = "Ada Lovelace"
    ) -> str:
        """Write (or delete, for None) the files and commit them on the next day."""
        self.day += 1
        for name, content in files.items():
            target = self.top / name
            if content is None:
                self.git("rm", "-q", name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
                self.git("add", name)
        date = f"2024-01-{self.day:02d}T12:00:00+00:00"
        self.git("commit", "-qm", message, author=author, date=date)
        return self.git("rev-parse", "HEAD")

    def move(self, old: str, new: str, message: str) -> str:
        self.day += 1
        (self.top / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)
        date = f"2024-01-{self.day:02d}T12:00:00+00:00"
        self.git("commit", "-qm", message, date=date)
        return self.git("rev-parse", "HEAD")


def history_of(folder: Path) -> FolderHistory:
    return load_history(open_folder(load_config(folder), "klip"))


def events(timeline: Timeline | None) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, day, before, after) of each event."""
    assert timeline is not None
    return [(e.kind, e.date[:10], e.before, e.after) for e in timeline.events]


def clone(tmp_path_factory: pytest.TempPathFactory, bundle: str) -> Path:
    """A clone of one of the corpora's history bundles (skipped when they are not there)."""
    if not CORPORA.is_dir():
        pytest.skip(f"../shared/corpora is not beside the project (looked in {CORPORA})")
    target = tmp_path_factory.mktemp(bundle) / "repo"
    subprocess.run(["git", "clone", "-q", str(CORPORA / bundle), str(target)], check=True)
    return target


# The corpora of ../shared/corpora: those the built-in schemes were written from, and those
# added later that no built-in scheme was written for.
EARLIER_CORPORA = (
    "ksql", "wescale", "wescale-zh", "peps", "rust-rfcs", "swift-evolution", "eips", "keps",
)  # fmt: skip
NEW_CORPORA = (
    "golang-proposals", "react-rfcs", "vue-rfcs", "oteps", "kotlin-keep", "dotnet-designs",
    "pytorch-rfcs", "madr-decisions", "govuk-adrs", "bips",
)  # fmt: skip


def corpus_place(corpus: str) -> str:
    """Where a corpus's proposals sit in their repository (SOURCES.tsv): "" for the top."""
    with (CORPORA / "SOURCES.tsv").open(encoding="utf-8") as handle:
        rows = {r["corpus"]: r for r in csv.DictReader(handle, delimiter="\t")}
    source = rows[corpus]["source_folder"]
    if source.startswith("/") or "kept as" in source:
        return ""  # at the top, or its subfolders kept as they are in the corpus
    return source.split()[0].strip("/")


def lay_out(corpus: str, top: Path) -> str:
    """A corpus laid out as its repository has it: the proposals in their folder, the
    `_meta/` files (README, templates, process documents) at the top. The proposals' place."""
    place = corpus_place(corpus)
    shutil.copytree(CORPORA / corpus, top / place, ignore=shutil.ignore_patterns("_meta"))
    meta = CORPORA / corpus / "_meta"
    for item in sorted(meta.iterdir()) if meta.is_dir() else ():
        target = top / item.name
        if target.exists():
            continue  # the corpus has it at the top already (pytorch's process RFC)
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)
    return place


class KeyRow(NamedTuple):
    file: str  # relative to the corpus
    status: str  # "" none, "?" a value that is no status
    title: str


def read_key(corpus: str) -> list[KeyRow]:
    """A key written by hand from the corpus's files (tests/keys/README.md says how)."""
    with (ROOT / "tests" / "keys" / f"{corpus}.tsv").open(encoding="utf-8") as handle:
        return [
            KeyRow(r["file"], r["status"], r["title"])
            for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
