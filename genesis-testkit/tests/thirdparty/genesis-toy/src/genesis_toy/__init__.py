"""A toy third-party Genesis backend."""
