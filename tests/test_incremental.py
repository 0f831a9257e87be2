"""After one edit, `check` reuses what it found in the files that did not change, and
reports exactly what a check without any cache reports."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from support import page_klip, run

LINKING = page_klip(1, "Caching", "In Discussion", "See [the design](klip-2-storage.md#design).")
LINKED = page_klip(2, "Storage", "In Discussion", "Stored in pages.")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RFCDESK_CACHE_DIR", str(tmp_path / "cache"))
    top = tmp_path / "klips"
    top.mkdir()
    (top / "klip-1-caching.md").write_text(LINKING, encoding="utf-8")
    (top / "klip-2-storage.md").write_text(LINKED, encoding="utf-8")
    (top / "klip-3-tables.md").write_text(
        page_klip(3, "Tables", "Proposal", "Rows."), encoding="utf-8"
    )
    return top


def _check(folder: Path, *extra: str) -> tuple[int, str]:
    return run(["check", "--scheme", "klip", *extra, str(folder)], folder.parent)


def test_an_edit_to_a_linked_proposal_reaches_the_proposal_that_links_to_it(
    folder: Path,
) -> None:
    before = _check(folder)
    assert "L003" not in before[1]
    # KLIP-2 loses the heading KLIP-1 links to; KLIP-1 itself does not change.
    renamed = LINKED.replace("## Design", "## Plan")
    (folder / "klip-2-storage.md").write_text(renamed, encoding="utf-8")
    after = _check(folder)
    expected = (
        "klips/klip-1-caching.md:12:5: L003 link to `klip-2-storage.md#design`: "
        "`klip-2-storage.md` has no heading with the anchor `#design` [broken-anchor]"
    )
    assert expected in after[1].splitlines()
    assert after == _check(folder, "--no-cache")
    (folder / "klip-2-storage.md").write_text(LINKED, encoding="utf-8")
    assert _check(folder) == before


def test_each_step_of_a_series_of_edits_matches_a_check_without_cache(folder: Path) -> None:
    edits = [
        ("klip-3-tables.md", "Proposal", "Mergd"),  # a status that is no KLIP status
        ("klip-1-caching.md", "Why.", "TBD"),
        ("klip-3-tables.md", "Mergd", "Proposal"),
    ]
    _check(folder)
    for name, old, new in edits:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        assert _check(folder) == _check(folder, "--no-cache")
    (folder / "klip-4-new.md").write_text(page_klip(4, "New", "Proposal", "x"), encoding="utf-8")
    assert _check(folder) == _check(folder, "--no-cache")


def _shards(cache: Path) -> dict[str, bytes]:
    """The parse cache's shards (`<key>.NN.pickle`), by name."""
    shard = re.compile(r"[0-9a-f]{24}\.\d\d\.pickle")
    return {p.name: p.read_bytes() for p in cache.iterdir() if shard.fullmatch(p.name)}


def test_one_edit_rewrites_one_shard_of_the_parse_cache(folder: Path) -> None:
    hour_ago = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (hour_ago, hour_ago))  # long still: their size and mtime are trusted
    _check(folder)
    cache = folder.parent / "cache"
    before = _shards(cache)
    assert 1 <= len(before) <= 3  # three proposals, in at most three shards
    path = folder / "klip-3-tables.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    _check(folder)
    after = _shards(cache)
    assert sorted(after) == sorted(before)
    assert sum(after[name] != before[name] for name in before) == 1


def test_rules_run_in_forked_workers_find_what_one_process_finds(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rfcdesk.rules

    (folder / "klip-2-storage.md").write_text(LINKED.replace("## Design", "## Plan"), "utf-8")
    alone = _check(folder, "--no-cache", "--jobs", "1")
    monkeypatch.setattr(rfcdesk.rules, "PARALLEL_RULES", 2)  # three proposals are many
    assert _check(folder, "--no-cache", "--jobs", "2") == alone
    assert "L003" in alone[1]


def test_a_link_target_outside_the_folder_is_looked_up_again_after_other_edits(
    folder: Path,
) -> None:
    linking = page_klip(1, "Caching", "In Discussion", "See [notes](../notes.md).")
    (folder / "klip-1-caching.md").write_text(linking, encoding="utf-8")
    assert "L001" in _check(folder)[1]
    path = folder / "klip-3-tables.md"  # another proposal changes: KLIP-1's findings are kept
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert "L001" in _check(folder)[1]
    (folder.parent / "notes.md").write_text("# Notes\n", encoding="utf-8")
    assert _check(folder) == _check(folder, "--no-cache")
    assert "L001" not in _check(folder)[1]
