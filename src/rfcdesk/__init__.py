"""rfcdesk: run a design-proposal process (KLIPs, RFCs, ...) in its git repository."""

from __future__ import annotations

__version__ = "0.1.0"
