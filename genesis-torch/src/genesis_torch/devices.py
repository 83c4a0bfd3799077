"""Device listing for the torch backend (imports torch when called)."""

from __future__ import annotations

__all__ = ["list_devices"]


def list_devices() -> list[str]:
    """The device kinds torch can use here, best first; always ends with ``"cpu"``."""
    import torch

    found: list[str] = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found
