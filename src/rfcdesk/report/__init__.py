"""Findings as the user reads them: output formats and the baseline."""
