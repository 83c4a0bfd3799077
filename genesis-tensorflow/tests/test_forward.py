"""Inference forward passes agree with the numpy reference of genesis.models.numpy_forward."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from genesis.backends.info import RuntimeOptions
from genesis.models.numpy_forward import ctgan_generator_forward, tvae_decoder_forward
from genesis_tensorflow import networks
from genesis_tensorflow.training import build_model


def _noise(spec, rows, seed=0):
    shape = (rows, spec.params.embedding_dim)
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def test_ctgan_generator_matches_numpy_in_inference_mode(ctgan_spec, ctgan_batch):
    model = build_model(ctgan_spec, RuntimeOptions(seed=3))
    for seed in range(4):
        model.train_step(ctgan_batch(seed))
    before = model.get_weights()
    block = "generator.residual.1.batchnorm"
    # Training moved the running statistics away from their initial 0 and 1.
    assert np.abs(before[f"{block}.moving_mean"]).max() > 1e-3
    assert np.abs(before[f"{block}.moving_variance"] - 1.0).max() > 1e-3
    noise = _noise(ctgan_spec, 64)
    picks = np.random.default_rng(1).integers(0, ctgan_spec.cond_dim, 64)
    cond = np.eye(ctgan_spec.cond_dim, dtype=np.float32)[picks]

    raw = model.generate(noise, cond)
    again = model.generate(noise, cond)
    expected = ctgan_generator_forward(ctgan_spec, before, noise, cond)

    assert raw.dtype == np.float32 and raw.shape == (64, 16)
    np.testing.assert_allclose(raw, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(raw, again)  # no noise, no dropout, no statistics update
    after = model.get_weights()
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)


def test_tvae_decoder_matches_numpy(tvae_spec, tvae_batch):
    model = build_model(tvae_spec, RuntimeOptions(seed=3))
    for seed in range(3):
        model.train_step(tvae_batch(seed))
    noise = _noise(tvae_spec, 64, seed=1)

    raw = model.generate(noise, None)
    expected = tvae_decoder_forward(tvae_spec, model.get_weights(), noise)

    assert raw.dtype == np.float32 and raw.shape == (64, 16)
    np.testing.assert_allclose(raw, expected, rtol=1e-5, atol=1e-5)


def test_generate_takes_any_number_of_rows(method_case):
    spec, _ = method_case
    model = build_model(spec, RuntimeOptions(seed=0))
    for rows in (1, 7, 1000):
        cond = np.zeros((rows, spec.cond_dim), dtype=np.float32) if spec.cond_dim else None
        assert model.generate(_noise(spec, rows), cond).shape == (rows, spec.data_dim)


def test_ctgan_generate_needs_the_condition(ctgan_spec):
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))
    with pytest.raises(ValueError, match="cond is required"):
        model.generate(_noise(ctgan_spec, 3), None)


@pytest.mark.parametrize("discrete", [True, False], ids=["with-condition", "no-discrete-columns"])
def test_folded_sampling_pass_equals_the_inference_graph(discrete, make_ctgan_spec):
    """Batch normalization folded and concatenations split give the unfolded pass's values."""
    spec = make_ctgan_spec()
    if not discrete:
        spec = dataclasses.replace(spec, cond_dim=0, condition_spans=())
    model = build_model(spec, RuntimeOptions(seed=5))
    rng = np.random.default_rng(2)
    for name, variable in model.weights.items():  # statistics and scales away from 0 and 1
        if name.endswith(("moving_mean", "beta")):
            variable.assign(rng.normal(0.0, 0.5, variable.shape).astype(np.float32))
        elif name.endswith(("moving_variance", "gamma")):
            variable.assign(rng.uniform(0.5, 2.0, variable.shape).astype(np.float32))
    noise = tf.constant(_noise(spec, 50))
    cond = np.zeros((50, spec.cond_dim), dtype=np.float32)
    if spec.cond_dim:
        cond[np.arange(50), rng.integers(0, spec.cond_dim, 50)] = 1.0
    cond = tf.constant(cond)

    folded = networks.generator_inference(model.weights, spec.params, noise, cond)
    plain = networks.generator(model.weights, spec.params, tf.concat([noise, cond], 1), False)

    assert folded.shape == (50, spec.data_dim)
    np.testing.assert_allclose(folded.numpy(), plain.numpy(), rtol=1e-5, atol=1e-5)
