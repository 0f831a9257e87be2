"""The rule registry: each rule is data (code, name, summary, severity) plus a function.

A proposal rule looks at one proposal with the folder around it; a folder rule looks at
the folder as a whole (duplicate ids, the index). Rules yield `Finding`s; the engine turns
them into Diagnostics, applies `--select`/`--ignore` and inline suppressions, and sorts.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from rfcdesk.edge.files import Listing, contained, list_tree
from rfcdesk.edge.workers import forked_map
from rfcdesk.model import Diagnostic, Proposal, Severity
from rfcdesk.read.approvals import ANYONE, Roster
from rfcdesk.read.folder import Folder
from rfcdesk.read.index import IndexTable
from rfcdesk.read.numbers import RefFolder
from rfcdesk.read.template import TemplateInfo
from rfcdesk.scheme.model import Scheme


class Finding(NamedTuple):
    path: str
    line: int
    col: int
    message: str
    subject: str | None = None  # the proposal it is about, when written in another file


class Against(NamedTuple):
    """The folder as another ref has it, for rules that compare (`check --against`)."""

    folder: RefFolder
    free: int  # the next number free here and on every branch, for the suggested fix


class Context(NamedTuple):
    """The folder as rules see it; `exists` answers for paths relative to the folder."""

    scheme: Scheme
    template: TemplateInfo
    proposals: tuple[Proposal, ...]
    index_table: IndexTable | None
    index_suppressed: frozenset[str]
    exists: Callable[[str], bool]
    # The link, if any, on a path (itself or a folder above it) that leads outside the folder.
    escaping: Callable[[str], str | None]
    by_path: Mapping[str, Proposal]
    sorted_paths: tuple[str, ...]
    outside: dict[str, bool]  # paths outside the folder looked up by `exists`, and the answers
    against: Against | None = None  # the folder on the ref given to `check --against`
    roster: Roster = ANYONE  # who counts for approvals
    approvals_recorded: bool = False  # some proposal writes its approvals down
    # What several folder rules read and one of them works out (the relations): kept with
    # the context, not in a module, so that it goes when the context does.
    shared: dict[str, Any] | None = None

    def names_starting(self, prefix: str) -> list[str]:
        """Proposal paths that start with a prefix."""
        start = bisect.bisect_left(self.sorted_paths, prefix)
        end = bisect.bisect_left(self.sorted_paths, prefix + "\U0010ffff")
        return list(self.sorted_paths[start:end])


def is_stub(proposal: Proposal, scheme: Scheme) -> bool:
    """A document whose status says it only points elsewhere: its content is not checked."""
    return proposal.status in scheme.stub_statuses


def context_of(
    folder: Folder, against: Against | None = None, listing: Listing | None = None
) -> Context:
    """The folder as rules see it; the tree is walked only when a link needs it (unless
    its `listing` is given, walked already)."""
    tree: frozenset[str] | None = None
    outside: dict[str, bool] = {}
    escapes: tuple[str, ...] = ()
    if listing is not None:
        tree, escapes = frozenset((*listing.files, *listing.folders)), listing.escapes

    def walked() -> frozenset[str]:
        nonlocal tree, escapes
        if tree is None:
            listing = list_tree(folder.root)
            tree, escapes = frozenset((*listing.files, *listing.folders)), listing.escapes
        return tree

    def exists(path: str) -> bool:
        if path.startswith("../"):
            if path not in outside:
                outside[path] = (folder.root / path).exists()
            return outside[path]
        if path in walked() or path == ".":
            return True
        # Below a link to a folder inside this one: the walk does not enter it twice.
        return contained(folder.root, path) and (folder.root / path).exists()

    def escaping(path: str) -> str | None:
        walked()
        return next((e for e in escapes if path == e or path.startswith(e + "/")), None)

    by_path = {p.path: p for p in folder.proposals}
    return Context(
        folder.scheme,
        folder.template,
        folder.proposals,
        folder.index_table,
        folder.index_suppressed,
        exists,
        escaping,
        by_path,
        tuple(sorted(by_path)),
        outside,
        against,
        folder.roster,
        folder.approvals_recorded,
        {},
    )


ProposalCheck = Callable[[Proposal, Context], Iterator[Finding]]
FolderCheck = Callable[[Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    scope: str  # "proposal", "folder", or "read" (reported while reading a file)
    check: ProposalCheck | FolderCheck | None
    # A proposal rule whose findings can be about another file (a link to it): run on every
    # proposal even when only some are reported (`check FILE...`).
    reaches_others: bool = False


RULES: dict[str, Rule] = {}


def register(
    code: str,
    name: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    scope: str = "proposal",
    reaches_others: bool = False,
) -> Callable[[Callable[..., Iterator[Finding]]], Callable[..., Iterator[Finding]]]:
    """Add the decorated check function to the registry under a stable code."""

    def add(check: Callable[..., Iterator[Finding]]) -> Callable[..., Iterator[Finding]]:
        _add(Rule(code, name, summary, severity, scope, check, reaches_others))
        return check

    return add


def declare(code: str, name: str, summary: str, severity: Severity = Severity.ERROR) -> None:
    """A rule whose findings come from reading a file, not from a check function."""
    _add(Rule(code, name, summary, severity, "read", None))


def _add(rule: Rule) -> None:
    if rule.code in RULES:
        raise ValueError(f"rule code {rule.code} registered twice")
    RULES[rule.code] = rule


def enabled(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a code is on: the longest matching prefix of select/ignore decides."""
    best_select = max((len(p) for p in select if code.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return best_select > best_ignore


def _silenced(code: str, suppressed: frozenset[str]) -> bool:
    return any(code.startswith(prefix) for prefix in suppressed)


class Checked(NamedTuple):
    """What a proposal's rules found, and the other proposals they read to find it."""

    findings: tuple[Diagnostic, ...]
    read: frozenset[str]  # paths of the proposals looked up (a link's target's headings)


class Reuse(NamedTuple):
    """Findings of a proposal's rules kept from an earlier run: `known` is reused as it is
    (the caller checked that the proposal and what its rules read are unchanged);
    `computed` receives what this run found afresh."""

    known: Mapping[str, tuple[Diagnostic, ...]]
    computed: dict[str, Checked]


class _Reads(Mapping[str, Proposal]):
    """The folder's proposals by path, noting which ones a rule looks up."""

    def __init__(self, by_path: Mapping[str, Proposal]) -> None:
        self.by_path = by_path
        self.read: set[str] = set()

    def __getitem__(self, path: str) -> Proposal:
        self.read.add(path)
        return self.by_path[path]

    def __iter__(self) -> Iterator[str]:
        self.read.update(self.by_path)
        return iter(self.by_path)

    def __len__(self) -> int:
        return len(self.by_path)


def run_rules(
    ctx: Context,
    select: Iterable[str] = ("",),
    ignore: Iterable[str] = (),
    only: frozenset[str] | None = None,
    reuse: Reuse | None = None,
    jobs: int | None = None,
) -> list[Diagnostic]:
    """Every diagnostic for the folder, filtered and sorted by path and position.

    With `only`, the proposals outside it get only the rules that reach other files: what
    is reported is then what concerns `only` (the caller filters), at a fraction of the cost.
    """
    select, ignore = tuple(select) or ("",), tuple(ignore)
    suppressed = {p.path: p.suppressed for p in ctx.proposals}
    if ctx.index_table is not None:
        suppressed[ctx.index_table.path] = ctx.index_suppressed
    active = {code for code in RULES if enabled(code, select, ignore)}
    per_proposal = [r for r in RULES.values() if r.scope == "proposal" and r.code in active]
    reaching = [r for r in per_proposal if r.reaches_others]
    found: list[Diagnostic] = []
    known = reuse.known if reuse else {}
    pending = []
    for proposal in ctx.proposals:
        if proposal.load_error is not None:
            found.append(proposal.load_error)
            continue
        found.extend(proposal.diagnostics)
        if only is not None and proposal.path not in only:
            found.extend(_check(proposal, ctx, reaching))
        elif proposal.path in known:
            found.extend(known[proposal.path])
        else:
            pending.append(proposal)
    for path, checked in _check_all(ctx, pending, per_proposal, jobs):
        found.extend(checked.findings)
        if reuse is not None:
            reuse.computed[path] = checked
    for rule in RULES.values():
        if rule.scope == "folder" and rule.code in active:
            folder_check: FolderCheck = rule.check  # type: ignore[assignment]
            found.extend(_diagnose(rule, folder_check(ctx)))
    empty: frozenset[str] = frozenset()
    kept = [
        d
        for d in found
        if d.code in active and not _silenced(d.code, suppressed.get(d.path, empty))
    ]
    return sorted(set(kept), key=lambda d: (d.path, d.line, d.col, d.code, d.message))


# Below this many proposals to check, forking workers costs more than it saves.
PARALLEL_RULES = 2000
_CHUNKS_PER_WORKER = 4
# What forked workers check: set before they are forked, read by them, never pickled.
_checking: tuple[Context, tuple[Proposal, ...], list[Rule]] | None = None


def _check_all(
    ctx: Context, proposals: list[Proposal], rules: list[Rule], jobs: int | None
) -> Iterator[tuple[str, Checked]]:
    """Each proposal's findings under the rules, and what they read, in order; on every
    core when there are many."""
    global _checking
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(proposals) < PARALLEL_RULES or workers <= 1:
        for proposal in proposals:
            yield proposal.path, _checked(proposal, ctx, rules)
        return
    ctx.escaping("")  # the tree is walked once, here, before the workers are forked
    size = -(-len(proposals) // (workers * _CHUNKS_PER_WORKER))
    chunks = [
        range(start, min(start + size, len(proposals))) for start in range(0, len(proposals), size)
    ]
    _checking = (ctx, tuple(proposals), rules)
    try:
        for results, outside in forked_map(_check_chunk, chunks, workers, 2):
            ctx.outside.update(outside)  # what the workers looked up outside the folder
            yield from results
    finally:
        _checking = None


def _check_chunk(chunk: range) -> tuple[list[tuple[str, Checked]], dict[str, bool]]:
    assert _checking is not None
    ctx, proposals, rules = _checking
    results = [(proposals[i].path, _checked(proposals[i], ctx, rules)) for i in chunk]
    return results, ctx.outside


def _checked(proposal: Proposal, ctx: Context, rules: list[Rule]) -> Checked:
    reads = _Reads(ctx.by_path)
    findings = tuple(_check(proposal, ctx._replace(by_path=reads), rules))
    return Checked(findings, frozenset(reads.read))


def _check(proposal: Proposal, ctx: Context, rules: list[Rule]) -> Iterator[Diagnostic]:
    for rule in rules:
        check: ProposalCheck = rule.check  # type: ignore[assignment]
        yield from _diagnose(rule, check(proposal, ctx))


def _diagnose(rule: Rule, findings: Iterator[Finding]) -> Iterator[Diagnostic]:
    for f in findings:
        yield Diagnostic(
            f.path, f.line, f.col, rule.code, rule.name, f.message, rule.severity, f.subject
        )


def load_all() -> dict[str, Rule]:
    """Import every rule module, so that the registry is complete."""
    from rfcdesk.rules import (  # noqa: F401
        against,
        approvals,
        fields,
        files,
        index,
        links,
        relations,
        sections,
        titles,
    )

    return RULES
