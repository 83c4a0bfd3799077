"""Weights and model files cross between the torch and tensorflow backends.

The same weights must give the same raw network output on both frameworks, so a
model trained on one samples the same rows on the other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.backends.info import RuntimeOptions
from genesis_tensorflow.training import build_model as build_tf
from genesis_testkit.capabilities import tiny_table

pytest.importorskip("torch", reason="the cross-backend tests need torch beside tensorflow")
from genesis_torch.training import build_model as build_torch

#: Largest difference allowed between the two frameworks' raw outputs.
TOLERANCE = 1e-4


def _inputs(spec, rows=256, seed=0):
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((rows, spec.params.embedding_dim), dtype=np.float32)
    if not spec.cond_dim:
        return noise, None
    return noise, np.eye(spec.cond_dim, dtype=np.float32)[rng.integers(0, spec.cond_dim, rows)]


@pytest.mark.parametrize("trained_on", ["torch", "tensorflow"])
def test_the_same_weights_give_the_same_raw_output(method_case, trained_on):
    spec, make_batch = method_case
    build = {"torch": build_torch, "tensorflow": build_tf}
    source = build[trained_on](spec, RuntimeOptions(seed=1))
    for seed in range(4):  # trained weights and batch normalization statistics
        source.train_step(make_batch(seed))
    target = build["tensorflow" if trained_on == "torch" else "torch"](spec, RuntimeOptions(seed=2))

    target.set_weights(source.get_weights())
    noise, cond = _inputs(spec)
    expected, raw = source.generate(noise, cond), target.generate(noise, cond)

    assert raw.dtype == np.float32 and raw.shape == expected.shape
    np.testing.assert_allclose(raw, expected, rtol=0, atol=TOLERANCE)
    exported = target.get_weights()
    for name, array in source.get_weights().items():
        np.testing.assert_array_equal(exported[name], array, err_msg=name)


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
@pytest.mark.parametrize(
    ("trained_on", "loaded_on"), [("torch", "tensorflow"), ("tensorflow", "torch")]
)
def test_a_model_file_samples_the_same_rows_on_the_other_backend(
    method, trained_on, loaded_on, tmp_path
):
    table = tiny_table(missing=True)
    trained = SyntheticGenerator(
        method=method, backend=trained_on, epochs=2, batch_size=40, seed=0, verbose=False
    ).fit(table)
    path = trained.save(tmp_path / f"{method}.genesis")

    loaded = SyntheticGenerator.load(path, backend=loaded_on, verbose=False)

    assert loaded.backend.name == loaded_on
    pd.testing.assert_frame_equal(loaded.sample(150, seed=3), trained.sample(150, seed=3))
    conditioned = {"city": "Faro"}
    pd.testing.assert_frame_equal(
        loaded.sample(40, conditions=conditioned, seed=4),
        trained.sample(40, conditions=conditioned, seed=4),
    )
    pd.testing.assert_frame_equal(loaded.loss_history, trained.loss_history)


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_a_model_trained_in_bfloat16_loads_samples_and_resumes_on_tensorflow(method, tmp_path):
    table = tiny_table(missing=True)
    trained = SyntheticGenerator(
        method=method,
        backend="torch",
        epochs=2,
        batch_size=40,
        seed=0,
        verbose=False,
        precision="bfloat16",
    ).fit(table)
    path = trained.save(tmp_path / f"{method}.genesis")

    loaded = SyntheticGenerator.load(path, backend="tensorflow", verbose=False)

    # Sampling is float32 on both backends, so the rows are the same.
    pd.testing.assert_frame_equal(loaded.sample(150, seed=3), trained.sample(150, seed=3))
    # TensorFlow has no bfloat16 training: the loaded model trains on in float32.
    assert loaded.config.precision == "float32"
    loaded.fit(table, epochs=1, resume=True)
    assert len(loaded.loss_history) == 3
    # On torch the saved precision stands.
    assert SyntheticGenerator.load(path, backend="torch").config.precision == "bfloat16"
