"""After one edit, `check` reuses what it found in the files that did not change, and
reports exactly what a check without any cache reports."""

from __future__ import annotations

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
