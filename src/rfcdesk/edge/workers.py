"""One pure function over many items, spread over every core when there are enough items.

Below the threshold, starting worker processes costs more than it saves, so the items are
mapped in this process. Results come back in order, as they are ready.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def parallel_map(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int | None,
    threshold: int,
    chunksize: int,
) -> Iterator[Result]:
    """`map(func, items)`, in `jobs` worker processes (default: all cores) past `threshold`."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < threshold:
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(func, items, chunksize=chunksize)
