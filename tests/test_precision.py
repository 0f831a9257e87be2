"""How many findings are true, on the corpora, against labels written by hand.

Each corpus is checked from its top with no settings; the findings that a label in
tests/labels names count, TRUE or FALSE as the label says (`labelled.py`). Findings no
label names are listed by `make unlabelled`, to be read and labelled.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT
from labelled import (
    CORPORA_NAMES,
    Finding,
    Label,
    corpus_findings,
    matched,
    read_labels,
    rules_table,
    tally,
    unlabelled,
)

CORPUS_PRECISION = 0.90
RULE_PRECISION = 0.80
RULE_MIN_LABELS = 5
_FOUND: dict[str, list[Finding]] = {}


def _findings(corpus: str) -> list[Finding]:
    if corpus not in _FOUND:
        _FOUND[corpus] = corpus_findings(corpus)
    return _FOUND[corpus]


def _all_pairs() -> list[tuple[Finding, Label]]:
    return [p for corpus in CORPORA_NAMES for p in matched(_findings(corpus), read_labels(corpus))]


@pytest.mark.parametrize("corpus", CORPORA_NAMES)
def test_most_findings_are_true(corpus: str, corpora: Path) -> None:
    del corpora
    pairs = matched(_findings(corpus), read_labels(corpus))
    counted = tally(pairs)
    false = [(f, label) for f, label in pairs if label.label == "FALSE"]
    report = "\n".join(f"{f.path}:{f.line} {f.code} {f.message} ({lb.reason})" for f, lb in false)
    assert counted.labelled > 0 or not _findings(corpus)
    todo = unlabelled(corpus, _findings(corpus), read_labels(corpus))
    if todo:  # listed, not failed: `make unlabelled` prints them for labelling
        warnings.warn(f"{corpus}: {len(todo)} sampled findings have no label yet", stacklevel=1)
    assert counted.precision >= CORPUS_PRECISION, report
    assert [f for f, _label in false if f.severity == "error"] == [], report


def test_every_rule_with_enough_labels_is_mostly_true(corpora: Path) -> None:
    del corpora
    by_rule: dict[str, list[tuple[Finding, Label]]] = defaultdict(list)
    for finding, label in _all_pairs():
        by_rule[finding.code].append((finding, label))
    low = {
        code: f"{tally(pairs).precision:.0%} of {tally(pairs).labelled}"
        for code, pairs in by_rule.items()
        if tally(pairs).labelled >= RULE_MIN_LABELS and tally(pairs).precision < RULE_PRECISION
    }
    assert low == {}


def test_the_rules_document_shows_each_rules_precision(corpora: Path) -> None:
    del corpora
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert rules_table(_all_pairs()) in text
