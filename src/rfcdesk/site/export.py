"""Proposals as plain data: `proposals.json` (with its JSON Schema) and `rfcdesk export`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from rfcdesk.model import Severity
from rfcdesk.site.collect import Entry

SCHEMA_ID = "https://rfcdesk.dev/schemas/proposals-1.json"
CSV_COLUMNS = (
    "id",
    "title",
    "status",
    "authors",
    "created",
    "updated",
    "status_since",
    "release",
    "discussion",
    "path",
    "errors",
    "warnings",
)


def schema_text() -> str:
    """The JSON Schema of `proposals.json`, shipped with the package."""
    return resources.files("rfcdesk.site").joinpath("proposals.schema.json").read_text("utf-8")


def record(entry: Entry) -> dict[str, Any]:
    p = entry.proposal
    return {
        "id": entry.label if p.id else None,
        "number": p.number,
        "title": p.title,
        "status": entry.status,
        "status_written": entry.status_written,
        "authors": entry.authors,
        "created": entry.created,
        "updated": entry.updated,
        "status_since": entry.status_since,
        "release": entry.release or None,
        "discussion": entry.discussion,
        "path": p.path,
        "page": entry.page,
        "fields": dict(entry.fields),
        "diagnostics": [
            {
                "line": d.line,
                "col": d.col,
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message,
            }
            for d in entry.diagnostics
        ],
        "approvals": _approvals(entry),
        "events": [
            {
                "event": e.kind,
                "date": e.date or None,
                "author": e.author or None,
                "commit": e.commit,
                "from": e.before,
                "to": e.after,
            }
            for e in entry.events
        ],
    }


def _approvals(entry: Entry) -> dict[str, Any] | None:
    state = entry.approvals
    if state is None:
        return None
    return {
        "for": entry.approvals_for,
        "needed": state.needed,
        "counted": [{"name": a.name, "date": a.date} for a in state.counted],
        "not_counted": [
            {"name": a.name, "date": a.date, "why": why} for a, why in state.not_counted
        ],
        "missing": state.missing,
        "awaiting": list(state.awaiting),
        "who_counts": state.source or None,
    }


def _head(scheme: str, count: int) -> dict[str, Any]:
    return {"$schema": SCHEMA_ID, "scheme": scheme, "count": count}


def document(scheme: str, entries: Sequence[Entry]) -> dict[str, Any]:
    return {**_head(scheme, len(entries)), "proposals": [record(e) for e in entries]}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_json(entry: Entry) -> str:
    """A proposal's record as `proposals.json` writes it."""
    return _compact(record(entry))


def document_json(scheme: str, records: Sequence[str]) -> str:
    """`proposals.json`: what `document` holds, compact, from each record's JSON (kept
    from one build to the next while the proposal's page is unchanged)."""
    head = _compact(_head(scheme, len(records)))
    return head[:-1] + ',"proposals":[' + ",".join(records) + "]}"


def csv_text(entries: Sequence[Entry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        warnings = sum(1 for d in e.diagnostics if d.severity is Severity.WARNING)
        writer.writerow(
            [
                e.label if e.proposal.id else "",
                e.proposal.title or "",
                e.status or "",
                "; ".join(e.authors),
                e.created or "",
                e.updated or "",
                e.status_since or "",
                e.release,
                e.discussion or "",
                e.proposal.path,
                e.errors,
                warnings,
            ]
        )
    return buffer.getvalue()
