"""The command line as users run it: exit codes, formats, selection, baselines, bad input."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_files
from rfcdesk.cli import main
from support import run

GOOD = """# KLIP 1 - Joins

**Author**: Ada |
**Release Target**: 0.4.0 |
**Status**: _Merged_ |
**Discussion**: https://example.org/pull/1

**tl;dr:** _Why._
"""
BAD_STATUS = GOOD.replace("_Merged_", "_Shipped_")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_files(tmp_path / "klips", {"klip-1-joins.md": BAD_STATUS})


def test_text_output_and_exit_1_on_errors(folder: Path) -> None:
    code, out = run(["check", "--select", "M010"], folder)
    assert code == 1
    assert out == (
        "klip-1-joins.md:5:13: M010 `Shipped` is not a klip status; use one of: Proposal, "
        "In Discussion, Design Approved, In Development, Merged, Rejected, Withdrawn [invalid-status]\n"
        "1 proposal checked: 1 error, 0 warnings.\n"
    )


def test_exit_0_with_warnings_only(folder: Path) -> None:
    code, out = run(["check", "--select", "S"], folder)
    assert code == 0
    assert out.endswith("1 proposal checked: 0 errors, 11 warnings.\n")


def test_json_format(folder: Path) -> None:
    code, out = run(["check", "--select", "M010", "--format", "json"], folder)
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 0, "baselined": 0}
    assert data["diagnostics"][0] | {"message": ""} == {
        "path": "klip-1-joins.md", "line": 5, "col": 13, "code": "M010",
        "name": "invalid-status", "severity": "error", "message": "",
    }  # fmt: skip


def test_github_format(folder: Path) -> None:
    _code, out = run(["check", "--select", "M010", "--format", "github"], folder)
    first = out.splitlines()[0]
    assert first.startswith(
        "::error file=klip-1-joins.md,line=5,col=13,title=M010 invalid-status::`Shipped` is not"
    )


def test_ignore_beats_a_shorter_select(folder: Path) -> None:
    code, out = run(["check", "--select", "M", "--ignore", "M010"], folder)
    assert (code, out) == (0, "1 proposal checked: no problems found.\n")


def test_unknown_code_is_a_usage_error(folder: Path) -> None:
    code, out = run(["check", "--select", "X9"], folder)
    assert (code, out) == (
        2,
        "rfcdesk: no rule code starts with 'X9'; `rfcdesk rules` lists them\n",
    )


def test_inline_comment_silences_a_rule_for_one_file(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "k",
        {
            "klip-1-joins.md": BAD_STATUS + "\n<!-- rfcdesk: disable=M010 -->\n",
            "klip-2-tags.md": BAD_STATUS.replace("KLIP 1", "KLIP 2"),
        },
    )
    _code, out = run(["check", "--select", "M010"], folder)
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == ["klip-2-tags.md"]


def test_baseline_fails_only_on_new_findings(folder: Path) -> None:
    code, _ = run(["check", "--select", "M", "--write-baseline", "base.json"], folder)
    assert code == 0
    code, out = run(["check", "--select", "M", "--baseline", "base.json"], folder)
    assert (code, out) == (
        0,
        "1 proposal checked: no problems found (1 known from the baseline not shown).\n",
    )
    (folder / "klip-2-new.md").write_text(BAD_STATUS.replace("KLIP 1", "KLIP 2"), encoding="utf-8")
    code, out = run(["check", "--select", "M", "--baseline", "base.json"], folder)
    assert code == 1
    assert out.splitlines()[0].startswith("klip-2-new.md:5:13: M010")


def test_bad_files_get_their_own_codes(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "k",
        {
            "klip-1-good.md": GOOD,
            "klip-2-empty.md": "",
            "klip-3-binary.md": b"\x89PNG\r\n\x1a\n\x00\x00",
            "klip-4-latin1.md": "# KLIP 4 - Caf\xe9\n".encode("latin-1"),
        },
    )
    (folder / "klip-5-huge.md").write_bytes(b"# KLIP 5 - Huge\n" + b"x" * (20 * 1024 * 1024))
    (folder / "klip-6-locked.md").write_text(GOOD, encoding="utf-8")
    (folder / "klip-6-locked.md").chmod(0)
    code, out = run(["check", "--select", "F"], folder)
    lines = out.splitlines()
    assert code == 1
    assert lines[:4] == [
        "klip-2-empty.md:1:1: F001 file is empty [empty-file]",
        "klip-3-binary.md:1:1: F002 file holds binary data (NUL bytes), not Markdown [binary-file]",
        "klip-4-latin1.md:1:15: F003 file is not UTF-8: byte 0xe9 cannot be decoded; save it as UTF-8 [not-utf8]",
        "klip-5-huge.md:1:1: F005 file is 20.0 MB, over the 10 MB limit; not read [file-too-large]",
    ]
    if os.geteuid() != 0:  # root reads files whatever their mode
        assert (
            lines[4]
            == "klip-6-locked.md:1:1: F004 cannot read file: Permission denied [unreadable-file]"
        )


def test_check_never_writes_to_the_folder(folder: Path) -> None:
    before = {p: p.read_bytes() for p in folder.iterdir()}
    run(["check"], folder)
    assert {p: p.read_bytes() for p in folder.iterdir()} == before


def test_config_file_names_folder_scheme_and_rules(tmp_path: Path) -> None:
    write_files(tmp_path / "docs" / "proposals", {"klip-1-joins.md": BAD_STATUS})
    (tmp_path / "pyproject.toml").write_text(
        '[tool.rfcdesk]\npath = "docs/proposals"\nscheme = "klip"\nignore = ["S", "M010"]\n',
        encoding="utf-8",
    )
    code, out = run(["check"], tmp_path)
    assert (code, out) == (0, "1 proposal checked: no problems found.\n")


def test_bad_config_is_exit_2_with_the_file(tmp_path: Path) -> None:
    (tmp_path / "rfcdesk.toml").write_text('scheme = "klip"\ncolour = true\n', encoding="utf-8")
    code, out = run(["check"], tmp_path)
    assert code == 2
    assert (
        out
        == f"rfcdesk: {tmp_path / 'rfcdesk.toml'}: unknown setting 'colour' (known: approvals, approvers, ignore, path, periods, scheme, select, stale_days)\n"
    )


def test_undetectable_folder_is_exit_2(tmp_path: Path) -> None:
    write_files(tmp_path, {"notes.md": "# Notes\n"})
    code, out = run(["check"], tmp_path)
    assert (code, out) == (
        2,
        f"rfcdesk: no proposals found under {tmp_path.resolve()}; the nearest candidate is "
        "the folder itself (1 document, not named with ids like `0042-slug.md`, nor in "
        "status folders like `accepted/`)\n",
    )


def test_list_filters_and_formats(tmp_path: Path) -> None:
    # A copy outside any git repository: no dates, and a note on stderr that says why.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    code, out = run(["list", "examples/klip", "--status", "approved", "--format", "csv"], tmp_path)
    assert (code, out) == (
        0,
        "id,title,status,authors,path,created,updated,status_since\n"
        "KLIP-2,A Local Cache for Schema Lookups,Design Approved,Bo Lindqvist (@blind),klip-2-schema-cache.md,,,\n"
        f"rfcdesk: no dates: {tmp_path / 'examples' / 'klip'} is not in a git repository\n",
    )
    code, out = run(["list", "examples/rfc", "--author", "tomás", "--format", "json"], ROOT)
    assert [r["id"] for r in json.loads(out)] == [
        "20240310_async_replication",
        "20240620_tenant_quotas",
    ]
    code, out = run(["list", "examples/klip", "--status", "shipped"], ROOT)
    assert (code, out) == (
        2,
        "rfcdesk: `shipped` is not a klip status; use one of: Proposal, In Discussion, "
        "Design Approved, In Development, Merged, Rejected, Withdrawn\n",
    )


def test_show_one_proposal() -> None:
    code, out = run(["show", "klip-2", "examples/klip"], ROOT)
    assert code == 0
    assert out.splitlines()[:4] == [
        "KLIP-2: A Local Cache for Schema Lookups",
        "  file    examples/klip/klip-2-schema-cache.md",
        "  status  Design Approved",
        "Fields",
    ]
    # `Approved` is a spelling the klip scheme lists (ksqlDB's README writes it), and a
    # release target is TBD until the KLIP is merged: nothing to report.
    assert out.endswith("Diagnostics (0)\n")
    code, out = run(["show", "99", "examples/klip"], ROOT)
    assert (code, out) == (1, f"rfcdesk: no proposal `99` in {ROOT / 'examples' / 'klip'}\n")


def test_python_dash_m_and_a_second_cached_run_agree(tmp_path: Path) -> None:
    env = {**os.environ, "RFCDESK_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "rfcdesk", "check", "examples/klip"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.endswith("4 proposals checked: 9 errors, 11 warnings.\n")
    assert list((tmp_path / "cache").glob("*.pickle"))


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [name for name in main.commands if f"| `rfcdesk {name}" not in readme]
    assert missing == []


def test_check_at_the_top_reads_the_proposals_below(tmp_path: Path) -> None:
    # The repository's top, not its proposal folder: the proposals are found, and read as
    # they are when pointed at.
    shutil.copytree(ROOT / "examples" / "klip", tmp_path / "design" / "klips")
    below = run(["check", "--scheme", "klip", "design/klips"], tmp_path)
    at_top = run(["check", "--scheme", "klip"], tmp_path)
    note = "rfcdesk: reading 4 documents in design/klips/\n"  # on stderr
    assert (at_top[0], at_top[1].count(note), at_top[1].replace(note, "")) == (1, 1, below[1])
    assert below[0] == 1


def test_a_folder_with_no_proposals_is_a_usage_error(tmp_path: Path) -> None:
    # A CI job pointed where no proposal is must not pass with "0 proposals checked".
    write_files(
        tmp_path,
        {"README.md": "# Project\n", "docs/guide.md": "# Guide\n", "docs/faq.md": "# FAQ\n"},
    )
    code, out = run(["check"], tmp_path)
    assert (code, out) == (
        2,
        f"rfcdesk: no proposals found under {tmp_path.resolve()}; the nearest candidate is "
        "docs/ (2 documents, not named with ids like `0042-slug.md`, nor in status folders "
        "like `accepted/`)\n",
    )
    code, out = run(["check", "--scheme", "klip"], tmp_path)
    assert (code, out) == (
        2,
        f"rfcdesk: no proposals found in {tmp_path.resolve()}: the klip scheme reads files "
        "like `klip-12-short-title.md`; point rfcdesk at the folder that holds them\n",
    )


def test_a_command_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    assert gc.isenabled()
    code, _ = run(["list", str(ROOT / "examples" / "klip")], tmp_path)
    assert code == 0
    assert gc.isenabled()
