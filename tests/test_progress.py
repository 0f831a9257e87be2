"""The progress line: on a terminal after a second, redrawn sparingly, cleared at the end;
never on a pipe or in CI."""

from __future__ import annotations

import io

import pytest

from rfcdesk.edge.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    monkeypatch.delenv("CI", raising=False)
    return [100.0]


def test_shown_after_a_second_redrawn_sparingly_and_cleared(clock: list[float]) -> None:
    screen = Terminal()
    with Progress("parsed", 3000, screen, lambda: clock[0]) as progress:
        progress.advance()  # at once: nothing yet
        clock[0] += 1.2
        progress.advance(1199)
        clock[0] += 0.05
        progress.advance(100)  # too soon to redraw
        clock[0] += 0.1
        progress.advance(700)
    assert screen.getvalue() == (
        "\rparsed 1,200 of 3,000 files\rparsed 2,000 of 3,000 files\r\x1b[K"
    )


def test_a_quick_run_prints_nothing(clock: list[float]) -> None:
    screen = Terminal()
    with Progress("parsed", 10, screen, lambda: clock[0]) as progress:
        progress.advance(10)
    assert screen.getvalue() == ""


def test_silent_on_a_pipe_and_in_ci(clock: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    with Progress("parsed", 10, pipe, lambda: clock[0]) as progress:
        clock[0] += 5
        progress.advance(5)
    monkeypatch.setenv("CI", "true")
    screen = Terminal()
    with Progress("parsed", 10, screen, lambda: clock[0]) as progress:
        clock[0] += 5
        progress.advance(5)
    assert (pipe.getvalue(), screen.getvalue()) == ("", "")
