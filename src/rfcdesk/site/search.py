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
import functools
import itertools
import json
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

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
# At every start of a word, the run from there: a lookahead, so that the runs overlap
# ("klip-7" and "7").
_TERM = re.compile(r"(?<!\w)(?=(\w[\w'-]*))", re.UNICODE)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

SearchEntry = dict[str, str]


def terms_of(text: str) -> set[str]:
    """The terms of a text: what a query word may begin (see the module's docstring)."""
    return {run.rstrip("'-")[:MAX_TERM_CHARS] for run in _TERM.findall(text.lower())}


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
    known = {w.lower() for w in _WORD.findall(kept)}
    rest = sorted({w.lower() for w in _WORD.findall(text[len(kept) :])} - known)
    return {
        "url": url,
        "label": label,
        "title": title,
        "status": status,
        "text": kept,
        "rest_words": " ".join(rest),
        "terms": " ".join(sorted(terms_of(f"{label} {title} {text}"))),
    }


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
    previous, gaps = -1, []
    for number in ids:
        gaps.append(_base36(number - previous))
        previous = number
    listed = ",".join(gaps)
    size = (count + 7) // 8
    if len(listed) <= 1 + 4 * ((size + 2) // 3):  # no longer than "=" and the bitmap's base64
        return listed
    bits = bytearray(size)
    for number in ids:
        bits[number >> 3] |= 1 << (number & 7)
    return "=" + base64.b64encode(bytes(bits)).decode("ascii")


def _numbers() -> array[int]:
    return array("I")


def export_rows(entries: Sequence[Mapping[str, str]]) -> Iterator[dict[str, str]]:
    """The rows of `search-index.json`, for a writer that streams them."""
    for entry in entries:
        yield {key: entry[key] for key in EXPORTED}


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
    count = len(entries)
    body, title = _postings(entries)
    sizes: dict[str, int] = {}
    # Rows, not an object keyed by term: a term may be "constructor" or "__proto__".
    for key, terms in itertools.groupby(sorted(body), key=shard_key):
        rows: list[list[str]] = []
        for term in terms:
            row = [term, encode_postings(body[term], count)]
            if term in title:
                row.append(encode_postings(title[term], count))
            rows.append(row)
        text = _call("terms", key, rows)
        sizes[key] = len(text.encode())
        yield f"search/terms-{shard_name(key)}.js", text
    del body, title
    chunks = _text_chunks([e["text"] for e in entries], text_bytes)
    chunk_of = [n for n, (_, texts) in enumerate(chunks) for _ in texts]
    for n, (first, texts) in enumerate(chunks):
        yield f"search/text-{n}.js", _call("text", n, first, texts)
    for n, start in enumerate(range(0, count, docs_per_chunk)):
        docs: list[list[Any]] = [
            [e["label"], e["title"], e["status"], e["url"], chunk_of[start + i]]
            for i, e in enumerate(entries[start : start + docs_per_chunk])
        ]
        yield f"search/docs-{n}.js", _call("docs", n, docs)
    manifest = {
        "format": SEARCH_FORMAT,
        "docs": count,
        "docsPerChunk": docs_per_chunk,
        "terms": sizes,
    }
    yield "search/manifest.js", _call("manifest", manifest)


def _text_chunks(texts: Sequence[str], budget: int) -> list[tuple[int, list[str]]]:
    """Consecutive texts packed into chunks of up to `budget` bytes (a longer one alone)."""
    chunks: list[tuple[int, list[str]]] = []
    size = 0
    for number, text in enumerate(texts):
        cost = len(json.dumps(text, ensure_ascii=False).encode()) + 1
        if not chunks or size + cost > budget:
            chunks.append((number, []))
            size = 0
        chunks[-1][1].append(text)
        size += cost
    return chunks
