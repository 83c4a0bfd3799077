"""Fixtures for the command-line tests: a runner for the real ``genesis`` script,
a small table on disk, and one model fitted once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@dataclass(frozen=True)
class Run:
    """A finished ``genesis`` process."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The non-empty lines of stderr."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def genesis_command() -> list[str]:
    """The installed ``genesis`` script next to this interpreter, else ``python -m genesis.cli``."""
    script = Path(sys.executable).with_name("genesis")
    return [str(script)] if script.exists() else [sys.executable, "-m", "genesis.cli"]


def run_genesis(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Run:
    """Run ``genesis ARGS`` in a subprocess (torch backend, no debug) and wait for it."""
    full_env = {
        k: v for k, v in os.environ.items() if k not in {"GENESIS_BACKEND", "GENESIS_DEBUG"}
    }
    full_env["GENESIS_BACKEND"] = "torch"
    full_env.update(env or {})
    proc = subprocess.run(
        [*genesis_command(), *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def make_small_table(n: int = 160, seed: int = 0) -> pd.DataFrame:
    """Numbers with missing values, an integer column meant as categories, a flag, text."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 0.5, n).round(2)
    income[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": income,
            "group": rng.choice([1, 2, 3], n),
            "member": rng.random(n) < 0.4,
            "city": rng.choice(["Paris", "Lyon", "Nice"], n),
        }
    )


@pytest.fixture
def genesis() -> Callable[..., Run]:
    """``genesis(*args, cwd=..., env=...)`` runs the command line in a subprocess."""
    return run_genesis


@pytest.fixture
def make_table() -> Callable[..., pd.DataFrame]:
    """``make_table(n=160, seed=0)`` builds the small table (see :func:`make_small_table`)."""
    return make_small_table


@pytest.fixture
def genesis_cmd() -> list[str]:
    """The command that starts the command line (see :func:`genesis_command`)."""
    return genesis_command()


@pytest.fixture(scope="session")
def table_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small table (see :func:`make_small_table`) as CSV; treat as read-only."""
    path = tmp_path_factory.mktemp("table") / "real.csv"
    make_small_table().to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def model_file(tmp_path_factory: pytest.TempPathFactory, table_csv: Path) -> Path:
    """A CTGAN model of ``table_csv`` (2 epochs, ``group`` discrete), fitted by ``genesis fit``."""
    path = tmp_path_factory.mktemp("model") / "model.genesis"
    run = run_genesis(
        "fit",
        table_csv,
        "--epochs",
        "2",
        "--seed",
        "0",
        "--discrete-columns",
        "group",
        "-o",
        path,
        "--quiet",
    )
    assert run.returncode == 0, run.stderr
    return path
