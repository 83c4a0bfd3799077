"""TFTimeGAN and the evaluation networks: weights, generation, losses, schedule, torch parity.

The reference losses come from :mod:`genesis_testkit.reference` (numpy, from the
documented equations). Most tests run the steps without XLA (each compilation takes
seconds); one test checks that the XLA-compiled steps train exactly as the torch backend
does.
"""

from __future__ import annotations

import numpy as np
import pytest

from genesis import SyntheticGenerator
from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError, MethodNotSupportedError, ModelFileError
from genesis.io.model_file import read_model_file
from genesis.io.serialize import spec_from_json
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
from genesis_tensorflow import timegan as tf_timegan
from genesis_tensorflow.plugin import CAPABILITIES
from genesis_tensorflow.timegan import TFTimeGAN, build_sequence_model
from genesis_testkit.builders import timegan_batch, timegan_spec
from genesis_testkit.reference import (
    changed_networks,
    joint_losses,
    reconstruction_loss,
    supervised_loss,
)

torch = pytest.importorskip("torch", reason="the parity tests need torch beside tensorflow")
from genesis_torch.timegan import TorchTimeGAN  # noqa: E402
from genesis_torch.timegan import build_sequence_model as build_torch_sequence  # noqa: E402

D, T, BATCH = 3, 5, 6
TOLERANCE = 1e-4


#: Cells per network: two for the GRU (stacking is tested), one for the LSTM (each cell in
#: a network adds to the time it takes to trace and compile the steps).
LAYERS = {"gru": 2, "lstm": 1}


@pytest.fixture(autouse=True)
def no_xla(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tf_timegan, "JIT_COMPILE", False)


@pytest.fixture(autouse=True, scope="module")
def fast_graph_optimization():  # type: ignore[no-untyped-def]
    """Skip Grappler's graph rewrites (seconds per traced step, nothing to gain in tests)."""
    options = tf_timegan.tf.config.optimizer
    before = options.get_experimental_options()
    options.set_experimental_options({"disable_meta_optimizer": True})
    yield
    options.set_experimental_options(
        {"disable_meta_optimizer": before.get("disable_meta_optimizer", False)}
    )


def make_spec(module: str = "gru", **params: object) -> ModelSpec:
    return timegan_spec(D, T, **{"num_layers": LAYERS[module], "module": module, **params})


def make(module: str = "gru", seed: int = 0, **params: object) -> TFTimeGAN:
    return TFTimeGAN(make_spec(module, **params), RuntimeOptions(seed=seed))


def batch(phase: str, seed: int = 0) -> TimeGANBatch:
    return timegan_batch(phase, seed, batch_size=BATCH, seq_len=T, features=D)


def test_capabilities_are_declared():
    assert {"timegan", METRIC_CLASSIFIER, METRIC_PREDICTOR} <= CAPABILITIES


# --------------------------------------------------------------------------- weights, generation


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_weights_round_trip_and_generate_matches_the_numpy_reference(module):
    model = make(module)
    weights = model.get_weights()
    assert {k: v.shape for k, v in weights.items()} == expected_sequence_weight_shapes(model.spec)
    if module == "lstm":  # Keras' unit_forget_bias
        np.testing.assert_array_equal(weights["embedder.cell.0.bias"], np.repeat([0, 1, 0, 0], 4))
    recurrent = weights["embedder.cell.0.recurrent_kernel"]  # orthonormal rows
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)
    other = make(module, seed=1)
    other.set_weights(weights)
    for name, array in other.get_weights().items():
        np.testing.assert_array_equal(array, weights[name])
    with pytest.raises(ModelFileError, match="missing"):
        other.set_weights({k: v for k, v in weights.items() if not k.startswith("recovery")})
    noise = np.random.default_rng(1).random((7, T, D), dtype=np.float32)
    out = model.generate(noise, None)
    assert out.shape == (7, T, D) and out.dtype == np.float32
    np.testing.assert_allclose(out, numpy_generate(model.params, weights, noise), atol=2e-6)


def test_seed_fixes_the_initial_weights():
    a, b, c = make(seed=3).get_weights(), make(seed=3).get_weights(), make(seed=4).get_weights()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)


# --------------------------------------------------------------------------- losses


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_joint_losses_are_the_documented_ones(module):
    model = make(module, lr=1e-12, gamma=0.7)  # the weights stay (almost) fixed
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


# --------------------------------------------------------------------------- schedule


def test_each_phase_updates_its_own_networks():
    model = make(discriminator_threshold=0.0)
    before = model.get_weights()
    model.train_step(batch("embedding"))
    after_embedding = model.get_weights()
    assert changed_networks(before, after_embedding) == {"embedder", "recovery"}
    model.train_step(batch("supervised"))
    after_supervised = model.get_weights()
    assert changed_networks(after_embedding, after_supervised) == {"supervisor"}
    assert model.train_step(batch("joint"))["discriminator_steps"] == 1.0
    assert changed_networks(after_supervised, model.get_weights()) == {
        "embedder",
        "recovery",
        "generator",
        "supervisor",
        "discriminator",
    }


def test_discriminator_steps_only_above_the_threshold():
    never = make(discriminator_threshold=1e9)
    before = never.get_weights()
    assert never.train_step(batch("joint"))["discriminator_steps"] == 0.0
    assert "discriminator" not in changed_networks(before, never.get_weights())
    assert float(never.slots["discriminator"]["step"].numpy()) == 0.0  # no Adam step either


# --------------------------------------------------------------------------- torch parity


def _same_training(module: str, phases: list[str], **params: object) -> None:
    spec = make_spec(module, **params)
    tf_model = TFTimeGAN(spec, RuntimeOptions(seed=0))
    torch_model = TorchTimeGAN(spec, RuntimeOptions(seed=1))
    torch_model.set_weights(tf_model.get_weights())
    for i, phase in enumerate(phases):
        a, b = tf_model.train_step(batch(phase, i)), torch_model.train_step(batch(phase, i))
        assert a.keys() == b.keys()
        for name in a:
            assert a[name] == pytest.approx(b[name], rel=1e-4, abs=1e-5), (phase, name)
    expected = torch_model.get_weights()
    for name, array in tf_model.get_weights().items():
        np.testing.assert_allclose(array, expected[name], rtol=0, atol=TOLERANCE, err_msg=name)


SCHEDULE = ["embedding", "embedding", "supervised", "supervised", "joint", "joint", "joint"]


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_training_matches_torch(module):
    _same_training(module, SCHEDULE, gamma=0.7)


@pytest.mark.parametrize("first", ["tensorflow", "torch"])
def test_a_run_moves_to_the_other_backend_with_its_optimizer_state(first):
    """Half the schedule on one backend, the rest on the other after moving weights and
    training state: the result is the one backend's uninterrupted run (Adam restarted
    would move each weight by about the learning rate, ten times the tolerance)."""
    spec = make_spec("gru")
    build = {"tensorflow": TFTimeGAN, "torch": TorchTimeGAN}
    second = "torch" if first == "tensorflow" else "tensorflow"
    reference = build[first](spec, RuntimeOptions(seed=0))
    start = build[first](spec, RuntimeOptions(seed=0))
    for i, phase in enumerate(SCHEDULE[:5]):
        reference.train_step(batch(phase, i))
        start.train_step(batch(phase, i))
    moved = build[second](spec, RuntimeOptions(seed=3))
    moved.set_weights(start.get_weights())
    state = start.get_training_state()
    assert int(state["optimizer.generator.step"]) == 2  # two generator rounds per joint iteration
    assert int(state["optimizer.embedding.step"]) == 2
    moved.set_training_state(state)
    exported = moved.get_training_state()
    for name, array in state.items():
        np.testing.assert_array_equal(exported[name], array, err_msg=name)
    for i, phase in enumerate(SCHEDULE[5:], start=5):
        reference.train_step(batch(phase, i))
        moved.train_step(batch(phase, i))
    expected = reference.get_weights()
    for name, array in moved.get_weights().items():
        np.testing.assert_allclose(array, expected[name], rtol=0, atol=TOLERANCE, err_msg=name)


def test_xla_compiled_training_matches_torch(monkeypatch):
    monkeypatch.setattr(tf_timegan, "JIT_COMPILE", True)
    _same_training("gru", ["joint", "joint"], num_layers=1)  # every phase: the testkit, default XLA


@pytest.mark.parametrize("trained_on", ["torch", "tensorflow"])
def test_a_model_file_generates_the_same_on_the_other_backend(trained_on, tmp_path):
    loaded_on = "tensorflow" if trained_on == "torch" else "torch"
    rng = np.random.default_rng(0)
    t = np.arange(T)[None, :, None]
    data = 5.0 * (np.sin(rng.uniform(0.1, 0.5, (30, 1, D)) * t + rng.uniform(0, 3, (30, 1, D))) + 1)
    trained = SyntheticGenerator(
        method="timegan",
        backend=trained_on,
        seq_len=T,
        iterations=3,
        seed=0,
        verbose=False,
        timegan=TimeGANParams(hidden_dim=4, num_layers=2, batch_size=BATCH),
    ).fit(data)
    path = trained.save(tmp_path / "timegan.genesis")
    loaded = SyntheticGenerator.load(path, backend=loaded_on, verbose=False)
    assert loaded.backend.name == loaded_on
    np.testing.assert_allclose(loaded.sample(20, seed=3), trained.sample(20, seed=3), atol=1e-3)
    # The raw generator output of the saved weights, from the same noise, on both backends.
    content = read_model_file(path)
    spec = spec_from_json(content.document["spec"])
    noise = rng.random((16, T, D), dtype=np.float32)
    outputs = {}
    for name, build in (("tensorflow", build_sequence_model), ("torch", build_torch_sequence)):
        model = build(spec, RuntimeOptions(seed=5))
        model.set_weights(content.weights)
        outputs[name] = model.generate(noise)
    np.testing.assert_allclose(outputs["tensorflow"], outputs["torch"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(
        outputs[loaded_on], numpy_generate(spec.params, content.weights, noise), atol=1e-5
    )


# --------------------------------------------------------------------------- evaluation networks


def _metric(method: str, data_dim: int, build=build_sequence_model):  # type: ignore[no-untyped-def]
    spec = ModelSpec(
        method=method,
        params=SequenceMetricParams(hidden_dim=3, num_layers=2, lr=1e-2),
        data_dim=data_dim,
    )
    return build(spec, RuntimeOptions(seed=0))


def test_classifier_learns_and_matches_torch():
    model = _metric(METRIC_CLASSIFIER, D)
    reference = _metric(METRIC_CLASSIFIER, D, build_torch_sequence)
    reference.set_weights(model.get_weights())
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [rng.uniform(0.6, 1.0, (16, T, D)), rng.uniform(0.0, 0.4, (16, T, D))]
    ).astype(np.float32)
    labels = np.repeat(np.array([1.0, 0.0], np.float32), 16)
    losses = []
    for _ in range(60):
        losses.append(model.train_step(SequenceClassifierBatch(x, labels))["loss"])
        expected = reference.train_step(SequenceClassifierBatch(x, labels))["loss"]
        assert losses[-1] == pytest.approx(expected, rel=1e-3, abs=1e-5)
    assert losses[-1] < 0.5 * losses[0]
    logits = model.generate(x, None)
    assert logits.shape == (32, 1)
    assert ((logits[:, 0] > 0) == (labels == 1)).all()
    np.testing.assert_allclose(logits, reference.generate(x, None), atol=1e-3)


def test_predictor_learns_and_matches_torch():
    model = _metric(METRIC_PREDICTOR, D - 1)
    reference = _metric(METRIC_PREDICTOR, D - 1, build_torch_sequence)
    reference.set_weights(model.get_weights())
    rng = np.random.default_rng(0)
    x = rng.random((16, T - 1, D - 1), dtype=np.float32)
    target = (0.2 + 0.6 * x[:, :, :1]).astype(np.float32)
    losses = []
    for _ in range(80):
        losses.append(model.train_step(SequencePredictorBatch(x, target))["loss"])
        expected = reference.train_step(SequencePredictorBatch(x, target))["loss"]
        assert losses[-1] == pytest.approx(expected, rel=1e-3, abs=1e-5)
    assert losses[-1] < 0.7 * losses[0]
    out = model.generate(x, None)
    assert out.shape == (16, T - 1, 1)
    np.testing.assert_allclose(out, reference.generate(x, None), atol=1e-3)
    assert sorted(model.get_weights()) == sorted(expected_sequence_weight_shapes(model.spec))


# --------------------------------------------------------------------------- errors


def test_wrong_inputs_are_refused():
    with pytest.raises(ConfigurationError, match="TimeGANParams"):
        TFTimeGAN(
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
