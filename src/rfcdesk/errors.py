"""The one domain exception, and the exit codes every command returns."""

from __future__ import annotations

# Exit codes, documented in one place (README "Exit codes" repeats this table).
EXIT_OK = 0  # nothing at error severity was found
EXIT_FINDINGS = 1  # at least one error-severity diagnostic (or: not found, for show)
EXIT_USAGE = 2  # bad arguments, bad configuration, a folder rfcdesk cannot read


class FatalError(Exception):
    """A problem the user can act on; the CLI prints it and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
