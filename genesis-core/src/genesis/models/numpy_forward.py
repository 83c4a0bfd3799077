"""Inference forward passes of the CTGAN generator and the TVAE decoder in numpy.

These are the reference definitions of what a saved model computes: they read the
framework-neutral weights of :mod:`genesis.models.weights` and return the raw
network output that :mod:`genesis.models.activations` turns into rows. Every
backend's ``genesis_generate`` must agree with them (the conformance suite checks
it), and they let a saved model sample without any deep-learning framework.

Arithmetic is float32 throughout, as in the backends. The rows are run in blocks
whose activations stay in the CPU's cache, and a one-hot condition vector's product
is the one kernel row it selects (gathered, not multiplied).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams
from genesis.models.weights import dense_names

__all__ = ["ctgan_generator_forward", "fold_batchnorm", "onehot_positions", "tvae_decoder_forward"]

#: Rows per block: the widest layer's activations of a block take about 8 MB.
_BLOCK_BYTES = 8 << 20


def _block_rows(width: int) -> int:
    """Rows per block for layers at most ``width`` wide."""
    return max(256, _BLOCK_BYTES // (4 * max(width, 1)))


def onehot_positions(cond: np.ndarray) -> np.ndarray | None:
    """Each row's set position if every row of ``cond`` is one-hot (a single 1), else None."""
    positions = cond.argmax(axis=-1)
    bits = np.take_along_axis(cond, positions[..., None], axis=-1)[..., 0]
    exact = (np.count_nonzero(cond, axis=-1) == 1) & (bits == 1)
    return positions.astype(np.int64) if exact.all() else None


def fold_batchnorm(
    kernel: np.ndarray,
    bias: np.ndarray,
    weights: Mapping[str, np.ndarray],
    prefix: str,
    eps: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Fold inference-mode batch normalization ``prefix`` into the dense layer before it.

    ``batchnorm(x @ kernel + bias)`` on the running statistics is
    ``x @ (kernel * scale) + (bias - mean) * scale + beta`` with
    ``scale = gamma / sqrt(variance + eps)``: one dense layer, no pass over its output.

    Returns:
        The folded ``(kernel, bias)``, float32.
    """
    gamma = np.asarray(weights[f"{prefix}.gamma"], dtype=np.float32)
    beta = np.asarray(weights[f"{prefix}.beta"], dtype=np.float32)
    mean = np.asarray(weights[f"{prefix}.moving_mean"], dtype=np.float32)
    variance = np.asarray(weights[f"{prefix}.moving_variance"], dtype=np.float32)
    scale = gamma / np.sqrt(variance + np.float32(eps))
    return kernel * scale, (bias - mean) * scale + beta


def _dense_over_parts(
    parts: list[np.ndarray],
    kernel: np.ndarray,
    bias: np.ndarray,
    cond: np.ndarray | None = None,
    positions: np.ndarray | None = None,
) -> np.ndarray:
    """``concatenate(parts + [cond], axis=1) @ kernel + bias`` without building the concatenation.

    The kernel's rows are split where the parts meet: each part meets its own rows.
    The condition block comes last; with ``positions`` (each row's one set bit) its
    product is the gathered kernel row.
    """
    out = np.broadcast_to(bias, (parts[0].shape[0], bias.shape[0])).copy()
    start = 0
    for part in parts:
        stop = start + part.shape[1]
        out += part @ kernel[start:stop]
        start = stop
    if positions is not None:
        out += kernel[start:][positions]
    elif cond is not None:
        out += cond @ kernel[start:]
    return out


def _as_input(array: np.ndarray, name: str, width: int) -> np.ndarray:
    array = np.asarray(array, dtype=np.float32)
    if array.ndim != 2 or array.shape[1] != width:
        raise ValueError(f"{name} must have shape (n, {width}), got {array.shape}")
    return array


def ctgan_generator_forward(
    spec: ModelSpec,
    weights: Mapping[str, np.ndarray],
    noise: np.ndarray,
    cond: np.ndarray | None,
) -> np.ndarray:
    """Run the CTGAN generator in inference mode (BatchNorm on its running statistics).

    Args:
        spec: a CTGAN spec (layer sizes, ``batchnorm_eps``, ``cond_dim``).
        weights: the framework-neutral weights (only the ``generator.*`` ones are read).
        noise: ``(n, embedding_dim)`` latent noise.
        cond: ``(n, cond_dim)`` condition vectors; ``None`` only when ``cond_dim`` is 0.

    Returns:
        ``(n, data_dim)`` float32 raw generator output (before the activations).

    Raises:
        ValueError: ``spec`` is not a CTGAN spec, or an input has the wrong shape.
    """
    params = spec.params
    if not isinstance(params, CTGANParams):
        raise ValueError(f"expected a CTGAN spec, got method {spec.method!r}")
    z = _as_input(noise, "noise", params.embedding_dim)
    c = None
    if spec.cond_dim:
        if cond is None:
            raise ValueError(f"cond is required: the model has cond_dim {spec.cond_dim}")
        c = _as_input(cond, "cond", spec.cond_dim)
        if c.shape[0] != z.shape[0]:
            raise ValueError(f"noise has {z.shape[0]} rows but cond has {c.shape[0]}")
    positions = None if c is None else onehot_positions(c)
    layers: list[tuple[np.ndarray, np.ndarray]] = []
    for i in range(len(params.generator_dim)):
        kernel, bias = (
            np.asarray(weights[name], dtype=np.float32)
            for name in dense_names(f"generator.residual.{i}.dense")
        )
        layers.append(
            fold_batchnorm(
                kernel, bias, weights, f"generator.residual.{i}.batchnorm", params.batchnorm_eps
            )
        )
    kernel_name, bias_name = dense_names("generator.output")
    layers.append(
        (
            np.asarray(weights[kernel_name], dtype=np.float32),
            np.asarray(weights[bias_name], dtype=np.float32),
        )
    )
    out = np.empty((z.shape[0], spec.data_dim), dtype=np.float32)
    step = _block_rows(max(max(kernel.shape) for kernel, _ in layers))
    for lo in range(0, z.shape[0], step):
        hi = min(lo + step, z.shape[0])
        block_c = None if c is None else c[lo:hi]
        block_p = None if positions is None else positions[lo:hi]
        # Each residual block's input is concat([h_i, ..., h_1, noise], cond): the parts
        # are kept apart, newest first, and each dense layer meets them one by one.
        parts = [z[lo:hi]]
        for kernel, bias in layers[:-1]:
            h = _dense_over_parts(parts, kernel, bias, block_c, block_p)
            parts.insert(0, np.maximum(h, 0.0, out=h))
        out[lo:hi] = _dense_over_parts(parts, *layers[-1], block_c, block_p)
    return out


def tvae_decoder_forward(
    spec: ModelSpec, weights: Mapping[str, np.ndarray], noise: np.ndarray
) -> np.ndarray:
    """Run the TVAE decoder.

    Args:
        spec: a TVAE spec (layer sizes).
        weights: the framework-neutral weights (only the ``decoder.*`` ones are read).
        noise: ``(n, embedding_dim)`` latent vectors.

    Returns:
        ``(n, data_dim)`` float32 raw decoder output (before the activations; the
        learned ``decoder.sigma`` is applied by :func:`~genesis.models.activations.tvae_activate`).

    Raises:
        ValueError: ``spec`` is not a TVAE spec, or ``noise`` has the wrong shape.
    """
    params = spec.params
    if not isinstance(params, TVAEParams):
        raise ValueError(f"expected a TVAE spec, got method {spec.method!r}")
    z = _as_input(noise, "noise", params.embedding_dim)
    names = [f"decoder.hidden.{i}" for i in range(len(params.decompress_dims))]
    layers = [
        tuple(np.asarray(weights[n], dtype=np.float32) for n in dense_names(name))
        for name in [*names, "decoder.output"]
    ]
    out = np.empty((z.shape[0], spec.data_dim), dtype=np.float32)
    step = _block_rows(max(max(kernel.shape) for kernel, _ in layers))
    for lo in range(0, z.shape[0], step):
        x = z[lo : lo + step]
        for kernel, bias in layers[:-1]:
            x = x @ kernel
            x += bias
            np.maximum(x, 0.0, out=x)
        kernel, bias = layers[-1]
        np.matmul(x, kernel, out=out[lo : lo + step])
        out[lo : lo + step] += bias
    return out
