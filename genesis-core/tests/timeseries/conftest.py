"""Shared fixtures for the sequence tests: small long-format frames and arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis import hookimpl


def make_long_frame(entities: int = 5, steps: int = 10, seed: int = 0) -> pd.DataFrame:
    """Rows shuffled; ``id`` (str), ``t`` (int order), a float, an int, a bool and a category."""
    rng = np.random.default_rng(seed)
    n = entities * steps
    frame = pd.DataFrame(
        {
            "id": np.repeat([f"s{i}" for i in range(entities)], steps),
            "t": np.tile(np.arange(steps) * 10, entities),
            "price": rng.normal(50.0, 10.0, n),
            "count": rng.integers(-5, 20, n),
            "open": rng.random(n) < 0.5,
            "kind": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["c", "b", "a"]),
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.fixture
def long_frame() -> pd.DataFrame:
    """A shuffled long-format frame of 5 sequences of 10 steps."""
    return make_long_frame()


@pytest.fixture
def sequences() -> np.ndarray:
    """``(8, 12, 3)`` float64 sequences with per-feature ranges [0, 1], [-5, 5], [100, 300]."""
    rng = np.random.default_rng(1)
    base = rng.random((8, 12, 3))
    return base * np.array([1.0, 10.0, 200.0]) + np.array([0.0, -5.0, 100.0])


class FakeSequenceBackend:
    """A numpy backend for the core's sequence tests (no framework needed).

    TimeGAN: weights drawn from ``options.seed``; a train step does not learn, it
    returns the phase's loss names with values computed from the batch (so a
    test can tell batches apart); ``generate`` is the reference numpy forward pass.
    Evaluation networks: the classifier's logit is ``10 * (mean(x) - 0.5)``; the
    predictor predicts 0.5 everywhere. Every batch is recorded on the model.
    """

    name = "fakeseq"
    priority = 500

    def __init__(self, capabilities=None):  # type: ignore[no-untyped-def]
        from genesis.models.timegan import METRIC_CLASSIFIER, METRIC_PREDICTOR

        self.capabilities = frozenset(
            capabilities
            if capabilities is not None
            else {"timegan", METRIC_CLASSIFIER, METRIC_PREDICTOR}
        )
        self.built: list[dict] = []  # every model built, in order

    @hookimpl
    def genesis_backend_info(self):  # type: ignore[no-untyped-def]
        from genesis.backends import BackendInfo

        return BackendInfo(
            name=self.name,
            priority=self.priority,
            available=True,
            install_command="pip install nothing",
            capabilities=self.capabilities,
            framework="numpy",
            framework_version=np.__version__,
        )

    @hookimpl
    def genesis_query_devices(self):  # type: ignore[no-untyped-def]
        return ["cpu"]

    @hookimpl
    def genesis_build_model(self, spec, options):  # type: ignore[no-untyped-def]
        from genesis.models.timegan import expected_sequence_weight_shapes

        rng = np.random.default_rng(options.seed)
        weights = {
            name: (rng.standard_normal(shape) * 0.3).astype(np.float32)
            for name, shape in expected_sequence_weight_shapes(spec).items()
        }
        model = {"spec": spec, "weights": weights, "batches": [], "options": options}
        self.built.append(model)
        return model

    @hookimpl
    def genesis_train_step(self, model, batch):  # type: ignore[no-untyped-def]
        from genesis.models.timegan import LOSS_NAMES, TimeGANBatch

        model["batches"].append(batch)
        if isinstance(batch, TimeGANBatch):
            value = float(batch.real.mean())
            return {name: value + i for i, name in enumerate(LOSS_NAMES[batch.phase])}
        return {"loss": 0.0}

    @hookimpl
    def genesis_generate(self, model, noise, cond):  # type: ignore[no-untyped-def]
        from genesis.models.timegan import METRIC_CLASSIFIER, METRIC_PREDICTOR, numpy_generate

        spec = model["spec"]
        if spec.method == METRIC_CLASSIFIER:
            return (10.0 * (noise.mean(axis=(1, 2)) - 0.5))[:, None].astype(np.float32)
        if spec.method == METRIC_PREDICTOR:
            return np.full((noise.shape[0], noise.shape[1], 1), 0.5, dtype=np.float32)
        return numpy_generate(spec.params, model["weights"], noise)

    @hookimpl
    def genesis_get_weights(self, model):  # type: ignore[no-untyped-def]
        return {k: v.copy() for k, v in model["weights"].items()}

    @hookimpl
    def genesis_set_weights(self, model, weights):  # type: ignore[no-untyped-def]
        from genesis.models.timegan import validate_sequence_weights

        validate_sequence_weights(model["spec"], weights)
        model["weights"] = {k: np.array(v) for k, v in weights.items()}
        return True


@pytest.fixture
def fake_plugin() -> FakeSequenceBackend:
    """The plugin object behind :func:`fake_registry` (``.built`` lists its models)."""
    return FakeSequenceBackend()


@pytest.fixture
def fake_registry(make_registry, fake_plugin):  # type: ignore[no-untyped-def]
    """A registry holding only :class:`FakeSequenceBackend` (named ``fakeseq``)."""
    return make_registry(fake_plugin)


@pytest.fixture
def fake_backend(fake_registry):  # type: ignore[no-untyped-def]
    """The ``fakeseq`` :class:`~genesis.backends.backend.Backend`."""
    return fake_registry.backend("fakeseq")


@pytest.fixture
def fake_backend_with(make_registry):  # type: ignore[no-untyped-def]
    """``make(capabilities)``: a ``fakeseq`` registry whose plugin declares ``capabilities``."""

    def make(capabilities):  # type: ignore[no-untyped-def]
        return make_registry(FakeSequenceBackend(capabilities=capabilities))

    return make


@pytest.fixture
def make_frame():  # type: ignore[no-untyped-def]
    """``make(entities, steps, seed)``: see :func:`make_long_frame`."""
    return make_long_frame
