"""TorchTimeGAN and the evaluation networks: weights, generation, losses, schedule semantics."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError, MethodNotSupportedError, ModelFileError
from genesis.models.spec import ModelSpec
from genesis.models.timegan import (
    LOSS_NAMES,
    METRIC_CLASSIFIER,
    METRIC_PREDICTOR,
    SequenceClassifierBatch,
    SequenceMetricParams,
    SequencePredictorBatch,
    TimeGANBatch,
    TimeGANParams,
    expected_sequence_weight_shapes,
    numpy_generate,
)
from genesis_testkit.builders import timegan_batch, timegan_spec
from genesis_testkit.reference import (
    changed_networks,
    joint_losses,
    reconstruction_loss,
    supervised_loss,
)
from genesis_torch.timegan import TorchTimeGAN, build_sequence_model

D, T, BATCH = 3, 5, 6


@pytest.fixture(autouse=True)
def restore_threads():  # type: ignore[no-untyped-def]
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def make(module: str = "gru", seed: int = 0, **params: object) -> TorchTimeGAN:
    return TorchTimeGAN(timegan_spec(D, T, module=module, **params), RuntimeOptions(seed=seed))


def batch(phase: str, seed: int = 0) -> TimeGANBatch:
    return timegan_batch(phase, seed, batch_size=BATCH, seq_len=T, features=D)


# --------------------------------------------------------------------------- weights, generation


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_weights_round_trip_in_the_neutral_layout(module):
    model = make(module)
    weights = model.get_weights()
    assert {k: v.shape for k, v in weights.items()} == expected_sequence_weight_shapes(model.spec)
    other = make(module, seed=1)
    other.set_weights(weights)
    for name, array in other.get_weights().items():
        np.testing.assert_array_equal(array, weights[name])
    with pytest.raises(ModelFileError, match="missing"):
        other.set_weights({k: v for k, v in weights.items() if not k.startswith("recovery")})


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_generate_matches_the_numpy_reference(module):
    model = make(module)
    noise = np.random.default_rng(1).random((7, T, D), dtype=np.float32)
    out = model.generate(noise, None)
    assert out.shape == (7, T, D) and out.dtype == np.float32
    np.testing.assert_allclose(
        out, numpy_generate(model.params, model.get_weights(), noise), atol=2e-6
    )


def test_seed_fixes_the_initial_weights():
    a, b, c = make(seed=3).get_weights(), make(seed=3).get_weights(), make(seed=4).get_weights()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)


# --------------------------------------------------------------------------- losses


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_joint_losses_are_the_documented_ones(module):
    # A vanishing learning rate keeps the weights (almost) fixed across the rounds.
    model = make(module, lr=1e-12, gamma=0.7)
    weights = model.get_weights()
    b = batch("joint", seed=2)
    losses = model.train_step(b)
    assert set(losses) == set(LOSS_NAMES["joint"])
    expected = joint_losses(model.params, weights, b.real, b.noise)
    for name, value in expected.items():
        assert losses[name] == pytest.approx(value, rel=2e-4), name


def test_embedding_and_supervised_losses_are_the_documented_ones():
    model = make()
    b = batch("embedding", seed=3)
    expected = reconstruction_loss(model.params, model.get_weights(), b.real[0])
    assert model.train_step(b)["reconstruction"] == pytest.approx(expected, rel=1e-4)
    expected = supervised_loss(model.params, model.get_weights(), b.real[0])
    supervised = model.train_step(TimeGANBatch("supervised", b.real))["supervised"]
    assert supervised == pytest.approx(expected, rel=1e-4)


# --------------------------------------------------------------------------- which networks learn


def test_each_phase_updates_its_own_networks():
    model = make()
    before = model.get_weights()
    model.train_step(batch("embedding"))
    after_embedding = model.get_weights()
    assert changed_networks(before, after_embedding) == {"embedder", "recovery"}
    model.train_step(batch("supervised"))
    after_supervised = model.get_weights()
    assert changed_networks(after_embedding, after_supervised) == {"supervisor"}
    model.train_step(batch("joint"))
    assert changed_networks(after_supervised, model.get_weights()) == {
        "embedder",
        "recovery",
        "generator",
        "supervisor",
        "discriminator",
    }


@pytest.mark.parametrize("device_gate", [False, True])
def test_discriminator_steps_only_above_the_threshold(device_gate):
    always = make(discriminator_threshold=0.0)
    never = make(discriminator_threshold=1e9)
    for model in (always, never):
        model.device_gate = device_gate and model.optimizer_discriminator.defaults.get(
            "fused", False
        )
    before = never.get_weights()
    assert always.train_step(batch("joint"))["discriminator_steps"] == 1.0
    assert never.train_step(batch("joint"))["discriminator_steps"] == 0.0
    assert "discriminator" not in changed_networks(before, never.get_weights())


@pytest.mark.parametrize("threshold", [0.0, 1e9])
def test_device_gate_and_host_gate_train_identically(threshold):
    spec = make(discriminator_threshold=threshold).spec
    host = TorchTimeGAN(spec, RuntimeOptions(seed=0), device_gate=False)
    device = TorchTimeGAN(spec, RuntimeOptions(seed=0), device_gate=True)
    for seed in range(3):
        assert host.train_step(batch("joint", seed)) == device.train_step(batch("joint", seed))
    for name, array in host.get_weights().items():
        np.testing.assert_array_equal(array, device.get_weights()[name], err_msg=name)


def test_default_threads_are_one():
    torch.set_num_threads(2)
    make()
    assert torch.get_num_threads() == 1


def test_wrong_inputs_are_refused():
    with pytest.raises(ConfigurationError, match="TimeGANParams"):
        TorchTimeGAN(
            ModelSpec(method="timegan", params=SequenceMetricParams(hidden_dim=2), data_dim=2),
            RuntimeOptions(),
        )
    with pytest.raises(TypeError, match="TimeGANBatch"):
        make().train_step(SequenceClassifierBatch(np.zeros((2, T, D)), np.zeros(2)))
    with pytest.raises(ValueError, match="rounds"):
        make().train_step(TimeGANBatch("joint", batch("joint").real[:1], batch("joint").noise[:1]))
    with pytest.raises(MethodNotSupportedError, match="copula"):
        build_sequence_model(
            ModelSpec(method="copula", params=TimeGANParams(), data_dim=2), RuntimeOptions()
        )


# --------------------------------------------------------------------------- evaluation networks


def _metric(method: str, data_dim: int):  # type: ignore[no-untyped-def]
    spec = ModelSpec(
        method=method,
        params=SequenceMetricParams(hidden_dim=3, num_layers=2, lr=1e-2),
        data_dim=data_dim,
    )
    return build_sequence_model(spec, RuntimeOptions(seed=0))


def test_classifier_learns_to_separate_and_returns_one_logit_per_sequence():
    model = _metric(METRIC_CLASSIFIER, D)
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [rng.uniform(0.6, 1.0, (16, T, D)), rng.uniform(0.0, 0.4, (16, T, D))]
    ).astype(np.float32)
    labels = np.repeat(np.array([1.0, 0.0], np.float32), 16)
    losses = [model.train_step(SequenceClassifierBatch(x, labels))["loss"] for _ in range(60)]
    assert losses[-1] < 0.5 * losses[0]
    logits = model.generate(x, None)
    assert logits.shape == (32, 1)
    assert ((logits[:, 0] > 0) == (labels == 1)).all()


def test_predictor_learns_and_predicts_every_step():
    model = _metric(METRIC_PREDICTOR, D - 1)
    rng = np.random.default_rng(0)
    x = rng.random((16, T - 1, D - 1), dtype=np.float32)
    target = (0.2 + 0.6 * x[:, :, :1]).astype(np.float32)
    losses = [model.train_step(SequencePredictorBatch(x, target))["loss"] for _ in range(80)]
    assert losses[-1] < 0.7 * losses[0]
    assert model.generate(x, None).shape == (16, T - 1, 1)
    assert sorted(model.get_weights()) == sorted(expected_sequence_weight_shapes(model.spec))
