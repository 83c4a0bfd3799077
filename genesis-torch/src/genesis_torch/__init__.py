"""Genesis backend for PyTorch (the reference backend)."""
