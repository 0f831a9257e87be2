"""Output formatters for diagnostics: a mapping of format name to a plain function."""

from __future__ import annotations

import functools
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

import click

from rfcdesk.model import Diagnostic, Severity

# Characters a terminal acts on instead of showing (escape sequences, carriage returns,
# C1 controls): a title or commit subject holding one could rewrite the screen.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text with every control character but newline and tab written as a `\\uXXXX` escape
    (which JSON reads back as the same character)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class PrintableStream(io.TextIOBase):
    """A text stream that writes through `printable`: what rfcdesk prints cannot drive the
    terminal it is printed on."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    def fileno(self) -> int:
        return self.stream.fileno()


class Report(NamedTuple):
    diagnostics: Sequence[Diagnostic]
    root: Path  # the proposal folder the paths are relative to
    files: int  # how many proposal files were checked
    baselined: int  # findings hidden because the baseline knows them
    statistics: bool
    color: bool


def display_path(root: Path, path: str) -> str:
    """A diagnostic's path as the user should see it: relative to the working directory."""
    cwd = os.getcwd()
    if _PLAIN.fullmatch(path) is None or os.sep != "/":
        return _relative(os.path.join(root, path), cwd)
    shown = _relative(str(root), cwd)  # a plain path below it is shown below it
    return path if shown == "." else f"{shown}/{path}"


# A relative path with nothing for `normpath` to change (no `.`, `..` or empty parts).
_PLAIN = re.compile(r"(?!\.\.?(?:/|\Z))[^/]+(?:/(?!\.\.?(?:/|\Z))[^/]+)*")


@functools.lru_cache(maxsize=64)
def _relative(full: str, cwd: str) -> str:
    try:
        return os.path.relpath(full, cwd)
    except ValueError:  # another drive on Windows
        return full


class SourceRoot(NamedTuple):
    """Where reports read by CI services put a file: from the repository's top when the
    folder is in git (what GitHub and GitLab resolve paths against), else from the folder."""

    prefix: str  # the folder's path from that root, "" or ending in "/" ("docs/klips/")
    in_repository: bool

    def path(self, path: str) -> str:
        """A diagnostic's folder-relative path, from this root."""
        return self.prefix + path


def source_root(root: Path) -> SourceRoot:
    """The root that the paths of machine-read reports start from."""
    from rfcdesk.edge.git import folder_in_repo  # subprocess: not for `rfcdesk --version`

    located = folder_in_repo(root)
    return SourceRoot(located[1], True) if located else SourceRoot("", False)


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return errors, len(diagnostics) - errors


def summary_line(report: Report) -> str:
    errors, warnings = _counts(report.diagnostics)
    files = f"{report.files} proposal{'s' if report.files != 1 else ''}"
    text = (
        f"{files} checked: no problems found"
        if not report.diagnostics
        else f"{files} checked: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    if report.baselined:
        text += f" ({report.baselined} known from the baseline not shown)"
    return text + "."


def format_text(report: Report) -> str:
    lines = []
    for d in report.diagnostics:
        where = f"{display_path(report.root, d.path)}:{d.line}:{d.col}:"
        code = d.code
        if report.color:
            colour = "red" if d.severity is Severity.ERROR else "yellow"
            code = click.style(code, fg=colour, bold=True)
        lines.append(f"{where} {code} {d.message} [{d.name}]")
    if report.statistics and report.diagnostics:
        lines.append("")
        names = {d.code: d.name for d in report.diagnostics}
        for code, count in sorted(Counter(d.code for d in report.diagnostics).items()):
            lines.append(f"{count:6d}  {code} {names[code]}")
    lines.append(summary_line(report))
    return "\n".join(lines)


def format_json(report: Report) -> str:
    errors, warnings = _counts(report.diagnostics)
    data = {
        "diagnostics": [
            {
                "path": display_path(report.root, d.path),
                "line": d.line,
                "col": d.col,
                "code": d.code,
                "name": d.name,
                "severity": d.severity.value,
                "message": d.message,
            }
            for d in report.diagnostics
        ],
        "summary": {
            "files": report.files,
            "errors": errors,
            "warnings": warnings,
            "baselined": report.baselined,
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic."""
    lines = []
    for d in report.diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        props = ",".join(
            [
                f"file={_escape(display_path(report.root, d.path), True)}",
                f"line={d.line}",
                f"col={d.col}",
                f"title={_escape(f'{d.code} {d.name}', True)}",
            ]
        )
        lines.append(f"::{level} {props}::{_escape(d.message)}")
    lines.append(summary_line(report))
    return "\n".join(lines)


def format_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers."""
    from rfcdesk.report import sarif  # it loads the rule registry: only when asked for

    return sarif.format_sarif(report)


def format_gitlab(report: Report) -> str:
    """A GitLab Code Quality report."""
    from rfcdesk.report import gitlab

    return gitlab.format_gitlab(report)


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
    "gitlab": format_gitlab,
}
