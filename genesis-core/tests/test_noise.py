"""The sampling noise: standard normal float32, reproducible from the generator's state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genesis.models.noise import standard_normal


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def test_values_follow_the_standard_normal_distribution():
    values = standard_normal(np.random.default_rng(0), (2_000, 500)).ravel()

    assert values.dtype == np.float32 and np.isfinite(values).all()
    assert abs(values.mean()) < 0.005 and abs(values.std() - 1.0) < 0.005
    # The empirical CDF against Phi, from the tails to the centre (1,000,000 values:
    # the standard error of each fraction is at most 0.0005).
    for x in (-3.0, -2.0, -1.0, -0.5, 0.0, 0.3, 1.0, 2.0, 3.0):
        assert abs(np.mean(values <= x) - _normal_cdf(x)) < 0.002, x
    assert 5.0 < np.abs(values).max() <= 5.8  # float32 uniforms: radius at most 5.77


def test_the_two_values_of_a_pair_are_uncorrelated():
    values = standard_normal(np.random.default_rng(1), (400_000,))
    first, second = values[:200_000], values[200_000:]  # cos and sin of the same draws

    assert abs(np.corrcoef(first, second)[0, 1]) < 0.01
    assert abs(np.corrcoef(first**2, second**2)[0, 1]) < 0.01


@pytest.mark.parametrize("shape", [(7, 3), (1,), (5, 0), (3, 4, 5)])
def test_shapes_and_reproducibility(shape):
    a = standard_normal(np.random.default_rng(3), shape)
    b = standard_normal(np.random.default_rng(3), shape)

    assert a.shape == shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, standard_normal(np.random.default_rng(4), shape)) or a.size == 0
