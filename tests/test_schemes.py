"""Schemes as data: the built-ins, a team's own scheme in rfcdesk.toml, errors with lines."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import write_files
from rfcdesk.cli import main
from rfcdesk.read.folder import open_folder
from rfcdesk.read.settings import load_config
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.load import builtin_scheme_text, json_schema, locate
from rfcdesk.scheme.model import fold


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_schemes_fit_the_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator(json_schema()).validate(
        tomllib.loads(builtin_scheme_text(name))
    )


def test_schemes_lists_the_built_ins_and_prints_one() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["schemes"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == list(BUILTIN_NAMES)
    one = runner.invoke(main, ["schemes", "madr"])
    assert one.output == builtin_scheme_text("madr")
    schema = runner.invoke(main, ["schemes", "--json-schema"])
    assert json.loads(schema.output)["title"] == "rfcdesk scheme"
    unknown = runner.invoke(main, ["schemes", "kips"])
    assert unknown.exit_code == 2
    assert unknown.output.startswith("rfcdesk: unknown scheme 'kips'; the built-in schemes are:")


OWN_SCHEME = """\
path = "."

[scheme]
name = "decisions"

[scheme.files]
pattern = '^DR-(?P<id>\\d+)-(?P<slug>.+)\\.md$'
format = "DR-{id}-{slug}.md"
id_label = "DR-{id}"

[[scheme.fields]]
name = "State"
kind = "status"
required = true

[[scheme.fields]]
name = "Decided"
kind = "date"
date_formats = ["%d.%m.%Y"]

[[scheme.statuses]]
name = "open"

[[scheme.statuses]]
name = "decided"
terminal = true

[[scheme.sections]]
name = "Decision"
"""


def test_a_scheme_written_in_rfcdesk_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_files(
        tmp_path / "decisions",
        {
            "rfcdesk.toml": OWN_SCHEME,
            "DR-1-logging.md": "# Logging\n\n- State: decided\n- Decided: 31.01.2024\n\n"
            "## Decision\n\nStructured logs.\n",
            "DR-2-tracing.md": "# Tracing\n\n- State: maybe\n- Decided: 2024-02-01\n",
        },
    )
    opened = open_folder(load_config(folder), use_cache=False)
    assert opened.scheme.name == "decisions"
    assert [(p.id, p.status) for p in opened.proposals] == [("1", "decided"), ("2", None)]
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "DR-2-tracing.md:1:1: S001 required section `Decision` is missing [missing-section]",
        "DR-2-tracing.md:3:10: M010 `maybe` is not a decisions status; use one of: open, "
        "decided [invalid-status]",
        "DR-2-tracing.md:4:12: M004 `Decided` should be a date written like 31.01.2024, "
        "not `2024-02-01` [field-format]",
        "2 proposals checked: 1 error, 2 warnings.",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('kind = "date"', 'kind = "day"'),
            "rfcdesk.toml:18: scheme.fields[1].kind: 'day' is not one of ['text', 'people', "
            "'status', 'date', 'link', 'version', 'proposal', 'number']",
        ),
        (
            ('name = "decided"\nterminal', 'name = "decided"\nfinal'),
            "rfcdesk.toml:24: scheme.statuses[1]: Additional properties are not allowed "
            "('final' was unexpected) (see `rfcdesk schemes --json-schema` for the keys)",
        ),
        (
            ("(?P<id>", "(?P<number>"),
            "rfcdesk.toml:7: scheme.files.pattern: the pattern needs a `(?P<id>...)` group",
        ),
        (
            ("[[scheme.sections]]", '[scheme.workflow]\ninitial = "draft"\n\n[[scheme.sections]]'),
            "rfcdesk.toml:29: scheme.workflow.initial: names 'draft', which is not a status "
            "(open, decided)",
        ),
    ],
)
def test_scheme_errors_name_the_line(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = OWN_SCHEME.replace(*change)
    assert text != OWN_SCHEME
    folder = write_files(tmp_path / "decisions", {"rfcdesk.toml": text, "DR-1-a.md": "# A\n"})
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2
    assert result.output == f"rfcdesk: {folder / message}\n"


def test_a_scheme_file_named_by_the_settings(tmp_path: Path) -> None:
    scheme = (
        OWN_SCHEME.split("[scheme]\n", 1)[1].replace("[scheme.", "[").replace("[[scheme.", "[[")
    )
    folder = write_files(
        tmp_path / "d",
        {
            "rfcdesk.toml": 'scheme = "process/decisions.toml"\n',
            "process/decisions.toml": scheme,
            "DR-1-a.md": "# A\n\n- State: open\n\n## Decision\n\nNone yet.\n",
        },
    )
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert (result.exit_code, result.output) == (0, "1 proposal checked: no problems found.\n")


def test_locate_finds_keys_in_arrays_of_tables() -> None:
    text = '[a]\nx = 1\n\n[[a.b]]\ny = 2\n\n[[a.b]]\ny = 3\nz = """\nq = 4\n"""\nw = 5\n'
    assert locate(text, ("a", "x")) == 2
    assert locate(text, ("a", "b", 1, "y")) == 8
    assert locate(text, ("a", "b", 1, "w")) == 12
    assert locate(text, ("a", "b", 1, "q")) == 7  # inside a string: the table's line
    assert locate(text, ("nowhere",)) == 1


@pytest.mark.parametrize(
    "written",
    [
        "Under Discussion",
        "under discussion",
        " UNDER DISCUSSION ",
        "Under  Discussion",
        "Under\tDiscussion\n",
        "Under\u00a0Discussion",
        "\u3000Under\u2028Discussion",
    ],
)
def test_a_name_is_compared_without_case_or_runs_of_space(written: str) -> None:
    assert fold(written) == "under discussion"


def test_folding_keeps_words_apart_and_other_characters() -> None:
    assert fold("UnderDiscussion") == "underdiscussion"
    assert fold("Straße-Ready") == "strasse-ready"
