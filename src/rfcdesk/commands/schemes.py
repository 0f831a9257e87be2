"""`rfcdesk schemes`: the built-in schemes, one scheme's TOML, or the scheme JSON Schema."""

from __future__ import annotations

import json
from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.scheme.builtin import BUILTIN_NAMES
from rfcdesk.scheme.load import builtin_scheme, builtin_scheme_text, json_schema


class Options(NamedTuple):
    name: str | None = None  # print this built-in scheme's TOML
    json_schema: bool = False  # print the JSON Schema of scheme files


def run(options: Options, out: TextIO) -> int:
    """List the built-ins; with a name, print that scheme's file; or print the JSON Schema."""
    name = options.name
    if options.json_schema:
        out.write(json.dumps(json_schema(), indent=2) + "\n")
    elif name:
        builtin_scheme(name)  # an unknown name is refused with the list of known ones
        out.write(builtin_scheme_text(name))
    else:
        width = max(len(n) for n in BUILTIN_NAMES)
        for known in BUILTIN_NAMES:
            out.write(f"{known.ljust(width)}  {builtin_scheme(known).description}\n")
    return EXIT_OK
