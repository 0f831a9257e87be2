"""`rfcdesk graph`: the relation graph of a small folder of decision records, as dot,
Mermaid and JSON, each expected output written by hand."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, write_files
from rfcdesk.read.folder import open_folder
from rfcdesk.read.relations import Edge, Graph, Node, relation_graph
from rfcdesk.read.settings import load_config
from rfcdesk.report.graph import dot, graph_data, json_text, mermaid, mermaid_names
from support import run

# A scheme of our own: decision records whose fields say what they relate.
SCHEME = """[scheme]
name = "decision"
description = "Decision records: dr-N-slug.md, **Field**: value lines"

[scheme.files]
pattern = '^dr-(?P<id>\\d+)-(?P<slug>.+)\\.md$'
format = "dr-{id}-{slug}.md"
id_kind = "number"
id_label = "DR-{id}"

[scheme.title]
pattern = '^DR-(?P<id>\\d+):\\s*(?P<title>.*)$'

[scheme.metadata]
style = "inline"

[[scheme.fields]]
name = "Status"
required = true
kind = "status"

[[scheme.fields]]
name = "Requires"
kind = "proposal"
relation = "requires"

[[scheme.fields]]
name = "Replaces"
kind = "proposal"
relation = "replaces"

[[scheme.fields]]
name = "Superseded by"
kind = "proposal"
relation = "superseded-by"

[[scheme.fields]]
name = "See also"
kind = "proposal"
relation = "see-also"

[[scheme.statuses]]
name = "Proposed"

[[scheme.statuses]]
name = "Accepted"
terminal = true

[[scheme.statuses]]
name = "Rejected"
terminal = true

[[scheme.statuses]]
name = "Superseded"
terminal = true

[scheme.workflow]
initial = "Proposed"
accepted = ["Accepted"]
"""


def record(n: int, title: str, status: str, *fields: str) -> str:
    lines = "".join(f"{f}\n" for f in fields)
    return f"# DR-{n}: {title}\n\n**Status**: {status}\n{lines}\n## Context\n\nWhy.\n"


# DR-1 says it is superseded by DR-4 and DR-4 that it replaces DR-1: one edge. DR-2 and DR-4
# see each other: one edge, from the first to say it. DR-3 names none and none names it: no
# node. DR-9 does not exist: not drawn. Titles hold what each format must escape.
FILES = {
    "rfcdesk.toml": SCHEME,
    "dr-1-base.md": record(1, 'Base "Protocol" [v1]', "Superseded", "**Superseded by**: DR-4"),
    "dr-2-pipes.md": record(
        2, "Streams & Pipes: a < b", "Accepted", "**Requires**: DR-1", "**See also**: DR-4"
    ),
    "dr-3-alone.md": record(3, "Alone", "Proposed"),
    "dr-4-base-again.md": record(
        4,
        "Base Protocol, Second Edition (C# and F#)",
        "Accepted",
        "**Replaces**: DR-1",
        "**See also**: DR-2",
    ),
    "dr-5-idea.md": record(5, "A Rejected Idea", "Rejected", "**Requires**: DR-4, DR-9"),
    "dr-6-paths.md": record(
        6, "Paths like C:\\new", "Proposed", "**See also**: [DR-2](dr-2-pipes.md)"
    ),
    "dr-7-end.md": record(7, "end", "Proposed", "**Requires**: DR-6"),
}

DOT = r"""// requires: solid; replaces: bold; see-also: dashed, no arrowhead; grey: closed
digraph relations {
  node [shape=box, fontname="sans-serif"];
  "dr-1-base.md" [label="DR-1\nBase \"Protocol\" [v1]", tooltip="Superseded", color=gray60, fontcolor=gray45];
  "dr-2-pipes.md" [label="DR-2\nStreams & Pipes: a < b", tooltip="Accepted"];
  "dr-4-base-again.md" [label="DR-4\nBase Protocol, Second\nEdition (C# and F#)", tooltip="Accepted"];
  "dr-5-idea.md" [label="DR-5\nA Rejected Idea", tooltip="Rejected", color=gray60, fontcolor=gray45];
  "dr-6-paths.md" [label="DR-6\nPaths like C:\\new", tooltip="Proposed"];
  "dr-7-end.md" [label="DR-7\nend", tooltip="Proposed"];
  "dr-2-pipes.md" -> "dr-1-base.md" [class="requires"];
  "dr-2-pipes.md" -> "dr-4-base-again.md" [class="see-also", style=dashed, dir=none];
  "dr-4-base-again.md" -> "dr-1-base.md" [class="replaces", style=bold];
  "dr-5-idea.md" -> "dr-4-base-again.md" [class="requires"];
  "dr-6-paths.md" -> "dr-2-pipes.md" [class="see-also", style=dashed, dir=none];
  "dr-7-end.md" -> "dr-6-paths.md" [class="requires"];
}
"""

MERMAID = r"""flowchart TB
  %% requires: -->, replaces: ==>, see-also: -.-; grey: closed
  p_dr_1_base_md["DR-1: Base #34;Protocol#34; [v1]"]
  p_dr_2_pipes_md["DR-2: Streams #38; Pipes: a #60; b"]
  p_dr_4_base_again_md["DR-4: Base Protocol, Second Edition (C#35; and F#35;)"]
  p_dr_5_idea_md["DR-5: A Rejected Idea"]
  p_dr_6_paths_md["DR-6: Paths like C:#92;new"]
  p_dr_7_end_md["DR-7: end"]
  p_dr_2_pipes_md --> p_dr_1_base_md
  p_dr_2_pipes_md -.- p_dr_4_base_again_md
  p_dr_4_base_again_md ==> p_dr_1_base_md
  p_dr_5_idea_md --> p_dr_4_base_again_md
  p_dr_6_paths_md -.- p_dr_2_pipes_md
  p_dr_7_end_md --> p_dr_6_paths_md
  classDef closed fill:#eeeeee,stroke:#999999,color:#666666
  class p_dr_1_base_md,p_dr_5_idea_md closed
"""


def node(path: str, label: str, title: str, status: str, closed: bool = False) -> dict[str, object]:
    return {"path": path, "id": label, "title": title, "status": status, "closed": closed}


def edge(source: str, kind: str, target: str) -> dict[str, str]:
    return {"source": source, "kind": kind, "target": target}


DATA = {
    "nodes": [
        node("dr-1-base.md", "DR-1", 'Base "Protocol" [v1]', "Superseded", closed=True),
        node("dr-2-pipes.md", "DR-2", "Streams & Pipes: a < b", "Accepted"),
        node("dr-4-base-again.md", "DR-4", "Base Protocol, Second Edition (C# and F#)", "Accepted"),
        node("dr-5-idea.md", "DR-5", "A Rejected Idea", "Rejected", closed=True),
        node("dr-6-paths.md", "DR-6", "Paths like C:\\new", "Proposed"),
        node("dr-7-end.md", "DR-7", "end", "Proposed"),
    ],
    "edges": [
        edge("dr-2-pipes.md", "requires", "dr-1-base.md"),
        edge("dr-2-pipes.md", "see-also", "dr-4-base-again.md"),
        edge("dr-4-base-again.md", "replaces", "dr-1-base.md"),
        edge("dr-5-idea.md", "requires", "dr-4-base-again.md"),
        edge("dr-6-paths.md", "see-also", "dr-2-pipes.md"),
        edge("dr-7-end.md", "requires", "dr-6-paths.md"),
    ],
}
NOTE_MISSING = (
    "rfcdesk: not drawn: 1 reference to no proposal in this folder "
    "(`rfcdesk check --select R001` says where)\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_files(tmp_path / "decisions", FILES)


@pytest.fixture
def graph(folder: Path) -> Graph:
    opened = open_folder(load_config(folder))
    return relation_graph(opened.scheme, opened.proposals)


def test_dot(graph: Graph) -> None:
    assert dot(graph) == DOT


def test_mermaid(graph: Graph) -> None:
    assert mermaid(graph) == MERMAID


def test_json(graph: Graph) -> None:
    assert graph_data(graph) == DATA
    # The keys in the documented order, two spaces of indent, text as written.
    assert json_text(graph) == json.dumps(DATA, indent=2, ensure_ascii=False) + "\n"
    assert '"title": "Streams & Pipes: a < b"' in json_text(graph)


def test_graphviz_reads_the_dot(graph: Graph) -> None:
    program = shutil.which("dot")
    if program is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    done = subprocess.run(
        [program, "-Tsvg"], input=dot(graph), capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    # Graphviz names each node and edge in a <title> (in an order of its own): the paths,
    # the quotes undone.
    pieces = done.stdout.split("<title>")[2:]  # the first is the graph's
    titles = [p.split("</title>", 1)[0].replace("&#45;", "-").replace("&gt;", ">") for p in pieces]
    assert sorted(titles) == [
        "dr-1-base.md",
        "dr-2-pipes.md",
        "dr-2-pipes.md->dr-1-base.md",
        "dr-2-pipes.md->dr-4-base-again.md",
        "dr-4-base-again.md",
        "dr-4-base-again.md->dr-1-base.md",
        "dr-5-idea.md",
        "dr-5-idea.md->dr-4-base-again.md",
        "dr-6-paths.md",
        "dr-6-paths.md->dr-2-pipes.md",
        "dr-7-end.md",
        "dr-7-end.md->dr-6-paths.md",
    ]
    assert "Paths like C:\\new" in done.stdout  # the backslash kept, not a line break


def test_mermaid_names_are_safe_and_distinct() -> None:
    nodes = (
        Node("a-b.md", None, None, None, False),
        Node("a_b.md", None, None, None, False),
        Node("end", None, None, None, False),
    )
    graph = Graph(nodes, (Edge("a-b.md", "requires", "a_b.md"), Edge("end", "see-also", "a-b.md")))
    assert mermaid_names(graph) == {"a-b.md": "p_a_b_md", "a_b.md": "p_a_b_md_2", "end": "p_end"}
    # A proposal with no id is labelled with its path.
    assert mermaid(graph).splitlines()[2:5] == [
        '  p_a_b_md["a-b.md"]',
        '  p_a_b_md_2["a_b.md"]',
        '  p_end["end"]',
    ]


def test_the_command_prints_dot_by_default(folder: Path) -> None:
    assert run(["graph"], folder) == (0, DOT + NOTE_MISSING)


@pytest.mark.parametrize(("name", "expected"), [("mermaid", MERMAID), ("dot", DOT)])
def test_the_command_prints_each_format(folder: Path, name: str, expected: str) -> None:
    assert run(["graph", str(folder), "--format", name], folder.parent) == (
        0,
        expected + NOTE_MISSING,
    )


def test_the_command_prints_json(folder: Path) -> None:
    code, out = run(["graph", "--format", "json"], folder)
    assert (code, out) == (0, json.dumps(DATA, indent=2, ensure_ascii=False) + "\n" + NOTE_MISSING)


def test_a_folder_with_no_relations_prints_an_empty_graph(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "decisions",
        {"rfcdesk.toml": SCHEME, "dr-1-a.md": record(1, "A", "Proposed")},
    )
    note = (
        f"rfcdesk: no proposal in {folder} names another (requires, replaces, "
        "superseded-by or see-also): the graph is empty\n"
    )
    empty_dot = (
        "// requires: solid; replaces: bold; see-also: dashed, no arrowhead; grey: closed\n"
        "digraph relations {\n}\n"
    )
    assert run(["graph"], folder) == (0, empty_dot + note)
    assert run(["graph", "--format", "json"], folder) == (
        0,
        '{\n  "nodes": [],\n  "edges": []\n}\n' + note,
    )
    assert run(["graph", "--format", "mermaid"], folder) == (
        0,
        "flowchart TB\n  %% requires: -->, replaces: ==>, see-also: -.-; grey: closed\n" + note,
    )


def test_an_unknown_format_is_a_usage_error(folder: Path) -> None:
    code, out = run(["graph", "--format", "svg"], folder)
    assert code == 2
    assert out.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'svg' is not one of 'dot', 'mermaid', 'json'."
    )


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("Short", "X-1\\nShort"),
        ("X-1", "X-1"),  # a title that only repeats the label
        # 34 characters fit one line of 36.
        ("Thirty-four characters on one line", "X-1\\nThirty-four characters on one line"),
        # 66 characters: two lines of about the same length, not 36 and a lone word.
        (
            "One Very Long Title That Has To Be Broken Over Three Lines Of Text",
            "X-1\\nOne Very Long Title That Has To Be\\nBroken Over Three Lines Of Text",
        ),
    ],
)
def test_a_dot_label_wraps_the_title_in_even_lines(title: str, label: str) -> None:
    graph = Graph(
        (Node("a.md", "X-1", title, None, False), Node("b.md", "X-2", None, None, False)),
        (Edge("a.md", "requires", "b.md"),),
    )
    assert dot(graph).splitlines()[3] == f'  "a.md" [label="{label}", tooltip="no status"];'


def test_the_readme_shows_what_graph_prints_for_the_decisions_example() -> None:
    code, out = run(["graph", "examples/decisions", "--format", "mermaid"], ROOT)
    assert (code, out.splitlines()[:2]) == (
        0,
        ["flowchart TB", "  %% requires: -->, replaces: ==>, see-also: -.-; grey: closed"],
    )
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"$ rfcdesk graph examples/decisions --format mermaid\n{out}```" in readme
    assert f"```mermaid\n{out}```" in readme
    # The example is a clean folder: its relations agree on both sides.
    assert run(["check", "examples/decisions"], ROOT) == (
        0,
        "5 proposals checked: no problems found.\n",
    )
