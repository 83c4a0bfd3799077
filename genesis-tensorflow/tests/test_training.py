"""Training steps: reproducible under a seed, traced once, finite and learning."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError
from genesis.models.batches import CTGANBatch
from genesis_tensorflow.training import build_model, configure_threads

ADULT_SAMPLE = (
    Path(__file__).resolve().parents[2] / "genesis-core/tests/data/fixtures/adult_sample.csv"
)


def _train(spec, make_batch, seed, steps):
    model = build_model(spec, RuntimeOptions(seed=seed))
    losses = [model.train_step(make_batch(i)) for i in range(steps)]
    return model, losses


def test_a_seed_repeats_losses_and_weights(method_case):
    spec, make_batch = method_case
    a, losses_a = _train(spec, make_batch, seed=7, steps=4)
    b, losses_b = _train(spec, make_batch, seed=7, steps=4)
    _, losses_c = _train(spec, make_batch, seed=8, steps=4)

    assert losses_a == losses_b
    assert losses_a != losses_c
    weights_a, weights_b = a.get_weights(), b.get_weights()
    for name in weights_a:
        np.testing.assert_array_equal(weights_a[name], weights_b[name], err_msg=name)


def test_steps_are_traced_once_per_spec_not_per_step_or_model(tvae_spec, tvae_batch):
    first, _ = _train(tvae_spec, tvae_batch, seed=0, steps=3)
    second, _ = _train(tvae_spec, tvae_batch, seed=1, steps=3)
    second.train_step(tvae_batch(9, rows=7))  # an epoch's shorter last batch
    for seed in range(3):
        second.train_step(tvae_batch(seed, rows=13))

    assert second.program is first.program
    # One trace for the full batches, one with the batch dimension relaxed.
    assert first.program.train_step.experimental_get_tracing_count() <= 2


def test_ctgan_runs_several_critic_steps(make_ctgan_spec, ctgan_batch):
    spec = make_ctgan_spec(discriminator_steps=3)
    model = build_model(spec, RuntimeOptions(seed=0))
    losses = [model.train_step(ctgan_batch(seed, steps=3)) for seed in range(2)]

    assert all(set(step) == {"generator", "discriminator"} for step in losses)
    assert np.isfinite([v for step in losses for v in step.values()]).all()


def test_tvae_sigma_stays_within_its_bounds(make_tvae_spec, tvae_batch):
    spec = make_tvae_spec(sigma_init=0.1, sigma_min=0.09, sigma_max=0.11, lr=0.05)
    model = build_model(spec, RuntimeOptions(seed=0))
    for seed in range(5):
        model.train_step(tvae_batch(seed))

    sigma = model.get_weights()["decoder.sigma"]
    assert sigma.min() >= np.float32(0.09) and sigma.max() <= np.float32(0.11)
    assert np.isclose(sigma, 0.09).any() or np.isclose(sigma, 0.11).any()


def test_a_batch_of_the_wrong_method_is_refused(ctgan_spec, tvae_spec, ctgan_batch, tvae_batch):
    with pytest.raises(TypeError, match="CTGANBatch"):
        build_model(ctgan_spec, RuntimeOptions(seed=0)).train_step(tvae_batch(0))
    with pytest.raises(TypeError, match="TVAEBatch"):
        build_model(tvae_spec, RuntimeOptions(seed=0)).train_step(ctgan_batch(0))


def test_a_ctgan_batch_must_fill_whole_packs(ctgan_spec, ctgan_batch):
    batch = ctgan_batch(0)
    short = CTGANBatch(batch.real[:, :12], batch.cond[:, :12], batch.gen_cond, batch.gen_mask)

    with pytest.raises(ConfigurationError, match="multiple of pac=5"):
        build_model(ctgan_spec, RuntimeOptions(seed=0)).train_step(short)


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_losses_are_finite_and_fall_on_a_small_real_table(method):
    table = pd.read_csv(ADULT_SAMPLE, skipinitialspace=True).iloc[:600]
    table = table[["age", "workclass", "education", "sex", "hours-per-week", "income"]]
    gen = SyntheticGenerator(
        method=method, backend="tensorflow", epochs=25, batch_size=100, seed=0, verbose=False
    )

    history = gen.fit(table).loss_history

    values = history.drop(columns="epoch")
    assert np.isfinite(values.to_numpy()).all()
    watched = "loss" if method == "tvae" else "discriminator"
    first, last = values[watched].iloc[0], values[watched].iloc[-5:].mean()
    assert last < first, history
    sample = gen.sample(200, seed=0)
    assert set(sample["sex"]) <= set(table["sex"]) and len(sample) == 200


def test_threads_cannot_change_after_the_runtime_started():
    from genesis_tensorflow.framework import import_tensorflow

    tf = import_tensorflow()
    tf.constant(1.0) + 1.0  # the runtime is running from here on
    other = tf.config.threading.get_intra_op_parallelism_threads() + 5

    with pytest.warns(RuntimeWarning, match=f"num_threads={other}"):
        configure_threads(other, explicit=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        configure_threads(other + 1, explicit=False)  # the default policy keeps quiet
    assert tf.config.threading.get_intra_op_parallelism_threads() != other


def test_a_model_built_first_sets_one_thread_by_default():
    code = (
        "from genesis.backends.info import RuntimeOptions\n"
        "from genesis.models.spec import ModelSpec, OutputSpan, TVAEParams\n"
        "from genesis_tensorflow.training import build_model, tf\n"
        "spans = (OutputSpan(0, 1, 'tanh'), OutputSpan(1, 2, 'softmax'))\n"
        "spec = ModelSpec('tvae', TVAEParams(), data_dim=3, output_spans=spans)\n"
        "build_model(spec, RuntimeOptions(seed=0))\n"
        "t = tf.config.threading\n"
        "print(t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["1", "1"]
