"""A broken third-party Genesis backend."""
