"""Fuzzing: real proposals, mutated the ways broken files are broken, never crash rfcdesk.

Each example takes one real file from the corpora, mutates it (flipped bytes, truncation,
NUL bytes, invalid UTF-8, mixed line ends, deep nesting in Markdown, reST and YAML, one
huge line, YAML alias bombs and tags), and runs `check`, `list` and `build` on a folder
holding it. Every run must end with exit 0, 1 or 2: a finding or a clear error, never a
traceback. Derandomized, so CI runs the same examples every time; a failure found once is
kept below as an `@example`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import CORPORA
from rfcdesk import cli

# (corpus, scheme, the file as the corpus holds it, where it goes in the fuzzed folder)
SOURCES = [
    ("ksql", "klip", "klip-10-suppress.md", "klip-10-suppress.md"),
    ("peps", "pep", "pep-0012.rst", "pep-0012.rst"),
    ("eips", "eip", "eip-1.md", "eip-1.md"),
    ("swift-evolution", "swift-evolution", "0001-keywords-as-argument-labels.md", "0001-x.md"),
    ("rust-rfcs", "rust-rfc", "0002-rfc-process.md", "0002-rfc-process.md"),
    (
        "keps",
        "kep",
        "sig-docs/1326-third-party-content-in-docs/kep.yaml",
        "sig-docs/1326-x/kep.yaml",
    ),
]


def _nest(kind: str, depth: int) -> bytes:
    if kind == "markdown-list":
        return ("- " * depth + "x\n").encode()
    if kind == "markdown-quote":
        return ("> " * depth + "x\n").encode()
    if kind == "rst-list":
        return "".join("  " * i + "- x\n\n" for i in range(depth)).encode()
    return ("deep: " + "[" * depth + "]" * depth + "\n").encode()  # YAML


_ALIAS_BOMB = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
    for i in range(8)
)


def _mutate(data: bytes, mutation: str, at: float, size: int) -> bytes:
    where = int(at * len(data))
    if mutation == "flip":
        out = bytearray(data)
        for step in range(size % 16 + 1):
            spot = (where + step * 7919) % max(len(out), 1)
            if out:
                out[spot] ^= 0xFF
        return bytes(out)
    if mutation == "truncate":
        return data[:where]
    if mutation == "nul":
        return data[:where] + b"\x00" * (size % 8 + 1) + data[where:]
    if mutation == "bad-utf8":
        return data[:where] + b"\xc3\x28\xff\xfe" + data[where:]
    if mutation == "line-ends":
        return data.replace(b"\n", b"\r\n", size % 5).replace(b"\n\n", b"\r\r", 1)
    if mutation == "huge-line":
        return data[:where] + b"y" * (200_000 + size) + data[where:]
    if mutation == "alias-bomb":
        return b"---\n" + _ALIAS_BOMB + b"---\n" + data
    if mutation == "yaml-tag":
        return b"---\ntitle: !!python/object/apply:os.system [echo hi]\nx: !custom 1\n---\n" + data
    kind = mutation.removeprefix("deep-")
    return data[:where] + b"\n" + _nest(kind, 200 + size) + data[where:]


MUTATIONS = [
    "flip",
    "truncate",
    "nul",
    "bad-utf8",
    "line-ends",
    "huge-line",
    "alias-bomb",
    "yaml-tag",
    "deep-markdown-list",
    "deep-markdown-quote",
    "deep-rst-list",
    "deep-yaml",
]


def _fuzzed_folder(base: Path, source: int, mutation: str, at: float, size: int) -> Path:
    corpus, _scheme, path, name = SOURCES[source]
    original = (CORPORA / corpus / path).read_bytes()
    folder = Path(tempfile.mkdtemp(prefix=f"case-{source}-{mutation}-", dir=base))
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_mutate(original, mutation, at, size))
    if name.endswith("kep.yaml"):
        readme = CORPORA / corpus / path.replace("kep.yaml", "README.md")
        (target.parent / "README.md").write_bytes(readme.read_bytes())
    return folder


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"../shared/corpora is not beside the project (looked in {CORPORA})")
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    source=st.integers(0, len(SOURCES) - 1),
    mutation=st.sampled_from(MUTATIONS),
    at=st.floats(0, 1),
    size=st.integers(0, 3000),
)
# Crashes found before: a reST list 300 deep (RecursionError in docutils), a Markdown code
# block holding a 400-deep reST list (RecursionError in the highlighter).
@example(source=1, mutation="deep-rst-list", at=0.5, size=100)
@example(source=0, mutation="deep-rst-list", at=1.0, size=200)
@example(source=2, mutation="alias-bomb", at=0.0, size=0)
@example(source=5, mutation="deep-yaml", at=0.5, size=3000)
def test_mutated_proposals_never_crash(
    workspace: Path, source: int, mutation: str, at: float, size: int
) -> None:
    folder = _fuzzed_folder(workspace, source, mutation, at, size)
    scheme = SOURCES[source][1]
    runner = CliRunner()
    for args in (
        ["check", "--scheme", scheme, str(folder)],
        ["list", "--scheme", scheme, "--format", "json", str(folder)],
        [
            "build",
            "--scheme",
            scheme,
            str(folder),
            "-o",
            str(folder.parent / f"{folder.name}-site"),
        ],
    ):
        result = runner.invoke(cli.main, args)
        # CliRunner holds what escaped the command; exit 0 leaves nothing there.
        escaped = result.exception
        assert escaped is None or isinstance(escaped, SystemExit), (args, escaped, result.output)
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
