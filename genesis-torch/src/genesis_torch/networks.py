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
from collections.abc import Callable, Iterator, Sequence
from typing import cast

import numpy as np
import torch
from torch import nn

from genesis.models.spec import CTGANParams, TVAEParams
from genesis_torch.cast_cache import CastCache
from genesis_torch.dense_parts import OneHot, dense_over_parts, packed_dense

__all__ = [
    "Discriminator",
    "Generator",
    "Residual",
    "TVAEDecoder",
    "TVAEEncoder",
    "init_weights",
]


def _as(weight: torch.Tensor, dtype: torch.dtype, casts: CastCache | None) -> torch.Tensor:
    """``weight`` in ``dtype``: the copy ``casts`` keeps, or a fresh cast."""
    return weight.to(dtype) if casts is None else casts(weight, dtype)


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
    """CTGAN generator: ``noise ⊕ cond`` → residual blocks → dense to ``data_dim`` (raw).

    The condition vector of a CTGAN row is one-hot (one category of one discrete
    column), so its share of every dense layer is one kernel column per row:
    :meth:`forward_onehot` (training) and :meth:`infer` (sampling) gather those
    columns instead of multiplying the one-hot block, and they never build the
    residual concatenations (each kernel is split where its input's parts meet;
    see :mod:`genesis_torch.dense_parts`). :meth:`forward` is the plain module on
    the whole input, which they equal up to float32 rounding.
    """

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

    def forward_onehot(
        self, noise: torch.Tensor, cond: OneHot | None, casts: CastCache | None = None
    ) -> torch.Tensor:
        """:meth:`forward` on ``noise ⊕ cond``, in the module's mode.

        Args:
            noise: ``(rows, embedding_dim)``; its dtype is the compute dtype (the
                kernels are cast to it).
            cond: the one-hot condition vectors; ``None`` when the model has none.
            casts: where the weights' copies in the compute dtype are kept (cast
                anew on each call without).

        Each block's pre-activations are computed one row per unit (see
        :class:`Residual`), so batch normalization stays thread-invariant.
        """
        # Every part is kept one row per feature, (features, rows): the noise as a
        # transposed view, each block's output as batch normalization returns it.
        parts = [noise.T]
        for block in cast("Sequence[Residual]", self.residual):
            kernel = _as(block.dense.weight, noise.dtype, casts)
            bias = _as(block.dense.bias, noise.dtype, casts)
            by_unit = dense_over_parts(kernel, bias, parts, cond, by_unit=True, parts_by_unit=True)
            parts.insert(0, block.batchnorm(by_unit[None]).relu_().squeeze(0))
        kernel = _as(self.output.weight, noise.dtype, casts)
        bias = _as(self.output.bias, noise.dtype, casts)
        return dense_over_parts(kernel, bias, parts, cond, parts_by_unit=True)

    @torch.inference_mode()
    def infer(
        self,
        noise: torch.Tensor,
        cond: OneHot | torch.Tensor | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> torch.Tensor:
        """What :meth:`forward` computes in eval mode on ``noise ⊕ cond``, for large batches.

        Each block's batch normalization (on its running statistics) is folded into
        its dense layer; one-hot conditions (a :class:`OneHot`, what CTGAN samples
        with) are gathered as kernel columns, any other ``cond`` tensor is
        multiplied; the residual concatenations are never built. The result equals
        ``eval()`` then ``forward`` up to float32 rounding; the module's mode is
        left as it is.

        With ``dtype=torch.bfloat16`` the folded kernels (folded in float32), the
        inputs and the activations are bfloat16 (about 3 significant digits), and
        the output is cast back to float32.

        The rows go through in blocks (:func:`row_blocks`), each block's result
        written into the float32 output.
        """
        layers = []
        for block in cast("Sequence[Residual]", self.residual):
            norm = block.batchnorm
            assert norm.running_mean is not None and norm.running_var is not None
            scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
            kernel = block.dense.weight * scale[:, None]
            bias = (block.dense.bias - norm.running_mean) * scale + norm.bias
            layers.append((kernel.to(dtype), bias.to(dtype)))

        def run(rows: slice, out_kernel: torch.Tensor, out_bias: torch.Tensor) -> torch.Tensor:
            parts = [noise[rows].to(dtype)]
            onehot = None
            if isinstance(cond, OneHot):
                onehot = OneHot(cond.positions[rows], cond.vectors[rows])
            elif cond is not None and cond.shape[1]:
                parts.append(cond[rows].to(dtype))
            for kernel, bias in layers:
                parts.insert(0, dense_over_parts(kernel, bias, parts, onehot).relu_())
            return dense_over_parts(out_kernel, out_bias, parts, onehot)

        return _in_row_blocks(noise, [k for k, _ in layers], self.output, dtype, run)


#: Bytes of one layer's activations per row block in sampling (see :func:`row_blocks`).
BLOCK_BYTES = 8 << 20


def row_blocks(rows: int, width: int, dtype: torch.dtype) -> Iterator[slice]:
    """Slices of ``rows`` for layers up to ``width`` units wide, about :data:`BLOCK_BYTES` each.

    A sampling chunk of 50,000 rows has 51 MB of float32 activations per 256-unit
    layer: each layer's output goes out to memory and comes back for the next
    product. Blocks of about 8 MB stay in the cache; the generator's pass over a
    million rows took 11% less time here in blocks of 8,192 float32 rows.
    """
    itemsize = torch.empty((), dtype=dtype).element_size()
    step = max(1024, BLOCK_BYTES // max(1, width * itemsize))
    for start in range(0, rows, step):
        yield slice(start, min(start + step, rows))


def _in_row_blocks(
    inputs: torch.Tensor,
    kernels: Sequence[torch.Tensor],
    output: nn.Linear,
    dtype: torch.dtype,
    run: Callable[[slice, torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """A sampling pass over ``inputs``' rows in :func:`row_blocks`, into a float32 output.

    ``run(rows, kernel, bias)`` computes one block's output layer from the padded
    output ``kernel`` and ``bias`` (in ``dtype``, see :func:`padded_output`); its extra
    units are sliced off. ``kernels`` are the hidden layers' (for the block size).
    """
    kernel, bias = padded_output(output)
    kernel, bias = kernel.to(dtype), bias.to(dtype)
    width = max([kernel.shape[0], *(k.shape[0] for k in kernels)])
    features = output.out_features
    out = inputs.new_empty((inputs.shape[0], features), dtype=torch.float32)
    for rows in row_blocks(inputs.shape[0], width, dtype):
        out[rows] = run(rows, kernel, bias)[:, :features]
    return out


def padded_output(layer: nn.Linear, multiple: int = 16) -> tuple[torch.Tensor, torch.Tensor]:
    """``layer``'s kernel and bias with zero units added up to a multiple of ``multiple``.

    The CPU's matrix-product kernels work in blocks of 16 output columns; on an
    output of 165 (Adult's row width) a sampling batch's product took 60% longer
    than on 176 here. Callers slice the extra columns off.
    """
    extra = -layer.out_features % multiple
    if not extra:
        return layer.weight, layer.bias
    return (
        nn.functional.pad(layer.weight, (0, 0, 0, extra)),
        nn.functional.pad(layer.bias, (0, extra)),
    )


class Discriminator(nn.Module):
    """CTGAN critic with PacGAN packing.

    ``pac`` consecutive rows of ``data ⊕ cond`` are flattened into one input; each
    hidden layer is dense → LeakyReLU → dropout. Dropout draws its mask from the
    :class:`torch.Generator` passed in (``nn.Dropout`` cannot take one), so
    training stays reproducible under a seed.

    The first layer stores its input columns in another order than the packed
    input's (and the neutral weight layout's) ``row 0 data, row 0 cond, row 1
    data, ...``: all ``pac`` rows' data first, then all their conditions
    (:meth:`column_order` maps one to the other; weight export and import use it).
    The data block and the condition block are then two ranges of columns,
    multiplied without copies, and the condition vectors, which the real, fake
    and interpolated rows of a critic step share, are multiplied once
    (:func:`~genesis_torch.dense_parts.packed_dense`).
    """

    def __init__(self, params: CTGANParams, data_dim: int, cond_dim: int) -> None:
        super().__init__()
        self.pac = params.pac
        self.slope = params.leaky_relu_slope
        self.dropout = params.dropout
        self.data_dim = data_dim
        self.cond_dim = cond_dim
        width = (data_dim + cond_dim) * params.pac
        layers = []
        for units in params.discriminator_dim:
            layers.append(nn.Linear(width, units))
            width = units
        self.hidden = nn.ModuleList(layers)
        self.output = nn.Linear(width, 1)

    def column_order(self) -> np.ndarray:
        """For each input column of the first layer, its column in the packed input."""
        width = self.data_dim + self.cond_dim
        packed = np.arange(self.pac * width).reshape(self.pac, width)
        data, cond = packed[:, : self.data_dim], packed[:, self.data_dim :]
        return np.concatenate([data.ravel(), cond.ravel()])

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Score ``x``: ``(rows, data_dim + cond_dim)`` with ``rows`` a multiple of ``pac``.

        Returns:
            ``(rows // pac, 1)`` scores, one per pack.
        """
        data, cond = x[:, : self.data_dim], x[:, self.data_dim :]
        return self.score(data, cond if self.cond_dim else None, generator)[0]

    def score(
        self,
        data: torch.Tensor,
        cond: torch.Tensor | None,
        generator: torch.Generator | None = None,
        mix: torch.Tensor | None = None,
        casts: CastCache | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Score the packs of ``data ⊕ cond``; with ``mix``, also the input gradient a
        WGAN gradient penalty needs.

        With ``mix``, ``data`` is ``[real, fake]`` and the gradient is taken at the
        interpolated packs ``lerp(fake, real, mix)``. Their first-layer
        pre-activations are the same interpolation of the real and fake packs' (a
        dense layer is affine, and the packs share their conditions), so only the
        real and fake packs are multiplied by the first kernel. The interpolated
        packs' forward pass needs no gradient: it only decides which side of zero
        each LeakyReLU input is on (and their scores enter no loss). The input
        gradient itself is spelled out as ordinary differentiable operations, back
        through the layers, instead of calling ``torch.autograd.grad`` on a second
        forward pass; its value, and its derivative with respect to the weights, are
        those of autograd's double backward (LeakyReLU's derivative is piecewise
        constant).

        Dropout masks are drawn for all packs of a layer at once, real, fake and
        interpolated in this order (what scoring the three groups stacked would draw).

        Args:
            data: ``(rows, data_dim)``, or ``(groups, rows, data_dim)`` for groups of
                rows that share ``cond`` (``groups == 2`` with ``mix``); ``rows`` a
                multiple of ``pac``. Its dtype is the compute dtype.
            cond: ``(rows, cond_dim)`` condition vectors, multiplied once for all
                groups; ``None`` when ``cond_dim`` is 0.
            generator: draws the dropout masks (training mode only).
            mix: ``(rows // pac, 1)`` interpolation weights, one per pack, or ``None``.
            casts: where the weights' copies in the compute dtype are kept (cast
                anew on each call without).

        Returns:
            ``(packs, 1)`` scores of all groups' packs, and ``(rows // pac, pac *
            (data_dim + cond_dim))`` input gradients at the interpolated packs, with
            the columns in :meth:`column_order` (``None`` without ``mix``).
        """
        dtype = data.dtype
        layers = cast("Sequence[nn.Linear]", self.hidden)
        kernels = [_as(layer.weight, dtype, casts) for layer in layers]
        biases = [_as(layer.bias, dtype, casts) for layer in layers]
        packed_cond = None
        if self.cond_dim:
            if cond is None:
                raise ValueError(f"cond is required: the critic has cond_dim {self.cond_dim}")
            packed_cond = cond.reshape(-1, self.pac * self.cond_dim).to(dtype)
        if mix is not None and (data.dim() != 3 or data.shape[0] != 2):
            raise ValueError("with mix, data stacks the real and the fake rows: (2, rows, width)")
        pre = packed_dense(
            kernels[0], biases[0], data.reshape(-1, self.pac * self.data_dim), packed_cond
        )
        scored = pre.shape[0]
        mixed = None
        if mix is not None:
            with torch.no_grad():
                real, fake = pre.detach().chunk(2)
                mixed = torch.lerp(fake, real, mix.to(pre.dtype))

        keep = 1.0 - self.dropout
        derivatives = []
        h = pre
        for index in range(len(layers)):
            if index:
                pre = torch.addmm(biases[index], h, kernels[index].T)
                if mixed is not None:
                    with torch.no_grad():
                        mixed = torch.addmm(biases[index], mixed, kernels[index].T)
            h = nn.functional.leaky_relu(pre, self.slope)
            mask = None
            if self.training and self.dropout > 0.0:
                # torch.rand + compare: several times faster than bernoulli_ on the CPU.
                # The mask takes the activations' dtype, so bfloat16 stays bfloat16.
                rows = scored if mixed is None else scored + mixed.shape[0]
                uniform = torch.rand((rows, pre.shape[1]), generator=generator, device=pre.device)
                mask = uniform.lt_(keep).to(h.dtype).mul_(1.0 / keep)
                h = h * mask[:scored]
            if mixed is not None:
                with torch.no_grad():
                    slope = torch.where(mixed > 0, 1.0, self.slope).to(mixed.dtype)
                    mixed = nn.functional.leaky_relu(mixed, self.slope)
                    if mask is not None:
                        slope.mul_(mask[scored:])
                        mixed.mul_(mask[scored:])
                derivatives.append(slope)
        out_kernel = _as(self.output.weight, dtype, casts)
        score = torch.addmm(_as(self.output.bias, dtype, casts), h, out_kernel.T)
        if mixed is None:
            return score, None
        grad = out_kernel.expand(mixed.shape[0], -1)
        for weight, derivative in zip(reversed(kernels), reversed(derivatives), strict=True):
            grad = (grad * derivative) @ weight
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
        The rows go through in blocks (:func:`row_blocks`).
        """
        layers = [
            (layer.weight.to(dtype), layer.bias.to(dtype))
            for layer in cast("Sequence[nn.Linear]", self.hidden)
        ]

        def run(rows: slice, out_kernel: torch.Tensor, out_bias: torch.Tensor) -> torch.Tensor:
            h = z[rows].to(dtype)
            for weight, shift in layers:
                h = torch.addmm(shift, h, weight.T).relu_()
            return torch.addmm(out_bias, h, out_kernel.T)

        return _in_row_blocks(z, [k for k, _ in layers], self.output, dtype, run)


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
