"""What a backend says about itself, and the options a model is built with."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["BackendInfo", "BackendType", "Capability", "RuntimeOptions", "precision_capability"]


class BackendType(str, enum.Enum):
    """The backends Genesis ships, plus ``AUTO`` for "the best one installed".

    Third-party backends are chosen by their name as a plain string
    (``backend="jax"``); they need no member here.
    """

    AUTO = "auto"
    PYTORCH = "torch"
    TENSORFLOW = "tensorflow"

    def __str__(self) -> str:
        return self.value


class Capability:
    """Names a backend may list in :attr:`BackendInfo.capabilities`.

    Method names say which generators the backend can train; the other names
    declare optional features. Tests and the core gate on these names, never on a
    backend's name.
    """

    CTGAN = "ctgan"
    TVAE = "tvae"
    TIMEGAN = "timegan"
    SAVE_LOAD = "save_load"
    #: trains CTGAN and TVAE in mixed precision (``RuntimeOptions.precision="bfloat16"``).
    PRECISION_BFLOAT16 = "precision:bfloat16"


def precision_capability(precision: str) -> str:
    """The capability that says a backend trains in ``precision`` (``"precision:bfloat16"``)."""
    return f"precision:{precision}"


@dataclass(frozen=True)
class BackendInfo:
    """A backend's description of itself (returned by ``genesis_backend_info``).

    Attributes:
        name: the name users select it by (``"torch"``, ``"tensorflow"``, ``"jax"``).
        priority: lower runs first in automatic selection (torch 10, tensorflow 20;
            third parties should use 100 or more unless they mean to outrank these).
        available: whether its framework is installed and importable.
        reason: why it is not available (empty when it is).
        install_command: the exact command that makes it available.
        capabilities: the methods and features it implements (see :class:`Capability`).
        framework: the deep-learning framework's distribution name (``"torch"``).
        framework_version: the installed framework's version, or ``None``.
        plugin_version: the version of the distribution that holds the plugin.
    """

    name: str
    priority: int
    available: bool
    install_command: str
    reason: str = ""
    capabilities: frozenset[str] = field(default_factory=frozenset)
    framework: str = ""
    framework_version: str | None = None
    plugin_version: str | None = None


@dataclass(frozen=True)
class RuntimeOptions:
    """How a backend should place and run a model.

    Attributes:
        device: a resolved device kind (``"cpu"``, ``"cuda"``, ``"mps"``).
        seed: seed for the backend's own random generator (weights init, noise);
            ``None`` for a nondeterministic run.
        num_threads: intra-op threads the framework may use; ``None`` keeps the
            backend's default policy.
        precision: ``"float32"``, or ``"bfloat16"`` for mixed precision in training
            (matrix products in bfloat16, weights, optimizer state and losses in
            float32). Only asked of a backend that declares the capability
            ``precision_capability("bfloat16")``; sampling is float32 either way.
    """

    device: str = "cpu"
    seed: int | None = None
    num_threads: int | None = None
    precision: str = "float32"
