"""torch's inference forward passes agree with the numpy reference of genesis.models."""

from __future__ import annotations

import numpy as np
import torch

from genesis.backends.info import RuntimeOptions
from genesis.models import numpy_forward
from genesis.models.numpy_forward import ctgan_generator_forward, tvae_decoder_forward
from genesis_torch import networks
from genesis_torch.training import build_model


def test_ctgan_generator_matches_numpy_in_inference_mode(ctgan_spec, ctgan_batch):
    model = build_model(ctgan_spec, RuntimeOptions(seed=3))
    for seed in range(4):
        model.train_step(ctgan_batch(seed))
    bn = model.generator_net.residual[1].batchnorm
    running = (bn.running_mean.clone(), bn.running_var.clone())
    assert running[0].abs().max() > 1e-3 and (running[1] - 1).abs().max() > 1e-3
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((64, 8), dtype=np.float32)
    cond = np.eye(7, dtype=np.float32)[rng.integers(0, 7, 64)]

    raw = model.generate(noise, cond)
    expected = ctgan_generator_forward(ctgan_spec, model.get_weights(), noise, cond)

    assert raw.dtype == np.float32 and raw.shape == (64, 14)
    np.testing.assert_allclose(raw, expected, rtol=1e-5, atol=1e-5)
    # Sampling used the running statistics, left them alone, and restored training mode.
    assert model.generator_net.training
    assert torch.equal(bn.running_mean, running[0]) and torch.equal(bn.running_var, running[1])
    # The folded, concatenation-free inference is the module's own eval-mode forward.
    model.generator_net.eval()
    with torch.no_grad():
        plain = model.generator_net(torch.from_numpy(np.hstack([noise, cond]))).numpy()
    model.generator_net.train()
    np.testing.assert_allclose(raw, plain, rtol=1e-5, atol=1e-5)
    with torch.no_grad():  # (last: a training-mode forward updates the running statistics)
        batch_stats = model.generator_net(torch.from_numpy(np.hstack([noise, cond]))).numpy()
    assert not np.allclose(batch_stats, expected, atol=1e-3)


def test_tvae_decoder_matches_numpy(tvae_spec, tvae_batch):
    model = build_model(tvae_spec, RuntimeOptions(seed=3))
    for seed in range(3):
        model.train_step(tvae_batch(seed))
    noise = np.random.default_rng(1).standard_normal((64, 8), dtype=np.float32)

    raw = model.generate(noise, None)
    expected = tvae_decoder_forward(tvae_spec, model.get_weights(), noise)

    assert raw.dtype == np.float32 and raw.shape == (64, 14)
    np.testing.assert_allclose(raw, expected, rtol=1e-5, atol=1e-5)
    assert model.decoder.training


def test_bfloat16_inference_rounds_like_bfloat16(ctgan_spec, ctgan_batch, tvae_spec):
    ctgan = build_model(ctgan_spec, RuntimeOptions(seed=3))
    for seed in range(4):
        ctgan.train_step(ctgan_batch(seed))
    tvae = build_model(tvae_spec, RuntimeOptions(seed=3))
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((256, 8), dtype=np.float32)
    cond = np.eye(7, dtype=np.float32)[rng.integers(0, 7, 256)]
    for model, extra in ((ctgan, cond), (tvae, None)):
        inputs = noise if model is ctgan else rng.standard_normal((256, 8), dtype=np.float32)
        full = model.generate(inputs, extra)
        half = model.generate(inputs, extra, precision="bfloat16")
        assert half.dtype == np.float32 and half.shape == full.shape
        error = np.abs(half - full)
        # bfloat16 keeps 8 bits of mantissa: errors of order 2**-8 of the values' scale,
        # never float32's 2**-24.
        scale = np.abs(full).max()
        assert error.max() < 0.05 * scale, (error.max(), scale)
        assert error.max() > 1e-5 * scale


def test_condition_vectors_that_are_not_one_hot_are_multiplied(ctgan_spec, ctgan_batch):
    # Sampling gathers one kernel column per one-hot row; any other condition
    # vector (two bits, a fraction) goes through the plain product instead.
    model = build_model(ctgan_spec, RuntimeOptions(seed=3))
    model.train_step(ctgan_batch(0))
    rng = np.random.default_rng(2)
    noise = rng.standard_normal((32, 8), dtype=np.float32)
    cond = np.eye(7, dtype=np.float32)[rng.integers(0, 7, 32)]
    cond[:, 5] += 0.5

    raw = model.generate(noise, cond)
    reference = ctgan_generator_forward(ctgan_spec, model.get_weights(), noise, cond)

    model.generator_net.eval()
    with torch.no_grad():
        plain = model.generator_net(torch.from_numpy(np.hstack([noise, cond]))).numpy()
    model.generator_net.train()
    np.testing.assert_allclose(raw, plain, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(reference, plain, rtol=1e-5, atol=1e-5)


def test_the_training_forward_gathers_what_the_plain_module_multiplies(ctgan_spec, ctgan_batch):
    from genesis_torch.dense_parts import OneHot

    model = build_model(ctgan_spec, RuntimeOptions(seed=3))
    model.train_step(ctgan_batch(0))
    net = model.generator_net  # training mode: batch statistics
    rng = np.random.default_rng(4)
    noise = torch.from_numpy(rng.standard_normal((40, 8), dtype=np.float32))
    positions = torch.from_numpy(rng.integers(0, 7, 40))
    cond = torch.nn.functional.one_hot(positions, 7).float()

    gathered = net.forward_onehot(noise, OneHot(positions, cond))
    plain = net(torch.cat([noise, cond], dim=1))
    torch.testing.assert_close(gathered, plain, rtol=1e-5, atol=1e-5)

    kernels = [block.dense.weight for block in net.residual] + [net.output.weight]
    mine = torch.autograd.grad((gathered**2).sum(), kernels)
    theirs = torch.autograd.grad((plain**2).sum(), kernels)
    for a, b in zip(mine, theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_sampling_in_row_blocks_equals_one_block(ctgan_spec, ctgan_batch, tvae_spec, monkeypatch):
    ctgan = build_model(ctgan_spec, RuntimeOptions(seed=3))
    ctgan.train_step(ctgan_batch(0))
    tvae = build_model(tvae_spec, RuntimeOptions(seed=3))
    rng = np.random.default_rng(2)
    noise = rng.standard_normal((2500, 8), dtype=np.float32)
    cond = np.eye(7, dtype=np.float32)[rng.integers(0, 7, 2500)]
    whole = [ctgan.generate(noise, cond), tvae.generate(noise, None)]

    monkeypatch.setattr(networks, "BLOCK_BYTES", 1)  # blocks of 1,024 rows: 3 here
    assert [len(range(*b.indices(2500))) for b in networks.row_blocks(2500, 8, torch.float32)] == [
        1024,
        1024,
        452,
    ]
    blocked = [ctgan.generate(noise, cond), tvae.generate(noise, None)]

    for a, b in zip(whole, blocked, strict=True):
        assert b.shape == (2500, 14) and b.flags.c_contiguous
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-6)

    # The numpy reference's own blocks (256 rows at the least: 10 here) agree too.
    monkeypatch.setattr(numpy_forward, "_BLOCK_BYTES", 1)
    references = [
        ctgan_generator_forward(ctgan_spec, ctgan.get_weights(), noise, cond),
        tvae_decoder_forward(tvae_spec, tvae.get_weights(), noise),
    ]
    for a, b in zip(whole, references, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)
