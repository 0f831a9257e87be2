"""Which scheme a folder follows, told by the files it holds."""

from __future__ import annotations

from collections.abc import Iterable

from rfcdesk.scheme import BUILTIN_NAMES, Scheme, builtin_scheme

# A template file is strong evidence; each file that fits a scheme's name pattern adds one.
TEMPLATE_WEIGHT = 10


def scheme_scores(names: Iterable[str], schemes: Iterable[Scheme]) -> dict[str, int]:
    """How well each scheme explains a folder's file names."""
    names = list(names)
    scores = {}
    for scheme in schemes:
        score = TEMPLATE_WEIGHT if scheme.template in names else 0
        score += sum(1 for n in names if n != scheme.template and scheme.file_regex.match(n))
        scores[scheme.name] = score
    return scores


def detect_scheme(names: Iterable[str]) -> str | None:
    """The built-in scheme that best fits the file names, or None when none fits."""
    scores = scheme_scores(names, (builtin_scheme(n) for n in BUILTIN_NAMES))
    best = max(scores, key=lambda n: scores[n])
    return best if scores[best] > 0 else None
