"""`rfcdesk schemes`: the built-in schemes, one scheme's TOML, or the scheme JSON Schema."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.scheme.load import BUILTIN_NAMES, builtin_scheme, builtin_scheme_text, json_schema


def run_schemes(name: str | None, show_schema: bool, out: TextIO | None = None) -> int:
    """List the built-ins; with a name, print that scheme's file; or print the JSON Schema."""
    out = out or sys.stdout
    if show_schema:
        out.write(json.dumps(json_schema(), indent=2) + "\n")
    elif name:
        builtin_scheme(name)  # an unknown name is refused with the list of known ones
        out.write(builtin_scheme_text(name))
    else:
        width = max(len(n) for n in BUILTIN_NAMES)
        for known in BUILTIN_NAMES:
            out.write(f"{known.ljust(width)}  {builtin_scheme(known).description}\n")
    return EXIT_OK
