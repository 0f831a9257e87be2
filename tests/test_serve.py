"""`rfcdesk serve` under failure and load: rebuilds that fail, many requests, signals, hosts."""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from rfcdesk.edge.watch import POLL_SECONDS, FolderWatch, Notify, is_edit, polling_asked
from rfcdesk.errors import FatalError
from rfcdesk.site.build import BuildResult
from rfcdesk.site.serve import (
    BUG,
    BuildFailure,
    BuildState,
    LiveServer,
    Slots,
    StopSignal,
    failure_of,
    is_loopback,
    listen,
    rebuild,
    watch,
)

KLIP = ROOT / "examples" / "klip"


# --- which hosts are private ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:127.1.2.3", True),
        ("localhost", True),
        ("LocalHost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("::ffff:192.168.1.20", False),
        ("128.0.0.1", False),
        ("example.org", False),
        ("localhost.example.org", False),
        ("127.0.0.1.nip.io", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- one rebuild, and the watcher that runs them ---------------------------------------------


def good_build() -> BuildResult:
    return BuildResult(Path("site"), 4, ("klip-2-schema-cache.md",), 0.25)


def broken_build() -> BuildResult:
    raise RuntimeError("Pygments fell over")


def test_failure_of_sets_the_named_file_apart(tmp_path: Path) -> None:
    (tmp_path / "rfcdesk.toml").write_text("")
    (tmp_path / "klip-1.md").write_text("")
    settings = tmp_path / "rfcdesk.toml"
    assert failure_of(f"{settings}: unknown setting 'nope'", tmp_path) == BuildFailure(
        "unknown setting 'nope'", "rfcdesk.toml"
    )
    assert failure_of("klip-1.md:12: not UTF-8 text", tmp_path) == BuildFailure(
        "not UTF-8 text", "klip-1.md:12"
    )
    # Only a file that exists counts as one; a folder is no file to show.
    for message in (
        "unknown scheme 'nope'; the built-in schemes are: klip, rfc",
        "git log: fatal: bad object",
        f"{tmp_path / 'gone.md'}: cannot read: No such file or directory",
        f"{tmp_path}: cannot list the folder: Permission denied",
        "line 3 is not a `Key: value` line",
    ):
        assert failure_of(message, tmp_path) == BuildFailure(message)


def test_an_unexpected_exception_is_recorded_and_the_next_good_build_clears_it() -> None:
    state, err = BuildState(), io.StringIO()
    rebuild(broken_build, state, ROOT, err)
    status = state.current()
    assert (status.generation, status.failure) == (
        0,
        BuildFailure(f"RuntimeError: Pygments fell over ({BUG})"),
    )
    lines = err.getvalue().splitlines()
    assert lines[0] == f"rfcdesk: rebuild failed: RuntimeError: Pygments fell over ({BUG})"
    assert (lines[1], lines[-1]) == (
        "Traceback (most recent call last):",
        "RuntimeError: Pygments fell over",
    )

    err = io.StringIO()
    rebuild(good_build, state, ROOT, err)
    status = state.current()
    assert (status.generation, status.failure) == (1, None)
    assert err.getvalue() == "rebuilt in 0.25s (klip-2-schema-cache.md)\n"


def test_a_fatal_error_is_one_line_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "rfcdesk.toml").write_text("nope = 1\n")
    message = f"{tmp_path / 'rfcdesk.toml'}: unknown setting 'nope'"

    def build() -> BuildResult:
        raise FatalError(message)

    state, err = BuildState(), io.StringIO()
    rebuild(build, state, tmp_path, err)
    assert state.current().failure == BuildFailure("unknown setting 'nope'", "rfcdesk.toml")
    assert err.getvalue() == f"rfcdesk: rebuild failed: {message}\n"


class GoneTerminal(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_terminal_that_has_gone_away_does_not_stop_the_rebuilds() -> None:
    state = BuildState()
    rebuild(broken_build, state, ROOT, GoneTerminal())
    assert state.current().failure == BuildFailure(f"RuntimeError: Pygments fell over ({BUG})")
    rebuild(good_build, state, ROOT, GoneTerminal())
    assert (state.current().generation, state.current().failure) == (1, None)


def test_a_stop_signal_interrupts_a_build_but_ends_serving_between_requests() -> None:
    stop = StopSignal()
    with pytest.raises(KeyboardInterrupt):
        stop(signal.SIGTERM, None)  # the first build: nothing to wait for
    assert stop.requested is False
    stop.serving = True
    stop(signal.SIGTERM, None)
    assert stop.requested is True
    with pytest.raises(KeyboardInterrupt):
        stop(signal.SIGINT, None)  # asked twice: at once


@pytest.fixture(autouse=True)
def _events_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's WATCHFILES_FORCE_POLLING must not turn the event tests into poll tests."""
    monkeypatch.delenv("WATCHFILES_FORCE_POLLING", raising=False)


def counting_build(builds: list[float]) -> Callable[[], BuildResult]:
    def build() -> BuildResult:
        builds.append(time.monotonic())
        return good_build()

    return build


@contextlib.contextmanager
def watching(
    folder: FolderWatch, build: Callable[[], BuildResult]
) -> Iterator[tuple[BuildState, io.StringIO]]:
    """The watcher's thread over `folder`, stopped (and timed) on the way out."""
    state, stop, err = BuildState(), threading.Event(), io.StringIO()
    watcher = threading.Thread(target=watch, args=(folder, build, state, stop, err))
    watcher.start()
    try:
        yield state, err
    finally:
        stop.set()
        asked = time.monotonic()
        watcher.join(10)
        folder.close()
        # Ctrl-C: the watcher notices within a step of the event loop or a poll.
        assert not watcher.is_alive() and time.monotonic() - asked < 2 * POLL_SECONDS + 0.5


def test_the_watcher_outlives_a_crashing_build(tmp_path: Path) -> None:
    proposal = tmp_path / "klip-1.md"
    proposal.write_text("one")
    outcomes = [broken_build, good_build]
    folder = FolderWatch(tmp_path, None, print)
    assert not folder.polling
    with watching(folder, lambda: outcomes.pop(0)()) as (state, err):
        proposal.write_text("one two")
        failed = state.wait_past(0, timeout=10)
        assert failed.failure == BuildFailure(f"RuntimeError: Pygments fell over ({BUG})")
        proposal.write_text("one two three")
        fixed = state.wait_past(failed.version, timeout=10)
        assert (fixed.generation, fixed.failure) == (1, None)
    assert outcomes == []
    assert err.getvalue().splitlines()[-1] == "rebuilt in 0.25s (klip-2-schema-cache.md)"


def test_events_make_one_rebuild_per_burst_and_ignore_the_output_and_hidden_folders(
    tmp_path: Path,
) -> None:
    for name in ("klip-1.md", "klip-2.md", "site/index.html", ".git/index"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("before")
    builds: list[float] = []
    told: list[str] = []
    folder = FolderWatch(tmp_path, tmp_path / "site", told.append)
    with watching(folder, counting_build(builds)) as (state, _):
        # A rebuild writing its output, and git at work, are no edits.
        (tmp_path / "site" / "index.html").write_text("rebuilt")
        (tmp_path / "site" / "p").mkdir()
        (tmp_path / "site" / "p" / "klip-1.html").write_text("new page")
        (tmp_path / ".git" / "index").write_text("committed")
        assert state.wait_past(0, timeout=1.5).generation == 0
        # An editor saving several files at once: one rebuild.
        for i in range(5):
            (tmp_path / "klip-1.md").write_text(f"save {i}")
            (tmp_path / "klip-2.md").write_text(f"save {i}")
        (tmp_path / "klip-3.md").write_text("new")
        first = state.wait_past(0, timeout=10)
        assert first.generation == 1
        assert state.wait_past(first.version, timeout=1.5).generation == 1
    assert (len(builds), told, folder.polling) == (1, [], False)


def test_an_edit_saved_during_the_first_build_makes_a_rebuild(tmp_path: Path) -> None:
    proposal = tmp_path / "klip-1.md"
    proposal.write_text("one")
    folder = FolderWatch(tmp_path, None, print)  # watching starts, then the first build runs
    proposal.write_text("one two")  # saved while it runs
    builds: list[float] = []
    with watching(folder, counting_build(builds)) as (state, _):
        assert state.wait_past(0, timeout=10).generation == 1


def cannot_start(root: str) -> Notify:
    raise OSError(28, f"OS file watch limit reached. about [{root!r}]")


def test_when_events_cannot_start_the_folder_is_polled_and_the_user_told_once(
    tmp_path: Path,
) -> None:
    proposal = tmp_path / "klip-1.md"
    proposal.write_text("one")
    told: list[str] = []
    folder = FolderWatch(tmp_path, None, told.append, start=cannot_start)
    proposal.write_text("one two")  # during the first build: still seen
    builds: list[float] = []
    with watching(folder, counting_build(builds)) as (state, _):
        first = state.wait_past(0, timeout=10)
        assert first.generation == 1
        proposal.write_text("one two three, longer")
        assert state.wait_past(first.version, timeout=10).generation == 2
    assert folder.polling
    assert told == [
        f"rfcdesk: cannot watch {tmp_path} for changes ([Errno 28] OS file watch limit "
        f"reached. about [{os.path.realpath(tmp_path)!r}]); polling every 0.4 s instead"
    ]


class BreakingEvents:
    """Events that work once, then fail as a watcher past its limits does."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.calls = 0

    def watch(
        self, debounce_ms: int, step_ms: int, timeout_ms: int, stop_event: threading.Event
    ) -> set[tuple[int, str]] | str:
        self.calls += 1
        if self.calls == 1:
            return {(2, os.path.join(self.root, "klip-1.md"))}
        raise RuntimeError("error in underlying watcher: too many open files")

    def close(self) -> None:
        pass


def test_events_that_fail_later_give_way_to_polling_with_one_rebuild(tmp_path: Path) -> None:
    proposal = tmp_path / "klip-1.md"
    proposal.write_text("one")
    told: list[str] = []
    folder = FolderWatch(tmp_path, None, told.append, start=BreakingEvents)
    builds: list[float] = []
    with watching(folder, counting_build(builds)) as (state, _):
        # The event, then the failure: an edit may have been lost, so one more build.
        second = state.wait_past(state.wait_past(0, timeout=10).version, timeout=10)
        assert second.generation == 2
        proposal.write_text("one two")
        assert state.wait_past(second.version, timeout=10).generation == 3
    assert told == [
        f"rfcdesk: watching {tmp_path} for changes failed (error in underlying watcher: "
        "too many open files); polling every 0.4 s instead"
    ]


def test_polling_when_asked_through_watchfiles_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    proposal = tmp_path / "klip-1.md"
    proposal.write_text("one")
    told: list[str] = []
    folder = FolderWatch(tmp_path, None, told.append)
    builds: list[float] = []
    with watching(folder, counting_build(builds)) as (state, _):
        proposal.write_text("one two")  # same second, one byte more: seen
        assert state.wait_past(0, timeout=10).generation == 1
    assert (folder.polling, told) == (
        True,
        ["rfcdesk: WATCHFILES_FORCE_POLLING is set; polling every 0.4 s instead"],
    )


WSL = "on WSL a Windows drive sends no events (WATCHFILES_FORCE_POLLING=false listens)"


@pytest.mark.parametrize(
    ("environ", "release", "why"),
    [
        ({}, "6.1.0-18-amd64", None),
        ({}, "5.15.153.1-microsoft-standard-WSL2", WSL),
        ({"WATCHFILES_FORCE_POLLING": "1"}, "6.1.0-18-amd64", "WATCHFILES_FORCE_POLLING is set"),
        ({"WATCHFILES_FORCE_POLLING": "Disabled"}, "5.15.153.1-microsoft-standard-WSL2", None),
        ({"WATCHFILES_FORCE_POLLING": ""}, "6.1.0-18-amd64", None),
    ],
)
def test_polling_asked_follows_watchfiles_rule(
    environ: dict[str, str], release: str, why: str | None
) -> None:
    assert polling_asked(environ, release) == why


@pytest.mark.parametrize(
    ("relative", "edit"),
    [
        ("klip-1.md", True),
        ("drafts/klip-2.md", True),
        (".rfcdesk.toml", True),  # hidden files are read, as the folder's listing lists them
        ("img", True),
        ("", False),
        (".", False),
        (".git/index", False),
        ("drafts/.cache/x", False),
        ("../outside/klip-3.md", False),
        ("_site", False),
        ("_site/index.html", False),
        ("_site2/klip-4.md", True),
    ],
)
def test_is_edit(relative: str, edit: bool) -> None:
    assert is_edit(relative, "_site") is edit


def test_watchfiles_is_imported_only_when_serve_watches() -> None:
    code = "import sys, rfcdesk.cli, rfcdesk.commands.serve; print('watchfiles' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"


# --- the event stream ------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, BuildState]]:
    """The live server in this process, on a site of one page, with small thread caps."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the index</p>")
    state = BuildState()
    server = listen("127.0.0.1", 0, site, state, Slots(files=2, streams=2))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server, state
    state.close()
    server.shutdown()
    server.server_close()
    thread.join(10)


def open_stream(server: LiveServer) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", "/__rfcdesk/events")
    return connection.getresponse()


def next_message(stream: http.client.HTTPResponse) -> tuple[str, str]:
    """The next event's name and data, past keep-alive comments."""
    fields: dict[str, str] = {}
    while True:
        line = stream.readline().decode().rstrip("\n")
        if line and not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value
        elif not line and fields:
            return fields["event"], fields["data"]


def get(server: LiveServer, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    result = response.status, response.read()
    connection.close()
    return result


def test_open_pages_hear_failures_and_the_reload_after_them(
    live: tuple[LiveServer, BuildState],
) -> None:
    server, state = live
    stream = open_stream(server)
    assert (stream.status, stream.getheader("Content-Type")) == (200, "text/event-stream")
    assert next_message(stream) == ("ready", "0")
    state.failed(BuildFailure("unknown setting '<b>'", "rfcdesk.toml"))
    failure = ("build-error", '{"message": "unknown setting \'<b>\'", "file": "rfcdesk.toml"}')
    assert next_message(stream) == failure
    # A page opened while the build is broken hears the failure at once.
    late = open_stream(server)
    assert next_message(late) == failure
    state.succeeded()
    assert next_message(stream) == next_message(late) == ("reload", "1")
    state.failed(BuildFailure("boom"))
    assert json.loads(next_message(stream)[1]) == {"message": "boom"}


def test_open_pages_do_not_take_the_threads_that_serve_files(
    live: tuple[LiveServer, BuildState],
) -> None:
    server, _ = live
    streams = [open_stream(server) for _ in range(2)]
    assert [next_message(s) for s in streams] == [("ready", "0"), ("ready", "0")]
    # Two file threads, both streams held: files are still served, a third stream is refused.
    for _ in range(5):
        assert get(server, "/index.html") == (200, b"<p>the index</p>")
    assert get(server, "/__rfcdesk/events")[0] == 503
    # A page that goes away gives its stream back within a tick.
    streams[0].close()
    deadline = time.monotonic() + 10
    third = open_stream(server)
    while third.status == 503 and time.monotonic() < deadline:
        time.sleep(0.1)
        third = open_stream(server)
    assert (third.status, next_message(third)) == (200, ("ready", "0"))
    live[1].succeeded()
    assert next_message(streams[1]) == next_message(third) == ("reload", "1")


def test_a_page_rebuilt_within_the_same_second_is_never_a_304(
    live: tuple[LiveServer, BuildState], tmp_path: Path
) -> None:
    server, _ = live
    index = tmp_path / "site" / "index.html"
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", "/index.html")
    first = connection.getresponse()
    last_modified = first.getheader("Last-Modified")
    assert (first.status, first.getheader("Cache-Control"), first.read()) == (
        200,
        "no-store",
        b"<p>the index</p>",
    )
    before = index.stat()
    index.write_text("<p>the index, rebuilt</p>")
    os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same second, for sure
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", "/index.html", headers={"If-Modified-Since": str(last_modified)})
    again = connection.getresponse()
    assert (again.status, again.read()) == (200, b"<p>the index, rebuilt</p>")


# --- the command, as a process ---------------------------------------------------------------


def start_serve(
    folder: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """`rfcdesk serve` on a free loopback port; the process and its ready line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rfcdesk", "serve", str(folder), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "serving http://127.0.0.1:" not in line:
        process.kill()
        raise AssertionError(f"serve did not start: {line!r} {process.communicate()[1]!r}")
    return process, line


def test_five_hundred_concurrent_requests_all_get_the_page(tmp_path: Path) -> None:
    folder = shutil.copytree(KLIP, tmp_path / "klip")
    process, line = start_serve(folder, "-o", str(tmp_path / "site"))
    try:
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line)[1])  # type: ignore[index]
        index = (tmp_path / "site" / "index.html").read_bytes()
        results: list[tuple[int, bytes] | str] = ["not finished"] * 500
        barrier = threading.Barrier(500, timeout=30)

        def fetch(i: int) -> None:
            barrier.wait()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/index.html")
                response = connection.getresponse()
                results[i] = (response.status, response.read())
                connection.close()
            except OSError as exc:
                results[i] = repr(exc)

        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(500)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        failed = [r for r in results if r != (200, index)]
        assert (len(failed), failed[:3]) == (0, [])
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_serve_removes_its_temporary_folder(tmp_path: Path, stop: int) -> None:
    folder = shutil.copytree(KLIP, tmp_path / "klip")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process, line = start_serve(folder, env={"TMPDIR": str(scratch)})
    site = Path(re.search(r" into (.+); serving ", line)[1])  # type: ignore[index]
    assert site.parent.parent == scratch
    assert site.parent.name.startswith("rfcdesk-serve-")
    assert (site / "index.html").is_file()
    process.send_signal(stop)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err, list(scratch.iterdir())) == (0, "", [])


def test_sigterm_amid_requests_still_stops_and_cleans_up(tmp_path: Path) -> None:
    """The signal lands wherever the server is (accepting, starting a thread); it still stops."""
    folder = shutil.copytree(KLIP, tmp_path / "klip")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process, line = start_serve(folder, env={"TMPDIR": str(scratch)})
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line)[1])  # type: ignore[index]
    stopped = threading.Event()

    def keep_asking() -> None:
        while not stopped.is_set():
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/index.html")
                connection.getresponse().read()
                connection.close()
            except OSError:
                pass  # refused once the server has stopped

    clients = [threading.Thread(target=keep_asking) for _ in range(20)]
    for client in clients:
        client.start()
    try:
        time.sleep(0.5)  # traffic under way
        process.send_signal(signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    finally:
        stopped.set()
        for client in clients:
            client.join(10)
    assert (process.returncode, err, list(scratch.iterdir())) == (0, "", [])
