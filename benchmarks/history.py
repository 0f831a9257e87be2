"""Time `rfcdesk history` on real and synthetic git histories.

    python -m benchmarks.history [--proposals 10000] [--commits 50000] [--data DIR]

Three histories: ksqlDB's (cloned from ../shared/corpora, when it is there) and a synthetic
repository written with `git fast-import`: PROPOSALS proposals, COMMITS commits in all, each
commit after the first few changing one proposal (a status, a title or the text). Each is
timed cold (empty cache), cached (the same HEAD) and after one more commit.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from benchmarks.run import DEFAULT_DATA, ROOT, measure

STATUSES = ("Proposal", "In Discussion", "Design Approved", "In Development", "Merged")
WORDS = ("stream", "table", "join", "window", "cache", "query", "schema", "key", "pull", "push")
START = 1_500_000_000  # 2017-07-14, seconds since the epoch


def proposal_text(number: int, title: str, status: str, revision: int) -> bytes:
    body = "\n".join(
        f"Revision {revision} line {i}: the {WORDS[(number + i) % 10]} part." for i in range(12)
    )
    return (
        f"# KLIP-{number}: {title}\n\n**Author**: Bench |\n**Release Target**: 1.0 |\n"
        f"**Status**: {status} |\n**Discussion**: TBD\n\n**tl;dr:** Bench.\n\n"
        f"## Motivation and background\n\n{body}\n\n## Design\n\n{body}\n"
    ).encode()


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def fast_import_stream(proposals: int, commits: int, seed: int) -> Iterator[bytes]:
    """Commits for `git fast-import`: every proposal created, then one change per commit."""
    rng = random.Random(seed)
    state = {n: [f"Proposal {n}", 0, 0] for n in range(1, proposals + 1)}  # title, status, rev
    created_per_commit = max(1, proposals // max(1, commits // 5))
    made = 0
    for number in range(commits):
        when = START + number * 600
        lines = [b"commit refs/heads/main\n"]
        lines.append(b"author Bench <bench@example.org> %d +0000\n" % when)
        lines.append(b"committer Bench <bench@example.org> %d +0000\n" % when)
        if made < proposals:
            batch = range(made + 1, min(proposals, made + created_per_commit) + 1)
            made = batch[-1]
            lines.append(_data(b"add proposals"))
            for n in batch:
                title, status, rev = state[n]
                text = proposal_text(n, str(title), STATUSES[int(status)], int(rev))
                lines.append(b"M 100644 inline proposals/klip-%d-bench.md\n" % n)
                lines.append(_data(text))
        else:
            n = rng.randint(1, proposals)
            title, status, rev = state[n]
            change = rng.random()
            if change < 0.3 and int(status) < len(STATUSES) - 1:
                status = int(status) + 1
            elif change < 0.4:
                title = f"Proposal {n} revised {rev}"
            rev = int(rev) + 1
            state[n] = [title, status, rev]
            lines.append(_data(b"change KLIP-%d" % n))
            lines.append(b"M 100644 inline proposals/klip-%d-bench.md\n" % n)
            lines.append(_data(proposal_text(n, str(title), STATUSES[int(status)], int(rev))))
        yield b"".join(lines)


def ensure_repo(data: Path, proposals: int, commits: int) -> Path:
    top = data / f"history-{proposals}-{commits}"
    marker = top / ".git" / "rfcdesk-bench-complete"
    if marker.exists():
        return top
    subprocess.run(["rm", "-rf", str(top)], check=True)
    top.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=top, check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=top, stdin=subprocess.PIPE)
    assert importer.stdin
    for chunk in fast_import_stream(proposals, commits, seed=proposals):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=top, check=True)
    marker.touch()
    elapsed = time.perf_counter() - started
    done = f"{proposals} proposals, {commits} commits ({elapsed:.1f}s)"
    print(f"generated {top}: {done}", file=sys.stderr)
    return top


def one_more_commit(top: Path, folder: str) -> None:
    target = next((top / folder).glob("klip-1-*.md"))
    target.write_bytes(target.read_bytes() + b"\nOne more line.\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.org"}
    subprocess.run(["git", "commit", "-qam", "one more"], cwd=top, env=env, check=True)


def time_history(label: str, top: Path, folder: str) -> None:
    path = str(top / folder)
    with tempfile.TemporaryDirectory(prefix="rfcdesk-bench-") as scratch:
        env = {**os.environ, "RFCDESK_CACHE_DIR": str(Path(scratch) / "cache")}
        log = Path(scratch) / "stderr.log"
        for step in ("cold", "cached", "after 1 commit"):
            if step == "after 1 commit":
                one_more_commit(top, folder)
            result = measure(["history", "--all", path], env, log)
            if result.exit_code != 0:
                print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
            print(
                f"{label:<28} {step:<15} {result.seconds:>8.2f} {result.peak_kb / 1024:>8.0f}",
                flush=True,
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history", description=__doc__)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    print(f"{'history':<28} {'run':<15} {'seconds':>8} {'peak MB':>8}")
    bundle = ROOT.parent / "shared" / "corpora" / "ksql-history.bundle"
    if bundle.exists():
        with tempfile.TemporaryDirectory(prefix="rfcdesk-ksql-") as scratch:
            top = Path(scratch) / "ksql"
            subprocess.run(["git", "clone", "-q", str(bundle), str(top)], check=True)
            time_history("ksqlDB (150 commits)", top, "design-proposals")
    else:
        print(f"skipped ksqlDB: no {bundle}", file=sys.stderr)
    top = ensure_repo(args.data, args.proposals, args.commits)
    label = f"synthetic ({args.proposals}/{args.commits})"
    # Time on a clone so that the extra commit does not change the generated repository.
    with tempfile.TemporaryDirectory(prefix="rfcdesk-synthetic-") as scratch:
        work = Path(scratch) / "repo"
        subprocess.run(["git", "clone", "-q", str(top), str(work)], check=True)
        time_history(label, work, "proposals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
