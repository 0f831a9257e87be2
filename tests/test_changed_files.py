"""Changed-files mode: `check PATH FILE...` and `check --changed-since REF` report what
concerns the named or changed proposals, with folder-wide rules still run on the whole
folder; the per-file cache is keyed by content, so another clone's cache is used."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPORA, ROOT
from rfcdesk.model import Proposal
from rfcdesk.scheme.model import Scheme
from support import git, repo_with

RFCDESK = [sys.executable, "-m", "rfcdesk"]
KLIP_15 = "klip-15-new-api-and-client.md"
STATUSES = "Proposal, In Discussion, Design Approved, In Development, Merged, Rejected, Withdrawn"


def _run(args: list[str], cwd: Path, cache: Path) -> tuple[int, list[str], str]:
    env = {**os.environ, "RFCDESK_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [*RFCDESK, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout.splitlines(), done.stderr


@pytest.fixture
def ksql(tmp_path: Path) -> Path:
    """A clone of ksqlDB's history with a branch that gives KLIP-15 a status it has not."""
    if not CORPORA.is_dir():
        pytest.skip(f"../shared/corpora is not beside the project (looked in {CORPORA})")
    top = tmp_path / "ksql"
    git(tmp_path, "clone", "-q", str(CORPORA / "ksql-history.bundle"), str(top))
    git(top, "checkout", "-q", "-b", "feature")
    doc = top / "design-proposals" / KLIP_15
    text = doc.read_text("utf-8")
    assert "**Status**: _In Discussion_ | \n" in text  # as the corpus has it
    doc.write_text(text.replace("_In Discussion_", "_Shipped_"), "utf-8")
    git(top, "commit", "-qam", "KLIP-15 ships")
    return top


def _about_klip_15(line: str) -> bool:
    path = line.split(":", 1)[0]
    return path == f"design-proposals/{KLIP_15}" or (
        path == "design-proposals/README.md" and "KLIP-15 " in line
    )


def test_changed_since_reports_only_the_changed_proposal(ksql: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, everything, _err = _run(["check", "design-proposals"], ksql, cache)
    assert code == 1
    code, changed, err = _run(["check", "design-proposals", "--changed-since", "main"], ksql, cache)
    expected = [line for line in everything[:-1] if _about_klip_15(line)]
    # The edit's own finding is among them, at the status the branch wrote.
    assert (
        f"design-proposals/{KLIP_15}:5:13: M010 `Shipped` is not a klip status; use one of: "
        f"{STATUSES} [invalid-status]"
    ) in expected
    assert changed[:-1] == expected
    assert changed[-1].startswith("1 proposal checked: ")
    assert (code, err) == (1, "")


def test_named_files_and_files_outside_the_folder(ksql: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, everything, _err = _run(["check", "design-proposals"], ksql, cache)
    (ksql / "NOTES.md").write_text("# Notes\n", "utf-8")
    code, named, err = _run(
        ["check", "design-proposals", f"design-proposals/{KLIP_15}", "NOTES.md"], ksql, cache
    )
    # NOTES.md is not in the folder, and not its business: pre-commit passes every file.
    assert named[:-1] == [line for line in everything[:-1] if _about_klip_15(line)]
    assert (code, err) == (1, "")
    # A file where the folder goes is one of the files (a pre-commit hook with no arguments).
    code, alone, err = _run(["check", f"design-proposals/{KLIP_15}", "NOTES.md"], ksql, cache)
    assert (code, alone, err) == (1, named, "")
    code, out, err = _run(["check", "design-proposals", "design-proposals/klip-99.md"], ksql, cache)
    assert (code, out, err) == (2, [], "rfcdesk: design-proposals/klip-99.md: no such file\n")


def test_nothing_changed_is_clean(tmp_path: Path) -> None:
    folder = repo_with(tmp_path, "klip")
    top = folder.parent
    code, out, err = _run(["check", "proposals", "--changed-since", "main"], top, tmp_path / "c")
    assert (code, out, err) == (0, ["0 proposals checked: no problems found."], "")
    code, out, err = _run(["check", "proposals", "--changed-since", "nope"], top, tmp_path / "c")
    assert (code, out, err) == (
        2,
        [],
        "rfcdesk: --changed-since nope: no such branch, tag or commit\n",
    )


def test_a_cache_from_another_clone_spares_every_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rfcdesk.read import folder as reading
    from rfcdesk.read.settings import load_config

    origin = tmp_path / "origin"
    shutil.copytree(ROOT / "examples" / "klip", origin / "klips")
    git(tmp_path, "init", "-q", "-b", "main", str(origin))
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "start")
    first, second = tmp_path / "first", tmp_path / "elsewhere" / "second"
    git(tmp_path, "clone", "-q", str(origin), str(first))
    monkeypatch.setenv("RFCDESK_CACHE_DIR", str(tmp_path / "cache"))
    parsed: list[str] = []
    real = reading.parse_keyed

    def counting(root: Path, name: str, scheme: Scheme) -> tuple[Proposal, Any, Any]:
        parsed.append(name)
        return real(root, name, scheme)

    monkeypatch.setattr(reading, "parse_keyed", counting)
    reading.open_folder(load_config(first / "klips"))
    assert parsed == ["klip-1-windowed-joins.md", "klip-2-schema-cache.md",
                      "klip-3-query-tags.md", "klip-4-pause-queries.md"]  # fmt: skip
    # Another clone, at another path, every mtime new: a CI job whose cache was restored.
    git(tmp_path, "clone", "-q", str(origin), str(second))
    parsed.clear()
    assert reading.cache_place(first / "klips") == reading.cache_place(second / "klips") == "klips"
    reading.open_folder(load_config(second / "klips"))
    assert parsed == []
    # A changed file is parsed again, the others not.
    doc = second / "klips" / "klip-2-schema-cache.md"
    doc.write_text(doc.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    reading.open_folder(load_config(second / "klips"))
    assert parsed == ["klip-2-schema-cache.md"]


def test_what_points_at_a_renamed_proposal_is_reported(tmp_path: Path) -> None:
    folder = repo_with(tmp_path, "klip")
    top = folder.parent
    git(top, "checkout", "-q", "-b", "rename")
    git(top, "mv", "proposals/klip-3-query-tags.md", "proposals/klip-3-tags.md")
    git(top, "commit", "-qm", "shorter name")
    cache = tmp_path / "cache"
    code, everything, _err = _run(["check"], folder, cache)
    code, changed, err = _run(["check", "--changed-since", "main"], folder, cache)
    # klip-1 (unchanged) links to the old name (line 37), and so does the index row.
    link = (
        "klip-1-windowed-joins.md:37:1: L001 link to `klip-3-query-tags.md` leads nowhere: "
        "`klip-3-query-tags.md` does not exist (did you mean `klip-3-tags.md`?) [broken-link]"
    )
    row = "README.md:12:1: I003 KLIP-3 links to `klip-3-query-tags.md`, which does not exist [index-dead-link]"
    assert link in changed and row in changed
    own = [line for line in everything[:-1] if line.startswith("klip-3-tags.md:")]
    assert sorted(changed[:-1]) == sorted([link, row, *own])
    assert changed[-1].startswith("1 proposal checked: ")
    assert (code, err) == (1, "")
