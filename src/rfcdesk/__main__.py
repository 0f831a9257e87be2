from __future__ import annotations

from rfcdesk.cli import main

# Named as the console script names it, so that `python -m rfcdesk` completes in a shell too.
main(complete_var="_RFCDESK_COMPLETE")
