"""Static checks of the whole repository, with the root pyproject.toml's settings.

* ruff: lint and format (``ruff check .``, ``ruff format --check .``);
* mypy: the four packages are typed (PEP 561), their annotations check, and
  users' type checkers see them.

The tools are development dependencies pinned in requirements-dev.txt (a new
release adds checks); each runs for real, in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from core_helpers import REPO_ROOT

pytestmark = pytest.mark.slow
_DEV = "a development dependency (requirements-dev.txt)"


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff(command):
    pytest.importorskip("ruff", reason=f"ruff is {_DEV}")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason=f"mypy is {_DEV}")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def test_the_packages_type_check():
    result = _mypy(cwd=REPO_ROOT)  # the files and settings of [tool.mypy]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_user_code_sees_the_public_annotations(tmp_path):
    """Through py.typed, a user's type checker knows the promised API's types.

    The snippet uses the public names correctly except on one line, which assigns
    an ``int`` property to a ``str``: mypy must flag exactly that line. Without
    the markers, the imports would be untyped (``Any``) and the line would pass.
    """
    code = textwrap.dedent(
        """\
        import pandas as pd

        from genesis import BackendType, GeneratorConfig, SyntheticGenerator
        from genesis.backends import BackendNotAvailableError, get_device, select_backend

        config = GeneratorConfig(backend=BackendType.PYTORCH, epochs=1)
        gen = SyntheticGenerator(config=config)
        gen = SyntheticGenerator(method="ctgan", backend="tensorflow")
        gen.fit(pd.DataFrame({"a": [1.0, 2.0]}), discrete_columns=[])
        history: pd.DataFrame = gen.loss_history
        gen.sample(10).to_csv("synthetic.csv")  # no narrowing needed for tables
        device: str = get_device("auto")
        name: str = select_backend().name
        error: type[Exception] = BackendNotAvailableError
        wrong: str = gen.epochs_done
        """
    )
    (tmp_path / "user_code.py").write_text(code)
    result = _mypy("--no-incremental", "--strict-optional", "user_code.py", cwd=tmp_path)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    wrong_line = code.splitlines().index("wrong: str = gen.epochs_done") + 1
    assert len(errors) == 1, result.stdout
    assert errors[0].startswith(f"user_code.py:{wrong_line}: error: Incompatible types"), errors
