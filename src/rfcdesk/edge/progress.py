"""A progress line on stderr for work that takes a while: "parsed 1,200 of 10,000 files".

Shown only on a terminal, outside CI, and only once the work has run for a second; it is
redrawn at most ten times a second and cleared when the work ends, so short commands and
piped or logged output never see it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

DELAY_SECONDS = 1.0
REDRAW_SECONDS = 0.1


class Progress:
    """Counts items done of a total and, when it is worth it, says so on one line."""

    def __init__(
        self,
        what: str,
        total: int,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.total = total
        # The real stderr: the CLI wraps sys.stderr to escape control characters in what
        # proposals hold, and this line is made of ours (\r, and a clear-line sequence).
        self.stream = stream or sys.__stderr__ or sys.stderr
        self.clock = clock
        self.done = 0
        self.started = clock()
        self.drawn_at = 0.0
        self.shown = False
        self.enabled = _interactive(self.stream)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < DELAY_SECONDS or now - self.drawn_at < REDRAW_SECONDS:
            return
        self.drawn_at = now
        self.shown = True
        self.stream.write(f"\r{self.what} {self.done:,} of {self.total:,} files")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")  # back to the line's start, and clear it
            self.stream.flush()


def _interactive(stream: TextIO) -> bool:
    try:
        return stream.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):  # a closed or odd stream
        return False
