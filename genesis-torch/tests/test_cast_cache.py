"""Weight copies in the compute dtype: reused while valid, never stale."""

from __future__ import annotations

import numpy as np
import torch

from genesis.backends.info import RuntimeOptions
from genesis_torch.cast_cache import CastCache
from genesis_torch.training import build_model


def test_a_copy_is_made_once_and_reused():
    weight = torch.nn.Parameter(torch.randn(4, 3))
    cache = CastCache()

    first, again = cache(weight, torch.bfloat16), cache(weight, torch.bfloat16)

    assert first.dtype == torch.bfloat16
    assert torch.equal(first.float(), weight.detach().to(torch.bfloat16).float())
    assert first.data_ptr() == again.data_ptr()
    assert cache(weight, torch.float32) is weight  # already in that dtype


def test_clear_and_in_place_changes_make_a_new_copy():
    weight = torch.nn.Parameter(torch.randn(4, 3))
    cache = CastCache()
    before = cache(weight, torch.bfloat16)

    with torch.no_grad():
        weight.mul_(2.0)  # moves the version counter
    doubled = cache(weight, torch.bfloat16)
    torch._foreach_add_([weight.data], 1.0)  # like a fused optimizer kernel: version kept
    cache.clear()
    shifted = cache(weight, torch.bfloat16)

    assert doubled.data_ptr() != before.data_ptr()
    torch.testing.assert_close(doubled.float(), (before.float() * 2), rtol=0, atol=0)
    torch.testing.assert_close(shifted.float(), weight.detach().to(torch.bfloat16).float())


def test_the_gradient_reaches_the_weight_in_its_own_dtype():
    weight = torch.nn.Parameter(torch.randn(4, 3))
    cache = CastCache()
    x = torch.randn(5, 3, dtype=torch.bfloat16)

    (x @ cache(weight, torch.bfloat16).T).float().sum().backward()

    assert weight.grad is not None and weight.grad.dtype == torch.float32
    expected = x.float().sum(dim=0).expand(4, 3)
    torch.testing.assert_close(weight.grad, expected, rtol=1e-2, atol=1e-2)
    with torch.no_grad():
        assert not cache(weight, torch.bfloat16).requires_grad


class _FreshCasts(CastCache):
    """Casts anew on every call: what the networks do without a cache."""

    def __call__(self, weight: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        self.clear()
        return super().__call__(weight, dtype)


def test_a_bfloat16_fit_with_cached_copies_equals_one_that_casts_every_time(
    ctgan_spec, ctgan_batch
):
    cached = build_model(ctgan_spec, RuntimeOptions(seed=4, precision="bfloat16"))
    fresh = build_model(ctgan_spec, RuntimeOptions(seed=4, precision="bfloat16"))
    fresh.casts_g, fresh.casts_d = _FreshCasts(), _FreshCasts()

    for seed in range(4):  # a stale copy would change every later step
        assert cached.train_step(ctgan_batch(seed)) == fresh.train_step(ctgan_batch(seed))

    a, b = cached.get_weights(), fresh.get_weights()
    assert all(np.array_equal(a[name], b[name]) for name in a)
