"""The CTGAN and TVAE networks as functions of a name → ``tf.Variable`` mapping.

A network's weights are held in one dict keyed by the framework-neutral names of
:mod:`genesis.models.weights` (``generator.residual.0.dense.kernel``, ...), with
the neutral layouts (TensorFlow's dense kernel is already ``(in, out)``), so
exporting and importing weights is a plain copy. The forward passes below read
that dict; they take the weights as an argument instead of closing over them, so
one traced training step (:mod:`genesis_tensorflow.training`) serves every model
built from the same spec.

Weights are initialized from an explicit :class:`tf.random.Generator`, never from
TensorFlow's global seed, with the distribution the torch backend draws from
(``U(-1/sqrt(in), 1/sqrt(in))`` for kernel and bias; batch normalization at scale 1,
shift 0, mean 0, variance 1; ``decoder.sigma`` at ``sigma_init``), so a seed fully
determines a model.

``training`` is a Python ``bool`` everywhere: it selects the graph at trace time
(batch statistics and dropout, or running statistics and no dropout).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams
from genesis.models.weights import expected_weight_shapes
from genesis_tensorflow.framework import import_tensorflow

if TYPE_CHECKING:
    import tensorflow as tf
else:
    tf = import_tensorflow()

__all__ = [
    "Weights",
    "create_weights",
    "decoder",
    "dense",
    "discriminator",
    "discriminator_with_input_gradient",
    "encoder",
    "generator",
    "generator_inference",
    "trainable_names",
]

Weights = Mapping[str, "tf.Variable"]

#: Weights that are statistics, not parameters: no gradient, no optimizer update.
_NOT_TRAINED = ("moving_mean", "moving_variance")


def create_weights(spec: ModelSpec, rng: tf.random.Generator) -> dict[str, tf.Variable]:
    """Create and initialize every weight of the model ``spec`` describes.

    Names and shapes come from :func:`genesis.models.weights.expected_weight_shapes`,
    in its order (which fixes the order of the random draws).

    Args:
        spec: a CTGAN or TVAE spec.
        rng: the generator the initial values are drawn from.

    Returns:
        An ordered mapping from neutral weight name to a float32 ``tf.Variable``;
        the batch normalization statistics are not trainable.
    """
    shapes = expected_weight_shapes(spec)
    weights: dict[str, tf.Variable] = {}
    for name, shape in shapes.items():
        prefix, leaf = name.rsplit(".", 1)
        trainable = leaf not in _NOT_TRAINED
        if leaf in ("kernel", "bias"):
            fan_in = shapes[f"{prefix}.kernel"][0]
            bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
            value = rng.uniform(shape, -bound, bound)
        elif leaf in ("gamma", "moving_variance"):
            value = tf.ones(shape)
        elif leaf == "sigma":
            assert isinstance(spec.params, TVAEParams)
            value = tf.fill(shape, float(spec.params.sigma_init))
        else:  # beta, moving_mean
            value = tf.zeros(shape)
        weights[name] = tf.Variable(value, trainable=trainable, name=name.replace(".", "/"))
    return weights


def trainable_names(spec: ModelSpec, prefix: str = "") -> list[str]:
    """The names of the trained weights of ``spec`` that start with ``prefix``, in order.

    Every weight but the batch normalization statistics is trained.
    """
    return [
        name
        for name in expected_weight_shapes(spec)
        if name.startswith(prefix) and not name.endswith(_NOT_TRAINED)
    ]


def dense(w: Weights, prefix: str, x: tf.Tensor) -> tf.Tensor:
    """``x @ kernel + bias`` of the dense layer ``prefix``."""
    return tf.nn.bias_add(tf.matmul(x, w[f"{prefix}.kernel"]), w[f"{prefix}.bias"])


def _batchnorm(
    w: Weights, prefix: str, x: tf.Tensor, params: CTGANParams, training: bool
) -> tf.Tensor:
    """Batch normalization over the rows, with torch's running-statistics update.

    In training the batch is normalized with its own mean and biased variance, and
    the running statistics move by ``momentum`` towards the batch mean and the
    *unbiased* batch variance (what ``torch.nn.BatchNorm1d`` does). In inference the
    running statistics are used.
    """
    gamma, beta = w[f"{prefix}.gamma"], w[f"{prefix}.beta"]
    moving_mean, moving_variance = w[f"{prefix}.moving_mean"], w[f"{prefix}.moving_variance"]
    eps = params.batchnorm_eps
    if not training:
        return (x - moving_mean) * (gamma * tf.math.rsqrt(moving_variance + eps)) + beta
    mean = tf.reduce_mean(x, axis=0)
    centered = x - mean
    variance = tf.reduce_mean(tf.square(centered), axis=0)
    rows = tf.cast(tf.shape(x)[0], x.dtype)
    unbiased = variance * (rows / (rows - 1.0))
    m = params.batchnorm_momentum
    moving_mean.assign(moving_mean * (1.0 - m) + tf.stop_gradient(mean) * m)
    moving_variance.assign(moving_variance * (1.0 - m) + tf.stop_gradient(unbiased) * m)
    return centered * (tf.math.rsqrt(variance + eps) * gamma) + beta


def generator(w: Weights, params: CTGANParams, x: tf.Tensor, training: bool) -> tf.Tensor:
    """CTGAN generator on ``x = noise ⊕ cond``: raw ``(rows, data_dim)`` output.

    Residual block ``i`` is ``concat([relu(batchnorm(dense(x))), x])``: new features
    first, then the input.
    """
    for i in range(len(params.generator_dim)):
        block = f"generator.residual.{i}"
        h = _batchnorm(w, f"{block}.batchnorm", dense(w, f"{block}.dense", x), params, training)
        x = tf.concat([tf.nn.relu(h), x], axis=1)
    return dense(w, "generator.output", x)


def generator_inference(
    w: Weights, params: CTGANParams, noise: tf.Tensor, cond: tf.Tensor
) -> tf.Tensor:
    """What :func:`generator` computes with ``training=False`` on ``noise ⊕ cond``, for sampling.

    Sampling runs batches of tens of thousands of rows, where normalizing and
    concatenating activations costs a good part of the matrix products. Here each
    block's batch normalization (on its running statistics) is folded into its
    dense layer, and the residual concatenations are never built: each dense
    kernel is split where its input's parts meet (newest features first, as the
    blocks concatenate them) and meets each part on its own. The result equals
    :func:`generator` in inference up to float32 rounding (the torch backend's
    ``Generator.infer`` does the same).
    """
    parts = [noise, cond]
    eps = params.batchnorm_eps
    for i in range(len(params.generator_dim)):
        block = f"generator.residual.{i}"
        norm = f"{block}.batchnorm"
        scale = w[f"{norm}.gamma"] * tf.math.rsqrt(w[f"{norm}.moving_variance"] + eps)
        kernel = w[f"{block}.dense.kernel"] * scale
        bias = (w[f"{block}.dense.bias"] - w[f"{norm}.moving_mean"]) * scale + w[f"{norm}.beta"]
        parts.insert(0, tf.nn.relu(_dense_over_parts(parts, kernel, bias)))
    return _dense_over_parts(parts, w["generator.output.kernel"], w["generator.output.bias"])


def _dense_over_parts(parts: list[tf.Tensor], kernel: tf.Tensor, bias: tf.Tensor) -> tf.Tensor:
    """``concat(parts, axis=1) @ kernel + bias`` without building the concatenation."""
    out, start = None, 0
    for part in parts:
        width = part.shape[1]
        if not width:
            continue  # a table without discrete columns: cond has width 0
        product = tf.matmul(part, kernel[start : start + width])
        out = product if out is None else out + product
        start += width
    assert out is not None
    return tf.nn.bias_add(out, bias)


def discriminator(
    w: Weights,
    params: CTGANParams,
    x: tf.Tensor,
    rng: tf.random.Generator | None,
    training: bool,
) -> tf.Tensor:
    """CTGAN critic with PacGAN packing: ``(rows, data_dim + cond_dim)`` → ``(rows // pac, 1)``.

    ``pac`` consecutive rows are flattened into one input; each hidden layer is
    dense → LeakyReLU → dropout. In training the dropout masks come from ``rng``.
    """
    return discriminator_with_input_gradient(w, params, x, rng, training, gradient_from=None)[0]


def discriminator_with_input_gradient(
    w: Weights,
    params: CTGANParams,
    x: tf.Tensor,
    rng: tf.random.Generator | None,
    training: bool,
    gradient_from: int | tf.Tensor | None,
) -> tuple[tf.Tensor, tf.Tensor | None]:
    """Score the packs of ``x`` and, for packs ``gradient_from:``, d score / d packed input.

    The input gradient (what the WGAN gradient penalty needs) is spelled out as
    ordinary differentiable operations, back through the layers of the same forward
    pass, rather than taken by a nested gradient tape on a second forward pass: one
    pass scores real, fake and interpolated packs together, and the penalty's
    derivative with respect to the weights comes out of the one outer gradient. Its
    value and its weight derivative are those of the double backward (LeakyReLU's
    derivative is piecewise constant), as in the torch backend.

    Args:
        w: the weights.
        params: the CTGAN hyperparameters (``pac``, slope, dropout).
        x: ``(rows, data_dim + cond_dim)``, ``rows`` a multiple of ``pac``.
        rng: draws the dropout masks (training only).
        training: whether dropout is on.
        gradient_from: the first pack whose input gradient is wanted; ``None`` for none.

    Returns:
        ``(packs, 1)`` scores, and ``(packs - gradient_from, pac * width)`` input
        gradients (``None`` when ``gradient_from`` is ``None``).
    """
    h = tf.reshape(x, (-1, x.shape[1] * params.pac))
    keep = 1.0 - params.dropout
    derivatives = []
    for i in range(len(params.discriminator_dim)):
        pre = dense(w, f"discriminator.hidden.{i}", h)
        h = tf.nn.leaky_relu(pre, alpha=params.leaky_relu_slope)
        mask = None
        if training and params.dropout > 0.0:
            assert rng is not None
            kept = rng.uniform(tf.shape(pre)) < keep
            mask = tf.cast(kept, pre.dtype) * (1.0 / keep)
            h = h * mask
        if gradient_from is not None:
            part = pre[gradient_from:]
            slope = tf.where(part > 0.0, 1.0, params.leaky_relu_slope)
            derivatives.append(slope if mask is None else slope * mask[gradient_from:])
    score = dense(w, "discriminator.output", h)
    if gradient_from is None:
        return score, None
    grad = tf.transpose(w["discriminator.output.kernel"])  # (1, units), broadcast over packs
    for i in reversed(range(len(params.discriminator_dim))):
        kernel = w[f"discriminator.hidden.{i}.kernel"]
        grad = tf.matmul(grad * derivatives[i], kernel, transpose_b=True)
    return score, grad


def encoder(w: Weights, params: TVAEParams, x: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """TVAE encoder: dense → ReLU per ``compress_dims``, then the latent mean and log-variance."""
    for i in range(len(params.compress_dims)):
        x = tf.nn.relu(dense(w, f"encoder.hidden.{i}", x))
    return dense(w, "encoder.mu", x), dense(w, "encoder.logvar", x)


def decoder(w: Weights, params: TVAEParams, z: tf.Tensor) -> tf.Tensor:
    """TVAE decoder: dense → ReLU per ``decompress_dims``, dense to ``data_dim`` (raw).

    The learned deviations ``decoder.sigma`` are not applied here (the loss and the
    core's sampling activations read them).
    """
    for i in range(len(params.decompress_dims)):
        z = tf.nn.relu(dense(w, f"decoder.hidden.{i}", z))
    return dense(w, "decoder.output", z)
