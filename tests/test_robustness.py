"""Bad input gets a finding or a clear error, never a traceback; one bad file never hides the
rest of the folder; what a proposal holds cannot break the page or the terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from conftest import ROOT, write_files
from rfcdesk import cli
from rfcdesk.site.render import render

RFCDESK = [sys.executable, "-m", "rfcdesk"]

PEP_ONE = """\
PEP: 1
Title: Purpose of proposals
Author: Ada Moreno <ada@example.org>
Status: Active
Type: Process
Created: 13-Jun-2000

Abstract
========

What a proposal is, and see `the guide <pep-0002.rst>`_.

Copyright
=========

This document is placed in the public domain.
"""


def _pep(number: int, body: str) -> str:
    return (
        f"PEP: {number}\nTitle: Deep lists\nAuthor: Bo Li <bo@example.org>\nStatus: Draft\n"
        f"Type: Process\nCreated: 01-Jan-2024\n\nAbstract\n========\n\n{body}\n"
    )


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RFCDESK_CACHE_DIR": str(cwd.parent / "cache")}
    return subprocess.run(
        [*RFCDESK, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def peps(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "peps",
        {"pep-0001.rst": PEP_ONE, "pep-0002.rst": _pep(2, "- " * 300 + "x")},
    )


def test_a_deeply_nested_rst_list_is_a_finding_not_a_crash(peps: Path) -> None:
    done = _run(["check", "--select", "F"], peps)
    assert done.stdout.splitlines() == [
        "pep-0002.rst:11:1: F009 lists or quotes nest 300 levels deep here (at most 100 are read); "
        "the document is not read [nested-too-deeply]",
        "2 proposals checked: 1 error, 0 warnings.",
    ]
    assert (done.returncode, done.stderr) == (1, "")


def test_one_unreadable_file_does_not_hide_the_others(peps: Path) -> None:
    done = _run(["list", "--format", "json"], peps)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [(r["path"], r["title"], r["status"]) for r in records] == [
        ("pep-0001.rst", "Purpose of proposals", "Active"),
        ("pep-0002.rst", None, None),
    ]


def test_build_renders_rst_through_docutils_and_survives_deep_nesting(
    peps: Path, tmp_path: Path
) -> None:
    done = _run(["build", "-o", str(tmp_path / "site")], peps)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "p" / "pep-0001.html").read_text("utf-8")
    # The header is the metadata card's, not a paragraph of the body; sections are headings.
    assert "PEP: 1" not in page
    assert '<h2 id="abstract">Abstract</h2>' in page
    assert '<a href="#abstract">Abstract</a>' in page  # the contents lead to it
    assert (
        '<a class="reference external" href="pep-0002.html" rel="noopener noreferrer">the guide</a>'
        in page
    )
    deep = (tmp_path / "site" / "p" / "pep-0002.html").read_text("utf-8")
    assert "- - - x" in deep


def test_a_code_block_the_highlighter_fails_on_is_shown_plain(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    nested = "".join("  " * i + "- x\n\n" for i in range(400))
    with (folder / "klip-4-pause-queries.md").open("a", encoding="utf-8") as doc:
        doc.write(f"\n```rst\n{nested}```\n")
    done = _run(["build", "-o", str(tmp_path / "site")], folder)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "p" / "klip-4-pause-queries.html").read_text("utf-8")
    assert '<pre><code class="language-rst">- x\n\n  - x\n\n    - x\n' in page


def test_no_style_attribute_reaches_the_page_and_alignment_stays() -> None:
    text = (
        "# T\n\n| a | b |\n|--:|---|\n| 1 | 2 |\n\n"
        '<table><tr><td style="position:fixed;top:0;left:0;width:100%;height:100%">x</td>'
        "</tr></table>\n"
    )
    html = render(text, "klip-1-x.md", lambda _path: None).html
    assert "style" not in html
    assert '<th align="right">a</th>' in html
    assert '<td align="right">1</td>' in html
    assert "<td>x</td>" in html


def test_build_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    (tmp_path / "FILE").write_text("not a folder\n")
    done = _run(["build", "-o", str(tmp_path / "FILE" / "site")], folder)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"rfcdesk: {tmp_path / 'FILE' / 'site'}: cannot write the site there: "
        f"{tmp_path / 'FILE'} is a file\n"
    )


def test_a_site_file_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    site = tmp_path / "site"
    assert _run(["build", "-o", str(site)], folder).returncode == 0
    shutil.rmtree(site / "source")
    (site / "source").write_text("a file where the sources go\n")
    done = _run(["build", "-o", str(site)], folder)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"rfcdesk: {site / 'source' / 'klip-1-windowed-joins.md'}: cannot write it: "
        f"{site / 'source'} is a file\n"
    )


def test_settings_that_are_not_utf8_are_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    (folder / "rfcdesk.toml").write_bytes(b'scheme = "klip"\n# caf\xe9\n')
    done = _run(["check"], folder)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"rfcdesk: {folder / 'rfcdesk.toml'}:2: not UTF-8 text (byte 0xe9); save it as UTF-8\n"
    )


def test_a_bug_exits_3_with_one_line_and_a_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    def broken(*_args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr("rfcdesk.commands.check.run", broken)
    result = CliRunner().invoke(cli.main, ["check", str(ROOT / "examples" / "klip")])
    assert result.exit_code == 3
    logs = list(tmp_path.glob("rfcdesk-crash-*.log"))
    assert len(logs) == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"rfcdesk: internal error (RuntimeError: a bug), please report it with the log at "
        f"{logs[0]}\n"
    )
    log = logs[0].read_text("utf-8")
    assert log.startswith("rfcdesk ")
    assert "Traceback (most recent call last):" in log
    assert log.endswith("RuntimeError: a bug\n")


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("rfcdesk.commands.check.run", interrupted)
    result = CliRunner().invoke(cli.main, ["check", str(ROOT / "examples" / "klip")])
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "rfcdesk: interrupted\n")


def test_terminal_escapes_in_a_title_are_shown_not_obeyed(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    (folder / "klip-5-evil.md").write_text(
        "# KLIP 5 - Evil \x1b[2Jtitle\n\n**Author**: Ann \x9b1m |\n**Status**: Proposal |\n"
    )
    done = _run(["list"], folder)
    row = next(line for line in done.stdout.splitlines() if line.startswith("KLIP-5"))
    assert row.split("  ")[0:2] == ["KLIP-5", "Evil \\u001b[2Jtitle"]
    assert "\\u009b1m" in row
    assert "\x1b" not in done.stdout and "\x9b" not in done.stdout


def test_control_characters_keep_the_feed_well_formed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "klip", repo)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Eve\x01Adams",
        "GIT_AUTHOR_EMAIL": "eve@example.org",
        "GIT_COMMITTER_NAME": "Eve",
        "GIT_COMMITTER_EMAIL": "eve@example.org",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "add\x02 it"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    done = _run(["build", "-o", str(tmp_path / "site")], repo)
    assert done.returncode == 0, done.stderr
    feed = ET.parse(tmp_path / "site" / "feed.xml").getroot()
    names = {n.text for n in feed.iter("{http://www.w3.org/2005/Atom}name")}
    summaries = {n.text for n in feed.iter("{http://www.w3.org/2005/Atom}summary")}
    assert names == {"Eve\ufffdAdams"}
    assert summaries == {"add\ufffd it"}


def test_a_binary_or_huge_file_named_md_is_reported_not_rendered(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    (folder / "klip-8-blob.md").write_bytes(b"# KLIP 8 - Blob\n\x00MARKER-IN-BLOB\n")
    (folder / "klip-9-huge.md").write_bytes(b"# KLIP 9 - Huge\n" + b"HUGE-MARKER " * 1_000_000)
    done = _run(["check", "--select", "F"], folder)
    assert done.stdout.splitlines() == [
        "klip-8-blob.md:1:1: F002 file holds binary data (NUL bytes), not Markdown [binary-file]",
        "klip-9-huge.md:1:1: F005 file is 11.4 MB, over the 10 MB limit; not read [file-too-large]",
        "6 proposals checked: 2 errors, 0 warnings.",
    ]
    site = tmp_path / "site"
    built = _run(["build", "-o", str(site)], folder)
    assert built.returncode == 0, built.stderr
    for page in (p for p in site.rglob("*") if p.is_file()):
        data = page.read_bytes()
        assert b"MARKER-IN-BLOB" not in data and b"HUGE-MARKER" not in data, page
    assert (site / "p" / "klip-8-blob.html").is_file()


def test_new_names_a_file_the_file_name_rules_accept(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    done = _run(["new", "Café Crème: ünïcode & more", "--author", "Ann"], folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "klip-7-cafe-creme-unicode-more.md").is_file()
    checked = _run(["check", "--select", "F01"], folder)
    assert (checked.returncode, checked.stdout) == (0, "5 proposals checked: no problems found.\n")
