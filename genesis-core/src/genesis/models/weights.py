"""The framework-neutral names, shapes and layouts of every CTGAN and TVAE weight.

This module is the one place that says how a trained network is written down,
so that a model saved by one backend loads on any other and runs in plain numpy
(:mod:`genesis.models.numpy_forward`). A backend's ``genesis_get_weights`` returns
exactly these names; its ``genesis_set_weights`` accepts exactly these names.

Layouts:

* A dense (fully connected) layer ``<prefix>`` is two arrays: ``<prefix>.kernel``
  of shape ``(in, out)`` and ``<prefix>.bias`` of shape ``(out,)``, so that the
  forward pass is ``x @ kernel + bias``. (PyTorch's ``Linear.weight`` is the
  transpose of ``kernel``; Keras' ``Dense.kernel`` is the same layout.)
* A batch normalization layer ``<prefix>`` is four ``(features,)`` arrays:
  ``<prefix>.gamma`` (scale), ``<prefix>.beta`` (shift), ``<prefix>.moving_mean``
  and ``<prefix>.moving_variance`` (the running statistics used at inference:
  ``(x - moving_mean) / sqrt(moving_variance + eps) * gamma + beta``, with
  ``eps = CTGANParams.batchnorm_eps``).
* Every array is ``float32`` and finite.

Below, ``E`` is ``embedding_dim``, ``C`` is ``cond_dim``, ``D`` is ``data_dim``,
``g_i`` is ``generator_dim[i]``, ``d_i`` is ``discriminator_dim[i]``, ``c_i`` is
``compress_dims[i]``, ``u_i`` is ``decompress_dims[i]`` and ``p`` is ``pac``.

CTGAN (``method == "ctgan"``):

====================================================  ==============  =====================
name                                                  shape           role
====================================================  ==============  =====================
``generator.residual.{i}.dense.kernel``               ``(n_i, g_i)``  block ``i``: dense
``generator.residual.{i}.dense.bias``                 ``(g_i,)``
``generator.residual.{i}.batchnorm.gamma``            ``(g_i,)``      block ``i``: BN scale
``generator.residual.{i}.batchnorm.beta``             ``(g_i,)``      BN shift
``generator.residual.{i}.batchnorm.moving_mean``      ``(g_i,)``      BN running mean
``generator.residual.{i}.batchnorm.moving_variance``  ``(g_i,)``      BN running var.
``generator.output.kernel``                           ``(n_k, D)``    to the raw row
``generator.output.bias``                             ``(D,)``
``discriminator.hidden.{i}.kernel``                   ``(m_i, d_i)``  critic layer ``i``
``discriminator.hidden.{i}.bias``                     ``(d_i,)``
``discriminator.output.kernel``                       ``(m_k, 1)``    score of a pack
``discriminator.output.bias``                         ``(1,)``
====================================================  ==============  =====================

Sizes: ``n_0 = E + C`` and ``n_{i+1} = n_i + g_i`` (so ``n_k = E + C + sum(g)``);
``m_0 = (D + C) * p`` and ``m_{i+1} = d_i``. The generator's residual block ``i``
computes ``h_{i+1} = concat([relu(batchnorm(h_i @ kernel + bias)), h_i], axis=1)``
from ``h_0 = concat([noise, cond], axis=1)``: the block's new features come
*first*, its input after them. The critic reads ``p`` consecutive rows of
``concat([data, cond], axis=1)`` flattened into one row of width ``(D + C) * p``
(row-major: the first row's ``D + C`` values, then the second's, ...); each
hidden layer is dense, LeakyReLU(``leaky_relu_slope``), dropout(``dropout``).

TVAE (``method == "tvae"``):

=============================  ==============  ====================================
name                           shape           role
=============================  ==============  ====================================
``encoder.hidden.{i}.kernel``  ``(a_i, c_i)``  encoder layer ``i`` (dense, ReLU)
``encoder.hidden.{i}.bias``    ``(c_i,)``
``encoder.mu.kernel``          ``(a_k, E)``    mean of the latent posterior
``encoder.mu.bias``            ``(E,)``
``encoder.logvar.kernel``      ``(a_k, E)``    log-variance of the latent posterior
``encoder.logvar.bias``        ``(E,)``
``decoder.hidden.{i}.kernel``  ``(b_i, u_i)``  decoder layer ``i`` (dense, ReLU)
``decoder.hidden.{i}.bias``    ``(u_i,)``
``decoder.output.kernel``      ``(b_k, D)``    to the raw transformed row
``decoder.output.bias``        ``(D,)``
``decoder.sigma``              ``(D,)``        learned output std. deviation
=============================  ==============  ====================================

Sizes: ``a_0 = D``, ``a_{i+1} = c_i``; ``b_0 = E``, ``b_{i+1} = u_i``. Only the
entries of ``decoder.sigma`` at ``tanh`` spans are used; the others are kept so
that every backend stores the same shape.

Optimizer state is not part of the weights (see :mod:`genesis.models.training_state`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from genesis.errors import ConfigurationError, ModelFileError
from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams

__all__ = [
    "WEIGHT_DTYPE",
    "ctgan_weight_shapes",
    "dense_names",
    "expected_weight_shapes",
    "tvae_weight_shapes",
    "validate_weights",
]

WEIGHT_DTYPE = np.dtype(np.float32)
"""The dtype of every stored weight."""

_BATCHNORM_FIELDS = ("gamma", "beta", "moving_mean", "moving_variance")


def dense_names(prefix: str) -> tuple[str, str]:
    """Return the ``(kernel, bias)`` names of the dense layer ``prefix``."""
    return f"{prefix}.kernel", f"{prefix}.bias"


def _add_dense(shapes: dict[str, tuple[int, ...]], prefix: str, n_in: int, n_out: int) -> None:
    kernel, bias = dense_names(prefix)
    shapes[kernel] = (n_in, n_out)
    shapes[bias] = (n_out,)


def ctgan_weight_shapes(
    params: CTGANParams, data_dim: int, cond_dim: int
) -> dict[str, tuple[int, ...]]:
    """Return every CTGAN weight name and its shape (generator first, then critic).

    Args:
        params: the CTGAN hyperparameters (layer sizes, ``pac``).
        data_dim: width of a transformed data row.
        cond_dim: width of the condition vector.

    Returns:
        An ordered mapping from weight name to shape.
    """
    shapes: dict[str, tuple[int, ...]] = {}
    width = params.embedding_dim + cond_dim
    for i, units in enumerate(params.generator_dim):
        _add_dense(shapes, f"generator.residual.{i}.dense", width, units)
        for field in _BATCHNORM_FIELDS:
            shapes[f"generator.residual.{i}.batchnorm.{field}"] = (units,)
        width += units
    _add_dense(shapes, "generator.output", width, data_dim)

    width = (data_dim + cond_dim) * params.pac
    for i, units in enumerate(params.discriminator_dim):
        _add_dense(shapes, f"discriminator.hidden.{i}", width, units)
        width = units
    _add_dense(shapes, "discriminator.output", width, 1)
    return shapes


def tvae_weight_shapes(params: TVAEParams, data_dim: int) -> dict[str, tuple[int, ...]]:
    """Return every TVAE weight name and its shape (encoder first, then decoder).

    Args:
        params: the TVAE hyperparameters (layer sizes, latent size).
        data_dim: width of a transformed data row.

    Returns:
        An ordered mapping from weight name to shape.
    """
    shapes: dict[str, tuple[int, ...]] = {}
    width = data_dim
    for i, units in enumerate(params.compress_dims):
        _add_dense(shapes, f"encoder.hidden.{i}", width, units)
        width = units
    _add_dense(shapes, "encoder.mu", width, params.embedding_dim)
    _add_dense(shapes, "encoder.logvar", width, params.embedding_dim)

    width = params.embedding_dim
    for i, units in enumerate(params.decompress_dims):
        _add_dense(shapes, f"decoder.hidden.{i}", width, units)
        width = units
    _add_dense(shapes, "decoder.output", width, data_dim)
    shapes["decoder.sigma"] = (data_dim,)
    return shapes


def expected_weight_shapes(spec: ModelSpec) -> dict[str, tuple[int, ...]]:
    """Return the name and shape of every weight a model built from ``spec`` has.

    Args:
        spec: a CTGAN or TVAE model spec.

    Returns:
        An ordered mapping from weight name to shape (see the module's tables).

    Raises:
        ConfigurationError: ``spec.method`` is not ``"ctgan"`` or ``"tvae"``, or its
            params do not belong to that method.
    """
    if spec.method == "ctgan" and isinstance(spec.params, CTGANParams):
        return ctgan_weight_shapes(spec.params, spec.data_dim, spec.cond_dim)
    if spec.method == "tvae" and isinstance(spec.params, TVAEParams):
        return tvae_weight_shapes(spec.params, spec.data_dim)
    raise ConfigurationError(
        f"no weight layout is defined for method {spec.method!r} with "
        f"{type(spec.params).__name__}; use method 'ctgan' with CTGANParams or "
        "'tvae' with TVAEParams"
    )


def validate_weights(spec: ModelSpec, weights: Mapping[str, np.ndarray]) -> None:
    """Check that ``weights`` are exactly the weights of a model built from ``spec``.

    Every expected name must be present, no other name may be, and each array must
    have the expected shape, dtype ``float32`` and only finite values.

    Args:
        spec: the spec the weights are meant for.
        weights: a mapping from weight name to array.

    Raises:
        ModelFileError: a name is missing or unexpected, or an array has the wrong
            shape or dtype or holds NaN or infinity.
        ConfigurationError: ``spec`` describes a method without a weight layout.
    """
    expected = expected_weight_shapes(spec)
    missing = [name for name in expected if name not in weights]
    extra = sorted(name for name in weights if name not in expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise ModelFileError(
            f"the {spec.method} weights do not match the model spec: {'; '.join(parts)}. "
            "The file was written for a different model layout or is damaged; refit "
            "the model and save it again."
        )
    for name, shape in expected.items():
        array = weights[name]
        if not isinstance(array, np.ndarray):
            raise ModelFileError(
                f"weight {name!r} is a {type(array).__name__}, expected a numpy array"
            )
        if array.shape != shape:
            raise ModelFileError(
                f"weight {name!r} has shape {array.shape}, expected {shape} for this "
                "model spec; the file does not belong to this model layout"
            )
        if array.dtype != WEIGHT_DTYPE:
            raise ModelFileError(
                f"weight {name!r} has dtype {array.dtype}, expected {WEIGHT_DTYPE}"
            )
        if not np.isfinite(array).all():
            raise ModelFileError(
                f"weight {name!r} holds NaN or infinite values; the model diverged "
                "or the file is damaged"
            )
