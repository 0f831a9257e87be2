"""A proposal's fields file read for an edit, and fields set or added in its own style:
the document itself (inline, bullets, front matter) or the YAML sidecar beside it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from rfcdesk.edit.text import (
    Text,
    edit_yaml_field,
    field_line_like,
    insert_line,
    line_span,
    set_field,
    yaml_field_line,
)
from rfcdesk.edit.writer import read_for_edit
from rfcdesk.model import Field, Proposal
from rfcdesk.read.proposal import parse_proposal, split_lines
from rfcdesk.scheme.model import Scheme


class FieldsFile(NamedTuple):
    """The file a proposal's fields are written in, read for an edit: the document
    itself, or the YAML sidecar beside it."""

    proposal: Proposal
    scheme: Scheme
    path: Path
    before: bytes | None
    doc: Text
    document: str | None  # the document's text, when the fields are in a sidecar
    yaml_lines: range  # the lines that are YAML: the whole sidecar, or the front matter

    @classmethod
    def read(cls, root: Path, proposal: Proposal, scheme: Scheme) -> FieldsFile:
        path = root / proposal.fields_path
        before, doc = read_for_edit(path)
        lines = split_lines(doc.body)
        if proposal.metadata_path is not None:
            document = read_for_edit(root / proposal.path)[1].body
            return cls(proposal, scheme, path, before, doc, document, range(1, len(lines) + 1))
        front = front_matter_end(lines) if scheme.markup == "markdown" else 0
        return cls(proposal, scheme, path, before, doc, None, range(2, max(front, 2)))

    def parse(self, text: str) -> Proposal:
        """The proposal as it reads with `text` in this file."""
        path = self.proposal.path
        if self.document is None:
            return parse_proposal(path, text, self.scheme)
        return parse_proposal(path, self.document, self.scheme, (self.proposal.fields_path, text))


def add_field(fields: FieldsFile, text: str, proposal: Proposal, key: str, value: str) -> str:
    """A new field line: at the end of the YAML that holds the fields, else after the
    metadata, styled like the last field line."""
    last = last_field(proposal)
    if in_yaml(fields, last):
        return insert_line(text, fields.yaml_lines.stop - 1, yaml_field_line(key, value))
    if last is not None:
        style = text[slice(*line_span(text, last.line))]
        return insert_line(
            text, last.line + last.raw.count("\n"), field_line_like(style, key, value)
        )
    scheme = fields.scheme
    line = f"**{key}**: {value}" if scheme.metadata_style == "inline" else f"- {key}: {value}"
    anchor = metadata_anchor(text)
    if anchor:
        return insert_line(insert_line(text, anchor, ""), anchor + 1, line)
    return insert_line(insert_line(text, 0, ""), 0, line)


def last_field(proposal: Proposal) -> Field | None:
    return max(proposal.fields, key=lambda f: f.line + f.raw.count("\n"), default=None)


def in_yaml(fields: FieldsFile, field: Field | None) -> bool:
    """Whether a field (or a new one after it) is written in YAML."""
    if fields.document is not None:
        return True
    return field is not None and field.line in fields.yaml_lines


def front_matter_end(lines: list[str]) -> int:
    """The line that closes a front matter block at the top (0: there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    ends = [n for n in range(2, len(lines) + 1) if lines[n - 1].strip() in ("---", "...")]
    return ends[0] if ends else 0


def metadata_anchor(text: str) -> int:
    """Where a document without fields gets its first one: after the title heading,
    else after the front matter, else at the top (0)."""
    lines = split_lines(text)
    start = front_matter_end(lines)
    for number in range(start + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped:
            return number if re.match(r"#\s", stripped) else start
    return start


def write_field(fields: FieldsFile, text: str, current: Proposal, name: str, value: str) -> str:
    """Set a field to `value`, adding its line when it has none."""
    present = current.field(name)
    if present is None:
        return add_field(fields, text, current, name, value)
    if in_yaml(fields, present):
        return edit_yaml_field(text, present.line, present.key, lambda _old: value)
    return set_field(text, present.line, value, present.line + present.raw.count("\n"))
