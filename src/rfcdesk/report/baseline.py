"""A baseline: today's findings, recorded so that only new ones fail the check.

Entries are keyed by path, code and message, not by line, so that editing a proposal above
a known finding does not bring it back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rfcdesk.edit.writer import FileChange, apply_changes
from rfcdesk.errors import FatalError
from rfcdesk.model import Diagnostic

VERSION = 1
Key = tuple[str, str, str]


def _key(d: Diagnostic) -> Key:
    return (d.path, d.code, d.message)


def write_baseline(path: Path, diagnostics: Sequence[Diagnostic]) -> None:
    entries = [{"path": p, "code": c, "message": m} for p, c, m in sorted(map(_key, diagnostics))]
    text = json.dumps({"version": VERSION, "entries": entries}, indent=2, ensure_ascii=False)
    try:
        before: bytes | None = path.read_bytes()
    except FileNotFoundError:
        before = None
    except OSError as exc:
        raise FatalError(f"{path}: cannot write the baseline: {exc.strerror}") from None
    # Through the writer, like every file rfcdesk changes: a crash leaves the old baseline
    # or the new one, never half of one.
    apply_changes([FileChange(path, before, (text + "\n").encode("utf-8"))])


def read_baseline(path: Path) -> Counter[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FatalError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise FatalError(
            f"{path}:{exc.lineno}: the baseline is not valid JSON: {exc.msg}"
        ) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise FatalError(f"{path}: not an rfcdesk baseline (expected version {VERSION})")
    try:
        return Counter((e["path"], e["code"], e["message"]) for e in data["entries"])
    except (KeyError, TypeError):
        raise FatalError(f"{path}: baseline entries need path, code and message") from None


def apply_baseline(
    diagnostics: Sequence[Diagnostic], known: Counter[Key]
) -> tuple[list[Diagnostic], int]:
    """The diagnostics the baseline does not know, and how many it hid."""
    remaining = Counter(known)
    new, hidden = [], 0
    for d in diagnostics:
        key = _key(d)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            new.append(d)
    return new, hidden
