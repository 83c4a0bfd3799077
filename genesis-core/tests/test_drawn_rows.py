"""Sampling's drawn rows: scalars and categories, and the one-hot rows they stand for."""

from __future__ import annotations

import numpy as np
import pytest

from genesis.errors import ConfigurationError
from genesis.models.activations import (
    DrawnRows,
    ctgan_activate,
    ctgan_draw,
    span_argmax,
    tvae_activate,
    tvae_draw,
)
from genesis.models.spec import OutputSpan

# tanh, softmax 3, softmax 1, tanh, softmax 2, softmax 5: widths 1, 2, 3 and 5 and a
# span of one category, in an order where spans of one width are not adjacent.
SPANS = (
    OutputSpan(0, 1, "tanh"),
    OutputSpan(1, 3, "softmax"),
    OutputSpan(4, 1, "softmax"),
    OutputSpan(5, 1, "tanh"),
    OutputSpan(6, 2, "softmax"),
    OutputSpan(8, 5, "softmax"),
)
WIDTH = 13
SOFTMAX = [s for s in SPANS if s.activation == "softmax"]


def _raw(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 2, (n, WIDTH)).astype(np.float32)


def _categories(rows: np.ndarray) -> np.ndarray:
    return np.stack([rows[:, s.start : s.start + s.width].argmax(axis=1) for s in SOFTMAX])


def test_ctgan_draw_is_what_the_activated_rows_hold():
    raw = _raw(20_000)  # more rows than one block

    drawn = ctgan_draw(raw, SPANS, np.random.default_rng(1))
    rows = ctgan_activate(raw, SPANS, np.random.default_rng(1))

    assert drawn.scalars.shape == (2, 20_000) and drawn.choices.shape == (4, 20_000)
    np.testing.assert_array_equal(drawn.one_hot(SPANS, WIDTH), rows)
    np.testing.assert_array_equal(drawn.choices, _categories(rows))
    np.testing.assert_allclose(drawn.scalars, np.tanh(raw[:, [0, 5]]).T, rtol=1e-6)
    assert (drawn.choices[1] == 0).all()  # the one-category span
    assert set(np.unique(drawn.choices[3])) == set(range(5))


@pytest.mark.parametrize("discrete", ["sample", "argmax"])
def test_tvae_draw_is_what_the_activated_rows_hold(discrete):
    raw = _raw(9000, seed=2)
    sigma = np.full(WIDTH, 0.1, dtype=np.float32)

    drawn = tvae_draw(raw, SPANS, sigma, np.random.default_rng(3), discrete=discrete)
    rows = tvae_activate(raw, SPANS, sigma, np.random.default_rng(3), discrete=discrete)

    np.testing.assert_array_equal(drawn.one_hot(SPANS, WIDTH), rows)
    np.testing.assert_array_equal(drawn.choices, _categories(rows))
    if discrete == "argmax":
        np.testing.assert_array_equal(drawn.choices, _categories(raw))


def test_take_keeps_scalars_and_choices_together():
    drawn = ctgan_draw(_raw(50), SPANS, np.random.default_rng(4))
    rows = drawn.one_hot(SPANS, WIDTH)
    keep = np.array([3, 7, 7, 49])

    taken = drawn.take(keep)

    assert len(taken) == 4 and len(drawn) == 50
    np.testing.assert_array_equal(taken.one_hot(SPANS, WIDTH), rows[keep])
    assert len(drawn.take(np.zeros(50, dtype=bool))) == 0


def test_span_argmax_takes_the_first_maximum_in_any_dtype():
    scores = np.random.default_rng(5).integers(0, 2, (10_000, WIDTH))  # many ties
    for dtype in (np.float32, np.float64, np.int64):
        np.testing.assert_array_equal(
            span_argmax(scores.astype(dtype), SPANS), _categories(scores.astype(dtype))
        )
    with pytest.raises(ValueError, match="2-D"):
        span_argmax(scores[0], SPANS)


def test_one_hot_checks_the_layout():
    drawn = DrawnRows(np.zeros((2, 3), np.float32), np.zeros((4, 3), np.intp))
    with pytest.raises(ConfigurationError, match="cover"):
        drawn.one_hot(SPANS, WIDTH + 1)
