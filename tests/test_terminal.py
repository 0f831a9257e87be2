"""What a reader sees in a terminal: tables that fit its width, messages in plain words."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from rfcdesk.cli import main
from rfcdesk.commands.build import built_message, shown_path
from rfcdesk.report.table import cell_width, layout, truncate


def _list(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["list", *args])
    return result.exit_code, result.stdout


def test_list_fits_columns_and_keeps_the_id_whole(
    corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    peps = corpora / "peps"
    monkeypatch.delenv("COLUMNS", raising=False)
    code, raw = _list([str(peps), "--format", "json"])
    assert code == 0
    records = json.loads(raw)
    monkeypatch.setenv("COLUMNS", "100")
    code, out = _list([str(peps)])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "ID        Title                                 Status         Authors"
    assert lines[1] == "  ".join("-" * w for w in (8, 36, 13, 37))
    assert lines[2] == (
        "PEP 1     PEP Purpose and Guidelines            Active         "
        "Barry Warsaw, Jeremy Hylton, David G…"
    )
    assert lines[-1] == f"{len(records)} of {len(records)} proposals"
    assert max(cell_width(line) for line in lines) <= 100
    rows = lines[2:-1]
    assert [row[:8].rstrip() for row in rows] == [r["id"] for r in records]
    cut = [row for row in rows if row.endswith("…")]
    assert len(cut) > 100
    # A cut cell is the start of the value that was there, with "…" in place of the rest.
    by_id = {r["id"]: r for r in records}
    for row in cut:
        authors = by_id[row[:8].rstrip()]["authors"]
        assert authors.startswith(row[63:-1]) and len(row[63:]) == 37


def test_a_pipe_without_columns_keeps_full_values(
    corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    peps = corpora / "peps"
    monkeypatch.delenv("COLUMNS", raising=False)
    code, raw = _list([str(peps), "--format", "json"])
    longest = max((r["authors"] for r in json.loads(raw)), key=len)
    assert len(longest) > 200
    code, out = _list([str(peps), "--format", "table"])
    assert code == 0
    assert "…" not in out
    assert sum(line.rstrip().endswith(longest) for line in out.splitlines()) == 1


def test_layout_narrows_the_widest_columns_first() -> None:
    header = ("ID", "Title", "Authors", "Created")
    rows = [
        ("KLIP-1", "Windowed Joins Between Streams", "Ada Moreno, Bo Lindqvist", "2026-11-21"),
        ("KLIP-22", "Tags", "Chen Wei", "2026-11-22"),
    ]
    assert layout(header, rows, rule=True) == [
        "ID       Title                           Authors                   Created",
        "-------  ------------------------------  ------------------------  ----------",
        "KLIP-1   Windowed Joins Between Streams  Ada Moreno, Bo Lindqvist  2026-11-21",
        "KLIP-22  Tags                            Chen Wei                  2026-11-22",
    ]
    # 50 cells: 7 + 10 + 3 gaps of 2 are kept, so Title and Authors share 27; the
    # widest gives way first (Title, down to 24), then they take turns.
    assert layout(header, rows, width=50, keep={0, 3}, rule=True) == [
        "ID       Title          Authors         Created",
        "-------  -------------  --------------  ----------",
        "KLIP-1   Windowed Joi…  Ada Moreno, B…  2026-11-21",
        "KLIP-22  Tags           Chen Wei        2026-11-22",
    ]


def test_layout_counts_wide_characters_twice_and_right_aligns() -> None:
    rows = [("日本語のタイトル", "3"), ("Merged", "12")]
    assert layout(("Status", "Count"), rows, width=15, keep={1}, right_from=1, indent="  ") == [
        "  Status  Count",
        "  日本…       3",
        "  Merged     12",
    ]
    assert truncate("日本語", 4) == "日…"
    assert truncate("abc", 3) == "abc"


def test_build_says_what_it_wrote_and_where(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    assert (
        built_message(48, 48, site, tmp_path) == "wrote 48 pages to _site/ (open _site/index.html)"
    )
    assert built_message(48, 3, site, tmp_path) == (
        "wrote 3 of 48 pages to _site/; 45 were current (open _site/index.html)"
    )
    assert built_message(2, 1, site, tmp_path) == (
        "wrote 1 of 2 pages to _site/; 1 was current (open _site/index.html)"
    )
    assert built_message(1, 1, site, tmp_path) == "wrote 1 page to _site/ (open _site/index.html)"
    assert built_message(4, 0, site, tmp_path) == (
        "all 4 pages in _site/ were current (open _site/index.html)"
    )
    # Outside the working directory the path is absolute, never ../../.
    inside = tmp_path / "a" / "b"
    assert (
        built_message(1, 1, site, inside)
        == f"wrote 1 page to {site}{os.sep} (open {site}{os.sep}index.html)"
    )
    assert shown_path(tmp_path, tmp_path) == "./"


def test_the_build_command_prints_the_message(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(corpora / "ksql"), "-o", "out"])
    assert result.exit_code == 0, result.output
    pages = len(list((tmp_path / "out" / "p").glob("*.html")))
    assert result.stdout == f"wrote {pages} pages to out/ (open out/index.html)\n"
    again = CliRunner().invoke(main, ["build", str(corpora / "ksql"), "-o", "out"])
    assert again.stdout == f"all {pages} pages in out/ were current (open out/index.html)\n"
