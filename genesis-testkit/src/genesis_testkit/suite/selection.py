"""Selection: the backend is discovered, describes itself, and is chosen as documented."""

from __future__ import annotations

import pytest

from genesis import BackendType, SyntheticGenerator
from genesis.backends import (
    BackendInfo,
    BackendNotAvailableError,
    discover_backends,
    select_backend,
)


class SelectionTests:
    """The backend takes part in discovery and selection like any other."""

    def test_discovered_through_entry_point(self, genesis_backend_name, genesis_registry):
        assert genesis_backend_name in genesis_registry.infos, (
            f"{genesis_backend_name!r} not among discovered backends "
            f"{sorted(genesis_registry.infos)}; failures: {sorted(genesis_registry.failures)}"
        )
        assert genesis_backend_name not in genesis_registry.failures

    def test_describes_itself(self, genesis_backend):
        info = genesis_backend.info
        assert isinstance(info, BackendInfo)
        assert info.available and info.reason == ""
        assert isinstance(info.priority, int)
        assert info.install_command.startswith("pip install ")
        assert isinstance(info.capabilities, frozenset)
        assert all(isinstance(c, str) for c in info.capabilities)
        assert info.framework, "a backend names its framework"

    def test_selected_by_name(self, genesis_backend_name, genesis_env_clean):
        assert select_backend(genesis_backend_name).name == genesis_backend_name
        assert select_backend(genesis_backend_name.upper()).name == genesis_backend_name

    def test_selected_by_backend_type_when_builtin(self, genesis_backend_name, genesis_env_clean):
        members = {m.value: m for m in BackendType if m is not BackendType.AUTO}
        if genesis_backend_name not in members:
            with pytest.raises(ValueError):
                BackendType(genesis_backend_name)
            return
        assert select_backend(members[genesis_backend_name]).name == genesis_backend_name

    def test_selected_by_environment(self, genesis_backend_name, monkeypatch):
        monkeypatch.setenv("GENESIS_BACKEND", genesis_backend_name)
        assert select_backend().name == genesis_backend_name
        assert select_backend(BackendType.AUTO).name == genesis_backend_name
        assert SyntheticGenerator(method="ctgan").backend.name == genesis_backend_name

    def test_explicit_argument_beats_environment(self, genesis_backend_name, monkeypatch):
        monkeypatch.setenv("GENESIS_BACKEND", "no-such-backend")
        assert select_backend(genesis_backend_name).name == genesis_backend_name
        with pytest.raises(BackendNotAvailableError, match="no-such-backend"):
            select_backend()

    def test_auto_order_respects_priority(self, genesis_backend, genesis_env_clean):
        registry = discover_backends()
        chosen = select_backend(registry=registry)
        assert chosen.info.priority <= genesis_backend.info.priority
        assert chosen.name == registry.available()[0].name
