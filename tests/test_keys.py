"""Every corpus, laid out as its repository has it and read from the top with no settings,
against a key written by hand: the proposals found, their statuses and their titles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import NO_BUILTINS, folder_settings
from rfcdesk.scheme.model import fold
from support import EARLIER_CORPORA, NEW_CORPORA, KeyRow, clone, lay_out, read_key

FOUND = 0.99  # of the key's proposals, found
AGREE = 0.97  # of statuses, and of titles, equal to the key
# Files rfcdesk takes for proposals where the key says otherwise, each with the reason it
# is left: asserted exactly, so that a fix, or a new difference, shows.
KNOWN_EXTRA = {
    # A "technical specification" beside the design it details, with its own Owners line:
    # nothing in the folder (no index entry, no link to it) tells it from a design.
    "dotnet-designs": [
        "accepted/2021/signed-package-verification/"
        "re-enable-signed-package-verification-technical.md"
    ],
}


def title_key(title: str | None) -> str:
    """A title compared as words: case, markup characters and runs of space ignored."""
    return fold(re.sub(r"[*_`]", "", title or ""))


class Reading(NamedTuple):
    found: dict[str, tuple[str, str]]  # corpus-relative path -> (status, title) as read
    status_written: set[str]  # paths whose status field holds something


def read_top(corpus: str, top: Path) -> Reading:
    """What rfcdesk reads from the top of the laid-out repository, paths as in the corpus."""
    place = lay_out(corpus, top)
    config = folder_settings(top, quiet=True)
    folder = open_folder(config, use_cache=False)
    prefix = folder.root.relative_to(top).as_posix()
    found: dict[str, tuple[str, str]] = {}
    written = set()
    for proposal in folder.proposals:
        path = proposal.path if prefix == "." else f"{prefix}/{proposal.path}"
        if place:
            path = path.removeprefix(place + "/") if path.startswith(place + "/") else "../" + path
        found[path] = (proposal.status or "", proposal.title or "")
        if (field := folder.scheme.status_field(proposal)) is not None and field.value:
            written.add(path)
    return Reading(found, written)


def agreement(key: list[KeyRow], reading: Reading) -> tuple[float, float, float, list[str]]:
    """Shares of the key found, of statuses equal, of titles equal; and the differences."""
    rows = [r for r in key if r.file in reading.found]
    differences = [f"missing {r.file}" for r in key if r.file not in reading.found]
    statuses = titles = 0
    for row in rows:
        status, title = reading.found[row.file]
        want = "" if row.status == "?" else row.status
        if fold(status) == fold(want):
            statuses += 1
        else:
            differences.append(f"status {row.file}: {status!r}, key {row.status!r}")
        if title_key(title) == title_key(row.title):
            titles += 1
        else:
            differences.append(f"title {row.file}: {title!r}, key {row.title!r}")
    keyed = {r.file for r in key}
    differences += [f"not a proposal: {p}" for p in sorted(set(reading.found) - keyed)]
    count = max(len(rows), 1)
    return len(rows) / max(len(key), 1), statuses / count, titles / count, differences


@pytest.mark.parametrize("corpus", NEW_CORPORA + EARLIER_CORPORA)
def test_first_run_reads_the_key(corpus: str, corpora: Path, tmp_path: Path) -> None:
    del corpora
    key = read_key(corpus)
    reading = read_top(corpus, tmp_path / corpus)
    found, statuses, titles, differences = agreement(key, reading)
    extra = [d.removeprefix("not a proposal: ") for d in differences if d.startswith("not a")]
    report = "\n".join(differences[:40])
    assert found >= FOUND, report
    assert extra == KNOWN_EXTRA.get(corpus, []), report
    assert statuses >= AGREE, report
    assert titles >= AGREE, report


@pytest.mark.parametrize("corpus", EARLIER_CORPORA)
def test_inference_reads_what_the_built_in_reads(
    corpus: str, corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del corpora
    built_in = read_top(corpus, tmp_path / "built-in").found
    monkeypatch.setenv(NO_BUILTINS, "1")
    inferred = read_top(corpus, tmp_path / "inferred").found
    assert sorted(inferred) == sorted(built_in)
    statuses = [p for p, (status, _title) in built_in.items() if status]
    titles = [p for p, (_status, title) in built_in.items() if title]
    same_status = [p for p in statuses if fold(inferred[p][0]) == fold(built_in[p][0])]
    same_title = [p for p in titles if title_key(inferred[p][1]) == title_key(built_in[p][1])]
    assert len(same_status) >= AGREE * len(statuses)
    assert len(same_title) >= AGREE * len(titles)


def test_check_at_the_top_of_the_ksql_repository_is_check_of_its_proposals(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    top = clone(tmp_path_factory, "ksql-history.bundle")
    pointed = subprocess.run(
        [sys.executable, "-m", "rfcdesk", "check", "design-proposals"],
        cwd=top,
        capture_output=True,
        text=True,
    )
    at_top = subprocess.run(
        [sys.executable, "-m", "rfcdesk", "check"], cwd=top, capture_output=True, text=True
    )
    assert (at_top.returncode, at_top.stdout) == (pointed.returncode, pointed.stdout)
    assert pointed.returncode == 1
    # 97 warnings before the labels' classes were fixed (test_corpora: M003 -11, M011 -2,
    # L003 -2).
    assert pointed.stdout.endswith("47 proposals checked: 45 errors, 82 warnings.\n")
    assert at_top.stderr == (
        "rfcdesk: the klip scheme fits 47 of 47 documents in design-proposals/; "
        "`rfcdesk init` keeps it\n"
    )
