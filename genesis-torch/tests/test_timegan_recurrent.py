"""The torch backend's GRU and LSTM layers: the neutral layout, exact values, exact gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from genesis.models.timegan import numpy_recurrent_forward
from genesis_torch.recurrent import RecurrentNetwork, _GRUFunction, _LSTMFunction, init_network

T, B, D, H = 5, 3, 4, 6


def _random(shape, generator, dtype=torch.float64):  # type: ignore[no-untyped-def]
    return (torch.randn(shape, generator=generator, dtype=dtype) * 0.5).requires_grad_()


@pytest.fixture(autouse=True)
def one_thread():  # type: ignore[no-untyped-def]
    """One intra-op thread, as the backend runs (tiny matrices on a busy machine crawl with two)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def test_gru_gradients_are_exact(gen):
    args = [
        _random((T, B, D), gen),
        _random((D, 3 * H), gen),
        _random((H, 3 * H), gen),
        _random((3 * H,), gen),
        _random((3 * H,), gen),
    ]
    assert torch.autograd.gradcheck(_GRUFunction.apply, args)


def test_lstm_gradients_are_exact(gen):
    args = [
        _random((T, B, D), gen),
        _random((D, 4 * H), gen),
        _random((H, 4 * H), gen),
        _random((4 * H,), gen),
    ]
    assert torch.autograd.gradcheck(_LSTMFunction.apply, args)


def _to_torch_gru_order(m: torch.Tensor) -> torch.Tensor:
    """Neutral blocks [z | r | n] -> torch's [r | z | n] (the documented conversion)."""
    return torch.cat([m[..., H : 2 * H], m[..., :H], m[..., 2 * H :]], -1)


def test_gru_matches_nn_gru_values_and_gradients(gen):
    x, k, r, b, c = (
        _random(s, gen) for s in [(T, B, D), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,)]
    )
    reference = torch.nn.GRU(D, H, 1).double()
    with torch.no_grad():
        reference.weight_ih_l0.copy_(_to_torch_gru_order(k).T)
        reference.weight_hh_l0.copy_(_to_torch_gru_order(r).T)
        reference.bias_ih_l0.copy_(_to_torch_gru_order(b))
        reference.bias_hh_l0.copy_(_to_torch_gru_order(c))
    ours = _GRUFunction.apply(x, k, r, b, c)
    theirs = reference(x)[0]
    torch.testing.assert_close(ours, theirs)
    weights = torch.linspace(-1, 1, T * B * H, dtype=torch.float64).view(T, B, H)
    grads = torch.autograd.grad((ours * weights).sum(), [x, k, r])
    expected = torch.autograd.grad(
        (theirs * weights).sum(), [x, reference.weight_ih_l0, reference.weight_hh_l0]
    )
    torch.testing.assert_close(grads[0], expected[0])
    torch.testing.assert_close(_to_torch_gru_order(grads[1]).T, expected[1])
    torch.testing.assert_close(_to_torch_gru_order(grads[2]).T, expected[2])


def test_lstm_matches_nn_lstm_with_zero_state_bias(gen):
    x, k, r, b = (_random(s, gen) for s in [(T, B, D), (D, 4 * H), (H, 4 * H), (4 * H,)])
    reference = torch.nn.LSTM(D, H, 1).double()
    with torch.no_grad():
        reference.weight_ih_l0.copy_(k.T)
        reference.weight_hh_l0.copy_(r.T)
        reference.bias_ih_l0.copy_(b)
        reference.bias_hh_l0.zero_()
    torch.testing.assert_close(_LSTMFunction.apply(x, k, r, b), reference(x)[0])


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_network_states_match_the_numpy_reference(module, gen):
    net = RecurrentNetwork(module, D, H, 3, 2, sigmoid=True)
    init_network(net, gen)
    weights = {n: p.detach().numpy() for n, p in net.named_parameters(prefix="net")}
    x = np.random.default_rng(0).random((B, T, D), dtype=np.float32)
    with torch.no_grad():
        ours = net.states(torch.from_numpy(x).transpose(0, 1).contiguous()).transpose(0, 1).numpy()
    np.testing.assert_allclose(
        ours, numpy_recurrent_forward(weights, "net", module, 3, x), atol=2e-6
    )


def test_only_needed_gradients_are_computed(gen):
    cell_input = torch.rand(T, B, D, dtype=torch.float64)  # data: no gradient wanted
    k, r, b, c = (_random(s, gen) for s in [(D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,)])
    r.requires_grad_(False)
    _GRUFunction.apply(cell_input, k, r, b, c).sum().backward()
    assert cell_input.grad is None and r.grad is None
    assert k.grad is not None and c.grad is not None


@pytest.mark.parametrize("module", ["gru", "lstm"])
def test_initialization_is_keras_default_and_seeded(module):
    net = RecurrentNetwork(module, D, H, 2, 1, sigmoid=False)
    init_network(net, torch.Generator().manual_seed(3))
    gates = 3 if module == "gru" else 4
    cell = net.cell[1]
    limit = np.sqrt(6.0 / (H + gates * H))
    assert cell.kernel.abs().max() <= limit
    rows = cell.recurrent_kernel.detach().double()
    torch.testing.assert_close(rows @ rows.T, torch.eye(H, dtype=torch.float64))  # orthonormal rows
    if module == "gru":
        assert (cell.bias == 0).all() and (cell.recurrent_bias == 0).all()
    else:
        expected = torch.zeros(4 * H)
        expected[H : 2 * H] = 1.0  # forget gate
        torch.testing.assert_close(cell.bias.detach(), expected)
    again = RecurrentNetwork(module, D, H, 2, 1, sigmoid=False)
    init_network(again, torch.Generator().manual_seed(3))
    for a, b in zip(net.parameters(), again.parameters(), strict=True):
        torch.testing.assert_close(a, b)
