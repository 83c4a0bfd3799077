import pytest
from core_helpers import FakeBackendPlugin

from genesis import BackendType, SyntheticGenerator
from genesis.backends import BackendNotAvailableError, discover_backends, select_backend


def test_priority_order_not_registration_order(make_registry, no_env):
    registry = make_registry(
        FakeBackendPlugin("third", 100),
        FakeBackendPlugin("tensorflow", 20),
        FakeBackendPlugin("torch", 10),
    )
    assert [i.name for i in registry.ranked()] == ["torch", "tensorflow", "third"]
    assert select_backend(registry=registry).name == "torch"


def test_unavailable_backends_are_passed_over(make_registry, no_env):
    registry = make_registry(
        FakeBackendPlugin("torch", 10, available=False), FakeBackendPlugin("tensorflow", 20)
    )
    assert select_backend(registry=registry).name == "tensorflow"
    assert select_backend(BackendType.AUTO, registry=registry).name == "tensorflow"


def test_third_party_outranks_by_declared_priority(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("torch", 10), FakeBackendPlugin("jax", 5))
    assert select_backend(registry=registry).name == "jax"


def test_explicit_then_environment_then_priority(make_registry, monkeypatch):
    registry = make_registry(FakeBackendPlugin("torch", 10), FakeBackendPlugin("tensorflow", 20))
    monkeypatch.setenv("GENESIS_BACKEND", "tensorflow")
    assert select_backend(registry=registry).name == "tensorflow"
    assert select_backend("torch", registry=registry).name == "torch"
    assert select_backend(BackendType.PYTORCH, registry=registry).name == "torch"
    monkeypatch.setenv("GENESIS_BACKEND", "TF")  # alias, any case
    assert select_backend(registry=registry).name == "tensorflow"


def test_missing_builtin_names_exact_install_command(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("torch", 10))
    with pytest.raises(BackendNotAvailableError) as err:
        select_backend("tensorflow", registry=registry)
    assert "pip install genesis-core[tensorflow]" in str(err.value)
    with pytest.raises(BackendNotAvailableError, match=r"pip install genesis-core\[torch\]"):
        select_backend("torch", registry=make_registry())


def test_installed_plugin_without_framework_names_its_command(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("jax", 30, available=False))
    with pytest.raises(BackendNotAvailableError, match=r"not usable.*pip install genesis-jax"):
        select_backend("jax", registry=registry)


def test_unknown_name_lists_installed(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("torch", 10), FakeBackendPlugin("tensorflow", 20))
    with pytest.raises(BackendNotAvailableError) as err:
        select_backend("mxnet", registry=registry)
    msg = str(err.value)
    assert "Unknown backend 'mxnet'" in msg and "torch, tensorflow" in msg


def test_no_backend_names_both_commands(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("torch", 10, available=False))
    with pytest.raises(BackendNotAvailableError) as err:
        select_backend(registry=registry)
    assert "pip install genesis-core[torch]" in str(err.value)
    assert "pip install genesis-core[tensorflow]" in str(err.value)


def test_backend_error_is_an_import_error_and_genesis_error():
    from genesis.errors import GenesisError

    assert issubclass(BackendNotAvailableError, ImportError)
    assert issubclass(BackendNotAvailableError, GenesisError)


def test_plugin_whose_info_hook_raises_is_reported_others_work(make_registry, no_env):
    class Exploding(FakeBackendPlugin):
        from genesis import hookimpl

        @hookimpl
        def genesis_backend_info(self):
            raise RuntimeError("boom in info")

    registry = make_registry(FakeBackendPlugin("torch", 10), Exploding("exploding", 1))
    assert "exploding" in registry.failures
    assert "boom in info" in registry.failures["exploding"].traceback
    assert select_backend(registry=registry).name == "torch"
    with pytest.raises(BackendNotAvailableError, match=r"failed to load.*boom in info"):
        select_backend("exploding", registry=registry)


def test_two_plugins_claiming_one_name(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("torch", 10))
    assert registry.add_plugin(FakeBackendPlugin("torch", 1), name="torch-impostor") is None
    assert "torch-impostor" in registry.failures
    assert registry.infos["torch"].priority == 10


# --- real discovery through the installed entry points -----------------------


def test_real_entry_points_find_torch_then_tensorflow(no_env):
    registry = discover_backends()
    names = [i.name for i in registry.ranked()]
    assert names.index("torch") < names.index("tensorflow")
    assert select_backend(registry=registry).name == "torch"
    assert select_backend("tensorflow", registry=registry).info.framework == "tensorflow"


def test_public_constructors_select_the_backend(no_env):
    from genesis import GeneratorConfig

    assert SyntheticGenerator(method="ctgan").backend.name == "torch"
    assert SyntheticGenerator(method="ctgan", backend="tensorflow").backend.name == "tensorflow"
    cfg = GeneratorConfig(backend=BackendType.PYTORCH)
    assert SyntheticGenerator(config=cfg).backend.name == "torch"
    assert (
        SyntheticGenerator(config=GeneratorConfig(backend=BackendType.TENSORFLOW)).backend.name
        == "tensorflow"
    )
