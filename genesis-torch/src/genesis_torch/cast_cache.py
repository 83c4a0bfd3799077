"""Low-precision copies of a network's weights, made once per optimizer step.

In mixed precision every product runs on bfloat16 copies of float32 weights. A
CTGAN step uses each network's weights in two forward passes between two of its
optimizer steps (the critic's: in the generator step and in the next critic step;
the generator's: in the critic step and in its own), and casting them anew each
time cost as much as a large product: the critic's first kernel alone is 256 by
2,670 values on Adult. A :class:`CastCache` keeps one copy per weight until the
owner calls :meth:`CastCache.clear` (after that network's optimizer step: torch's
fused Adam kernel updates the weights without bumping their version counters) or
the weight is changed in place by anything else (its version counter moves).
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["CastCache"]


class _Cast(torch.autograd.Function):
    """``copy`` (a cast of ``weight``) in the forward pass; the gradient goes to ``weight``."""

    @staticmethod
    def forward(ctx: Any, weight: torch.Tensor, copy: torch.Tensor) -> torch.Tensor:
        ctx.dtype = weight.dtype
        return copy

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return grad.to(ctx.dtype), None


class CastCache:
    """Copies of weights in a compute dtype, reused until :meth:`clear`.

    ``cache(weight, dtype)`` returns ``weight`` itself when it has ``dtype`` already;
    otherwise the cached copy, made now if there is none for this weight, dtype and
    version. Where autograd records (``weight.requires_grad`` under grad mode), the
    copy comes back connected to ``weight``: its gradient is cast back to
    ``weight``'s dtype, as for ``weight.to(dtype)``.
    """

    def __init__(self) -> None:
        # (id, dtype) -> (the weight itself, its version then, the copy)
        self._copies: dict[tuple[int, torch.dtype], tuple[torch.Tensor, int, torch.Tensor]] = {}

    def clear(self) -> None:
        """Forget every copy (call after the weights were updated)."""
        self._copies.clear()

    def __call__(self, weight: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        if weight.dtype == dtype:
            return weight
        key = (id(weight), dtype)
        cached = self._copies.get(key)
        if cached is None or cached[0] is not weight or cached[1] != weight._version:
            copy = weight.detach().to(dtype)
            self._copies[key] = (weight, weight._version, copy)
        else:
            copy = cached[2]
        if weight.requires_grad and torch.is_grad_enabled():
            return _Cast.apply(weight, copy)
        return copy
