"""The torch backend on a CUDA device: training, inference parity with the CPU, seeds, state.

Every test here needs a CUDA device and is skipped without one (CI has none); run
them on a GPU machine with ``pytest genesis-torch/tests/test_cuda.py``. The
conformance suite (``pytest --genesis-backend=torch``) also runs on the GPU there,
since ``device="auto"`` resolves to ``"cuda"``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from genesis.backends.info import RuntimeOptions
from genesis.models.spec import ModelSpec
from genesis_testkit.builders import timegan_batch, timegan_spec
from genesis_torch.timegan import TorchTimeGAN
from genesis_torch.training import build_model

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def _cuda(seed: int = 0, precision: str = "float32") -> RuntimeOptions:
    return RuntimeOptions(device="cuda", seed=seed, precision=precision)


def _inputs(spec: ModelSpec, rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """Latent noise and, for CTGAN, one-hot condition vectors (one discrete column each)."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((rows, spec.params.embedding_dim)).astype(np.float32)
    if spec.method != "ctgan":
        return noise, None
    cond = np.zeros((rows, spec.cond_dim), np.float32)
    cond[np.arange(rows), rng.integers(0, spec.cond_dim, rows)] = 1.0
    return noise, cond


def _train(spec: ModelSpec, make_batch, options: RuntimeOptions, steps: int = 4):  # type: ignore[no-untyped-def]
    model = build_model(spec, options)
    losses = [model.train_step(make_batch(s)) for s in range(steps)]
    return model, losses


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_training_runs_on_the_gpu(
    method, precision, ctgan_spec, tvae_spec, ctgan_batch, tvae_batch
):
    spec, make_batch = (ctgan_spec, ctgan_batch) if method == "ctgan" else (tvae_spec, tvae_batch)
    model = build_model(spec, _cuda(precision=precision))
    before = model.get_weights()

    losses = [model.train_step(make_batch(s)) for s in range(4)]

    assert all(t.device.type == "cuda" for t in (s.tensor for s in model.slots.values()))
    assert all(math.isfinite(v) for step in losses for v in step.values())
    after = model.get_weights()
    assert all(isinstance(w, np.ndarray) and w.dtype == np.float32 for w in after.values())
    assert any(not np.array_equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_gpu_inference_matches_the_cpu(method, ctgan_spec, tvae_spec, ctgan_batch, tvae_batch):
    spec, make_batch = (ctgan_spec, ctgan_batch) if method == "ctgan" else (tvae_spec, tvae_batch)
    gpu, _ = _train(spec, make_batch, _cuda())  # trained: batch norm statistics are not trivial
    cpu = build_model(spec, RuntimeOptions(seed=1))
    cpu.set_weights(gpu.get_weights())
    noise, cond = _inputs(spec, 3000)

    on_gpu = gpu.generate(noise, cond)
    on_cpu = cpu.generate(noise, cond)

    assert on_gpu.dtype == np.float32 and on_gpu.shape == on_cpu.shape
    np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-3, atol=1e-4)
    in_bf16 = gpu.generate(noise, cond, precision="bfloat16")
    np.testing.assert_allclose(in_bf16, on_cpu, atol=0.1)


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_a_seed_repeats_a_gpu_fit(method, ctgan_spec, tvae_spec, ctgan_batch, tvae_batch):
    spec, make_batch = (ctgan_spec, ctgan_batch) if method == "ctgan" else (tvae_spec, tvae_batch)
    model_a, losses_a = _train(spec, make_batch, _cuda(seed=7))
    model_b, losses_b = _train(spec, make_batch, _cuda(seed=7))
    _, losses_c = _train(spec, make_batch, _cuda(seed=8))

    assert losses_a == losses_b
    assert losses_a != losses_c
    weights_a, weights_b = model_a.get_weights(), model_b.get_weights()
    for name, array in weights_a.items():
        np.testing.assert_array_equal(array, weights_b[name], err_msg=name)


def test_training_state_moves_between_gpu_and_cpu(ctgan_spec, ctgan_batch):
    gpu, _ = _train(ctgan_spec, ctgan_batch, _cuda())
    cpu = build_model(ctgan_spec, RuntimeOptions(seed=3))
    cpu.set_weights(gpu.get_weights())
    cpu.set_training_state(gpu.get_training_state())  # the CUDA generator state is skipped

    again = build_model(ctgan_spec, _cuda(seed=3))
    again.set_weights(cpu.get_weights())
    again.set_training_state(cpu.get_training_state())

    state_gpu, state_again = gpu.get_training_state(), again.get_training_state()
    moments = [k for k in state_gpu if not k.startswith("random.")]
    assert moments
    for key in moments:
        np.testing.assert_array_equal(state_gpu[key], state_again[key], err_msg=key)
    assert math.isfinite(again.train_step(ctgan_batch(9))["generator"])


@pytest.mark.parametrize("threshold", [0.0, 1e9])
def test_timegan_device_gate_matches_the_host_gate_on_the_gpu(threshold):
    spec = timegan_spec(3, 5, discriminator_threshold=threshold)
    device = TorchTimeGAN(spec, _cuda())
    host = TorchTimeGAN(spec, _cuda(), device_gate=False)
    assert device.device_gate  # the default on a GPU

    for seed in range(3):
        joint = timegan_batch("joint", seed, batch_size=6, seq_len=5, features=3)
        assert device.train_step(joint) == host.train_step(joint)
    for name, array in host.get_weights().items():
        np.testing.assert_array_equal(array, device.get_weights()[name], err_msg=name)
