"""What the user reads: findings in output formats, the baseline, the relation graph."""
