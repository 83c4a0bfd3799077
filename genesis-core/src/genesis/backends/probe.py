"""Helpers for plugins: is a framework installed, and which version, without importing it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FrameworkProbe", "probe_framework"]


@dataclass(frozen=True)
class FrameworkProbe:
    """What :func:`probe_framework` found.

    Attributes:
        installed: the framework's import package can be found.
        version: the version of the first matching distribution, or ``None``.
        reason: why it is not installed (empty when it is).
    """

    installed: bool
    version: str | None
    reason: str


def probe_framework(module: str, distributions: Sequence[str]) -> FrameworkProbe:
    """Look for ``module`` on ``sys.path`` and read its version from package metadata.

    Nothing is imported: ``importlib.util.find_spec`` only locates the package.

    Args:
        module: the import name (``"torch"``, ``"tensorflow"``).
        distributions: distribution names that provide it, first match wins
            (``["tensorflow", "tensorflow-cpu"]``).
    """
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    version = None
    for dist in distributions:
        try:
            version = importlib.metadata.version(dist)
            break
        except importlib.metadata.PackageNotFoundError:
            continue
    if spec is None:
        return FrameworkProbe(False, None, f"the {module!r} package is not installed")
    return FrameworkProbe(True, version, "")
