"""Findings on the corpora, and the labels written by hand for a sample of them.

Each corpus is laid out as its repository has it and checked from the top with no
settings, as a new user would. A label names one finding by its path (in the corpus), line,
code and a digest of its message, and says TRUE or FALSE with a one-line reason, from
reading the file and the process's own documents. Not a test module: `test_precision.py`
and `make unlabelled` use it.
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from conftest import ROOT
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.rules.outcome import configured_diagnostics
from support import EARLIER_CORPORA, NEW_CORPORA, lay_out

LABELS = ROOT / "tests" / "labels"
SAMPLE = 40  # findings labelled per corpus, at most


class Finding(NamedTuple):
    path: str  # in the corpus, as in tests/keys
    line: int
    col: int
    code: str
    severity: str
    message: str

    @property
    def digest(self) -> str:
        return message_digest(self.message)

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.code, self.digest)


class Label(NamedTuple):
    path: str
    line: int
    code: str
    digest: str
    label: str  # TRUE or FALSE
    reason: str

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.code, self.digest)


def message_digest(message: str) -> str:
    return hashlib.sha1(message.encode("utf-8")).hexdigest()[:10]


def corpus_findings(corpus: str) -> list[Finding]:
    """What `rfcdesk check` reports at the top of the laid-out corpus, with no settings."""
    with tempfile.TemporaryDirectory(prefix="rfcdesk-labels-") as scratch:
        top = Path(scratch) / corpus
        place = lay_out(corpus, top)
        config = folder_settings(top, quiet=True)
        folder = open_folder(config, use_cache=False)
        prefix = folder.root.resolve().relative_to(top.resolve()).as_posix()
        found = []
        for d in configured_diagnostics(config, folder):
            path = d.path if prefix == "." else f"{prefix}/{d.path}"
            if place:
                path = path.removeprefix(place + "/") if path.startswith(place + "/") else path
            found.append(Finding(path, d.line, d.col, d.code, d.severity.value, d.message))
        return found


def sample(corpus: str, findings: list[Finding], size: int = SAMPLE) -> list[Finding]:
    """A reproducible sample stratified by rule: one of each rule in turn, at random."""
    rng = random.Random(f"labels:{corpus}")
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted(findings):
        by_rule[finding.code].append(finding)
    for found in by_rule.values():
        rng.shuffle(found)
    chosen: list[Finding] = []
    while len(chosen) < size and any(by_rule.values()):
        for code in sorted(by_rule):
            if by_rule[code] and len(chosen) < size:
                chosen.append(by_rule[code].pop())
    return sorted(chosen)


def read_labels(corpus: str) -> list[Label]:
    path = LABELS / f"{corpus}.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Label(r["path"], int(r["line"]), r["code"], r["digest"], r["label"], r["reason"])
            for r in rows
        ]


CORPORA_NAMES = EARLIER_CORPORA + NEW_CORPORA


class Tally(NamedTuple):
    true: int
    false: int

    @property
    def labelled(self) -> int:
        return self.true + self.false

    @property
    def precision(self) -> float:
        return self.true / self.labelled if self.labelled else 1.0


def matched(findings: list[Finding], labels: list[Label]) -> list[tuple[Finding, Label]]:
    """The current findings that a label names, each with its label."""
    by_key = {label.key: label for label in labels}
    return [(f, by_key[f.key]) for f in findings if f.key in by_key]


def tally(pairs: list[tuple[Finding, Label]]) -> Tally:
    true = sum(1 for _f, label in pairs if label.label == "TRUE")
    return Tally(true, len(pairs) - true)


def unlabelled(corpus: str, findings: list[Finding], labels: list[Label]) -> list[Finding]:
    """The findings of the current sample that no label names: to be read and labelled."""
    keys = {label.key for label in labels}
    return [f for f in sample(corpus, findings) if f.key not in keys]


def rules_table(pairs: list[tuple[Finding, Label]]) -> str:
    """The precision of each rule over every labelled finding, as docs/rules.md shows it."""
    by_rule: dict[str, list[tuple[Finding, Label]]] = defaultdict(list)
    for finding, label in pairs:
        by_rule[finding.code].append((finding, label))
    lines = ["| rule | labelled | true | precision |", "| --- | --- | --- | --- |"]
    for code in sorted(by_rule):
        counted = tally(by_rule[code])
        lines.append(f"| {code} | {counted.labelled} | {counted.true} | {counted.precision:.0%} |")
    return "\n".join(lines) + "\n"


def main(corpora: list[str]) -> None:
    """Print each corpus's precision and the sampled findings no label names yet."""
    for corpus in corpora or CORPORA_NAMES:
        findings = corpus_findings(corpus)
        labels = read_labels(corpus)
        counted = tally(matched(findings, labels))
        print(
            f"# {corpus}: {len(findings)} findings, {counted.labelled} labelled, "
            f"precision {counted.precision:.0%}"
        )
        for f in unlabelled(corpus, findings, labels):
            print(f"{f.path}\t{f.line}\t{f.code}\t{f.digest}\t\t{f.severity}: {f.message}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
