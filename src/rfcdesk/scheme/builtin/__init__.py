"""Built-in schemes, as data files: `NAME.toml` for each name below, their templates, and
the JSON Schema of scheme files."""

BUILTIN_NAMES = ("klip", "rfc", "pep", "rust-rfc", "swift-evolution", "eip", "kep", "madr")
