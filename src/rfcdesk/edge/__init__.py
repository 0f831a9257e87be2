"""The thin edge that touches the machine: the folder on disk, git, the cache, worker processes."""
