"""Edits to a document's text that touch only the span they change.

Pure functions over decoded text: set a metadata field's value in the document's own
style (wrappers such as `_..._` or `**...**`, a trailing `|`, the case of the old value),
set a status value's words and keep its detail, set a YAML `key: value` scalar in its own
quotes, insert a field line styled like its neighbours, find a heading's text. Line
endings, the BOM and every other byte are the caller's text, returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import yaml

from rfcdesk.errors import FatalError
from rfcdesk.read.proposal import BOM, match_field_line, split_lines
from rfcdesk.scheme.model import Scheme, clean_value, fold


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
    return edit_field(text, line, lambda raw: restyle(raw, word, match_case), last_line)


def edit_field(
    text: str,
    line: int,
    change: Callable[[str], str],
    last_line: int | None = None,
    value_col: int | None = None,
) -> str:
    """Replace the value of the field at `line` (through `last_line`) by `change(raw)`.

    With `value_col`, the line holds only the value from that column on (a field written
    as a section: `## Status`, then the value below it).
    """
    start, end = line_span(text, line)
    found = match_field_line(text[start:end])
    if value_col is not None and (found is None or found.value_col != value_col):
        found = None  # the value alone, not a `Key: value` line
    elif found is None:
        raise FatalError(f"line {line} is not a `Key: value` line")
    value_start = start + (found.value_col if found else value_col or 1) - 1
    if last_line is not None and last_line > line:
        value_end = line_span(text, last_line)[1]
    elif found:
        value_end = value_start + len(found.value)
    else:
        value_end = start + len(text[start:end].rstrip())
    raw = text[value_start:value_end]
    new = change(raw)
    if new == raw:
        return text
    if not clean_value(_flat(raw)) and not text[value_start - 1 : value_start].isspace():
        new = " " + new  # `Key:` with nothing after the colon
    return replace_span(text, value_start, value_end, new)


def _flat(raw: str) -> str:
    """A value over several lines as one line of the same length (offsets stay valid)."""
    return raw.replace("\r", " ").replace("\n", " ")


def status_value(scheme: Scheme, raw: str, typed: str) -> str:
    """A written status value after the user sets the status `typed`.

    Only the words that say the status change; wrappers, a trailing `|` and spacing stay.
    What happens to the detail written with the old status (a version, review dates,
    "with modifications", a remark after the bold words) depends on what was typed:

    - a bare status word, the status the value already says (in any spelling or case):
      nothing changes, detail included;
    - a bare status word, another status: the word replaces the old status and its
      detail, because every detail seen in real folders belongs to the old status (the
      release it shipped in, its review period, the modifications it was accepted with);
    - a status with detail (`Implemented (Swift 5.9)`, `**Accepted** (with revisions)`):
      written as typed; a remark already there stays only when the status does and the
      user typed none.

    A bare word is written in the scheme's spelling, in the case the document uses for
    statuses, unless the user typed a case of their own (`Returned for Revision`).
    """
    flat, typed = _flat(raw), _flat(typed)
    new = scheme.status_phrase(typed)
    if new is None:
        raise FatalError(f"`{typed}` is not a {scheme.name} status")
    old = scheme.status_phrase(flat)
    words = typed[new.start : new.end]
    simple = new.bare and new.close == new.stop  # a status word and nothing else
    if old is None:
        written = _status_word(scheme, words, None) if simple else clean_value(typed)
        return restyle(raw, written, match_case=False)
    if simple and new.status == old.status:
        return raw
    if simple:
        phrase, remark = _status_word(scheme, words, flat[old.start : old.end]), ""
    else:
        phrase, remark = words, typed[new.close : new.stop]
        if not remark and new.status == old.status:
            remark = raw[old.close : old.stop]
    return raw[: old.start] + phrase + raw[old.end : old.close] + remark + raw[old.stop :]


def _status_word(scheme: Scheme, typed: str, old: str | None) -> str:
    """How a typed status word is written over the status words `old` (None: no status):
    the status's canonical name, the spelling `check` accepts (`approved` is written
    `Design Approved` in a KLIP), in the case the document uses."""
    spelling = scheme.canonical_status(typed) or typed
    if fold(typed) == fold(spelling) and typed not in (spelling, typed.lower()):
        return typed  # a case of the user's own
    if old is None or old == scheme.status_spelling(old):
        return spelling  # the document writes statuses the scheme's way
    return case_like(old, spelling)


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


_YAML_COMMENT = re.compile(r"[ \t]#")


def edit_yaml_field(text: str, line: int, key: str, change: Callable[[str], str]) -> str:
    """Replace the scalar of the YAML `key: value` line at `line` by `change(value)`.

    The value is handed over unquoted and written back in the quotes it had (`"..."`,
    `'...'` or none; quotes are added when a bare value would read as something else).
    A comment after the value stays.
    """
    start, end = line_span(text, line)
    found = match_field_line(text[start:end])
    if found is None or found.key != key or found.key_span[0] != 0:
        raise FatalError(f"line {line} is not the YAML line `{key}: ...`")
    first, last, quote = _yaml_scalar(text[start:end], found.value_col - 1, line)
    if _continues(text, line):
        raise FatalError(f"line {line}: the value of `{key}` goes on over several lines")
    written = text[start + first : start + last]
    value = _yaml_unquote(written, quote)
    new = change(value)
    if new == value:
        return text
    scalar = _yaml_quote(new, quote)
    if first == last and last < end - start:
        scalar += " "  # `key: # comment`: the comment keeps its space
    if first == last and not text[start + first - 1].isspace():
        scalar = " " + scalar  # `key:` with nothing after the colon
    return replace_span(text, start + first, start + last, scalar)


def yaml_field_line(key: str, value: str) -> str:
    """A new YAML `key: value` line, the value quoted only when it must be."""
    return f"{key}: {_yaml_quote(value, '')}"


def _yaml_scalar(line: str, at: int, number: int) -> tuple[int, int, str]:
    """The [start, end) of the scalar that starts at `at` (quotes included), and its quote."""
    quote = line[at : at + 1]
    if quote in ('"', "'"):
        index = at + 1
        while index < len(line):
            char = line[index]
            if quote == '"' and char == "\\":
                index += 2  # an escape: `\"` does not close
                continue
            if char == quote:
                if quote == "'" and line.startswith("''", index):
                    index += 2  # `''` is a quote inside single quotes
                    continue
                return at, index + 1, quote
            index += 1
        raise FatalError(f"line {number}: the quoted value does not close on its line")
    if line.startswith("#", at):
        return at, at, ""
    comment = _YAML_COMMENT.search(line, at)
    end = comment.start() if comment else len(line)
    return at, len(line[:end].rstrip()), ""


def _continues(text: str, line: int) -> bool:
    """Whether the lines after a YAML key line still belong to its value."""
    for following in split_lines(text)[line:]:
        if following.strip() and not following.lstrip().startswith("#"):
            return following.startswith((" ", "\t", "- ")) or following == "-"
    return False


def _yaml_unquote(written: str, quote: str) -> str:
    if quote == "'":
        return written[1:-1].replace("''", "'")
    if quote == '"':
        try:
            value = yaml.safe_load(written)
        except yaml.YAMLError:
            raise FatalError(f"{written} is no YAML string I can read") from None
        return value if isinstance(value, str) else written[1:-1]
    return written


def _yaml_quote(value: str, quote: str) -> str:
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    if quote == "" and _reads_plain(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reads_plain(value: str) -> bool:
    """Whether `value` written bare after `key: ` reads back as that very string."""
    if value != value.strip() or "\n" in value:
        return False
    try:
        return bool(yaml.safe_load(f"key: {value}\n") == {"key": value})
    except yaml.YAMLError:
        return False
