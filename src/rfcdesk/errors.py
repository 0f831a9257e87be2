"""The one domain exception, and the exit codes every command returns."""

from __future__ import annotations

# Exit codes, documented in one place (README "Exit codes" repeats this table).
EXIT_OK = 0  # nothing at error severity was found
EXIT_FINDINGS = 1  # at least one error-severity diagnostic (or: not found, for show)
EXIT_USAGE = 2  # bad arguments, bad configuration, a folder rfcdesk cannot read
EXIT_INTERNAL = 3  # a bug in rfcdesk: the traceback is written to a log file
EXIT_INTERRUPTED = 130  # Ctrl-C


class FatalError(Exception):
    """A problem the user can act on; the CLI prints it and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def crash_log(exc: BaseException) -> str:
    """Write an unexpected exception's traceback to a log file and return the file's path."""
    import os
    import tempfile
    import time
    import traceback

    from rfcdesk import __version__

    text = f"rfcdesk {__version__}\n" + "".join(traceback.format_exception(exc))
    name = f"rfcdesk-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    path = os.path.join(tempfile.gettempdir(), name)
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return "(no log: the temporary folder is not writable)"
    return path
