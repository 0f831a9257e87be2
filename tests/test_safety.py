"""What users must be able to trust: no lost numbers, no half-written files, no overwrites."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from rfcdesk.edge.files import write_if_changed
from rfcdesk.edit.writer import FileChange, apply_changes
from rfcdesk.errors import FatalError
from support import git

RFCDESK = [sys.executable, "-m", "rfcdesk"]


def test_eight_concurrent_new_runs_get_eight_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "repo" / "klips"
    shutil.copytree(ROOT / "examples" / "klip", folder)
    git(tmp_path, "init", "-q", "-b", "main", str(tmp_path / "repo"))
    env = {**os.environ, "RFCDESK_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.Popen(
            [*RFCDESK, "new", f"Parallel Idea {n}", "--author", "Ada", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(8)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 8, outputs
    numbers = sorted(int(re.match(r"created KLIP-(\d+):", out)[1]) for out, _err in outputs)  # type: ignore[index]
    assert numbers == list(range(7, 15))
    files = sorted(p.name for p in folder.glob("klip-*-parallel-idea-*.md"))
    assert len(files) == 8
    readme = (folder / "README.md").read_text("utf-8")
    assert "Next KLIP number: **15**" in readme
    assert sum(1 for line in readme.splitlines() if "Parallel Idea" in line) == 8


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_bytes(b"one\n")
    second.write_bytes(b"two, edited by someone else\n")
    changes = [
        FileChange(first, b"one\n", b"ONE\n"),
        FileChange(second, b"two\n", b"TWO\n"),
    ]
    with pytest.raises(FatalError, match=r"b\.md: changed on disk since rfcdesk read it"):
        apply_changes(changes)
    assert first.read_bytes() == b"one\n"  # nothing of the set was written
    assert second.read_bytes() == b"two, edited by someone else\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


_WRITER = """
import sys
from pathlib import Path
from rfcdesk.edit.writer import FileChange, apply_changes
target = Path(sys.argv[1])
old = target.read_bytes()
print("ready", flush=True)
apply_changes([FileChange(target, old, bytes([0x6e]) * len(old))])
"""


def test_a_write_killed_midway_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    target = tmp_path / "big.md"
    old = b"o" * (64 * 1024 * 1024)
    new = b"n" * len(old)
    for attempt in range(12):
        target.write_bytes(old)
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE
        )
        assert writer.stdout is not None
        assert writer.stdout.readline() == b"ready\n"
        time.sleep(0.05 * attempt)  # from "just started" to "long since renamed"
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        data = target.read_bytes()
        assert data in (old, new), f"attempt {attempt}: a mix of old and new bytes"
        for leftover in tmp_path.glob(".big.md.*.rfcdesk-tmp"):
            leftover.unlink()  # a killed writer can leave its temporary file, never the target


def test_a_rename_that_fails_leaves_each_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_bytes(b"one\n")
    second.write_bytes(b"two\n")
    real_replace = os.replace
    calls: list[str] = []

    def failing_second(src: str, dst: str | Path) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr("rfcdesk.edit.writer.os.replace", failing_second)
    changes = [FileChange(first, b"one\n", b"ONE\n"), FileChange(second, b"two\n", b"TWO\n")]
    with pytest.raises(FatalError) as raised:
        apply_changes(changes)
    assert raised.value.message == (
        f"{second}: cannot write: No space left on device; it is as it was "
        f"(already written: {first})"
    )
    assert (first.read_bytes(), second.read_bytes()) == (b"ONE\n", b"two\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]  # no temporary files


def test_a_site_file_that_holds_its_bytes_is_not_written_again(tmp_path: Path) -> None:
    target = tmp_path / "p" / "same.html"
    assert write_if_changed(target, b"<p>a</p>") is True
    before = target.stat().st_mtime_ns
    assert write_if_changed(target, b"<p>a</p>") is False
    assert target.stat().st_mtime_ns == before
    assert write_if_changed(target, b"<p>b</p>") is True
    assert target.read_bytes() == b"<p>b</p>"
    assert [p.name for p in target.parent.iterdir()] == ["same.html"]  # no temporary file


def test_a_site_file_under_a_file_names_the_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "source").write_text("a file where a folder should be\n")
    blocked = tmp_path / "source" / "deeper" / "klip-1.md"
    with pytest.raises(FatalError) as raised:
        write_if_changed(blocked, b"text")
    assert raised.value.message == f"{blocked}: cannot write it: {tmp_path / 'source'} is a file"


def test_a_site_file_that_cannot_replace_its_target_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "page.html").mkdir()  # a folder where the page goes
    with pytest.raises(FatalError) as raised:
        write_if_changed(tmp_path / "page.html", b"<p>a</p>")
    assert raised.value.message == f"{tmp_path / 'page.html'}: cannot write it: Is a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
