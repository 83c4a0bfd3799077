"""The one-dimensional variational Dirichlet-process mixture."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from genesis.data.mixture import MixtureConfig, MixtureModes, fit_mixture


def trimodal(n_per_mode: int = 1500, seed: int = 1) -> np.ndarray:
    r = np.random.default_rng(seed)
    return np.concatenate(
        [
            r.normal(-5.0, 1.0, n_per_mode),
            r.normal(0.0, 0.5, n_per_mode),
            r.normal(6.0, 2.0, n_per_mode),
        ]
    )


def test_converged_fit_finds_the_three_modes_of_a_trimodal_sample() -> None:
    values = trimodal()
    config = MixtureConfig(max_iter=1500, tol=1e-9)

    modes = fit_mixture(values, np.random.default_rng(2), config)

    assert modes.n_modes == 3
    np.testing.assert_allclose(np.sort(modes.means), [-5.0, 0.0, 6.0], atol=0.25)
    np.testing.assert_allclose(modes.weights[np.argsort(modes.means)], [1 / 3] * 3, atol=0.03)
    np.testing.assert_allclose(np.sort(modes.stds)[[0, 2]], [0.5, 2.0], rtol=0.15)


def test_default_fit_matches_sklearn_dirichlet_process_mixture() -> None:
    sklearn_mixture = pytest.importorskip("sklearn.mixture")
    values = trimodal(n_per_mode=1000)
    oracle = sklearn_mixture.BayesianGaussianMixture(
        n_components=10,
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.001,
        max_iter=100,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns that 100 rounds did not converge
        oracle.fit(values.reshape(-1, 1))
    keep = oracle.weights_ > 0.005
    oracle_modes = MixtureModes(
        means=oracle.means_.ravel()[keep],
        stds=np.sqrt(oracle.covariances_.ravel()[keep]),
        weights=oracle.weights_[keep] / oracle.weights_[keep].sum(),
    )

    modes = fit_mixture(values, np.random.default_rng(0))

    assert abs(modes.n_modes - oracle_modes.n_modes) <= 3
    ours = modes.log_density(values).mean()
    theirs = oracle_modes.log_density(values).mean()
    assert ours == pytest.approx(theirs, abs=0.03)


def test_constant_column_gives_one_atom() -> None:
    modes = fit_mixture(np.full(1000, 7.25), np.random.default_rng(0))

    assert modes.n_modes == 1
    assert modes.means[0] == 7.25 and modes.stds[0] == 0.0
    np.testing.assert_array_equal(modes.posterior(np.array([7.25, 8.0])), [[1.0], [1.0]])


def test_constant_column_without_atoms_gives_one_narrow_mode() -> None:
    config = MixtureConfig(atom_fraction=None)
    modes = fit_mixture(np.full(1000, 7.25), np.random.default_rng(0), config)

    assert modes.n_modes == 1
    assert modes.means[0] == 7.25 and 0 < modes.stds[0] < 0.01


def test_near_constant_huge_magnitude_column_gives_exact_atoms() -> None:
    values = np.full(500, 1.6e18)
    values[:5] += 3.6e12  # datetimes in nanoseconds: five rows an hour later

    modes = fit_mixture(values, np.random.default_rng(0))

    np.testing.assert_array_equal(np.sort(modes.means), [1.6e18, 1.6e18 + 3.6e12])
    np.testing.assert_array_equal(modes.stds, 0.0)
    np.testing.assert_allclose(np.sort(modes.weights), [0.01, 0.99])


def test_a_spike_becomes_an_atom_beside_the_smooth_modes() -> None:
    rng = np.random.default_rng(4)
    values = np.where(rng.random(5000) < 0.9, 0.0, rng.gamma(4.0, 1500.0, 5000))

    modes = fit_mixture(values, np.random.default_rng(0))

    assert modes.means[0] == 0.0 and modes.stds[0] == 0.0
    assert modes.weights[0] == pytest.approx((values == 0).mean())
    assert np.all(modes.stds[1:] > 100)
    post = modes.posterior(np.array([0.0, 1e-9, 6000.0]))
    np.testing.assert_array_equal(post[0], np.eye(modes.n_modes)[0])
    assert post[1, 0] == 0.0 and post[2, 0] == 0.0
    np.testing.assert_allclose(post.sum(axis=1), 1.0)


def test_atoms_can_be_turned_off() -> None:
    values = np.repeat([0.0, 1.0, 2.5], [800, 100, 100])
    values[800:] += np.random.default_rng(0).normal(0, 0.1, 200)

    modes = fit_mixture(values, np.random.default_rng(0), MixtureConfig(atom_fraction=None))

    assert np.all(modes.stds > 0)


def test_two_distinct_values_give_two_modes_at_those_values() -> None:
    values = np.repeat([0.0, 1.0], [300, 700])

    modes = fit_mixture(values, np.random.default_rng(0))

    assert modes.n_modes == 2
    order = np.argsort(modes.means)
    np.testing.assert_allclose(modes.means[order], [0.0, 1.0], atol=1e-2)
    np.testing.assert_allclose(modes.weights[order], [0.3, 0.7], atol=1e-2)


def test_fit_is_deterministic_given_the_generator() -> None:
    values = trimodal(n_per_mode=3000)
    config = MixtureConfig(max_fit_rows=2000)

    first = fit_mixture(values, np.random.default_rng(5), config)
    second = fit_mixture(values, np.random.default_rng(5), config)

    np.testing.assert_array_equal(first.means, second.means)
    np.testing.assert_array_equal(first.stds, second.stds)
    np.testing.assert_array_equal(first.weights, second.weights)


def test_posterior_is_a_distribution_over_kept_modes() -> None:
    modes = fit_mixture(trimodal(), np.random.default_rng(0))
    probe = np.array([-5.0, 0.0, 6.0, 1e6, -1e6])

    post = modes.posterior(probe)

    assert post.shape == (5, modes.n_modes)
    np.testing.assert_allclose(post.sum(axis=1), 1.0)
    assert np.all(post >= 0)
    assert np.all(modes.weights > 0.005 * 0.99)
    assert modes.weights.sum() == pytest.approx(1.0)
    assert modes.n_modes <= 10


def test_state_round_trip_is_exact() -> None:
    modes = fit_mixture(trimodal(), np.random.default_rng(0))

    again = MixtureModes.from_state(modes.to_state())

    np.testing.assert_array_equal(again.posterior(trimodal()), modes.posterior(trimodal()))


def test_rejects_empty_and_non_finite_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        fit_mixture(np.array([]), np.random.default_rng(0))
    with pytest.raises(ValueError, match="finite"):
        fit_mixture(np.array([1.0, np.nan]), np.random.default_rng(0))
