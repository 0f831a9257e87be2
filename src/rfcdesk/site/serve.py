"""`rfcdesk serve`: build, serve on loopback, rebuild on change, reload open pages.

The live server is a builder callback, a file watcher and a reload signal: a thread polls the
folder's files (names, sizes, mtimes), rebuilds the site into the output folder when they
change, and bumps a generation counter; each open page listens on a server-sent-events
stream and reloads when the counter moves. Only files inside the output folder are served.
"""

from __future__ import annotations

import http.server
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from rfcdesk.config import load_config
from rfcdesk.errors import EXIT_OK, FatalError
from rfcdesk.folder import open_folder
from rfcdesk.site.build import BuildOptions, build_site

EVENTS_PATH = "/__rfcdesk/events"
POLL_SECONDS = 0.4
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Generation:
    """A counter that open pages wait on; it moves after every successful rebuild."""

    def __init__(self) -> None:
        self.value = 0
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.value += 1
            self.changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.value != seen, timeout=timeout)
            return self.value


def fingerprint(root: Path, skip: Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime) of every file under the folder, hidden folders and `skip` aside.

    `skip` is the site's own output when it lies inside the folder: its writes must not
    look like edits, or every rebuild would start another.
    """
    found = []
    skipped = str(skip.resolve()) if skip else None
    for base, dirs, names in os.walk(root):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and os.path.join(os.path.abspath(base), d) != skipped
        ]
        for name in names:
            try:
                st = os.stat(os.path.join(base, name))
            except OSError:
                continue
            found.append((os.path.join(base, name), st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


def _handler(output: Path, generation: Generation) -> type[http.server.SimpleHTTPRequestHandler]:
    root = output.resolve()

    class Handler(http.server.SimpleHTTPRequestHandler):
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

        def _inside(self) -> bool:
            """Whether the request names a file under the output folder (links resolved)."""
            path = unquote(urlsplit(self.path).path)
            if "\0" in path or "\\" in path:
                return False
            target = Path(self.translate_path(self.path)).resolve()
            return target == root or root in target.parents

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = generation.value
            try:
                while True:
                    now = generation.wait_past(seen, timeout=15)
                    if now != seen:
                        self.wfile.write(f"event: reload\ndata: {now}\n\n".encode())
                        seen = now
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except OSError:  # the page went away
                return

        def log_message(self, format: str, *args: Any) -> None:
            return  # a preview server's access log is noise

    return Handler


def _watch(
    path: Path,
    scheme: str | None,
    options: BuildOptions,
    generation: Generation,
    stop: threading.Event,
    err: TextIO,
) -> None:
    folder = open_folder(load_config(path), scheme)
    last = fingerprint(folder.root, options.output)
    while not stop.wait(POLL_SECONDS):
        now = fingerprint(folder.root, options.output)
        if now == last:
            continue
        last = now
        try:
            folder = open_folder(load_config(path), scheme)
            result = build_site(folder, options)
        except FatalError as exc:
            print(f"rfcdesk: rebuild failed: {exc.message}", file=err, flush=True)
            continue
        pages = ", ".join(result.rendered) or "no proposal page"
        print(f"rebuilt in {result.seconds:.2f}s ({pages})", file=err, flush=True)
        generation.bump()


def run_serve(
    path: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    output: Path | None = None,
    scheme: str | None = None,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    folder = open_folder(load_config(path), scheme)
    with tempfile.TemporaryDirectory(prefix="rfcdesk-serve-") as scratch:
        target = output or Path(scratch) / "site"
        options = BuildOptions(target, live=True)
        started = time.perf_counter()
        result = build_site(folder, options)
        generation = Generation()
        try:
            server = http.server.ThreadingHTTPServer((host, port), _handler(target, generation))
        except OSError as exc:
            raise FatalError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        server.daemon_threads = True
        stop = threading.Event()
        watcher = threading.Thread(
            target=_watch,
            args=(path, scheme, options, generation, stop, sys.stderr),
            daemon=True,
        )
        watcher.start()
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.server_port}/"
        if host not in LOOPBACK:
            warning = f"rfcdesk: serving on {host}: anyone who can reach it can read the site"
            print(warning, file=sys.stderr)
        elapsed = time.perf_counter() - started
        ready = f"built {result.pages} pages in {elapsed:.2f}s; serving {url} (Ctrl-C stops)"
        print(ready, file=out, flush=True)
        try:
            server.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.server_close()
    return EXIT_OK
