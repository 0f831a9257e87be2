"""rfcdesk: run a design-proposal process (KLIPs, RFCs, ...) in its git repository."""

from __future__ import annotations

# The one place the version is written: the package's metadata takes it from here
# (pyproject.toml's [tool.hatch.version]), and `rfcdesk --version` prints it without
# reading any metadata.
__version__ = "0.1.0"
