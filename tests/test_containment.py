"""Nothing outside the folder is read or published: symbolic links are judged where the
folder is walked, and a link that leaves the folder is reported, never followed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from rfcdesk.edge.files import walk, within

RFCDESK = [sys.executable, "-m", "rfcdesk"]
CANARY = b"CANARY-do-not-publish-5f1c"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RFCDESK, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def trap(tmp_path: Path) -> Path:
    """A KLIP folder holding links to a canary file and folder outside it."""
    outside = tmp_path / "outside"
    (outside / "secrets").mkdir(parents=True)
    (outside / "canary.txt").write_bytes(CANARY + b"\n")
    (outside / "secrets" / "inside.txt").write_bytes(CANARY + b" in a folder\n")
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    with (folder / "klip-1-windowed-joins.md").open("a", encoding="utf-8") as doc:
        doc.write(
            "\n![diagram](passwd.png) and [notes](notes.txt) and [inside](assets/inside.txt).\n"
        )
    (folder / "passwd.png").symlink_to(outside / "canary.txt")
    (folder / "notes.txt").symlink_to(outside / "canary.txt")
    (folder / "klip-20-secret.md").symlink_to(outside / "canary.txt")
    (folder / "assets").symlink_to(outside / "secrets")
    (folder / "env.txt").symlink_to("/proc/self/environ")
    # A link to another proposal inside the folder is an alias, not a second KLIP-2.
    (folder / "klip-21-alias.md").symlink_to("klip-2-schema-cache.md")
    return folder


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "RFCDESK_CACHE_DIR": str(tmp_path / "cache"), "CANARY_ENV": "x"}


def test_check_reports_each_link_that_leaves_the_folder(trap: Path, tmp_path: Path) -> None:
    done = _run(["check", "--select", "F008,L004,D001"], trap, _env(tmp_path))
    outside = "symbolic link to a place outside the folder; rfcdesk does not follow it"
    leaves = "a symbolic link to a place outside the folder; it is not followed, and not published"
    assert done.stdout.splitlines() == [
        f"assets:0:1: F008 {outside} [link-outside]",
        f"env.txt:0:1: F008 {outside} [link-outside]",
        f"klip-1-windowed-joins.md:59:1: L004 image `passwd.png` goes through `passwd.png`, {leaves} [link-leaves-folder]",
        f"klip-1-windowed-joins.md:59:28: L004 link to `notes.txt` goes through `notes.txt`, {leaves} [link-leaves-folder]",
        f"klip-1-windowed-joins.md:59:51: L004 link to `assets/inside.txt` goes through `assets`, {leaves} [link-leaves-folder]",
        f"klip-20-secret.md:0:1: F008 {outside} [link-outside]",
        f"notes.txt:0:1: F008 {outside} [link-outside]",
        f"passwd.png:0:1: F008 {outside} [link-outside]",
        "4 proposals checked: 8 errors, 0 warnings.",
    ]
    assert (done.returncode, done.stderr) == (1, "")


def test_no_byte_of_what_a_link_points_at_is_published(trap: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    site = tmp_path / "site"
    built = _run(["build", "-o", str(site)], trap, env)
    assert built.returncode == 0, built.stderr
    published = [p for p in site.rglob("*") if p.is_file()]
    assert len(published) > 10
    for page in published:
        data = page.read_bytes()
        assert CANARY not in data, page
        assert b"CANARY_ENV" not in data, page
    assert not (site / "files").exists()
    assert sorted(p.name for p in (site / "source").iterdir()) == [
        "klip-1-windowed-joins.md",
        "klip-2-schema-cache.md",
        "klip-3-query-tags.md",
        "klip-4-pause-queries.md",
    ]
    for command in (["list", "--format", "json"], ["export"], ["show", "20"], ["history", "20"]):
        done = _run(command, trap, env)
        assert CANARY not in done.stdout.encode(), command
        assert "CANARY_ENV" not in done.stdout, command


def test_show_does_not_find_a_proposal_that_is_a_link_outside(trap: Path, tmp_path: Path) -> None:
    done = _run(["show", "20"], trap, _env(tmp_path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"rfcdesk: no proposal `20` in {trap}\n"


@pytest.mark.parametrize("depth", [0, 1, 2, None])
def test_a_deeper_walk_cut_to_a_depth_is_the_walk_to_that_depth(
    trap: Path, depth: int | None
) -> None:
    # Links judged at each level: aliases, escapes, a link to a folder outside, below too.
    deep = trap / "topic" / "sub"
    deep.mkdir(parents=True)
    (deep / "klip-30-deep.md").write_text("# KLIP 30 - Deep\n", "utf-8")
    (trap / "topic" / "klip-31-alias.md").symlink_to("../klip-2-schema-cache.md")
    (deep / "leak.txt").symlink_to(trap.parent / "outside" / "canary.txt")
    assert within(walk(trap), depth) == walk(trap, depth)
