"""`rfcdesk build`: the static site, in named stages: collect -> render -> write.

A rebuild re-renders only the proposal pages whose inputs changed: each page's inputs
(its text, its metadata, the pages its links lead to, its backlinks, its history and its
diagnostics) are digested into a key kept in `.rfcdesk-build.json` in the output folder.
The index, dashboard, graph page (only while some proposal names another), feed and exports
are one file each, and the search index a set of small scripts (`site/search.py`), all
rewritten every time; a file is only written when its bytes change. Whether the graph page
is there is part of every page's key: the navigation links it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import posixpath
import time
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from rfcdesk import __version__
from rfcdesk.edge import cache
from rfcdesk.edge.files import contained, read_document, walk, write_if_changed
from rfcdesk.edge.workers import beside, parallel_map
from rfcdesk.errors import FatalError
from rfcdesk.history.load import FolderHistory, load_history
from rfcdesk.history.timeline import describe
from rfcdesk.model import Diagnostic
from rfcdesk.read.folder import Folder
from rfcdesk.read.relations import Graph, closed_statuses, relation_graph
from rfcdesk.read.settings import load_config
from rfcdesk.rules.outcome import configured_diagnostics
from rfcdesk.site import charts
from rfcdesk.site.collect import Entry, Facets, collect, facets, without_card_lines
from rfcdesk.site.export import document_json, record_json, schema_text
from rfcdesk.site.feed import atom
from rfcdesk.site.graph import page_context
from rfcdesk.site.render import Rendered, Resolver, highlight_css, render, render_plain
from rfcdesk.site.rows import Layout, write_rows
from rfcdesk.site.search import (
    IndexState,
    SearchEntry,
    all_pieces,
    export_row,
    holds,
    index_state,
    search_entry,
    updated_pieces,
)

MANIFEST = ".rfcdesk-build.json"
# 3: search entries hold the text; 4: and their terms; 5: they are kept in the cache
MANIFEST_FORMAT = 5
_PARALLEL_THRESHOLD = 200


class BuildOptions(NamedTuple):
    output: Path
    base_url: str = ""  # where the site will be published, for the feed's links
    live: bool = False  # pages reload themselves when `serve` rebuilds
    today: dt.date | None = None
    jobs: int | None = None


class BuildResult(NamedTuple):
    output: Path
    pages: int  # proposal pages in the site
    rendered: tuple[str, ...]  # proposal pages rendered this time (the rest were current)
    seconds: float
    shallow_before: str | None = None  # where a shallow history begins: earlier dates unknown


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rfcdesk.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["describe"] = describe
    return env


@lru_cache(maxsize=1)
def renderer_digest() -> str:
    """A digest of what turns inputs into a page and its search entry: the templates, the
    renderer's code and the search index's (whose terms the manifest keeps).

    Part of every page's key, so that a new rfcdesk (or a template edit while developing
    one) renders every page again instead of trusting pages an older one wrote.
    """
    package = resources.files("rfcdesk.site")
    code = ("render.py", "autolink.py", "render_rst.py", "search.py")
    parts = [package.joinpath(name).read_bytes() for name in code]
    templates = package.joinpath("templates")
    for item in sorted(templates.iterdir(), key=lambda t: t.name):
        parts.append(item.name.encode() + b"\0" + item.read_bytes())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _check_output(folder: Folder, output: Path) -> None:
    root, out = folder.root.resolve(), output.resolve()
    if out == root or out in root.parents:
        raise FatalError(f"{output}: the site cannot be written over the proposal folder")
    blocked = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise FatalError(f"{output}: cannot write the site there: {blocked} is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise FatalError(
            f"{output}: folder is not empty and holds no rfcdesk site; "
            "choose an empty or a new folder"
        )


def _render_rst(text: str, path: str, resolve: Resolver) -> Rendered:
    # docutils is imported only for a folder written in reST (35 ms of every start).
    from rfcdesk.site.render_rst import render_rst

    return render_rst(text, path, resolve)


# One renderer per markup, each returning sanitized HTML.
RENDERERS: dict[str, Callable[[str, str, Resolver], Rendered]] = {
    "markdown": render,
    "rst": _render_rst,
    "plain": lambda text, _path, _resolve: render_plain(text),
}


class PageJob(NamedTuple):
    """Everything one proposal page needs, so that it can be rendered in another process."""

    page: str
    markup: str
    source_path: str
    text: str
    links: dict[str, str]  # folder-relative target -> URL from the page
    context: dict[str, Any]
    target: str  # the page's file


def _link_map(entry: Entry, pages: dict[str, str], files: set[str]) -> dict[str, str]:
    found = {}
    for link in entry.proposal.links:
        local = link.local
        if local is None:
            continue
        path = local[0]
        if path in pages:
            found[path] = posixpath.basename(pages[path])
        elif path in files:
            found[path] = f"../files/{path}"
    return found


def _page_job(
    folder: Folder, output: Path, entry: Entry, links: dict[str, str], context: dict[str, Any]
) -> PageJob:
    """What rendering a proposal's page takes, its text read now."""
    text = _read_text(folder, entry.proposal.path)
    # A document that could not be read (too deep to parse) is shown as its text.
    markup = folder.scheme.markup if entry.proposal.load_error is None else "plain"
    # The card above the body shows the title and the fields: the body starts after them
    # (a reST renderer drops its header itself).
    body = without_card_lines(entry.proposal, text) if markup == "markdown" else text
    target = os.path.join(output, entry.page)
    return PageJob(entry.page, markup, entry.proposal.path, body, links, context, target)


def _render_page(job: PageJob) -> tuple[str, SearchEntry]:
    """Render a page and write it; its search entry. In a worker, when there are many: the
    page and its words are made in parallel, and only the words come back."""
    try:
        rendered = RENDERERS[job.markup](job.text, job.source_path, job.links.get)
    except RecursionError:  # nested past what the parser can take
        rendered = render_plain(job.text)
    template = environment().get_template("proposal.html")
    html = template.render(**job.context, body=rendered.html, toc=rendered.headings)
    write_if_changed(Path(job.target), html.encode())
    entry: Entry = job.context["e"]
    words = search_entry(job.page, entry.label, entry.title, entry.status_text, rendered.text)
    return job.page, words


def _common(
    folder: Folder, history: FolderHistory, live: bool, root: str, graph: bool
) -> dict[str, Any]:
    label = folder.scheme.label("").rstrip("-_ ") or folder.scheme.name
    return {
        "site_title": f"{label} proposals" if label else "Proposals",
        "version": __version__,
        "folder_name": folder.root.name,
        "head": history.head,
        "live": live,
        "root": root,
        "history_known": history.known,
        "graph": graph,  # whether the site has a graph page: the navigation links it
        "history_note": "No commits touch this file yet."
        if history.known
        else f"No history: the folder is {history.reason}.",
    }


def build_site(folder: Folder, options: BuildOptions) -> BuildResult:
    """Build (or bring up to date) the site for an opened folder."""
    started = time.perf_counter()
    output = options.output
    _check_output(folder, output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FatalError(f"{output}: cannot create the site folder: {exc.strerror}") from None
    # collect
    history = load_history(folder)
    entries = collect(folder, history, configured_diagnostics(load_config(folder.root), folder))
    manifest = _load_manifest(output)
    searched = _load_search(output)
    files = _local_files(folder)
    pages = {e.proposal.path: e.page for e in entries}
    graph = relation_graph(folder.scheme, folder.proposals)
    # render the proposal pages whose inputs changed
    common = _common(folder, history, options.live, "../", bool(graph.edges))
    to_render: list[tuple[Entry, dict[str, str], dict[str, Any]]] = []
    keys, search = {}, {}
    # What every page is made with, digested once: it is part of each page's key.
    shared = _digest([MANIFEST_FORMAT, __version__, renderer_digest(), common])
    written = os.path.join(output, "")
    for entry in entries:
        links = _link_map(entry, pages, files)
        context = {**common, "e": entry}
        text_digest = _text_digest(folder, entry.proposal.path)
        key = _digest([shared, text_digest, links, _entry_key(entry)])
        keys[entry.page] = key
        known = manifest.get("pages", {}).get(entry.page, {}).get("key")
        kept = searched.get(entry.page)
        if known == key and kept and kept[0] == key and os.path.exists(written + entry.page):
            search[entry.page] = kept[1]
            continue
        to_render.append((entry, links, context))
    # Pages are read as workers take them and come back as they are rendered, so a large
    # site is written, not held, in memory.
    jobs = (_page_job(folder, output, *job) for job in to_render)
    count = len(to_render)
    rendered = parallel_map(_render_page, jobs, options.jobs, _PARALLEL_THRESHOLD, 32, count)
    for page, words in rendered:
        search[page] = words
    # write everything else
    # The search index is made of the pages' entries in order: while every page's key is
    # what it was, it is what it was (a rebuild of 10,000 spent seconds making it again).
    search_key = _digest([[e.page, keys[e.page]] for e in entries])
    search_current = (
        manifest.get("search") == search_key
        and (output / "search").is_dir()
        and (output / "search-index.json").is_file()
    )
    today = options.today or dt.date.today()
    # The pages about the whole folder show its entries (each page's key holds what its
    # page shows), the graph drawn from them, and today's date.
    aggregate_key = _digest([search_key, today.isoformat(), options.base_url, options.live])
    rendered_pages = {entry.page for entry, _, _ in to_render}
    folder_pages: str | None = manifest.get("folder_pages")
    pieces_written = _nothing_to_wait_for
    if manifest.get("aggregates") != aggregate_key or not (output / "index.html").is_file():
        # The proposals whose search entries changed, with what they were, when every one
        # of them had one: the index can then be brought up to date.
        changed = [n for n, e in enumerate(entries) if e.page in rendered_pages]
        before = (
            {n: searched[entries[n].page][1] for n in changed}
            if all(entries[n].page in searched for n in changed)
            else None
        )
        folder_pages, pieces_written = _write_aggregates(
            folder,
            history,
            entries,
            graph,
            output,
            options,
            search,
            search_current,
            before,
            _load_fragments(output),
            keys,
            manifest.get("folder_pages"),
        )
    try:
        _copy_files(folder, entries, files, output, rendered_pages)  # while the pieces are made
    except BaseException:
        _settle(pieces_written)
        raise
    pieces_written()
    _remove_stale(output, manifest, keys)
    pages_made = {p: {"key": keys[p]} for p in keys}
    _save_manifest(output, pages_made, search_key, aggregate_key, folder_pages)
    made_again = rendered_pages | (searched.keys() - keys.keys())
    _save_search(output, {p: (keys[p], search[p]) for p in keys}, made_again)
    return BuildResult(
        output,
        len(entries),
        tuple(entry.page for entry, _, _ in to_render),
        time.perf_counter() - started,
        history.shallow_before,
    )


def _entry_key(entry: Entry) -> list[Any]:
    return [
        entry.label,
        entry.status_text,
        entry.fields,
        entry.created,
        entry.updated,
        entry.status_since,
        [tuple(d) for d in entry.diagnostics],
        [(b.page, b.label, b.title) for b in entry.backlinks],
        [tuple(e) for e in entry.events],
        # Where it stands against the quorum depends on who counts and on whether the folder
        # records approvals at all, not on this document alone.
        [entry.approvals_for, entry.approvals],
    ]


def _text_digest(folder: Folder, path: str) -> str:
    """What a page's text is, for its key: the content key the parse cache took of the
    file (read and digested once, when it changed), else a digest of the text."""
    known = folder.keys.get(path)
    if known is not None:
        return repr(known)
    # The text is digested as bytes: encoding 10,000 texts into JSON was a third of a
    # rebuild that changes nothing.
    text = _read_text(folder, path)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_bytes(folder: Folder, path: str) -> bytes | None:
    """A file's bytes, unless it resolves outside the folder: nothing there is published."""
    if not contained(folder.root, path):
        return None
    try:
        return (folder.root / path).read_bytes()
    except OSError:
        return None


def _read_text(folder: Folder, path: str) -> str:
    """A proposal's text, through the reader `check` uses: nothing outside the folder,
    nothing binary or too large; "" for those, whose pages show the finding instead."""
    read = read_document(folder.root, path)
    return "" if isinstance(read, Diagnostic) else read.removeprefix("\ufeff")


def _local_files(folder: Folder) -> set[str]:
    """Every file under the folder (folder-relative) that may be published: as the walk
    that opened the folder found them, when it walked the whole folder."""
    listing = folder.tree.listing if folder.tree is not None else walk(folder.root)
    return set(listing.files)


def _write_aggregates(
    folder: Folder,
    history: FolderHistory,
    entries: list[Entry],
    graph: Graph,
    output: Path,
    options: BuildOptions,
    search: dict[str, SearchEntry],
    search_current: bool = False,
    before: dict[int, SearchEntry] | None = None,
    fragments: Fragments | None = None,
    page_keys: dict[str, str] | None = None,
    written: str | None = None,
) -> tuple[str, Callable[[], None]]:
    """The pages and files about the whole folder, and the search index where it is not
    `search_current` (built from the same entries last time); with what waits for the
    search index's pieces to be written.

    The pages are written only where what they are made of differs from `written` (what
    the last ones were made of; the digest is returned): an edit to a proposal's text
    changes its page and the search index, not its row in the index, its record in
    proposals.json or the dashboard.
    """
    env = environment()
    common = _common(folder, history, options.live, "", bool(graph.edges))
    today = options.today or dt.date.today()
    rows, records = _fragments(env, entries, fragments, page_keys or {})
    made_of = _made_of(rows, records, [common, today.isoformat(), options, repr(folder.scheme)])
    if made_of != written or not (output / "index.html").is_file():
        pages = _folder_pages(folder, entries, graph, options, env, common, today, rows, records)
        for name, text in pages.items():
            write_if_changed(output / name, text.encode())
        if not graph.edges:
            (output / "graph.html").unlink(missing_ok=True)
        del pages
    if fragments is not None:
        _save_fragments(output, {e.page: fragments[e.page] for e in entries if e.page in fragments})
    # What the pages above were made of is let go before the search index is made: a
    # site of 10,000 held both at once.
    del rows, records, fragments
    (output / "search-index.js").unlink(missing_ok=True)  # the one-file index of format 3
    if not search_current:
        indexed = [search[e.page] for e in entries]
        pieces_written = _write_search(output, indexed, before)
        try:
            _write_export(output, indexed, before)  # meanwhile, where the pieces are made beside
        except BaseException:
            _settle(pieces_written)
            raise
        return made_of, pieces_written
    return made_of, _nothing_to_wait_for


def _made_of(rows: list[Markup], records: list[str], rest: list[Any]) -> str:
    """A digest of what the pages about the whole folder are made of: each proposal's row
    and record (which hold all those pages show of it), and the rest (`rest`)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (*rows, *records):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    rest = [MANIFEST_FORMAT, __version__, renderer_digest(), *rest]
    digest.update(json.dumps(rest, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _folder_pages(
    folder: Folder,
    entries: list[Entry],
    graph: Graph,
    options: BuildOptions,
    env: jinja2.Environment,
    common: dict[str, Any],
    today: dt.date,
    rows: list[Markup],
    records: list[str],
) -> dict[str, str]:
    """The index, the dashboard, the feed, the exports and the graph, by file name."""
    found: Facets = facets(folder, entries)
    keys = {e.status or e.status_text: e.status_key for e in entries}
    accepted = frozenset(folder.scheme.accepted)
    open_statuses = frozenset(s.name for s in folder.scheme.statuses if not s.terminal)
    acceptance, accepted_count = charts.time_to_acceptance(entries, accepted)
    open_age, open_count = charts.open_by_age(entries, open_statuses, today)
    chart_set = {
        "by_status": charts.by_status(entries, found.statuses),
        "per_year": charts.per_year(entries, found.statuses),
        "acceptance": acceptance,
        "accepted_count": accepted_count,
        "open_age": open_age,
        "open_count": open_count,
    }
    outputs = {
        "index.html": env.get_template("index.html").render(
            # One string: ten thousand rows through the template's loop took a tenth of a
            # second.
            **common,
            entries=entries,
            facets=found,
            keys=keys,
            rows=Markup("".join(f"{row}\n" for row in rows)),
        ),
        "dashboard.html": env.get_template("dashboard.html").render(
            **common, entries=entries, charts=chart_set, today=today.isoformat()
        ),
        "search.html": env.get_template("search.html").render(**common),
        # Compact: with an indent, json encodes in Python, a second for 10,000 proposals.
        "proposals.json": document_json(folder.scheme.name, records),
        "proposals.schema.json": schema_text(),
        "feed.xml": atom(
            common["site_title"],
            options.base_url,
            entries,
            max((e.updated for e in entries if e.updated), default="1970-01-01T00:00:00+00:00"),
        ),
        "assets/site.css": _static("site.css") + "\n" + highlight_css(),
        "assets/site.js": _static("site.js"),
        "assets/search.js": _static("search.js"),
    }
    # The graph page is made only when some proposal names another; the navigation of
    # every page says whether it is there (`common`, part of each page's key).
    if graph.edges:
        closed = closed_statuses(folder.scheme)
        context = page_context(
            graph, entries, [s.name for s in folder.scheme.statuses if s.name in closed]
        )
        outputs["graph.html"] = env.get_template("graph.html").render(**common, **context)
    return outputs


# Above this share of the proposals changed, the index is made again, not brought up to date.
_UPDATE_SHARE = 0.05


# From this many proposals on, a whole search index is made in a process forked for it,
# while this one writes `search-index.json`: below it, forking costs more than it saves.
SEARCH_BESIDE = 300
# What that process makes the index of: set before it is forked, never pickled.
_indexing: tuple[Path, list[SearchEntry]] | None = None


def _write_search(
    output: Path, indexed: list[SearchEntry], before: dict[int, SearchEntry] | None
) -> Callable[[], None]:
    """The search pieces: those the changed proposals (`before`: their number and what
    they were) touch, when the last build's state is there for the same pages; else all,
    beside this process when there are many. Returns what waits for them to be written."""
    global _indexing
    state = _load_index_state(output)
    pages = tuple(e["url"] for e in indexed)
    small = before is not None and len(before) <= max(64, _UPDATE_SHARE * len(indexed))
    if (
        state is not None
        and state.pages == pages
        and before is not None
        and small
        and holds(state, before)
    ):
        pieces, names, state = updated_pieces(state, indexed, before)
        for name, text in pieces:
            write_if_changed(output / name, text.encode())
        _remove_stale_search(output, set(names))
        _save_index_state(output, state)
        return _nothing_to_wait_for
    del state
    if len(indexed) < SEARCH_BESIDE:
        _write_whole_search(output, indexed)
        return _nothing_to_wait_for
    _indexing = (output, indexed)
    waiting = beside(_whole_search_beside)

    def written() -> None:
        global _indexing
        try:
            waiting()
        finally:
            _indexing = None

    return written


def _nothing_to_wait_for() -> None:
    return None


def _settle(wait: Callable[[], None]) -> None:
    """Wait for the search pieces made beside after this process failed: its error is the
    one to report, and no process is left behind."""
    with contextlib.suppress(Exception):
        wait()


def _whole_search_beside() -> None:
    assert _indexing is not None
    _write_whole_search(*_indexing)


def _write_whole_search(output: Path, indexed: list[SearchEntry]) -> None:
    state = index_state(indexed)
    written = set()
    for name, text in all_pieces(state, indexed):
        write_if_changed(output / name, text.encode())
        written.add(name)
    _remove_stale_search(output, written)
    _save_index_state(output, state)


def _fragments_file(output: Path) -> Path:
    return cache.keyed_file("fragments", str(output.resolve()), str(MANIFEST_FORMAT))


def _load_fragments(output: Path) -> Fragments:
    stored = cache.load_any(_fragments_file(output))
    return stored if isinstance(stored, dict) else {}


def _save_fragments(output: Path, fragments: Fragments) -> None:
    cache.save(_fragments_file(output), fragments)


def _index_state_file(output: Path) -> Path:
    return cache.keyed_file("search-state", str(output.resolve()), str(MANIFEST_FORMAT))


def _load_index_state(output: Path) -> IndexState | None:
    stored = cache.load_any(_index_state_file(output))
    return stored if isinstance(stored, IndexState) else None


def _save_index_state(output: Path, state: IndexState) -> None:
    cache.save(_index_state_file(output), state)


# Each proposal's row in the index page and record in proposals.json, with the page key
# they were made under: while it holds, they are what they were (10,000 rows of the index
# template took most of a second to make again for every change).
Fragments = dict[str, tuple[str, str, str]]


def _fragments(
    env: jinja2.Environment,
    entries: list[Entry],
    fragments: Fragments | None,
    page_keys: dict[str, str],
) -> tuple[list[Markup], list[str]]:
    """The index rows and export records of the entries, from `fragments` (page -> page
    key, row, record) where the page's key is still that; the others made and put in it.
    (The search index's rows are not kept here: they hold the whole text, which the
    search cache keeps already.)"""
    row_template = env.get_template("index_row.html")
    known = fragments if fragments is not None else {}
    rows, records = [], []
    for entry in entries:
        kept = known.get(entry.page)
        key = page_keys.get(entry.page)
        if kept is not None and key is not None and kept[0] == key:
            row, data = kept[1], kept[2]
        else:
            row = Markup(row_template.render(e=entry))
            data = record_json(entry)
            if key is not None:
                known[entry.page] = (key, row, data)
        rows.append(row if isinstance(row, Markup) else Markup(row))
        records.append(data)
    return rows, records


def _write_export(
    output: Path, entries: list[SearchEntry], before: dict[int, SearchEntry] | None
) -> None:
    """`search-index.json`, streamed to a file beside it (the whole text of 10,000
    proposals is no string to hold in memory twice); after a few changes (`before`: the
    changed rows), only their rows are encoded again (see `rows`)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

    def encode(number: int) -> bytes:
        return encoder.encode(export_row(entries[number])).encode()  # by json's C encoder

    place = cache.keyed_file("search-rows", str(output.resolve()), str(MANIFEST_FORMAT))
    stored = cache.load_any(place)
    layout = stored if isinstance(stored, Layout) else None
    pages = [e["url"] for e in entries]
    found = write_rows(output / "search-index.json", pages, encode, before, layout)
    if found is not None:
        cache.save(place, found)


def _static(name: str) -> str:
    return resources.files("rfcdesk.site").joinpath("static").joinpath(name).read_text("utf-8")


def _copy_files(
    folder: Folder, entries: list[Entry], files: set[str], output: Path, rendered: set[str]
) -> None:
    """The proposals' sources, and the local files (images...) their pages link to. A
    source whose page was not rendered again is what it was (the page's key holds its
    content); a linked file is copied when its size or time differs from the copy's."""
    sources, linked = os.path.join(output, "source"), os.path.join(output, "files")
    for entry in entries:
        path = entry.proposal.path
        target = os.path.join(sources, path)
        if entry.proposal.load_error is None and (
            entry.page in rendered or not os.path.exists(target)
        ):
            source = _read_bytes(folder, path)
            if source is not None:
                write_if_changed(Path(target), source)
        for link in entry.proposal.links:
            local = link.local
            if local and local[0] in files and not local[0].endswith(".md"):
                _copy_linked(folder, local[0], os.path.join(linked, local[0]))


def _copy_linked(folder: Folder, path: str, target: str) -> None:
    """Copy a linked file unless the copy has its size and time (set when copied)."""
    source_path = os.path.join(folder.root, path)
    try:
        source, copy = os.stat(source_path), os.stat(target)
        if (source.st_size, source.st_mtime_ns) == (copy.st_size, copy.st_mtime_ns):
            return
    except OSError:
        pass
    data = _read_bytes(folder, path)
    if data is not None:
        write_if_changed(Path(target), data)
        with contextlib.suppress(OSError):
            stat = os.stat(source_path)
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _remove_stale(output: Path, manifest: dict[str, Any], keys: dict[str, str]) -> None:
    for page in manifest.get("pages", {}):
        if page not in keys:
            (output / page).unlink(missing_ok=True)


def _remove_stale_search(output: Path, pieces: set[str]) -> None:
    """Shards and chunks the index no longer has (a word gone, fewer proposals)."""
    with contextlib.suppress(OSError):
        for path in (output / "search").iterdir():
            if path.suffix == ".js" and f"search/{path.name}" not in pieces:
                path.unlink(missing_ok=True)


def _load_manifest(output: Path) -> dict[str, Any]:
    try:
        data = json.loads((output / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else {}


# Each page's search entry (its words) is kept beside the rfcdesk caches, not in the
# site: read back as a pickle, 10,000 of them take a fraction of the time JSON took. They
# are kept in shards by page, and only the shards of pages made again are written again
# (the entries of 10,000 proposals hold 170 MB of text).
def _search_file(output: Path) -> Path:
    return cache.keyed_file("search", str(output.resolve()), str(MANIFEST_FORMAT))


def _load_search(output: Path) -> dict[str, tuple[str, SearchEntry]]:
    found: dict[str, tuple[str, SearchEntry]] = {}
    for shard in cache.load_shards(_search_file(output)):
        found.update(shard)
    return found


def _save_search(
    output: Path, entries: dict[str, tuple[str, SearchEntry]], changed: set[str]
) -> None:
    """Save the shards that hold a page in `changed` (made again, new or gone)."""
    dirty = {cache.shard_of(page) for page in changed}
    shards: dict[int, cache.Shard] = {shard: {} for shard in dirty}
    for page, kept in entries.items():
        shard = cache.shard_of(page)
        if shard in dirty:
            shards[shard][page] = kept
    cache.save_shards(_search_file(output), shards)


def _save_manifest(
    output: Path, pages: dict[str, Any], search: str, aggregates: str, folder_pages: str | None
) -> None:
    manifest = {
        "format": MANIFEST_FORMAT,
        "search": search,
        "aggregates": aggregates,
        "folder_pages": folder_pages,  # what the index, dashboard... were made of
        "pages": pages,
    }
    text = json.dumps(manifest, ensure_ascii=False)
    write_if_changed(output / MANIFEST, text.encode())
