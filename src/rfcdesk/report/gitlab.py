"""GitLab Code Quality: findings as the JSON array GitLab shows in merge requests.

The fields are those GitLab documents for a custom tool (description, check_name,
fingerprint, severity, location.path, location.lines.begin); it ignores the rest of the
Code Climate format. Paths are from the repository's top, as GitLab wants them.

GitLab matches a finding across pipelines by its fingerprint and shows findings that share
one as one. So the fingerprint is a digest of the path, the code and the message, without
the line (an edit above a finding keeps it), plus how many identical findings come before
it in the file (two identical broken links stay two findings).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rfcdesk.model import Diagnostic, Severity
from rfcdesk.report.formats import Report, SourceRoot, source_root

# GitLab's words run info, minor, major, critical, blocker. A proposal that breaks the
# process is a major problem, not a critical one (GitLab's word for what must not ship);
# a warning is a minor one.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def fingerprint(path: str, code: str, message: str, occurrence: int) -> str:
    """A stable id for a finding: 32 hex digits, the length of GitLab's MD5 example."""
    text = "\0".join((path, code, message, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def issues(diagnostics: Iterable[Diagnostic], source: SourceRoot) -> list[dict[str, Any]]:
    """The report's entries, in the order of the diagnostics (which are sorted by place)."""
    seen: Counter[tuple[str, str, str]] = Counter()
    found = []
    for d in diagnostics:
        path = source.path(d.path)
        key = (path, d.code, d.message)
        found.append(
            {
                "description": f"{d.code} {d.message}",
                "check_name": f"{d.code} {d.name}",
                "fingerprint": fingerprint(*key, seen[key]),
                "severity": SEVERITY[d.severity],
                # A finding about the whole file (line 0) is shown on its first line.
                "location": {"path": path, "lines": {"begin": max(d.line, 1)}},
            }
        )
        seen[key] += 1
    return found


def format_gitlab(report: Report) -> str:
    return json.dumps(
        issues(report.diagnostics, source_root(report.root)), indent=2, ensure_ascii=False
    )
