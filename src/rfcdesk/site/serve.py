"""`rfcdesk serve`: build, serve on loopback, rebuild on change, reload open pages.

The live server is a builder callback, a file watcher and a reload signal: a thread waits for
edits under the folder (`edge.watch`: file-system events, or polling where they fail),
rebuilds the site into the output folder after each batch, and records the outcome in a
`BuildState`; each open page listens on a
server-sent-events stream and reloads after a good rebuild, or shows an overlay with the
failure after a bad one. No failure of a rebuild stops the watcher. Only files inside the
output folder are served, by a bounded number of threads.
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import json
import re
import select
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, NamedTuple, TextIO
from urllib.parse import unquote, urlsplit

from rfcdesk.edge.watch import FolderWatch
from rfcdesk.errors import FatalError
from rfcdesk.site.build import BuildResult

EVENTS_PATH = "/__rfcdesk/events"
KEEPALIVE_SECONDS = 15.0
STREAM_TICK_SECONDS = 1.0  # how soon a stream notices its page has gone
FILE_THREADS = 32  # requests for files served at once; the rest wait in the listen backlog
STREAM_THREADS = 64  # open pages listening for reloads
LISTEN_BACKLOG = 1024
REQUEST_TIMEOUT = 30.0  # a client that sends nothing gives its thread back after this long
WATCHER_JOIN_SECONDS = 30.0  # a rebuild under way when serve stops may finish this long
BUG = "a bug in rfcdesk; the traceback is in the terminal running serve, please report it"


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`: `localhost` or a loopback address."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


# --- the state open pages follow -------------------------------------------------------------


class BuildFailure(NamedTuple):
    """Why the last rebuild failed: the message, and the file it names when it names one."""

    message: str
    file: str | None = None

    def payload(self) -> str:
        data = {"message": self.message}
        if self.file is not None:
            data["file"] = self.file
        return json.dumps(data)


class BuildStatus(NamedTuple):
    version: int  # moves on every change below
    generation: int  # good rebuilds so far
    failure: BuildFailure | None  # the last rebuild's failure, None once one succeeds
    closed: bool  # the server is stopping


class BuildState:
    """What open pages wait on: how many rebuilds succeeded, and why the last one failed."""

    def __init__(self) -> None:
        self._status = BuildStatus(0, 0, None, False)
        self._changed = threading.Condition()

    def current(self) -> BuildStatus:
        with self._changed:
            return self._status

    def succeeded(self) -> None:
        self._move(lambda s: s._replace(generation=s.generation + 1, failure=None))

    def failed(self, failure: BuildFailure) -> None:
        self._move(lambda s: s._replace(failure=failure))

    def close(self) -> None:
        self._move(lambda s: s._replace(closed=True))

    def wait_past(self, version: int, timeout: float) -> BuildStatus:
        with self._changed:
            self._changed.wait_for(lambda: self._status.version != version, timeout=timeout)
            return self._status

    def _move(self, change: Callable[[BuildStatus], BuildStatus]) -> None:
        with self._changed:
            moved = change(self._status)
            self._status = moved._replace(version=moved.version + 1)
            self._changed.notify_all()


def first_event(status: BuildStatus) -> bytes:
    """What a page hears on connecting: the current failure, or that the site is good."""
    if status.failure is not None:
        return _event("build-error", status.failure.payload())
    return _event("ready", str(status.generation))


def next_event(before: BuildStatus, now: BuildStatus) -> bytes | None:
    """What a page hears when the state moves from `before` to `now`, if anything."""
    if now.version == before.version or now.closed:
        return None
    if now.failure is not None:
        return _event("build-error", now.failure.payload())
    if now.generation != before.generation:
        return _event("reload", str(now.generation))
    return None


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


# --- the watcher -----------------------------------------------------------------------------


# Messages of FatalError start with the file they are about: "path: what" or "path:line: what".
_PLACE = re.compile(r"(?P<file>[^:\n]+?)(?P<line>:\d+)?: ")


def failure_of(message: str, root: Path) -> BuildFailure:
    """A FatalError's message as a failure, the file it starts with (if any) set apart."""
    found = _PLACE.match(message)
    if found:
        named = Path(found["file"])
        full = named if named.is_absolute() else root / named
        with contextlib.suppress(OSError, ValueError):  # ValueError: a NUL, not a path
            if full.is_file():
                with contextlib.suppress(ValueError):  # a settings file above the folder
                    named = full.resolve().relative_to(root.resolve())
                where = named.as_posix() + (found["line"] or "")
                return BuildFailure(message[found.end() :], where)
    return BuildFailure(message)


def rebuild(build: Callable[[], BuildResult], state: BuildState, root: Path, err: TextIO) -> None:
    """Run one rebuild and record how it went; no exception leaves this function."""
    try:
        result = build()
    except FatalError as exc:
        state.failed(failure_of(exc.message, root))
        tell(err, f"rfcdesk: rebuild failed: {exc.message}")
    except Exception as exc:
        what = f"{type(exc).__name__}: {exc}"
        state.failed(BuildFailure(f"{what} ({BUG})"))
        tell(err, f"rfcdesk: rebuild failed: {what} ({BUG})\n{traceback.format_exc().rstrip()}")
    else:
        state.succeeded()
        pages = ", ".join(result.rendered) or "no proposal page"
        tell(err, f"rebuilt in {result.seconds:.2f}s ({pages})")


def tell(err: TextIO, text: str) -> None:
    """A report on the terminal; a terminal that has gone away must not stop the watcher."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=err, flush=True)


def watch(
    folder: FolderWatch,
    build: Callable[[], BuildResult],
    state: BuildState,
    stop: threading.Event,
    err: TextIO,
) -> None:
    """Rebuild after each batch of edits under the watched folder, until `stop` is set.

    The folder is watched from before the first build, so an edit saved during that build
    makes the first rebuild.
    """
    while folder.wait(stop):
        rebuild(build, state, folder.root, err)


# --- the server ------------------------------------------------------------------------------


class Slots:
    """How many threads may serve files at once, and how many may hold event streams.

    A connection takes a file slot before its thread starts (further connections wait in the
    listen backlog); an event stream moves its thread to a stream slot, so open pages never
    take the threads that serve files.
    """

    def __init__(self, files: int = FILE_THREADS, streams: int = STREAM_THREADS) -> None:
        self._files = threading.BoundedSemaphore(files)
        self._streams = threading.BoundedSemaphore(streams)
        self._streaming = threading.local()

    def take_file(self) -> None:
        self._files.acquire()

    def to_stream(self) -> bool:
        """Move the calling thread from its file slot to a stream slot, if one is free."""
        if not self._streams.acquire(blocking=False):
            return False
        self._streaming.on = True
        self._files.release()
        return True

    def give_back(self) -> None:
        """Release the slot the calling thread holds."""
        if getattr(self._streaming, "on", False):
            self._streaming.on = False
            self._streams.release()
        else:
            self._files.release()


class LiveServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server with a deep listen backlog and a bounded number of threads."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG
    timeout = 0.25  # how long `handle_request` waits for one; a stop is noticed this soon

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[http.server.BaseHTTPRequestHandler],
        slots: Slots,
    ) -> None:
        self.slots = slots
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.slots.take_file()
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        try:
            thread.start()
        except RuntimeError:  # no thread to give the slot back; an interrupt may have started it
            self.slots.give_back()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.give_back()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away or went quiet: nothing to report
        super().handle_error(request, client_address)


def _handler(
    output: Path, state: BuildState, slots: Slots
) -> type[http.server.SimpleHTTPRequestHandler]:
    root = output.resolve()

    class Handler(http.server.SimpleHTTPRequestHandler):
        timeout = REQUEST_TIMEOUT

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
                return
            if not self._inside():
                self.send_error(404, "Not found")
                return
            super().do_GET()

        def do_HEAD(self) -> None:
            if not self._inside():
                self.send_error(404, "Not found")
                return
            super().do_HEAD()

        def send_head(self) -> Any:
            # Last-Modified counts whole seconds: a rebuild within the second of the page's
            # copy would be answered 304, and the reloaded page would be the old one.
            del self.headers["If-Modified-Since"]
            return super().send_head()

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")  # every reload gets the latest build
            super().end_headers()

        def _inside(self) -> bool:
            """Whether the request names a file under the output folder (links resolved)."""
            path = unquote(urlsplit(self.path).path)
            if "\0" in path or "\\" in path:
                return False
            target = Path(self.translate_path(self.path)).resolve()
            return target == root or root in target.parents

        def _events(self) -> None:
            if not slots.to_stream():
                self.send_error(503, "Too many open pages")
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            status = state.current()
            try:
                self._send(first_event(status))
                quiet_since = time.monotonic()
                while not status.closed and not self._page_gone():
                    now = state.wait_past(status.version, timeout=STREAM_TICK_SECONDS)
                    message = next_event(status, now)
                    if message is None and time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                        message = b": still here\n\n"
                    if message is not None:
                        self._send(message)
                        quiet_since = time.monotonic()
                    status = now
            except OSError:  # the page went away
                return

        def _send(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        def _page_gone(self) -> bool:
            """Whether the page closed its end; a write would notice only a write later."""
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)

        def log_message(self, format: str, *args: Any) -> None:
            return  # a preview server's access log is noise

    return Handler


def listen(host: str, port: int, output: Path, state: BuildState, slots: Slots) -> LiveServer:
    """The live server for the site in `output`, bound and ready to handle requests."""
    try:
        return LiveServer((host, port), _handler(output, state, slots), slots)
    except OSError as exc:
        raise FatalError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


class StopSignal:
    """Ctrl-C and SIGTERM: an interrupt before serving starts; while serving, the loop's end.

    While serving, the handler only sets a flag that the loop reads between requests: an
    exception raised from a signal handler can land in a finalizer, where Python drops it,
    and serve would never stop. A second signal interrupts at once, the usual way.
    """

    def __init__(self) -> None:
        self.serving = False
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.serving or self.requested:
            raise KeyboardInterrupt
        self.requested = True


@contextlib.contextmanager
def handling_stop_signals(stop: StopSignal) -> Iterator[None]:
    """Within this block Ctrl-C and SIGTERM go to `stop`."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals; a caller's thread keeps its own
        return
    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
