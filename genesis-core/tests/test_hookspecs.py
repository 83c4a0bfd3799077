import inspect

import pluggy
import pytest

from genesis import hookimpl, hookspecs
from genesis.backends import make_plugin_manager

HOOKS = [name for name in dir(hookspecs) if name.startswith("genesis_")]


def test_every_hook_is_documented_and_typed():
    assert {
        "genesis_backend_info",
        "genesis_query_devices",
        "genesis_build_model",
        "genesis_train_step",
        "genesis_generate",
        "genesis_get_weights",
        "genesis_set_weights",
    } <= set(HOOKS)
    for name in HOOKS:
        fn = getattr(hookspecs, name)
        assert fn.__doc__ and "Return" in fn.__doc__, f"{name} lacks a docstring with its return"
        sig = inspect.signature(fn)
        assert sig.return_annotation is not inspect.Signature.empty, name
        for p in sig.parameters.values():
            assert p.annotation is not inspect.Parameter.empty, f"{name}({p.name}) untyped"


def test_factory_returns_a_fresh_manager_each_time():
    a, b = make_plugin_manager(), make_plugin_manager()
    assert a is not b
    assert a.project_name == "genesis"
    assert hasattr(a.hook, "genesis_backend_info")


class Misspelt:
    @hookimpl
    def genesis_query_device(self):  # missing the trailing "s"
        return ["cpu"]


def test_check_pending_catches_a_misspelt_hook():
    pm = make_plugin_manager()
    pm.register(Misspelt())
    with pytest.raises(pluggy.PluginValidationError, match="genesis_query_device"):
        pm.check_pending()


def test_registry_reports_a_misspelt_plugin_and_keeps_others(make_registry):
    from core_helpers import FakeBackendPlugin

    registry = make_registry(FakeBackendPlugin("good", 50))
    assert registry.add_plugin(Misspelt(), name="misspelt") is None
    assert "misspelt" in registry.failures
    assert "genesis_query_device" in registry.failures["misspelt"].error
    assert registry.backend("good").query_devices() == ["cpu"]
