"""A third-party backend and a broken one, pip-installed as real distributions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "thirdparty"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A directory holding genesis-toy and genesis-broken, installed by pip."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(HERE / "genesis-toy"),
            str(HERE / "genesis-broken"),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (target / "genesis_toy" / "plugin.py").exists()
    return target


def _run(site: Path, *cmd: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GENESIS_BACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(list(cmd), capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_third_party_is_discovered_and_ranked(site):
    code = """
import json, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from genesis.backends import discover_backends, select_backend
    reg = discover_backends()
print(json.dumps({
    "ranked": [(i.name, i.priority) for i in reg.ranked()],
    "auto": select_backend(registry=reg).name,
    "toy": select_backend("toy", registry=reg).query_devices(),
    "failures": sorted(reg.failures),
    "warned": [str(w.message) for w in caught],
}))
"""
    proc = _run(site, sys.executable, "-c", code)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["ranked"] == [["torch", 10], ["tensorflow", 20], ["toy", 100]]
    assert out["auto"] == "torch"
    assert out["toy"] == ["cpu"]
    assert out["failures"] == ["broken"]
    assert any("'broken'" in w and "failed to load" in w for w in out["warned"])


def test_broken_plugin_is_reported_by_name_with_traceback(site):
    code = """
from genesis.backends import BackendNotAvailableError, select_backend
assert select_backend("torch").name == "torch"
try:
    select_backend("broken")
except BackendNotAvailableError as exc:
    print(exc)
"""
    proc = _run(site, sys.executable, "-W", "ignore", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert "'broken' backend plugin (genesis_broken.plugin) failed to load" in proc.stdout
    assert "Traceback" in proc.stdout and "genesis_broken_missing_dependency" in proc.stdout

    cli = _run(site, str(Path(sys.executable).with_name("genesis")), "backends", "--traceback")
    assert cli.returncode == 0, cli.stderr
    assert any(line.startswith("broken") and "BROKEN" in line for line in cli.stdout.splitlines())
    assert any(line.startswith("toy") and "available" in line for line in cli.stdout.splitlines())
    assert "genesis_broken_missing_dependency" in cli.stderr


def test_third_party_runs_the_conformance_suite(site, tmp_path):
    proc = _run(
        site,
        sys.executable,
        "-m",
        "pytest",
        "--genesis-backend=toy",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::UserWarning",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout and "failed" not in proc.stdout
