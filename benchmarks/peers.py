"""Time rfcdesk beside the tools other projects use, on the same files, in the same run.

    python -m benchmarks.peers [--runs 3] [--data DIR]

Three workloads on the corpora in ../shared/corpora, each skipped with a message when its
corpus or its peer is missing:

- the PEPs: `check-peps.py`, the PEP repository's own checker (benchmarks/peers/), against
  `rfcdesk check`, cold (an empty cache each run) and warm;
- the Rust RFCs: `mkdocs build` (default theme, no plugins) against `rfcdesk build`, cold (an
  empty cache and a new output folder each run);
- the EIPs: eipw (npm's eipw-lint-js, installed into DIR/npm the first time) against a cold
  `rfcdesk check`.

Each tool reads the same copy of the files. Each figure is the median of `--runs` fresh
processes, taken in turn (rfcdesk, peer, rfcdesk, peer, ...) so that noise from the other users
of a shared machine falls on both; CPU seconds (user + system, from wait4) are printed beside
wall-clock seconds for the same reason. The sites and caches the runs leave are deleted after
the last run of a workload, not between runs, where the disk's work of deleting one tool's
thousands of files slowed the next run, of the other tool.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import NamedTuple

from benchmarks.run import CORPORA, DEFAULT_DATA, Measurement, measure_command

PEERS = Path(__file__).resolve().parent / "peers"
EIPW_VERSION = "0.9.0"  # the npm release of eipw-lint-js timed here
RFCDESK = (sys.executable, "-m", "rfcdesk")


class Command(NamedTuple):
    """A command to time: where it runs, the exit codes that mean it worked, and the folders
    (a cold cache, a site) to delete once it has run, so that a run leaves no gigabytes behind."""

    args: tuple[str, ...]
    cwd: Path | None = None
    env: dict[str, str] | None = None
    accepted: Collection[int] = (0,)
    discard: tuple[Path, ...] = ()


class Comparison(NamedTuple):
    """One workload: the medians of rfcdesk's runs and of the peer's."""

    workload: str
    peer: str
    ours: Measurement
    theirs: Measurement


def timed(command: Command, scratch: Path) -> Measurement:
    """One run; the tail of its stderr when it exits with a code that means it failed.
    What it leaves to discard is deleted by `interleaved`, after the last run."""
    log = scratch / "stderr.log"
    env = command.env if command.env is not None else dict(os.environ)
    result = measure_command(command.args, env, log, command.cwd)
    if result.exit_code not in command.accepted:
        tail = log.read_text(errors="replace")[-2000:]
        print(f"{' '.join(command.args)} exited {result.exit_code}:\n{tail}", file=sys.stderr)
    return result


def discard(commands: Sequence[Command]) -> None:
    """Delete what the commands left. Not between runs: deleting thousands of files keeps
    this machine's disk busy for seconds after, and the next run, of the other tool,
    would pay for it."""
    for command in commands:
        for folder in command.discard:
            shutil.rmtree(folder, ignore_errors=True)


def median(found: Sequence[Measurement]) -> Measurement:
    return Measurement(
        statistics.median(m.seconds for m in found),
        int(statistics.median(m.peak_kb for m in found)),
        found[-1].exit_code,
        statistics.median(m.cpu_seconds for m in found),
    )


def interleaved(
    ours: Callable[[], Command], theirs: Callable[[], Command], runs: int, scratch: Path
) -> tuple[Measurement, Measurement]:
    """The medians of RUNS runs of each, taken in turn; each call makes a fresh command."""
    found: tuple[list[Measurement], list[Measurement]] = ([], [])
    ran: list[Command] = []
    try:
        for _ in range(runs):
            for make, kept in ((ours, found[0]), (theirs, found[1])):
                ran.append(make())
                kept.append(timed(ran[-1], scratch))
    finally:
        discard(ran)
    return median(found[0]), median(found[1])


def fresh(scratch: Path, prefix: str) -> Path:
    """A new empty folder: a cache or an output folder no earlier run has touched."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=scratch))


def rfcdesk(args: Sequence[str], scratch: Path, cache: Path | None = None) -> Command:
    """`python -m rfcdesk ARGS` with CACHE, or with a new empty cache when None."""
    cold = fresh(scratch, "cache-") if cache is None else None
    env = {**os.environ, "RFCDESK_CACHE_DIR": str(cache or cold)}
    accepted = (0, 1) if args[0] == "check" else (0,)  # check exits 1 when it finds errors
    return Command((*RFCDESK, *args), env=env, accepted=accepted, discard=(cold,) if cold else ())


def copy_corpus(name: str, target: Path) -> Path:
    """The corpus NAME copied to TARGET without its repository's `_meta/` files."""
    shutil.copytree(CORPORA / name, target, ignore=shutil.ignore_patterns("_meta"))
    return target


def peps(scratch: Path, runs: int) -> list[Comparison]:
    """check-peps.py against rfcdesk check, cold and warm."""
    if not (CORPORA / "peps").is_dir():
        print(f"skipped the PEPs: no corpus at {CORPORA / 'peps'}")
        return []
    # check-peps.py reads the PEPs from peps/ beside itself.
    repo = scratch / "python-peps"
    folder = copy_corpus("peps", repo / "peps")
    shutil.copy2(PEERS / "check-peps.py", repo / "check-peps.py")
    count = len(list(folder.glob("pep-????.rst")))
    peer = Command((sys.executable, "check-peps.py"), cwd=repo, accepted=(0, 1))
    check = ("check", str(folder))
    cold = interleaved(lambda: rfcdesk(check, scratch), lambda: peer, runs, scratch)
    cache = fresh(scratch, "cache-")
    timed(rfcdesk(check, scratch, cache), scratch)  # fills the cache; not counted
    warm = interleaved(lambda: rfcdesk(check, scratch, cache), lambda: peer, runs, scratch)
    return [
        Comparison(f"{count} PEPs: check, cold", "check-peps.py", *cold),
        Comparison(f"{count} PEPs: check, warm", "check-peps.py", *warm),
    ]


def rust_rfcs(scratch: Path, runs: int) -> list[Comparison]:
    """mkdocs build against rfcdesk build, each cold and into a new folder."""
    if not (CORPORA / "rust-rfcs").is_dir():
        print(f"skipped the Rust RFCs: no corpus at {CORPORA / 'rust-rfcs'}")
        return []
    if importlib.util.find_spec("mkdocs") is None:
        print("skipped the Rust RFCs: mkdocs is not installed (pip install -e '.[bench]')")
        return []
    project = scratch / "rust-rfcs"
    folder = copy_corpus("rust-rfcs", project / "text")
    config = project / "mkdocs.yml"
    config.write_text("site_name: Rust RFCs\ndocs_dir: text\nplugins: []\n", "utf-8")
    count = len(list(folder.glob("*.md")))

    def ours() -> Command:
        site = fresh(scratch, "site-")
        command = rfcdesk(("build", str(folder), "-o", str(site)), scratch)
        return command._replace(discard=(*command.discard, site))

    def theirs() -> Command:
        site = fresh(scratch, "site-")
        mkdocs = (sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site))
        return Command(mkdocs, discard=(site,))

    found = interleaved(ours, theirs, runs, scratch)
    return [Comparison(f"{count} Rust RFCs: build, cold", "mkdocs build", *found)]


def eipw_package(data: Path) -> Path | None:
    """eipw-lint-js in DATA/npm, installed with npm the first time; None when it cannot be."""
    prefix = data / "npm"
    package = prefix / "node_modules" / "eipw-lint-js"
    manifest = package / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text("utf-8"))["version"] == EIPW_VERSION:
        return package
    npm = shutil.which("npm")
    if npm is None:
        print("skipped the EIPs: npm is not installed")
        return None
    prefix.mkdir(parents=True, exist_ok=True)
    name = f"eipw-lint-js@{EIPW_VERSION}"
    install = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", name]
    done = subprocess.run(install, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"skipped the EIPs: npm install {name} failed:\n{done.stderr[-2000:]}")
        return None
    print(f"installed {name} in {prefix}", file=sys.stderr)
    return package


def eips(scratch: Path, runs: int, data: Path) -> list[Comparison]:
    """eipw over the EIP folder against a cold rfcdesk check."""
    if not (CORPORA / "eips").is_dir():
        print(f"skipped the EIPs: no corpus at {CORPORA / 'eips'}")
        return []
    node = shutil.which("node")
    if node is None:
        print("skipped the EIPs: node is not installed")
        return []
    package = eipw_package(data)
    if package is None:
        return []
    folder = copy_corpus("eips", scratch / "eips")
    count = len(list(folder.glob("*.md")))
    eipw = (node, str(PEERS / "eipw-folder.js"), str(package), str(folder))
    peer = Command(eipw, accepted=(0, 1))  # 1: it found errors
    check = ("check", str(folder))
    found = interleaved(lambda: rfcdesk(check, scratch), lambda: peer, runs, scratch)
    return [Comparison(f"{count} EIPs: check, cold", "eipw", *found)]


def ratio_words(ours: float, theirs: float) -> str:
    """PEER/RFCDESK, and what it means in words, so that no one reads it the wrong way round."""
    if ours <= 0 or theirs <= 0:
        return "-"
    ratio = theirs / ours
    if ratio >= 1:
        return f"{ratio:.2f}x, rfcdesk {ratio:.1f}x faster"
    return f"{ratio:.2f}x, rfcdesk {1 / ratio:.1f}x slower"


def comparison_lines(found: Comparison) -> list[str]:
    ours, theirs = found.ours, found.theirs
    return [
        f"{found.workload:<30} {'wall s':<8} {ours.seconds:>8.2f} {theirs.seconds:>8.2f}  "
        + ratio_words(ours.seconds, theirs.seconds),
        f"  {'against ' + found.peer:<28} {'CPU s':<8} {ours.cpu_seconds:>8.2f} "
        f"{theirs.cpu_seconds:>8.2f}  " + ratio_words(ours.cpu_seconds, theirs.cpu_seconds),
        f"{'':<30} {'peak MB':<8} {ours.peak_kb / 1024:>8.0f} {theirs.peak_kb / 1024:>8.0f}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool (median)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="where npm installs")
    args = parser.parse_args(argv)
    print(f"medians of {args.runs} run(s) each, taken in turn; ratio = peer / rfcdesk")
    print(f"{'workload':<30} {'measure':<8} {'rfcdesk':>8} {'peer':>8}  peer/rfcdesk")
    with tempfile.TemporaryDirectory(prefix="rfcdesk-peers-") as name:
        scratch = Path(name)
        workloads = (
            lambda: peps(scratch, args.runs),
            lambda: rust_rfcs(scratch, args.runs),
            lambda: eips(scratch, args.runs, args.data),
        )
        for workload in workloads:
            for found in workload():
                print("\n".join(comparison_lines(found)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
