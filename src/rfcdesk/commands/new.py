"""`rfcdesk new`: claim the next id, fill the template, and add the proposal to the index.

The folder is locked from reading the numbers in use until every file is written, so two
`new` runs at once get two numbers. Numbers on other branches count as taken, so two
branches do not both create `klip-64-...`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edge.git import run_git
from rfcdesk.edit.index import place_row, set_next_number
from rfcdesk.edit.text import (
    Text,
    field_line_like,
    heading_text_span,
    insert_line,
    line_span,
    replace_span,
    set_field,
)
from rfcdesk.edit.writer import FileChange, folder_lock, read_for_edit, write_or_show
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.model import Proposal
from rfcdesk.read.folder import Folder, open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.numbers import next_free, numbers_in_folder, numbers_in_use
from rfcdesk.read.proposal import match_field_line, parse_proposal
from rfcdesk.report.formats import display_path
from rfcdesk.scheme.load import scheme_template
from rfcdesk.scheme.model import Scheme, fold


class Options(NamedTuple):
    title: str
    path: Path = Path(".")
    author: str | None = None
    intent: bool = False  # only reserve the number in the index
    draft: bool = False  # an undated draft id (rfc: 00000000_name.md)
    date: dt.date | None = None  # today when None
    dry_run: bool = False
    scheme: str | None = None
    branches: bool = True  # count numbers used on other git branches


def git_author(root: Path) -> str | None:
    try:
        name = run_git(root, "config", "user.name").decode("utf-8").strip()
    except FatalError:
        return None
    return name or None


def run(options: Options, out: TextIO) -> int:
    """Start a proposal: claim the next id, fill the template, add the index row."""
    title = " ".join(options.title.split())
    if not title:
        raise FatalError("the title is empty")
    config = folder_settings(options.path, options.scheme)
    with folder_lock(config.folder):
        folder = open_folder(config, options.scheme)
        author = options.author or git_author(folder.root) or ""
        changes, label = plan_new(folder, options._replace(title=title), author)
        write_or_show(changes, folder.root, options.dry_run, out)
    if options.dry_run:
        return EXIT_OK
    what = "reserved" if options.intent else "created"
    where = ", ".join(display_path(folder.root, c.path.name) for c in changes)
    print(f"{what} {label}: {title} ({where})", file=out)
    if not author and not options.intent:
        print("no author: set `git config user.name` or pass --author", file=out)
    return EXIT_OK


def plan_new(folder: Folder, options: Options, author: str) -> tuple[list[FileChange], str]:
    """The files `new` writes: the proposal (unless --intent) and the index."""
    scheme = folder.scheme
    day = options.date or dt.date.today()
    slug = scheme.slug(options.title)
    if scheme.sidecar:
        raise FatalError(
            f"the {scheme.name} scheme keeps metadata in {scheme.sidecar} beside each document; "
            "`new` does not write those yet: copy the template folder by hand"
        )
    if scheme.id_kind in ("field", "name"):
        raise FatalError(
            f"the {scheme.name} scheme does not number its proposals (ids come from "
            f"{'a field' if scheme.id_kind == 'field' else 'file names'}); create the file "
            "by hand from the template and run `rfcdesk check`"
        )
    if scheme.id_kind == "number":
        proposals, table = folder.proposals, folder.index_table
        if options.branches:
            used = numbers_in_use(folder.root, scheme, proposals, table)
        else:
            used = numbers_in_folder(proposals, table)
        nxt = folder.index_table.next_number if folder.index_table else None
        proposal_id = str(next_free(used, nxt.number if nxt else None))
        name = scheme.file_name(proposal_id, slug)
    else:
        if options.intent:
            raise FatalError(f"the {scheme.name} scheme has no index to reserve an id in")
        prefix = scheme.draft_id if options.draft and scheme.draft_id else f"{day:%Y%m%d}"
        name = scheme.file_name(f"{prefix}_{slug}", slug)
        proposal_id = name[: -len(".md")]
    if (folder.root / name).exists():
        raise FatalError(f"{folder.root / name} exists already; choose another title")
    changes: list[FileChange] = []
    proposal = None
    if not options.intent:
        text = fill_template(folder, proposal_id, name, options.title, author, day)
        proposal = parse_proposal(name, text.body, scheme)
        changes.append(FileChange(folder.root / name, None, text.encode()))
    index_change = _index_change(folder, proposal_id, options.title, proposal)
    if index_change is not None:
        changes.append(index_change)
    label = scheme.label(proposal_id) if scheme.id_kind == "number" else name
    return changes, label


def _template_text(folder: Folder) -> Text:
    path = folder.root / folder.scheme.template
    if folder.scheme.template and path.is_file():
        return read_for_edit(path)[1]
    return Text(False, scheme_template(folder.scheme))


def fill_template(
    folder: Folder, proposal_id: str, name: str, title: str, author: str, day: dt.date
) -> Text:
    """The template with the title, author, date and first status written in."""
    scheme = folder.scheme
    template = _template_text(folder)
    text = template.body
    parsed = parse_proposal(name, text, scheme)
    values = _values(scheme, title, author, day)
    values["number"] = proposal_id
    authors = next((s.name for s in scheme.fields if s.kind == "people"), None)
    edits: list[tuple[int, str, int, str]] = []  # (line, kind, last line, value)
    for field in parsed.fields:
        spec = scheme.field_for(field.key)
        if spec is None:
            continue
        value = values.get(spec.kind) if spec.name != scheme.title_field else title
        if spec.kind == "date":
            value = day.strftime(spec.date_formats[0])
        elif spec.kind == "people" and spec.name != authors:
            value = None  # a sponsor or a delegate is not the author
        known = folder.template.field_placeholders.get(spec.name, frozenset())
        placeholder = fold(field.value) in known
        if value is None and (placeholder or "{" in field.value):
            value = scheme.undecided[0] if scheme.undecided else ""
        if value is not None:
            edits.append((field.line, "set", field.line + field.raw.count("\n"), value))
    present = {f.name for f in parsed.fields}
    last = max((f.line + f.raw.count("\n") for f in parsed.fields), default=0)
    for spec in scheme.fields:
        if spec.required and spec.name not in present and last:
            value = values.get(spec.kind, scheme.undecided[0] if scheme.undecided else "")
            edits.append((last, "insert", last, f"{spec.name}\0{value}"))
    for line, kind, last_line, value in sorted(edits, reverse=True):
        if kind == "set":
            text = set_field(text, line, value, last_line)
        else:
            key, word = value.split("\0")
            style = text[slice(*line_span(text, line))]
            text = insert_line(text, last_line, field_line_like(style, key, word))
    text = _set_title(text, parsed, scheme, proposal_id, title)
    text = _set_front_matter_title(text, parsed, scheme, title)
    _verify(name, text, scheme, title, values.get("status"))
    return Text(template.bom, text)


def _values(scheme: Scheme, title: str, author: str, day: dt.date) -> dict[str, str]:
    values = {"date": day.isoformat()}
    if author:
        values["people"] = author
    status = scheme.initial_status or (scheme.statuses[0].name if scheme.statuses else None)
    if status:
        values["status"] = status
    return values


def _set_title(text: str, parsed: Proposal, scheme: Scheme, proposal_id: str, title: str) -> str:
    """Rewrite the template's title heading, keeping its `#` marker."""
    span = heading_text_span(text, parsed.title_line) if parsed.title_line else None
    if span is None:  # no title heading (a front-matter or field title is set elsewhere)
        return text
    written = scheme.title_format.format(id=proposal_id, title=title)
    return replace_span(text, *span, written)


def _set_front_matter_title(text: str, parsed: Proposal, scheme: Scheme, title: str) -> str:
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        return text
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip("\r") in ("---", "..."):
            break
        found = match_field_line(line.rstrip("\r"))
        if found and found.key in scheme.title_keys:
            quoted = title if re.fullmatch(r"[\w .,()/-]+", title) else _yaml_quote(title)
            start, end = line_span(text, number)
            return text[: start + found.value_col - 1] + quoted + text[end:]
    return text


def _yaml_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _verify(name: str, text: str, scheme: Scheme, title: str, status: str | None) -> None:
    """Re-read the filled template: refuse to write a file that does not say what we meant."""
    parsed = parse_proposal(name, text, scheme)
    problems = []
    if parsed.title != title:
        problems.append(f"its title reads {parsed.title!r}")
    if status and parsed.status != status:
        problems.append(f"its status reads {parsed.status!r}")
    if problems:
        raise FatalError(
            f"the filled template for {name} is not what was meant ({'; '.join(problems)}); "
            "nothing was written. Check the template's title and Status lines, or report this "
            "as a bug"
        )


def _index_change(
    folder: Folder, proposal_id: str, title: str, proposal: Proposal | None
) -> FileChange | None:
    scheme = folder.scheme
    if scheme.index is None or scheme.id_kind != "number":
        return None
    path = folder.root / scheme.index.file
    before, doc = read_for_edit(path, missing_ok=True)
    row = proposal or _intent(scheme, proposal_id, title)
    table = folder.index_table
    text = place_row(doc.body, scheme, table, folder.proposals, row, folder.exists)
    text = set_next_number(text, scheme, int(proposal_id) + 1)
    return FileChange(path, before, Text(doc.bom, text).encode())


def _intent(scheme: Scheme, proposal_id: str, title: str) -> Proposal:
    """A stand-in for a reserved number: a row with a title and the first status."""
    status = scheme.initial_status or scheme.statuses[0].name
    spec = scheme.status_spec
    line = f"- {spec.name if spec else 'Status'}: {status}\n"
    proposal = parse_proposal("", f"# {title}\n\n{line}", scheme)
    return proposal._replace(id=proposal_id, path="", title=title)
