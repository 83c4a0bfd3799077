"""Helpers shared by the core tests (importable as ``core_helpers``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from genesis import hookimpl
from genesis.backends import BackendInfo

REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeBackendPlugin:
    """A plugin object that implements the info and device hooks."""

    def __init__(
        self,
        name: str,
        priority: int,
        *,
        available: bool = True,
        devices: list[str] | None = None,
        capabilities: frozenset[str] = frozenset(),
    ) -> None:
        self.name = name
        self.priority = priority
        self.available = available
        self.devices = devices or ["cpu"]
        self.capabilities = capabilities

    @hookimpl
    def genesis_backend_info(self) -> BackendInfo:
        return BackendInfo(
            name=self.name,
            priority=self.priority,
            available=self.available,
            reason="" if self.available else f"the {self.name!r} package is not installed",
            install_command=f"pip install genesis-{self.name}",
            capabilities=self.capabilities,
            framework=self.name,
            framework_version="1.0" if self.available else None,
        )

    @hookimpl
    def genesis_query_devices(self) -> list[str]:
        return list(self.devices)


def run_python(
    code: str, *, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter of this environment."""
    full_env = {**os.environ, **(env or {})}
    if "GENESIS_BACKEND" not in (env or {}):
        full_env.pop("GENESIS_BACKEND", None)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=timeout
    )
