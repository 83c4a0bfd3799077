"""Shared fixtures for the data-layer tests: small real tables and fitted transformers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genesis.data.transformer import DataTransformer

FIXTURES = Path(__file__).parent / "fixtures"


def make_mixed_frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """A table with one column of every supported kind, several with missing values."""
    r = np.random.default_rng(seed)
    floats = np.concatenate([r.normal(-20, 2, n // 2), r.normal(30, 5, n - n // 2)])
    floats[r.random(n) < 0.15] = np.nan
    frame = pd.DataFrame(
        {
            "float": floats,
            "int": r.integers(-50, 50, n),
            "nullable_int": pd.array(
                np.where(r.random(n) < 0.2, None, r.integers(0, 5, n)), dtype="Int64"
            ),
            "flag": r.random(n) < 0.3,
            "nullable_flag": pd.array(
                np.where(r.random(n) < 0.2, None, r.random(n) < 0.5), dtype="boolean"
            ),
            "cat": pd.Categorical(
                r.choice(np.array(["x", "y", None], dtype=object), n, p=[0.5, 0.3, 0.2]),
                categories=["z", "y", "x"],
                ordered=True,
            ),
            "obj": pd.Series(
                r.choice(np.array(["a", "b", "c", None], dtype=object), n, p=[0.4, 0.3, 0.2, 0.1]),
                dtype=object,
            ),
            "text": pd.Series(r.choice(["p", "q", "r"], n)).astype("string"),
            "label": pd.Series(r.choice(np.array(["u", "v", None], dtype=object), n)).astype("str"),
            "when": pd.Series(
                pd.to_datetime("2020-01-01") + pd.to_timedelta(r.integers(0, 1000, n), unit="D")
            ),
            "when_tz": pd.Series(
                pd.to_datetime("2021-06-01") + pd.to_timedelta(r.integers(0, 10**6, n), unit="s")
            ).dt.tz_localize("Europe/Paris"),
            "duration": pd.Series(pd.to_timedelta(r.integers(0, 1000, n), unit="s")),
            "constant": np.full(n, 5.0),
            "small_float": r.normal(size=n).astype(np.float32),
            "byte": r.integers(0, 255, n).astype(np.uint8),
        }
    )
    frame.loc[frame.index[3], "when"] = pd.NaT
    return frame


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    """600 rows, 15 columns of every supported dtype, with missing values."""
    return make_mixed_frame()


@pytest.fixture
def fitted_mixed(mixed_frame: pd.DataFrame) -> DataTransformer:
    """A transformer fitted to :func:`mixed_frame`."""
    return DataTransformer().fit(mixed_frame, rng=np.random.default_rng(0))


@pytest.fixture(scope="session")
def adult_sample() -> pd.DataFrame:
    """2,000 rows of the Adult census table (all 15 columns), read-only use."""
    return pd.read_csv(FIXTURES / "adult_sample.csv")


@pytest.fixture(scope="session")
def fitted_adult(adult_sample: pd.DataFrame) -> DataTransformer:
    """A transformer fitted to :func:`adult_sample` (do not modify)."""
    return DataTransformer().fit(adult_sample, rng=np.random.default_rng(0))
