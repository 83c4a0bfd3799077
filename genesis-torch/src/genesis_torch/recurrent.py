"""GRU and LSTM stacks for the torch backend, with a hand-written backward pass.

The layers compute exactly the cells of :mod:`genesis.models.timegan` and hold
their parameters in its framework-neutral layout (``kernel (in, G*H)``,
``recurrent_kernel (H, G*H)``, ``bias``, and for the GRU ``recurrent_bias``), so
exporting and importing weights is a plain copy.

Why not ``nn.GRU``: TimeGAN's cells are tiny (24 units, batches of 128), so a
step of the recurrence is a handful of operations on a few thousand numbers and
the cost is the number of operations more than arithmetic. ``nn.GRU`` on the CPU
runs about a dozen operations per step forward and records an autograd node for
each, and its backward pass runs two or three times as many again, including one
small weight-gradient matrix product per step. Here, each layer is one
:class:`torch.autograd.Function`:

* forward: the input projections of all steps in one matrix product, then five
  operations per step (GRU) writing into preallocated buffers, no autograd graph
  inside; tanh is computed as ``2 sigmoid(2 a) - 1`` and the state as
  ``g = (h + 1) / 2`` (both folded into the weights), which saves operations and
  avoids torch's unvectorized CPU tanh;
* backward: every factor that does not depend on the recurrence (gate
  derivatives) is computed for all steps at once, the recurrence itself takes
  four operations per step for the GRU (five for the LSTM), and the weight and
  input gradients of all steps come out of three large matrix products.

Measured on one CPU thread (batch 128, 24 steps, 3 layers of 24 units), forward
and backward take about 0.6 of ``nn.GRU``'s time (the LSTM about 0.9 of
``nn.LSTM``'s, whose oneDNN kernel is hard to beat forward). The tests compare
values and gradients with ``nn.GRU``/``nn.LSTM`` and
:func:`torch.autograd.gradcheck`.

Tensors are time-major, ``(steps, batch, features)``, inside this module: a step's
slice is then contiguous.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import torch
from torch import nn

__all__ = ["Dense", "GRUCell", "LSTMCell", "RecurrentNetwork", "init_network"]


def _gru_internal(
    recurrent: torch.Tensor, recurrent_bias: torch.Tensor, hidden: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reorder the state weights' blocks from ``[z | r | n]`` to ``[n | z | r]``.

    With that order, the gradient buffer of a step laid out as
    ``[d gh_n, d z, d r, d n]`` holds the state-side gradient in its first three
    blocks and the input-side gradient in its last three, both contiguous.
    """
    cut = 2 * hidden
    return (
        torch.cat([recurrent[:, cut:], recurrent[:, :cut]], 1),
        torch.cat([recurrent_bias[cut:], recurrent_bias[:cut]]),
    )


def _gru_external(grad: torch.Tensor, hidden: int) -> torch.Tensor:
    """Inverse of the reordering of :func:`_gru_internal`, on the last axis."""
    return torch.cat([grad[..., hidden:], grad[..., :hidden]], -1)


def _tanh_from_sigmoid_(s: torch.Tensor, minus_one: torch.Tensor) -> torch.Tensor:
    """``2 s - 1`` in place (one operation): with ``s = sigmoid(2 a)`` this is ``tanh(a)``,
    and with ``s = (h + 1) / 2`` it is ``h``.

    torch's CPU ``tanh`` is several times slower than its ``sigmoid`` (it is not
    vectorized on every build), so the cells compute tanh as a sigmoid of a
    doubled pre-activation; the doubling is folded into the weights.
    ``minus_one`` is a 0-d tensor holding -1.
    """
    return torch.add(minus_one, s, alpha=2.0, out=s)


class _GRUFunction(torch.autograd.Function):
    """One GRU layer over a whole sequence (see :mod:`genesis.models.timegan`)."""

    @staticmethod
    def forward(
        ctx: Any,
        x: torch.Tensor,
        kernel: torch.Tensor,
        recurrent: torch.Tensor,
        bias: torch.Tensor,
        recurrent_bias: torch.Tensor,
    ) -> torch.Tensor:
        steps, batch, n_in = x.shape
        hidden = recurrent.shape[0]
        cut = 2 * hidden
        r_int, c_int = _gru_internal(recurrent, recurrent_bias, hidden)
        # The loop runs on g = (h + 1) / 2 instead of h, and on tanh(a) = 2 sigmoid(2 a) - 1:
        # then n = 2 s - 1 with s = sigmoid(2 pre_n), and h' = z h + (1 - z) n becomes
        # g' = z g + (1 - z) s, one lerp. Both rewrites are folded into forward-only
        # copies of the weights: the candidate blocks doubled, and h R = g (2 R) - sum_rows(R).
        double_state = x.new_ones(3 * hidden)
        double_state[:hidden] = 2.0
        offset = (c_int - r_int.sum(0)) * double_state  # [n | z | r]
        r_g = r_int * (2.0 * double_state)
        # One product gives every step's [2 gx_n | 2 offset_n | gx_z + offset_z | gx_r + ...]:
        # the last three blocks are where each step adds g (2 R), in place, to get
        # [2 gh_n | pre_z | pre_r].
        kernel4 = torch.cat([kernel[:, cut:] * 2.0, x.new_zeros(n_in, hidden), kernel[:, :cut]], 1)
        bias4 = torch.cat([bias[cut:] * 2.0, offset[:hidden], bias[:cut] + offset[hidden:]])
        pre = torch.addmm(bias4, x.reshape(steps * batch, n_in), kernel4).view(steps, batch, -1)
        gh = pre[..., hidden:]
        act = torch.empty_like(gh)  # per step: sigmoid of gh; only [z | r] is used
        cand = x.new_empty(steps, batch, hidden)  # s
        out = x.new_empty(steps, batch, hidden)  # g, then h
        # Views of every step, made once (a view costs about as much as a small operation).
        gh_t, act_t = gh.unbind(0), act.unbind(0)
        z_t, r_t = act[..., hidden:cut].unbind(0), act[..., cut:].unbind(0)
        gh_n_t, gx_n_t = gh[..., :hidden].unbind(0), pre[..., :hidden].unbind(0)
        cand_t, out_t = cand.unbind(0), out.unbind(0)
        g = x.new_full((batch, hidden), 0.5)
        for t in range(steps):
            gh_t[t].addmm_(g, r_g)
            # The whole row: a sigmoid over a contiguous row is faster than over a strided
            # two-thirds of it.
            torch.sigmoid(gh_t[t], out=act_t[t])
            torch.addcmul(gx_n_t[t], r_t[t], gh_n_t[t], out=cand_t[t]).sigmoid_()
            g = torch.lerp(cand_t[t], g, z_t[t], out=out_t[t])
        out = _tanh_from_sigmoid_(out, x.new_full((), -1.0))  # h = 2 g - 1
        ctx.save_for_backward(x, kernel, r_int, gh, act, cand, out)
        return out

    @staticmethod
    def backward(ctx: Any, d_out: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        x, kernel, r_int, gh, act, s, out = ctx.saved_tensors
        steps, batch, hidden = out.shape
        d_out = d_out.contiguous()
        z, r = act[..., hidden : 2 * hidden], act[..., 2 * hidden :]
        # Every factor that does not depend on the recurrence, for all steps at once, written
        # in place (n = 2 s - 1, so 1 - n^2 = 4 s (1 - s); gh holds 2 gh_n):
        #   by_dh = [(h_prev - n) z (1 - z),  (1 - z)(1 - n^2)]   d pre_z, d pre_n = dh * by_dh
        #   by_dn = [r,  gh_n r (1 - r)]                           d gh_n, d pre_r = d pre_n * by_dn
        by_dh = out.new_empty(steps, batch, 2, hidden)
        by_dn = out.new_empty(steps, batch, 2, hidden)
        first = by_dh[:, :, 0]
        torch.add(out[:-1], s[1:], alpha=-2.0, out=first[1:])
        torch.mul(s[0], -2.0, out=first[0])
        first.add_(1.0).mul_(torch.addcmul(z, z, z, value=-1.0))
        s_s = torch.addcmul(s, s, s, value=-1.0)
        torch.addcmul(s_s, z, s_s, value=-1.0, out=by_dh[:, :, 1]).mul_(4.0)
        by_dn[:, :, 0].copy_(r)
        torch.mul(gh[..., :hidden], torch.addcmul(r, r, r, value=-1.0), out=by_dn[:, :, 1]).mul_(
            0.5
        )

        grads = out.new_empty(steps, batch, 4, hidden)  # [d gh_n | d z | d r | d n]
        slot_zn = grads[:, :, 1::2].unbind(0)
        slot_nr = grads[:, :, 0::2].unbind(0)
        slot_n = grads[:, :, 3:4].unbind(0)
        d_gh = grads[:, :, 0:3].reshape(steps, batch, 3 * hidden).unbind(0)
        by_dh_t, by_dn_t, z_t, d_out_t = (
            by_dh.unbind(0),
            by_dn.unbind(0),
            z.unbind(0),
            d_out.unbind(0),
        )
        r_int_t = r_int.t()
        dh = d_out_t[steps - 1]
        for t in range(steps - 1, -1, -1):
            torch.mul(dh.unsqueeze(1), by_dh_t[t], out=slot_zn[t])
            torch.mul(slot_n[t], by_dn_t[t], out=slot_nr[t])
            if t:
                dh = torch.addmm(torch.addcmul(d_out_t[t - 1], dh, z_t[t]), d_gh[t], r_int_t)
        rows = steps * batch
        d_gx = grads[:, :, 1:4].reshape(rows, 3 * hidden)
        d_gh_all = grads[:, :, 0:3].reshape(rows, 3 * hidden)
        need = ctx.needs_input_grad
        d_x = (d_gx @ kernel.t()).view(steps, batch, -1) if need[0] else None
        d_kernel = x.reshape(rows, -1).t() @ d_gx if need[1] else None
        d_recurrent = None
        if need[2]:  # h_prev is 0 at the first step, out[t - 1] after
            h_prev = out[:-1].reshape(rows - batch, hidden)
            d_recurrent = _gru_external(h_prev.t() @ d_gh_all[batch:], hidden)
        d_bias = d_gx.sum(0) if need[3] else None
        d_recurrent_bias = _gru_external(d_gh_all.sum(0), hidden) if need[4] else None
        return d_x, d_kernel, d_recurrent, d_bias, d_recurrent_bias


#: LSTM blocks inside the function: ``[o | i | f | g]`` (neutral order ``[i | f | g | o]``), so
#: that one sigmoid covers ``o, i, f`` and the gradient of ``i, f, g`` is one slice.
_LSTM_TO_INTERNAL = (3, 0, 1, 2)
_LSTM_TO_NEUTRAL = (1, 2, 3, 0)


def _blocks(tensor: torch.Tensor, order: tuple[int, ...], hidden: int) -> torch.Tensor:
    return torch.cat([tensor[..., k * hidden : (k + 1) * hidden] for k in order], -1)


class _LSTMFunction(torch.autograd.Function):
    """One LSTM layer over a whole sequence (see :mod:`genesis.models.timegan`)."""

    @staticmethod
    def forward(
        ctx: Any, x: torch.Tensor, kernel: torch.Tensor, recurrent: torch.Tensor, bias: torch.Tensor
    ) -> torch.Tensor:
        steps, batch, n_in = x.shape
        hidden = recurrent.shape[0]
        k_int = _blocks(kernel, _LSTM_TO_INTERNAL, hidden)
        r_int = _blocks(recurrent, _LSTM_TO_INTERNAL, hidden)
        b_int = _blocks(bias, _LSTM_TO_INTERNAL, hidden)
        # Forward-only copies with the g block doubled (tanh via sigmoid): one sigmoid per step.
        double = x.new_ones(4 * hidden)
        double[3 * hidden :] = 2.0
        acts = torch.addmm(b_int * double, x.reshape(steps * batch, n_in), k_int * double)
        acts = acts.view(steps, batch, 4 * hidden)
        r_dbl = r_int * double
        cell = x.new_empty(steps, batch, hidden)
        tanh_cell = x.new_empty(steps, batch, hidden)
        out = x.new_empty(steps, batch, hidden)
        a_t, g_t = acts.unbind(0), acts[..., 3 * hidden :].unbind(0)
        o_t = acts[..., :hidden].unbind(0)
        i_t = acts[..., hidden : 2 * hidden].unbind(0)
        f_t = acts[..., 2 * hidden : 3 * hidden].unbind(0)
        cell_t, tanh_t, out_t = cell.unbind(0), tanh_cell.unbind(0), out.unbind(0)
        h = x.new_zeros(batch, hidden)
        c = x.new_zeros(batch, hidden)
        minus_one = x.new_full((), -1.0)
        for t in range(steps):
            a_t[t].addmm_(h, r_dbl).sigmoid_()
            _tanh_from_sigmoid_(g_t[t], minus_one)
            c = torch.mul(f_t[t], c, out=cell_t[t]).addcmul_(i_t[t], g_t[t])
            _tanh_from_sigmoid_(torch.mul(c, 2.0, out=tanh_t[t]).sigmoid_(), minus_one)
            h = torch.mul(o_t[t], tanh_t[t], out=out_t[t])
        ctx.save_for_backward(x, k_int, r_int, acts, cell, tanh_cell, out)
        return out

    @staticmethod
    def backward(ctx: Any, d_out: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        x, k_int, r_int, acts, cell, tanh_cell, out = ctx.saved_tensors
        steps, batch, hidden = out.shape
        d_out = d_out.contiguous()
        o, i = acts[..., :hidden], acts[..., hidden : 2 * hidden]
        f, g = acts[..., 2 * hidden : 3 * hidden], acts[..., 3 * hidden :]
        c_prev = torch.cat([cell.new_zeros(1, batch, hidden), cell[:-1]])
        by_dh_o = tanh_cell * o * (1.0 - o)  # d pre_o = dh * this
        by_dh_c = o * (1.0 - tanh_cell * tanh_cell)  # dc += dh * this
        # d pre_i, d pre_f, d pre_g = dc * (g i (1 - i), c_prev f (1 - f), i (1 - g^2))
        by_dc = torch.stack([g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g)], 2)
        grads = out.new_empty(steps, batch, 4, hidden)  # internal order [o | i | f | g]
        slot_o, slot_ifg = grads[:, :, 0].unbind(0), grads[:, :, 1:].unbind(0)
        d_a = grads.view(steps, batch, 4 * hidden).unbind(0)
        by_o_t, by_c_t, by_dc_t = by_dh_o.unbind(0), by_dh_c.unbind(0), by_dc.unbind(0)
        f_t, d_out_t = f.unbind(0), d_out.unbind(0)
        r_int_t = r_int.t()
        dh = d_out_t[steps - 1]
        dc = torch.zeros_like(dh)
        for t in range(steps - 1, -1, -1):
            dc = torch.addcmul(dc, dh, by_c_t[t])
            torch.mul(dh, by_o_t[t], out=slot_o[t])
            torch.mul(dc.unsqueeze(1), by_dc_t[t], out=slot_ifg[t])
            if t:
                dc = dc * f_t[t]
                dh = torch.addmm(d_out_t[t - 1], d_a[t], r_int_t)
        rows = steps * batch
        d_act = grads.view(rows, 4 * hidden)
        need = ctx.needs_input_grad
        d_x = (d_act @ k_int.t()).view(steps, batch, -1) if need[0] else None
        d_kernel = (
            _blocks(x.reshape(rows, -1).t() @ d_act, _LSTM_TO_NEUTRAL, hidden) if need[1] else None
        )
        d_recurrent = None
        if need[2]:
            h_prev = torch.cat([out.new_zeros(1, batch, hidden), out[:-1]]).reshape(rows, hidden)
            d_recurrent = _blocks(h_prev.t() @ d_act, _LSTM_TO_NEUTRAL, hidden)
        d_bias = _blocks(d_act.sum(0), _LSTM_TO_NEUTRAL, hidden) if need[3] else None
        return d_x, d_kernel, d_recurrent, d_bias


class GRUCell(nn.Module):
    """A GRU layer's parameters in the neutral layout; :meth:`forward` runs a whole sequence."""

    def __init__(self, n_in: int, hidden: int) -> None:
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(n_in, 3 * hidden))
        self.recurrent_kernel = nn.Parameter(torch.empty(hidden, 3 * hidden))
        self.bias = nn.Parameter(torch.zeros(3 * hidden))
        self.recurrent_bias = nn.Parameter(torch.zeros(3 * hidden))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(steps, batch, in)`` → ``(steps, batch, H)``, from a zero state."""
        return _GRUFunction.apply(
            x, self.kernel, self.recurrent_kernel, self.bias, self.recurrent_bias
        )


class LSTMCell(nn.Module):
    """An LSTM layer's parameters in the neutral layout; :meth:`forward` runs a whole sequence."""

    def __init__(self, n_in: int, hidden: int) -> None:
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(n_in, 4 * hidden))
        self.recurrent_kernel = nn.Parameter(torch.empty(hidden, 4 * hidden))
        self.bias = nn.Parameter(torch.zeros(4 * hidden))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(steps, batch, in)`` → ``(steps, batch, H)``, from a zero state."""
        return _LSTMFunction.apply(x, self.kernel, self.recurrent_kernel, self.bias)


class Dense(nn.Module):
    """``x @ kernel + bias`` on the last axis, kernel ``(in, out)`` as in the neutral layout."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.kernel)
        return flat.view(*x.shape[:-1], -1)


class RecurrentNetwork(nn.Module):
    """A stack of cells and a per-step dense layer: one TimeGAN (or evaluation) network.

    Attribute names mirror the neutral weight names: ``cell.{l}.kernel``,
    ``output.kernel``, ... (``named_parameters(prefix="embedder")`` yields them).

    Args:
        module: ``"gru"`` or ``"lstm"``.
        n_in: input width.
        hidden: units per cell.
        layers: number of cells.
        n_out: width of the dense output.
        sigmoid: apply a sigmoid to the dense output (every TimeGAN network but the
            discriminator).
    """

    def __init__(
        self, module: str, n_in: int, hidden: int, layers: int, n_out: int, *, sigmoid: bool
    ) -> None:
        super().__init__()
        cell_type = GRUCell if module == "gru" else LSTMCell
        self.module_kind = module
        self.cell = nn.ModuleList(
            [cell_type(n_in if k == 0 else hidden, hidden) for k in range(layers)]
        )
        self.output = Dense(hidden, n_out)
        self.sigmoid = sigmoid

    def states(self, x: torch.Tensor) -> torch.Tensor:
        """The top cell's outputs: ``(steps, batch, in)`` → ``(steps, batch, H)``."""
        for cell in self.cell:
            x = cell(x)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(steps, batch, in)`` → ``(steps, batch, out)``."""
        y = self.output(self.states(x))
        return torch.sigmoid(y) if self.sigmoid else y


def _glorot_uniform(tensor: torch.Tensor, generator: torch.Generator) -> None:
    n_in, n_out = tensor.shape
    limit = math.sqrt(6.0 / (n_in + n_out))
    tensor.uniform_(-limit, limit, generator=generator)


def _orthogonal(tensor: torch.Tensor, generator: torch.Generator) -> None:
    """Keras' ``Orthogonal`` initializer: orthonormal rows (or columns) from a QR."""
    rows, cols = tensor.shape
    normal = torch.randn(max(rows, cols), min(rows, cols), generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(normal)
    q = q * torch.sign(torch.diagonal(r)).unsqueeze(0)
    tensor.copy_(q.t() if rows < cols else q)


@torch.no_grad()
def init_network(network: RecurrentNetwork, generator: torch.Generator) -> None:
    """Keras' default initialization, drawn from ``generator``.

    Kernels: Glorot uniform; recurrent kernels: orthogonal; biases: zero, except
    an LSTM's forget-gate input bias, which starts at one (``unit_forget_bias``).
    """
    for cell in cast("Sequence[GRUCell | LSTMCell]", network.cell):
        _glorot_uniform(cell.kernel, generator)
        _orthogonal(cell.recurrent_kernel, generator)
        cell.bias.zero_()
        if isinstance(cell, GRUCell):
            cell.recurrent_bias.zero_()
        else:
            hidden = cell.recurrent_kernel.shape[0]
            cell.bias[hidden : 2 * hidden] = 1.0
    _glorot_uniform(network.output.kernel, generator)
    network.output.bias.zero_()
