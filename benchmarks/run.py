"""Time the installed CLI on synthetic KLIP folders of several sizes.

    python -m benchmarks.run [--sizes 100,1000,10000] [--data DIR]

Each measurement is a fresh child process (`python -m rfcdesk ...`), so start-up and imports
count, as they do for a user. Folders are generated once and reused while their count is right.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "bench-data"
# Real proposal folders, beside the repository as CI has them; absent in a lone clone.
CORPORA = ROOT.parent / "shared" / "corpora"
PROPOSAL_NAME = re.compile(r"^klip-\d+-.+\.md$")
# `check` exits 1 when it finds errors, which a synthetic folder always has.
EXPECTED_EXIT = {"check": (0, 1), "list": (0,), "index": (0,), "new": (0,), "status": (0,)}
COLUMNS = ("size", "command", "seconds", "proposals/s", "peak MB", "exit")
WIDTHS = (7, 12, 9, 12, 9, 5)


class Step(NamedTuple):
    """One timed run of the CLI."""

    label: str
    args: tuple[str, ...]


class Measurement(NamedTuple):
    seconds: float
    peak_kb: int  # max RSS of the child, as Linux reports it (KiB)
    exit_code: int
    cpu_seconds: float  # user + system time of the child and the children it waited for


STEPS = (
    Step("check cold", ("check",)),
    Step("check warm", ("check",)),
    Step("list warm", ("list",)),
)
# Commands that write, timed on a copy of the folder whose parse cache is warm, as it is
# for someone who ran `check` before: the first `index` adopts the hand-kept table.
# The steps whose time per proposal is printed for each size, to show how they grow.
GROWTH_STEPS = ("check cold", "check warm")
WRITE_STEPS = (
    Step("index", ("index",)),
    Step("new", ("new", "Benchmark Proposal", "--author", "Bench")),
    Step("status", ("status", "KLIP-1", "Withdrawn", "--force")),
    Step("index check", ("index", "--check")),
)


def proposal_count(folder: Path) -> int:
    return sum(1 for p in folder.iterdir() if PROPOSAL_NAME.match(p.name))


def ensure_folder(data: Path, size: int) -> Path:
    """The cached folder for SIZE proposals, generated again if missing or the wrong size."""
    folder = data / str(size)
    if folder.is_dir() and proposal_count(folder) == size:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    # In a child: Linux carries a parent's peak RSS across fork and exec into its children's
    # ru_maxrss, so generating here would inflate every memory figure measured afterwards.
    generator = [sys.executable, "-m", "benchmarks.generate", str(folder), str(size)]
    subprocess.run([*generator, "--seed", str(size)], check=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    print(f"generated {size} proposals in {folder} ({elapsed:.1f}s)", file=sys.stderr)
    return folder


def measure(args: Sequence[str], env: dict[str, str], log: Path) -> Measurement:
    """Run `python -m rfcdesk ARGS`; see `measure_command`."""
    return measure_command([sys.executable, "-m", "rfcdesk", *args], env, log)


def measure_command(
    command: Sequence[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> Measurement:
    """Run COMMAND and reap it with wait4 to get its own peak memory and CPU time."""
    with log.open("wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=cwd
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, usage.ru_maxrss, child.returncode, cpu)


def run_size(folder: Path, size: int) -> Iterator[tuple[str, Measurement]]:
    """Check cold and warm, list, then the writing commands on a copy; one fresh cache dir."""
    with tempfile.TemporaryDirectory(prefix="rfcdesk-bench-") as scratch:
        cache = Path(scratch) / "cache"
        cache.mkdir()
        env = {**os.environ, "RFCDESK_CACHE_DIR": str(cache)}
        log = Path(scratch) / "stderr.log"
        for step in STEPS:
            yield step.label, _timed(step, folder, size, env, log)
        work = Path(scratch) / "work"
        shutil.copytree(folder, work)
        measure(["check", str(work)], env, log)  # warm the caches for the copy; not timed
        yield "check 1 edit", _after_one_edit(work, size, env, log)
        for step in WRITE_STEPS:
            yield step.label, _timed(step, work, size, env, log)


def _after_one_edit(folder: Path, size: int, env: dict[str, str], log: Path) -> Measurement:
    """`check` after a line is added to one proposal in the middle of the folder."""
    proposals = sorted(p for p in folder.iterdir() if PROPOSAL_NAME.match(p.name))
    edited = proposals[len(proposals) // 2]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more line, written between two checks.\n")
    return _timed(Step("check 1 edit", ("check",)), folder, size, env, log)


def _timed(step: Step, folder: Path, size: int, env: dict[str, str], log: Path) -> Measurement:
    result = measure([*step.args, str(folder)], env, log)
    if result.exit_code not in EXPECTED_EXIT[step.args[0]]:
        tail = log.read_text(errors="replace")[-2000:]
        print(f"{step.label} on {size} exited {result.exit_code}:\n{tail}", file=sys.stderr)
    return result


def format_row(cells: Sequence[str]) -> str:
    first = cells[0].rjust(WIDTHS[0])
    second = cells[1].ljust(WIDTHS[1])
    rest = (cell.rjust(width) for cell, width in zip(cells[2:], WIDTHS[2:], strict=True))
    return "  ".join([first, second, *rest])


def result_row(size: int, label: str, result: Measurement) -> str:
    rate = size / result.seconds if result.seconds > 0 else float("inf")
    return format_row(
        [
            str(size),
            label,
            f"{result.seconds:.2f}",
            f"{rate:,.0f}",
            f"{result.peak_kb / 1024:.0f}",
            str(result.exit_code),
        ]
    )


def growth_lines(times: dict[int, dict[str, float]]) -> Iterator[str]:
    """Seconds per 1,000 proposals at each size, then the largest size's against the smallest's."""
    per_thousand = {
        size: {label: 1000 * by_label[label] / size for label in GROWTH_STEPS}
        for size, by_label in times.items()
    }
    yield ""
    yield "seconds per 1,000 proposals (each run includes process start-up, most felt when small)"
    yield "   size" + "".join(f"{label:>14}" for label in GROWTH_STEPS)
    for size, by_label in per_thousand.items():
        yield f"{size:>7}" + "".join(f"{by_label[label]:>14.3f}" for label in GROWTH_STEPS)
    small, large = min(per_thousand), max(per_thousand)
    if small != large:
        ratios = ", ".join(
            f"{label} {per_thousand[large][label] / per_thousand[small][label]:.2f}x"
            for label in GROWTH_STEPS
        )
        yield f"time per proposal at {large} against {small}: {ratios} (1.00x is linear)"


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive: {text!r}")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--sizes", type=parse_sizes, default=[100, 1000, 10000])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="generated folders")
    args = parser.parse_args(argv)
    folders = {size: ensure_folder(args.data, size) for size in args.sizes}
    print(format_row(COLUMNS))
    print(format_row(["-" * width for width in WIDTHS]))
    times: dict[int, dict[str, float]] = {}
    for size, folder in folders.items():
        for label, result in run_size(folder, size):
            print(result_row(size, label, result), flush=True)
            times.setdefault(size, {})[label] = result.seconds
    for line in growth_lines(times):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
