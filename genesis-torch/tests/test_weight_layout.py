"""Framework-neutral weights: the documented layout, validation, torch export and import."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from genesis.backends.info import RuntimeOptions
from genesis.errors import ModelFileError
from genesis.models.weights import expected_weight_shapes, validate_weights
from genesis_torch.training import build_model


def test_ctgan_shapes_follow_the_documented_layout(ctgan_spec):
    shapes = expected_weight_shapes(ctgan_spec)

    # E=8, C=7, D=14, generator (16, 16), critic (16, 16), pac 5.
    assert shapes["generator.residual.0.dense.kernel"] == (15, 16)
    assert shapes["generator.residual.1.dense.kernel"] == (31, 16)
    assert shapes["generator.residual.1.batchnorm.moving_variance"] == (16,)
    assert shapes["generator.output.kernel"] == (47, 14)
    assert shapes["generator.output.bias"] == (14,)
    assert shapes["discriminator.hidden.0.kernel"] == (105, 16)
    assert shapes["discriminator.hidden.1.kernel"] == (16, 16)
    assert shapes["discriminator.output.kernel"] == (16, 1)
    assert len(shapes) == 2 * 6 + 2 + 2 * 2 + 2


def test_tvae_shapes_follow_the_documented_layout(tvae_spec):
    shapes = expected_weight_shapes(tvae_spec)

    assert shapes["encoder.hidden.0.kernel"] == (14, 12)
    assert shapes["encoder.hidden.1.kernel"] == (12, 10)
    assert shapes["encoder.mu.kernel"] == (10, 8)
    assert shapes["encoder.logvar.bias"] == (8,)
    assert shapes["decoder.hidden.0.kernel"] == (8, 10)
    assert shapes["decoder.output.kernel"] == (12, 14)
    assert shapes["decoder.sigma"] == (14,)
    assert len(shapes) == 2 * 2 + 4 + 2 * 2 + 2 + 1


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_torch_exports_exactly_the_documented_weights(method, ctgan_spec, tvae_spec):
    spec = ctgan_spec if method == "ctgan" else tvae_spec
    weights = build_model(spec, RuntimeOptions(seed=0)).get_weights()

    expected = expected_weight_shapes(spec)
    assert list(weights) == list(expected)
    assert {name: w.shape for name, w in weights.items()} == expected
    assert all(w.dtype == np.float32 for w in weights.values())
    validate_weights(spec, weights)


def test_kernels_are_stored_input_major(ctgan_spec):
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))
    weights = model.get_weights()

    torch_weight = model.generator_net.output.weight.detach().numpy()  # (out, in)
    np.testing.assert_array_equal(weights["generator.output.kernel"], torch_weight.T)
    bn = model.generator_net.residual[0].batchnorm
    np.testing.assert_array_equal(
        weights["generator.residual.0.batchnorm.moving_variance"], bn.running_var.numpy()
    )


def _corrupt(weights, how):
    weights = dict(weights)
    if how == "missing":
        del weights["generator.output.bias"]
    elif how == "extra":
        weights["generator.output.scale"] = np.ones(14, np.float32)
    elif how == "shape":
        weights["generator.output.bias"] = np.zeros(13, np.float32)
    elif how == "dtype":
        weights["generator.output.bias"] = weights["generator.output.bias"].astype(np.float64)
    elif how == "nan":
        bias = weights["generator.output.bias"].copy()
        bias[3] = np.nan
        weights["generator.output.bias"] = bias
    return weights


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing", "missing.*generator.output.bias"),
        ("extra", "unexpected.*generator.output.scale"),
        ("shape", r"generator.output.bias.*shape \(13,\).*\(14,\)"),
        ("dtype", "generator.output.bias.*float64"),
        ("nan", "generator.output.bias.*NaN"),
    ],
)
def test_validation_names_what_is_wrong(how, message, ctgan_spec):
    weights = build_model(ctgan_spec, RuntimeOptions(seed=0)).get_weights()

    with pytest.raises(ModelFileError, match=message):
        validate_weights(ctgan_spec, _corrupt(weights, how))


def test_set_weights_rejects_a_wrong_shape_and_keeps_the_model(ctgan_spec):
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))
    before = model.get_weights()
    other = build_model(ctgan_spec, RuntimeOptions(seed=1)).get_weights()
    other["discriminator.hidden.0.kernel"] = np.zeros((104, 16), np.float32)

    with pytest.raises(ModelFileError, match=r"discriminator.hidden.0.kernel"):
        model.set_weights(other)
    after = model.get_weights()
    assert all(np.array_equal(before[name], after[name]) for name in before)


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_weights_round_trip_between_models(method, ctgan_spec, tvae_spec, ctgan_batch, tvae_batch):
    spec = ctgan_spec if method == "ctgan" else tvae_spec
    batch = ctgan_batch if method == "ctgan" else tvae_batch
    source = build_model(spec, RuntimeOptions(seed=0))
    for seed in range(3):
        source.train_step(batch(seed))
    target = build_model(spec, RuntimeOptions(seed=1))
    weights = source.get_weights()
    assert not all(np.array_equal(weights[n], w) for n, w in target.get_weights().items())

    target.set_weights(weights)

    copied = target.get_weights()
    assert all(np.array_equal(weights[name], copied[name]) for name in weights)
    rng = np.random.default_rng(5)
    noise = rng.standard_normal((30, 8), dtype=np.float32)
    cond = np.eye(7, dtype=np.float32)[rng.integers(0, 7, 30)] if method == "ctgan" else None
    np.testing.assert_array_equal(source.generate(noise, cond), target.generate(noise, cond))


def test_the_critic_reads_its_neutral_kernel_in_packed_input_order(ctgan_spec, ctgan_batch):
    # The torch critic keeps its first kernel's inputs as [all data, all conditions];
    # the neutral kernel is in the packed input's order: row 0 data, row 0 cond, ...
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))
    model.train_step(ctgan_batch(0))
    weights = model.get_weights()
    critic = model.discriminator.eval()
    rng = np.random.default_rng(1)
    rows = rng.standard_normal((20, 21)).astype(np.float32)  # 4 packs of 5, D=14, C=7

    with torch.no_grad():
        scores = critic(torch.from_numpy(rows)).numpy()
    h = rows.reshape(4, 105)
    for name in ("hidden.0", "hidden.1"):
        pre = h @ weights[f"discriminator.{name}.kernel"] + weights[f"discriminator.{name}.bias"]
        h = np.where(pre > 0, pre, 0.2 * pre)
    expected = h @ weights["discriminator.output.kernel"] + weights["discriminator.output.bias"]

    np.testing.assert_allclose(scores, expected, rtol=1e-4, atol=1e-5)
    # ... and a set_weights / get_weights round trip keeps every value where it was.
    fresh = build_model(ctgan_spec, RuntimeOptions(seed=5))
    fresh.set_weights(weights)
    for name, array in fresh.get_weights().items():
        np.testing.assert_array_equal(array, weights[name])
