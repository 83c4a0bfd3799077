"""Tables for the evaluation tests: columns that depend on each other, of every kind."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest


def make_related_table(n: int = 1_000, seed: int = 0) -> pd.DataFrame:
    """Numbers, a category, a flag and a date, all driven by one hidden variable."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    return pd.DataFrame(
        {
            "x": z * 10 + 50,
            "y": 3 * z + rng.normal(scale=0.3, size=n),
            "level": np.where(z > 0.5, "high", np.where(z < -0.5, "low", "mid")),
            "flag": z + rng.normal(scale=0.2, size=n) > 0,
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta((z * 30).round(), unit="D"),
        }
    )


def shuffle_each_column(table: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """Same columns, same values, every column permuted on its own: relations destroyed."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {c: table[c].to_numpy()[rng.permutation(len(table))] for c in table.columns}
    )


@pytest.fixture
def related() -> Callable[..., pd.DataFrame]:
    """``related(n=1000, seed=0)``: see :func:`make_related_table`."""
    return make_related_table


@pytest.fixture
def shuffled() -> Callable[..., pd.DataFrame]:
    """``shuffled(table, seed=1)``: see :func:`shuffle_each_column`."""
    return shuffle_each_column
