"""ConditionalSampler: condition vectors in the right block, training and original draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis.data.conditional import ConditionalSampler
from genesis.data.transformer import DataTransformer
from genesis.errors import (
    ConfigurationError,
    DataValidationError,
    UnknownColumnError,
    UnknownValueError,
)


@pytest.fixture(scope="module")
def adult_matrix(fitted_adult: DataTransformer, adult_sample: pd.DataFrame) -> np.ndarray:
    return fitted_adult.transform(adult_sample)


@pytest.fixture(scope="module")
def sampler(fitted_adult: DataTransformer, adult_matrix: np.ndarray) -> ConditionalSampler:
    return ConditionalSampler(fitted_adult, adult_matrix)


def condition_blocks(transformer: DataTransformer, matrix: np.ndarray) -> np.ndarray:
    """The discrete one-hot blocks of ``matrix`` side by side (the condition layout)."""
    return np.concatenate(
        [matrix[:, s.data_start : s.data_start + s.width] for s in transformer.condition_spans()],
        axis=1,
    )


# ------------------------------------------------------------- condition vector
def test_condition_vector_matches_the_data_block_for_every_column_and_value(
    fitted_adult: DataTransformer,
    adult_sample: pd.DataFrame,
    adult_matrix: np.ndarray,
    sampler: ConditionalSampler,
) -> None:
    blocks = condition_blocks(fitted_adult, adult_matrix)
    for span in fitted_adult.condition_spans():
        for value in fitted_adult.category_values(span.column):
            row = int(np.flatnonzero((adult_sample[span.column] == value).to_numpy())[0])

            cond = sampler.condition_vector({span.column: value}, 2)

            assert cond.shape == (2, fitted_adult.cond_dim) and cond.dtype == np.float32
            assert cond.sum() == 2
            on = int(np.flatnonzero(cond[0])[0])
            assert span.cond_start <= on < span.cond_start + span.width, span.column
            np.testing.assert_array_equal(
                cond[0, span.cond_start : span.cond_start + span.width],
                blocks[row, span.cond_start : span.cond_start + span.width],
            )


def test_condition_vector_sets_one_bit_per_requested_column(
    fitted_adult: DataTransformer, sampler: ConditionalSampler
) -> None:
    cond = sampler.condition_vector({"sex": " Female", "income": " >50K", "race": " Black"}, 4)

    spans = {s.column: s for s in fitted_adult.condition_spans()}
    assert cond.sum(axis=1).tolist() == [3.0] * 4
    for column, value in (("sex", " Female"), ("income", " >50K"), ("race", " Black")):
        position = spans[column].cond_start + fitted_adult.category_index(column, value)
        assert np.all(cond[:, position] == 1.0)


def test_condition_vector_missing_category(fitted_mixed: DataTransformer) -> None:
    sampler = ConditionalSampler(fitted_mixed)
    span = next(s for s in fitted_mixed.condition_spans() if s.column == "obj")

    cond = sampler.condition_vector({"obj": np.nan}, 1)

    assert cond[0, span.cond_start + fitted_mixed.category_index("obj", None)] == 1.0


def test_condition_vector_errors(sampler: ConditionalSampler) -> None:
    with pytest.raises(UnknownColumnError, match="continuous"):
        sampler.condition_vector({"age": 30}, 1)
    with pytest.raises(UnknownColumnError, match=r"'colour'.*'workclass'"):
        sampler.condition_vector({"colour": "red"}, 1)
    with pytest.raises(UnknownValueError, match=r"'Martian'.*'race'"):
        sampler.condition_vector({"race": "Martian"}, 1)


# ------------------------------------------------------------ training sampler
def test_training_sampler_shapes_and_consistency(
    fitted_adult: DataTransformer, adult_matrix: np.ndarray, sampler: ConditionalSampler
) -> None:
    cond, mask, rows = sampler.sample_training(500, np.random.default_rng(0))

    assert cond.shape == (500, fitted_adult.cond_dim) and cond.dtype == np.float32
    assert mask.shape == (500, len(fitted_adult.discrete_columns)) and mask.dtype == np.float32
    assert rows.shape == (500,) and rows.dtype == np.int64
    np.testing.assert_array_equal(cond.sum(axis=1), 1.0)
    np.testing.assert_array_equal(mask.sum(axis=1), 1.0)
    starts = np.array([s.cond_start for s in fitted_adult.condition_spans()])
    chosen_column = np.searchsorted(starts, cond.argmax(axis=1), side="right") - 1
    np.testing.assert_array_equal(chosen_column, mask.argmax(axis=1))


def test_training_rows_hold_the_sampled_category(
    fitted_adult: DataTransformer, adult_matrix: np.ndarray, sampler: ConditionalSampler
) -> None:
    cond, _, rows = sampler.sample_training(5000, np.random.default_rng(1))

    blocks = condition_blocks(fitted_adult, adult_matrix)
    assert np.all(blocks[rows, cond.argmax(axis=1)] == 1.0)


def test_training_sampler_follows_log_frequencies(
    fitted_adult: DataTransformer, sampler: ConditionalSampler
) -> None:
    n = 90_000
    cond, mask, _ = sampler.sample_training(n, np.random.default_rng(2))

    n_columns = len(fitted_adult.discrete_columns)
    np.testing.assert_allclose(mask.mean(axis=0), 1.0 / n_columns, atol=0.01)
    for j, span in enumerate(fitted_adult.condition_spans()):
        picked = cond[mask[:, j] == 1.0, span.cond_start : span.cond_start + span.width]
        observed = picked.mean(axis=0)
        weights = np.log1p(fitted_adult.category_frequencies(span.column))
        np.testing.assert_allclose(observed, weights / weights.sum(), atol=0.015)


def test_training_sampler_is_deterministic(sampler: ConditionalSampler) -> None:
    first = sampler.sample_training(64, np.random.default_rng(7))
    second = sampler.sample_training(64, np.random.default_rng(7))

    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_training_needs_the_matrix(fitted_adult: DataTransformer) -> None:
    with pytest.raises(ConfigurationError, match="training matrix"):
        ConditionalSampler(fitted_adult).sample_training(10, np.random.default_rng(0))


def test_training_matrix_must_have_the_fitted_width(fitted_adult: DataTransformer) -> None:
    with pytest.raises(DataValidationError, match=str(fitted_adult.output_dim)):
        ConditionalSampler(fitted_adult, np.zeros((5, 3)))


# ------------------------------------------------------------ original sampler
def test_original_sampler_follows_real_frequencies(fitted_adult: DataTransformer) -> None:
    sampler = ConditionalSampler(fitted_adult)  # no training matrix needed

    cond = sampler.sample_original(90_000, np.random.default_rng(3))

    np.testing.assert_array_equal(cond.sum(axis=1), 1.0)
    for span in fitted_adult.condition_spans():
        block = cond[:, span.cond_start : span.cond_start + span.width]
        chosen = block.sum(axis=1) == 1.0
        assert chosen.mean() == pytest.approx(1 / len(fitted_adult.discrete_columns), abs=0.01)
        counts = fitted_adult.category_frequencies(span.column)
        np.testing.assert_allclose(block[chosen].mean(axis=0), counts / counts.sum(), atol=0.015)


# ------------------------------------------------------- no discrete columns
def test_sampler_without_discrete_columns() -> None:
    frame = pd.DataFrame({"x": np.arange(50.0), "y": np.arange(50) % 7})
    transformer = DataTransformer().fit(frame, rng=np.random.default_rng(0))
    sampler = ConditionalSampler(transformer, transformer.transform(frame))

    cond, mask, rows = sampler.sample_training(1000, np.random.default_rng(0))

    assert sampler.cond_dim == 0 and transformer.cond_dim == 0
    assert cond.shape == (1000, 0) and mask.shape == (1000, 0)
    assert rows.min() >= 0 and rows.max() <= 49 and len(np.unique(rows)) > 40
    assert sampler.sample_original(3, np.random.default_rng(0)).shape == (3, 0)
    assert sampler.condition_vector({}, 2).shape == (2, 0)
    with pytest.raises(UnknownColumnError):
        sampler.condition_vector({"x": 1.0}, 2)
