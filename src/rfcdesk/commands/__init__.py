"""One module per command: each parses nothing, does its job and returns an exit code."""
