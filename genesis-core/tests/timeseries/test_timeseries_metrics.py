"""Discriminative and predictive scores: data handling and scoring, on a fake backend."""

from __future__ import annotations

import numpy as np
import pytest

from genesis.errors import DataValidationError, MethodNotSupportedError
from genesis.evaluation.timeseries_metrics import (
    discriminative_score,
    predictive_score,
    timeseries_scores,
)
from genesis.models.timegan import SequenceClassifierBatch, SequencePredictorBatch


def _flat(value: float, n: int = 50, steps: int = 6, features: int = 4) -> np.ndarray:
    return np.full((n, steps, features), value)


def test_separable_data_scores_half_and_identical_data_zero(fake_backend):
    # the fake classifier calls a sequence real when its mean is above 0.5
    separable = discriminative_score(
        _flat(0.9), _flat(0.1), backend=fake_backend, iterations=3, normalize=False, seed=0
    )
    assert separable == pytest.approx(0.5)
    same = discriminative_score(
        _flat(0.9), _flat(0.9), backend=fake_backend, iterations=3, normalize=False, seed=0
    )
    assert same == pytest.approx(0.0)


def test_classifier_training_batches_and_spec(fake_backend, fake_plugin):
    discriminative_score(
        _flat(0.2, n=100),
        _flat(0.7, n=60),
        backend=fake_backend,
        iterations=4,
        batch_size=16,
        seed=1,
    )
    (model,) = fake_plugin.built
    # the paper's classifier: one GRU cell of features // 2 units (a second cell made
    # a stronger judge: Sines scored 0.375 instead of 0.220 on the same synthetic data)
    assert model["spec"].params.hidden_dim == 2 and model["spec"].params.num_layers == 1
    batches = model["batches"]
    assert len(batches) == 4 and all(isinstance(b, SequenceClassifierBatch) for b in batches)
    assert batches[0].x.shape == (32, 6, 4)
    assert batches[0].labels.tolist() == [1.0] * 16 + [0.0] * 16


def test_predictive_score_is_the_mae_on_real_data(fake_backend):
    real = _flat(0.2)
    real[:, :, -1] = 0.8  # the fake predictor says 0.5: error 0.3 everywhere
    score = predictive_score(
        real, _flat(0.4), backend=fake_backend, iterations=2, normalize=False, seed=0
    )
    assert score == pytest.approx(0.3)


def test_predictor_trains_on_synthetic_shifted_targets(fake_backend, fake_plugin):
    synthetic = np.arange(20 * 6 * 4, dtype=float).reshape(20, 6, 4)
    predictive_score(
        _flat(0.5),
        synthetic,
        backend=fake_backend,
        iterations=2,
        batch_size=8,
        normalize=False,
        seed=0,
    )
    (model,) = fake_plugin.built
    assert model["spec"].data_dim == 3
    batch = model["batches"][0]
    assert isinstance(batch, SequencePredictorBatch)
    assert batch.x.shape == (8, 5, 3) and batch.target.shape == (8, 5, 1)
    # each target is the last feature one step after the inputs' step
    np.testing.assert_array_equal(batch.target[:, :, 0], batch.x[:, :, 0] + 4 + 3)


def test_normalization_uses_the_real_range(fake_backend):
    real = np.linspace(10, 20, 50 * 6 * 4).reshape(50, 6, 4)
    synthetic = real.copy()
    assert discriminative_score(real, synthetic, backend=fake_backend, iterations=1, seed=0) < 0.3


def test_repeated_scores_have_mean_and_spread(fake_backend):
    scores = timeseries_scores(
        _flat(0.9),
        _flat(0.1),
        backend=fake_backend,
        repeats=3,
        seed=0,
        discriminative_iterations=1,
        predictive_iterations=1,
        normalize=False,
    )
    assert scores.discriminative == (0.5, 0.5, 0.5)
    assert scores.discriminative_mean == pytest.approx(0.5) and scores.discriminative_std == 0.0
    assert len(scores.predictive) == 3


def test_errors(fake_backend, fake_backend_with):
    with pytest.raises(DataValidationError, match="differ in shape"):
        discriminative_score(_flat(0.1), _flat(0.1, steps=5), backend=fake_backend)
    with pytest.raises(DataValidationError, match="at least 2 features"):
        predictive_score(_flat(0.1, features=1), _flat(0.1, features=1), backend=fake_backend)
    with pytest.raises(DataValidationError, match="NaN"):
        discriminative_score(_flat(np.nan), _flat(0.1), backend=fake_backend)
    with pytest.raises(DataValidationError, match="sequences, steps, features"):
        discriminative_score(np.zeros((4, 5)), np.zeros((4, 5)), backend=fake_backend)
    other = fake_backend_with({"ctgan"}).backend("fakeseq")
    with pytest.raises(MethodNotSupportedError, match="fakeseq"):
        discriminative_score(_flat(0.1), _flat(0.2), backend=other)
