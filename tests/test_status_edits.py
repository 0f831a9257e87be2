"""`rfcdesk status` changes the words that say the status and nothing else.

Expected lines are the real files' lines as read from the corpora, with the status words
exchanged by hand.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import write_files
from rfcdesk.commands import status as status_command
from rfcdesk.edit.text import status_value
from rfcdesk.errors import FatalError
from rfcdesk.scheme.load import resolve_scheme

SWIFT: dict[str, Any] = {"force": True, "scheme": "swift-evolution"}
SE_0001 = "0001-keywords-as-argument-labels.md"
SE_0225 = "0225-binaryinteger-iseven-isodd-ismultiple.md"
SE_0403 = "0403-swiftpm-mixed-language-targets.md"
SE_0510 = "0510-dictionary-mapvalues-with-keys.md"


@pytest.fixture
def swift(corpora: Path, tmp_path: Path) -> Path:
    """A few real Swift Evolution proposals, in a folder of their own."""
    folder = tmp_path / "swift-evolution"
    folder.mkdir()
    for name in (SE_0001, SE_0225, SE_0403, SE_0510):
        shutil.copyfile(corpora / "swift-evolution" / name, folder / name)
    return folder


def _status(folder: Path, wanted: str, status: str, options: dict[str, Any] = SWIFT) -> str:
    out = io.StringIO()
    assert status_command.run(status_command.Options(wanted, status, folder, **options), out) == 0
    return out.getvalue()


def _swap(data: bytes, old: str, new: str) -> bytes:
    """`data` with its one line `old` replaced by `new`."""
    assert data.count(old.encode()) == 1
    return data.replace(old.encode(), new.encode())


@pytest.mark.parametrize(
    ("wanted", "path", "typed"),
    [
        ("SE-0001", SE_0001, "Implemented"),
        ("SE-0001", SE_0001, "implemented"),
        ("SE-0001", SE_0001, "Implemented (Swift 2.2)"),
        ("SE-0225", SE_0225, "Implemented"),
        ("SE-0403", SE_0403, "Returned for revision"),
        ("SE-0510", SE_0510, "Accepted"),
    ],
)
def test_the_status_already_written_changes_nothing(
    swift: Path, wanted: str, path: str, typed: str
) -> None:
    before = (swift / path).read_bytes()
    status = _canonical(typed)
    assert _status(swift, wanted, typed) == f"{wanted}: {status} -> {status} (nothing changed)\n"
    assert (swift / path).read_bytes() == before


def _canonical(typed: str) -> str:
    scheme = resolve_scheme("swift-evolution", None)
    assert scheme is not None
    status = scheme.canonical_status(typed)
    assert status is not None
    return status


def test_another_spelling_of_the_same_status_keeps_the_document_and_fixes_the_index(
    corpora: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ksql"
    shutil.copytree(corpora / "ksql", folder)
    klip = folder / "klip-27-enhanced-udf-configuration-options.md"
    before, index = klip.read_bytes(), (folder / "README.md").read_bytes()
    assert b"**Status**: _Approved_ | \n" in before
    _status(folder, "27", "Design Approved", {})
    assert klip.read_bytes() == before
    # The index said Proposal; it now says what the document says.
    row = next(x for x in index.split(b"\n") if b"[KLIP-27:" in x)
    fixed = row.replace(b"| Proposal |", b"| Approved |")
    assert (folder / "README.md").read_bytes() == index.replace(row, fixed)


@pytest.mark.parametrize(
    ("wanted", "path", "typed", "old", "new"),
    [
        # The version belongs to Implemented.
        (
            "SE-0001",
            SE_0001,
            "Rejected",
            "* Status: **Implemented (Swift 2.2)**\n",
            "* Status: **Rejected**\n",
        ),
        # So does the remark after the bold words.
        (
            "SE-0225",
            SE_0225,
            "Rejected",
            "* Status: **Implemented (Swift 5.0)** (with modifications, see Implementation "
            "Notes)\n",
            "* Status: **Rejected**\n",
        ),
        # "with modifications" qualified the acceptance.
        (
            "SE-0510",
            SE_0510,
            "Implemented",
            "* Status: **Accepted with modifications**\n",
            "* Status: **Implemented**\n",
        ),
        # Typed with detail: written as typed; the remark stays with its status.
        (
            "SE-0225",
            SE_0225,
            "Implemented (Swift 5.1)",
            "* Status: **Implemented (Swift 5.0)** (with modifications, see Implementation "
            "Notes)\n",
            "* Status: **Implemented (Swift 5.1)** (with modifications, see Implementation "
            "Notes)\n",
        ),
        (
            "SE-0001",
            SE_0001,
            "Accepted with revisions",
            "* Status: **Implemented (Swift 2.2)**\n",
            "* Status: **Accepted with revisions**\n",
        ),
        # A case of the user's own is kept.
        (
            "SE-0510",
            SE_0510,
            "Returned for Revision",
            "* Status: **Accepted with modifications**\n",
            "* Status: **Returned for Revision**\n",
        ),
    ],
)
def test_a_move_rewrites_only_the_status_line(
    swift: Path, wanted: str, path: str, typed: str, old: str, new: str
) -> None:
    before = (swift / path).read_bytes()
    _status(swift, wanted, typed)
    assert (swift / path).read_bytes() == _swap(before, old, new)


@pytest.mark.parametrize(
    ("path", "typed"),
    [
        (SE_0001, "Implemented (Swift 2.2)"),
        (SE_0225, "**Implemented (Swift 5.0)** (with modifications, see Implementation Notes)"),
        (SE_0403, "Returned for Revision"),
        (SE_0510, "Accepted with modifications"),
    ],
)
def test_the_value_as_written_sets_the_detail_back(swift: Path, path: str, typed: str) -> None:
    before = (swift / path).read_bytes()
    for status in ("Withdrawn", "Awaiting review", typed):
        _status(swift, path, status)
    assert (swift / path).read_bytes() == before


KEP_5325 = "sig-autoscaling/5325-hpa-pod-selection-accuracy"


def test_a_kep_moves_in_its_kep_yaml(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "keps"
    shutil.copytree(corpora / "keps" / KEP_5325, folder / KEP_5325)
    monkeypatch.chdir(folder)  # paths in the report are relative to where rfcdesk runs
    readme, sidecar = folder / KEP_5325 / "README.md", folder / KEP_5325 / "kep.yaml"
    text, fields = readme.read_bytes(), sidecar.read_bytes()
    out = _status(folder, "KEP-5325", "implemented", {"scheme": "kep"})
    assert out == f"KEP-5325: implementable -> implemented ({KEP_5325}/kep.yaml)\n"
    # The comment after the value stays; the document is not touched.
    old = "status: implementable #|implementable|implemented|deferred|rejected|withdrawn|replaced"
    new = "status: implemented #|implementable|implemented|deferred|rejected|withdrawn|replaced"
    assert sidecar.read_bytes() == _swap(fields, old, new)
    assert readme.read_bytes() == text
    written = io.StringIO()
    dry_run = status_command.Options(
        "KEP-5325", "withdrawn", folder, force=True, dry_run=True, scheme="kep"
    )
    assert status_command.run(dry_run, written) == 0
    assert written.getvalue().startswith(
        f"--- a/{KEP_5325}/kep.yaml\n+++ b/{KEP_5325}/kep.yaml\n@@ -5,7 +5,7 @@\n"
    )


KEP_YAML = """title: Quoted values
kep-number: 9
authors:
  - "@ada"
owning-sig: sig-docs
{status}creation-date: 2024-01-31
reviewers:
  - "@grace"
"""


def _kep(tmp_path: Path, status: str) -> Path:
    return write_files(
        tmp_path / "keps",
        {
            "sig-docs/9-quoted/README.md": "# KEP-9: Quoted values\n\n## Summary\n\nWhy.\n",
            "sig-docs/9-quoted/kep.yaml": KEP_YAML.format(status=status),
        },
    )


@pytest.mark.parametrize(
    ("line", "typed", "expected"),
    [
        ('status: "provisional"\n', "implementable", 'status: "implementable"\n'),
        ("status: 'provisional'\n", "implementable", "status: 'implementable'\n"),
        ('status: "provisional" # why\n', "deferred", 'status: "deferred" # why\n'),
        ("status:   provisional  \n", "implementable", "status:   implementable  \n"),
        ('status: "provisional"\n', "Provisional", 'status: "provisional"\n'),
    ],
)
def test_a_yaml_value_keeps_its_quotes_and_comment(
    tmp_path: Path, line: str, typed: str, expected: str
) -> None:
    folder = _kep(tmp_path, line)
    _status(folder, "KEP-9", typed, {"scheme": "kep"})
    sidecar = folder / "sig-docs/9-quoted/kep.yaml"
    assert sidecar.read_bytes() == KEP_YAML.format(status=expected).encode()


def test_a_kep_yaml_without_status_gets_a_line_at_its_end(tmp_path: Path) -> None:
    folder = _kep(tmp_path, "")
    readme = (folder / "sig-docs/9-quoted/README.md").read_bytes()
    _status(folder, "KEP-9", "provisional", {"force": True, "scheme": "kep"})
    sidecar = folder / "sig-docs/9-quoted/kep.yaml"
    assert sidecar.read_text("utf-8") == KEP_YAML.format(status="") + "status: provisional\n"
    assert (folder / "sig-docs/9-quoted/README.md").read_bytes() == readme


def test_a_yaml_value_over_several_lines_is_refused(tmp_path: Path) -> None:
    folder = _kep(tmp_path, "status:\n  provisional\n")
    before = (folder / "sig-docs/9-quoted/kep.yaml").read_bytes()
    with pytest.raises(FatalError) as raised:
        _status(folder, "KEP-9", "implementable", {"scheme": "kep"})
    assert str(raised.value) == (
        "sig-docs/9-quoted/kep.yaml: line 6: the value of `status` goes on over several lines; "
        "nothing was written"
    )
    assert (folder / "sig-docs/9-quoted/kep.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("scheme_name", "raw", "typed", "expected"),
    [
        ("klip", "_Merged_ | ", "In Discussion", "_In Discussion_ | "),
        # A document that writes statuses in lower case keeps doing so.
        ("klip", "_merged_ |", "Proposal", "_proposal_ |"),
        ("klip", "_merged_ |", "Merged", "_merged_ |"),
        ("klip", "_Discussion_ |", "In Discussion", "_Discussion_ |"),
        # A value that is no status is replaced whole, its wrappers kept.
        ("klip", "values: Merged, keys: Design Approved | ", "Merged", "Merged | "),
        ("klip", "", "Proposal", "Proposal"),
        (
            "swift-evolution",
            "**Awaiting review**",
            "Implemented (Swift 6)",
            "**Implemented (Swift 6)**",
        ),
        (
            "swift-evolution",
            "**Awaiting review**",
            "**Implemented (Swift 4.2)** (with modifications)",
            "**Implemented (Swift 4.2)** (with modifications)",
        ),
        (
            "swift-evolution",
            "**Implemented (Swift 6.2)** except for the amendment",
            "implemented",
            "**Implemented (Swift 6.2)** except for the amendment",
        ),
        (
            "swift-evolution",
            "**Implemented (Swift 6.2)** except for the amendment",
            "Implemented (Swift 6.3)",
            "**Implemented (Swift 6.3)** except for the amendment",
        ),
        (
            "swift-evolution",
            "**Active review (August 2–16, 2026)**",
            "Accepted",
            "**Accepted**",
        ),
    ],
)
def test_status_value(scheme_name: str, raw: str, typed: str, expected: str) -> None:
    scheme = resolve_scheme(scheme_name, None)
    assert scheme is not None
    assert status_value(scheme, raw, typed) == expected
