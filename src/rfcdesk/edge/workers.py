"""One pure function over many items, spread over every core when there are enough items.

Below the threshold, starting worker processes costs more than it saves, so the items are
mapped in this process. Results come back in order, as they are ready.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def parallel_map(
    func: Callable[[Item], Result],
    items: Iterable[Item],
    jobs: int | None,
    threshold: int,
    chunksize: int,
    count: int | None = None,
) -> Iterator[Result]:
    """`map(func, items)`, in `jobs` worker processes (default: all cores) past `threshold`
    items (`count` of them, for items that are not a sequence).

    Items are taken from `items` only as workers are ready for them: a few chunks per
    worker are in flight, so that a large input, read lazily, is never all in memory.
    """
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    size = count if count is not None else len(items)  # type: ignore[arg-type]
    if workers <= 1 or size < threshold:
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[Result]]] = deque()
        source = iter(items)
        chunks = iter(lambda: list(itertools.islice(source, chunksize)), [])
        for chunk in chunks:
            pending.append(pool.submit(_apply, func, chunk))
            if len(pending) >= workers * _IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


# Chunks handed to each worker ahead of what it is doing.
_IN_FLIGHT = 3


def _apply(func: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [func(item) for item in chunk]


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


def beside(func: Callable[[], Result]) -> Callable[[], Result]:
    """Start `func()` in a process forked from this one, which goes on meanwhile; call what
    is returned to wait for its result (its exception is raised there). What `func` reads
    from module state set before the call is the child's too. Where processes cannot be
    forked, `func` runs here, at once."""
    if "fork" not in get_all_start_methods():
        value = func()
        return lambda: value
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
    future = pool.submit(func)  # the child is forked here, with the state as it is now

    def wait() -> Result:
        try:
            return future.result()
        finally:
            pool.shutdown(wait=True)

    return wait
