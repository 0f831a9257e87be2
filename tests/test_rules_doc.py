"""docs/rules.md documents every rule, and every example in it is run here."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import ROOT, write_files
from rfcdesk.commands import check as check_command
from rfcdesk.rules import load_all

DOC = ROOT / "docs" / "rules.md"
_HEADING = re.compile(r"^## (?P<code>[A-Z]\d{3}) (?P<name>[a-z0-9-]+)$", re.M)
_FILE_BLOCK = re.compile(r"^`(?P<name>[^`]+)`\n\n````markdown\n(?P<body>.*?)\n?````$", re.M | re.S)
_REPORT = re.compile(r"^Reports:\n\n````text\n(?P<body>.*?)\n````$", re.M | re.S)


class Example(NamedTuple):
    code: str
    name: str
    bad: dict[str, str]
    reports: list[str]
    good: dict[str, str]


def _examples() -> list[Example]:
    text = DOC.read_text(encoding="utf-8")
    parts = _HEADING.split(text)[1:]
    examples = []
    for code, name, body in zip(parts[0::3], parts[1::3], parts[2::3], strict=True):
        if "Bad:" not in body:
            continue
        bad_part, _, good_part = body.partition("Good:")
        report = _REPORT.search(bad_part)
        assert report, f"{code}: no Reports block"
        examples.append(
            Example(
                code,
                name,
                {m["name"]: m["body"] + "\n" for m in _FILE_BLOCK.finditer(bad_part)},
                report["body"].splitlines(),
                {m["name"]: m["body"] + "\n" for m in _FILE_BLOCK.finditer(good_part)},
            )
        )
    return examples


def _check(folder: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(folder)
    out = io.StringIO()
    status = check_command.run(check_command.Options(select=(code,), use_cache=False), out)
    return status, out.getvalue().splitlines()[:-1]  # the last line is the summary


def test_every_rule_is_documented() -> None:
    documented = dict(re.findall(r"^## ([A-Z]\d{3}) ([a-z0-9-]+)$", DOC.read_text("utf-8"), re.M))
    rules = {code: rule.name for code, rule in load_all().items()}
    assert documented == rules


# Rules a Markdown example cannot show: L004 needs a symbolic link (tests/test_containment.py),
# D002 another git ref (tests/test_workflow.py).
NEEDS_MORE_THAN_MARKDOWN = {"L004", "D002"}


def test_every_rule_with_a_check_has_an_example() -> None:
    examples = {e.code for e in _examples()}
    with_check = {code for code, rule in load_all().items() if rule.check is not None}
    assert with_check - examples == NEEDS_MORE_THAN_MARKDOWN


@pytest.mark.parametrize("example", _examples(), ids=lambda e: f"{e.code}-{e.name}")
def test_bad_example_reports_exactly(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "bad", dict(example.bad))
    _status, lines = _check(folder, example.code, monkeypatch)
    assert lines == example.reports


@pytest.mark.parametrize("example", _examples(), ids=lambda e: f"{e.code}-{e.name}")
def test_good_example_is_clean(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "good", dict(example.good))
    status, lines = _check(folder, example.code, monkeypatch)
    assert (status, lines) == (0, [])
