"""The CTGAN and TVAE networks as torch modules.

The attribute names mirror the framework-neutral weight names of
:mod:`genesis.models.weights` (``residual[i].dense`` is
``generator.residual.{i}.dense``, and so on), so the mapping in
:mod:`genesis_torch.training` is mechanical. Weights are initialized by
:func:`init_weights` from an explicit :class:`torch.Generator`, never from torch's
global random state, so a seed fully determines a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import torch
from torch import nn

from genesis.models.spec import CTGANParams, TVAEParams

__all__ = [
    "Discriminator",
    "Generator",
    "Residual",
    "TVAEDecoder",
    "TVAEEncoder",
    "init_weights",
]


class Residual(nn.Module):
    """``concat([relu(batchnorm(dense(x))), x])``: new features first, then the input.

    In training mode the dense layer computes its output transposed, one row per
    unit, and batch normalization sees it as ``(1, units, rows)``. The statistics
    are the same (over the rows), but torch then reduces each unit's batch in one
    piece, so the result does not depend on the number of threads; on a
    ``(rows, units)`` input torch splits the rows between threads, and a seeded
    fit would change with the thread count.
    """

    def __init__(self, n_in: int, n_out: int, momentum: float, eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        self.batchnorm = nn.BatchNorm1d(n_out, eps=eps, momentum=momentum)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return torch.cat([torch.relu(self.batchnorm(self.dense(x))), x], dim=1)
        by_unit = torch.addmm(self.dense.bias[:, None], self.dense.weight, x.T)
        # Back to one row per input row before the ReLU: its backward on operands of
        # different layouts would take a slow strided path.
        new = self.batchnorm(by_unit[None])[0].T.contiguous().relu_()
        return torch.cat([new, x], dim=1)


class Generator(nn.Module):
    """CTGAN generator: ``noise ⊕ cond`` → residual blocks → dense to ``data_dim`` (raw)."""

    def __init__(self, params: CTGANParams, data_dim: int, cond_dim: int) -> None:
        super().__init__()
        width = params.embedding_dim + cond_dim
        blocks = []
        for units in params.generator_dim:
            blocks.append(Residual(width, units, params.batchnorm_momentum, params.batchnorm_eps))
            width += units
        self.residual = nn.ModuleList(blocks)
        self.output = nn.Linear(width, data_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.residual:
            x = block(x)
        return self.output(x)

    @torch.inference_mode()
    def infer(self, *inputs: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """What :meth:`forward` computes in eval mode on ``concat(inputs)``, for large batches.

        Sampling runs batches of tens of thousands of rows, where copying
        activations costs as much as the matrix products. Here each block's batch
        normalization (on its running statistics) is folded into its dense layer,
        and the residual concatenations are never built: each dense layer's kernel
        is split where its input's parts meet (newest features first, as
        :class:`Residual` concatenates them) and meets each part on its own. The
        result equals ``eval()`` then ``forward`` up to float32 rounding; the
        module's mode is left as it is.

        With ``dtype=torch.bfloat16`` the folded kernels (folded in float32), the
        inputs and the activations are bfloat16 (about 3 significant digits), and
        the output is cast back to float32.
        """
        parts = [x.to(dtype) for x in inputs]
        for block in cast("Sequence[Residual]", self.residual):
            norm = block.batchnorm
            assert norm.running_mean is not None and norm.running_var is not None
            scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
            kernel = block.dense.weight * scale[:, None]
            bias = (block.dense.bias - norm.running_mean) * scale + norm.bias
            parts.insert(0, _dense_over_parts(parts, kernel.to(dtype), bias.to(dtype)).relu_())
        out = _dense_over_parts(parts, self.output.weight.to(dtype), self.output.bias.to(dtype))
        return out.float()


def _dense_over_parts(
    parts: list[torch.Tensor], kernel: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """``concat(parts, dim=1) @ kernel.T + bias`` without building the concatenation."""
    out, start = None, 0
    for part in parts:
        stop = start + part.shape[1]
        weight = kernel[:, start:stop].T
        out = torch.addmm(bias, part, weight) if out is None else out.addmm_(part, weight)
        start = stop
    assert out is not None
    return out


class Discriminator(nn.Module):
    """CTGAN critic with PacGAN packing.

    ``pac`` consecutive rows of ``data ⊕ cond`` are flattened into one input; each
    hidden layer is dense → LeakyReLU → dropout. Dropout draws its mask from the
    :class:`torch.Generator` passed to :meth:`forward` (``nn.Dropout`` cannot take
    one), so training stays reproducible under a seed.
    """

    def __init__(self, params: CTGANParams, data_dim: int, cond_dim: int) -> None:
        super().__init__()
        self.pac = params.pac
        self.slope = params.leaky_relu_slope
        self.dropout = params.dropout
        width = (data_dim + cond_dim) * params.pac
        layers = []
        for units in params.discriminator_dim:
            layers.append(nn.Linear(width, units))
            width = units
        self.hidden = nn.ModuleList(layers)
        self.output = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Score ``x``: ``(rows, data_dim + cond_dim)`` with ``rows`` a multiple of ``pac``.

        Returns:
            ``(rows // pac, 1)`` scores, one per pack.
        """
        return self.score_with_input_gradient(x, generator, gradient_from=None)[0]

    def score_with_input_gradient(
        self,
        x: torch.Tensor,
        generator: torch.Generator | None = None,
        gradient_from: int | None = 0,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Score the packs of ``x`` and, for packs ``gradient_from:``, d score / d input.

        The input gradient (what a WGAN gradient penalty needs) is spelled out as
        ordinary differentiable operations, back through the layers of the same
        forward pass, instead of calling ``torch.autograd.grad`` on a second forward
        pass: one forward over real, fake and interpolated packs together, and a
        penalty on the gradient back-propagates in the same backward pass as the
        scores. Its value, and its derivative with respect to the weights, are those
        of autograd's double backward (LeakyReLU's derivative is piecewise constant).

        Args:
            x: ``(rows, data_dim + cond_dim)``, ``rows`` a multiple of ``pac``.
            generator: draws the dropout masks (training mode only).
            gradient_from: the first pack whose input gradient is wanted; ``None``
                for none.

        Returns:
            ``(packs, 1)`` scores, and ``(packs - gradient_from, pac * width)`` input
            gradients (``None`` when ``gradient_from`` is ``None``).
        """
        h = x.reshape(-1, x.shape[1] * self.pac)
        keep = 1.0 - self.dropout
        derivatives = []
        for layer in self.hidden:
            pre = layer(h)
            h = nn.functional.leaky_relu(pre, self.slope)
            mask = None
            if self.training and self.dropout > 0.0:
                # torch.rand + compare: several times faster than bernoulli_ on the CPU.
                # The mask takes the activations' dtype, so bfloat16 stays bfloat16.
                uniform = torch.rand(pre.shape, generator=generator, device=pre.device)
                mask = uniform.lt_(keep).to(h.dtype).mul_(1.0 / keep)
                h = h * mask
            if gradient_from is not None:
                part = pre[gradient_from:]
                slope = torch.where(part > 0, 1.0, self.slope).to(part.dtype)
                derivatives.append(slope if mask is None else slope * mask[gradient_from:])
        score = self.output(h)
        if gradient_from is None:
            return score, None
        grad = self.output.weight.to(h.dtype).expand(score.shape[0] - gradient_from, -1)
        layers = cast("Sequence[nn.Linear]", self.hidden)
        for layer, derivative in zip(reversed(layers), reversed(derivatives), strict=True):
            grad = (grad * derivative) @ layer.weight
        return score, grad


class TVAEEncoder(nn.Module):
    """TVAE encoder: dense → ReLU per ``compress_dims``, then the latent mean and log-variance."""

    def __init__(self, params: TVAEParams, data_dim: int) -> None:
        super().__init__()
        width = data_dim
        layers = []
        for units in params.compress_dims:
            layers.append(nn.Linear(width, units))
            width = units
        self.hidden = nn.ModuleList(layers)
        self.mu = nn.Linear(width, params.embedding_dim)
        self.logvar = nn.Linear(width, params.embedding_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for layer in self.hidden:
            x = torch.relu(layer(x))
        return self.mu(x), self.logvar(x)


class TVAEDecoder(nn.Module):
    """TVAE decoder: dense → ReLU per ``decompress_dims``, dense to ``data_dim`` (raw).

    Holds the learned output standard deviations ``sigma`` (``(data_dim,)``,
    initially ``sigma_init``); only the entries at ``tanh`` spans are used.
    """

    def __init__(self, params: TVAEParams, data_dim: int) -> None:
        super().__init__()
        width = params.embedding_dim
        layers = []
        for units in params.decompress_dims:
            layers.append(nn.Linear(width, units))
            width = units
        self.hidden = nn.ModuleList(layers)
        self.output = nn.Linear(width, data_dim)
        self.sigma = nn.Parameter(torch.full((data_dim,), float(params.sigma_init)))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        for layer in self.hidden:
            z = torch.relu(layer(z))
        return self.output(z)

    @torch.inference_mode()
    def infer(self, z: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """:meth:`forward` for large sampling batches: the activations are applied in place.

        ``dtype=torch.bfloat16`` runs the layers in bfloat16; the output is float32.
        """
        z = z.to(dtype)
        for layer in cast("Sequence[nn.Linear]", self.hidden):
            z = torch.addmm(layer.bias.to(dtype), z, layer.weight.to(dtype).T).relu_()
        out = torch.addmm(self.output.bias.to(dtype), z, self.output.weight.to(dtype).T)
        return out.float()


@torch.no_grad()
def init_weights(module: nn.Module, generator: torch.Generator) -> None:
    """Initialize every dense and batch normalization layer of ``module`` from ``generator``.

    Dense layers get torch's default distribution, ``U(-1/sqrt(in), 1/sqrt(in))`` for
    both kernel and bias (what ``nn.Linear.reset_parameters`` draws), but from the
    given generator; batch normalization starts at scale 1, shift 0, mean 0, variance 1.
    """
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            bound = 1.0 / math.sqrt(layer.in_features) if layer.in_features else 0.0
            layer.weight.uniform_(-bound, bound, generator=generator)
            if layer.bias is not None:
                layer.bias.uniform_(-bound, bound, generator=generator)
        elif isinstance(layer, nn.BatchNorm1d):
            layer.reset_parameters()
