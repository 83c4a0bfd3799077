"""Which backend runs: the explicit choice, then ``GENESIS_BACKEND``, then priority."""

from __future__ import annotations

import os

from genesis.backends.backend import Backend
from genesis.backends.info import BackendType
from genesis.backends.registry import BackendRegistry, canonical_name, discover_backends
from genesis.errors import BackendNotAvailableError

__all__ = [
    "ENV_VAR",
    "check_pytorch_available",
    "check_tensorflow_available",
    "requested_backend_name",
    "select_backend",
]

#: The environment variable that picks a backend when the code does not.
ENV_VAR = "GENESIS_BACKEND"


def requested_backend_name(backend: BackendType | str | None = None) -> str:
    """Resolve the precedence of choices to a backend name, or ``"auto"``.

    The explicit argument wins; ``None`` or ``AUTO`` defers to the
    ``GENESIS_BACKEND`` environment variable; without it the answer is ``"auto"``.
    """
    if isinstance(backend, BackendType):
        name = backend.value
    elif backend is None:
        name = "auto"
    elif isinstance(backend, str):
        name = canonical_name(backend) or "auto"
    else:
        raise TypeError(f"backend must be a BackendType or a string, not {type(backend).__name__}")
    if name == "auto":
        env = os.environ.get(ENV_VAR, "").strip()
        if env:
            name = canonical_name(env)
    return name


def select_backend(
    backend: BackendType | str | None = None, *, registry: BackendRegistry | None = None
) -> Backend:
    """Return the backend to run on.

    Args:
        backend: ``BackendType.PYTORCH``, ``BackendType.TENSORFLOW``, any installed
            backend's name (``"jax"``), or ``AUTO``/``None`` for automatic choice.
        registry: the discovered backends; discovered afresh when omitted.

    Returns:
        The chosen :class:`Backend`. Automatic choice takes the available backend
        with the lowest priority number: torch, then tensorflow, then third
        parties by their declared priority.

    Raises:
        BackendNotAvailableError: the requested backend is not installed (the
            message gives the exact ``pip install`` command), is broken, or is
            unknown (the message lists the installed ones); or, for automatic
            choice, no backend is usable (the message names both install commands).
    """
    name = requested_backend_name(backend)
    registry = registry if registry is not None else discover_backends()
    if name != "auto":
        return registry.backend(name)
    for info in registry.available():
        return registry.backend(info.name)
    raise BackendNotAvailableError(registry.no_backend_message())


def _check(name: str) -> bool:
    try:
        select_backend(name)
    except BackendNotAvailableError:
        return False
    return True


def check_pytorch_available() -> bool:
    """Whether the torch backend is installed and its framework importable
    (without importing it)."""
    return _check("torch")


def check_tensorflow_available() -> bool:
    """Whether the tensorflow backend is installed and its framework importable
    (without importing it)."""
    return _check("tensorflow")
