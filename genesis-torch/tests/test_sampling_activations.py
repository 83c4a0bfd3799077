"""The numpy output activations the core applies when sampling (genesis.models.activations)."""

from __future__ import annotations

import numpy as np
import pytest

from genesis.errors import ConfigurationError
from genesis.models.activations import ctgan_activate, tvae_activate
from genesis.models.spec import OutputSpan, TVAEParams

SOFTMAX_BLOCKS = [(1, 3), (5, 2), (7, 4), (11, 3)]


def _assert_one_hot(out: np.ndarray, blocks) -> None:
    for start, width in blocks:
        block = out[:, start : start + width]
        assert set(np.unique(block)) <= {0.0, 1.0}
        np.testing.assert_array_equal(block.sum(axis=1), 1.0)


def test_ctgan_activation_gives_tanh_scalars_and_one_hots(ctgan_spec):
    raw = np.random.default_rng(0).normal(0, 3, (500, 14)).astype(np.float32)

    out = ctgan_activate(raw, ctgan_spec.output_spans, np.random.default_rng(1))

    assert out.dtype == np.float32 and out.shape == raw.shape
    np.testing.assert_allclose(out[:, [0, 4]], np.tanh(raw[:, [0, 4]]), rtol=1e-6)
    _assert_one_hot(out, SOFTMAX_BLOCKS)


def test_ctgan_activation_draws_categories_with_softmax_probabilities(ctgan_spec):
    n = 40_000
    logits = np.array([0.0, 1.0, 2.0, -1.0], np.float32)  # column x
    raw = np.zeros((n, 14), np.float32)
    raw[:, 7:11] = logits
    raw[:, 5:7] = [3.0, -3.0]

    out = ctgan_activate(raw, ctgan_spec.output_spans, np.random.default_rng(2))

    for start, block_logits in [(7, logits), (5, np.array([3.0, -3.0]))]:
        p = np.exp(block_logits) / np.exp(block_logits).sum()
        freq = out[:, start : start + len(p)].mean(axis=0)
        tolerance = 5 * np.sqrt(p * (1 - p) / n) + 1e-4
        assert (np.abs(freq - p) < tolerance).all(), (freq, p)


def test_ctgan_activation_is_reproducible_from_the_generator(ctgan_spec):
    raw = np.random.default_rng(0).normal(0, 1, (300, 14)).astype(np.float32)

    a = ctgan_activate(raw, ctgan_spec.output_spans, np.random.default_rng(7))
    b = ctgan_activate(raw, ctgan_spec.output_spans, np.random.default_rng(7))
    c = ctgan_activate(raw, ctgan_spec.output_spans, np.random.default_rng(8))

    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_ctgan_activation_survives_extreme_logits(ctgan_spec):
    raw = np.zeros((4, 14), np.float32)
    raw[:, 7:11] = [[-1e4, 1e4, 0, 0], [500, -500, 90, 0], [0, 0, 0, 1e30], [-80, -90, -100, -70]]

    out = ctgan_activate(raw, ctgan_spec.output_spans, np.random.default_rng(0))

    _assert_one_hot(out, SOFTMAX_BLOCKS)
    np.testing.assert_array_equal(out[:, 7:11].argmax(axis=1), [1, 0, 3, 3])


def test_wide_categorical_spans_are_sampled(ctgan_spec):
    spans = (OutputSpan(0, 1, "tanh"), OutputSpan(1, 300, "softmax"))
    raw = np.zeros((1000, 301), np.float32)
    raw[:, 1 + 257] = 20.0  # category 257 all but certain

    out = ctgan_activate(raw, spans, np.random.default_rng(0))

    np.testing.assert_array_equal(out[:, 1:].sum(axis=1), 1.0)
    assert out[:, 1 + 257].mean() > 0.99


def _tvae_raw(n: int) -> tuple[np.ndarray, np.ndarray]:
    raw = np.zeros((n, 14), np.float32)
    raw[:, 0] = 0.5
    raw[:, 4] = 50.0  # tanh = 1: noise beyond 1 is clipped
    raw[:, 7:11] = [0.0, 2.0, 2.0, 1.0]  # a tie: argmax takes the first maximum
    raw[:, 11:14] = np.random.default_rng(0).normal(size=(n, 3))
    sigma = np.full(14, 0.05, np.float32)
    sigma[0] = 0.1
    return raw, sigma


@pytest.mark.parametrize("discrete", ["argmax", "sample"])
def test_tvae_activation_adds_sigma_noise_to_the_scalars(tvae_spec, discrete):
    raw, sigma = _tvae_raw(20_000)

    out = tvae_activate(
        raw, tvae_spec.output_spans, sigma, np.random.default_rng(1), discrete=discrete
    )

    _assert_one_hot(out, SOFTMAX_BLOCKS)
    assert abs(out[:, 0].mean() - np.tanh(0.5)) < 0.005
    assert abs(out[:, 0].std() - 0.1) < 0.005
    assert out[:, 4].max() == 1.0 and out[:, 4].min() < 0.99


def test_tvae_argmax_output_takes_the_first_most_likely_category(tvae_spec):
    raw, sigma = _tvae_raw(2_000)

    out = tvae_activate(
        raw, tvae_spec.output_spans, sigma, np.random.default_rng(1), discrete="argmax"
    )

    np.testing.assert_array_equal(out[:, 8], 1.0)
    np.testing.assert_array_equal(out[:, 11:14].argmax(axis=1), raw[:, 11:14].argmax(axis=1))


def test_tvae_sampled_output_follows_the_decoder_softmax(tvae_spec):
    n = 40_000
    raw, sigma = _tvae_raw(n)

    out = tvae_activate(raw, tvae_spec.output_spans, sigma, np.random.default_rng(1))

    logits = raw[0, 7:11].astype(np.float64)
    p = np.exp(logits) / np.exp(logits).sum()
    tolerance = 5 * np.sqrt(p * (1 - p) / n)
    assert (np.abs(out[:, 7:11].mean(axis=0) - p) < tolerance).all()
    # rows whose logits favour another category still draw the others sometimes
    assert (out[:, 11:14].argmax(axis=1) != raw[:, 11:14].argmax(axis=1)).mean() > 0.2
    again = tvae_activate(raw, tvae_spec.output_spans, sigma, np.random.default_rng(1))
    np.testing.assert_array_equal(out, again)


def test_tvae_discrete_output_is_checked(tvae_spec):
    raw, sigma = _tvae_raw(4)
    with pytest.raises(ConfigurationError, match="discrete"):
        tvae_activate(raw, tvae_spec.output_spans, sigma, np.random.default_rng(), discrete="max")
    with pytest.raises(ConfigurationError, match="discrete_output"):
        TVAEParams(discrete_output="mode")


def test_tvae_activation_checks_sigma(tvae_spec):
    with pytest.raises(ValueError, match="sigma"):
        tvae_activate(
            np.zeros((2, 14)), tvae_spec.output_spans, np.ones(13), np.random.default_rng()
        )


@pytest.mark.parametrize(
    "spans",
    [
        (OutputSpan(0, 1, "tanh"), OutputSpan(1, 2, "softmax")),  # column 3 uncovered
        (OutputSpan(0, 2, "softmax"), OutputSpan(1, 3, "softmax")),  # overlap
        (OutputSpan(0, 2, "tanh"), OutputSpan(2, 2, "softmax")),  # wide tanh
        (OutputSpan(0, 4, "sigmoid"),),  # type: ignore[arg-type]
    ],
)
def test_spans_must_tile_the_row(spans):
    with pytest.raises(ConfigurationError):
        ctgan_activate(np.zeros((2, 4)), spans, np.random.default_rng())
