"""Built-in schemes, as data files."""
