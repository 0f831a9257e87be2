"""The relation graph as text: Graphviz dot, a Mermaid flowchart, or JSON.

Pure: each renderer takes a `Graph` (`read.relations.relation_graph`) and returns the whole
text, nodes and edges in the graph's order, so that the same folder gives the same bytes.

- dot: a node per proposal, named by its path, labelled with its id and title, its status
  as the tooltip; an edge's kind is its `class`, drawn solid (requires), bold (replaces) or
  dashed without an arrowhead (see-also). Closed proposals are grey.
- mermaid: `flowchart TB`; nodes named `p_` and their path's letters and digits, labelled
  "id: title" (special characters as Mermaid's `#34;` codes); `-->` requires, `==>`
  replaces, `-.-` see-also; closed proposals in the `closed` class.
- json: `{"nodes": [{"path", "id", "title", "status", "closed"}], "edges": [{"source",
  "kind", "target"}]}`; an edge names its ends by path; `id` is the label ("PEP 8") or null.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable

from rfcdesk.read.relations import REPLACES, SEE_ALSO, Graph, Node

# A title is wrapped in a Graphviz box at about this many characters a line (Mermaid wraps
# its own).
TITLE_WIDTH = 36
_SPACE = re.compile(r"\s+")


def _lines(node: Node, width: int | None = None) -> list[str]:
    """The box's text: the label, then the title (when it says more than the label),
    wrapped at `width` characters for a renderer that does not wrap (Graphviz)."""
    title = _SPACE.sub(" ", node.title or "").strip()
    if not title or title == node.label:
        return [node.label]
    if width is None:
        return [node.label, title]
    return [node.label, *_balanced(title, width)]


def _balanced(text: str, width: int) -> list[str]:
    """The text in as few lines as `width` allows, of about equal length (no lone last
    word): 33 characters stay one line, 41 become two of about 20."""
    count = -(-len(text) // width)
    fitted = max(-(-len(text) // count), *(len(word) for word in text.split()))
    while True:
        lines = textwrap.wrap(text, fitted, break_on_hyphens=False)
        if len(lines) <= count:
            return lines
        fitted += 1


# --- dot ------------------------------------------------------------------------------------

_DOT_EDGE = {
    "requires": "",
    REPLACES: ", style=bold",
    SEE_ALSO: ", style=dashed, dir=none",
}


def _dot_string(text: str) -> str:
    """A dot quoted string: backslashes and quotes escaped, a line break as `\\n` (both
    are otherwise read as escapes or ends by Graphviz)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def dot(graph: Graph) -> str:
    """The graph in Graphviz's language (`rfcdesk graph | dot -Tsvg > graph.svg`)."""
    out = [
        "// requires: solid; replaces: bold; see-also: dashed, no arrowhead; grey: closed",
        "digraph relations {",
    ]
    if graph.nodes:
        out.append('  node [shape=box, fontname="sans-serif"];')
    for node in graph.nodes:
        label = _dot_string("\n".join(_lines(node, TITLE_WIDTH)))
        attributes = f"label={label}, tooltip={_dot_string(node.status or 'no status')}"
        if node.closed:
            attributes += ", color=gray60, fontcolor=gray45"
        out.append(f"  {_dot_string(node.path)} [{attributes}];")
    for edge in graph.edges:
        style = _DOT_EDGE.get(edge.kind, "")
        ends = f"{_dot_string(edge.source)} -> {_dot_string(edge.target)}"
        out.append(f"  {ends} [class={_dot_string(edge.kind)}{style}];")
    out.append("}")
    return "\n".join(out) + "\n"


# --- mermaid --------------------------------------------------------------------------------

_MERMAID_ARROW = {"requires": "-->", REPLACES: "==>", SEE_ALSO: "-.-"}
# Characters a quoted Mermaid label cannot hold as they are (a quote ends it, `<` starts a
# tag, `\n` is a line break, `#...;` an entity): written as entity codes.
_MERMAID_ENTITY = {
    "#": "#35;",
    '"': "#34;",
    "<": "#60;",
    ">": "#62;",
    "&": "#38;",
    "\\": "#92;",
}
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_ENTITY.get(c, c) for c in _SPACE.sub(" ", text))


def mermaid_names(graph: Graph) -> dict[str, str]:
    """Each node's Mermaid name: `p_` and its path's letters and digits (never a keyword
    such as `end`, nor a name an arrow could swallow); a clash gets a number."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for node in graph.nodes:
        base = "p_" + _NOT_NAME.sub("_", node.path).strip("_")
        name, count = base, 1
        while name in taken:
            count += 1
            name = f"{base}_{count}"
        taken.add(name)
        names[node.path] = name
    return names


def mermaid(graph: Graph) -> str:
    """The graph as a Mermaid flowchart (GitHub and GitLab draw it in Markdown)."""
    names = mermaid_names(graph)
    out = ["flowchart TB", "  %% requires: -->, replaces: ==>, see-also: -.-; grey: closed"]
    for node in graph.nodes:
        # One line: Mermaid wraps it, and with a `<br>` in it, it would read `\n` as a break.
        label = ": ".join(_mermaid_text(line) for line in _lines(node))
        out.append(f'  {names[node.path]}["{label}"]')
    for edge in graph.edges:
        arrow = _MERMAID_ARROW.get(edge.kind, "-->")
        out.append(f"  {names[edge.source]} {arrow} {names[edge.target]}")
    closed = [names[n.path] for n in graph.nodes if n.closed]
    if closed:
        out.append("  classDef closed fill:#eeeeee,stroke:#999999,color:#666666")
        out.append(f"  class {','.join(closed)} closed")
    return "\n".join(out) + "\n"


# --- json -----------------------------------------------------------------------------------


def graph_data(graph: Graph) -> dict[str, list[dict[str, object]]]:
    """The graph as plain data: what `--format json` prints."""
    return {
        "nodes": [
            {
                "path": n.path,
                "id": n.id_label,
                "title": n.title,
                "status": n.status,
                "closed": n.closed,
            }
            for n in graph.nodes
        ],
        "edges": [{"source": e.source, "kind": e.kind, "target": e.target} for e in graph.edges],
    }


def json_text(graph: Graph) -> str:
    return json.dumps(graph_data(graph), indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Graph], str]] = {"dot": dot, "mermaid": mermaid, "json": json_text}
