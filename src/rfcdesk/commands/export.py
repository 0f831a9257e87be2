"""`rfcdesk export`: every proposal as data, the site's proposals.json or CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.history.load import load_history
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.rules.outcome import configured_diagnostics
from rfcdesk.site.collect import collect
from rfcdesk.site.export import csv_text, document


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    output_format: str = "json"


def run(options: Options, out: TextIO) -> int:
    """Print every proposal as JSON (the schema of proposals.json) or CSV."""
    config = folder_settings(options.path, options.scheme)
    folder = open_folder(config, options.scheme)
    entries = collect(folder, load_history(folder), configured_diagnostics(config, folder))
    if options.output_format == "csv":
        out.write(csv_text(entries))
    else:
        text = json.dumps(document(folder.scheme.name, entries), indent=2, ensure_ascii=False)
        print(text, file=out)
    return EXIT_OK
