"""The torch plugin module: imports without its framework, describes itself from metadata."""

import subprocess
import sys


def test_plugin_module_imports_without_loading_the_framework():
    code = (
        "import sys\n"
        "import genesis_torch.plugin as p\n"
        "info = p.genesis_backend_info()\n"
        "assert info.name == 'torch' and info.available, info\n"
        "assert 'torch' not in sys.modules, 'framework imported by describing the backend'\n"
        "print(info.framework_version)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    from importlib.metadata import version

    assert proc.stdout.strip() in {version(d) for d in ("torch", "torch-cpu") if _installed(d)}


def _installed(dist):
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(dist)
    except PackageNotFoundError:
        return False
    return True


def test_devices_come_from_the_framework():
    from genesis_torch.plugin import genesis_query_devices

    devices = genesis_query_devices()
    assert devices[-1] == "cpu"
    assert set(devices) <= {"cuda", "mps", "cpu"}
