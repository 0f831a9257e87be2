"""Which scheme a folder follows, told by its file names and, when names alone do not
decide (Rust RFCs, Swift proposals and MADR records are all `NNNN-slug.md`), by what a
sample of the files holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TypeVar

from rfcdesk.edge.files import glob_depth, select_files
from rfcdesk.model import Proposal
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.load import builtin_scheme
from rfcdesk.scheme.model import Scheme

# A template file is strong evidence; each file that fits a scheme's name pattern adds one.
TEMPLATE_WEIGHT = 10
SAMPLE = 12  # files read per candidate scheme to see whether their fields fit

Parse = Callable[[str, Scheme], Proposal]  # (folder-relative path, scheme) -> Proposal


class Fit(NamedTuple):
    """How well one scheme explains a folder."""

    scheme: Scheme
    files: int  # files the scheme's `include` globs take (template and index not counted)
    named: int  # of those, how many fit its file-name pattern
    content: float  # 0..1: required fields and a known status found, over a sample
    template: bool  # the scheme's template is in the folder

    @property
    def score(self) -> float:
        weight = TEMPLATE_WEIGHT if self.template else 0
        return weight + self.named * (0.25 + 0.75 * self.content)


def detection_depth() -> int | None:
    """How deep a folder must be listed to see every built-in's files."""
    depths = [glob_depth(builtin_scheme(n).include) for n in BUILTIN_NAMES]
    return None if None in depths else max(d for d in depths if d is not None)


def content_fit(proposal: Proposal, scheme: Scheme) -> float:
    """The share of a scheme's required fields (and a known status) a proposal has."""
    wanted = [s.name for s in scheme.fields if s.required]
    status = scheme.status_spec
    found = sum(1 for name in wanted if (f := proposal.field(name)) and f.value)
    total = len(wanted)
    if status is not None:
        total += 1
        found += proposal.status is not None
    return found / total if total else 0.5


Item = TypeVar("Item")


def spread(items: Sequence[Item], size: int) -> Sequence[Item]:
    """Up to `size` items spread evenly over the whole: a share needs no more."""
    if len(items) <= size:
        return items
    step = len(items) / size
    return [items[int(i * step)] for i in range(size)]


def fit_scheme(
    scheme: Scheme, paths: list[str], parse: Parse | None, exists: Callable[[str], bool]
) -> Fit:
    """One scheme's fit; `parse` reads sample files (None: names only, content 1)."""
    taken = select_files(paths, scheme.include, scheme.exclude)
    skip = {scheme.template, scheme.index.file if scheme.index else ""}
    files = [p for p in taken if p not in skip]
    named = [p for p in files if scheme.file_regex.match(p)]
    content = 1.0
    if parse is not None and named:
        sample = spread(named, SAMPLE)
        content = sum(content_fit(parse(p, scheme), scheme) for p in sample) / len(sample)
    template = bool(scheme.template) and exists(scheme.template)
    return Fit(scheme, len(files), len(named), content, template)


def rank_schemes(
    paths: list[str],
    parse: Parse | None,
    exists: Callable[[str], bool],
    schemes: Iterable[Scheme] | None = None,
    sample_all: bool = False,
) -> list[Fit]:
    """Every scheme's fit, best first. Samples are read only where names leave a choice,
    or for every scheme whose names occur (`sample_all`)."""
    schemes = list(schemes) if schemes is not None else [builtin_scheme(n) for n in BUILTIN_NAMES]
    fits = [fit_scheme(s, paths, None, exists) for s in schemes]
    contenders = [f for f in fits if f.named or f.template]
    if parse is not None and (len(contenders) > 1 or sample_all):
        fits = [fit_scheme(f.scheme, paths, parse, exists) if f in contenders else f for f in fits]
    return sorted(fits, key=lambda f: (-f.score, f.scheme.name))


def best_fit(fits: list[Fit]) -> Fit | None:
    """The best fit, or None when no scheme explains any file."""
    return fits[0] if fits and fits[0].score > 0 else None
