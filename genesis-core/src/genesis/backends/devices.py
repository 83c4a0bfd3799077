"""Device resolution: ``"auto"`` picks ``GENESIS_DEVICE``, else the best the backend sees."""

from __future__ import annotations

import os

from genesis.backends.backend import Backend
from genesis.backends.info import BackendType
from genesis.backends.registry import BackendRegistry
from genesis.backends.selection import select_backend
from genesis.errors import ConfigurationError, DeviceNotAvailableError

__all__ = ["DEVICE_ENV_VAR", "DEVICE_KINDS", "get_device", "resolve_device"]

#: Device kinds Genesis knows, in the order "auto" prefers them.
DEVICE_KINDS: tuple[str, ...] = ("cuda", "mps", "cpu")

#: The environment variable that picks the device when the code asks for ``"auto"``.
DEVICE_ENV_VAR = "GENESIS_DEVICE"


def get_device(
    device: str = "auto",
    *,
    backend: BackendType | str | None = None,
    registry: BackendRegistry | None = None,
) -> str:
    """Resolve ``device`` to ``"cuda"``, ``"mps"`` or ``"cpu"`` through the backend's device hook.

    Args:
        device: ``"auto"`` (the device ``GENESIS_DEVICE`` names when it is set,
            else the best device present, falling back to CPU), or an explicit
            ``"cuda"``, ``"mps"`` or ``"cpu"`` (``"cuda:1"`` is accepted and
            returned as given).
        backend: which backend to ask (see :func:`select_backend`).
        registry: discovered backends; discovered afresh when omitted.

    Raises:
        ConfigurationError: ``device`` (or ``GENESIS_DEVICE``) is not a known kind.
        DeviceNotAvailableError: an explicit device (or ``GENESIS_DEVICE``'s) is
            not present.
        BackendNotAvailableError: no backend can be selected.
    """
    _parse(device)
    return resolve_device(select_backend(backend, registry=registry), device)


def _parse(device: str) -> tuple[str, str]:
    requested = device.strip().lower()
    kind = requested.split(":", 1)[0]
    if kind != "auto" and kind not in DEVICE_KINDS:
        raise ConfigurationError(
            f"Unknown device {device!r}; use one of 'auto', "
            + ", ".join(repr(d) for d in DEVICE_KINDS)
        )
    return requested, kind


def resolve_device(chosen: Backend, device: str = "auto") -> str:
    """Resolve ``device`` on an already selected backend (see :func:`get_device`)."""
    requested, kind = _parse(device)
    source = f"Device {device!r} was requested"
    hint = "Use device='auto' to fall back to the CPU."
    env = os.environ.get(DEVICE_ENV_VAR, "").strip()
    if kind == "auto" and env and env.lower() != "auto":
        try:
            requested, kind = _parse(env)
        except ConfigurationError as exc:
            raise ConfigurationError(f"{DEVICE_ENV_VAR}={env!r}: {exc}") from None
        source = f"{DEVICE_ENV_VAR}={env!r} asks for device {requested!r}"
        hint = f"Unset {DEVICE_ENV_VAR} (or set it to 'auto') to pick the best present."
    present = chosen.query_devices()
    if kind == "auto":
        for candidate in DEVICE_KINDS:
            if candidate in present:
                return candidate
        return "cpu"
    if kind not in present:
        raise DeviceNotAvailableError(
            f"{source} but the {chosen.name!r} backend "
            f"({chosen.info.framework} {chosen.info.framework_version}) sees only: "
            f"{', '.join(present) or 'none'}. {hint}"
        )
    return requested
