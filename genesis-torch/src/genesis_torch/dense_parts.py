"""Dense layers over inputs given in parts, with hand-written backward passes.

CTGAN's networks multiply concatenations: each residual block's input is the
newest features, every earlier block's, the noise and the condition vector; the
critic's is ``pac`` rows of data and condition vectors. Building those
concatenations, multiplying the one-hot condition vectors as dense matrices, and
letting autograd slice the kernels (each slice's gradient is a zero-filled copy
of the whole kernel) cost about as much as the products themselves. Here:

- :func:`dense_over_parts` multiplies each part by its own columns of the kernel
  (views, no copies) and gathers the kernel columns the one-hot condition selects;
  its backward writes each part's kernel gradient straight into one gradient
  tensor, and computes input gradients only for the parts that need them;
- :func:`packed_dense` is the critic's first layer: packed data rows, and packed
  condition vectors shared by several groups of rows (real, fake and
  interpolated rows are scored under the same conditions), multiplied once.

Both compute the same values as ``torch.addmm`` on the concatenation, up to
float32 rounding; every reduction runs in a fixed order, whatever the thread
count (see :class:`genesis_torch.networks.Residual`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch

__all__ = ["OneHot", "dense_over_parts", "packed_dense"]


class OneHot(NamedTuple):
    """Condition vectors known to be one-hot: each row has a single 1.

    Attributes:
        positions: ``(rows,)`` int64, each row's set position (the forward pass
            gathers).
        vectors: ``(rows, width)``, the vectors themselves (the kernel gradient
            multiplies them: faster than scattering rows, and in a fixed order).
    """

    positions: torch.Tensor
    vectors: torch.Tensor


def _mm_into(dest: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> None:
    """``dest[...] = a @ b``, written in place (no temporary) unless a graph is being
    built: a backward run with ``create_graph=True`` must stay differentiable."""
    if torch.is_grad_enabled():
        dest.copy_(a @ b)
    else:
        torch.mm(a, b, out=dest)


class _DenseOverParts(torch.autograd.Function):
    @staticmethod
    def forward(
        ctx: Any,
        layout: tuple[bool, bool],
        kernel: torch.Tensor,
        bias: torch.Tensor,
        cond_index: torch.Tensor | None,
        cond: torch.Tensor | None,
        *parts: torch.Tensor,
    ) -> torch.Tensor:
        by_unit, parts_by_unit = layout
        width = sum(part.shape[0 if parts_by_unit else 1] for part in parts)
        first = bias[:, None] if by_unit else bias
        if cond_index is not None:
            table = kernel[:, width:].T  # (cond_dim, units)
            if by_unit:
                first = table.contiguous().index_select(0, cond_index).T + first
            else:  # fresh (rows, units): the parts' products are added into it in place
                first = (table + bias).index_select(0, cond_index)
        out = first if cond_index is not None and not by_unit else None
        start = 0
        for part in parts:
            columns = part.T if parts_by_unit else part  # (rows, k): a view
            stop = start + columns.shape[1]
            weight = kernel[:, start:stop]
            a, b = (weight, columns.T) if by_unit else (columns, weight.T)
            out = torch.addmm(first, a, b) if out is None else out.addmm_(a, b)
            start = stop
        assert out is not None
        ctx.layout = layout
        ctx.save_for_backward(kernel, cond, *parts)
        return out

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        kernel, cond, *parts = ctx.saved_tensors
        by_unit_out, parts_by_unit = ctx.layout
        need = ctx.needs_input_grad
        by_row = grad.T if by_unit_out else grad  # (rows, units)
        by_unit = grad if by_unit_out else grad.T  # (units, rows)
        grad_kernel = kernel.new_empty(kernel.shape) if need[1] else None
        grad_parts: list[torch.Tensor | None] = []
        start = 0
        for index, part in enumerate(parts):
            columns = part.T if parts_by_unit else part  # (rows, k)
            stop = start + columns.shape[1]
            if grad_kernel is not None:
                _mm_into(grad_kernel[:, start:stop], by_unit, columns)
            grad_part = None
            if need[5 + index]:  # in the part's own layout
                weight = kernel[:, start:stop]
                grad_part = weight.T @ by_unit if parts_by_unit else by_row @ weight
            grad_parts.append(grad_part)
            start = stop
        if grad_kernel is not None and cond is not None:
            _mm_into(grad_kernel[:, start:], by_unit, cond.to(by_unit.dtype))
        grad_bias = by_unit.sum(dim=1) if need[2] else None
        return None, grad_kernel, grad_bias, None, None, *grad_parts


def dense_over_parts(
    kernel: torch.Tensor,
    bias: torch.Tensor,
    parts: list[torch.Tensor],
    cond: OneHot | None = None,
    *,
    by_unit: bool = False,
    parts_by_unit: bool = False,
) -> torch.Tensor:
    """``concat(parts ⊕ cond) @ kernel.T + bias`` without the concatenation.

    Args:
        kernel: ``(units, width)``; ``parts`` fill its first columns in order, the
            one-hot condition block the rest.
        bias: ``(units,)``.
        parts: ``(rows, k_i)`` tensors, or ``(k_i, rows)`` with ``parts_by_unit``
            (any strides: a transposed view is multiplied as it is).
        cond: the one-hot condition vectors, whose products are gathered kernel
            columns; ``None`` when the kernel has no condition block.
        by_unit: return ``(units, rows)``, one row per unit (what thread-invariant
            batch normalization takes), instead of ``(rows, units)``.
        parts_by_unit: the parts are given one row per feature, ``(k_i, rows)``; their
            input gradients come back in that layout too.
    """
    index, vectors = (None, None) if cond is None else cond
    return _DenseOverParts.apply((by_unit, parts_by_unit), kernel, bias, index, vectors, *parts)


class _PackedDense(torch.autograd.Function):
    @staticmethod
    def forward(
        ctx: Any,
        kernel: torch.Tensor,
        bias: torch.Tensor,
        data: torch.Tensor,
        cond: torch.Tensor | None,
    ) -> torch.Tensor:
        split = data.shape[1]
        shift = bias
        if cond is not None:
            shift = torch.addmm(bias, cond, kernel[:, split:].T)
            shift = shift.repeat(data.shape[0] // cond.shape[0], 1)
        ctx.save_for_backward(kernel, data, cond)
        return torch.addmm(shift, data, kernel[:, :split].T)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        kernel, data, cond = ctx.saved_tensors
        need = ctx.needs_input_grad
        split = data.shape[1]
        grad_kernel = grad_cond = None
        shared = None
        if cond is not None and (need[0] or need[3]):
            shared = grad.view(-1, cond.shape[0], grad.shape[1]).sum(dim=0)
        if need[0]:
            grad_kernel = kernel.new_empty(kernel.shape)
            _mm_into(grad_kernel[:, :split], grad.T, data)
            if cond is not None:
                assert shared is not None
                _mm_into(grad_kernel[:, split:], shared.T, cond)
        if need[3]:
            assert shared is not None
            grad_cond = shared @ kernel[:, split:]
        grad_bias = grad.T.sum(dim=1) if need[1] else None
        grad_data = grad @ kernel[:, :split] if need[2] else None
        return grad_kernel, grad_bias, grad_data, grad_cond


def packed_dense(
    kernel: torch.Tensor,
    bias: torch.Tensor,
    data: torch.Tensor,
    cond: torch.Tensor | None,
) -> torch.Tensor:
    """``concat(data, tile(cond)) @ kernel.T + bias`` with ``cond`` multiplied once.

    Args:
        kernel: ``(units, k + c)``: the columns of ``data``, then those of ``cond``.
        bias: ``(units,)``.
        data: ``(groups * packs, k)``.
        cond: ``(packs, c)``, shared by every group of ``packs`` rows of ``data``
            (row ``r`` of ``data`` goes with row ``r % packs``); ``None`` for none.

    Returns:
        ``(groups * packs, units)``.
    """
    return _PackedDense.apply(kernel, bias, data, cond)
