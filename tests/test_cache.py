"""The parse cache stays under its size limit, dropping what was used longest ago."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rfcdesk.edge import cache


def _file(folder: Path, name: str, size: int, age: int) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    os.utime(path, (1_700_000_000 + age, 1_700_000_000 + age))
    return path


def test_prune_removes_the_least_recently_used_until_under_the_limit(tmp_path: Path) -> None:
    _file(tmp_path, "a.pickle", 400, age=1)
    _file(tmp_path, "b.pickle", 400, age=3)
    _file(tmp_path, "c.pickle", 400, age=2)
    _file(tmp_path, "notes.txt", 5000, age=0)  # not ours: never touched
    cache.prune(tmp_path, 900)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pickle", "c.pickle", "notes.txt"]
    cache.prune(tmp_path, 400)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pickle", "notes.txt"]


def test_the_file_just_written_is_kept_even_over_the_limit(tmp_path: Path) -> None:
    old = _file(tmp_path, "old.pickle", 100, age=1)
    new = _file(tmp_path, "new.pickle", 1000, age=2)
    cache.prune(tmp_path, 500, keep=new)
    assert (old.exists(), new.exists()) == (False, True)


def test_loading_marks_a_file_as_used(tmp_path: Path) -> None:
    older = tmp_path / "older.pickle"
    newer = tmp_path / "newer.pickle"
    cache.save(older, {"k": 1})
    cache.save(newer, {"k": 2})
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    assert cache.load_any(older) == {"k": 1}  # used now: newer is now the older one
    cache.prune(tmp_path, older.stat().st_size)
    assert (older.exists(), newer.exists()) == (True, False)


def test_a_stat_is_trusted_only_when_the_file_has_been_still_for_two_seconds() -> None:
    now = 8_000_000_000
    assert cache.trusted_stat((10, 5_000_000_000), now) == (10, 5_000_000_000)
    assert cache.trusted_stat((10, 6_500_000_000), now) is None
    # A document and its sidecar: the more recent of the two decides.
    assert cache.trusted_stat((10, 1_000_000_000, 20, 7_000_000_000), now) is None
    assert cache.trusted_stat(None, now) is None


def test_a_stable_digest_does_not_depend_on_the_hash_seed() -> None:
    code = (
        "from rfcdesk.edge.cache import stable_digest;"
        "print(stable_digest({'k': frozenset({'alpha', 'beta', 'gamma', 'delta'}), 'n': (1, 2)}))"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
    assert cache.stable_digest({"k": frozenset({"alpha"})}) != cache.stable_digest({"k": "alpha"})
