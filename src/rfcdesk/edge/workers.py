"""One pure function over many items, spread over every core when there are enough items.

Below the threshold, starting worker processes costs more than it saves, so the items are
mapped in this process. Results come back in order, as they are ready.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
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


def forked_map(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int | None,
    threshold: int,
) -> Iterator[Result]:
    """`map(func, items)` in worker processes forked from this one, so that what `func`
    reads from module state set before the call (a large value no pickle should carry) is
    theirs too. Where processes cannot be forked, or there are few items, in this process."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < threshold or "fork" not in get_all_start_methods():
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        yield from pool.map(func, items)
