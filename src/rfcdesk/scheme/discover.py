"""Find the proposal collections below a folder, from file and folder names alone.

A repository holds its proposals somewhere below its top: `rfcs/`, `text/`, `proposals/`,
`docs/architecture/decisions/`, or the top itself. A collection is a folder whose documents
share an id-bearing name (`0042-slug.md`, `klip-7-slug.md`, `RFC-0024-Title.md`,
`pep-0008.rst`, `20240131_slug.md`), or whose subfolders are statuses (`accepted/`,
`proposed/`). Below it, status, year and topic folders belong to it; folders named after one
proposal hold its supporting material, unless they hold the proposal itself (a README in a
folder named `1234-slug`). READMEs, indexes and templates beside the proposals are set
aside, each with the reason, so that `rfcdesk init --explain` can say what it saw.

Pure: it works on a listing of "/" paths. Which of the documents that carry no id are
proposals too (the ones that share the proposals' metadata) is decided by `infer`, which
reads them.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import NamedTuple

# How far below the given folder collections are looked for, and what is never entered.
SEARCH_DEPTH = 5
# Never entered, at any depth: dependencies, virtual environments, generated sites.
SKIPPED_FOLDERS = frozenset(
    {
        "node_modules",
        "vendor",
        "vendored",
        "third_party",
        "third-party",
        "_site",
        "_build",
        "site-packages",
        "venv",
        "__pycache__",
        "bower_components",
    }
)
# Build output, at the top of the folder searched; deeper, `build/` may be a topic.
SKIPPED_AT_TOP = frozenset({"build", "dist", "target", "out"})
DOCUMENT_SUFFIXES = (".md", ".markdown", ".rst")
# A collection needs this many id-named documents (or documents in status folders).
MIN_DOCUMENTS = 3

# `klip-7-slug`, `RFC-0024-Title`, `pep-0008`, `0042-slug`, `20240131_slug`, `adr-001-x`.
_ID_NAME = re.compile(
    r"^(?:(?P<prefix>[A-Za-z]{1,12})[-_ ])?(?P<number>\d{1,8})(?:[-_. ](?P<slug>.*))?$"
)
# Status words that name folders in real processes; a folder may add the kind of thing it
# holds (`active-rfcs`, `accepted_proposals`).
STATUS_WORDS = frozenset(
    {
        "abandoned",
        "accepted",
        "active",
        "approved",
        "archived",
        "closed",
        "completed",
        "declined",
        "deferred",
        "deprecated",
        "done",
        "draft",
        "drafts",
        "dropped",
        "final",
        "finished",
        "implemented",
        "inactive",
        "merged",
        "obsolete",
        "open",
        "pending",
        "postponed",
        "proposed",
        "rejected",
        "replaced",
        "retired",
        "stale",
        "superseded",
        "withdrawn",
    }
)
_KIND_SUFFIX = re.compile(
    r"[-_ ](?:rfcs?|proposals?|designs?|decisions?|adrs?|keps?|peps?|eps?|docs?)$", re.I
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TEMPLATE_WORD = re.compile(r"(?:^|[-_ .])template(?:$|[-_ .])")
ASSET_FOLDERS = frozenset(
    {
        "img",
        "imgs",
        "image",
        "images",
        "assets",
        "asset",
        "media",
        "static",
        "figures",
        "diagrams",
        "resources",
        "attachments",
        "files",
        "pics",
        "pictures",
    }
)
_INDEX_NAMES = frozenset({"readme", "index", "summary", "_index", "toc", "contents"})
_PROJECT_NAMES = frozenset(
    {
        "contributing",
        "changelog",
        "changes",
        "license",
        "licence",
        "code_of_conduct",
        "code-of-conduct",
        "security",
        "governance",
        "maintainers",
        "codeowners",
        "authors",
        "support",
        "pull_request_template",
    }
)


class IdName(NamedTuple):
    prefix: str  # "" for bare numbers
    number: str  # as written, zeros kept
    slug: str | None


def id_name(stem: str) -> IdName | None:
    """The id a file or folder name carries, or None."""
    match = _ID_NAME.match(stem)
    if not match:
        return None
    return IdName(match["prefix"] or "", match["number"], match["slug"] or None)


def is_document(path: str) -> bool:
    return path.lower().endswith(DOCUMENT_SUFFIXES)


def stem_of(path: str) -> str:
    name = path.rpartition("/")[2]
    lower = name.lower()
    for suffix in DOCUMENT_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def status_of_folder(name: str) -> str | None:
    """The status a folder's name says (`active-rfcs` -> "active"), or None."""
    word = _KIND_SUFFIX.sub("", name).lower()
    return word if word in STATUS_WORDS else None


def is_template(path: str) -> bool:
    """A template is named so (`0000-template.md`, `TEMPLATE.md`, `adr-template-bare.md`);
    a proposal numbered for real that is about templates is not one."""
    stem = stem_of(path).lower()
    if not _TEMPLATE_WORD.search(stem):
        return False
    found = id_name(stem)
    return not found or set(found.number) == {"0"}


def aside_reason(path: str) -> str | None:
    """Why a document is no proposal whatever its folder holds, or None."""
    stem = stem_of(path).lower()
    if stem in _INDEX_NAMES:
        return "a README or index"
    if stem in _PROJECT_NAMES:
        return "a project file"
    if is_template(path):
        return "a template"
    return None


class Collection(NamedTuple):
    """One folder of proposals, as found below the folder given."""

    folder: str  # relative to where discovery started; "" for that folder itself
    documents: tuple[str, ...]  # relative to `folder`: the proposals, id-named or not
    unnamed: tuple[str, ...]  # of those, documents with no id in their name
    loose: tuple[str, ...]  # of those, ones in topic folders: proposals if they read like one
    status_folders: dict[str, str]  # a first path component -> the status it says
    set_aside: tuple[tuple[str, str], ...]  # (path relative to `folder`, why)
    templates: tuple[str, ...]  # relative to `folder`; may climb ("../0000-template.md")
    guides: tuple[str, ...]  # READMEs and process documents near it, relative to `folder`
    depth: int  # how many folders down its documents sit at most
    sidecar: str | None = None  # a YAML file beside each proposal that holds its fields
    by_status: bool = False  # known by its status folders, not by ids in names

    @property
    def named(self) -> int:
        return len(self.documents) - len(self.unnamed)


class _Tree:
    """The listing as folders: each folder's documents and child folders."""

    def __init__(self, files: Iterable[str]) -> None:
        self.documents: dict[str, list[str]] = defaultdict(list)
        self.children: dict[str, set[str]] = defaultdict(set)
        self.files: dict[str, set[str]] = defaultdict(set)
        self.id_documents: dict[str, list[str]] = {}  # memo of `_id_documents`
        for path in files:
            folder = posixpath.dirname(path)
            self.files[folder].add(posixpath.basename(path))
            if is_document(path):
                self.documents[folder].append(path)
            parts = path.split("/")[:-1]
            for depth in range(len(parts)):
                parent = "/".join(parts[:depth])
                self.children[parent].add("/".join(parts[: depth + 1]))


def _id_documents(tree: _Tree, folder: str) -> list[str]:
    """The documents a folder holds that carry an id: files, and READMEs of id folders."""
    found = tree.id_documents.get(folder)
    if found is None:
        found = tree.id_documents[folder] = _find_id_documents(tree, folder)
    return found


def _find_id_documents(tree: _Tree, folder: str) -> list[str]:
    found = [
        p for p in tree.documents.get(folder, ()) if id_name(stem_of(p)) and not aside_reason(p)
    ]
    sibling_ids = {id_name(stem_of(p)).number.lstrip("0") for p in found}  # type: ignore[union-attr]
    for child in tree.children.get(folder, ()):
        named = id_name(_base(child))
        if named and _holds_proposals(tree, child):
            continue  # `100/` holding `klip-1-x.md`...: a topic, not one proposal's folder
        if named and not _YEAR.match(_base(child)) and named.number.lstrip("0") not in sibling_ids:
            document = folder_proposal(tree, child)
            if document and not is_template(child):
                found.append(document)
    return found


def _holds_proposals(tree: _Tree, folder: str) -> bool:
    """Whether a numbered folder holds proposals of its own (`100/klip-1-x.md`...) rather
    than the material of the proposal beside it with its number (`15292/` of
    `15292-generics.md`)."""
    named = [p for p in tree.documents.get(folder, ()) if id_name(stem_of(p))]
    own = id_name(_base(folder))
    parent = posixpath.dirname(folder)
    beside = own is not None and any(
        (found := id_name(stem_of(p))) and found.number.lstrip("0") == own.number.lstrip("0")
        for p in tree.documents.get(parent, ())
    )
    return len(named) >= 2 and not beside


def folder_proposal(tree: _Tree, folder: str) -> str | None:
    """The document a folder that holds one proposal keeps it in: its README or index, or
    the one document named like the folder (`net6.0-tfms/net6.0-tfms.md`)."""
    documents = sorted(tree.documents.get(folder, ()))
    for path in documents:
        if stem_of(path).lower() in ("readme", "index"):
            return path
    for path in documents:
        if _same_name(stem_of(path), _base(folder)):
            return path
    if len(documents) == 1 and not tree.children.get(folder) and not aside_reason(documents[0]):
        return documents[0]  # the one document a folder holds, beside its images
    return None


def _same_name(one: str, other: str) -> bool:
    """Names equal but for case and separators (`cve_schema` and `cve-schema`)."""
    return re.sub(r"[-_ .]", "", one).lower() == re.sub(r"[-_ .]", "", other).lower()


def discover(files: Iterable[str]) -> list[Collection]:
    """The proposal collections in a listing, the largest first."""
    tree = _Tree(files)
    folders = sorted(set(tree.documents) | set(tree.children), key=lambda f: (f.count("/"), f))
    roots = [f for f in folders if _starts_collection(tree, f)]
    roots = _topics_joined(tree, roots)
    collections: list[Collection] = []
    taken: list[str] = []
    for root in sorted(roots, key=lambda f: (f.count("/"), f)):
        if any(root == t or not t or root.startswith(t + "/") for t in taken):
            continue  # inside a collection already found: a topic, or supporting material
        # A collection known by its status folders holds what they hold, not what lies
        # beside them (a process document at the top).
        by_status = len(_id_documents(tree, root)) < MIN_DOCUMENTS
        members = _members(tree, root, by_status)
        documents = sorted(
            {
                d
                for member in members
                if not (by_status and member == root)
                for d in _member_documents(tree, member)
            }
        )
        if len(documents) < MIN_DOCUMENTS:
            continue
        taken.append(root)
        collections.append(
            _collection(tree, root, members, documents)._replace(by_status=by_status)
        )
    collections.sort(key=lambda c: (-len(c.documents), c.folder))
    return collections


# Three or more sibling folders of proposals, under a parent holding none, are topics of one
# collection (KEPs by SIG); two are two collections (`rfcs/` and `adr/`).
MIN_TOPICS = 3


def _topics_joined(tree: _Tree, roots: list[str]) -> list[str]:
    by_parent: dict[str, list[str]] = defaultdict(list)
    for root in roots:
        if root:
            by_parent[posixpath.dirname(root)].append(root)
    joined = list(roots)
    for parent, children in by_parent.items():
        if len(children) >= MIN_TOPICS and parent not in roots:
            joined.append(parent)
    return joined


def _starts_collection(tree: _Tree, folder: str) -> bool:
    """Whether a folder holds enough id-named proposals, or status folders of documents."""
    if len(_id_documents(tree, folder)) >= MIN_DOCUMENTS:
        return True
    topics = [len(_id_documents(tree, c)) for c in tree.children.get(folder, ())]
    if sum(1 for n in topics if n) >= MIN_TOPICS and sum(topics) >= MIN_DOCUMENTS:
        return True  # topic folders of a few proposals each (KEPs by SIG)
    statuses = [c for c in tree.children.get(folder, ()) if status_of_folder(_base(c))]
    held = sum(len(_member_documents(tree, m)) for s in statuses for m in _members(tree, s))
    return held >= MIN_DOCUMENTS


def _base(folder: str) -> str:
    return posixpath.basename(folder)


def _members(tree: _Tree, root: str, loose_topics: bool = False) -> list[str]:
    """The folders whose documents belong to a collection: the root, and below it status,
    year and topic folders; not asset folders, nor folders that hold one proposal. With
    `loose_topics` (a collection known by its status folders), any folder of documents is
    a topic whose documents may be proposals."""
    members = [root]
    todo = [root]
    while todo:
        folder = todo.pop()
        for child in sorted(tree.children.get(folder, ())):
            name = _base(child)
            lower = name.lower()
            if lower in ASSET_FOLDERS or lower.endswith(_ASSETS):
                continue
            if status_of_folder(name) or _YEAR.match(name):
                members.append(child)
                todo.append(child)
            elif id_name(name) and not _holds_proposals(tree, child):
                continue  # one proposal's folder: `_member_documents` takes its document
            elif _id_documents(tree, child) or _topics_below(tree, child):
                members.append(child)  # a topic: its proposals carry ids
                todo.append(child)
            elif folder_proposal(tree, child) and not loose_topics:
                continue
            elif loose_topics:
                members.append(child)
                todo.append(child)
    return members


_ASSETS = ("-assets", "_assets", "-images", "_images", "-files", "-img")


def _topics_below(tree: _Tree, folder: str) -> bool:
    """A topic folder of topic folders (KEPs by SIG): its children hold id folders."""
    return any(_id_documents(tree, child) for child in tree.children.get(folder, ()))


def _member_documents(tree: _Tree, folder: str) -> list[str]:
    """The documents of one member folder that may be proposals: its own documents (less
    READMEs, indexes and templates), and the documents of folders that hold one proposal."""
    found = set(_id_documents(tree, folder))
    found.update(p for p in tree.documents.get(folder, ()) if not aside_reason(p))
    for child in tree.children.get(folder, ()):
        name = _base(child)
        if status_of_folder(name) or _YEAR.match(name) or name.lower() in ASSET_FOLDERS:
            continue
        document = None if id_name(name) else folder_proposal(tree, child)
        if document and not is_template(child) and not _id_documents(tree, child):
            found.add(document)
    return sorted(found)


def _collection(tree: _Tree, root: str, members: list[str], documents: list[str]) -> Collection:
    prefix = root + "/" if root else ""
    relative = [d[len(prefix) :] for d in documents]
    unnamed = [
        d
        for d in relative
        if not id_name(stem_of(d))
        and not (stem_of(d).lower() in ("readme", "index") and id_name(_base(posixpath.dirname(d))))
    ]
    topics = [
        m[len(prefix) :] + "/"
        for m in members
        if m != root and not status_of_folder(_base(m)) and not _YEAR.match(_base(m))
    ]
    kept = {folder_proposal(tree, posixpath.dirname(prefix + d)) for d in unnamed}
    loose = [d for d in unnamed if any(d.startswith(t) for t in topics) and prefix + d not in kept]
    status_folders: dict[str, str] = {}
    for member in members:
        first = member[len(prefix) :].split("/", 1)[0]
        if member != root and (status := status_of_folder(first)):
            status_folders[first] = status
    taken = set(documents)
    set_aside: list[tuple[str, str]] = []
    templates: list[str] = []
    guides: list[str] = []
    for member in members:
        for path in sorted(tree.documents.get(member, ())):
            if path in taken:
                continue
            reason = aside_reason(path) or "not a proposal"
            set_aside.append((path[len(prefix) :], reason))
            if reason == "a template":
                templates.append(path[len(prefix) :])
            elif reason == "a README or index":
                guides.append(path[len(prefix) :])
    for path, reason in _beside(tree, root):
        (templates if reason == "a template" else guides).append(path)
    for folder, paths in tree.documents.items():
        if folder not in members and (not root or folder.startswith(prefix)):
            set_aside += [
                (p[len(prefix) :], "supporting material") for p in sorted(paths) if p not in taken
            ]
    depth = max((d.count("/") for d in relative), default=0)
    sidecar = _sidecar(tree, documents)
    return Collection(
        root,
        tuple(relative),
        tuple(unnamed),
        tuple(loose),
        status_folders,
        tuple(set_aside),
        tuple(templates),
        tuple(guides),
        depth,
        sidecar,
    )


SIDECAR_SHARE = 0.9  # of proposals kept in folders of their own, how many have the file


def _sidecar(tree: _Tree, documents: list[str]) -> str | None:
    """The YAML file most proposals kept as a folder's README have beside them."""
    readmes = [d for d in documents if stem_of(d).lower() in ("readme", "index")]
    if len(readmes) < MIN_DOCUMENTS or len(readmes) < len(documents) / 2:
        return None
    beside: Counter[str] = Counter()
    for readme in readmes:
        names = tree.files.get(posixpath.dirname(readme), set())
        beside.update(n for n in names if n.lower().endswith((".yaml", ".yml")))
    if not beside:
        return None
    name, count = beside.most_common(1)[0]
    return name if count >= SIDECAR_SHARE * len(readmes) else None


def _beside(tree: _Tree, root: str) -> list[tuple[str, str]]:
    """Templates and guides in the folders above a collection (a repository keeps its
    template and README at the top, its proposals in `text/`), as paths from the root."""
    found: list[tuple[str, str]] = []
    if not root:
        return found
    parts = root.split("/")
    for up in range(1, len(parts) + 1):
        above = "/".join(parts[:-up])
        climb = "../" * up
        for path in sorted(tree.documents.get(above, ())):
            reason = aside_reason(path)
            if reason in ("a template", "a README or index"):
                found.append((climb + posixpath.basename(path), reason))
            elif reason is None and not id_name(stem_of(path)):
                found.append((climb + posixpath.basename(path), "a guide"))
    return found


def nearest_candidate(files: Iterable[str]) -> str:
    """Where proposals might be when no collection was found: the folder with the most
    documents, said in words ("docs/ (4 documents, none named with an id)")."""
    tree = _Tree(files)
    counts = {
        folder: len([p for p in paths if not aside_reason(p)])
        for folder, paths in tree.documents.items()
    }
    counts = {f: n for f, n in counts.items() if n}
    if not counts:
        return "it holds no Markdown or reStructuredText documents"
    folder = max(counts, key=lambda f: (counts[f], -f.count("/")))
    where = f"{folder}/" if folder else "the folder itself"
    plural = "s" if counts[folder] != 1 else ""
    return (
        f"the nearest candidate is {where} ({counts[folder]} document{plural}, "
        "not named with ids like `0042-slug.md`, nor in status folders like `accepted/`)"
    )


def common_prefix(collection: Collection) -> str | None:
    """The prefix most id-named documents share (`klip`, `RFC`), or None for bare numbers."""
    prefixes = Counter(
        found.prefix for path in collection.documents if (found := id_name(stem_of(path)))
    )
    if not prefixes:
        return None
    prefix, _count = prefixes.most_common(1)[0]
    return prefix or None
