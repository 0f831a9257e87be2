"""Draft a scheme from what a folder's files share, for a process no built-in describes.

Pure: it takes file names and texts and returns a scheme table (the same data a scheme
file holds). What most files have becomes the scheme: the file-name pattern, the fields
present in most files, the status words used, the sections most files have.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from rfcdesk.read import markdown
from rfcdesk.read.proposal import match_field_line, read_yaml, split_lines
from rfcdesk.scheme.model import clean_value, fold

COMMON = 0.5  # a field or section in at least this share of the files belongs to the scheme
REQUIRED = 0.9  # ...and in at least this share it is required
HEADER_LINES = 40  # metadata lines are looked for this far into a document
MAX_STATUSES = 12
DATE_SHARE = 0.1  # a date format this share of a field's values use is one the field allows

_NAME_SHAPES = (
    # (regex over a file name, id kind, files.pattern, files.format)
    (r"^\d{8}_.+\.md$", "date", r"^(?P<id>(?P<date>\d{8})_(?P<slug>.+))\.md$", "{date}_{slug}.md"),
    (r"^\d+-.+\.md$", "number", r"^(?P<id>\d+)-(?P<slug>.+)\.md$", "{id}-{slug}.md"),
)
_PREFIXED = re.compile(r"^(?P<prefix>[A-Za-z]+)-\d+(?:-.+)?\.md$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%Y/%m/%d", "%d.%m.%Y")
_KIND_WORDS = (
    ("status", ("status", "state")),
    ("date", ("date", "created", "updated")),
    ("people", ("author", "owner", "decider", "decision-maker", "reviewer", "champion")),
)


def is_auxiliary(name: str) -> bool:
    """README, index and template files sit beside proposals but are none."""
    stem = name.rsplit("/", 1)[-1].lower()
    return stem in ("readme.md", "index.md") or "template" in stem


def draft_scheme(name: str, texts: Mapping[str, str]) -> dict[str, Any]:
    """A scheme table that describes the given proposal files (name -> text)."""
    names = sorted(n for n in texts if not is_auxiliary(n))
    files = _files(names)
    docs = {n: _Doc(texts[n]) for n in names}
    fields = _fields(docs)
    table: dict[str, Any] = {
        "name": name,
        "description": f"drafted by rfcdesk init from {len(names)} files",
        "files": files,
        "metadata": {"style": _style(docs)},
        "fields": fields,
    }
    status = next((f for f in fields if f.get("kind") == "status"), None)
    if status is not None:
        table["statuses"] = _statuses(docs, status["name"])
    headed = sum(1 for d in docs.values() if d.title) / max(len(docs), 1)
    if headed < COMMON:
        table["title"] = {"from_slug": True}
    sections = _sections(docs)
    if sections:
        table["sections"] = sections
    return table


def _files(names: list[str]) -> dict[str, Any]:
    for shape, kind, pattern, fmt in _NAME_SHAPES:
        fitting = [n for n in names if re.match(shape, n)]
        if names and len(fitting) >= COMMON * len(names):
            files: dict[str, Any] = {"pattern": pattern, "format": fmt, "id_kind": kind}
            widths = Counter(len(re.match(r"\d+", n)[0]) for n in fitting)  # type: ignore[index]
            width = widths.most_common(1)[0][0]
            if kind == "number" and width > 1 and widths[width] >= REQUIRED * len(fitting):
                files["id_width"] = width
            return files
    prefixes = Counter(m["prefix"] for n in names if (m := _PREFIXED.match(n)))
    if prefixes and prefixes.most_common(1)[0][1] >= COMMON * len(names):
        prefix = prefixes.most_common(1)[0][0]
        return {
            "pattern": rf"^{re.escape(prefix)}-(?P<id>\d+)(?:-(?P<slug>.+))?\.md$",
            "format": f"{prefix}-{{id}}-{{slug}}.md",
            "id_kind": "number",
            "id_label": f"{prefix.upper()}-{{id}}",
        }
    return {"pattern": r"^(?P<id>(?P<slug>[^/]+))\.md$", "format": "{slug}.md", "id_kind": "name"}


class _Doc:
    """What drafting needs of one document: its metadata keys and values, title, headings."""

    def __init__(self, text: str) -> None:
        text = text.removeprefix("\ufeff")
        outline = markdown.parse(text)
        self.front = False
        self.values: dict[str, tuple[str, str]] = {}  # folded key -> (key, value)
        self.styles: Counter[str] = Counter()
        if outline.front_matter is not None:
            data, _end, problems = read_yaml(*outline.front_matter, "")
            self.front = not problems and bool(data)
            for key, value in data.items():
                if not isinstance(value, (dict, list)):
                    self._add(str(key), "" if value is None else str(value), "front-matter")
        first_section = next((h.line for h in outline.headings if h.level > 1), None)
        lines = split_lines(text)
        code = {n for first, last in outline.code_lines for n in range(first, last + 1)}
        stop = min(first_section or HEADER_LINES, HEADER_LINES, len(lines) + 1)
        for number in range(1, stop):
            found = match_field_line(lines[number - 1])
            if found and number not in code and not lines[number - 1].startswith((" ", "\t")):
                self._add(found.key, found.value, _line_style(lines[number - 1]))
        self.title = any(h.level == 1 for h in outline.headings[:1])
        top = min((h.level for h in outline.headings if h.level > 1), default=2)
        self.sections = [h.text.strip().rstrip(":") for h in outline.headings if h.level == top]

    def _add(self, key: str, value: str, style: str) -> None:
        self.values.setdefault(fold(key), (key.strip(), clean_value(value)))
        self.styles[style] += 1


def _line_style(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("**", "__")):
        return "inline"
    return "bullets" if stripped[:1] in "-*+" else "inline"


def _style(docs: Mapping[str, _Doc]) -> str:
    votes: Counter[str] = Counter()
    for doc in docs.values():
        votes.update(doc.styles)
    return votes.most_common(1)[0][0] if votes else "bullets"


def _fields(docs: Mapping[str, _Doc]) -> list[dict[str, Any]]:
    count = len(docs) or 1
    seen: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for doc in docs.values():
        for folded, (key, _value) in doc.values.items():
            seen[folded] += 1
            spelled.setdefault(folded, Counter())[key] += 1
    fields: list[dict[str, Any]] = []
    has_status = False
    for folded, n in seen.most_common():
        if n < COMMON * count:
            break
        name = spelled[folded].most_common(1)[0][0]
        field: dict[str, Any] = {"name": name}
        others = sorted(k for k in spelled[folded] if k != name)
        if others:
            field["aliases"] = others
        if n >= REQUIRED * count:
            field["required"] = True
        values = [d.values[folded][1] for d in docs.values() if folded in d.values]
        kind = _kind(folded, values, has_status)
        if kind != "text":
            field["kind"] = kind
        has_status = has_status or kind == "status"
        if kind == "date":
            formats = [
                f
                for f in _DATE_FORMATS
                if sum(_is_date(v, f) for v in values) >= DATE_SHARE * len(values)
            ]
            if formats and formats != ["%Y-%m-%d"]:
                field["date_formats"] = formats
        fields.append(field)
    return fields


def _kind(folded: str, values: list[str], has_status: bool) -> str:
    for kind, words in _KIND_WORDS:
        if any(word in folded for word in words) and not (kind == "status" and has_status):
            return kind
    filled = [v for v in values if v]
    if filled and sum(1 for v in filled if "://" in v or "](" in v) >= REQUIRED * len(filled):
        return "link"
    return "text"


def _is_date(value: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _statuses(docs: Mapping[str, _Doc], field: str) -> list[dict[str, Any]]:
    words: Counter[str] = Counter()
    written: dict[str, str] = {}
    for doc in docs.values():
        found = doc.values.get(fold(field))
        if found and found[1]:
            words[fold(found[1])] += 1
            written.setdefault(fold(found[1]), found[1])
    common = words.most_common()
    if len(common) > MAX_STATUSES:  # free text: keep the words more than one file uses
        common = [(w, n) for w, n in common if n > 1][:MAX_STATUSES]
    return [{"name": written[w]} for w, _n in common]


def _sections(docs: Mapping[str, _Doc]) -> list[dict[str, Any]]:
    count = len(docs) or 1
    seen: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    order: dict[str, float] = {}
    for doc in docs.values():
        for place, title in enumerate(dict.fromkeys(fold(t) for t in doc.sections)):
            seen[title] += 1
            order[title] = order.get(title, 0.0) + place
        for title in doc.sections:
            spelled.setdefault(fold(title), title)
    common = [t for t, n in seen.items() if n >= COMMON * count]
    common.sort(key=lambda t: order[t] / seen[t])
    return [
        {"name": spelled[t]} | ({} if seen[t] >= REQUIRED * count else {"required": False})
        for t in common
    ]
