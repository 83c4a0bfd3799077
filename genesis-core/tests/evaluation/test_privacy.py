"""Exact copies and distances to closest records."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from genesis.evaluation import evaluate
from genesis.evaluation.privacy import MAX_QUERY_ROWS, MAX_REFERENCE_ROWS, closest_distances


def test_a_copy_of_the_real_table_is_all_exact_copies(related):
    real = related()

    privacy = evaluate(real, real.copy()).privacy

    assert privacy.exact_copy_rate == 1.0
    assert privacy.dcr_synthetic_median == 0.0
    assert privacy.dcr_holdout_median > 0.0
    assert privacy.holdout_source == "split"
    assert privacy.holdout_rows_compared == 200 and privacy.reference_rows == 800


def test_fresh_rows_from_the_same_source_look_like_the_holdout(related):
    real, fresh = related(seed=0), related(seed=1)

    privacy = evaluate(real, fresh).privacy

    assert privacy.exact_copy_rate == 0.0
    assert privacy.dcr_synthetic_median == pytest.approx(privacy.dcr_holdout_median, rel=0.3)
    assert privacy.closer_than_holdout_p05 < 0.15


def test_half_copied_rows_show_up(related):
    real = related()
    half = pd.concat([real.iloc[:500], related(n=500, seed=1)], ignore_index=True)

    privacy = evaluate(real, half).privacy

    assert privacy.exact_copy_rate == 0.5
    assert privacy.closer_than_holdout_p05 > 0.4


def test_copies_survive_the_csv_type_changes():
    real = pd.DataFrame({"n": [1, 2, 3], "flag": [True, False, True], "s": ["a", None, "c"]})
    read_back = pd.DataFrame(
        {"n": [1.0, 2.0, 30.0], "flag": ["True", "False", "True"], "s": ["a", None, "c"]}
    )

    assert evaluate(real, read_back).privacy.exact_copy_rate == pytest.approx(2 / 3)


def test_a_given_holdout_is_the_baseline(related):
    real, holdout = related(n=600, seed=0), related(n=300, seed=5)

    privacy = evaluate(real, related(n=600, seed=1), holdout=holdout).privacy

    assert privacy.holdout_source == "given"
    assert privacy.reference_rows == 600 and privacy.holdout_rows_compared == 300


def test_gower_distance_by_hand():
    # Two numeric columns scaled to [0, 1] and one categorical column.
    query = (
        np.array([[0.0, 0.5], [0.0, 0.0]], dtype=np.float32),
        np.array([[False, False], [False, True]]),
        np.array([[1], [2]]),
    )
    reference = (
        np.array([[0.2, 0.5], [3.0, 0.0]], dtype=np.float32),
        np.array([[False, False], [False, True]]),
        np.array([[1], [2]]),
    )

    distances = closest_distances(query, reference)

    # row 0 → ref 0: (0.2 + 0 + 0) / 3; row 1 → ref 1: (min(3, 1) + 0 [both missing] + 0) / 3
    assert distances == pytest.approx([0.2 / 3, 1.0 / 3])


def test_missing_differs_from_any_value_by_one():
    real = pd.DataFrame({"v": [0.0, 10.0]})

    privacy = evaluate(real, pd.DataFrame({"v": [np.nan, np.nan]})).privacy

    assert privacy.exact_copy_rate == 0.0
    assert privacy.dcr_synthetic_median == 1.0


def test_big_tables_are_subsampled_and_quick(related):
    real, synthetic = related(n=15_000, seed=0), related(n=12_000, seed=1)

    started = time.perf_counter()
    privacy = evaluate(real, synthetic).privacy
    elapsed = time.perf_counter() - started

    assert privacy.synthetic_rows_compared == MAX_QUERY_ROWS
    assert privacy.reference_rows == MAX_REFERENCE_ROWS
    assert privacy.holdout_rows_compared == 3_000
    assert elapsed < 30
