"""The toy backend: describes itself and lists the CPU; implements no method yet."""

from __future__ import annotations

from genesis import hookimpl
from genesis.backends import BackendInfo
from genesis.backends.probe import probe_framework


@hookimpl
def genesis_backend_info() -> BackendInfo:
    """Describe the toy backend (priority 100: after the built-in backends)."""
    probe = probe_framework("numpy", ["numpy"])
    return BackendInfo(
        name="toy",
        priority=100,
        available=probe.installed,
        reason=probe.reason,
        install_command="pip install genesis-toy",
        capabilities=frozenset(),
        framework="numpy",
        framework_version=probe.version,
        plugin_version="1.0.0",
    )


@hookimpl
def genesis_query_devices() -> list[str]:
    """The toy backend computes on the CPU only."""
    return ["cpu"]
