"""A repository no built-in scheme describes, read from its top with no settings: its
proposals found, their scheme inferred and said, its findings and edits in its own style."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_files

ADRS = {
    "README.md": "# Decisions\n\nWe record our decisions in docs/adr.\n",
    "docs/adr/0001-record-decisions.md": (
        "# 1. Record decisions\n\nDate: 2024-01-05\n\n## Status\n\nAccepted\n\n"
        "## Context\n\nWe need a record.\n\n## Decision\n\nWe keep ADRs.\n\n"
        "## Consequences\n\nMore files.\n"
    ),
    "docs/adr/0002-use-postgres.md": (
        "# 2. Use Postgres\n\nDate: 2024-02-01\n\n## Status\n\n"
        "Superseded by [3. Use SQLite](0003-use-sqlite.md)\n\n"
        "## Context\n\nWe need a database.\n\n## Decision\n\nPostgres.\n\n"
        "## Consequences\n\nA server to run.\n"
    ),
    "docs/adr/0003-use-sqlite.md": (
        "# 3. Use SQLite\n\nDate: 2024-03-01\n\n## Status\n\nProposed\n\n"
        "## Context\n\nPostgres is too much; see [the old plan](0009-missing.md).\n\n"
        "## Decision\n\nWe use SQLite.\n"
    ),
}
NOTE = "rfcdesk: inferred a scheme from 3 documents in docs/adr/; `rfcdesk init` keeps it\n"


def rfcdesk(top: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "rfcdesk", *args],
        cwd=top,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def top(tmp_path: Path) -> Path:
    return write_files(tmp_path / "repo", ADRS)


def test_check_at_the_top_infers_the_scheme_and_says_so(top: Path) -> None:
    assert rfcdesk(top, "check") == (
        1,
        "docs/adr/0003-use-sqlite.md:11:27: L001 link to `0009-missing.md` leads nowhere: "
        "`0009-missing.md` does not exist [broken-link]\n"
        "3 proposals checked: 1 error, 0 warnings.\n",
        NOTE,
    )


def test_statuses_come_from_the_status_section_and_titles_lose_their_number(top: Path) -> None:
    code, out, err = rfcdesk(top, "list", "--format", "json")
    listed = [(p["path"], p["status"], p["title"]) for p in json.loads(out)]
    no_git = f"rfcdesk: no dates: {top.resolve() / 'docs/adr'} is not in a git repository\n"
    assert (code, err) == (0, NOTE + no_git)
    assert listed == [
        ("0001-record-decisions.md", "Accepted", "Record decisions"),
        ("0002-use-postgres.md", "Superseded", "Use Postgres"),
        ("0003-use-sqlite.md", "Proposed", "Use SQLite"),
    ]


def test_init_explains_what_it_found(top: Path) -> None:
    assert rfcdesk(top, "init", "--explain", env={"RFCDESK_NO_BUILTINS": "1"}) == (
        0,
        "Found 1 proposal collection:\n"
        "  docs/adr/  3 documents (3 named with an id)\n"
        "\n"
        "No built-in scheme's file names occur there.\n"
        "\n"
        "docs/adr/: no built-in scheme fits; inferred one:\n"
        "  - 3 of 3 documents carry an id in their name\n"
        "  - the status is the `Status` section (3 documents)\n"
        "  - 3 titles open with their own number, which is not the title\n",
        "",
    )
    assert not (top / "rfcdesk.toml").exists()


def test_init_keeps_the_inferred_scheme_and_check_reads_the_same(top: Path) -> None:
    before = rfcdesk(top, "check")
    code, out, _err = rfcdesk(top, "init")
    assert code == 0
    assert out.endswith("Wrote rfcdesk.toml. Run `rfcdesk check .` next.\n")
    settings = (top / "rfcdesk.toml").read_text("utf-8")
    assert 'path = "docs/adr"' in settings
    assert "inferred = true" in settings
    assert rfcdesk(top, "check") == (before[0], before[1], "")  # settings now: no note


def test_status_edits_the_value_under_the_status_section(top: Path) -> None:
    code, out, err = rfcdesk(top, "status", "3", "accepted")
    assert (code, out, err) == (
        0,
        "3: Proposed -> Accepted (docs/adr/0003-use-sqlite.md)\n",
        NOTE,
    )
    assert (top / "docs/adr/0003-use-sqlite.md").read_text("utf-8") == ADRS[
        "docs/adr/0003-use-sqlite.md"
    ].replace("\nProposed\n", "\nAccepted\n")


def test_a_status_kept_in_folders_is_not_written_into_the_document(tmp_path: Path) -> None:
    top = write_files(
        tmp_path / "repo",
        {
            "0000-template.md": "- Start Date: (fill me in)\n\n# Summary\n",
            **{
                f"active-rfcs/000{n}-idea-{n}.md": f"- Start Date: 2024-01-0{n}\n\n# Summary\n\nIdea {n}.\n"
                for n in range(1, 4)
            },
        },
    )
    before = (top / "active-rfcs/0001-idea-1.md").read_bytes()
    code, out, err = rfcdesk(top, "status", "1", "active")
    assert (code, out) == (2, "")
    assert err == (
        "rfcdesk: inferred a scheme from 3 documents in this folder; `rfcdesk init` keeps it\n"
        "rfcdesk: in repo a proposal's status is the folder it sits in (active-rfcs/): "
        "move active-rfcs/0001-idea-1.md to change it\n"
    )
    assert (top / "active-rfcs/0001-idea-1.md").read_bytes() == before


def test_folders_git_ignores_are_not_searched(top: Path) -> None:
    generated = {f"generated/copies/000{n}-copy.md": f"# {n}. Copy\n" for n in range(1, 6)}
    write_files(top, {**generated, ".gitignore": "generated/\n"})
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    assert rfcdesk(top, "check")[2] == NOTE  # not the larger, ignored collection
    (top / ".gitignore").unlink()
    assert rfcdesk(top, "check")[2] == (
        "rfcdesk: inferred a scheme from 5 documents in generated/copies/ (also found: docs/adr/; "
        "`rfcdesk init --explain` lists them); `rfcdesk init` keeps it\n"
    )


@pytest.mark.parametrize("name", ["design_docs", "ADR.v2", "提案", "ADR Log"])
def test_a_folder_named_any_way_gets_a_scheme_it_can_name(tmp_path: Path, name: str) -> None:
    # The inferred scheme takes the folder's name, as a scheme name may be written.
    files = {k.replace("docs/adr/", f"{name}/"): v for k, v in ADRS.items()}
    top = write_files(tmp_path / "repo", files)
    code, out, err = rfcdesk(top, "check")
    assert (code, out.splitlines()[-1]) == (1, "3 proposals checked: 1 error, 0 warnings.")
    assert (
        err == f"rfcdesk: inferred a scheme from 3 documents in {name}/; `rfcdesk init` keeps it\n"
    )
