"""Edits on the real corpora: every byte outside the edit stays, and the index drift is fixed."""

from __future__ import annotations

import difflib
import functools
import io
import os
import re
import shutil
from pathlib import Path

import pytest

from rfcdesk.commands import index as index_command
from rfcdesk.commands import status as status_command
from rfcdesk.commands.status import plan_move
from rfcdesk.edge.workers import parallel_map
from rfcdesk.edit.table import cells_of
from rfcdesk.edit.writer import apply_changes
from rfcdesk.errors import FatalError
from rfcdesk.read.folder import Folder, open_folder, parse_file
from rfcdesk.read.settings import load_config
from rfcdesk.scheme.model import Scheme


def _other_status(scheme: Scheme, current: str | None) -> str:
    return next(s.name for s in scheme.statuses if s.name != current)


def _status_line(data: bytes, line: int) -> bytes:
    return data.split(b"\n")[line - 1]


@pytest.mark.parametrize("corpus", ["ksql", "wescale"])
def test_set_a_status_and_set_it_back(corpora: Path, tmp_path: Path, corpus: str) -> None:
    folder = tmp_path / corpus
    shutil.copytree(corpora / corpus, folder)
    opened = open_folder(load_config(folder))
    scheme = opened.scheme
    spec = scheme.field_of_kind("status")
    assert spec is not None
    checked = {"restored": 0, "inserted": 0, "replaced": 0}
    index = folder / "README.md"
    for proposal in opened.proposals:
        path = folder / proposal.path
        original = path.read_bytes()
        index_before = index.read_bytes() if index.exists() else b""
        field = proposal.field(spec.name)
        target = _other_status(scheme, proposal.status)
        assert (
            status_command.run(
                status_command.Options(proposal.path, target, folder, force=True), io.StringIO()
            )
            == 0
        )
        moved = path.read_bytes()
        if field is not None and proposal.status is not None:
            back = field.value
            assert (
                status_command.run(
                    status_command.Options(proposal.path, back, folder, force=True), io.StringIO()
                )
                == 0
            )
            # Typed back as it was written; a spelling that is not the status's own
            # (`Approved` for Design Approved) is written the scheme's way, as check asks.
            status = proposal.status
            canonical = scheme.status_spelling(back) == status
            restored = (
                original if canonical else original.replace(back.encode(), status.encode(), 1)
            )
            assert path.read_bytes() == restored, proposal.path
            # The index changed at most on this proposal's own rows (where it disagreed).
            old_rows, new_rows = index_before.split(b"\n"), index.read_bytes().split(b"\n")
            assert len(old_rows) == len(new_rows)
            label = scheme.label(proposal.id or "").encode() + b":"
            assert all(label in b for a, b in zip(old_rows, new_rows, strict=True) if a != b), (
                proposal.path
            )
            checked["restored"] += 1
        elif field is None:
            # No status line: one was added (with a blank line when the file had no
            # fields at all); nothing else moved.
            old_lines, new_lines = original.split(b"\n"), moved.split(b"\n")
            matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
            ops = [op for op in matcher.get_opcodes() if op[0] != "equal"]
            added = [line for _op, _a, _b, c, d in ops for line in new_lines[c:d]]
            assert {op[0] for op in ops} == {"insert"}, proposal.path
            status_lines = [line for line in added if target.encode() in line]
            assert len(status_lines) == 1 and len(added) == (1 if proposal.fields else 2)
            checked["inserted"] += 1
        else:
            # A value that is no status (`values: Merged, keys: ...`) cannot be typed back:
            # only its line changed.
            old_lines, new_lines = original.split(b"\n"), moved.split(b"\n")
            differ = [
                i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b
            ]
            assert differ == [field.line - 1], proposal.path
            assert len(old_lines) == len(new_lines)
            checked["replaced"] += 1
    # ksql.expected.tsv: 44 KLIPs with a status, 2 without a Status field, 1 whose value is
    # no status at all; WeSQL-Scale dropped its Status lines in 2023.
    expected = {
        "ksql": {"restored": 44, "inserted": 2, "replaced": 1},
        "wescale": {"restored": 0, "inserted": 11, "replaced": 0},
    }
    assert checked == expected[corpus]


# Proposals whose status the corpus's built-in scheme reads (the counts of
# test_corpora_schemes.STATUS_COUNTS, established by reading the files), and those that
# cannot be set back: six KEPs say `status: replaced` with no `superseded-by` key in their
# kep.yaml, and the kep scheme requires one when a KEP moves to `replaced` (grep over
# `^status: replaced` and `^superseded-by` in every kep.yaml). The KLIPs, whose folder has
# an index, are round-tripped above through the command. The other corpora have no
# built-in scheme that reads a status in them.
# The KEP cloud-provider template folder (0000, provisional) is no proposal;
# `implemented (alpha)` is implemented with a note.
ROUND_TRIPS = {"peps": 735, "eips": 949, "swift-evolution": 569, "keps": 649}
NEEDS_SUPERSEDED_BY = {
    "keps": [
        "sig-auth/3130-kms-observability/kep.yaml",
        "sig-cloud-provider/2133-out-of-tree-credential-provider/kep.yaml",
        "sig-cluster-lifecycle/kubeadm/1177-kubeadm-with-kustomize/kep.yaml",
        "sig-multicluster/5339-clusterprofile-plugin-credentials/kep.yaml",
        "sig-network/536-topology-aware-routing/kep.yaml",
        "sig-storage/2451-service-account-token-volumes/kep.yaml",
    ]
}
# How many proposals of each corpus go through `rfcdesk status` itself (each call reads
# the folder again); every proposal goes through the same plan and writer, on one read of
# the folder, spread over the cores (a PEP takes a docutils parse per step).
COMMAND_SAMPLE = 6


def _files(root: Path) -> dict[str, bytes]:
    found = {}
    for top, _dirs, names in os.walk(root):
        for name in names:
            path = Path(top) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


@functools.cache
def _opened(root: Path) -> Folder:
    """The folder as first read, in this process (worker processes inherit or reread it)."""
    return open_folder(load_config(root))


def _written_statuses(opened: Folder) -> dict[str, str]:
    """Each proposal with a status the scheme reads: its status value as written."""
    spec = opened.scheme.field_of_kind("status")
    assert spec is not None
    written = {}
    for proposal in opened.proposals:
        field = proposal.field(spec.name)
        if proposal.status is not None and field is not None:
            written[proposal.path] = field.value
    return written


def _away_and_back(root: Path, item: tuple[str, str]) -> str | None:
    """Set another status on a proposal, then its status as written; why not, if refused."""
    path, back = item
    folder = _opened(root)
    scheme = folder.scheme
    proposal = next(p for p in folder.proposals if p.path == path)
    target = _other_status(scheme, proposal.status)
    changes = plan_move(folder, proposal, target, target)
    assert [c.path for c in changes] == [root / proposal.fields_path], path
    apply_changes(changes)
    moved = parse_file(root, path, scheme)
    assert moved.status == target, path
    try:
        changes = plan_move(folder, moved, back, scheme.canonical_status(back) or "")
    except FatalError as exc:
        return str(exc)
    apply_changes(changes)
    return None


@pytest.mark.parametrize("corpus", sorted(ROUND_TRIPS))
def test_every_status_set_away_and_back_is_byte_identical(
    corpora: Path, tmp_path: Path, corpus: str
) -> None:
    folder = tmp_path / corpus
    shutil.copytree(corpora / corpus, folder)
    original = _files(corpora / corpus)
    opened = _opened(folder)
    scheme = opened.scheme
    # Each move touches only its proposal's own files: proposals can move side by side.
    assert opened.index_table is None
    written = _written_statuses(opened)
    assert len(written) == ROUND_TRIPS[corpus]
    refused = NEEDS_SUPERSEDED_BY.get(corpus, [])
    by_path = {p.path: p for p in opened.proposals}

    # A sample through the command, which reads the folder for every call.
    sample = [path for path in sorted(written) if by_path[path].fields_path not in refused]
    for path in sample[:: len(sample) // COMMAND_SAMPLE][:COMMAND_SAMPLE]:
        proposal = by_path[path]
        target = _other_status(scheme, proposal.status)
        assert (
            status_command.run(
                status_command.Options(path, target, folder, force=True), io.StringIO()
            )
            == 0
        )
        assert (folder / proposal.fields_path).read_bytes() != original[proposal.fields_path]
        assert (
            status_command.run(
                status_command.Options(path, written[path], folder, force=True), io.StringIO()
            )
            == 0
        )
        for name in {proposal.path, proposal.fields_path}:
            assert (folder / name).read_bytes() == original[name], name

    # Every proposal, away and back.
    move = functools.partial(_away_and_back, folder)
    outcomes = dict(
        zip(written, parallel_map(move, list(written.items()), None, 200, 16), strict=True)
    )
    needs = sorted(by_path[path].fields_path for path, why in outcomes.items() if why)
    assert needs == refused
    assert all("needs the field `superseded-by`" in why for why in outcomes.values() if why)
    now = _files(folder)
    assert sorted(now) == sorted(original)  # no file created or left behind
    differ = sorted(name for name, data in now.items() if data != original[name])
    assert differ == refused  # left at the status they moved to
    restored = [path for path, why in outcomes.items() if why is None]
    assert len(restored) == ROUND_TRIPS[corpus] - len(refused)


def _releases(readme: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in readme.splitlines():
        cells = cells_of(line) if line.startswith("|") else []
        found = re.match(r"\[?KLIP-(\d+):", cells[0]) if len(cells) == 5 else None
        if found:
            rows[found[1]] = (cells[2], cells[3])
    return rows


def test_index_fixes_the_ksql_drift_and_keeps_release_columns(
    corpora: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ksql"
    shutil.copytree(corpora / "ksql", folder)
    before = (folder / "README.md").read_text("utf-8")
    out = io.StringIO()
    assert index_command.run(index_command.Options(folder, check=True), out) == 1
    diff = out.getvalue()
    assert "-Next KLIP number: **64**\n+Next KLIP number: **67**\n" in diff
    assert "-| [KLIP-1: Improve UDF Interfaces](klip-1-improve-udf-interfaces.md)" in diff
    assert (folder / "README.md").read_text("utf-8") == before  # --check wrote nothing

    assert index_command.run(index_command.Options(folder), io.StringIO()) == 0
    out = io.StringIO()
    assert index_command.run(index_command.Options(folder, check=True), out) == 0
    assert out.getvalue() == "README.md is up to date\n"
    after = (folder / "README.md").read_text("utf-8")
    old, new = _releases(before), _releases(after)
    assert len(old) == 63 and set(new) == set(old)
    assert new == old  # every hand-kept release cell is where it was
    # Statuses now come from the files: KLIP-1 says In Discussion, the old table Approved.
    line = next(x for x in after.splitlines() if "[KLIP-1:" in x)
    assert cells_of(line)[1] == "In Discussion"
    # Ids without a file keep their row, marked, with the dead link dropped.
    line = next(x for x in after.splitlines() if "KLIP-17:" in x)
    assert cells_of(line)[0] == "KLIP-17: Remove 'INSERT INTO' in favour of SQL Union *(no file)*"

    from rfcdesk.commands import check as check_command

    out = io.StringIO()
    assert (
        check_command.run(check_command.Options(folder, select=("I",), use_cache=False), out) == 0
    )
    assert out.getvalue() == "47 proposals checked: no problems found.\n"
