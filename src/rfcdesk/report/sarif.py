"""SARIF 2.1.0: findings as a log that GitHub code scanning and SARIF viewers read.

One run; the driver lists every registered rule, so a rule keeps its index from one log to
the next whatever was found (GitHub compares logs of one tool: their rules should differ
only when rfcdesk does). Each artifact's URI is relative to `%SRCROOT%`: the repository's
top when the folder is in git (GitHub resolves relative URIs against it), else the folder.
The log says what `%SRCROOT%` is but not where, so the same findings give the same bytes
on every machine (SARIF 2.1.0, 3.14.14, allows leaving out that absolute URI).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from rfcdesk import __version__
from rfcdesk.model import Diagnostic
from rfcdesk.report.formats import Report, SourceRoot, source_root
from rfcdesk.rules import Rule, load_all

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
HOME = "https://github.com/rfcdesk/rfcdesk"
RULES_DOC = f"{HOME}/blob/main/docs/rules.md"
SRCROOT = "%SRCROOT%"

JSON = dict[str, Any]


def rule_url(rule: Rule) -> str:
    """The rule's section of docs/rules.md: GitHub's anchor for `## F001 empty-file`."""
    return f"{RULES_DOC}#{rule.code.lower()}-{rule.name}"


def artifact_uri(path: str) -> str:
    """A "/" path as a relative URI reference: spaces, `#`, `?`, `:` and non-ASCII escaped."""
    return quote(path, safe="/", errors="surrogateescape")


def rule_descriptor(rule: Rule) -> JSON:
    """A rule as SARIF's reportingDescriptor, with every property GitHub requires."""
    url = rule_url(rule)
    severity = rule.severity.value
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} Default severity: {severity}."},
        "help": {
            "text": f"{rule.summary} Documented at {url}. Skip it with `--ignore {rule.code}`"
            f" or silence it in one Markdown file with `<!-- rfcdesk: disable={rule.code} -->`.",
            "markdown": f"{rule.summary} See [{rule.code} {rule.name}]({url}). Skip it with"
            f" `--ignore {rule.code}` or silence it in one Markdown file with"
            f" `<!-- rfcdesk: disable={rule.code} -->`.",
        },
        "helpUri": url,
        "defaultConfiguration": {"level": severity},
    }


def region(d: Diagnostic) -> JSON:
    """Where in the file; a finding about the whole file (line 0) points at its first line,
    whole, because GitHub shows no result without a start line."""
    if d.line < 1:
        return {"startLine": 1}
    return {"startLine": d.line, "startColumn": max(d.col, 1)}


def result(d: Diagnostic, index: int, source: SourceRoot) -> JSON:
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(source.path(d.path)), "uriBaseId": SRCROOT},
            "region": region(d),
        }
    }
    return {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": d.severity.value,
        "message": {"text": d.message},
        "locations": [location],
    }


def sarif_log(diagnostics: Iterable[Diagnostic], rules: Sequence[Rule], source: SourceRoot) -> JSON:
    """The log of one run: pure, so the same findings always give the same log."""
    index = {rule.code: i for i, rule in enumerate(rules)}
    where = (
        "The top folder of the git repository that holds the proposal folder."
        if source.in_repository
        else "The proposal folder."
    )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rfcdesk",
                        "version": __version__,
                        "informationUri": HOME,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"description": {"text": where}}},
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index[d.code], source) for d in diagnostics],
            }
        ],
    }


def format_sarif(report: Report) -> str:
    rules = sorted(load_all().values(), key=lambda rule: rule.code)
    log = sarif_log(report.diagnostics, rules, source_root(report.root))
    return json.dumps(log, indent=2, ensure_ascii=False)
