"""The sequence transform: windows, scaling, one-hot, the inverse, its state, its errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis.errors import (
    ConfigurationError,
    DataValidationError,
    ModelFileError,
    UnknownColumnError,
)
from genesis.timeseries import DEFAULT_ENTITY_COLUMN, SequenceTransformer


def test_array_windows_cover_every_start_with_stride(sequences):
    t = SequenceTransformer(seq_len=5, stride=3)
    windows = t.fit_transform(sequences)
    per_sequence = (12 - 5) // 3 + 1
    assert windows.shape == (8 * per_sequence, 5, 3)
    assert windows.dtype == np.float32
    lo, hi = sequences.min(axis=(0, 1)), sequences.max(axis=(0, 1))
    scaled = (sequences - lo) / (hi - lo)
    np.testing.assert_allclose(windows[per_sequence + 1], scaled[1, 3:8], rtol=1e-6)
    assert windows.min() == 0.0 and windows.max() == 1.0


def test_array_round_trip_restores_values_and_dtype(sequences):
    t = SequenceTransformer(seq_len=12)
    windows = t.fit_transform(sequences)
    back = t.inverse_transform(windows)
    assert isinstance(back, np.ndarray) and back.dtype == sequences.dtype
    np.testing.assert_allclose(back, sequences, rtol=1e-5, atol=1e-4)


def test_inverse_clips_out_of_range_outputs(sequences):
    t = SequenceTransformer(seq_len=4).fit(sequences)
    raw = np.full((2, 4, 3), 1.5, dtype=np.float32)
    raw[1] = -0.5
    back = t.inverse_transform(raw)
    np.testing.assert_allclose(back[0, 0], sequences.max(axis=(0, 1)))
    np.testing.assert_allclose(back[1, 0], sequences.min(axis=(0, 1)))


def test_frame_is_sorted_by_entity_and_order_then_windowed(long_frame):
    t = SequenceTransformer(seq_len=4)
    windows = t.fit_transform(long_frame, entity_column="id", order_column="t")
    assert windows.shape == (5 * 7, 4, t.output_dim)
    # continuous features first (price, count), then the one-hot blocks (open, kind)
    assert t.feature_names == ("price", "count", "open", "kind")
    assert t.output_dim == 2 + 2 + 3
    ordered = long_frame.sort_values(["id", "t"])
    first = ordered[ordered["id"] == "s0"]["price"].to_numpy()
    lo, span = long_frame["price"].min(), np.ptp(long_frame["price"])
    np.testing.assert_allclose(windows[1, :, 0], (first[1:5] - lo) / span, rtol=1e-5)
    assert (windows[:, :, 4:].sum(axis=2) == 1).all()  # one category per step


def test_frame_round_trip_keeps_columns_dtypes_and_values(long_frame):
    t = SequenceTransformer(seq_len=10)
    windows = t.fit_transform(long_frame, entity_column="id", order_column="t")
    back = t.inverse_transform(windows)
    assert list(back.columns) == list(long_frame.columns)
    expected = long_frame.sort_values(["id", "t"]).reset_index(drop=True)
    # fresh ids, in the entity column's dtype (text here)
    assert back["id"].dtype == long_frame["id"].dtype
    assert back["id"].tolist() == np.repeat(np.arange(5), 10).astype(str).tolist()
    assert back["t"].tolist() == list(range(0, 100, 10)) * 5  # first value, then its spacing
    np.testing.assert_allclose(back["price"], expected["price"], rtol=1e-5)
    assert back["count"].tolist() == expected["count"].tolist()
    assert back["open"].tolist() == expected["open"].tolist()
    assert back["kind"].tolist() == expected["kind"].tolist()
    for column in ["price", "count", "open", "kind"]:
        assert back[column].dtype == long_frame[column].dtype
    assert list(back["kind"].cat.categories) == ["c", "b", "a"]


def test_frame_without_entity_is_one_sequence_in_row_order():
    df = pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0) ** 2})
    t = SequenceTransformer(seq_len=3)
    windows = t.fit_transform(df)
    assert windows.shape == (8, 3, 2)
    np.testing.assert_allclose(windows[2, :, 0], np.array([2.0, 3.0, 4.0]) / 9.0)
    back = t.inverse_transform(windows[:2])
    assert list(back.columns) == [DEFAULT_ENTITY_COLUMN, "x", "y"]
    assert back[DEFAULT_ENTITY_COLUMN].tolist() == [0, 0, 0, 1, 1, 1]


def test_constant_feature_encodes_to_zero_and_decodes_exactly():
    df = pd.DataFrame({"x": np.linspace(0, 1, 8), "c": 7.5})
    t = SequenceTransformer(seq_len=4)
    windows = t.fit_transform(df)
    assert (windows[:, :, 1] == 0).all()
    raw = np.full((3, 4, 2), 0.9, dtype=np.float32)
    assert (t.inverse_transform(raw)["c"] == 7.5).all()


def test_discrete_columns_option_one_hot_encodes_numbers(long_frame):
    t = SequenceTransformer(seq_len=3).fit(
        long_frame, entity_column="id", order_column="t", discrete_columns=["count"]
    )
    kinds = {f.name: f.kind for f in t.features}
    assert kinds["count"] == "discrete"
    assert t.output_dim == 1 + long_frame["count"].nunique() + 2 + 3


def test_state_round_trip(long_frame):
    t = SequenceTransformer(seq_len=5, stride=2)
    windows = t.fit_transform(long_frame, entity_column="id", order_column="t")
    clone = SequenceTransformer.from_state(t.to_state())
    np.testing.assert_array_equal(clone.transform(long_frame), windows)
    pd.testing.assert_frame_equal(clone.inverse_transform(windows), t.inverse_transform(windows))
    with pytest.raises(ModelFileError, match="invalid"):
        SequenceTransformer.from_state({"seq_len": 5})


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda a: a[:, :3], DataValidationError, "fewer than seq_len=4"),
        (lambda a: np.where(np.arange(3) == 1, np.nan, a), DataValidationError, r"NaN.*\[1\]"),
        (lambda a: a[:1, :4], DataValidationError, "single window"),
        (lambda a: a[0], DataValidationError, "3-D"),
        (lambda a: a[:0], DataValidationError, "empty"),
        (lambda a: a.astype(str), DataValidationError, "real numbers"),
    ],
)
def test_array_errors(sequences, make, error, match):
    with pytest.raises(error, match=match):
        SequenceTransformer(seq_len=4).fit(make(sequences))


def test_frame_errors(long_frame):
    t = SequenceTransformer(seq_len=4)
    with pytest.raises(UnknownColumnError, match="entity_column 'who'"):
        t.fit(long_frame, entity_column="who")
    with pytest.raises(UnknownColumnError, match="order_column 'when'"):
        t.fit(long_frame, order_column="when")
    with pytest.raises(UnknownColumnError, match="nope"):
        t.fit(long_frame, discrete_columns=["nope"])
    with pytest.raises(DataValidationError, match="price"):
        t.fit(long_frame.assign(price=np.where(long_frame.index == 0, np.nan, long_frame["price"])))
    with pytest.raises(DataValidationError, match="5 of 5 sequence"):
        SequenceTransformer(seq_len=11).fit(long_frame, entity_column="id", order_column="t")
    with pytest.raises(DataValidationError, match="no rows"):
        t.fit(long_frame.iloc[:0])
    with pytest.raises(DataValidationError, match="no feature columns"):
        t.fit(long_frame[["id", "t"]], entity_column="id", order_column="t")
    with pytest.raises(DataValidationError, match="order_column"):
        t.fit(long_frame.assign(when=pd.Timestamp("2024-01-01")), entity_column="id")
    with pytest.raises(ConfigurationError, match="different"):
        t.fit(long_frame, entity_column="id", order_column="id")
    with pytest.raises(ConfigurationError, match="DataFrames"):
        t.fit(np.zeros((2, 5, 1)), entity_column="id")
    with pytest.raises(DataValidationError, match="DataFrame"):
        t.fit([[1, 2, 3]])
    with pytest.raises(ConfigurationError, match="seq_len"):
        SequenceTransformer(seq_len=1)


def test_transform_refuses_other_columns_and_unseen_categories(long_frame):
    t = SequenceTransformer(seq_len=4).fit(long_frame, entity_column="id", order_column="t")
    with pytest.raises(UnknownColumnError, match="missing: \\['price'\\]"):
        t.transform(long_frame.drop(columns="price"))
    changed = long_frame.assign(open=long_frame["open"].astype(object))
    changed.loc[0, "open"] = "maybe"
    with pytest.raises(DataValidationError, match="never saw"):
        t.transform(changed)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (
            pd.Series(pd.date_range("2021-03-01", periods=6, freq="7D", tz="America/Chicago")),
            list(pd.date_range("2021-03-01", periods=4, freq="7D", tz="America/Chicago")),
        ),
        (
            pd.Series(pd.to_timedelta(np.arange(6) * 90, unit="s")),
            list(pd.to_timedelta([0, 90, 180, 270], unit="s")),
        ),
        (pd.Series(np.arange(6) * 0.5 + 3.0), [3.0, 3.5, 4.0, 4.5]),
        (pd.Series([f"step {i}" for i in range(6)]), [0, 1, 2, 3]),
    ],
    ids=["dates-with-zone", "durations", "floats", "text"],
)
def test_generated_order_column_starts_and_steps_like_the_data(order, expected):
    frame = pd.DataFrame({"id": ["a"] * 6, "when": order, "x": np.arange(6.0)}).iloc[::-1]
    t = SequenceTransformer(seq_len=4).fit(frame, entity_column="id", order_column="when")
    again = SequenceTransformer.from_state(t.to_state())

    for transformer in (t, again):
        back = transformer.inverse_transform(np.zeros((2, 4, 1), dtype=np.float32))
        assert back["when"].tolist() == expected * 2
        if not isinstance(expected[0], int):
            assert back["when"].dtype == order.dtype


def test_order_step_is_the_median_spacing_within_sequences():
    frame = pd.DataFrame(
        {"id": ["a"] * 4 + ["b"] * 4, "day": [100, 101, 102, 110, 0, 1, 2, 3], "x": np.arange(8.0)}
    )
    t = SequenceTransformer(seq_len=3).fit(frame, entity_column="id", order_column="day")
    back = t.inverse_transform(np.zeros((1, 3, 1), dtype=np.float32))
    assert back["day"].tolist() == [0, 1, 2]  # the jump 102 -> 110 and the gap between ids ignored


@pytest.mark.parametrize("dtype", ["int32", "float64", "Int64", "category"])
def test_fresh_ids_take_the_entity_columns_dtype(long_frame, dtype):
    frame = long_frame.assign(id=pd.factorize(long_frame["id"])[0]).astype({"id": dtype})
    t = SequenceTransformer(seq_len=10)
    windows = t.fit_transform(frame, entity_column="id", order_column="t")
    back = SequenceTransformer.from_state(t.to_state()).inverse_transform(windows[:2])
    assert back["id"].dtype.name == frame["id"].dtype.name  # a category's categories are new
    assert [int(float(v)) for v in back["id"]] == [0] * 10 + [1] * 10


def test_fresh_ids_of_a_date_entity_column_are_integers(long_frame):
    """Dates made up as ids would read as real dates; the ids stay 0 .. n-1 (int64)."""
    days = pd.to_datetime("2020-01-01") + pd.to_timedelta(pd.factorize(long_frame["id"])[0], "D")
    t = SequenceTransformer(seq_len=10)
    windows = t.fit_transform(long_frame.assign(id=days), entity_column="id", order_column="t")
    assert t.inverse_transform(windows[:2])["id"].tolist() == [0] * 10 + [1] * 10
