"""The part-wise dense layers equal dense layers on the concatenation: values and gradients."""

from __future__ import annotations

import pytest
import torch

from genesis_torch.dense_parts import OneHot, dense_over_parts, packed_dense


def _leaf(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)).requires_grad_(True)


def _grads(out: torch.Tensor, tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    weights = torch.randn(out.shape, generator=torch.Generator().manual_seed(99))
    return list(torch.autograd.grad((out * weights).sum(), tensors))


@pytest.mark.parametrize("parts_by_unit", [False, True])
@pytest.mark.parametrize("by_unit", [False, True])
@pytest.mark.parametrize("with_cond", [False, True])
def test_dense_over_parts_equals_the_concatenated_layer(by_unit, with_cond, parts_by_unit):
    rows, cond_dim = 12, 5
    parts = [_leaf(rows, 4, seed=1), _leaf(rows, 3, seed=2)]
    width = 7 + (cond_dim if with_cond else 0)
    kernel, bias = _leaf(6, width, seed=3), _leaf(6, seed=4)
    index = torch.tensor([0, 4, 4, 1, 2, 0, 3, 3, 4, 1, 0, 2])
    cond = OneHot(index, torch.nn.functional.one_hot(index, cond_dim).float())

    given = [part.T for part in parts] if parts_by_unit else parts  # (features, rows) views
    layout = {"by_unit": by_unit, "parts_by_unit": parts_by_unit}
    out = dense_over_parts(kernel, bias, given, cond if with_cond else None, **layout)
    inputs = list(parts) + ([cond.vectors] if with_cond else [])
    expected = torch.nn.functional.linear(torch.cat(inputs, dim=1), kernel, bias)

    torch.testing.assert_close(out, expected.T if by_unit else expected)
    leaves = [kernel, bias, *parts]
    mine = _grads(out.T if by_unit else out, leaves)
    theirs = _grads(expected, leaves)
    for a, b in zip(mine, theirs, strict=True):
        torch.testing.assert_close(a, b)


def test_only_the_parts_that_need_it_get_an_input_gradient():
    noise = torch.randn(8, 3)  # like the generator's noise: no gradient wanted
    hidden = _leaf(8, 4, seed=5)
    kernel, bias = _leaf(2, 7, seed=6), _leaf(2, seed=7)

    out = dense_over_parts(kernel, bias, [hidden, noise])
    out.sum().backward()

    assert noise.grad is None and hidden.grad is not None and kernel.grad is not None


@pytest.mark.parametrize("with_cond", [False, True])
def test_packed_dense_shares_the_condition_between_groups(with_cond):
    groups, packs = 3, 4
    data = _leaf(groups * packs, 6, seed=8)
    cond = _leaf(packs, 5, seed=9) if with_cond else None
    kernel = _leaf(7, 6 + (5 if with_cond else 0), seed=10)
    bias = _leaf(7, seed=11)

    out = packed_dense(kernel, bias, data, cond)
    whole = data if cond is None else torch.cat([data, cond.repeat(groups, 1)], dim=1)
    expected = torch.nn.functional.linear(whole, kernel, bias)

    torch.testing.assert_close(out, expected)
    leaves = [kernel, bias, data] + ([cond] if cond is not None else [])
    for a, b in zip(_grads(out, leaves), _grads(expected, leaves), strict=True):
        torch.testing.assert_close(a, b)


def test_packed_dense_supports_double_backward():
    data, cond = _leaf(6, 4, seed=12), _leaf(2, 3, seed=13)
    kernel, bias = _leaf(5, 7, seed=14), _leaf(5, seed=15)

    def penalty(layer):  # type: ignore[no-untyped-def]
        out = torch.tanh(layer(kernel, bias, data, cond))
        (grad,) = torch.autograd.grad(out.sum(), data, create_graph=True)
        return torch.autograd.grad((grad**2).sum(), kernel)[0]

    def plain(kernel, bias, data, cond):  # type: ignore[no-untyped-def]
        whole = torch.cat([data, cond.repeat(data.shape[0] // cond.shape[0], 1)], dim=1)
        return torch.nn.functional.linear(whole, kernel, bias)

    torch.testing.assert_close(penalty(packed_dense), penalty(plain))
