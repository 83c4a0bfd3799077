"""Adam state to and from the neutral training-state layout, for both optimizers torch uses."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from genesis_torch.adam import FusedAdam
from genesis_torch.optimizer_state import (
    export_adam,
    export_generator,
    import_adam,
    import_generator,
)

KINDS = ["fused_direct", "torch_fused", "torch_foreach"]


def _make(kind: str, params: list[nn.Parameter]) -> FusedAdam | torch.optim.Adam:
    if kind == "fused_direct":
        return FusedAdam(params, lr=0.01, betas=(0.5, 0.9), weight_decay=1e-3)
    return torch.optim.Adam(
        params, lr=0.01, betas=(0.5, 0.9), weight_decay=1e-3, **{kind.split("_")[1]: True}
    )


def _params(seed: int = 0) -> list[nn.Parameter]:
    g = torch.Generator().manual_seed(seed)
    return [nn.Parameter(torch.randn(3, 4, generator=g)), nn.Parameter(torch.randn(4, generator=g))]


def _step(optimizer, params, k: int) -> None:  # type: ignore[no-untyped-def]
    g = torch.Generator().manual_seed(100 + k)
    for p in params:
        p.grad = torch.randn(p.shape, generator=g)
    optimizer.step()


def _named(params: list[nn.Parameter]) -> dict[int, tuple[str, bool]]:
    # the first parameter is stored transposed, as torch's Linear.weight is
    return {id(params[0]): ("layer.kernel", True), id(params[1]): ("layer.bias", False)}


@pytest.mark.parametrize("kind", KINDS)
def test_state_moves_to_a_fresh_optimizer_and_the_run_goes_on_identically(kind):
    params = _params()
    optimizer = _make(kind, params)
    for k in range(3):
        _step(optimizer, params, k)
    state = export_adam("net", optimizer, _named(params))
    assert int(state["optimizer.net.step"]) == 3
    assert state["optimizer.net.m.layer.kernel"].shape == (4, 3)  # the neutral layout

    copies = [nn.Parameter(p.detach().clone()) for p in params]
    fresh = _make(kind, copies)  # torch.optim.Adam has no state before its first step
    import_adam("net", fresh, _named(copies), state)
    for k in range(3, 6):
        _step(optimizer, params, k)
        _step(fresh, copies, k)
    for p, q in zip(params, copies, strict=True):
        torch.testing.assert_close(q, p, rtol=0, atol=0)


def test_a_fresh_optimizer_exports_zero_moments_and_step():
    params = _params()
    state = export_adam("net", _make("torch_foreach", params), _named(params))
    assert int(state["optimizer.net.step"]) == 0
    assert not state["optimizer.net.v.layer.bias"].any()


def test_state_moves_between_optimizer_kinds():
    params = _params()
    source = _make("torch_foreach", params)
    _step(source, params, 0)
    copies = [nn.Parameter(p.detach().clone()) for p in params]
    target = _make("fused_direct", copies)
    import_adam("net", target, _named(copies), export_adam("net", source, _named(params)))
    _step(source, params, 1)
    _step(target, copies, 1)
    for p, q in zip(params, copies, strict=True):
        torch.testing.assert_close(q, p)


def test_an_optimizer_absent_from_the_state_is_left_alone():
    params = _params()
    optimizer = _make("fused_direct", params)
    _step(optimizer, params, 0)
    import_adam("other", optimizer, _named(params), {})
    assert int(optimizer.steps[0]) == 1


def test_generator_state_round_trips():
    generator = torch.Generator().manual_seed(5)
    torch.rand(3, generator=generator)
    state = export_generator("torch-cpu", generator)
    expected = torch.rand(4, generator=generator)
    fresh = torch.Generator().manual_seed(9)
    import_generator("torch-cpu", fresh, state)
    torch.testing.assert_close(torch.rand(4, generator=fresh), expected)
    untouched = torch.Generator().manual_seed(9)
    import_generator("torch-cpu", untouched, {"random.tensorflow": np.zeros(3, np.int64)})
    torch.testing.assert_close(
        torch.rand(2, generator=untouched),
        torch.rand(2, generator=torch.Generator().manual_seed(9)),
    )
