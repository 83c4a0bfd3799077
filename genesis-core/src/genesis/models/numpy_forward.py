"""Inference forward passes of the CTGAN generator and the TVAE decoder in numpy.

These are the reference definitions of what a saved model computes: they read the
framework-neutral weights of :mod:`genesis.models.weights` and return the raw
network output that :mod:`genesis.models.activations` turns into rows. Every
backend's ``genesis_generate`` must agree with them (the conformance suite checks
it), and they let a saved model sample without any deep-learning framework.

Arithmetic is float32 throughout, as in the backends.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams
from genesis.models.weights import dense_names

__all__ = ["ctgan_generator_forward", "fold_batchnorm", "tvae_decoder_forward"]


def _dense(weights: Mapping[str, np.ndarray], prefix: str, x: np.ndarray) -> np.ndarray:
    kernel, bias = dense_names(prefix)
    out = x @ np.asarray(weights[kernel], dtype=np.float32)
    out += np.asarray(weights[bias], dtype=np.float32)
    return out


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


def _dense_over_parts(parts: list[np.ndarray], kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``concatenate(parts, axis=1) @ kernel + bias`` without building the concatenation.

    The kernel's rows are split where the parts meet: each part meets its own rows.
    """
    out = np.broadcast_to(bias, (parts[0].shape[0], bias.shape[0])).copy()
    start = 0
    for part in parts:
        stop = start + part.shape[1]
        out += part @ kernel[start:stop]
        start = stop
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
    parts = [_as_input(noise, "noise", params.embedding_dim)]
    if spec.cond_dim:
        if cond is None:
            raise ValueError(f"cond is required: the model has cond_dim {spec.cond_dim}")
        c = _as_input(cond, "cond", spec.cond_dim)
        if c.shape[0] != parts[0].shape[0]:
            raise ValueError(f"noise has {parts[0].shape[0]} rows but cond has {c.shape[0]}")
        parts.append(c)
    # Each residual block's input is concat([h_i, ..., h_1, noise, cond]): the parts
    # are kept apart, newest first, and each dense layer meets them one by one.
    for i in range(len(params.generator_dim)):
        kernel, bias = (
            np.asarray(weights[name], dtype=np.float32)
            for name in dense_names(f"generator.residual.{i}.dense")
        )
        kernel, bias = fold_batchnorm(
            kernel, bias, weights, f"generator.residual.{i}.batchnorm", params.batchnorm_eps
        )
        h = _dense_over_parts(parts, kernel, bias)
        parts.insert(0, np.maximum(h, 0.0, out=h))
    kernel, bias = (
        np.asarray(weights[name], dtype=np.float32) for name in dense_names("generator.output")
    )
    return _dense_over_parts(parts, kernel, bias)


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
    x = _as_input(noise, "noise", params.embedding_dim)
    for i in range(len(params.decompress_dims)):
        x = _dense(weights, f"decoder.hidden.{i}", x)
        np.maximum(x, 0.0, out=x)
    return _dense(weights, "decoder.output", x)
