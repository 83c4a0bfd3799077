"""The scripts in examples/ run, end to end, with small budgets (their defaults take minutes)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import numpy as np
import pandas as pd
from core_helpers import REPO_ROOT

from genesis import SyntheticGenerator
from genesis.datasets import load_adult_sample


def _example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", REPO_ROOT / "examples" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quickstart_writes_a_synthetic_table_like_the_real_one_and_a_report(tmp_path):
    score = _example("quickstart").main(epochs=1, rows=300, out=tmp_path)
    synthetic = pd.read_csv(tmp_path / "synthetic.csv")
    assert list(synthetic.columns) == list(load_adult_sample().columns) and len(synthetic) == 300
    assert "<html" in (tmp_path / "report.html").read_text()
    assert 0.0 < score <= 1.0


def test_sequences_round_trips_a_long_table_and_scores_it(tmp_path):
    example = _example("sequences")
    scores = example.main(iterations=100, sensors=20, metric_iterations=(20, 20), out=tmp_path)
    real = example.sensor_table(20, days=24)
    synthetic = pd.read_csv(tmp_path / "synthetic.csv", parse_dates=["date"])
    assert list(synthetic.columns) == list(real.columns) and len(synthetic) == len(real)
    assert synthetic.groupby("sensor").size().eq(24).all()
    assert 0.0 <= scores["discriminative"] <= 0.5 and np.isfinite(scores["predictive"])
    model = SyntheticGenerator.load(tmp_path / "timegan.genesis")
    assert model.method == "timegan" and len(model.sample(3)) == 3 * 24
