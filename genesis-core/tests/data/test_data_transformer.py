"""DataTransformer: layout, round trip, dtypes, missing values, rare categories, state."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from genesis.data.columns import MAX_STORED_RARE_VALUES
from genesis.data.transformer import DataTransformer
from genesis.errors import (
    DataValidationError,
    NotFittedError,
    UnknownColumnError,
    UnknownValueError,
)

DISCRETE_MIXED = ("flag", "nullable_flag", "cat", "obj", "text", "label")
CONTINUOUS_MIXED = (
    "float",
    "int",
    "nullable_int",
    "when",
    "when_tz",
    "duration",
    "constant",
    "small_float",
    "byte",
)


def round_trip(transformer: DataTransformer, frame: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    matrix = transformer.transform(frame, rng=np.random.default_rng(seed))
    return transformer.inverse_transform(matrix, np.random.default_rng(seed + 1))


# ---------------------------------------------------------------------- layout
def test_columns_are_classified_from_dtypes(fitted_mixed: DataTransformer) -> None:
    assert fitted_mixed.discrete_columns == DISCRETE_MIXED
    assert set(fitted_mixed.continuous_columns) == set(CONTINUOUS_MIXED)
    assert len(fitted_mixed.columns) == 15


def test_listed_numeric_columns_become_discrete(mixed_frame: pd.DataFrame) -> None:
    transformer = DataTransformer().fit(
        mixed_frame, ["nullable_int", "byte"], rng=np.random.default_rng(0)
    )

    assert transformer.discrete_columns == (
        "nullable_int",
        "flag",
        "nullable_flag",
        "cat",
        "obj",
        "text",
        "label",
        "byte",
    )
    assert transformer.category_index("nullable_int", None) in range(6)
    back = round_trip(transformer, mixed_frame)
    pd.testing.assert_series_equal(back["nullable_int"], mixed_frame["nullable_int"])
    pd.testing.assert_series_equal(back["byte"], mixed_frame["byte"])


def test_output_spans_tile_the_row(fitted_mixed: DataTransformer) -> None:
    spans = fitted_mixed.output_spans
    position = 0
    for span in spans:
        assert span.start == position
        assert span.width >= 1
        if span.activation == "tanh":
            assert span.width == 1
        position += span.width
    assert position == fitted_mixed.output_dim
    assert sum(s.activation == "tanh" for s in spans) == len(CONTINUOUS_MIXED)


def test_continuous_blocks_have_scalar_modes_and_missing_indicator(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    # "float" is the first column: tanh, mode softmax, then [present, missing].
    spans = fitted_mixed.output_spans
    assert spans[0].activation == "tanh"
    assert spans[1].activation == "softmax" and 1 <= spans[1].width <= 10
    assert spans[2].activation == "softmax" and spans[2].width == 2
    matrix = fitted_mixed.transform(mixed_frame)
    indicator = matrix[:, spans[2].start : spans[2].start + 2]
    np.testing.assert_array_equal(indicator[:, 1], mixed_frame["float"].isna().to_numpy())
    # "int" (no missing) has no indicator: its mode span is followed by a tanh.
    assert spans[3].activation == "tanh" and spans[5].activation == "tanh"


def test_condition_spans_point_at_discrete_blocks(fitted_mixed: DataTransformer) -> None:
    cond_start = 0
    output = {s.start: s for s in fitted_mixed.output_spans}
    for span in fitted_mixed.condition_spans():
        assert span.cond_start == cond_start
        assert output[span.data_start].width == span.width
        assert output[span.data_start].activation == "softmax"
        assert span.width == len(fitted_mixed.category_values(span.column))
        cond_start += span.width
    assert fitted_mixed.cond_dim == cond_start
    widths = {s.column: s.width for s in fitted_mixed.condition_spans()}
    # flag: 2, nullable_flag: T/F/missing, cat: x/y/missing (z never seen), obj: 3 + missing.
    assert widths == {"flag": 2, "nullable_flag": 3, "cat": 3, "obj": 4, "text": 3, "label": 3}


def test_transformed_matrix_is_valid(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    matrix = fitted_mixed.transform(mixed_frame, rng=np.random.default_rng(3))

    assert matrix.dtype == np.float32
    assert matrix.shape == (len(mixed_frame), fitted_mixed.output_dim)
    for span in fitted_mixed.output_spans:
        block = matrix[:, span.start : span.start + span.width]
        if span.activation == "tanh":
            assert np.all(np.abs(block) <= 0.99 + 1e-6)
        else:
            assert set(np.unique(block)) <= {0.0, 1.0}
            np.testing.assert_array_equal(block.sum(axis=1), 1.0)


def test_categories_are_ordered_by_frequency(fitted_mixed: DataTransformer) -> None:
    counts = fitted_mixed.category_frequencies("obj")

    assert fitted_mixed.category_values("obj")[0] == "a"
    assert np.all(np.diff(counts) <= 0)
    assert counts.sum() == 600


def test_adult_sample_layout(fitted_adult: DataTransformer, adult_sample: pd.DataFrame) -> None:
    discrete = adult_sample.select_dtypes(exclude="number").columns

    assert fitted_adult.discrete_columns == tuple(discrete)
    assert fitted_adult.cond_dim == int(adult_sample[discrete].nunique().sum())
    n_modes = fitted_adult.output_dim - fitted_adult.cond_dim - 6
    assert 6 <= n_modes <= 60
    assert 120 <= fitted_adult.output_dim <= 170


# ------------------------------------------------------------------ round trip
def test_round_trip_preserves_dtypes_order_and_missing(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    back = round_trip(fitted_mixed, mixed_frame)

    assert list(back.columns) == list(mixed_frame.columns)
    pd.testing.assert_series_equal(back.dtypes, mixed_frame.dtypes)
    pd.testing.assert_frame_equal(back.isna(), mixed_frame.isna())
    assert back["cat"].cat.categories.tolist() == ["z", "y", "x"]
    assert back["cat"].cat.ordered


def test_round_trip_restores_discrete_values_exactly(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    back = round_trip(fitted_mixed, mixed_frame)

    for column in DISCRETE_MIXED:
        # Missing values come back as the dtype's own marker (NaN in object columns).
        pd.testing.assert_series_equal(back[column].isna(), mixed_frame[column].isna())
        pd.testing.assert_series_equal(back[column].dropna(), mixed_frame[column].dropna())


def test_round_trip_restores_continuous_values_approximately(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    back = round_trip(fitted_mixed, mixed_frame)

    for column in ("float", "int", "nullable_int", "small_float", "byte", "constant"):
        original = mixed_frame[column].astype("float64").to_numpy()
        restored = back[column].astype("float64").to_numpy()
        present = ~np.isnan(original)
        span = np.nanmax(original) - np.nanmin(original) or 1.0
        close = np.abs(restored[present] - original[present]) <= 1e-3 * span + 0.51
        assert close.mean() >= 0.98, column
    for column in ("int", "byte", "constant"):
        assert (back[column] == mixed_frame[column]).mean() >= 0.98, column
    for column in ("when", "when_tz", "duration"):
        error = (back[column] - mixed_frame[column]).abs()
        scale = mixed_frame[column].max() - mixed_frame[column].min()
        assert (error.dropna() <= scale * 1e-4).mean() >= 0.98, column


def test_integer_columns_are_rounded_and_clipped_to_the_seen_range(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    matrix = fitted_mixed.transform(mixed_frame)
    rng = np.random.default_rng(0)
    noisy = matrix + rng.normal(0.0, 3.0, size=matrix.shape).astype(np.float32)
    tanh = [s.start for s in fitted_mixed.output_spans if s.activation == "tanh"]
    noisy[:, tanh] = np.sign(noisy[:, tanh])  # push every scalar to the edge

    back = fitted_mixed.inverse_transform(noisy, rng)

    for column in ("int", "byte", "float", "small_float"):
        present = back[column].dropna()
        assert present.min() >= mixed_frame[column].min()
        assert present.max() <= mixed_frame[column].max()
    assert back["int"].dtype == np.int64
    assert back["when"].dropna().between(mixed_frame["when"].min(), mixed_frame["when"].max()).all()
    assert (back["constant"] == 5.0).all()


def test_inverse_accepts_probabilities_and_logits(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    matrix = fitted_mixed.transform(mixed_frame)
    softmax = [s for s in fitted_mixed.output_spans if s.activation == "softmax"]
    logits = matrix.copy()
    for span in softmax:
        # Logits whose argmax is the one-hot position: 5 * one-hot - 1 + small noise.
        block = logits[:, span.start : span.start + span.width]
        block[:] = 5.0 * block - 1.0 + np.random.default_rng(0).uniform(0, 0.5, block.shape)

    from_one_hot = fitted_mixed.inverse_transform(matrix, np.random.default_rng(0))
    from_logits = fitted_mixed.inverse_transform(logits, np.random.default_rng(0))

    pd.testing.assert_frame_equal(from_one_hot, from_logits)


def test_inverse_takes_numpy_argmax_of_every_span(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    # Scores with many ties (small integers) over more rows than one block: the
    # first maximal category wins, as with ndarray.argmax, in float32 and float64.
    rng = np.random.default_rng(3)
    n = 20_000
    scores = rng.integers(0, 3, (n, fitted_mixed.output_dim)).astype(np.float64)
    scores[:, [s.start for s in fitted_mixed.output_spans if s.activation == "tanh"]] = rng.uniform(
        -1, 1, (n, len(fitted_mixed.continuous_columns))
    )
    for dtype in (np.float64, np.float32):
        typed = scores.astype(dtype)
        expected, draws = {}, np.random.default_rng(9)  # rare values drawn column by column
        for encoder, start in zip(fitted_mixed._fitted(), fitted_mixed._starts, strict=True):
            block = typed[:, start : start + encoder.width]  # each encoder's own argmax
            if encoder.name in fitted_mixed.continuous_columns:
                expected[encoder.name] = encoder.inverse(block)
            else:
                expected[encoder.name] = encoder.inverse(block, draws)

        back = fitted_mixed.inverse_transform(typed, np.random.default_rng(9))

        pd.testing.assert_frame_equal(back, pd.DataFrame(expected))


def test_inverse_choices_equals_inverse_of_the_one_hot_rows(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    matrix = fitted_mixed.transform(mixed_frame, rng=np.random.default_rng(2))
    spans = fitted_mixed.output_spans
    scalars = matrix[:, [s.start for s in spans if s.activation == "tanh"]].T
    choices = np.stack(
        [
            matrix[:, s.start : s.start + s.width].argmax(axis=1)
            for s in spans
            if s.activation == "softmax"
        ]
    )

    from_choices = fitted_mixed.inverse_choices(scalars, choices, np.random.default_rng(5))
    from_rows = fitted_mixed.inverse_transform(matrix, np.random.default_rng(5))

    pd.testing.assert_frame_equal(from_choices, from_rows)
    with pytest.raises(DataValidationError, match="choices"):
        fitted_mixed.inverse_choices(scalars, choices[1:], np.random.default_rng(5))
    with pytest.raises(DataValidationError, match="scalars"):
        fitted_mixed.inverse_choices(scalars[:, :5], choices, np.random.default_rng(5))
    with pytest.raises(DataValidationError, match="integers"):
        fitted_mixed.inverse_choices(scalars, choices.astype(float), np.random.default_rng(5))
    widths = [s.width for s in spans if s.activation == "softmax"]
    too_big = choices.copy()
    too_big[3, 7] = widths[3]
    with pytest.raises(DataValidationError, match=rf"span 3 must lie in \[0, {widths[3]}\)"):
        fitted_mixed.inverse_choices(scalars, too_big, np.random.default_rng(5))
    negative = choices.copy()
    negative[0, 0] = -1
    with pytest.raises(DataValidationError, match="span 0"):
        fitted_mixed.inverse_choices(scalars, negative, np.random.default_rng(5))


def test_missing_rates_are_reproduced(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    matrix = fitted_mixed.transform(mixed_frame)
    # Resample rows of the transformed matrix, as a perfect generator would.
    rows = np.random.default_rng(0).integers(0, len(mixed_frame), 20_000)

    back = fitted_mixed.inverse_transform(matrix[rows], np.random.default_rng(1))

    for column in ("float", "nullable_int", "nullable_flag", "cat", "obj", "when"):
        assert back[column].isna().mean() == pytest.approx(
            mixed_frame[column].isna().mean(), abs=0.01
        ), column
    index = fitted_mixed.category_index("obj", np.nan)
    assert fitted_mixed.category_values("obj")[index] is None
    assert fitted_mixed.category_frequencies("obj")[index] == mixed_frame["obj"].isna().sum()


def test_mode_draws_follow_the_posterior() -> None:
    # Two far-apart modes: every value's posterior is certain, so the drawn mode
    # must be the value's own mode and the scalar must be near zero.
    r = np.random.default_rng(0)
    frame = pd.DataFrame({"x": np.concatenate([r.normal(0, 1, 500), r.normal(1000, 1, 500)])})
    transformer = DataTransformer().fit(frame, rng=np.random.default_rng(0))
    spans = transformer.output_spans

    matrix = transformer.transform(frame)

    modes = matrix[:, spans[1].start : spans[1].start + spans[1].width].argmax(axis=1)
    assert len(set(modes[:500]) & set(modes[500:])) == 0
    assert np.abs(matrix[:, 0]).max() < 0.99


def test_constant_columns_work() -> None:
    frame = pd.DataFrame({"n": [3] * 10, "s": ["k"] * 10, "f": [1.5] * 10})
    transformer = DataTransformer().fit(frame, rng=np.random.default_rng(0))

    back = round_trip(transformer, frame)

    assert transformer.output_dim == 1 + 1 + 1 + 1 + 1
    pd.testing.assert_frame_equal(back, frame)


def test_transform_is_deterministic_by_default(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    np.testing.assert_array_equal(
        fitted_mixed.transform(mixed_frame), fitted_mixed.transform(mixed_frame)
    )


def test_transform_ignores_the_row_index(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    relabelled = mixed_frame.iloc[::-1].set_axis([f"r{i}" for i in range(len(mixed_frame))])

    matrix = fitted_mixed.transform(relabelled)
    back = fitted_mixed.inverse_transform(matrix, np.random.default_rng(0))

    for column in DISCRETE_MIXED:
        assert back[column].isna().tolist() == relabelled[column].isna().tolist()
        assert back[column].dropna().tolist() == relabelled[column].dropna().tolist()
    assert back["float"].isna().tolist() == relabelled["float"].isna().tolist()


# -------------------------------------------------------------- rare categories
def test_max_categories_merges_rare_values() -> None:
    # Value v_k appears 60 - k times (k = 0..49): 50 distinct values.
    counts = np.arange(60, 10, -1)
    values = np.repeat([f"v{k:02d}" for k in range(50)], counts)
    frame = pd.DataFrame({"c": values, "x": np.linspace(0, 1, values.size)})
    transformer = DataTransformer().fit(frame, rng=np.random.default_rng(0), max_categories=10)

    categories = transformer.category_values("c")
    assert len(categories) == 10
    assert categories[:9] == tuple(f"v{k:02d}" for k in range(9))
    assert transformer.rare_category_index("c") == 9
    assert transformer.category_frequencies("c")[9] == counts[9:].sum()

    with pytest.raises(UnknownValueError, match="merged"):
        transformer.category_index("c", "v30")

    matrix = transformer.transform(frame)
    rare_rows = matrix[:, transformer.condition_spans()[0].data_start + 9] == 1
    assert rare_rows.sum() == counts[9:].sum()
    draws = transformer.inverse_transform(
        np.repeat(matrix[rare_rows][:1], 20_000, axis=0), np.random.default_rng(0)
    )["c"]
    assert set(draws) <= {f"v{k:02d}" for k in range(9, 50)}
    frequency = draws.value_counts(normalize=True)
    expected = counts[9:] / counts[9:].sum()
    assert frequency["v09"] == pytest.approx(expected[0], abs=0.01)
    assert frequency["v49"] == pytest.approx(expected[-1], abs=0.01)


def test_rare_bucket_takes_unseen_values_and_keeps_missing_category() -> None:
    values = np.array([f"u{k}" for k in range(30)] * 2 + [None] * 5, dtype=object)
    frame = pd.DataFrame({"c": values})
    transformer = DataTransformer().fit(frame, rng=np.random.default_rng(0), max_categories=5)

    assert transformer.rare_category_index("c") == 4
    assert transformer.category_values("c").count(None) == 2  # missing + rare
    unseen = transformer.transform(pd.DataFrame({"c": ["never-seen"]}))
    assert unseen[0, 4] == 1.0
    assert transformer.category_index("c", None) != 4


def test_stored_rare_values_are_capped() -> None:
    n = MAX_STORED_RARE_VALUES + 500
    frame = pd.DataFrame({"id": np.arange(n).astype(str)})
    transformer = DataTransformer().fit(frame, rng=np.random.default_rng(0), max_categories=3)

    state = transformer.to_state()["columns"][0]

    assert len(state["other_values"]) == MAX_STORED_RARE_VALUES
    assert state["counts"][-1] == n - 2


# ---------------------------------------------------------------- categories
def test_category_index_finds_every_category(fitted_mixed: DataTransformer) -> None:
    for column in fitted_mixed.discrete_columns:
        for position, value in enumerate(fitted_mixed.category_values(column)):
            assert fitted_mixed.category_index(column, value) == position


def test_category_index_errors_name_the_problem(fitted_mixed: DataTransformer) -> None:
    with pytest.raises(UnknownColumnError, match=r"'nope'.*'flag'"):
        fitted_mixed.category_index("nope", 1)
    with pytest.raises(UnknownColumnError, match="continuous"):
        fitted_mixed.category_index("float", 1.0)
    with pytest.raises(UnknownValueError, match=r"'zz'.*'obj'.*'a'"):
        fitted_mixed.category_index("obj", "zz")
    with pytest.raises(UnknownValueError, match="no missing"):
        fitted_mixed.category_index("flag", None)


def test_transform_rejects_unseen_values_and_new_missing(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    unseen = mixed_frame.head(3).copy()
    unseen["obj"] = ["a", "brand-new", "b"]
    with pytest.raises(UnknownValueError, match="brand-new"):
        fitted_mixed.transform(unseen)
    new_missing = mixed_frame.head(3).copy()
    new_missing["int"] = new_missing["int"].astype("float64")
    new_missing.loc[new_missing.index[0], "int"] = np.nan
    with pytest.raises(DataValidationError, match="'int'"):
        fitted_mixed.transform(new_missing)
    with pytest.raises(DataValidationError, match="'float'"):
        fitted_mixed.transform(mixed_frame.drop(columns="float"))


def test_inverse_rejects_wrong_width(fitted_mixed: DataTransformer) -> None:
    with pytest.raises(DataValidationError, match=str(fitted_mixed.output_dim)):
        fitted_mixed.inverse_transform(
            np.zeros((2, fitted_mixed.output_dim + 1)), np.random.default_rng(0)
        )


def test_unfitted_transformer_says_so() -> None:
    with pytest.raises(NotFittedError, match="fit"):
        DataTransformer().output_dim  # noqa: B018


# ---------------------------------------------------------------------- state
def test_state_is_json_and_rebuilds_identical_transforms(
    fitted_mixed: DataTransformer, mixed_frame: pd.DataFrame
) -> None:
    text = json.dumps(fitted_mixed.to_state(), allow_nan=False)

    rebuilt = DataTransformer.from_state(json.loads(text))

    assert rebuilt.output_spans == fitted_mixed.output_spans
    assert rebuilt.condition_spans() == fitted_mixed.condition_spans()
    first = fitted_mixed.transform(mixed_frame, rng=np.random.default_rng(9))
    second = rebuilt.transform(mixed_frame, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(first, second)
    pd.testing.assert_frame_equal(
        fitted_mixed.inverse_transform(first, np.random.default_rng(4)),
        rebuilt.inverse_transform(second, np.random.default_rng(4)),
    )


def test_state_keeps_category_value_types() -> None:
    frame = pd.DataFrame(
        {
            "i": pd.Series([1, 2, 2, np.nan], dtype=object),
            "f": pd.Series([0.5, 1.5, 0.5, 0.5], dtype=object),
            "b": [True, False, True, True],
            "code": [10, 20, 20, 10],
        }
    )
    transformer = DataTransformer().fit(frame, ["code"], rng=np.random.default_rng(0))

    rebuilt = DataTransformer.from_state(json.loads(json.dumps(transformer.to_state())))

    assert rebuilt.category_values("i") == (2, 1, None)
    assert all(type(v) is int for v in rebuilt.category_values("i")[:2])
    assert rebuilt.category_values("f") == (0.5, 1.5)
    assert rebuilt.category_values("b") == (True, False)
    assert rebuilt.category_index("code", 20) == transformer.category_index("code", 20)
    pd.testing.assert_frame_equal(round_trip(rebuilt, frame), frame)


def test_state_with_rare_values_round_trips() -> None:
    values = np.repeat(np.arange(40), np.arange(40, 0, -1))
    frame = pd.DataFrame({"c": values})
    transformer = DataTransformer().fit(
        frame, ["c"], rng=np.random.default_rng(0), max_categories=8
    )
    matrix = transformer.transform(frame)

    rebuilt = DataTransformer.from_state(json.loads(json.dumps(transformer.to_state())))

    pd.testing.assert_frame_equal(
        transformer.inverse_transform(matrix, np.random.default_rng(2)),
        rebuilt.inverse_transform(matrix, np.random.default_rng(2)),
    )


def test_from_state_rejects_foreign_data() -> None:
    with pytest.raises(DataValidationError, match="format"):
        DataTransformer.from_state({"columns": []})
