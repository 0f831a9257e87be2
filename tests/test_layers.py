"""Imports go one way: cli -> commands -> site -> rules, edit, history, report -> read,
scheme -> edge -> model, errors. Commands never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "rfcdesk"
# Lowest first. A module may import modules of its own layer or of a lower one.
LAYERS = (
    ("rfcdesk", "rfcdesk.errors", "rfcdesk.model", "rfcdesk.scheme.model"),
    ("rfcdesk.edge",),
    ("rfcdesk.scheme", "rfcdesk.read"),
    ("rfcdesk.rules", "rfcdesk.edit", "rfcdesk.history", "rfcdesk.report"),
    ("rfcdesk.site",),
    ("rfcdesk.commands",),
    ("rfcdesk.cli", "rfcdesk.__main__"),
)


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """The layer of a module: the longest prefix named in LAYERS decides."""
    best, found = -1, -1
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, found = len(name), index
    assert found >= 0, f"{module} is in no layer"
    return found


def _imports(path: Path) -> set[str]:
    """Every rfcdesk module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "rfcdesk":
                found.update(f"rfcdesk.{alias.name}" for alias in node.names)
            elif node.module.startswith("rfcdesk."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rfcdesk"))
    return found


def _known(name: str) -> str:
    """`from rfcdesk import __version__` names the package, not a module."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return name if path.with_suffix(".py").exists() or path.is_dir() else name.rpartition(".")[0]


def test_imports_go_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        for imported in sorted(_known(i) for i in _imports(path)):
            if layer(imported) > layer(module):
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_commands_never_import_each_other() -> None:
    wrong = []
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        module = _module(path)
        for imported in sorted(_imports(path)):
            if imported.startswith("rfcdesk.commands") and imported != module:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_the_edge_imports_only_the_model_and_errors() -> None:
    allowed = {"rfcdesk", "rfcdesk.errors", "rfcdesk.model"}
    wrong = []
    for path in sorted((PACKAGE / "edge").glob("*.py")):
        for imported in sorted(_known(i) for i in _imports(path)):
            if imported not in allowed and not imported.startswith("rfcdesk.edge"):
                wrong.append(f"{_module(path)} imports {imported}")
    assert wrong == []


def test_the_layers_test_can_fail() -> None:
    assert layer("rfcdesk.read.folder") < layer("rfcdesk.rules.links")
    assert layer("rfcdesk.scheme.model") < layer("rfcdesk.edge.files")
    assert layer("rfcdesk.commands.check") > layer("rfcdesk.site.build")


def test_no_test_module_imports_another() -> None:
    wrong = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            wrong += [f"{path.name} imports {n}" for n in names if n.startswith("test_")]
    assert wrong == []
