"""A seeded fit gives the same model whatever the thread count.

The default thread policy changes the count between steps (see
:mod:`genesis.training.threads`), so this is what keeps ``seed=`` reproducible.
The table is wide enough for torch to split the batch normalization and the
conditional loss between threads (tensors over 32,768 elements), which is where
a thread-dependent reduction order would show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator


def _wide_table(rows: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "many": rng.integers(0, 80, rows).astype(str),  # 80 categories: a wide condition
            "few": rng.choice(["a", "b", "c"], rows),
            "x": rng.normal(size=rows),
            "y": rng.gamma(2.0, size=rows),
        }
    )


def _fit(method: str, threads: int, precision: str) -> SyntheticGenerator:
    gen = SyntheticGenerator(
        method=method,
        backend="torch",
        epochs=2,
        batch_size=500,
        seed=0,
        verbose=False,
        num_threads=threads,
        precision=precision,
    )
    return gen.fit(_wide_table())


@pytest.mark.parametrize(
    ("method", "precision"),
    [("ctgan", "float32"), ("ctgan", "bfloat16"), ("tvae", "float32")],
)
def test_one_and_two_threads_train_the_same_model(method, precision):
    one = _fit(method, 1, precision)
    two = _fit(method, 2, precision)
    pd.testing.assert_frame_equal(one.loss_history, two.loss_history, check_exact=True)
    pd.testing.assert_frame_equal(one.sample(300), two.sample(300), check_exact=True)
