"""The torch CTGAN training step: losses, reproducibility, the conditional loss."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError
from genesis.models.batches import CTGANBatch
from genesis.models.spec import ModelSpec
from genesis_torch.training import TorchCTGAN, build_model


def _weights_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_steps_return_finite_losses(ctgan_spec, ctgan_batch):
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))

    losses = [model.train_step(ctgan_batch(seed)) for seed in range(5)]

    assert all(set(step) == {"generator", "discriminator"} for step in losses)
    assert all(isinstance(v, float) and math.isfinite(v) for s in losses for v in s.values())
    assert all(np.isfinite(w).all() for w in model.get_weights().values())


def test_several_critic_updates_per_step(make_ctgan_spec, ctgan_batch):
    model = build_model(make_ctgan_spec(discriminator_steps=3), RuntimeOptions(seed=0))
    critic_before = model.get_weights()["discriminator.output.kernel"]

    losses = model.train_step(ctgan_batch(0, steps=3))

    assert math.isfinite(losses["discriminator"])
    assert not np.array_equal(critic_before, model.get_weights()["discriminator.output.kernel"])


def test_a_seed_fixes_losses_and_weights(ctgan_spec, ctgan_batch):
    def run(seed):
        model = build_model(ctgan_spec, RuntimeOptions(seed=seed))
        losses = [model.train_step(ctgan_batch(s)) for s in range(3)]
        return losses, model.get_weights()

    losses_a, weights_a = run(11)
    losses_b, weights_b = run(11)
    losses_c, weights_c = run(12)

    assert losses_a == losses_b
    assert _weights_equal(weights_a, weights_b)
    assert losses_a != losses_c
    assert not _weights_equal(weights_a, weights_c)


def test_no_seed_gives_different_models(ctgan_spec):
    a = build_model(ctgan_spec, RuntimeOptions(seed=None)).get_weights()
    b = build_model(ctgan_spec, RuntimeOptions(seed=None)).get_weights()

    assert not _weights_equal(a, b)


def test_the_seed_does_not_touch_torch_global_random_state(ctgan_spec, ctgan_batch):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)

    build_model(ctgan_spec, RuntimeOptions(seed=5)).train_step(ctgan_batch(0))

    assert torch.equal(torch.rand(3), expected)


def _model(spec: ModelSpec) -> TorchCTGAN:
    model = build_model(spec, RuntimeOptions(seed=0))
    assert isinstance(model, TorchCTGAN)
    return model


def test_conditional_loss_reads_the_conditioned_columns_block(ctgan_spec):
    model = _model(ctgan_spec)
    raw = torch.randn(2, 14, generator=torch.Generator().manual_seed(0))
    cond = torch.zeros(2, 7)
    cond[0, 4 + 2] = 1.0  # row 0: column y (condition block 4-6), category 2
    cond[1, 0 + 1] = 1.0  # row 1: column x (condition block 0-3), category 1
    mask = torch.tensor([[0.0, 1.0], [1.0, 0.0]])

    loss = model.conditional_loss(raw, cond, mask)

    y_block = torch.log_softmax(raw[0, 11:14], dim=0)  # y's block in the data row
    x_block = torch.log_softmax(raw[1, 7:11], dim=0)
    expected = -(y_block[2] + x_block[1]) / 2
    torch.testing.assert_close(loss, expected)


def test_conditional_loss_ignores_every_block_but_the_chosen_one(ctgan_spec):
    model = _model(ctgan_spec)
    raw = torch.randn(4, 14, generator=torch.Generator().manual_seed(1))
    cond = torch.zeros(4, 7)
    cond[:, 5] = 1.0  # every row: column y, category 1
    mask = torch.tensor([[0.0, 1.0]]).expand(4, 2)
    base = model.conditional_loss(raw, cond, mask)

    elsewhere = raw.clone()
    elsewhere[:, :11] += torch.randn(4, 11) * 5  # x's block and the continuous columns
    chosen = raw.clone()
    chosen[:, 12] += 3.0  # y's category 1

    torch.testing.assert_close(model.conditional_loss(elsewhere, cond, mask), base)
    assert model.conditional_loss(chosen, cond, mask) < base - 0.1


def test_generator_learns_to_honour_the_condition(make_ctgan_spec, ctgan_batch):
    model = _model(make_ctgan_spec(generator_lr=2e-3, discriminator_lr=2e-3))
    probe = ctgan_batch(99)
    noise = np.random.default_rng(0).standard_normal((20, 8), dtype=np.float32)
    cond, mask = torch.from_numpy(probe.gen_cond), torch.from_numpy(probe.gen_mask)

    def probe_loss() -> float:
        raw = torch.from_numpy(model.generate(noise, probe.gen_cond))
        return float(model.conditional_loss(raw, cond, mask))

    before = probe_loss()
    for seed in range(90):
        model.train_step(ctgan_batch(seed))

    assert probe_loss() < 0.5 * before


def test_training_activation_gives_distributions_on_every_span(ctgan_spec):
    model = _model(ctgan_spec)
    raw = torch.randn(50, 14, generator=torch.Generator().manual_seed(2)) * 3

    with torch.no_grad():
        out = model.activate(raw)

    torch.testing.assert_close(out[:, [0, 4]], torch.tanh(raw[:, [0, 4]]))
    for start, width in [(1, 3), (5, 2), (7, 4), (11, 3)]:
        block = out[:, start : start + width]
        assert (block >= 0).all()
        torch.testing.assert_close(block.sum(dim=1), torch.ones(50))
    # tau = 0.2: Gumbel-softmax samples are close to one-hot.
    assert out[:, 7:11].max(dim=1).values.mean() > 0.8


def test_activation_gradients_reach_the_logits(ctgan_spec):
    model = _model(ctgan_spec)
    raw = torch.randn(10, 14, requires_grad=True)

    model.activate(raw)[:, 7].sum().backward()

    assert raw.grad is not None
    assert raw.grad[:, 7:11].abs().sum() > 0
    assert raw.grad[:, 11:].abs().sum() == 0


def test_critic_scores_packs_of_rows(ctgan_spec):
    model = _model(ctgan_spec)
    model.discriminator.eval()
    rows = torch.randn(20, 21)

    scores = model.discriminator(rows)
    swapped = rows.clone()
    swapped[[0, 1]] = rows[[1, 0]]  # reorder inside the first pack of 5

    assert scores.shape == (4, 1)
    assert not torch.allclose(model.discriminator(swapped)[0], scores[0])
    torch.testing.assert_close(model.discriminator(swapped)[1:], scores[1:])


def test_table_without_discrete_columns(make_ctgan_spec):
    base = make_ctgan_spec()
    spec = ModelSpec(
        method="ctgan",
        params=base.params,
        data_dim=7,
        cond_dim=0,
        output_spans=base.output_spans[:4],
        condition_spans=(),
    )
    model = build_model(spec, RuntimeOptions(seed=0))
    rng = np.random.default_rng(0)
    real = np.hstack(
        [
            rng.uniform(-1, 1, (20, 1)),
            np.eye(3)[rng.integers(0, 3, 20)],
            rng.uniform(-1, 1, (20, 1)),
            np.eye(2)[rng.integers(0, 2, 20)],
        ]
    ).astype(np.float32)
    batch = CTGANBatch(
        real=real[None],
        cond=np.zeros((1, 20, 0), np.float32),
        gen_cond=np.zeros((20, 0), np.float32),
        gen_mask=np.zeros((20, 0), np.float32),
    )

    losses = model.train_step(batch)

    assert all(math.isfinite(v) for v in losses.values())
    assert model.generate(np.zeros((3, 8), np.float32), None).shape == (3, 7)


def test_batch_of_the_wrong_method_is_refused(ctgan_spec, tvae_batch):
    with pytest.raises(TypeError, match="CTGANBatch"):
        build_model(ctgan_spec, RuntimeOptions(seed=0)).train_step(tvae_batch(0))


def test_thread_count_of_the_caller_is_restored(ctgan_spec, ctgan_batch):
    before = torch.get_num_threads()
    model = build_model(ctgan_spec, RuntimeOptions(seed=0, num_threads=before + 1))

    model.train_step(ctgan_batch(0))
    model.generate(np.zeros((2, 8), np.float32), np.eye(7, dtype=np.float32)[:2])

    assert torch.get_num_threads() == before


@pytest.fixture
def torch_threads():
    """``set(n)``: torch's thread count for the test; the caller's is restored after."""
    before = torch.get_num_threads()
    yield torch.set_num_threads
    torch.set_num_threads(before)


def test_default_threads_are_tuned_in_training_and_the_callers_for_sampling(
    ctgan_spec, ctgan_batch, torch_threads
):
    torch_threads(2)
    default = build_model(ctgan_spec, RuntimeOptions(seed=0))
    assert default.tuner is not None and default.tuner.candidates == (1, 2)
    assert default.sample_threads is None
    for seed in range(8):
        default.train_step(ctgan_batch(seed))
    assert torch.get_num_threads() == 2
    pinned = build_model(ctgan_spec, RuntimeOptions(seed=0, num_threads=2))
    assert pinned.tuner is None
    assert (pinned.num_threads, pinned.sample_threads) == (2, 2)


def test_one_thread_available_means_no_tuning(ctgan_spec, torch_threads):
    torch_threads(1)
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))
    assert model.tuner is None and model.num_threads == 1


def test_thread_count_must_be_positive(ctgan_spec):
    with pytest.raises(ConfigurationError, match="num_threads"):
        build_model(ctgan_spec, RuntimeOptions(num_threads=0))


def test_batch_rows_must_fill_whole_packs(ctgan_spec, ctgan_batch):
    batch = ctgan_batch(0)
    ragged = CTGANBatch(
        real=batch.real[:, :18],
        cond=batch.cond[:, :18],
        gen_cond=batch.gen_cond[:18],
        gen_mask=batch.gen_mask[:18],
    )

    with pytest.raises(ConfigurationError, match="multiple of pac=5"):
        build_model(ctgan_spec, RuntimeOptions(seed=0)).train_step(ragged)


def test_critic_penalty_gradient_equals_autograds_double_backward(ctgan_spec):
    critic = _model(ctgan_spec).discriminator  # training mode: dropout on
    draw = torch.Generator().manual_seed(3)
    real, fake = torch.randn(2, 10, 14, generator=draw)  # 2 packs of 5 rows each
    cond = torch.randn(10, 7, generator=draw)
    alpha = torch.rand(2, 1, generator=draw)
    # What the penalty is defined on: the data rows interpolated, one alpha per pack.
    mixed = torch.lerp(fake, real, alpha.repeat_interleave(5, dim=0))
    rows = torch.cat([torch.cat([x, cond], dim=1) for x in (real, fake, mixed)])
    rows.requires_grad_(True)

    scores, grad = critic.score(
        torch.stack([real, fake]), cond, torch.Generator().manual_seed(9), mix=alpha
    )
    same_masks = critic(rows, torch.Generator().manual_seed(9))  # real, fake, mixed packs
    (expected,) = torch.autograd.grad(same_masks[4:].sum(), rows, create_graph=True)
    expected = expected[20:].reshape(2, 105)

    torch.testing.assert_close(scores, same_masks[:4])
    assert grad is not None and grad.shape == (2, 105)
    grad = grad[:, torch.from_numpy(np.argsort(critic.column_order()))]  # packed order
    torch.testing.assert_close(grad, expected)
    weights = [critic.hidden[0].weight, critic.hidden[1].weight, critic.output.weight]
    mine = torch.autograd.grad(((grad.norm(dim=1) - 1) ** 2).sum(), weights, retain_graph=True)
    theirs = torch.autograd.grad(((expected.norm(dim=1) - 1) ** 2).sum(), weights)
    for a, b in zip(mine, theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_critic_mix_needs_the_real_and_the_fake_rows(ctgan_spec):
    critic = _model(ctgan_spec).discriminator
    with pytest.raises(ValueError, match="real and the fake"):
        critic.score(torch.zeros(3, 10, 14), torch.zeros(10, 7), mix=torch.zeros(2, 1))


@pytest.mark.parametrize("where", ["cond", "gen_cond"])
def test_a_condition_vector_that_is_not_one_hot_is_refused(ctgan_spec, ctgan_batch, where):
    batch = ctgan_batch(0)
    arrays = {"cond": batch.cond.copy(), "gen_cond": batch.gen_cond.copy()}
    target = arrays[where].reshape(-1, arrays[where].shape[-1])
    target[3] = 0.0
    target[3, :2] = 0.5  # two half bits: a mixture, not a category
    broken = CTGANBatch(
        real=batch.real, cond=arrays["cond"], gen_cond=arrays["gen_cond"], gen_mask=batch.gen_mask
    )
    model = build_model(ctgan_spec, RuntimeOptions(seed=0))
    before = model.get_weights()

    with pytest.raises(ConfigurationError, match="one-hot"):
        model.train_step(broken)
    for name, array in model.get_weights().items():  # nothing was updated
        np.testing.assert_array_equal(array, before[name])
