"""`rfcdesk graph`: how the folder's proposals point at each other, as dot, Mermaid or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.errors import EXIT_OK
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.read.relations import folder_relations, relation_graph
from rfcdesk.report.graph import RENDERERS


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    output_format: str = "dot"  # a key of report.graph.RENDERERS


def run(options: Options, out: TextIO) -> int:
    """Print the relation graph: the proposals that name another or are named, and the edges."""
    folder = open_folder(folder_settings(options.path, options.scheme), options.scheme)
    relations = folder_relations(folder.scheme, folder.proposals)
    graph = relation_graph(folder.scheme, folder.proposals, relations)
    out.write(RENDERERS[options.output_format](graph))
    if not graph.edges:
        print(
            f"rfcdesk: no proposal in {folder.root} names another (requires, replaces, "
            "superseded-by or see-also): the graph is empty",
            file=sys.stderr,
        )
    missing = sum(1 for r in relations if r.target is None and r.checkable)
    if missing:
        print(
            f"rfcdesk: not drawn: {missing} reference{'' if missing == 1 else 's'} to no "
            "proposal in this folder (`rfcdesk check --select R001` says where)",
            file=sys.stderr,
        )
    return EXIT_OK
