import os
import subprocess
import sys
from pathlib import Path


def _genesis(*args, env=None):
    exe = Path(sys.executable).with_name("genesis")
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("GENESIS_BACKEND", "GENESIS_DEVICE")
    }
    full_env.update(env or {})
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_backends_lists_every_backend_with_details():
    proc = _genesis("backends")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["name", "priority", "status"]
    rows = {line.split()[0]: line for line in lines[1:] if line.strip()}
    assert rows["torch"].split()[1] == "10" and "available" in rows["torch"]
    assert rows["tensorflow"].split()[1] == "20"
    import torch

    assert f"torch {torch.__version__}" in rows["torch"]
    assert "cpu" in rows["torch"] and "cpu" in rows["tensorflow"]
    assert list(rows).index("torch") < list(rows).index("tensorflow")


def test_backends_shows_environment_choice():
    proc = _genesis("backends", env={"GENESIS_BACKEND": "tensorflow"})
    assert "GENESIS_BACKEND selects: tensorflow" in proc.stdout
    assert "GENESIS_DEVICE" not in proc.stdout
    proc = _genesis("backends", env={"GENESIS_DEVICE": "cpu"})
    assert "GENESIS_DEVICE selects: cpu" in proc.stdout


def test_version_and_help():
    import genesis

    assert genesis.__version__ in _genesis("--version").stdout
    proc = _genesis("--help")
    assert proc.returncode == 0 and "backends" in proc.stdout
    assert _genesis("no-such-command").returncode == 2
