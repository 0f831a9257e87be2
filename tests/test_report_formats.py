"""The formats CI services read: SARIF 2.1.0 (GitHub code scanning) and GitLab Code Quality.

Each is validated against a schema in tests/data (the official SARIF one, and one written from
GitLab's documented fields), and pinned exactly for examples/klip: every line of the text
report is one SARIF result and one GitLab issue.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from conftest import ROOT, write_files
from rfcdesk import __version__
from rfcdesk.model import Diagnostic, Severity
from rfcdesk.report.formats import SourceRoot
from rfcdesk.report.gitlab import issues
from rfcdesk.report.sarif import artifact_uri, sarif_log
from rfcdesk.rules import RULES, load_all
from support import EXAMPLES, page_klip, repo_with, run

DATA = ROOT / "tests" / "data"
SARIF_SCHEMA_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
RULES_DOC = "https://github.com/rfcdesk/rfcdesk/blob/main/docs/rules.md"

# `rfcdesk check examples/klip`, run from the project's top (which is the repository's top).
KLIP_REPORT = """\
examples/klip/README.md:6:21: I005 next number is 5, but KLIP-6 is already used (README.md:13); the next free number is 7 [index-next-number]
examples/klip/README.md:8:1: I001 KLIP-4 (klip-4-pause-queries.md) has no row in the index [index-missing-row]
examples/klip/README.md:11:1: I002 KLIP-2 is `In Discussion` here but `Design Approved` in klip-2-schema-cache.md:5 [index-status-mismatch]
examples/klip/README.md:13:1: I003 KLIP-6 links to `klip-6-query-timeouts.md`, which does not exist [index-dead-link]
examples/klip/klip-3-query-tags.md:3:1: M001 required field `Release Target` is missing [missing-field]
examples/klip/klip-3-query-tags.md:4:13: M010 `Almost done` is not a klip status; use one of: Proposal, In Discussion, Design Approved, In Development, Merged, Rejected, Withdrawn [invalid-status]
examples/klip/klip-3-query-tags.md:5:17: M002 `Discussion` still holds the template's text `the pull request where the design is discussed` [template-field]
examples/klip/klip-3-query-tags.md:15:1: S003 section `What is in scope` still holds the template's guidance text (1 paragraph) [template-section]
examples/klip/klip-3-query-tags.md:28:1: L001 link to `klip-9-query-syntax.md` leads nowhere: `klip-9-query-syntax.md` does not exist [broken-link]
examples/klip/klip-3-query-tags.md:34:1: S002 section `Test plan` is empty [empty-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `Compatibility Implications` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `Documentation Updates` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `LOEs and Delivery Milestones` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `Public APIs` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `Security Implications` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `Test plan` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `Value/Return` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `What is in scope` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: S001 required section `What is not in scope` is missing [missing-section]
examples/klip/klip-4-pause-queries.md:1:1: T002 title says KLIP-5 but the file name says KLIP-4 [title-id-mismatch]
4 proposals checked: 9 errors, 11 warnings.
"""
_LINE = re.compile(
    r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) (?P<message>.*) "
    r"\[(?P<name>[a-z0-9-]+)\]"
)
# Each rule's default severity as docs/rules.md states it under its heading.
_DOC_RULE = re.compile(
    r"^## (?P<code>[A-Z]\d{3}) (?P<name>[a-z0-9-]+)\n\n[^\n]*Default severity: \*\*(?P<level>\w+)\*\*",
    re.M,
)
DOCUMENTED = {
    m["code"]: (m["name"], m["level"])
    for m in _DOC_RULE.finditer((ROOT / "docs" / "rules.md").read_text("utf-8"))
}


def _report_lines(report: str) -> list[re.Match[str]]:
    """The findings of a text report, one match a line (the summary line left out)."""
    *lines, _summary = report.splitlines()
    matches = [_LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    return [m for m in matches if m]


# --- URIs: the schema says `format: uri`, which jsonschema checks only with an extra package,
# so the test checks RFC 3986's characters itself.
_URI_TEXT = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?"
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(
        re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:" + _URI_TEXT, value)
    )


@_FORMATS.checks("uri-reference")
def _is_uri_reference(value: object) -> bool:
    if not isinstance(value, str) or _is_uri(value):
        return True
    # A relative reference: no colon before the first slash, or it would read as a scheme.
    return bool(re.fullmatch(_URI_TEXT, value)) and ":" not in value.split("/")[0]


def _errors(data: Any, schema_name: str) -> list[str]:
    schema = json.loads((DATA / schema_name).read_text("utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=_FORMATS)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def _sarif_result(
    path: str, line: int, col: int, code: str, level: str, message: str, index: int
) -> dict[str, Any]:
    region = {"startLine": line, "startColumn": col} if line else {"startLine": 1}
    return {
        "ruleId": code,
        "ruleIndex": index,
        "level": level,
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
    }


def _rules_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = log["runs"][0]["tool"]["driver"]["rules"]
    return rules


# --- SARIF ------------------------------------------------------------------------------


def test_sarif_for_klip_is_the_text_report_line_by_line() -> None:
    code, text = run(["check", "examples/klip"], ROOT)
    assert (code, text) == (1, KLIP_REPORT)
    code, out = run(["check", "examples/klip", "--format", "sarif"], ROOT)
    assert code == 1
    log = json.loads(out)
    rules = _rules_of(log)
    ids = [rule["id"] for rule in rules]
    results = [
        _sarif_result(
            m["path"], int(m["line"]), int(m["col"]), m["code"],
            DOCUMENTED[m["code"]][1], m["message"], ids.index(m["code"]),
        )
        for m in _report_lines(KLIP_REPORT)
    ]  # fmt: skip
    assert log == {
        "$schema": SARIF_SCHEMA_ID,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rfcdesk",
                        "version": __version__,
                        "informationUri": "https://github.com/rfcdesk/rfcdesk",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {
                        "description": {
                            "text": "The top folder of the git repository that holds the "
                            "proposal folder."
                        }
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    assert [r["level"] for r in results].count("error") == 9  # as the summary line says


def test_sarif_lists_every_rule_in_code_order_as_documented() -> None:
    _code, out = run(["check", "examples/klip", "--format", "sarif"], ROOT)
    rules = _rules_of(json.loads(out))
    assert [r["id"] for r in rules] == sorted(load_all())
    assert {r["id"]: (r["name"], r["defaultConfiguration"]["level"]) for r in rules} == DOCUMENTED
    headings = re.findall(
        r"^## ([A-Z]\d{3} [a-z0-9-]+)$", (ROOT / "docs" / "rules.md").read_text("utf-8"), re.M
    )
    anchors = {f"{RULES_DOC}#{h.lower().replace(' ', '-')}" for h in headings}  # GitHub's slugs
    assert {r["helpUri"] for r in rules} == anchors
    assert rules[[r["id"] for r in rules].index("M004")] == {
        "id": "M004",
        "name": "field-format",
        "shortDescription": {"text": "A field's value does not look like its kind (link, date)."},
        "fullDescription": {
            "text": "A field's value does not look like its kind (link, date). Default severity: warning."
        },
        "help": {
            "text": "A field's value does not look like its kind (link, date). Documented at "
            f"{RULES_DOC}#m004-field-format. Skip it with `--ignore M004` or silence it in one "
            "Markdown file with `<!-- rfcdesk: disable=M004 -->`.",
            "markdown": "A field's value does not look like its kind (link, date). See "
            f"[M004 field-format]({RULES_DOC}#m004-field-format). Skip it with `--ignore M004` "
            "or silence it in one Markdown file with `<!-- rfcdesk: disable=M004 -->`.",
        },
        "helpUri": f"{RULES_DOC}#m004-field-format",
        "defaultConfiguration": {"level": "warning"},
    }


@pytest.mark.parametrize("folder", ["examples/klip", "corpora/ksql"])
@pytest.mark.parametrize(
    ("output_format", "schema"),
    [("sarif", "sarif-schema-2.1.0.json"), ("gitlab", "gitlab-code-quality.schema.json")],
)
def test_output_is_valid_for_its_schema(
    folder: str, output_format: str, schema: str, request: pytest.FixtureRequest
) -> None:
    if folder.startswith("corpora/"):
        path = request.getfixturevalue("corpora") / folder.removeprefix("corpora/")
    else:
        path = ROOT / folder
    code, out = run(["check", str(path), "--format", output_format], ROOT)
    assert code == 1  # both folders hold errors
    data = json.loads(out)
    assert _errors(data, schema) == []
    # The same findings as the JSON format, one entry each, in the same order.
    _code, plain = run(["check", str(path), "--format", "json"], ROOT)
    expected = [(d["code"], d["message"]) for d in json.loads(plain)["diagnostics"]]
    if output_format == "sarif":
        found = [(r["ruleId"], r["message"]["text"]) for r in data["runs"][0]["results"]]
    else:
        found = [(i["check_name"].split()[0], i["description"].split(" ", 1)[1]) for i in data]
        assert len({i["fingerprint"] for i in data}) == len(data)
    assert found == expected and expected


def test_sarif_paths_outside_git_are_from_the_folder(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "klip", tmp_path / "klip")
    _code, text = run(["check", "klip"], tmp_path)
    code, out = run(["check", "klip", "--format", "sarif"], tmp_path)
    run_ = json.loads(out)["runs"][0]
    assert code == 1
    assert run_["originalUriBaseIds"] == {
        "%SRCROOT%": {"description": {"text": "The proposal folder."}}
    }
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]
    ]
    assert uris == [m["path"].removeprefix("klip/") for m in _report_lines(text)]
    assert uris[0] == "README.md"


@pytest.mark.parametrize("output_format", ["sarif", "gitlab"])
def test_paths_are_from_the_repository_top_wherever_check_runs(
    tmp_path: Path, output_format: str
) -> None:
    folder = repo_with(tmp_path, "klip")  # the folder is `proposals/` in its repository
    _code, text = run(["check"], folder)
    code, out = run(["check", "--format", output_format], folder)
    data = json.loads(out)
    if output_format == "sarif":
        paths = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in data["runs"][0]["results"]
        ]
    else:
        paths = [i["location"]["path"] for i in data]
    assert code == 1
    assert paths == ["proposals/" + m["path"] for m in _report_lines(text)]
    assert paths[0] == "proposals/README.md"


def test_sarif_uri_escapes_what_a_uri_cannot_hold() -> None:
    uri = artifact_uri("notes/klip 7: joins#1?é.md")
    assert uri == "notes/klip%207%3A%20joins%231%3F%C3%A9.md"
    assert unquote(uri) == "notes/klip 7: joins#1?é.md"
    assert _is_uri_reference(uri) and not _is_uri_reference("klip 7.md")
    assert _is_uri("klip:7.md")  # unescaped, a colon would read as a scheme


def _diagnostic(path: str, line: int, col: int, message: str = "file is empty") -> Diagnostic:
    return Diagnostic(path, line, col, "F001", "empty-file", message, Severity.ERROR)


def test_a_finding_about_the_whole_file_points_at_its_first_line() -> None:
    # F008 and F007 are reported at line 0: the file as a whole.
    whole = _diagnostic("klip 1.md", 0, 1)
    log = sarif_log([whole], [RULES["F001"]], SourceRoot("docs/", True))
    assert log["runs"][0]["results"] == [
        _sarif_result("docs/klip%201.md", 0, 1, "F001", "error", "file is empty", 0)
    ]
    assert _errors(log, "sarif-schema-2.1.0.json") == []
    found = issues([whole], SourceRoot("docs/", True))
    assert [i["location"] for i in found] == [{"path": "docs/klip 1.md", "lines": {"begin": 1}}]
    assert _errors(found, "gitlab-code-quality.schema.json") == []


def test_no_findings_is_a_valid_empty_report(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "klips", {"klip-1-joins.md": page_klip(1, "Joins", "Merged", "Why.")}
    )
    code, out = run(["check", "--select", "L", "--format", "sarif"], folder)
    log = json.loads(out)
    assert (code, log["runs"][0]["results"]) == (0, [])
    assert _errors(log, "sarif-schema-2.1.0.json") == []
    code, out = run(["check", "--select", "L", "--format", "gitlab"], folder)
    assert (code, out) == (0, "[]\n")


# --- GitLab Code Quality ----------------------------------------------------------------


def test_gitlab_for_klip_is_the_text_report_line_by_line() -> None:
    code, out = run(["check", "examples/klip", "--format", "gitlab"], ROOT)
    found = json.loads(out)
    gitlab_severity = {"error": "major", "warning": "minor"}
    assert code == 1
    assert [{k: v for k, v in i.items() if k != "fingerprint"} for i in found] == [
        {
            "description": f"{m['code']} {m['message']}",
            "check_name": f"{m['code']} {m['name']}",
            "severity": gitlab_severity[DOCUMENTED[m["code"]][1]],
            "location": {"path": m["path"], "lines": {"begin": int(m["line"])}},
        }
        for m in _report_lines(KLIP_REPORT)
    ]
    fingerprints = [i["fingerprint"] for i in found]
    assert all(re.fullmatch(r"[0-9a-f]{32}", f) for f in fingerprints)
    assert len(set(fingerprints)) == len(found)
    # Pinned: a new recipe would make every finding look new to GitLab.
    assert fingerprints[:2] == [
        "7f4424eb83dcba67c7bbb6b15a3d8603",
        "dcbe437388e9b04156f57409b5c2fe11",
    ]


BODY = """Joins are slow.

See [the design](missing.md).

And [the design again](missing.md), and [notes](gone.md).
"""


def test_gitlab_fingerprints_are_unique_and_survive_a_line_shift(tmp_path: Path) -> None:
    folder = tmp_path / "klips"
    before = page_klip(1, "Joins", "Merged", BODY)
    after = page_klip(1, "Joins", "Merged", "A new paragraph.\n\nAnd another.\n\n" + BODY)

    def report(text: str) -> list[dict[str, Any]]:
        write_files(folder, {"klip-1-joins.md": text})
        code, out = run(["check", "--select", "L001", "--format", "gitlab"], folder)
        assert code == 1
        found: list[dict[str, Any]] = json.loads(out)
        return found

    first, second = report(before), report(after)
    assert [(i["description"], i["location"]["lines"]["begin"]) for i in first] == [
        ("L001 link to `missing.md` leads nowhere: `missing.md` does not exist", 14),
        ("L001 link to `missing.md` leads nowhere: `missing.md` does not exist", 16),
        ("L001 link to `gone.md` leads nowhere: `gone.md` does not exist", 16),
    ]
    assert [i["location"]["lines"]["begin"] for i in second] == [18, 20, 20]
    # Two identical findings in one file keep two fingerprints, and every one survives.
    assert len({i["fingerprint"] for i in first}) == 3
    assert [i["fingerprint"] for i in second] == [i["fingerprint"] for i in first]


@pytest.mark.parametrize(
    ("cwd", "root", "path", "shown"),
    [
        ("/w", "/w/docs", "klip-1.md", "docs/klip-1.md"),
        ("/w/docs", "/w/docs", "klip-1.md", "klip-1.md"),
        ("/w/docs/sub", "/w/docs", "a/b.md", "../a/b.md"),
        ("/w", "/w/docs", "", "docs"),
        ("/w", "/w/docs", ".", "docs"),
        ("/w", "/w/docs", "../README.md", "README.md"),
        ("/w", "/w/docs", "./a/../b.md", "docs/b.md"),
        ("/w", "/w/docs", "a//b.md", "docs/a/b.md"),
        ("/w", "/w/docs", "a/", "docs/a"),
        ("/w", "/w/docs", "..a.md", "docs/..a.md"),
        ("/w/x", "/", "../up.md", "../../up.md"),
    ],
)
def test_paths_are_shown_from_the_working_directory(
    cwd: str, root: str, path: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rfcdesk.report import formats

    monkeypatch.setattr(os, "getcwd", lambda: cwd)
    assert formats.display_path(Path(root), path) == shown
