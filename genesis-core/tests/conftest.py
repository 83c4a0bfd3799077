"""Shared fixtures for the core tests."""

from __future__ import annotations

import pytest

from genesis.backends import discover_backends


@pytest.fixture
def make_registry():
    """Build a registry (no entry points) from plugin objects."""

    def make(*plugins: object):
        registry = discover_backends(entry_points=False)
        for plugin in plugins:
            registry.add_plugin(plugin, name=getattr(plugin, "name", None))
        return registry

    return make


@pytest.fixture
def no_env(monkeypatch):
    """GENESIS_BACKEND and GENESIS_DEVICE are unset for the test."""
    monkeypatch.delenv("GENESIS_BACKEND", raising=False)
    monkeypatch.delenv("GENESIS_DEVICE", raising=False)
