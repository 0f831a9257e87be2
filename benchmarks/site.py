"""Time `rfcdesk build` on the synthetic folders: cold, unchanged, and after one file changes.

python -m benchmarks.site [--sizes 100,1000,10000] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.run import DEFAULT_DATA, ensure_folder, measure, parse_sizes


def time_build(folder: Path, size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="rfcdesk-bench-site-") as scratch:
        work = Path(scratch) / "work"
        shutil.copytree(folder, work)
        env = {**os.environ, "RFCDESK_CACHE_DIR": str(Path(scratch) / "cache")}
        log = Path(scratch) / "stderr.log"
        site = Path(scratch) / "site"
        for step in ("cold", "unchanged", "after 1 change"):
            if step == "after 1 change":
                target = next(work.glob("klip-1-*.md"))
                target.write_text(target.read_text("utf-8") + "\nOne more line.\n", "utf-8")
            result = measure(["build", str(work), "-o", str(site)], env, log)
            if result.exit_code != 0:
                print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
            print(
                f"{size:>7}  build {step:<15} {result.seconds:>8.2f} {result.peak_kb / 1024:>8.0f}",
                flush=True,
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.site", description=__doc__)
    parser.add_argument("--sizes", type=parse_sizes, default=[100, 1000, 10000])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    print(f"{'size':>7}  {'command':<21} {'seconds':>8} {'peak MB':>8}")
    for size in args.sizes:
        time_build(ensure_folder(args.data, size), size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
