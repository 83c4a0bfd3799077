"""Column shapes and pair trends: the formulas, and what they must tell apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis.errors import DataValidationError, UnknownColumnError
from genesis.evaluation import evaluate
from genesis.evaluation.quality import ks_complement, tv_complement


def shapes(report) -> dict[str, float]:
    return {s.column: s.score for s in report.column_shapes}


def trends(report) -> dict[tuple[str, str], float]:
    return {(t.column_1, t.column_2): t.score for t in report.column_pair_trends}


def test_identical_tables_score_one_everywhere(related):
    real = related()

    report = evaluate(real, real.copy())

    assert report.overall_score == 1.0
    assert set(shapes(report).values()) == {1.0}
    assert set(trends(report).values()) == {1.0}
    assert len(report.column_pair_trends) == 10  # 5 columns, every pair once


def test_shuffled_columns_keep_shapes_but_lose_pair_trends(related, shuffled):
    real = related()

    report = evaluate(real, shuffled(real))

    assert set(shapes(report).values()) == {1.0}  # same values in every column
    assert trends(report)[("x", "y")] < 0.6  # ρ ≈ 0.99 became ≈ 0
    assert trends(report)[("level", "flag")] < 0.8
    assert max(trends(report).values()) < 0.9
    assert report.overall_score < 0.85


def test_metric_per_kind_of_column(related):
    report = evaluate(related(), related(seed=1))
    metrics = {s.column: (s.kind, s.metric) for s in report.column_shapes}
    pair_metrics = {(t.column_1, t.column_2): t.metric for t in report.column_pair_trends}

    assert metrics == {
        "x": ("numerical", "KSComplement"),
        "y": ("numerical", "KSComplement"),
        "level": ("categorical", "TVComplement"),
        "flag": ("categorical", "TVComplement"),
        "when": ("datetime", "KSComplement"),
    }
    assert pair_metrics[("x", "when")] == "CorrelationSimilarity"
    assert pair_metrics[("x", "level")] == "ContingencySimilarity"
    assert pair_metrics[("level", "flag")] == "ContingencySimilarity"


def test_ks_and_tv_complements_by_hand():
    assert ks_complement(np.array([1.0, 2, 3, 4]), np.array([3.0, 4, 5, 6])) == 0.5
    assert ks_complement(np.array([1.0, 2]), np.array([10.0, 20])) == 0.0
    assert tv_complement(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1]), 2) == 0.75


def test_opposite_correlation_scores_zero():
    x = np.linspace(0, 1, 50)

    report = evaluate(pd.DataFrame({"a": x, "b": x}), pd.DataFrame({"a": x, "b": -x + 1}))

    pair = report.column_pair_trends[0]
    assert pair.real_correlation == pytest.approx(1.0)
    assert pair.synthetic_correlation == pytest.approx(-1.0)
    assert pair.score == pytest.approx(0.0)


def test_shifted_numbers_and_dates_lower_the_shape(related):
    real = related()
    moved = real.assign(x=real["x"] + 5, when=real["when"] + pd.Timedelta(days=20))

    score = shapes(evaluate(real, moved))

    assert score["x"] < 0.85 and score["when"] < 0.85
    assert score["y"] == 1.0


def test_missing_values_count_as_their_own_value():
    real = pd.DataFrame({"n": [1.0, 2, 3, np.nan], "c": ["a", "b", None, None]})
    fewer_missing = pd.DataFrame({"n": [1.0, 2, 3, 3], "c": ["a", "b", "b", None]})

    same = evaluate(real, real.copy())
    differs = evaluate(real, fewer_missing)

    assert same.overall_score == 1.0
    assert shapes(differs)["n"] == pytest.approx(0.75)  # missing rate 25% vs 0%
    assert shapes(differs)["c"] == pytest.approx(0.75)


def test_all_missing_and_constant_columns_do_not_crash():
    real = pd.DataFrame({"gone": [np.nan] * 4, "same": [1.0] * 4, "v": [1.0, 2, 3, 4]})

    report = evaluate(real, real.copy())

    assert shapes(report) == {"gone": 1.0, "same": 1.0, "v": 1.0}
    assert set(trends(report).values()) == {1.0}
    # No correlation with a constant column: the two-way table is compared instead.
    assert {t.metric for t in report.column_pair_trends} == {"ContingencySimilarity"}


def test_a_column_that_stops_being_constant_lowers_its_pairs():
    real = pd.DataFrame({"same": [1.0] * 6, "v": [1.0, 2, 3, 4, 5, 6]})
    varying = pd.DataFrame({"same": [1.0, 1, 1, 9, 9, 9], "v": [1.0, 2, 3, 4, 5, 6]})

    assert evaluate(real, varying).column_pair_trends[0].score == pytest.approx(0.5)


def test_values_compare_as_they_read_back_from_csv():
    real = pd.DataFrame({"code": [1, 2, 3, 3], "ok": [True, False, True, True]})
    from_csv = pd.DataFrame({"code": [1.0, 2.0, 3.0, 3.0], "ok": ["True", "False", "True", "True"]})

    report = evaluate(real, from_csv, discrete_columns=["code"])

    assert shapes(report) == {"code": 1.0, "ok": 1.0}


def test_discrete_columns_turn_numbers_into_categories(related):
    real = related().assign(x=lambda t: t["x"].round(-1).astype(int))

    report = evaluate(real, real.copy(), discrete_columns=["x"])

    assert report.column_shapes[0].metric == "TVComplement"


def test_table_problems_are_reported(related):
    real = related()

    with pytest.raises(DataValidationError, match="synthetic table lacks column"):
        evaluate(real, real.drop(columns=["y"]))
    with pytest.raises(DataValidationError, match="empty"):
        evaluate(real, real.iloc[:0])
    with pytest.raises(UnknownColumnError, match="nope"):
        evaluate(real, real, discrete_columns=["nope"])
    with pytest.raises(DataValidationError, match="duplicate column"):
        evaluate(pd.concat([real, real["x"]], axis=1), real)
