"""The graph page's picture: the relation graph laid out by rfcdesk and drawn as inline SVG.

Pure. Each group of proposals that point at each other (a connected component) is laid out
in layers, the one that names another above the one it names (grandalf's Sugiyama layout),
and the groups are packed in rows, the largest first. A node is a box with its label that
links to the proposal's page, its title as the tooltip; an edge is drawn by its kind.
Colours come from CSS classes, so the site's light and dark themes apply. Every text is
escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, NamedTuple

from rfcdesk.read.relations import REPLACES, REQUIRES, SEE_ALSO, Edge, Graph, Node
from rfcdesk.site.collect import Entry

BOX_HEIGHT = 30
GLYPH = 7.6  # average width of a 13px glyph: lengths are estimated, there is no font here
BOX_PADDING = 14  # on each side of the label, the status stripe included
LAYER_SPACE = 54  # between the layers of one group: room for an arrow
NODE_SPACE = 26  # between boxes of one layer
GROUP_SPACE = (44, 40)  # between groups, across and down
ROW_WIDTH = 1120  # groups are packed in rows this wide (the page's column)
MARGIN = 8
PARALLEL = 5  # how far apart two edges between the same two boxes are drawn
KIND_NAMES = {REQUIRES: "requires", REPLACES: "replaces", SEE_ALSO: "see also"}


class Box(NamedTuple):
    node: Node
    x: float  # the centre
    y: float
    width: float
    height: float = BOX_HEIGHT


class Line(NamedTuple):
    edge: Edge
    points: tuple[tuple[float, float], ...]  # from the source's border to the target's


class Drawing(NamedTuple):
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    width: float
    height: float


def box_width(node: Node) -> float:
    return round(len(node.label) * GLYPH + 2 * BOX_PADDING)


def components(graph: Graph) -> list[Graph]:
    """The connected groups of the graph, largest first, then in the order of their first
    node; nodes and edges keep the graph's order."""
    group = {node.path: node.path for node in graph.nodes}

    def find(path: str) -> str:
        while group[path] != path:
            group[path] = group[group[path]]
            path = group[path]
        return path

    for edge in graph.edges:
        group[find(edge.source)] = find(edge.target)
    nodes: dict[str, list[Node]] = {}
    for node in graph.nodes:
        nodes.setdefault(find(node.path), []).append(node)
    parts = [
        Graph(tuple(members), tuple(e for e in graph.edges if find(e.source) == root))
        for root, members in nodes.items()
    ]
    return sorted(parts, key=lambda part: -len(part.nodes))  # stable: first node's order


class _View:
    """What grandalf reads and writes on a vertex or an edge: its size, its place, its path."""

    def __init__(self, width: float = 0, height: float = 0) -> None:
        self.w, self.h = width, height
        self.xy: tuple[float, float] = (0.0, 0.0)
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = points


def lay_out_group(part: Graph) -> Drawing:
    """One connected group in layers, its top left corner at (0, 0)."""
    from grandalf.graphs import Edge as LayoutEdge
    from grandalf.graphs import Vertex, graph_core
    from grandalf.layouts import SugiyamaLayout
    from grandalf.routing import route_with_lines

    vertices = {node.path: Vertex(node) for node in part.nodes}
    for node in part.nodes:
        vertices[node.path].view = _View(box_width(node), BOX_HEIGHT)
    links = [LayoutEdge(vertices[e.source], vertices[e.target], data=e) for e in part.edges]
    for link in links:
        link.view = _View()
    # Built from ordered lists (not grandalf's Graph, which groups edges in a set), so that
    # the same folder is laid out the same way every time.
    core = graph_core(list(vertices.values()), links)
    layout: Any = SugiyamaLayout(core)
    layout.xspace, layout.yspace = NODE_SPACE, LAYER_SPACE
    layout.route_edge = route_with_lines
    # The layout needs roots to break cycles from; a group that is one cycle has none.
    roots = [v for v in core.sV if not v.e_in()] or [vertices[part.nodes[0].path]]
    layout.init_all(roots=roots)
    layout.draw()
    boxes = [
        Box(v.data, v.view.xy[0], v.view.xy[1], v.view.w)
        for v in (vertices[node.path] for node in part.nodes)
    ]
    lines = [Line(link.data, tuple(link.view.points)) for link in links]
    return _moved(boxes, _spread(lines))


def _spread(lines: list[Line]) -> list[Line]:
    """Straight edges between the same two boxes (a requires b and sees it too, a cycle of
    two) drawn side by side instead of over each other."""
    pairs: dict[frozenset[str], list[int]] = {}
    for at, line in enumerate(lines):
        if len(line.points) == 2:
            pairs.setdefault(frozenset((line.edge.source, line.edge.target)), []).append(at)
    spread = list(lines)
    for members in pairs.values():
        for rank, at in enumerate(members):
            shift = (rank - (len(members) - 1) / 2) * PARALLEL
            (x0, y0), (x1, y1) = lines[at].points
            length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
            dx, dy = -(y1 - y0) / length * shift, (x1 - x0) / length * shift
            if lines[at].edge.source > lines[at].edge.target:
                dx, dy = -dx, -dy  # the same side, whichever way the edge points
            spread[at] = lines[at]._replace(points=((x0 + dx, y0 + dy), (x1 + dx, y1 + dy)))
    return spread


def _moved(boxes: Sequence[Box], lines: Sequence[Line], dx: float = 0, dy: float = 0) -> Drawing:
    """The boxes and lines moved so that their top left corner is at (dx, dy)."""
    xs = [x for b in boxes for x in (b.x - b.width / 2, b.x + b.width / 2)]
    ys = [y for b in boxes for y in (b.y - b.height / 2, b.y + b.height / 2)]
    xs += [x for line in lines for x, _ in line.points]
    ys += [y for line in lines for _, y in line.points]
    mx, my = dx - min(xs), dy - min(ys)
    return Drawing(
        tuple(b._replace(x=b.x + mx, y=b.y + my) for b in boxes),
        tuple(ln._replace(points=tuple((x + mx, y + my) for x, y in ln.points)) for ln in lines),
        max(xs) - min(xs),
        max(ys) - min(ys),
    )


def lay_out(graph: Graph, row_width: float = ROW_WIDTH) -> Drawing:
    """The whole graph: each group laid out, the groups packed in rows, largest first."""
    boxes: list[Box] = []
    lines: list[Line] = []
    x = y = row_height = width = 0.0
    for part in components(graph):
        group = lay_out_group(part)
        if x > 0 and x + group.width > row_width:
            x, y, row_height = 0.0, y + row_height + GROUP_SPACE[1], 0.0
        placed = _moved(group.boxes, group.lines, x + MARGIN, y + MARGIN)
        boxes += placed.boxes
        lines += placed.lines
        x += group.width + GROUP_SPACE[0]
        row_height = max(row_height, group.height)
        width = max(width, x - GROUP_SPACE[0])
    height = y + row_height if boxes else 0.0
    return Drawing(tuple(boxes), tuple(lines), width + 2 * MARGIN, height + 2 * MARGIN)


# --- SVG ------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def markers() -> str:
    """The arrowheads: one per kind that has one (see-also is drawn without), larger for
    replaces, whose line is thicker."""
    return "".join(
        f'<marker id="arrow-{kind}" class="arrow-{kind}" viewBox="0 0 10 10" refX="9" '
        f'refY="5" markerWidth="{size}" markerHeight="{size}" markerUnits="userSpaceOnUse" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        for kind, size in ((REQUIRES, 8), (REPLACES, 10))
    )


def _line(line: Line, labels: Mapping[str, str]) -> str:
    edge = line.edge
    path = "M" + " L".join(f"{_number(x)},{_number(y)}" for x, y in line.points)
    head = f' marker-end="url(#arrow-{edge.kind})"' if edge.kind != SEE_ALSO else ""
    said = f"{labels[edge.source]} {KIND_NAMES.get(edge.kind, edge.kind)} {labels[edge.target]}"
    return (
        f'<g class="edge {edge.kind}" data-source="{escape(edge.source)}" '
        f'data-kind="{edge.kind}" data-target="{escape(edge.target)}">'
        f'<title>{escape(said)}</title><path d="{path}"{head}/></g>'
    )


def _box(box: Box, href: str, status: str, status_key: str) -> str:
    node = box.node
    left, top = box.x - box.width / 2, box.y - box.height / 2
    tip = f"{node.title or node.label} ({status})"
    closed = " closed" if node.closed else ""
    return (
        f'<a class="node{closed}" href="{escape(href)}" data-path="{escape(node.path)}">'
        f"<title>{escape(tip)}</title>"
        f'<rect class="box" x="{_number(left)}" y="{_number(top)}" '
        f'width="{_number(box.width)}" height="{_number(box.height)}" rx="5"/>'
        # The status colour as a stripe inside the border (which is dashed when closed).
        f'<rect class="stripe s-{escape(status_key)}" x="{_number(left + 1.5)}" '
        f'y="{_number(top + 1.5)}" width="4" height="{_number(box.height - 3)}" rx="1.5"/>'
        f'<text x="{_number(box.x + 2)}" y="{_number(box.y)}">{escape(node.label)}</text></a>'
    )


class NodePage(NamedTuple):
    """What a node shows of its proposal's page: where it is and its status."""

    href: str  # from the graph page
    status: str  # as the badge says it
    status_key: str  # the badge's colour class


def svg(drawing: Drawing, pages: Mapping[str, NodePage]) -> str:
    """The drawing as an inline SVG element, edges under the boxes."""
    labels = {box.node.path: box.node.label for box in drawing.boxes}
    width, height = _number(drawing.width), _number(drawing.height)
    body = [f"<defs>{markers()}</defs>", '<g class="edges">']
    body += [_line(line, labels) for line in drawing.lines]
    body.append('</g><g class="nodes">')
    for box in drawing.boxes:
        page = pages[box.node.path]
        body.append(_box(box, page.href, page.status, page.status_key))
    body.append("</g>")
    return (
        f'<svg class="graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="group" aria-label="How the proposals point at each other">{"".join(body)}</svg>'
    )


def page_context(graph: Graph, entries: Sequence[Entry], closed: Sequence[str]) -> dict[str, Any]:
    """What the graph page's template shows: the picture, its legend, the edges as a list."""
    by_path = {e.proposal.path: e for e in entries}
    shown = [by_path[n.path] for n in graph.nodes]
    pages = {e.proposal.path: NodePage(e.page, e.status_text, e.status_key) for e in shown}
    return {
        "picture": svg(lay_out(graph), pages),
        "nodes": graph.nodes,
        "groups": len(components(graph)),
        "kinds": [(kind, name) for kind, name in KIND_NAMES.items()],
        "closed": closed,
        "edges": [
            (by_path[e.source], KIND_NAMES.get(e.kind, e.kind), by_path[e.target])
            for e in graph.edges
        ],
    }
