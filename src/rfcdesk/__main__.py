from __future__ import annotations

from rfcdesk.cli import main

main()
