"""What finding the proposals costs: a cold `check` at a repository's top (discovery, and
inference where no built-in fits) against a cold `check` pointed at the proposal folder.

    python -m benchmarks.discovery [--size 10000] [--runs 3] [--data DIR]

Two repositories: the synthetic folder at `design/proposals/` beside source files and a
`node_modules/` full of Markdown, and the largest corpus (the EIPs) laid out as its
repository has it, when ../shared/corpora is there. Each row is the median of `--runs` fresh
processes with an empty cache, the two runs compared taken in turn; `init --explain` is
discovery and inference alone. Ratios are printed, not only seconds: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.run import CORPORA, DEFAULT_DATA, Measurement, ensure_folder, measure

NO_BUILTINS = "RFCDESK_NO_BUILTINS"


def synthetic_repository(folder: Path, top: Path) -> Path:
    """A repository top holding the synthetic proposals in design/proposals/."""
    shutil.copytree(folder, top / "design" / "proposals")
    (top / "README.md").write_text("# Product\n\nSee design/proposals.\n", "utf-8")
    for n in range(200):
        source = top / "src" / f"module_{n // 20}" / f"part_{n}.py"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"VALUE = {n}\n", "utf-8")
    for n in range(300):  # a dependency tree discovery must not enter
        doc = top / "node_modules" / f"pkg-{n}" / f"000{n % 10}-readme.md"
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(f"# Package {n}\n", "utf-8")
    return top / "design" / "proposals"


def eips_repository(top: Path) -> Path:
    """The EIPs as their repository has them: EIPS/, with the README and template at the top."""
    shutil.copytree(CORPORA / "eips", top / "EIPS", ignore=shutil.ignore_patterns("_meta"))
    for item in (CORPORA / "eips" / "_meta").iterdir():
        shutil.copy2(item, top / item.name)
    return top / "EIPS"


def median_run(args: Sequence[str], env: dict[str, str], scratch: Path, runs: int) -> Measurement:
    """The median of fresh processes, each with an empty cache."""
    found = []
    for n in range(runs):
        cache = scratch / f"cache-{len(os.listdir(scratch))}-{n}"
        log = scratch / "stderr.log"
        found.append(measure(args, {**env, "RFCDESK_CACHE_DIR": str(cache)}, log))
    seconds = statistics.median(m.seconds for m in found)
    peak = max(m.peak_kb for m in found)
    cpu = statistics.median(m.cpu_seconds for m in found)
    return Measurement(seconds, peak, found[-1].exit_code, cpu)


def compare(name: str, top: Path, folder: Path, runs: int, scratch: Path) -> None:
    base = dict(os.environ)
    hidden = {**base, NO_BUILTINS: "1"}
    rows = [
        ("check FOLDER", median_run(["check", str(folder)], base, scratch, runs)),
        ("check TOP", median_run(["check", str(top)], base, scratch, runs)),
        ("check TOP, inferred", median_run(["check", str(top)], hidden, scratch, runs)),
        ("init --explain TOP", median_run(["init", "--explain", str(top)], base, scratch, runs)),
        (
            "init --explain, inferred",
            median_run(["init", "--explain", str(top)], hidden, scratch, runs),
        ),
    ]
    pointed = rows[0][1].seconds
    for label, result in rows:
        ratio = result.seconds / pointed if pointed else 0.0
        print(
            f"{name:<10} {label:<26} {result.seconds:>8.2f} {ratio:>6.2f}x "
            f"{result.peak_kb / 1024:>8.0f} {result.exit_code:>5}"
        )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    folder = ensure_folder(args.data, args.size)
    print(f"{'repo':<10} {'run':<26} {'seconds':>8} {'ratio':>7} {'peak MB':>8} {'exit':>5}")
    with tempfile.TemporaryDirectory(prefix="rfcdesk-discovery-") as scratch:
        base = Path(scratch)
        top = base / "synthetic"
        compare(str(args.size), top, synthetic_repository(folder, top), args.runs, base)
        if (CORPORA / "eips").is_dir():
            top = base / "eips"
            compare("eips", top, eips_repository(top), args.runs, base)


if __name__ == "__main__":
    main()
