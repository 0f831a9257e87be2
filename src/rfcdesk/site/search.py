"""The search index: what each proposal gives it, and the files the search page loads in pieces.

A first search must not download the whole folder's text (130 MB for 10,000 proposals), and
must work from a site opened from disk, where a page may load a script but not fetch a
file. So the index is a set of small scripts under `search/`, each calling a registration
function that `assets/search.js` defines (JSONP style):

- `manifest.js`: `rfcdeskSearch.manifest({format, docs, docsPerChunk, terms})`, where
  `terms` maps each term shard's key to its file's size in bytes.
- `terms-KEY.js`: `rfcdeskSearch.terms(KEY, rows)`: every term whose first two characters
  are KEY, in order, as `[term, anywhere, in the title]`: the proposals it occurs in, and
  those with it in their label or title (left out when there are none).
  A query word's first two characters name the one shard that can hold its matches.
  A one-character KEY shard holds a single entry, KEY itself, mapped to every proposal with
  a term that starts with it: a one-character query word then costs one small file, not
  every shard that starts with its character.
- `docs-N.js`: `rfcdeskSearch.docs(N, rows)`: label, title, status, page and text chunk of
  proposals N*docsPerChunk onwards, loaded for the results shown.
- `text-N.js`: `rfcdeskSearch.text(N, first, texts)`: the snippet text of consecutive
  proposals from `first`, packed up to TEXT_CHUNK_BYTES, loaded for the results shown.

A term is what a query word can be the beginning of: at each start of a word (a letter,
digit or underscore after anything else), the run of word characters, hyphens and
apostrophes, lowercased, with a trailing hyphen or apostrophe dropped. So "pull-queries"
gives "pull-queries" and "queries", and "tag" finds "tags" as a prefix, as the search page's
regular expressions found them when they scanned the whole text. Proposals are numbered
in index order; a posting list is the gaps between those numbers in base 36, or a bitmap
over all proposals (base64, after "=") when that is shorter.

Everything here is pure: entries in, file names and texts out.
"""

from __future__ import annotations

import base64
import bisect
import functools
import itertools
import json
import re
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

SEARCH_FORMAT = 1
DOCS_PER_CHUNK = 100
TEXT_CHUNK_BYTES = 16_000
# A term longer than this is cut (and so is a query word): a pasted hash or base64 blob must
# not swell a shard, and no one types 40 characters to find a word by its beginning.
MAX_TERM_CHARS = 40
# The plain text kept for snippets, bounded so that one huge document cannot swell the
# index; real proposals are mostly well under it (about 10,000 characters is typical).
SEARCH_TEXT_CHARS = 20_000

_WORD = re.compile(r"\w[\w'-]*\w|\w", re.UNICODE)
# A run a term is cut from, and a word start inside one: after a hyphen or an apostrophe
# ("klip-7" and "7").
_RUN = re.compile(r"\w[\w'-]*", re.UNICODE)
_INNER_START = re.compile(r"(?<=['-])\w", re.UNICODE)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


class SearchEntry(Mapping[str, str]):
    """What the search index keeps of a proposal (see `search_entry`), read as a mapping.

    The text and the words, most of it by far, are kept compressed and decompressed each
    time they are asked for (each writer of the index asks once): a build of 10,000
    proposals held 190 MB of them, and their cache is read back after every change. The
    size the text takes in a text chunk is kept beside them (`cost`).
    """

    __slots__ = ("_fields", "_packed", "cost")
    _KEYS = ("url", "label", "title", "status", "text", "rest_words", "terms")

    def __init__(self, fields: dict[str, str], packed: dict[str, bytes], cost: int) -> None:
        self._fields, self._packed, self.cost = fields, packed, cost

    def __getitem__(self, key: str) -> str:
        packed = self._packed.get(key)
        if packed is not None:
            return zlib.decompress(packed).decode("utf-8")
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)

    def __reduce__(self) -> tuple[Any, ...]:
        return SearchEntry, (self._fields, self._packed, self.cost)


def terms_of(text: str) -> set[str]:
    """The terms of a text: what a query word may begin (see the module's docstring).

    Each maximal run of word characters, hyphens and apostrophes is a term, and so is what
    follows each word start inside it ("queries" in "pull-queries"): the runs are found
    once each, without trying a lookahead at every character of the text.
    """
    runs = set(_RUN.findall(text.lower()))
    terms = {run.rstrip("'-")[:MAX_TERM_CHARS] for run in runs}
    for run in runs:
        if "-" in run or "'" in run:
            for start in _INNER_START.finditer(run):
                terms.add(run[start.start() :].rstrip("'-")[:MAX_TERM_CHARS])
    return terms


def search_entry(url: str, label: str, title: str, status: str, text: str) -> SearchEntry:
    """What the search index keeps of a proposal.

    Its plain text up to SEARCH_TEXT_CHARS (snippets are cut from it), the distinct words of
    the rest (`rest_words`, for the one-file export), and the terms of all of it, label and
    title included, space-separated: a word past the cap still finds the proposal.
    """
    kept = text
    if len(text) > SEARCH_TEXT_CHARS:
        # Cut at a space, so no half word at the end matches what the document does not say.
        cut = text.rfind(" ", 0, SEARCH_TEXT_CHARS + 1)
        kept = text[: cut if cut > 0 else SEARCH_TEXT_CHARS]
    rest: list[str] = []
    if len(kept) < len(text):
        known = {w.lower() for w in _WORD.findall(kept)}
        rest = sorted({w.lower() for w in _WORD.findall(text[len(kept) :])} - known)
    words = {
        "text": kept,
        "rest_words": " ".join(rest),
        "terms": " ".join(sorted(terms_of(f"{label} {title} {text}"))),
    }
    packed = {key: zlib.compress(value.encode("utf-8"), 1) for key, value in words.items()}
    fields = {"url": url, "label": label, "title": title, "status": status}
    return SearchEntry(fields, packed, _cost(kept))


EXPORTED = ("url", "label", "title", "status", "text", "rest_words")


def shard_key(term: str) -> str:
    return term[:2]


def shard_name(key: str) -> str:
    """A shard's key as a file name: a-z and 0-9 as they are, any other character as
    `_hex_`, so that names are plain ASCII on every file system and URL."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key)


@functools.cache  # gaps repeat: 4.7 million of them come from a few thousand values
def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if not number:
            return digits


def encode_postings(ids: Sequence[int], count: int) -> str:
    """Ascending proposal numbers, as gaps in base 36 or as a bitmap, whichever is shorter."""
    size = (count + 7) // 8
    longest = 1 + 4 * ((size + 2) // 3)  # "=" and the bitmap's base64
    # Each gap takes a character and a comma: a word most proposals have is a bitmap, known
    # without writing its thousands of gaps first.
    if 2 * len(ids) - 1 <= longest:
        previous, gaps = -1, []
        for number in ids:
            gaps.append(_base36(number - previous))
            previous = number
        listed = ",".join(gaps)
        if len(listed) <= longest:
            return listed
    bits = bytearray(size)
    for number in ids:
        bits[number >> 3] |= 1 << (number & 7)
    return "=" + base64.b64encode(bytes(bits)).decode("ascii")


def _numbers() -> array[int]:
    return array("I")


def export_row(entry: Mapping[str, str]) -> dict[str, str]:
    """A proposal's row in `search-index.json`."""
    return {key: entry[key] for key in EXPORTED}


def _call(function: str, *args: Any) -> str:
    data = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"rfcdeskSearch.{function}({data});\n"


def _postings(
    entries: Sequence[Mapping[str, str]],
) -> tuple[dict[str, array[int]], dict[str, array[int]]]:
    """Term -> proposal numbers, in the whole proposal and in its label and title; a
    one-character term stands for every term that starts with it. Arrays of machine
    integers: ten million postings as Python lists of ints took gigabytes' worth."""
    body: dict[str, array[int]] = defaultdict(_numbers)
    title: dict[str, array[int]] = defaultdict(_numbers)
    for number, entry in enumerate(entries):
        terms = entry["terms"].split()
        titled = terms_of(f"{entry['label']} {entry['title']}")
        for found, kept in ((terms, body), (titled, title)):
            for term in found:
                if len(term) > 1:
                    kept[term].append(number)
            for first in sorted({term[0] for term in found}):
                kept[first].append(number)
    return body, title


def search_pieces(
    entries: Sequence[Mapping[str, str]],
    docs_per_chunk: int = DOCS_PER_CHUNK,
    text_bytes: int = TEXT_CHUNK_BYTES,
) -> Iterator[tuple[str, str]]:
    """The files of the sharded index one at a time, the manifest last: a writer holds one
    piece at a time, not the whole index (hundreds of megabytes for 10,000 proposals)."""
    return all_pieces(index_state(entries), entries, docs_per_chunk, text_bytes)


def all_pieces(
    state: IndexState,
    entries: Sequence[Mapping[str, str]],
    docs_per_chunk: int = DOCS_PER_CHUNK,
    text_bytes: int = TEXT_CHUNK_BYTES,
) -> Iterator[tuple[str, str]]:
    """Every piece of the index `state` was made from `entries` for; its shard sizes are
    filled in as the shards are made."""
    count = len(entries)
    # Rows, not an object keyed by term: a term may be "constructor" or "__proto__".
    for key, text in _shards(state.body, state.title, count, None):
        state.sizes[key] = len(text.encode())
        yield f"search/terms-{shard_name(key)}.js", text
    chunks = _packed(state.costs, text_bytes)
    chunk_of = [n for n, (_, size) in enumerate(chunks) for _ in range(size)]
    for n, (first, size) in enumerate(chunks):
        texts = [entries[i]["text"] for i in range(first, first + size)]
        yield f"search/text-{n}.js", _call("text", n, first, texts)
    for n, start in enumerate(range(0, count, docs_per_chunk)):
        members = range(start, min(start + docs_per_chunk, count))
        docs = [_doc_row(entries[i], chunk_of[i]) for i in members]
        yield f"search/docs-{n}.js", _call("docs", n, docs)
    yield "search/manifest.js", _manifest(count, docs_per_chunk, state.sizes)


# --- bringing the pieces up to date after a few pages changed -------------------------------


class IndexState(NamedTuple):
    """What the pieces were made from, kept between builds: with it, a change to a few
    pages rewrites the pieces those pages touch, not the whole index."""

    pages: tuple[str, ...]  # the proposals' pages, in index order
    body: dict[str, array[int]]  # the postings, as `_postings` makes them
    title: dict[str, array[int]]
    sizes: dict[str, int]  # each term shard's size in bytes, for the manifest
    costs: array[int]  # each proposal's text's size in a text chunk


def index_state(entries: Sequence[Mapping[str, str]]) -> IndexState:
    """The state the pieces of these entries are made from (shard sizes: as made)."""
    body, title = _postings(entries)
    costs = array("I", (_text_cost(e) for e in entries))
    return IndexState(tuple(e["url"] for e in entries), dict(body), dict(title), {}, costs)


def _cost(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False).encode()) + 1


def _text_cost(entry: Mapping[str, str]) -> int:
    known = getattr(entry, "cost", None)  # kept with a `SearchEntry`
    return known if isinstance(known, int) else _cost(entry["text"])


def _shards(
    body: Mapping[str, array[int]],
    title: Mapping[str, array[int]],
    count: int,
    keys: set[str] | None,
) -> Iterator[tuple[str, str]]:
    """(shard key, file text) of each term shard, or of those in `keys`."""
    terms = sorted(body) if keys is None else sorted(t for t in body if shard_key(t) in keys)
    for key, group in itertools.groupby(terms, key=shard_key):
        rows: list[list[str]] = []
        for term in group:
            row = [term, encode_postings(body[term], count)]
            if term in title:
                row.append(encode_postings(title[term], count))
            rows.append(row)
        yield key, _call("terms", key, rows)


def _doc_terms(entry: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """The terms a proposal is posted under, in all of it and in its label and title."""

    def posted(terms: set[str]) -> set[str]:
        return {t for t in terms if len(t) > 1} | {t[0] for t in terms}

    return posted(set(entry["terms"].split())), posted(
        terms_of(f"{entry['label']} {entry['title']}")
    )


def holds(state: IndexState, before: Mapping[int, Mapping[str, str]]) -> bool:
    """Whether the state was made from these entries of the changed proposals (a build
    cut short may have kept one but not the other): each is posted under its terms."""
    for number, old in before.items():
        body, title = _doc_terms(old)
        for postings, terms in ((state.body, body), (state.title, title)):
            for term in terms:
                ids = postings.get(term)
                at = bisect.bisect_left(ids, number) if ids is not None else -1
                if ids is None or at == len(ids) or ids[at] != number:
                    return False
    return True


def _repost(postings: dict[str, array[int]], number: int, old: set[str], new: set[str]) -> None:
    for term in old - new:
        ids = postings[term]
        ids.remove(number)
        if not ids:
            del postings[term]
    for term in new - old:
        ids = postings.setdefault(term, _numbers())
        ids.insert(bisect.bisect_left(ids, number), number)


def updated_pieces(
    state: IndexState,
    entries: Sequence[Mapping[str, str]],
    before: Mapping[int, Mapping[str, str]],
    docs_per_chunk: int = DOCS_PER_CHUNK,
    text_bytes: int = TEXT_CHUNK_BYTES,
) -> tuple[list[tuple[str, str]], list[str], IndexState]:
    """The pieces to write again after the proposals numbered in `before` (with what
    they were) changed, the names of every piece the index now has, and the new state.
    The pages must be those of `state`, in its order. What comes out is what
    `search_pieces` makes of `entries` (the tests hold the two to it)."""
    count = len(entries)
    body, title = state.body, state.title
    costs = array("I", state.costs)
    old_chunks = _packed(state.costs, text_bytes)
    touched: set[str] = set()
    for number, old in before.items():
        (old_body, old_title), (new_body, new_title) = _doc_terms(old), _doc_terms(entries[number])
        _repost(body, number, old_body, new_body)
        _repost(title, number, old_title, new_title)
        touched |= {shard_key(t) for t in (old_body ^ new_body) | (old_title ^ new_title)}
        costs[number] = _text_cost(entries[number])
    sizes = {k: v for k, v in state.sizes.items() if k not in touched}
    pieces: list[tuple[str, str]] = []
    for key, text in _shards(body, title, count, touched):
        sizes[key] = len(text.encode())
        pieces.append((f"search/terms-{shard_name(key)}.js", text))
    chunks = _packed(costs, text_bytes)
    chunk_of = [n for n, (_, size) in enumerate(chunks) for _ in range(size)]
    old_of = [n for n, (_, size) in enumerate(old_chunks) for _ in range(size)]
    for n, (first, size) in enumerate(chunks):
        members = range(first, first + size)
        if n >= len(old_chunks) or old_chunks[n] != (first, size) or before.keys() & members:
            texts = [entries[i]["text"] for i in members]
            pieces.append((f"search/text-{n}.js", _call("text", n, first, texts)))
    for n, start in enumerate(range(0, count, docs_per_chunk)):
        members = range(start, min(start + docs_per_chunk, count))
        if before.keys() & members or any(chunk_of[i] != old_of[i] for i in members):
            docs = [_doc_row(entries[i], chunk_of[i]) for i in members]
            pieces.append((f"search/docs-{n}.js", _call("docs", n, docs)))
    pieces.append(("search/manifest.js", _manifest(count, docs_per_chunk, sizes)))
    names = [f"search/terms-{shard_name(k)}.js" for k in sizes]
    names += [f"search/text-{n}.js" for n in range(len(chunks))]
    names += [f"search/docs-{n}.js" for n in range(len(range(0, count, docs_per_chunk)))]
    names.append("search/manifest.js")
    return pieces, names, IndexState(state.pages, body, title, sizes, costs)


def _packed(costs: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """(first proposal, how many) of each text chunk, packed as `_text_chunks` packs."""
    chunks: list[list[int]] = []
    size = 0
    for number, cost in enumerate(costs):
        if not chunks or size + cost > budget:
            chunks.append([number, 0])
            size = 0
        chunks[-1][1] += 1
        size += cost
    return [(first, length) for first, length in chunks]


def _doc_row(entry: Mapping[str, str], chunk: int) -> list[Any]:
    return [entry["label"], entry["title"], entry["status"], entry["url"], chunk]


def _manifest(count: int, docs_per_chunk: int, sizes: Mapping[str, int]) -> str:
    terms = {key: sizes[key] for key in sorted(sizes)}
    manifest = {
        "format": SEARCH_FORMAT,
        "docs": count,
        "docsPerChunk": docs_per_chunk,
        "terms": terms,
    }
    return _call("manifest", manifest)
