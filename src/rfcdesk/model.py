"""The records every stage passes along: a proposal as read from disk, and a diagnostic."""

from __future__ import annotations

import enum
import functools
import posixpath
import re
from array import array
from typing import NamedTuple
from urllib.parse import unquote


class Severity(str, enum.Enum):  # noqa: UP042 - StrEnum would change how members print
    ERROR = "error"
    WARNING = "warning"


class Diagnostic(NamedTuple):
    """One finding: where it is, which rule found it, and what to do about it."""

    path: str  # relative to the proposal folder, with "/" separators
    line: int  # 1-based; 0 when the finding is about the file as a whole
    col: int  # 1-based, in characters
    code: str
    name: str
    message: str
    severity: Severity
    # The proposal a finding written elsewhere is about (an index row's file, a link's
    # target): what `check FILE...` counts as concerning FILE.
    subject: str | None = None


class Field(NamedTuple):
    """A metadata field as written (`key`, `raw`) and as understood (`name`, `value`)."""

    name: str  # the scheme's canonical field name
    key: str  # the key exactly as written in the document
    raw: str  # the value exactly as written, continuation lines joined with "\n"
    value: str  # trailing "|", `_..._` wrappers and surrounding space removed
    line: int
    col: int  # column where the value starts (or where it would start when empty)


class Section(NamedTuple):
    """A heading below the title, with what is under it up to the next heading."""

    title: str  # plain text of the heading, without emphasis markers or a trailing colon
    level: int
    line: int
    col: int
    blocks: int  # content blocks directly under the heading (not counting subsections)
    has_subsections: bool
    # (line, digest) pairs of each paragraph or list item under the heading, packed as
    # unsigned 64-bit integers: enough to recognise text copied from the template without
    # keeping the document, and cheap to cache for thousands of proposals.
    packed_paragraphs: bytes

    def paragraphs(self) -> list[tuple[int, int]]:
        """(line, digest) of each paragraph or list item directly under the heading."""
        values = array("Q", self.packed_paragraphs)
        return list(zip(values[0::2], values[1::2], strict=True))


class Link(NamedTuple):
    target: str  # the destination as written (already unescaped by the Markdown parser)
    line: int
    col: int
    is_image: bool
    # (folder-relative path, fragment) of a link into the folder's tree, None for a URL:
    # `local_target`, taken once where the document is parsed (a rebuild of 10,000
    # resolved their 30,000 links again for the backlinks).
    local: tuple[str, str] | None


class Proposal(NamedTuple):
    """Everything `check`, `list` and `show` need to know about one proposal file."""

    path: str  # relative to the proposal folder
    id: str | None  # "12" for a KLIP, "20230414_ReadAfterWrite" for an RFC
    number: int | None  # the numeric part of the id, when the scheme numbers proposals
    file_id_matched: bool  # the file name fits the scheme's pattern
    title: str | None
    title_line: int
    title_id: str | None  # an id written in the title ("KLIP 12 - ..."), if any
    fields: tuple[Field, ...]
    status: str | None  # canonical status name, None when absent or not a status
    sections: tuple[Section, ...]
    anchors: frozenset[str]  # GitHub-style heading anchors
    links: tuple[Link, ...]
    suppressed: frozenset[str]  # rule codes (or prefixes) silenced by an inline comment
    has_bom: bool
    load_error: Diagnostic | None  # set when the file could not be read as a document
    diagnostics: tuple[Diagnostic, ...]  # problems found while parsing (bad front matter...)
    metadata_path: str | None = None  # the sidecar file that holds the fields, if not `path`
    pointer: bool = False  # the document only points to another (a moved proposal)
    has_lead: bool = False  # prose between the title and the first section (a summary)

    @property
    def fields_path(self) -> str:
        """The file the fields are written in: the sidecar, or the document itself."""
        return self.metadata_path or self.path

    def field(self, name: str) -> Field | None:
        """The first field with this canonical name, or None."""
        for f in self.fields:
            if f.name == name:
                return f
        return None


_PEOPLE_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\n)\s*")


def people(value: str) -> list[str]:
    """The people a field names: `Ann Lee, Bo Chen and Cy Diaz` is three."""
    return [p.strip() for p in _PEOPLE_SPLIT.split(value) if p.strip()]


# A URL scheme (`https:`, `mailto:`): such a link leaves the folder by design.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


# The same links are resolved by several rules and site stages: the answers are kept.
@functools.lru_cache(maxsize=1 << 17)
def local_target(proposal_path: str, target: str) -> tuple[str, str] | None:
    """(path relative to the folder, fragment) of a relative link, or None for URLs."""
    if not target or _SCHEME.match(target) or target.startswith(("/", "//")):
        return None
    if _EMAIL.match(target):
        return None  # `<ann@example.com>`: an e-mail autolink, written without `mailto:`
    path, _, fragment = target.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        return proposal_path, unquote(fragment)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(proposal_path), path))
    return resolved, unquote(fragment)
