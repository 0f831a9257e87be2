"""A proposal process as data: the model of a scheme, loading and validating scheme files,
detecting and drafting a folder's scheme, and the built-in schemes."""
