"""The tensorflow plugin module: imports without its framework, describes itself from metadata."""

from genesis_testkit.isolation import describe_in_fresh_interpreter, installed_versions


def test_plugin_module_imports_without_loading_the_framework():
    described = describe_in_fresh_interpreter("genesis_tensorflow.plugin")
    assert described.name == "tensorflow" and described.available, described
    assert "tensorflow" not in described.imported, "framework imported by describing the backend"
    assert described.framework_version in installed_versions("tensorflow", "tensorflow-cpu")


def test_devices_come_from_the_framework():
    from genesis_tensorflow.plugin import genesis_query_devices

    devices = genesis_query_devices()
    assert devices[-1] == "cpu"
    assert set(devices) <= {"cuda", "mps", "cpu"}


def test_the_backend_declares_both_tabular_methods_and_model_files():
    from genesis.backends import Capability, discover_backends

    backend = discover_backends().backend("tensorflow")

    for capability in (Capability.CTGAN, Capability.TVAE, Capability.SAVE_LOAD):
        assert backend.supports(capability), capability
