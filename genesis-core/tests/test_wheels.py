"""Each distribution builds a wheel, and installs by name into a fresh environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from core_helpers import REPO_ROOT

import genesis

DISTS = ["genesis-core", "genesis-torch", "genesis-tensorflow", "genesis-testkit"]
PACKAGES = {
    "genesis-core": "genesis",
    "genesis-torch": "genesis_torch",
    "genesis-tensorflow": "genesis_tensorflow",
    "genesis-testkit": "genesis_testkit",
}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            *(str(REPO_ROOT / d) for d in DISTS),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return zf.read(name).decode()


def _venv_from_wheels(python: str, venv: Path, wheelhouse: Path, requirement: str) -> Path:
    """A fresh virtual environment of ``python`` with ``requirement`` installed from the
    wheels (dependencies from the index, with the repository's pins)."""
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--find-links",
            str(wheelhouse),
            "-c",
            str(REPO_ROOT / "constraints.txt"),
            requirement,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return venv


def test_every_distribution_builds_a_typed_licensed_wheel_at_the_shared_version(wheelhouse):
    v = genesis.__version__
    for dist in DISTS:
        wheels = list(wheelhouse.glob(f"{dist.replace('-', '_')}-{v}-py3-none-any.whl"))
        assert len(wheels) == 1, sorted(p.name for p in wheelhouse.iterdir())
        with zipfile.ZipFile(wheels[0]) as zf:
            names = set(zf.namelist())
        package = PACKAGES[dist]
        # PEP 561: type checkers read the annotations only from packages marked typed.
        assert f"{package}/py.typed" in names, dist
        licence = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert licence, f"{dist}: no LICENSE in the wheel's metadata"
        with zipfile.ZipFile(wheels[0]) as zf:
            assert b"Apache License" in zf.read(licence[0])
        assert "License-Expression: Apache-2.0" in _metadata(wheels[0]), dist
    core = _metadata(next(wheelhouse.glob("genesis_core-*.whl")))
    assert f"Requires-Dist: genesis-torch=={v}; extra == 'torch'" in core
    assert f"Requires-Dist: genesis-tensorflow[cpu]=={v}; extra == 'tensorflow'" in core


def test_installing_core_with_torch_extra_gives_a_working_backend(wheelhouse, tmp_path):
    venv = _venv_from_wheels(sys.executable, tmp_path / "venv", wheelhouse, "genesis-core[torch]")
    py = venv / "bin" / "python"
    probe = subprocess.run(
        [
            str(py),
            "-c",
            "import genesis, genesis_torch, importlib.metadata as md\n"
            "from genesis.backends import select_backend, get_device\n"
            "assert 'site-packages' in genesis.__file__\n"
            "assert 'site-packages' in genesis_torch.__file__\n"
            "print(select_backend().name, get_device('auto'), md.version('genesis-torch'))",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    name, device, version = probe.stdout.split()
    assert name == "torch" and device in {"cpu", "cuda"} and version == genesis.__version__
    cli = subprocess.run(
        [str(venv / "bin" / "genesis"), "backends"], capture_output=True, text=True, timeout=300
    )
    assert cli.returncode == 0 and cli.stdout.splitlines()[1].startswith("torch"), (
        cli.stdout + cli.stderr
    )


_ON_OLDEST = textwrap.dedent(
    """\
    import sys

    import pandas as pd

    from genesis import SyntheticGenerator
    from genesis.evaluation import evaluate
    from genesis.evaluation.html import render_html

    assert sys.version_info[:2] == (3, 10), sys.version
    table = SyntheticGenerator.load("ctgan.genesis")
    rows = table.sample(300, seed=1)
    assert table.backend.name == "numpy"
    assert list(rows.columns) == list(pd.read_csv("real.csv").columns)
    assert set(table.sample(20, conditions={"city": "Faro"}, seed=2)["city"]) == {"Faro"}
    assert "<html" in render_html(evaluate(pd.read_csv("real.csv"), rows))
    assert SyntheticGenerator.load("timegan.genesis").sample(4, seed=0).shape == (4, 24, 5)
    print("ok", pd.__version__)
    """
)


def _python310() -> str | None:
    """A Python 3.10 interpreter that runs: on PATH, or installed by pyenv."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [
        shutil.which("python3.10"),
        *sorted(map(str, pyenv.glob("versions/3.10*/bin/python3.10"))),
    ]
    for candidate in filter(None, candidates):
        if (
            subprocess.run([candidate, "-c", "pass"], capture_output=True, timeout=60).returncode
            == 0
        ):
            return candidate
    return None


def test_core_alone_on_the_oldest_supported_python_samples_saved_models(wheelhouse, tmp_path):
    """requires-python says 3.10: there, with no framework (and pandas 2), the core
    loads models saved by the torch backend, samples them with numpy and reports."""
    python310 = _python310()
    if python310 is None:
        pytest.skip("no working python3.10 here (PATH, pyenv)")
    from genesis import SyntheticGenerator
    from genesis.timeseries.sines import make_sines
    from genesis_testkit.capabilities import tiny_table

    real = tiny_table(200, seed=0)
    real.to_csv(tmp_path / "real.csv", index=False)
    options = {"seed": 0, "verbose": False, "backend": "torch"}
    SyntheticGenerator(method="ctgan", epochs=1, batch_size=50, **options).fit(real).save(
        tmp_path / "ctgan.genesis", training_state=False
    )
    sines = make_sines(64, seed=0)
    SyntheticGenerator(method="timegan", seq_len=24, iterations=100, **options).fit(sines).save(
        tmp_path / "timegan.genesis", training_state=False
    )
    venv = _venv_from_wheels(python310, tmp_path / "venv310", wheelhouse, "genesis-core")
    py = venv / "bin" / "python"
    run = subprocess.run(
        [str(py), "-c", _ON_OLDEST], capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr[-4000:]
    assert run.stdout.startswith("ok 2."), run.stdout  # pandas 3 needs Python 3.11
    inspect = subprocess.run(
        [str(venv / "bin" / "genesis"), "inspect", "timegan.genesis", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert inspect.returncode == 0, inspect.stderr
    assert json.loads(inspect.stdout)["progress"] == {
        "embedding": 100,
        "supervised": 100,
        "joint": 100,
    }
