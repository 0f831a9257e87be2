"""`rfcdesk serve`: build the site, serve it on loopback, rebuild and reload on change.

The server, the watcher and the reload signal are `site.serve`; this command starts them,
and stops them (temporary folder removed) on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple, TextIO

from rfcdesk.edge.files import tree_state
from rfcdesk.edge.watch import FolderWatch
from rfcdesk.errors import EXIT_OK
from rfcdesk.read.folder import open_folder
from rfcdesk.read.locate import folder_settings
from rfcdesk.site.build import BuildOptions, build_site
from rfcdesk.site.serve import (
    WATCHER_JOIN_SECONDS,
    BuildState,
    Slots,
    StopSignal,
    handling_stop_signals,
    is_loopback,
    listen,
    tell,
    watch,
)


class Options(NamedTuple):
    path: Path = Path(".")
    scheme: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    output: Path | None = None  # keep the site here; default: a temporary folder


def run(options: Options, out: TextIO) -> int:
    """Build the site, serve it, rebuild on change until stopped."""
    path, host, port, output, scheme = (
        options.path,
        options.host,
        options.port,
        options.output,
        options.scheme,
    )
    config = folder_settings(path, scheme)  # found once: a rebuild reads the same folder
    folder = open_folder(config, scheme, tree=tree_state(config.folder))
    stop_signal = StopSignal()
    with (
        handling_stop_signals(stop_signal),
        tempfile.TemporaryDirectory(prefix="rfcdesk-serve-") as scratch,
    ):
        target = output or Path(scratch) / "site"
        build_options = BuildOptions(target, live=True)
        stop = threading.Event()
        watcher: threading.Thread | None = None
        folder_watch: FolderWatch | None = None
        try:
            started = time.perf_counter()
            # Watching starts before the first build: an edit saved during it is not missed.
            folder_watch = FolderWatch(folder.root, target, lambda text: tell(sys.stderr, text))
            result = build_site(folder, build_options)
            state = BuildState()
            server = listen(host, port, target, state, Slots())
            watcher = threading.Thread(
                target=watch,
                args=(
                    folder_watch,
                    lambda: build_site(
                        open_folder(config, scheme, tree=tree_state(config.folder)),
                        build_options,
                    ),
                    state,
                    stop,
                    sys.stderr,
                ),
                daemon=True,
            )
            watcher.start()
            _announce(host, server.server_port, result.pages, target, started, out)
            stop_signal.serving = True
            try:
                while not stop_signal.requested:
                    server.handle_request()  # one request, or none in `server.timeout`
            finally:
                stop_signal.serving = False
                state.close()
                server.server_close()
        except KeyboardInterrupt:
            pass
        finally:
            # A rebuild under way must not write into the folder while it is removed.
            stop.set()
            if watcher is not None:
                watcher.join(WATCHER_JOIN_SECONDS)
            if folder_watch is not None:
                folder_watch.close()
    return EXIT_OK


def _announce(host: str, port: int, pages: int, target: Path, started: float, out: TextIO) -> None:
    """The ready line, and a warning when others could reach the site."""
    shown = f"[{host}]" if ":" in host else host
    if not is_loopback(host):
        warning = f"rfcdesk: serving on {host}: anyone who can reach it can read the site"
        print(warning, file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(
        f"built {pages} pages in {elapsed:.2f}s into {target}; "
        f"serving http://{shown}:{port}/ (Ctrl-C stops)",
        file=out,
        flush=True,
    )
