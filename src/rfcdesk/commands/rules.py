"""`rfcdesk rules`: every rule's code, name, default severity and summary."""

from __future__ import annotations

from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.rules import load_all


class Options(NamedTuple):
    pass


def run(options: Options, out: TextIO) -> int:
    """Print one line per rule, by code."""
    for _code, rule in sorted(load_all().items()):
        print(f"{rule.code}  {rule.name:<24} {rule.severity.value:<8} {rule.summary}", file=out)
    return EXIT_OK
