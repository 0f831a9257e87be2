"""Edits on the real corpora: every byte outside the edit stays, and the index drift is fixed."""

from __future__ import annotations

import difflib
import io
import re
import shutil
from pathlib import Path

import pytest

from rfcdesk.config import load_config
from rfcdesk.folder import open_folder
from rfcdesk.indextable import cells_of
from rfcdesk.move import MoveOptions, run_status
from rfcdesk.reindex import run_index
from rfcdesk.scheme import Scheme


def _other_status(scheme: Scheme, current: str | None) -> str:
    return next(s.name for s in scheme.statuses if s.name != current)


def _status_line(data: bytes, line: int) -> bytes:
    return data.split(b"\n")[line - 1]


@pytest.mark.parametrize("corpus", ["ksql", "wescale"])
def test_set_a_status_and_set_it_back(corpora: Path, tmp_path: Path, corpus: str) -> None:
    folder = tmp_path / corpus
    shutil.copytree(corpora / corpus, folder)
    opened = open_folder(load_config(folder))
    scheme = opened.scheme
    spec = scheme.field_of_kind("status")
    assert spec is not None
    checked = {"restored": 0, "inserted": 0, "replaced": 0}
    index = folder / "README.md"
    for proposal in opened.proposals:
        path = folder / proposal.path
        original = path.read_bytes()
        index_before = index.read_bytes() if index.exists() else b""
        field = proposal.field(spec.name)
        target = _other_status(scheme, proposal.status)
        force = MoveOptions(force=True)
        assert run_status(folder, proposal.path, target, force, io.StringIO()) == 0
        moved = path.read_bytes()
        if field is not None and proposal.status is not None:
            back = field.value
            assert run_status(folder, proposal.path, back, force, io.StringIO()) == 0
            assert path.read_bytes() == original, proposal.path
            # The index changed at most on this proposal's own rows (where it disagreed).
            old_rows, new_rows = index_before.split(b"\n"), index.read_bytes().split(b"\n")
            assert len(old_rows) == len(new_rows)
            label = scheme.label(proposal.id or "").encode() + b":"
            assert all(label in b for a, b in zip(old_rows, new_rows, strict=True) if a != b), (
                proposal.path
            )
            checked["restored"] += 1
        elif field is None:
            # No status line: one was added (with a blank line when the file had no
            # fields at all); nothing else moved.
            old_lines, new_lines = original.split(b"\n"), moved.split(b"\n")
            matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
            ops = [op for op in matcher.get_opcodes() if op[0] != "equal"]
            added = [line for _op, _a, _b, c, d in ops for line in new_lines[c:d]]
            assert {op[0] for op in ops} == {"insert"}, proposal.path
            status_lines = [line for line in added if target.encode() in line]
            assert len(status_lines) == 1 and len(added) == (1 if proposal.fields else 2)
            checked["inserted"] += 1
        else:
            # A value that is no status (`values: Merged, keys: ...`) cannot be typed back:
            # only its line changed.
            old_lines, new_lines = original.split(b"\n"), moved.split(b"\n")
            differ = [
                i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b
            ]
            assert differ == [field.line - 1], proposal.path
            assert len(old_lines) == len(new_lines)
            checked["replaced"] += 1
    # ksql.expected.tsv: 44 KLIPs with a status, 2 without a Status field, 1 whose value is
    # no status at all; WeSQL-Scale dropped its Status lines in 2023.
    expected = {
        "ksql": {"restored": 44, "inserted": 2, "replaced": 1},
        "wescale": {"restored": 0, "inserted": 11, "replaced": 0},
    }
    assert checked == expected[corpus]


def _releases(readme: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in readme.splitlines():
        cells = cells_of(line) if line.startswith("|") else []
        found = re.match(r"\[?KLIP-(\d+):", cells[0]) if len(cells) == 5 else None
        if found:
            rows[found[1]] = (cells[2], cells[3])
    return rows


def test_index_fixes_the_ksql_drift_and_keeps_release_columns(
    corpora: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ksql"
    shutil.copytree(corpora / "ksql", folder)
    before = (folder / "README.md").read_text("utf-8")
    out = io.StringIO()
    assert run_index(folder, check=True, out=out) == 1
    diff = out.getvalue()
    assert "-Next KLIP number: **64**\n+Next KLIP number: **67**\n" in diff
    assert "-| [KLIP-1: Improve UDF Interfaces](klip-1-improve-udf-interfaces.md)" in diff
    assert (folder / "README.md").read_text("utf-8") == before  # --check wrote nothing

    assert run_index(folder, out=io.StringIO()) == 0
    out = io.StringIO()
    assert run_index(folder, check=True, out=out) == 0
    assert out.getvalue() == "README.md is up to date\n"
    after = (folder / "README.md").read_text("utf-8")
    old, new = _releases(before), _releases(after)
    assert len(old) == 63 and set(new) == set(old)
    assert new == old  # every hand-kept release cell is where it was
    # Statuses now come from the files: KLIP-1 says In Discussion, the old table Approved.
    line = next(x for x in after.splitlines() if "[KLIP-1:" in x)
    assert cells_of(line)[1] == "In Discussion"
    # Ids without a file keep their row, marked, with the dead link dropped.
    line = next(x for x in after.splitlines() if "KLIP-17:" in x)
    assert cells_of(line)[0] == "KLIP-17: Remove 'INSERT INTO' in favour of SQL Union *(no file)*"

    from rfcdesk.check import CheckOptions, run_check

    out = io.StringIO()
    assert run_check(folder, CheckOptions(select=("I",), use_cache=False), out) == 0
    assert out.getvalue() == "47 proposals checked: no problems found.\n"
