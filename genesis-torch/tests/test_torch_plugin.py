"""The torch plugin module: imports without its framework, describes itself from metadata."""

from genesis_testkit.isolation import describe_in_fresh_interpreter, installed_versions


def test_plugin_module_imports_without_loading_the_framework():
    described = describe_in_fresh_interpreter("genesis_torch.plugin")
    assert described.name == "torch" and described.available, described
    assert "torch" not in described.imported, "framework imported by describing the backend"
    assert described.framework_version in installed_versions("torch", "torch-cpu")


def test_devices_come_from_the_framework():
    from genesis_torch.plugin import genesis_query_devices

    devices = genesis_query_devices()
    assert devices[-1] == "cpu"
    assert set(devices) <= {"cuda", "mps", "cpu"}
