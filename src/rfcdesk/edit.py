"""Edits to a document's text that touch only the span they change.

Pure functions over decoded text: set a metadata field's value in the document's own
style (wrappers such as `_..._` or `**...**`, a trailing `|`, the case of the old value),
insert a field line styled like its neighbours, find a heading's text. Line endings, the BOM
and every other byte are the caller's text, returned unchanged.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rfcdesk.errors import FatalError
from rfcdesk.parse import BOM, match_field_line
from rfcdesk.scheme import clean_value


class Text(NamedTuple):
    """A decoded document split into what edits touch (body) and what they keep (BOM)."""

    bom: bool
    body: str

    @classmethod
    def decode(cls, data: bytes) -> Text:
        text = data.decode("utf-8")
        return cls(True, text[1:]) if text.startswith(BOM) else cls(False, text)

    def encode(self) -> bytes:
        return ((BOM if self.bom else "") + self.body).encode("utf-8")


def newline_of(text: str) -> str:
    """The line ending a document uses ("\\r\\n" when its first line ends so)."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def line_span(text: str, line: int) -> tuple[int, int]:
    """Offsets [start, end) of a 1-based line's content, without its line ending."""
    start = 0
    for _ in range(line - 1):
        found = text.find("\n", start)
        if found < 0:
            raise FatalError(f"line {line} is past the end of the document")
        start = found + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


_HEADING_MARKER = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")


def heading_text_span(text: str, line: int) -> tuple[int, int] | None:
    """Offsets of an ATX heading's text (after its `#` marks) on a line, or None."""
    start, end = line_span(text, line)
    marker = _HEADING_MARKER.match(text, start, end)
    return (marker.end(), end) if marker else None


def replace_span(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def case_like(sample: str, word: str) -> str:
    """`word` in the case `sample` is written in: all lower, all upper, or as given."""
    letters = [c for c in sample if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        return word.lower()
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    return word


def restyle(raw: str, word: str, match_case: bool = True) -> str:
    """A field value with its core replaced by `word`, wrappers and trailing `|` kept.

    `raw` may run over several lines; the core is then everything between the first
    line's opening wrapper and the last line's closing one.
    """
    flat = raw.replace("\r", " ").replace("\n", " ")
    core = clean_value(flat)
    if core:
        at = flat.find(core)
        written = case_like(core, word) if match_case else word
        return raw[:at] + written + raw[at + len(core) :]
    lead = raw[: len(raw) - len(raw.lstrip())]
    body = raw[len(lead) :]
    return lead + word + (" " + body if body.startswith("|") else body)


def set_field(
    text: str, line: int, word: str, last_line: int | None = None, match_case: bool = False
) -> str:
    """Set the value of the `Key: value` field written at `line` (through `last_line`).

    With `match_case`, the word takes the case the old value is written in (a status
    written `merged` stays lower case).
    """
    start, end = line_span(text, line)
    found = match_field_line(text[start:end])
    if found is None:
        raise FatalError(f"line {line} is not a `Key: value` line")
    value_start = start + found.value_col - 1
    if last_line is not None and last_line > line:
        value_end = line_span(text, last_line)[1]
    else:
        value_end = value_start + len(found.value)
    raw = text[value_start:value_end]
    new = restyle(raw, word, match_case)
    flat = raw.replace("\r", " ").replace("\n", " ")
    if not clean_value(flat) and not text[value_start - 1 : value_start].isspace():
        new = " " + new  # `Key:` with nothing after the colon
    return replace_span(text, value_start, value_end, new)


def field_line_like(style_line: str, key: str, word: str) -> str:
    """A new `key: word` line written the way `style_line` writes its field."""
    found = match_field_line(style_line)
    if found is None:
        raise FatalError(f"cannot copy the style of {style_line!r}: it is no `Key: value` line")
    start, end = found.key_span
    line = style_line[:start] + key + style_line[end:]
    shift = len(key) - (end - start)
    value_start = found.value_col - 1 + shift
    value = line[value_start:]
    if not value.strip() and not line[value_start - 1 : value_start].isspace():
        value = " " + value
    return line[:value_start] + restyle(value, word, match_case=False)


def insert_line(text: str, after_line: int, new_line: str) -> str:
    """Insert a line after a 1-based line (0: at the top), in the document's line ending."""
    newline = newline_of(text)
    if after_line == 0:
        return new_line + newline + text
    _, end = line_span(text, after_line)
    rest = text[end:]
    if rest.startswith("\r\n"):
        return text[: end + 2] + new_line + newline + rest[2:]
    if rest.startswith("\n"):
        return text[: end + 1] + new_line + newline + rest[1:]
    return text[:end] + newline + new_line + rest  # the last line had no line ending
