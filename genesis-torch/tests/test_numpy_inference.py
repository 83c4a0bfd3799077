"""A model trained on torch samples with numpy alone, torch and tensorflow hidden."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.errors import MethodNotSupportedError
from genesis.models.timegan import TimeGANParams
from genesis_testkit import tiny_table
from genesis_testkit.suite.timegan import long_frame

HIDE_FRAMEWORKS = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'tensorflow'):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Hide())
"""


def _sample_with_numpy_alone(model: Path, tmp_path: Path, sample: str, *more: str) -> pd.DataFrame:
    """Load ``model`` in a process where torch and tensorflow cannot be imported.

    Checks that the numpy backend was chosen and no framework was imported; runs the
    calls ``more`` too, and returns the frame the call ``sample`` gave.
    """
    out = tmp_path / "numpy-rows.json"
    code = HIDE_FRAMEWORKS + "\n".join(
        [
            "from genesis import SyntheticGenerator",
            f"gen = SyntheticGenerator.load({str(model)!r})",
            'assert gen.backend.name == "numpy", gen.backend.name',
            f"{sample}.to_json({str(out)!r}, orient='split', date_format='iso')",
            *more,
            'assert "torch" not in sys.modules and "tensorflow" not in sys.modules',
        ]
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return pd.read_json(out, orient="split")


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_saved_model_samples_without_any_framework(method, tmp_path):
    gen = SyntheticGenerator(
        method=method, backend="torch", epochs=3, batch_size=40, seed=0, verbose=False
    ).fit(tiny_table(missing=True))
    model = gen.save(tmp_path / "model.genesis")
    numpy_rows = _sample_with_numpy_alone(
        model,
        tmp_path,
        "gen.sample(400, seed=11)",
        'gen.sample(50, conditions={"city": "Porto"}, seed=1)',
    )
    torch_rows = gen.sample(400, seed=11)
    for column in ["city", "member", "plan", "age"]:
        assert numpy_rows[column].astype(str).tolist() == torch_rows[column].astype(str).tolist(), (
            column
        )
    pd.testing.assert_series_equal(
        numpy_rows["income"], torch_rows["income"], rtol=1e-5, check_dtype=False
    )


def test_numpy_backend_refuses_to_train(tmp_path):
    path = (
        SyntheticGenerator(
            method="tvae", backend="torch", epochs=1, batch_size=40, seed=0, verbose=False
        )
        .fit(tiny_table())
        .save(tmp_path / "m.genesis")
    )
    gen = SyntheticGenerator.load(path, backend="numpy")
    assert len(gen.sample(10)) == 10
    with pytest.raises(MethodNotSupportedError, match=r"pip install genesis-core\[torch\]"):
        gen.fit(tiny_table(), resume=True)


def test_saved_timegan_samples_without_any_framework(tmp_path):
    """A long-format TimeGAN trained on torch: numpy alone samples the same sequences."""
    gen = SyntheticGenerator(
        method="timegan",
        backend="torch",
        seq_len=6,
        iterations=5,
        seed=0,
        verbose=False,
        timegan=TimeGANParams(hidden_dim=6, num_layers=2, batch_size=8),
    ).fit(long_frame(), entity_column="id", order_column="day")
    model = gen.save(tmp_path / "timegan.genesis")
    numpy_rows = _sample_with_numpy_alone(model, tmp_path, "gen.sample(7, seed=5)")
    torch_rows = gen.sample(7, seed=5)
    assert list(numpy_rows.columns) == list(torch_rows.columns)
    assert len(numpy_rows) == len(torch_rows) == 7 * 6
    pd.testing.assert_series_equal(
        numpy_rows["price"], torch_rows["price"], atol=0.02, check_dtype=False
    )
    for column in ["day", "volume", "state"]:
        mismatch = (numpy_rows[column].astype(str) != torch_rows[column].astype(str)).mean()
        assert mismatch <= 0.05, (column, mismatch)


def test_numpy_backend_refuses_to_train_timegan(tmp_path):
    path = (
        SyntheticGenerator(
            method="timegan",
            backend="torch",
            iterations=2,
            seed=0,
            verbose=False,
            timegan=TimeGANParams(hidden_dim=4, num_layers=1, batch_size=8, seq_len=5),
        )
        .fit(long_frame(), entity_column="id", order_column="day")
        .save(tmp_path / "t.genesis")
    )
    gen = SyntheticGenerator.load(path, backend="numpy")
    assert gen.sample(3).shape[0] == 3 * 5
    with pytest.raises(MethodNotSupportedError, match=r"pip install genesis-core\[torch\]"):
        gen.fit(long_frame(), entity_column="id", order_column="day")
