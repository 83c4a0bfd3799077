"""FusedAdam: the same updates as torch.optim.Adam(fused=True), and the fallbacks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genesis_torch.adam import FusedAdam, adam


def _net(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3))


def _train(net: nn.Module, optimizer, steps: int = 7) -> None:
    data = torch.randn(32, 6, generator=torch.Generator().manual_seed(1))
    for step in range(steps):
        optimizer.zero_grad(set_to_none=True)
        loss = (net(data) ** 2).mean()
        if step == 3:  # a step where one parameter has no gradient
            loss = (net[0](data) ** 2).mean()
        loss.backward()
        optimizer.step()


@pytest.mark.parametrize("weight_decay", [0.0, 1e-3])
def test_updates_equal_torch_optim_fused_adam_to_the_bit(weight_decay):
    ours, theirs = _net(0), _net(0)
    _train(ours, FusedAdam(ours.parameters(), 2e-4, (0.5, 0.9), weight_decay))
    _train(
        theirs,
        torch.optim.Adam(
            theirs.parameters(), lr=2e-4, betas=(0.5, 0.9), weight_decay=weight_decay, fused=True
        ),
    )
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(a, b)


def test_zero_grad_without_none_keeps_zeroed_buffers():
    net = _net(0)
    optimizer = FusedAdam(net.parameters(), 1e-3, (0.9, 0.999), 0.0)
    (net(torch.ones(2, 6)) ** 2).sum().backward()
    optimizer.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in net.parameters())


def test_float32_cpu_parameters_get_the_direct_kernel_others_torch_optim():
    assert isinstance(adam(_net(0).parameters(), 1e-3, (0.9, 0.999), 0.0), FusedAdam)
    doubles = _net(0).double()
    fallback = adam(doubles.parameters(), 1e-3, (0.9, 0.999), 0.0)
    assert isinstance(fallback, torch.optim.Adam)


def test_mixed_dtypes_or_no_parameters_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        FusedAdam([], 1e-3, (0.9, 0.999), 0.0)
    mixed = [nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(2, dtype=torch.float64))]
    with pytest.raises(ValueError, match="float32"):
        FusedAdam(mixed, 1e-3, (0.9, 0.999), 0.0)
