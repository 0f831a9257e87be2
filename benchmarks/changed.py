"""Time changed-files mode where CI runs it: one proposal edited on a branch of a repository
holding the synthetic folder, `check --changed-since main`, warm and in a fresh clone whose
cache was restored from another clone.

    python -m benchmarks.changed [--size 10000] [--data DIR]

Each measurement is a fresh child process, as in `benchmarks.run`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.run import DEFAULT_DATA, ensure_folder, measure

GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def _branch_with_one_edit(origin: Path, target: Path) -> Path:
    """A clone of `origin` on a branch that edits one proposal; its folder."""
    _git(origin.parent, "clone", "-q", str(origin), str(target))
    _git(target, "checkout", "-q", "-b", "edit")
    doc = next((target / "proposals").glob("klip-1-*.md"))
    doc.write_text(doc.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    _git(target, "commit", "-qam", "edit one proposal")
    return target / "proposals"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    folder = ensure_folder(args.data, args.size)
    with tempfile.TemporaryDirectory(prefix="rfcdesk-changed-") as scratch:
        base = Path(scratch)
        origin = base / "origin"
        shutil.copytree(folder, origin / "proposals")
        _git(base, "init", "-q", "-b", "main", str(origin))
        _git(origin, "add", "-A")
        _git(origin, "commit", "-qm", "proposals")
        log = base / "stderr.log"
        first = _branch_with_one_edit(origin, base / "first")
        cache = base / "cache"
        env = {**os.environ, "RFCDESK_CACHE_DIR": str(cache)}
        changed = ["check", "--changed-since", "main"]
        rows = [("full check, cold", measure(["check", str(first)], env, log))]
        rows.append(("changed, warm", measure([*changed, str(first)], env, log)))
        # Another clone at another path: every mtime new, the cache restored from the first.
        second = _branch_with_one_edit(origin, base / "elsewhere" / "second")
        restored = base / "restored"
        shutil.copytree(cache, restored)
        env_restored = {**os.environ, "RFCDESK_CACHE_DIR": str(restored)}
        rows.append(("changed, restored", measure([*changed, str(second)], env_restored, log)))
        empty = {**os.environ, "RFCDESK_CACHE_DIR": str(base / "none")}
        rows.append(("changed, no cache", measure([*changed, str(second)], empty, log)))
    print(f"{'size':>7}  {'run':<20} {'seconds':>8} {'peak MB':>8} {'exit':>5}")
    for label, result in rows:
        mb = result.peak_kb / 1024
        figures = f"{result.seconds:>8.2f} {mb:>8.0f} {result.exit_code:>5}"
        print(f"{args.size:>7}  {label:<20} {figures}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
