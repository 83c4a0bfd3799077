"""The torch TVAE training step: loss, reproducibility, the clamped output deviation."""

from __future__ import annotations

import math

import numpy as np
import torch

from genesis.backends.info import RuntimeOptions
from genesis_torch.training import TorchTVAE, build_model


def test_loss_is_finite_and_falls_on_a_fixed_batch(tvae_spec, tvae_batch):
    model = build_model(tvae_spec, RuntimeOptions(seed=0))
    batch = tvae_batch(0)

    losses = [model.train_step(batch)["loss"] for _ in range(60)]

    assert all(isinstance(v, float) and math.isfinite(v) for v in losses)
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 1.0


def test_loss_matches_the_evidence_lower_bound(make_tvae_spec, tvae_batch):
    # With the latent noise drawn from a copy of the model's generator, the loss can be
    # recomputed by hand from the formula of the paper.
    spec = make_tvae_spec(lr=0.0, l2scale=0.0)
    model = build_model(spec, RuntimeOptions(seed=4))
    assert isinstance(model, TorchTVAE)
    real = torch.from_numpy(tvae_batch(1).real)
    state = model.rng.get_state()
    with torch.no_grad():
        mu, logvar = model.encoder(real)
        eps = torch.randn(mu.shape, generator=torch.Generator().set_state(state))
        raw = model.decoder(mu + eps * torch.exp(0.5 * logvar))
        sigma = model.decoder.sigma
        total = torch.zeros(())
        for col in (0, 4):
            err = real[:, col] - torch.tanh(raw[:, col])
            total += (err**2 / (2 * sigma[col] ** 2)).sum() + 20 * torch.log(sigma[col])
        for start, width in [(1, 3), (5, 2), (7, 4), (11, 3)]:
            target = real[:, start : start + width].argmax(dim=1)
            total += torch.nn.functional.cross_entropy(
                raw[:, start : start + width], target, reduction="sum"
            )
        kl = -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp())
        expected = (2.0 * total + kl) / 20

    loss = model.train_step(tvae_batch(1))["loss"]

    assert math.isclose(loss, float(expected), rel_tol=1e-5)


def test_sigma_is_clamped_after_every_step(tvae_spec, tvae_batch):
    model = build_model(tvae_spec, RuntimeOptions(seed=0))
    weights = model.get_weights()
    sigma = np.full(14, 0.1, np.float32)
    sigma[0], sigma[4] = 5.0, 1e-4
    weights["decoder.sigma"] = sigma
    model.set_weights(weights)

    model.train_step(tvae_batch(0))

    after = model.get_weights()["decoder.sigma"]
    assert after[0] == np.float32(1.0)
    assert after[4] == np.float32(0.01)
    for seed in range(20):
        model.train_step(tvae_batch(seed))
    after = model.get_weights()["decoder.sigma"]
    assert ((after >= np.float32(0.01)) & (after <= np.float32(1.0))).all()


def test_a_seed_fixes_losses_and_weights(tvae_spec, tvae_batch):
    def run(seed):
        model = build_model(tvae_spec, RuntimeOptions(seed=seed))
        losses = [model.train_step(tvae_batch(s))["loss"] for s in range(3)]
        return losses, model.get_weights()

    losses_a, weights_a = run(2)
    losses_b, weights_b = run(2)
    losses_c, _ = run(3)

    assert losses_a == losses_b
    assert all(np.array_equal(weights_a[k], weights_b[k]) for k in weights_a)
    assert losses_a != losses_c
