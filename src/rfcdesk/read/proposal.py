"""Proposal text to a Proposal: title, metadata fields, sections, links, with positions.

Metadata is read in every style real folders use: `**Field**: value |` lines (bold or not,
with or without the trailing `|`, values in `_..._`), `- Field: value` and `* Field: **v**`
bullets, YAML front matter, the `Field: value` header of a reStructuredText document, and
a YAML sidecar file beside the document. A UTF-8 BOM and CRLF line endings are accepted.
"""

from __future__ import annotations

import bisect
import re
from array import array
from typing import Any, NamedTuple

import yaml

from rfcdesk.model import Diagnostic, Field, Link, Proposal, Section, Severity, local_target
from rfcdesk.read import markdown, rst_outline
from rfcdesk.read.relations import named_relation
from rfcdesk.scheme.model import Scheme, clean_value, fold

BOM = "\ufeff"

# `**Key**: v`, `**Key:** v`, `Key: v`, `- Key: v`, `* Key: **v**`; full-width colons too.
_FIELD_LINE = re.compile(
    r"""^[ \t]{0,3}(?:[-*+][ \t]+)?
    (?:(?:\*\*|__)(?P<k1>[^:：*_\n][^:：*\n]{0,48}?)[ \t]*
        (?:[:：][ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*[:：])
      |(?:\*\*|__)(?P<k3>[A-Z][A-Za-z()/ -]{0,30}?)(?:\*\*|__)[ \t]+(?=[^\s:：])
      |(?P<k2>[^\s:：*_|#>\[`-][^:：*\n|]{0,48}?)[ \t]*[:：])
    (?P<sp>[ \t]*)(?P<value>.*?)[ \t]*$""",
    re.X,
)
_BULLET = re.compile(r"[-*+][ \t]")
_DIRECTIVE = re.compile(r"<!--\s*rfcdesk:\s*disable(?:\s*=\s*(?P<codes>[\w ,]+?))?\s*-->")
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
# Lists and quotes nested deeper than this are no real proposal, and the reST parser
# recurses once per level (it fails near 200): such a document is reported, not read.
MAX_NESTING = 100
_NESTING_MARK = re.compile(r"[-*+>]|\d{1,9}[.)]|#\.")
_NESTING_MARKS = re.compile(rf"[ \t]*(?:(?:{_NESTING_MARK.pattern})(?:[ \t]+|$))+")
# Paragraphs shorter than this ("TBD.", "- ...") are too generic to call template text.
MIN_GUIDANCE_LENGTH = 16
# A paragraph this long between the title and the first section is the proposal's summary.
LEAD_LENGTH = 80


class _YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML in which a date stays the text it was written as, impossible dates too."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FieldLine(NamedTuple):
    key: str
    value: str
    value_col: int  # 1-based column of the value
    key_span: tuple[int, int]  # 0-based [start, end) of the key in the line


def split_lines(text: str) -> list[str]:
    """Lines as the Markdown parser counts them: split at "\n" only, a "\r" before it dropped.

    `str.splitlines` also splits at form feeds and U+2028, which would put every later
    position off by a line.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def match_field_line(line: str) -> FieldLine | None:
    """The key and value of a metadata line, or None when the line is not `Key: value`."""
    match = _FIELD_LINE.match(line)
    if not match:
        return None
    group = "k1" if match["k1"] else ("k2" if match["k2"] else "k3")
    key = match[group].strip()
    if match["value"].startswith("//"):  # "https://..." is a URL, not a field
        return None
    start = match.start(group) + (len(match[group]) - len(match[group].lstrip()))
    span = (start, start + len(key))
    return FieldLine(key, match["value"], match.start("value") + 1, span)


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    return _SLUG_DROP.sub("", title.strip().lower()).replace(" ", "-")


# Anchors a document declares itself: `<a name="x">`, `<span id="x">`, `## Title {#x}`.
_DECLARED_ANCHOR = re.compile(
    r"<[a-zA-Z][^>]*?\s(?:name|id)\s*=\s*(?:[\"']([^\"']+)[\"']|([^\s>\"']+))"
    r"|\{\s*#([\w.:-]+)\s*\}"
)


def declared_anchors(text: str) -> frozenset[str]:
    """The anchors a document declares in HTML or as explicit heading ids."""
    html = "<" in text and ("name=" in text or " id=" in text)
    if not html and "{#" not in text and "{ #" not in text:
        return frozenset()  # most documents declare none: skip the slower scan
    return frozenset(a or b or c for a, b, c in _DECLARED_ANCHOR.findall(text))


def docutils_anchor(title: str) -> str:
    """The id docutils gives a section: lower case, runs of other characters to `-`."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _anchors(titles: list[str]) -> frozenset[str]:
    seen: dict[str, int] = {}
    result = set()
    for title in titles:
        slug = github_anchor(title)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return frozenset(result)


def suppressions(text: str, code_lines: tuple[tuple[int, int], ...]) -> frozenset[str]:
    """Rule codes silenced by `<!-- rfcdesk: disable=CODE,... -->` outside code blocks."""
    codes: set[str] = set()
    for match in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if any(first <= line <= last for first, last in code_lines):
            continue
        found = match["codes"] or ""
        listed = {c.strip().upper() for c in found.split(",") if c.strip()}
        codes.update(listed or {""})  # no codes: the empty prefix silences every rule
    return frozenset(codes)


class _Header(NamedTuple):
    title_heading: int | None  # index into outline.headings
    first_section: int  # index of the first heading that opens a section
    end_line: int  # metadata lines are read before this line


def _front_matter(
    outline: markdown.Outline, path: str
) -> tuple[dict[str, Any], int, list[Diagnostic]]:
    """The front matter as a mapping, the line it ends on, and any problem reading it."""
    if outline.front_matter is None:
        return {}, 0, []
    body, first = outline.front_matter
    return read_yaml(body, first, path)


def read_yaml(body: str, first: int, path: str) -> tuple[dict[str, Any], int, list[Diagnostic]]:
    """A YAML mapping that starts on line `first` of `path`, the line it ends on, problems."""
    end = first + body.count("\n")
    try:
        data = yaml.load(body, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (first + mark.line, mark.column + 1) if mark else (first, 1)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = f"front matter is not valid YAML: {problem}"
        return {}, end, [_diag(path, line, col, "F006", message)]
    if data is None:
        return {}, end, []
    if not isinstance(data, dict):
        message = "front matter must be a mapping of `key: value` lines"
        return {}, end, [_diag(path, first, 1, "F006", message)]
    return data, end, []


def _diag(path: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, col, code, "bad-front-matter", message, Severity.ERROR)


# How many lines below a heading that is not an H1 metadata may start and still make the
# heading the title ("## RFC: Title" then "- Start Date: ...").
_TITLE_REACH = 3


def _header(outline: markdown.Outline, lines: list[str], fm_end: int, scheme: Scheme) -> _Header:
    headings = outline.headings
    if not headings:
        return _Header(None, 0, len(lines) + 1)
    first = headings[0]
    before = range(fm_end, first.line - 1)  # 0-based indexes of lines before the heading
    fields_first = any(
        (found := match_field_line(lines[i])) and scheme.field_for(found.key) for i in before
    )
    end = headings[1].line if len(headings) > 1 else len(lines) + 1
    if fold(first.text.strip().rstrip(":")) in scheme.known_sections:
        return _Header(None, 0, first.line)  # a section every proposal has, not a title
    # A scheme that knows which headings are sections takes an H1 below the fields as
    # the title; without that knowledge (`- Field:` lines, then `# Summary`) it may not.
    # ... and an H2 below the fields that heads nothing but the first known section
    # (`## Checking conditional compilation`, then `## Summary`) is the title too.
    knows_sections = bool(scheme.known_sections) and (
        first.level == 1 or _heads_the_sections(outline, scheme)
    )
    if (
        not fields_first and (first.level == 1 or _fields_follow(lines, first.line, end, scheme))
    ) or (fields_first and knows_sections):
        return _Header(0, 1, end)
    return _Header(None, 0, first.line)


def _heads_the_sections(outline: markdown.Outline, scheme: Scheme) -> bool:
    """Whether the first heading (an H2) stands alone right above a section the scheme
    knows: a title line, not a section of its own."""
    headings = outline.headings
    if len(headings) < 2 or headings[0].level != 2 or outline.blocks_after[1]:
        return False
    return fold(headings[1].text.strip().rstrip(":")) in scheme.known_sections


def _fields_follow(lines: list[str], line: int, end: int, scheme: Scheme) -> bool:
    """Whether one of the scheme's fields starts within a few lines below a heading."""
    below = [text for text in lines[line : end - 1] if text.strip()][:_TITLE_REACH]
    return any((found := match_field_line(t)) and scheme.field_for(found.key) for t in below)


def _read_fields(
    scheme: Scheme, lines: list[str], start: int, end: int, code: set[int]
) -> list[Field]:
    """Metadata lines between two lines (1-based, end excluded), with continuation lines."""
    fields: list[Field] = []
    current: list[Any] | None = None  # [spec name, key, raw parts, line, col]
    for number in range(start, end):
        text = lines[number - 1]
        if number in code or not text.strip():
            _flush(current, fields)
            current = None
            continue
        found = match_field_line(text) or _table_field(text)
        name = _field_name(scheme, found.key) if found else None
        if found and name:
            _flush(current, fields)
            current = [name, found.key, [found.value], number, found.value_col]
        elif (found or _BULLET.match(text)) and not text.startswith((" ", "\t")):
            _flush(current, fields)  # another `Key: value` line or bullet ends the field
            current = None
        elif current is not None:
            current[2].append(text.strip())
    _flush(current, fields)
    return fields


_TABLE_ROW = re.compile(r"^[ \t]{0,3}\|(?P<key>[^|\n]+)\|(?P<sp>[ \t]*)(?P<value>[^|\n]*?)[ \t]*\|")


def _table_field(line: str) -> FieldLine | None:
    """A `| Key | value |` row of a key/value table at the top of a document."""
    match = _TABLE_ROW.match(line)
    if not match:
        return None
    key = clean_value(match["key"]).rstrip(":").strip()
    if not key or set(key) <= set("-: "):
        return None
    start = match.start("key") + match["key"].find(key[0])
    return FieldLine(key, match["value"], match.start("value") + 1, (start, start + len(key)))


def _field_name(scheme: Scheme, key: str) -> str | None:
    """The canonical name of a field the scheme declares; a field it does not declare is
    kept when its name says it relates proposals (`Superseded by`): every process names
    those alike, and the relation rules and the graph read them."""
    spec = scheme.field_for(key)
    if spec is not None:
        return spec.name
    return key.strip() if named_relation(key) else None


def _flush(current: list[Any] | None, fields: list[Field]) -> None:
    if current is not None:
        name, key, parts, line, col = current
        raw = "\n".join(parts).strip()
        fields.append(Field(name, key, raw, clean_value(raw.replace("\n", " ")), line, col))


def _front_matter_fields(
    scheme: Scheme, data: dict[str, Any], lines: list[str], first: int, end: int
) -> list[Field]:
    """Fields from front matter, each at the line of its `key:` (first..end, 1-based)."""
    where: dict[str, tuple[int, int]] = {}
    for number in range(first, end):
        found = match_field_line(lines[number - 1]) if number <= len(lines) else None
        if found and not lines[number - 1].startswith((" ", "\t")):
            where.setdefault(found.key, (number, found.value_col))
    fields = []
    for key, value in data.items():
        name = _field_name(scheme, str(key))
        if isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value):
            value = ", ".join("" if v is None else str(v) for v in value)
        if name is None or isinstance(value, (dict, list)):
            continue
        raw = "" if value is None else str(value)
        line, col = where.get(str(key), (first, 1))
        fields.append(Field(name, str(key), raw, clean_value(raw), line, col))
    return fields


def _sections(
    outline: markdown.Outline, first: int, end_line: int
) -> tuple[list[Section], list[str]]:
    headings = outline.headings
    texts = sorted(t for t in outline.texts if t.length >= MIN_GUIDANCE_LENGTH)
    text_lines = [t.line for t in texts]
    sections: list[Section] = []
    for index in range(first, len(headings)):
        heading = headings[index]
        following = headings[index + 1] if index + 1 < len(headings) else None
        stop = following.line if following else end_line
        paragraphs = array("Q")
        first_text = bisect.bisect_right(text_lines, heading.line)
        for t in texts[first_text : bisect.bisect_left(text_lines, stop)]:
            paragraphs.extend((t.line, t.digest))
        title = heading.text.strip().rstrip(":").strip()
        has_sub = following is not None and following.level > heading.level
        blocks = outline.blocks_after[index + 1]
        sections.append(
            Section(
                title,
                heading.level,
                heading.line,
                heading.col,
                blocks,
                has_sub,
                paragraphs.tobytes(),
            )
        )
    return sections, [h.text for h in headings]


def file_id(scheme: Scheme, path: str) -> tuple[str | None, bool]:
    """The id a file's path (relative to the folder) gives, and whether it fits the pattern.

    With ids taken from a field, the path only says whether the name fits.
    """
    match = scheme.file_regex.match(path)
    if not match:
        return None, False
    if scheme.id_kind == "field":
        return None, True
    found = match["id"]
    if found is None:  # a scheme whose names may go without a number
        return None, True
    return (str(int(found)) if scheme.id_kind == "number" else found), True


class _Read(NamedTuple):
    """What a document's markup gives: its outline, where fields are, and the title heading."""

    outline: markdown.Outline
    front: dict[str, Any]
    fields: list[Field]
    header: _Header
    diagnostics: list[Diagnostic]


def _read_markdown(path: str, text: str, lines: list[str], scheme: Scheme) -> _Read:
    outline = markdown.parse(text)
    front, fm_end, diagnostics = _front_matter(outline, path)
    header = _header(outline, lines, fm_end, scheme)
    code = {n for first, last in outline.code_lines for n in range(first, last + 1)}
    start = (
        (outline.headings[header.title_heading].line + 1)
        if header.title_heading is not None
        else fm_end + 1
    )
    fm_first = outline.front_matter[1] if outline.front_matter else 1
    fields = _front_matter_fields(scheme, front, lines, fm_first, fm_end + 1)
    fenced = _fenced_header(outline, lines, fm_end)
    if fenced is not None:  # an RFC 822 header in a code block that opens the document
        fields += _read_fields(scheme, lines, fenced[0] + 1, fenced[1], set())
    if header.title_heading is not None:  # a table or lines above the title heading
        above = outline.headings[header.title_heading].line
        if fenced is None and above > fm_end + 1:
            fields += _read_fields(scheme, lines, fm_end + 1, above, code)
    code = code | _comment_lines(text)  # `<!-- Key: value -->`: the template's, not a field
    fields += _read_fields(scheme, lines, start, header.end_line, code)
    fields += _section_fields(scheme, outline, lines, {f.name for f in fields})
    return _Read(outline, front, fields, header, diagnostics)


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _comment_lines(text: str) -> set[int]:
    """The lines an HTML comment spans (1-based), where no field is written."""
    found: set[int] = set()
    for match in _COMMENT.finditer(text):
        first = text.count("\n", 0, match.start()) + 1
        last = first + match.group(0).count("\n")
        line_start = text.rfind("\n", 0, match.start()) + 1
        # A comment after a value (`Status: Accepted <!-- one of: ... -->`) hides nothing.
        opens_line = not text[line_start : match.start()].strip()
        found.update(range(first if opens_line else first + 1, last + 1))
    return found


def _fenced_header(
    outline: markdown.Outline, lines: list[str], fm_end: int
) -> tuple[int, int] | None:
    """The first and last line of a code block that opens the document with `Key: value`
    lines, or None."""
    if not outline.code_lines:
        return None
    first, last = outline.code_lines[0]
    if any(line.strip() for line in lines[fm_end : first - 1]):
        return None
    if not lines[first - 1].lstrip().startswith(("```", "~~~")):
        return None
    inner = next((t for t in lines[first:last] if t.strip()), "")
    return (first, last) if match_field_line(inner.strip()) else None


def _section_fields(
    scheme: Scheme, outline: markdown.Outline, lines: list[str], found: set[str]
) -> list[Field]:
    """Fields written as a section of their name (`## Status`, then `Accepted`)."""
    fields: list[Field] = []
    headings = outline.headings
    for spec in scheme.fields:
        if not spec.in_section or spec.name in found:
            continue
        for index, heading in enumerate(headings):
            if not spec.matches(heading.text.strip().rstrip(":")):
                continue
            stop = headings[index + 1].line if index + 1 < len(headings) else len(lines) + 1
            for number in range(heading.line + 1, stop):
                text = lines[number - 1]
                if text.strip():
                    raw = _BULLET.sub("", text.strip(), count=1)
                    col = len(text) - len(text.lstrip()) + (len(text.strip()) - len(raw)) + 1
                    fields.append(
                        Field(spec.name, heading.text.strip(), raw, clean_value(raw), number, col)
                    )
                    break
            break
    return fields


def _read_rst(text: str, lines: list[str], scheme: Scheme) -> _Read:
    """A reStructuredText document: `Field: value` lines up to the first blank line."""
    end = 0
    if lines and match_field_line(lines[0]):
        end = next((n for n, line in enumerate(lines) if not line.strip()), len(lines))
    fields = _read_fields(scheme, lines, 1, end + 1, set())
    outline = rst_outline.parse(text, end)
    return _Read(outline, {}, fields, _Header(None, 0, len(lines) + 1), [])


def _read_sidecar(
    scheme: Scheme, sidecar: tuple[str, str]
) -> tuple[dict[str, Any], list[Field], list[Diagnostic]]:
    path, text = sidecar
    data, _end, problems = read_yaml(text.removeprefix(BOM), 1, path)
    lines = split_lines(text.removeprefix(BOM))
    return data, _front_matter_fields(scheme, data, lines, 1, len(lines) + 1), problems


# A document this short, with no heading, that names another document or a link, only
# points to where the proposal now is (a moved or renamed proposal, an old symbolic link
# saved as text). It is set aside: it is no second proposal with the same id.
POINTER_LENGTH = 400
_POINTS = re.compile(r"\]\([^)\s]+\)|https?://\S+|\S+\.(?:md|rst|markdown)\b")


def is_pointer(text: str) -> bool:
    """Whether a document only points to another one."""
    body = text.strip()
    if not body or len(body) > POINTER_LENGTH or body.startswith(("#", "---")):
        return False
    lines = [line for line in body.split("\n") if line.strip()]
    if len(lines) > 3 or any(line.lstrip().startswith("#") for line in lines):
        return False
    if any(match_field_line(line) for line in lines):
        return False  # metadata: a short proposal, not a pointer
    return bool(_POINTS.search(body))


def nesting_depth(lines: list[str]) -> tuple[int, int]:
    """The deepest nesting any line opens (indentation in pairs of columns, plus list and
    quote markers that follow each other), and the first line that reaches it."""
    deepest, where = 0, 0
    for number, line in enumerate(lines, 1):
        marks = _NESTING_MARKS.match(line)
        if not marks or marks.end() // 2 <= deepest:
            continue  # each level takes at least two columns: no deeper than the deepest
        prefix = marks.group(0).expandtabs(4)
        indent = len(prefix) - len(prefix.lstrip(" "))
        depth = indent // 2 + len(_NESTING_MARK.findall(prefix))
        if depth > deepest:
            deepest, where = depth, number
    return deepest, where


def _too_deep(path: str, line: int, what: str) -> Diagnostic:
    return Diagnostic(
        path,
        line,
        1,
        "F009",
        "nested-too-deeply",
        f"{what}; the document is not read",
        Severity.ERROR,
    )


def parse_proposal(
    path: str, text: str, scheme: Scheme, sidecar: tuple[str, str] | None = None
) -> Proposal:
    """Read one proposal document (already decoded) under a scheme.

    `sidecar` is the (path, text) of the file that holds the fields, for schemes that keep
    them beside the document. A document nested too deeply to read is kept, unread, with
    the finding that says so.
    """
    # docutils, which renders a reST document's page, recurses once per level; a document
    # it cannot render is reported here, where it is read. Markdown is read and rendered
    # without recursion (and what a code block holds is no nesting).
    depth, line = nesting_depth(split_lines(text)) if scheme.markup == "rst" else (0, 0)
    if depth > MAX_NESTING:
        what = f"lists or quotes nest {depth} levels deep here (at most {MAX_NESTING} are read)"
        return unreadable(path, scheme, _too_deep(path, line, what))
    try:
        if sidecar is None and is_pointer(text):
            return unreadable(path, scheme, None)._replace(pointer=True)
        return _parse(path, text, scheme, sidecar)
    except RecursionError:
        what = "the document nests too deeply for the parser"
        return unreadable(path, scheme, _too_deep(path, 0, what))


def _parse(path: str, text: str, scheme: Scheme, sidecar: tuple[str, str] | None) -> Proposal:
    has_bom = text.startswith(BOM)
    if has_bom:
        text = text[1:]
    lines = split_lines(text)
    if scheme.markup == "rst":
        read = _read_rst(text, lines, scheme)
    else:
        read = _read_markdown(path, text, lines, scheme)
    outline, front, fields, header = read.outline, read.front, read.fields, read.header
    diagnostics = list(read.diagnostics)
    if sidecar is not None:
        front, fields, problems = _read_sidecar(scheme, sidecar)
        diagnostics += problems

    title, title_line, title_id = None, 0, None
    if header.title_heading is not None:
        heading = outline.headings[header.title_heading]
        title, title_line = heading.text.strip() or None, heading.line
    for key in scheme.title_keys:
        if isinstance(front.get(key), (str, int, float)) and str(front[key]).strip():
            title = str(front[key]).strip()
            title_line = next((f.line for f in fields if f.key == key), None) or (
                outline.front_matter[1] if outline.front_matter else 1
            )
            break
    proposal_id, matched = file_id(scheme, path)
    if title and scheme.title_regex and (match := scheme.title_regex.match(title)):
        labelled = str(int(match["id"])) if match["id"] else None
        if not scheme.title_own_id_only or (labelled is not None and labelled == proposal_id):
            title_id = labelled
            title = match["title"].strip() or None

    if title is None and scheme.title_field:
        named = next((f for f in fields if f.name == scheme.title_field and f.value), None)
        title, title_line = (named.value, named.line) if named else (None, title_line)

    if title is None and scheme.title_from_slug and matched:
        title = _slug_title(scheme, path)
    if scheme.id_kind == "field":
        proposal_id = _id_from_field(scheme, fields)
    elif proposal_id is None:
        proposal_id = title_id
    status_spec = scheme.status_spec
    status_field = next((f for f in fields if status_spec and f.name == status_spec.name), None)
    sections, heading_titles = _sections(outline, header.first_section, len(lines) + 1)
    first_section = sections[0].line if sections else len(lines) + 1
    field_lines = {f.line for f in fields}
    has_lead = any(
        max(title_line, 0) < t.line < first_section
        and t.line not in field_lines
        and t.length >= LEAD_LENGTH
        for t in outline.texts
    )
    return Proposal(
        path=path,
        id=proposal_id,
        number=int(proposal_id) if proposal_id and scheme.id_kind == "number" else None,
        file_id_matched=matched,
        title=title,
        title_line=title_line,
        title_id=title_id,
        fields=tuple(fields),
        # A process that keeps its status in folders moves the file to change it: the
        # folder wins over a stale line in the document.
        status=scheme.folder_status(path)
        or (scheme.canonical_status(status_field.value) if status_field else None),
        sections=tuple(sections),
        anchors=_anchors(heading_titles)
        | declared_anchors(text)
        | (
            frozenset(docutils_anchor(t) for t in heading_titles)
            if scheme.markup == "rst"
            else frozenset()
        ),
        links=tuple(
            Link(k.target, k.line, k.col, k.is_image, local_target(path, k.target))
            for k in outline.links
        ),
        suppressed=suppressions(text, outline.code_lines),
        has_bom=has_bom,
        load_error=None,
        diagnostics=tuple(diagnostics),
        metadata_path=sidecar[0] if sidecar else None,
        has_lead=has_lead,
    )


def _slug_title(scheme: Scheme, path: str) -> str | None:
    match = scheme.file_regex.match(path)
    slug = match.groupdict().get("slug") if match else None
    return (re.sub(r"[-_]+", " ", slug).strip() or None) if slug else None


def _id_from_field(scheme: Scheme, fields: list[Field]) -> str | None:
    field = next((f for f in fields if f.name == scheme.id_field), None)
    found = re.search(scheme.id_pattern or "", field.raw) if field else None
    return found["id"] if found else None


def unreadable(path: str, scheme: Scheme, error: Diagnostic | None) -> Proposal:
    """A stand-in for a file that could not be read, so that it still counts in the folder."""
    proposal_id, matched = file_id(scheme, path)
    return Proposal(
        path=path,
        id=proposal_id,
        number=int(proposal_id) if proposal_id and scheme.id_kind == "number" else None,
        file_id_matched=matched,
        title=None,
        title_line=0,
        title_id=None,
        fields=(),
        status=None,
        sections=(),
        anchors=frozenset(),
        links=(),
        suppressed=frozenset(),
        has_bom=False,
        load_error=error,
        diagnostics=(),
    )
