"""Infer how a team writes its proposals, from a collection's documents, template and guides.

Pure: it takes a found collection and a way to read its files, and returns a scheme table
(the same data a scheme file holds) with the reasons for each choice. What most documents
do becomes the scheme: the file names, where the fields are, which field is the status and
which words it takes, where the title is, the sections most documents have. Nothing it
infers is a requirement: fields and sections are listed, not required, because only a
process's own documents (a built-in scheme, or rfcdesk.toml) can require.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from rfcdesk.read.proposal import is_pointer, match_field_line, parse_proposal
from rfcdesk.scheme.discover import Collection, common_prefix, id_name, stem_of
from rfcdesk.scheme.model import FieldSpec, Scheme, clean_value, fold

Read = Callable[[str], str | None]  # a path relative to the collection -> its text

SAMPLE = 240  # documents whose structure is read in full; the rest are scanned for statuses
HEAD = 6000  # characters of a document in which its status is looked for
COMMON = 0.5  # a field or section this share of documents has belongs to the scheme
SHARED_HEADING = 0.2  # a first heading this share of documents opens with is a section
STATUS_NAMES = ("status", "state", "stage")
TITLE_NAMES = ("title", "name", "feature", "proposal name")
MAX_STATUS_WORDS = 5
MAX_STATUS_LENGTH = 40
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Where a status's trailing note starts: "Implemented (Swift 5.9)", "Superseded by [X](x.md)",
# "Stable in 1.1", "for prototyping. Don't merge...".
_NOTE_WORDS = r"by|since|in|as of|until"
_NOTE = re.compile(
    rf"\s*(?:[(\[<{{]|\s[-–—]\s|[,;:]|\.(?:\s|$)|\s(?:{_NOTE_WORDS})\s).*$", re.S | re.I
)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y")
_KIND_WORDS = (
    ("date", ("date", "created", "updated")),
    ("people", ("author", "owner", "decider", "decision-maker", "reviewer", "champion")),
)
_OWN_LABEL = r"^(?:[A-Za-z]{1,12}[- ]?)?#?0*(?P<id>\d+)\s*[.:\-–—)]\s*(?P<title>.+)$"

# A stand-in scheme that takes every `Key: value` line as a field, to read documents with
# the parser that will read them later.
_PROBE = Scheme(
    name="probe",
    description="",
    file_pattern=r"^(?P<id>)",
    id_kind="name",
    id_label="{id}",
    file_format="{slug}.md",
    template="",
    title_pattern=None,
    title_keys=("title",),
    title_field=None,
    metadata_style="inline",
    fields=(FieldSpec("*", alias_pattern=r"[^\n]{1,40}"),),
    statuses=(),
    sections=(),
    index=None,
)


class Inference(NamedTuple):
    table: dict[str, Any]  # the scheme, as a scheme file's table
    documents: tuple[str, ...]  # the collection's proposals, relative to its folder
    set_aside: tuple[tuple[str, str], ...]  # (path, why) of documents found to be none
    reasons: tuple[str, ...]  # one line per choice, for `init --explain`


class _Doc(NamedTuple):
    path: str
    fields: dict[str, tuple[str, str]]  # folded key -> (key as written, value)
    styles: Counter[str]
    first_heading: tuple[int, str] | None  # (level, text)
    headings: tuple[str, ...]  # every heading's text
    sections: tuple[str, ...]  # the top-level sections' titles
    status_section: str | None  # the first line under a `Status` heading


def status_words(value: str) -> str:
    """A status value without comments, links, wrappers and trailing notes."""
    text = _COMMENT.sub("", value)
    if re.match(r"^\s*[\w-]+:\s", text):
        return ""  # `values: Merged, keys: ...`: fields inside the value, no status
    text = _LINK.sub(r"\1", text)
    text = clean_value(text.replace("**", "").replace("__", ""))
    text = _NOTE.sub("", text).strip().strip("*_`.").strip()
    return text


def _usable_status(word: str) -> bool:
    return (
        bool(word)
        and len(word) <= MAX_STATUS_LENGTH
        and len(word.split()) <= MAX_STATUS_WORDS
        and not re.search(r"[|<>{}\[\]/=]", word)
        and any(c.isalpha() for c in word)
    )


def _read_doc(path: str, text: str, sidecar: tuple[str, str] | None = None) -> _Doc:
    text = text.removeprefix("\ufeff")
    if path.endswith(".rst"):
        return _read_rst(path, text)
    proposal = parse_proposal(path, text, _PROBE, sidecar)
    fields: dict[str, tuple[str, str]] = {}
    styles: Counter[str] = Counter()
    lines = text.split("\n")
    front_end = 0
    if lines and lines[0].strip() == "---":
        front_end = next((n for n, line in enumerate(lines[1:], 2) if line.strip() == "---"), 0)
    for field in proposal.fields:
        fields.setdefault(fold(field.key), (field.key.strip(), field.value))
        line = lines[field.line - 1] if 0 < field.line <= len(lines) else ""
        styles["front-matter" if field.line < front_end else _line_style(line)] += 1
    headings = tuple(s.title for s in proposal.sections)
    first = (
        (1, proposal.title)
        if proposal.title and proposal.title_line
        else (
            (proposal.sections[0].level, proposal.sections[0].title) if proposal.sections else None
        )
    )
    top = min((s.level for s in proposal.sections if s.level > 1), default=2)
    status_section = next(
        (_first_line(lines, s.line) for s in proposal.sections if fold(s.title) in STATUS_NAMES),
        None,
    )
    return _Doc(
        path,
        fields,
        styles,
        first,
        headings,
        tuple(s.title for s in proposal.sections if s.level == top),
        status_section,
    )


def _first_line(lines: list[str], heading_line: int) -> str | None:
    for line in lines[heading_line:]:
        if line.startswith("#"):
            return None
        if line.strip() and not set(line.strip()) <= set("=-"):
            return re.sub(r"^[-*+]\s+", "", line.strip())
    return None


def _read_rst(path: str, text: str) -> _Doc:
    fields: dict[str, tuple[str, str]] = {}
    for line in text.split("\n"):
        if not line.strip():
            break
        found = match_field_line(line)
        if found:
            fields.setdefault(fold(found.key), (found.key.strip(), clean_value(found.value)))
    return _Doc(path, fields, Counter({"rst-header": len(fields)}), None, (), (), None)


def _line_style(line: str) -> str:
    """How a metadata line is written: `| Key | v |`, `- Key: v`, or `**Key**: v` / `Key: v`."""
    stripped = line.lstrip()
    if stripped.startswith("|"):
        return "table"
    if stripped[:1] in ("-", "*", "+") and stripped[1:2] in (" ", "\t"):
        return "bullets"
    return "inline"


def _sample(paths: list[str], size: int) -> list[str]:
    if len(paths) <= size:
        return paths
    step = len(paths) / size
    return [paths[int(i * step)] for i in range(size)]


def infer_scheme(name: str, collection: Collection, read: Read) -> Inference:
    """The scheme a collection's documents follow, with what was set aside and why."""
    reasons: list[str] = []
    texts: dict[str, str] = {}
    set_aside: list[tuple[str, str]] = []
    documents: list[str] = []
    for path in collection.documents:
        text = read(path)
        if text is None:
            documents.append(path)  # unreadable: the check says why
            continue
        if is_pointer(text):
            set_aside.append((path, "a pointer to another document"))
            continue
        if path in collection.unnamed and _lists_proposals(path, text, collection):
            set_aside.append((path, "an overview that links to the proposals"))
            continue
        # Only the head is kept where the whole is not needed again: the status is near
        # the top, and a large folder's texts would otherwise all be held at once.
        keep_whole = collection.by_status or path in collection.unnamed
        texts[path] = text if keep_whole else text[:HEAD]
        documents.append(path)
    readable = [d for d in documents if d in texts]
    sidecars: dict[str, str] = {}  # document -> its sidecar's text
    if collection.sidecar:
        for path in readable:
            found = read(posixpath.join(posixpath.dirname(path), collection.sidecar))
            if found is not None:
                sidecars[path] = found
        reasons.append(f"each proposal's fields are in `{collection.sidecar}` beside it")

    def doc(path: str) -> _Doc:
        side = sidecars.get(path)
        text = texts[path] if len(texts[path]) < HEAD else (read(path) or texts[path])
        return _read_doc(path, text, (collection.sidecar or "", side) if side else None)

    sample = {p: doc(p) for p in _sample(readable, SAMPLE)}
    if collection.loose:
        for path in _supporting(collection, texts, sample, doc):
            documents.remove(path)
            set_aside.append(
                (path, "supporting material: none of the proposals' fields or sections")
            )
        sample = {p: d for p, d in sample.items() if p in documents}
    docs = list(sample.values())
    table: dict[str, Any] = {
        "name": name,
        "description": f"inferred by rfcdesk from {len(documents)} documents",
        "inferred": True,
        "files": _files(collection, documents, reasons),
    }
    template = _template_text(collection, read)
    fields, status = _fields(docs, collection, sidecars or texts, reasons, template)
    table["metadata"] = {"style": "sidecar" if collection.sidecar else _style(docs)}
    table["fields"] = fields
    if status:
        table["statuses"] = status
    table["title"] = _title(docs, fields, reasons)
    common = _sections(docs, _template_sections(template))
    if common:
        table["sections"] = common
    exclude = sorted(
        p for p, _why in (*collection.set_aside, *set_aside) if not p.startswith("../")
    )
    if exclude:
        table["files"]["exclude"] = exclude
    return Inference(table, tuple(documents), tuple(set_aside), tuple(reasons))


SECTION_SHARE = 0.3


def _supporting(
    collection: Collection,
    texts: Mapping[str, str],
    sample: Mapping[str, _Doc],
    doc: Callable[[str], _Doc],
) -> list[str]:
    """The documents in topic folders, with no id in their name, that are no proposal.

    One is a proposal when it shares the others' metadata or at least two of their
    sections. Where most proposals carry ids, one without must read like them (a FAQ among
    the KEPs is none); where none do, only a document another one beside it links to (an
    appendix) is set aside.
    """
    settled = [d for p, d in sample.items() if p not in collection.loose]
    keys = _common_keys(settled, COMMON)
    sections = _common_sections(settled, SECTION_SHARE)
    linked = _linked_from_siblings(texts)
    strict = collection.named >= len(collection.documents) / 2
    found = []
    for path in collection.loose:
        if path not in texts:
            continue
        read = sample.get(path) or doc(path)
        if keys & {_key_stem(k) for k in read.fields}:
            continue
        if len(sections & {fold(t) for t in read.headings}) >= 2:
            continue
        if not strict and path not in linked:
            continue  # no other document calls it its appendix: a design of its own
        found.append(path)
    return found


OVERVIEW_LINKS = 3  # a document with no id that links to this many proposals is an overview
_LOCAL_LINK = re.compile(r"\]\((?!\w+:)([^)#\s]+)")


def _linked_from_siblings(texts: Mapping[str, str]) -> set[str]:
    """The documents another document in the same folder links to."""
    linked: set[str] = set()
    for path, text in texts.items():
        here = posixpath.dirname(path)
        for target in _LOCAL_LINK.findall(text):
            found = posixpath.normpath(posixpath.join(here, target))
            if found != path and posixpath.dirname(found) == here:
                linked.add(found)
    return linked


def _lists_proposals(path: str, text: str, collection: Collection) -> bool:
    """Whether a document links to several of the collection's proposals (an index)."""
    here = posixpath.dirname(path)
    documents = set(collection.documents)
    if len(re.findall(r"^#", text, re.M)) > 1:
        return False  # it has sections of its own: a document, whatever it links to
    targets = {posixpath.normpath(posixpath.join(here, t)) for t in _LOCAL_LINK.findall(text)}
    return len(targets & documents) >= OVERVIEW_LINKS


def _common_sections(docs: list[_Doc], share: float) -> set[str]:
    seen: Counter[str] = Counter()
    for doc in docs:
        seen.update({fold(t) for t in doc.headings})
    return {k for k, n in seen.items() if n >= share * max(len(docs), 1)}


def _key_stem(key: str) -> str:
    """A field name with its plural taken off: `Owners`, `Owner(s)` and `Owner` agree."""
    return re.sub(r"(?:\(s\)|s)$", "", fold(key))


def _common_keys(docs: list[_Doc], share: float) -> set[str]:
    seen: Counter[str] = Counter()
    for doc in docs:
        seen.update({_key_stem(k) for k in doc.fields})
    return {k for k, n in seen.items() if n >= share * max(len(docs), 1)}


def _files(collection: Collection, documents: list[str], reasons: list[str]) -> dict[str, Any]:
    found = [n for p in documents if (n := id_name(_id_part(p)))]
    markup = (
        "rst" if sum(p.endswith(".rst") for p in documents) > len(documents) / 2 else "markdown"
    )
    suffix = ".rst" if markup == "rst" else ".md"
    prefix = common_prefix(collection)
    optional = len(found) < len(documents)
    widths = Counter(len(f.number) for f in found)
    files: dict[str, Any] = {}
    folder_docs = sum(1 for p in documents if stem_of(p).lower() in ("readme", "index"))
    dated = found and all(len(f.number) == 8 and f.number[:2] in ("19", "20") for f in found)
    if found:
        number = r"(?P<date>\d{8})" if dated else r"\d+"
        head = rf"{re.escape(prefix)}[-_ ]" if prefix else ""
        id_part = rf"{head}(?P<id>{number})"
        if dated:
            id_part = rf"(?P<id>{head}{number}[-_.](?P<slug>[^/]+?))"
        else:
            id_part += r"(?:[-_. ](?P<slug>[^/]+?))?"
        if folder_docs > len(documents) / 2:
            tail = r"/(?:README|index)\.(?:md|markdown)$"
        else:
            tail = r"\.(?:md|markdown|rst)$"
        if optional:
            id_part = rf"(?:{id_part}|(?P<name>[^/]+?))"
        files["pattern"] = rf"^(?:[^/]+/)*{id_part}{tail}"
        files["id_kind"] = "date" if dated else "number"
        width, count = widths.most_common(1)[0]
        if not dated and width > 1 and count >= 0.9 * len(found):
            files["id_width"] = width
        after = Counter(
            _id_part(p)[m.end()]
            for p in documents
            if (m := re.match(r"^(?:[A-Za-z]+[-_ ])?\d+", _id_part(p)))
            and m.end() < len(_id_part(p))
        )
        sep = after.most_common(1)[0][0] if after else "-"
        files["format"] = (
            (f"{prefix}-" if prefix else "")
            + ("{date}_{slug}" if dated else "{id}" + sep + "{slug}")
            + suffix
        )
        files["id_label"] = f"{prefix.upper()}-{{id}}" if prefix else "{id}"
        reasons.append(
            f"{len(found)} of {len(documents)} documents carry an id in their name"
            + (f" ({prefix}-N)" if prefix else "")
        )
    else:
        files["pattern"] = (
            r"^(?:[^/]+/)*(?P<id>(?P<slug>[^/]+?))(?:/(?:README|index))?\.(?:md|markdown|rst)$"
        )
        files["id_kind"] = "name"
        files["format"] = "{slug}" + suffix
        reasons.append(f"{len(documents)} documents, named by their titles (no ids)")
    files["include"] = _include(documents)
    if markup == "rst":
        files["markup"] = "rst"
    templates = [t for t in collection.templates if t.endswith(suffix)]
    if templates:
        files["template"] = templates[0]
    if collection.sidecar:
        files["sidecar"] = collection.sidecar
    return files


def _id_part(path: str) -> str:
    """The name that carries a document's id: its own, or its folder's for a README."""
    stem = stem_of(path)
    if stem.lower() in ("readme", "index") and "/" in path:
        return posixpath.basename(posixpath.dirname(path))
    return stem


def _include(documents: list[str]) -> list[str]:
    globs = set()
    for path in documents:
        parts = path.split("/")
        name = parts[-1]
        stem = stem_of(name).lower()
        last = name if stem in ("readme", "index") else "*" + name[len(stem_of(name)) :].lower()
        globs.add("/".join(["*"] * (len(parts) - 1) + [last]))
    return sorted(globs)


def _template_text(collection: Collection, read: Read) -> str:
    """The text of the collection's template, or "" when it has none."""
    for path in collection.templates:
        text = read(path)
        if text is not None:
            return text
    return ""


def _fields(
    docs: list[_Doc],
    collection: Collection,
    texts: Mapping[str, str],
    reasons: list[str],
    template: str = "",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    count = max(len(docs), 1)
    seen: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for doc in docs:
        for folded, (key, _value) in doc.fields.items():
            seen[folded] += 1
            spelled.setdefault(folded, Counter())[key] += 1
    fields: list[dict[str, Any]] = []
    status_key = _status_key(seen)
    for folded, n in seen.most_common():
        if folded != status_key and (n < COMMON * count or folded in TITLE_NAMES):
            continue
        name = spelled[folded].most_common(1)[0][0]
        field: dict[str, Any] = {"name": name}
        others = sorted(k for k in spelled[folded] if k != name)
        if others:
            field["aliases"] = others
        values = [d.fields[folded][1] for d in docs if folded in d.fields]
        kind = "status" if folded == status_key else _kind(folded, values)
        if kind != "text":
            field["kind"] = kind
        if kind == "date":
            formats = [
                f for f in _DATE_FORMATS if sum(_is_date(v, f) for v in values) >= 0.1 * len(values)
            ]
            if formats and formats != ["%Y-%m-%d"]:
                field["date_formats"] = formats
        fields.append(field)
    statuses: list[dict[str, Any]] = []
    if collection.status_folders:
        statuses = _folder_statuses(collection)
        reasons.append(
            "the status is the folder: "
            + ", ".join(f"{f}/" for f in sorted(collection.status_folders))
        )
        if status_key is None:
            fields.insert(0, {"name": "Status", "kind": "status"})
        else:
            statuses += _value_statuses(texts, spelled[status_key], statuses, template)
    elif status_key is not None:
        statuses = _value_statuses(texts, spelled[status_key], [], template)
        reasons.append(
            f"the status is the `{spelled[status_key].most_common(1)[0][0]}` field "
            f"({seen[status_key]} of {count} documents read): "
            + ", ".join(s["name"] for s in statuses[:12])
        )
    else:
        sectioned = [d.status_section for d in docs if d.status_section]
        if len(sectioned) >= 2:
            fields.insert(0, {"name": "Status", "kind": "status", "in_section": True})
            words = Counter(status_words(s) for s in sectioned)
            statuses = _status_table(words)
            reasons.append(f"the status is the `Status` section ({len(sectioned)} documents)")
    return fields, statuses


def _status_key(seen: Counter[str]) -> str | None:
    """The field that holds the status: named so, and used by more than one document."""
    for folded, n in seen.most_common():
        if folded in STATUS_NAMES or (n >= 2 and folded.endswith(" status")):
            return folded
    return None


def _folder_statuses(collection: Collection) -> list[dict[str, Any]]:
    by_status: dict[str, list[str]] = {}
    for folder, status in sorted(collection.status_folders.items()):
        by_status.setdefault(status, []).append(folder)
    return [{"name": status, "folders": folders} for status, folders in by_status.items()]


def _value_statuses(
    texts: Mapping[str, str], keys: Counter[str], known: list[dict[str, Any]], template: str
) -> list[dict[str, Any]]:
    """The status words every document uses in its status field (all documents scanned),
    and those the template lists as its choices (`_Draft_ or _Accepted_`, `<!-- ... -->`)."""
    pattern = re.compile(
        r"^[ \t]{0,3}(?:[-*+][ \t]+)?(?:\*\*|__)?(?:"
        + "|".join(re.escape(k) for k in keys)
        + r")(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?[ \t]*(?P<value>.*)$",
        re.I | re.M,
    )
    row = re.compile(
        r"^[ \t]{0,3}\|[ \t]*(?:\*\*|__)?(?:"
        + "|".join(re.escape(k) for k in keys)
        + r")(?:\*\*|__)?[ \t]*\|(?P<value>[^|\n]*)\|",
        re.I | re.M,
    )
    words: Counter[str] = Counter()
    written: dict[str, Counter[str]] = {}
    for text in texts.values():
        match = pattern.search(text[:HEAD]) or row.search(text[:HEAD])
        if match:
            word = status_words(match["value"])
            if _usable_status(word):
                words[fold(word)] += 1
                written.setdefault(fold(word), Counter())[word] += 1
    found = pattern.search(template) or row.search(template)
    listed = _choices(found["value"]) if found else []
    for word in listed:
        words[fold(word)] += 1  # a choice the template offers counts as one use
        written.setdefault(fold(word), Counter())[word] += 1
    taken = {fold(s["name"]) for s in known}
    spelled = {w: written[w].most_common(1)[0][0] for w in words if w not in taken}
    used = Counter({spelled[w]: n for w, n in words.items() if w in spelled})
    return _status_table(used, {fold(w) for w in listed})


_CHOICE_SPLIT = re.compile(r"\s*(?:\||\bor\b|,|/|;)\s*")


def _choices(value: str) -> list[str]:
    """The statuses a template's status line offers, outside and inside its comments."""
    inside = " , ".join(c.rsplit(":", 1)[-1] for c in re.findall(r"<!--(.*?)-->", value, re.S))
    outside = _COMMENT.sub("", value)
    words = [status_words(part) for part in _CHOICE_SPLIT.split(f"{outside} , {inside}")]
    return [w for w in words if _usable_status(w)]


def _status_table(words: Counter[str], listed: set[str] | None = None) -> list[dict[str, Any]]:
    """Statuses from the words used, most used first. A word that a status the template
    lists, or a more used one, contains (`Approved` beside a listed `Design Approved`) is a
    short spelling of it."""
    listed = listed or set()
    merged: dict[str, list[Any]] = {}  # folded -> [spelling, count]
    for word, n in words.most_common():
        if _usable_status(word):
            merged.setdefault(fold(word), [word, 0])[1] += n
    ranked = sorted(merged.values(), key=lambda e: (-e[1], -len(e[0])))
    spellings: dict[str, list[str]] = {fold(w): [] for w, _n in ranked}
    canonical: list[str] = []
    for word, n in ranked:
        own = set(fold(word).split())
        wider = next(
            (
                c
                for c in canonical
                if own < set(fold(c).split()) and (fold(c) in listed or merged[fold(c)][1] > n)
            ),
            None,
        )
        if wider is None:
            canonical.append(word)
        else:
            spellings[fold(wider)].append(word)
    result = []
    for word in canonical:
        forms = [word, *spellings[fold(word)]]
        entry: dict[str, Any] = {"name": word, "patterns": [_status_pattern(f) for f in forms]}
        if len(forms) > 1:
            entry["spellings"] = forms[1:]
        result.append(entry)
    return result


def _status_pattern(word: str) -> str:
    """A written status with a trailing note: `Implemented (v2)`, `[Declined](url)`."""
    return r"^\[?" + re.escape(word) + rf"(?=$|\]|\s*[(\[<{{,;:–—.-]|\s+(?:{_NOTE_WORDS})\b)"


def _kind(folded: str, values: list[str]) -> str:
    for kind, words in _KIND_WORDS:
        if any(word in folded for word in words):
            return kind
    filled = [v for v in values if v]
    if filled and sum(1 for v in filled if "://" in v or "](" in v) >= 0.9 * len(filled):
        return "link"
    return "text"


def _is_date(value: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _style(docs: list[_Doc]) -> str:
    votes: Counter[str] = Counter()
    for doc in docs:
        votes.update(doc.styles)
    style = votes.most_common(1)[0][0] if votes else "bullets"
    return "inline" if style == "table" else style


def _title(docs: list[_Doc], fields: list[dict[str, Any]], reasons: list[str]) -> dict[str, Any]:
    """Where the title is: the first heading unless it is a section, a title field, the
    file name's slug as a last resort; less a label that restates the proposal's number."""
    title: dict[str, Any] = {"from_slug": True}
    skip = _section_headings(docs)
    if skip:
        title["skip_headings"] = skip
        reasons.append("headings proposals open with that are sections: " + ", ".join(skip))
    named = Counter(k for d in docs for k in d.fields if k in TITLE_NAMES)
    if not named and (found := _title_key(docs, {fold(t) for t in skip})):
        named = Counter({found: len(docs)})
    if named:
        key, n = named.most_common(1)[0]
        if n >= COMMON * len(docs):
            spelled = next(d.fields[key][0] for d in docs if key in d.fields)
            title["front_matter_keys"] = sorted({spelled, "title", key})
            title["field"] = spelled
            fields.append({"name": spelled})
            reasons.append(f"the title is the `{spelled}` field")
    headed = [d for d in docs if d.first_heading]
    labelled = sum(1 for d in headed if _opens_with_own_number(d))
    if headed and labelled >= 0.3 * len(headed):
        title["pattern"] = _OWN_LABEL
        title["own_id_only"] = True
        reasons.append(f"{labelled} titles open with their own number, which is not the title")
    return title


def _section_headings(docs: list[_Doc]) -> list[str]:
    """Headings documents open with that are sections, not titles: ones many documents
    have, and ones other documents have as a section that open a document whose name says
    something else ("Context" in ...-lightweight-dispatch.md)."""
    having: Counter[str] = Counter()
    for doc in docs:
        own = {fold(t) for t in doc.headings}
        if doc.first_heading:
            own.add(fold(doc.first_heading[1]))
        having.update(own)
    as_section = Counter(fold(t) for d in docs for t in set(d.headings))
    threshold = max(3, SHARED_HEADING * len(docs))
    skip: set[str] = set()
    for doc in docs:
        if not doc.first_heading:
            continue
        heading = doc.first_heading[1]
        if having[fold(heading)] >= threshold:
            skip.add(heading)
        elif as_section[fold(heading)] and having[fold(heading)] >= 2:
            named = id_name(_id_part(doc.path))
            slug = {w.casefold() for w in re.findall(r"[^\W_]+", (named and named.slug) or "")}
            if slug and not set(re.findall(r"\w+", heading.casefold())) & slug:
                skip.add(heading)
    return sorted(skip)


def _opens_with_own_number(doc: _Doc) -> bool:
    own = id_name(_id_part(doc.path))
    match = re.match(_OWN_LABEL, doc.first_heading[1]) if doc.first_heading else None
    return bool(own and match and match["id"].lstrip("0") == own.number.lstrip("0"))


def _title_key(docs: list[_Doc], sections: set[str]) -> str | None:
    """A field that holds the title under another name (a translated `title:`): in most
    documents, a different value in each, and the title heading where there is one."""
    count: Counter[str] = Counter(k for d in docs for k in d.fields)
    for key, n in count.most_common():
        if n < COMMON * len(docs):
            break
        values = [d.fields[key][1] for d in docs if key in d.fields]
        if len(set(values)) < 0.9 * len(values) or not all(2 < len(v) < 150 for v in values):
            continue
        pairs = [
            (d.fields[key][1].casefold(), d.first_heading[1].casefold())
            for d in docs
            if key in d.fields and d.first_heading and fold(d.first_heading[1]) not in sections
        ]
        if pairs and sum(1 for v, h in pairs if v in h or h in v) >= COMMON * len(pairs):
            return key
    return None


def _sections(docs: list[_Doc], template: set[str]) -> list[dict[str, Any]]:
    """The sections most documents have, in their usual order. One is required when the
    template asks for it too: the folder's own practice confirms the template."""
    count = max(len(docs), 1)
    seen: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    order: dict[str, float] = {}
    for doc in docs:
        for place, title in enumerate(dict.fromkeys(fold(t) for t in doc.sections)):
            seen[title] += 1
            order[title] = order.get(title, 0.0) + place
        for title in doc.sections:
            spelled.setdefault(fold(title), title)
    common = [t for t, n in seen.items() if n >= COMMON * count]
    common.sort(key=lambda t: order[t] / seen[t])
    return [{"name": spelled[t], "required": t in template} for t in common]


def _template_sections(template: str) -> set[str]:
    """The folded titles of the template's top-level sections."""
    if not template:
        return set()
    doc = _read_doc("template.md", template)
    return {fold(t) for t in doc.sections}
