"""The tensorflow plugin module: imports without its framework, describes itself from metadata."""

import subprocess
import sys


def test_plugin_module_imports_without_loading_the_framework():
    code = (
        "import sys\n"
        "import genesis_tensorflow.plugin as p\n"
        "info = p.genesis_backend_info()\n"
        "assert info.name == 'tensorflow' and info.available, info\n"
        "assert 'tensorflow' not in sys.modules, 'framework imported by describing the backend'\n"
        "print(info.framework_version)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    from importlib.metadata import version

    assert proc.stdout.strip() in {
        version(d) for d in ("tensorflow", "tensorflow-cpu") if _installed(d)
    }


def _installed(dist):
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(dist)
    except PackageNotFoundError:
        return False
    return True


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
