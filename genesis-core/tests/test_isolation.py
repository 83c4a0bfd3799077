"""Importing genesis loads no framework; with no framework the errors say what to install."""

import json

from core_helpers import run_python


def test_import_genesis_loads_no_framework():
    proc = run_python(
        "import sys, json\n"
        "import genesis\n"
        "from genesis import SyntheticGenerator, GeneratorConfig, BackendType\n"
        "from genesis.backends import discover_backends, select_backend\n"
        "reg = discover_backends(); select_backend('torch'); select_backend('tensorflow')\n"
        "print(json.dumps({'mods': [m for m in ('torch', 'tensorflow', 'keras', 'jax')"
        " if m in sys.modules]}))"
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["mods"] == [], f"frameworks imported: {result['mods']}"


HIDE_FRAMEWORKS = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'tensorflow'):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Hide())
"""


def test_core_without_frameworks_names_install_commands():
    code = (
        HIDE_FRAMEWORKS
        + """
import json
from genesis.backends import (BackendNotAvailableError, select_backend, check_pytorch_available,
                              check_tensorflow_available, discover_backends)
out = {'torch_ok': check_pytorch_available(), 'tf_ok': check_tensorflow_available()}
for key, arg in (('auto', None), ('torch', 'torch'), ('tf', 'tensorflow')):
    try:
        select_backend(arg)
        out[key] = None
    except BackendNotAvailableError as exc:
        out[key] = str(exc)
out['reasons'] = {i.name: i.reason for i in discover_backends().ranked()}
print(json.dumps(out))
"""
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["torch_ok"] is False and out["tf_ok"] is False
    assert "pip install genesis-core[torch]" in out["auto"]
    assert "pip install genesis-core[tensorflow]" in out["auto"]
    assert "pip install genesis-core[torch]" in out["torch"]
    assert "pip install genesis-core[tensorflow]" in out["tf"]
    assert "not installed" in out["reasons"]["torch"]
