"""Approvals as a proposal records them, and whether they make the quorum its scheme asks.

Approvals are written in the proposal itself, in one field (`Approved By: Ann Lee
(2026-11-20), @bo (2026-11-21)`): they are reviewed in the same pull request as the
status they allow, survive squash merges and rebases, and are read without git. Pure:
takes a proposal, the scheme's rule and who counts; returns values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NamedTuple

from rfcdesk.model import Proposal, people
from rfcdesk.scheme.model import Scheme, fold

_ENTRY = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<date>\d{4}-\d{2}-\d{2})\))?\s*$")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")
_EMAIL = re.compile(r"<?(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>?")


class Approval(NamedTuple):
    name: str  # as written, without the date
    date: str | None  # ISO day it was given, when written


class Person(NamedTuple):
    """Someone who counts, with every way an approval may name them."""

    name: str  # as listed
    keys: frozenset[str]  # folded: the name, the handle without "@", the e-mail


class Roster(NamedTuple):
    """Who counts for approvals, and where that was read; no people: anyone but the
    authors counts."""

    people: tuple[Person, ...]
    source: str  # "rfcdesk.toml", "MAINTAINERS", ".github/CODEOWNERS"; "" for anyone


ANYONE = Roster((), "")
_NOBODY = frozenset({"tbd", "n/a", "na", "none", "-", "nobody", "pending", "?"})


def person(entry: str) -> Person:
    """A listed person (`Ann Lee <ann@example.com> (@ann)`) and the keys that name them."""
    keys = {fold(m["email"]) for m in _EMAIL.finditer(entry)}
    keys |= {fold(h) for h in re.findall(r"@([\w-]+)(?![\w.-]*\.\w)", entry)}
    name = re.sub(r"<[^>]*>|\([^)]*\)|@[\w/-]+|[\w.+-]+@[\w.-]+", " ", entry).strip(" ,;-*")
    if name:
        keys.add(fold(name))
    return Person(entry.strip(), frozenset(keys))


def person_keys(name: str) -> frozenset[str]:
    """The keys an approval's name matches: itself, without a leading "@", and its parts."""
    return person(name).keys | {fold(name.strip().lstrip("@"))}


def read_approvals(value: str) -> list[Approval]:
    """The approvals a field's value lists, in order: `Name (YYYY-MM-DD), ...`."""
    found = []
    for item in re.split(r"\s*[,;]\s*(?![^()]*\))", _LINK.sub(r"\g<text>", value)):
        match = _ENTRY.match(item.strip())
        if match and match["name"].strip(" .*_"):
            found.append(Approval(match["name"].strip(" *_"), match["date"]))
    return found


def approvals_of(proposal: Proposal, scheme: Scheme) -> list[Approval]:
    """The approvals a proposal records, one per person (the first one counts)."""
    rule = scheme.approvals
    if rule is None:
        return []
    seen: set[str] = set()
    # "TBD", "n/a", "-": a field that says nobody has approved yet.
    nobody = scheme.undecided_folded | scheme.not_applicable_folded | _NOBODY
    found = []
    for field in proposal.fields:
        if field.name != rule.field:
            continue
        for approval in read_approvals(field.value):
            key = fold(approval.name.lstrip("@"))
            if key in nobody:
                continue
            if key not in seen:
                seen.add(key)
                found.append(approval)
    return found


def records_approvals(proposals: Iterable[Proposal], scheme: Scheme) -> bool:
    """Whether the folder writes approvals down: a folder that never does approves in
    its pull requests, and its proposals are not held to a count of the field."""
    rule = scheme.approvals
    if rule is None:
        return False
    return any(
        approvals_of(p, scheme)
        for p in proposals
        if any(f.name == rule.field and f.value for f in p.fields)
    )


class ApprovalState(NamedTuple):
    """Where a proposal stands against its scheme's quorum."""

    needed: int
    counted: tuple[Approval, ...]  # approvals that count
    not_counted: tuple[tuple[Approval, str], ...]  # and those that do not, with why
    awaiting: tuple[str, ...]  # people who count and have not approved (when known)
    source: str  # where the people who count were read ("" when anyone counts)

    @property
    def missing(self) -> int:
        return max(self.needed - len(self.counted), 0)

    def shortfall(self) -> str:
        """What is missing, as a sentence: "needs 1 more approval from: ann, bo"."""
        more = "approval" if self.missing == 1 else "approvals"
        text = f"needs {self.missing} more {more}"
        if self.awaiting:
            text += f" from: {', '.join(self.awaiting)}"
        text += f" ({len(self.counted)} of {self.needed}"
        if self.counted:
            text += f": {', '.join(a.name for a in self.counted)}"
        text += ")"
        for approval, why in self.not_counted:
            text += f"; {approval.name} does not count: {why}"
        return text


def approval_state(proposal: Proposal, scheme: Scheme, roster: Roster) -> ApprovalState:
    """The approvals a proposal has that count, and how many it needs."""
    rule = scheme.approvals
    assert rule is not None
    authors = authors_of(proposal, scheme)
    counted: list[Approval] = []
    not_counted: list[tuple[Approval, str]] = []
    approved: set[Person] = set()
    for approval in approvals_of(proposal, scheme):
        keys = person_keys(approval.name)
        if keys & authors:
            not_counted.append((approval, "an author's own approval"))
            continue
        if roster.people:
            member = next((p for p in roster.people if p.keys & keys), None)
            if member is None:
                not_counted.append((approval, f"not listed in {roster.source}"))
                continue
            if member in approved:
                continue
            approved.add(member)
        counted.append(approval)
    eligible = [p for p in roster.people if not (p.keys & authors)]
    needed = max(rule.quorum, math.ceil(rule.share * len(eligible)) if rule.share else 0, 1)
    awaiting = tuple(p.name for p in eligible if p not in approved)
    return ApprovalState(needed, tuple(counted), tuple(not_counted), awaiting, roster.source)


def authors_of(proposal: Proposal, scheme: Scheme) -> frozenset[str]:
    spec = scheme.field_of_kind("people")
    rule = scheme.approvals
    keys: set[str] = set()
    for field in proposal.fields:
        if spec is None or field.name != spec.name or (rule and field.name == rule.field):
            continue
        for part in people(_LINK.sub(r"\g<text> ", field.value)):
            keys |= person_keys(part)
    return frozenset(keys)


def held_to_quorum(proposal: Proposal, scheme: Scheme) -> bool:
    """Whether a proposal's approvals are counted: not one closed before its folder wrote
    approvals down (a final status and no approvals field)."""
    rule = scheme.approvals
    if rule is None:
        return False
    final = {s.name for s in scheme.statuses if s.terminal}
    return not (proposal.status in final and proposal.field(rule.field) is None)


def needs_approvals(scheme: Scheme, status: str | None) -> bool:
    return scheme.approvals is not None and status in scheme.approvals.statuses
