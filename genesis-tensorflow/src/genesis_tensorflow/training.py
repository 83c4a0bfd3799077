"""CTGAN and TVAE models for the tensorflow backend: weights, optimizers, one training step.

:class:`TFCTGAN` and :class:`TFTVAE` are the opaque model objects the tensorflow
backend's ``genesis_build_model`` returns. They compute what the torch backend
computes (:mod:`genesis_torch.training` is the reference): the same networks,
initial distributions, losses, Adam with the L2 penalty added to the gradient,
and batch normalization statistics.

Each model owns one :class:`tf.random.Generator` (Philox), seeded with
``RuntimeOptions.seed``, from which *all* of its randomness is drawn (weight
initialization, latent noise, Gumbel noise, dropout masks, gradient-penalty
interpolation), so a seed fixes a run completely on a given machine.

The computation is split from the state. A model holds only variables: its
weights (under their neutral names), its Adam moments and its generator's state.
What to compute lives in a *program* (:class:`_CTGANProgram`, :class:`_TVAEProgram`),
built once per spec and device and shared by every model with that spec: its
training step is one :func:`tf.function` that takes the model's variables as
arguments, so it is traced once per process, not once per model, and never per
step. A call converts the numpy batch, runs the whole step in the TensorFlow
runtime and returns the losses as one small tensor.

The steps are not compiled with XLA (``jit_compile``): on the CPU, at Adult's
widths and one thread, XLA made neither step measurably faster (the matrix
products dominate, and the fused Adam kernel and per-width softmaxes leave little
to fuse), while compiling took 4 to 9 seconds per spec.

Everything that depends only on the data layout (which columns are ``tanh``
scalars, which are one-hot blocks, where each discrete column sits in the row and
in the condition vector) is turned into constant index tensors in the program, so
a step runs a fixed number of operations whatever the number of columns.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError, DeviceNotAvailableError, MethodNotSupportedError
from genesis.models.activations import group_by_width, output_layout
from genesis.models.batches import CTGANBatch, TVAEBatch
from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams
from genesis.models.weights import validate_weights
from genesis_tensorflow import networks, optimizer_state
from genesis_tensorflow.framework import import_tensorflow

if TYPE_CHECKING:
    import tensorflow as tf
else:
    tf = import_tensorflow()

__all__ = [
    "DEFAULT_NUM_THREADS",
    "TFCTGAN",
    "TFTVAE",
    "build_model",
    "configure_threads",
]

DEFAULT_NUM_THREADS = 1
"""Threads used when :attr:`RuntimeOptions.num_threads` is ``None``.

The networks are small (matrices of a few hundred columns, batches of 500 rows),
so a second thread gains little even on an idle machine and loses a lot when the
other core is busy (the threads wait for each other at every operation): the
torch backend measured this, and it holds for TensorFlow too.
"""

ADAM_EPS = 1e-8
"""Adam's epsilon (torch's default, added to the bias-corrected ``sqrt(v)``)."""

RNG_ALGORITHM = "philox"
"""The random generator's algorithm: Philox gives the same numbers on every device."""

_DEVICE_NAMES = {"cpu": "/CPU:0", "cuda": "/GPU:0", "mps": "/GPU:0"}
_threads_warned: set[int] = set()


# --------------------------------------------------------------------------- runtime


def configure_threads(num_threads: int, *, explicit: bool) -> None:
    """Ask TensorFlow for ``num_threads`` intra-op and inter-op threads.

    TensorFlow fixes its thread pools when its runtime starts (at the first
    operation in the process); after that the setting cannot change. Then the
    running pools are kept, with a warning if ``num_threads`` was asked for
    explicitly and differs from what is in place (once per value).

    Args:
        num_threads: the threads wanted (at least 1).
        explicit: whether the user asked for this number (``RuntimeOptions.num_threads``)
            rather than the backend's default policy.
    """
    threading = tf.config.threading
    if (
        threading.get_intra_op_parallelism_threads() == num_threads
        and threading.get_inter_op_parallelism_threads() == num_threads
    ):
        return
    try:
        threading.set_intra_op_parallelism_threads(num_threads)
        threading.set_inter_op_parallelism_threads(num_threads)
    except RuntimeError:
        if explicit and num_threads not in _threads_warned:
            _threads_warned.add(num_threads)
            current = threading.get_intra_op_parallelism_threads() or "its default"
            warnings.warn(
                f"TensorFlow's runtime had already started with {current} threads, so "
                f"num_threads={num_threads} cannot take effect in this process; set it "
                "before any other TensorFlow work, or start a new process.",
                RuntimeWarning,
                stacklevel=4,
            )


def _device_name(device: str) -> str:
    try:
        return _DEVICE_NAMES[device]
    except KeyError:
        raise DeviceNotAvailableError(
            f"the tensorflow backend runs on 'cpu', 'cuda' or 'mps', not {device!r}"
        ) from None


def _make_rng(seed: int | None) -> tf.random.Generator:
    if seed is None:
        return tf.random.Generator.from_non_deterministic_state(alg=RNG_ALGORITHM)
    return tf.random.Generator.from_seed(int(seed) % 2**63, alg=RNG_ALGORITHM)


def _rng(state: tf.Variable) -> tf.random.Generator:
    """A generator drawing from (and advancing) a model's state variable, inside a step."""
    return tf.random.Generator(state=state, alg=RNG_ALGORITHM)


# --------------------------------------------------------------------------- layout


class _SpanGroup:
    """``count`` one-hot spans of one ``width``, gathered as a ``(rows, count, width)`` block.

    Softmaxes over spans are taken one width at a time: a gather and a reshape put
    every span of that width on the last axis of one tensor, where TensorFlow's
    softmax kernels work on all of them at once. Per width rather than per span,
    the number of operations depends on the number of distinct widths only (nine
    on Adult), and gathering per width measured faster than one gather into
    a padded block with a per-span maximum.
    """

    def __init__(self, columns: np.ndarray, count: int, width: int) -> None:
        self.count = count
        self.width = width
        self.columns = np.asarray(columns, dtype=np.int64).reshape(-1)  # span-major
        self.index = tf.constant(self.columns.astype(np.int32))

    @classmethod
    def of(cls, starts: list[int] | np.ndarray, width: int) -> _SpanGroup:
        """The group of the spans of ``width`` columns that start at ``starts``."""
        starts = np.asarray(starts, dtype=np.int64)
        return cls(starts[:, None] + np.arange(width), len(starts), width)

    def gather(self, x: tf.Tensor) -> tf.Tensor:
        """``x[:, group columns]`` as ``(rows, count, width)``."""
        return tf.reshape(tf.gather(x, self.index, axis=1), (-1, self.count, self.width))


class _OutputLayout:
    """Index tensors for the output activations and the per-span losses of a row.

    Attributes:
        tanh_index: the ``tanh`` columns.
        softmax_index: the columns of the ``softmax`` spans, in span order (where the
            Gumbel noise is drawn).
        groups: the ``softmax`` spans grouped by width.
        noise_index: per group, the positions of its columns in ``softmax_index``.
        restore: puts ``[tanh columns, group 0 columns, group 1 columns, ...]`` back in
            row order.
    """

    def __init__(self, spec: ModelSpec) -> None:
        layout = output_layout(spec.output_spans, spec.data_dim)  # validates the spans
        softmax = [s for s in spec.output_spans if s.activation == "softmax"]
        tanh = np.asarray(layout.tanh_columns, dtype=np.int64)
        self.tanh_index = tf.constant(tanh.astype(np.int32))
        softmax_columns = np.concatenate(
            [np.arange(s.start, s.start + s.width) for s in softmax] or [np.zeros(0, np.int64)]
        ).astype(np.int64)
        self.softmax_index = tf.constant(softmax_columns.astype(np.int32))
        position = np.full(spec.data_dim, -1, dtype=np.int64)
        position[softmax_columns] = np.arange(softmax_columns.size)
        self.groups = [_SpanGroup.of(g.starts, g.width) for g in layout.groups]
        self.noise_index = [tf.constant(position[g.columns].astype(np.int32)) for g in self.groups]
        order = np.concatenate([tanh, *(g.columns for g in self.groups)])
        restore = np.empty_like(order)
        restore[order] = np.arange(spec.data_dim)
        self.restore = tf.constant(restore.astype(np.int32))


class _ConditionGroup:
    """The discrete columns of one width: their blocks in the row and in the condition."""

    def __init__(self, data: _SpanGroup, cond: _SpanGroup, columns: np.ndarray) -> None:
        self.data = data
        self.cond = cond
        self.columns = tf.constant(np.asarray(columns, dtype=np.int32))  # among the discrete


def _condition_groups(spec: ModelSpec) -> list[_ConditionGroup]:
    spans = spec.condition_spans
    for span in spans:
        if (
            min(span.data_start, span.cond_start) < 0
            or span.data_start + span.width > spec.data_dim
            or span.cond_start + span.width > spec.cond_dim
        ):
            raise ConfigurationError(
                f"condition span {span} does not fit data_dim {spec.data_dim} and "
                f"cond_dim {spec.cond_dim}"
            )
    groups = []
    for width, order in group_by_width([s.width for s in spans]):
        data = _SpanGroup.of([spans[i].data_start for i in order], width)
        cond = _SpanGroup.of([spans[i].cond_start for i in order], width)
        groups.append(_ConditionGroup(data, cond, order))
    return groups


# --------------------------------------------------------------------------- optimizer


class _Adam:
    """Adam as torch computes it, with the L2 penalty added to the gradient (not AdamW).

    ``g += weight_decay * p``; ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g²``;
    ``p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``.

    Each variable is updated by TensorFlow's fused ``ResourceApplyAdam`` kernel (one
    pass over the variable instead of a dozen element-wise operations). That kernel
    adds its epsilon to ``sqrt(v)`` before the bias correction; passing
    ``eps * sqrt(1 - b2^t)`` makes it compute exactly torch's update above.

    The hyperparameters belong to the program; the moments (:meth:`slots`) belong to
    the model; :mod:`genesis_tensorflow.optimizer_state` saves and restores them.
    """

    def __init__(self, names: list[str], lr: float, betas: tuple[float, float], decay: float):
        self.names = names
        self.lr = float(lr)
        self.beta1, self.beta2 = (float(b) for b in betas)
        self.weight_decay = float(decay)

    def slots(self, weights: networks.Weights) -> dict[str, Any]:
        """Fresh moments for the variables :attr:`names` of ``weights``."""
        return {
            "m": {n: tf.Variable(tf.zeros_like(weights[n]), trainable=False) for n in self.names},
            "v": {n: tf.Variable(tf.zeros_like(weights[n]), trainable=False) for n in self.names},
            "step": tf.Variable(0.0, trainable=False),
        }

    def variables(self, weights: networks.Weights) -> list[tf.Variable]:
        """The variables this optimizer updates, in :attr:`names` order."""
        return [weights[n] for n in self.names]

    def apply(self, weights: networks.Weights, slots: Mapping[str, Any], grads: list) -> None:
        """Update every variable from its gradient (inside a traced step)."""
        t = slots["step"].assign_add(1.0)
        beta1_power = tf.pow(self.beta1, t)
        beta2_power = tf.pow(self.beta2, t)
        epsilon = ADAM_EPS * tf.sqrt(1.0 - beta2_power)
        for name, g in zip(self.names, grads, strict=True):
            p = weights[name]
            if self.weight_decay:
                g = g + self.weight_decay * p
            tf.raw_ops.ResourceApplyAdam(
                var=p.handle,
                m=slots["m"][name].handle,
                v=slots["v"][name].handle,
                beta1_power=beta1_power,
                beta2_power=beta2_power,
                lr=self.lr,
                beta1=self.beta1,
                beta2=self.beta2,
                epsilon=epsilon,
                grad=g,
            )


def _graph_function(fn: Any) -> Any:
    """``fn`` as a graph function, traced at most twice per program.

    A second batch shape (a TVAE epoch's shorter last batch, another number of rows
    to generate) relaxes the batch dimension; every later shape reuses that trace.
    No autograph: the Python control flow of the steps runs at trace time on purpose.
    """
    return tf.function(fn, reduce_retracing=True, autograph=False)


def _as_input(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float32)


# --------------------------------------------------------------------------- CTGAN


class _CTGANProgram:
    """The CTGAN computation for one spec: training step and inference forward pass."""

    def __init__(self, spec: ModelSpec) -> None:
        params = spec.params
        assert isinstance(params, CTGANParams)
        self.spec = spec
        self.params = params
        self.layout = _OutputLayout(spec)
        self.conditions = _condition_groups(spec)
        self.adam_g = _Adam(
            networks.trainable_names(spec, "generator."),
            params.generator_lr,
            params.betas,
            params.generator_decay,
        )
        self.adam_d = _Adam(
            networks.trainable_names(spec, "discriminator."),
            params.discriminator_lr,
            params.betas,
            params.discriminator_decay,
        )
        self.train_step = _graph_function(self._step)
        self.generate = _graph_function(self._generate)

    def _activate(self, raw: tf.Tensor, rng: tf.random.Generator) -> tf.Tensor:
        """tanh on the scalars, Gumbel-softmax(tau) on every one-hot span."""
        layout = self.layout
        pieces = [tf.tanh(tf.gather(raw, layout.tanh_index, axis=1))]
        if layout.groups:
            # Gumbel(0, 1) noise is -log(-log(U)), drawn for the softmax columns in span
            # order. U = 0 gives a -inf logit (probability 0), and U < 1 a finite one,
            # so no NaN can arise.
            uniform = rng.uniform((tf.shape(raw)[0], layout.softmax_index.shape[0]))
            minus_gumbel = tf.math.log(-tf.math.log(uniform))
            tau = self.params.gumbel_tau
            for group, noise_index in zip(layout.groups, layout.noise_index, strict=True):
                noise = tf.reshape(
                    tf.gather(minus_gumbel, noise_index, axis=1), (-1, group.count, group.width)
                )
                soft = tf.nn.softmax((group.gather(raw) - noise) / tau, axis=-1)
                pieces.append(tf.reshape(soft, (-1, group.count * group.width)))
        return tf.gather(tf.concat(pieces, axis=1), layout.restore, axis=1)

    def _conditional_loss(self, raw: tf.Tensor, cond: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
        """Mean over rows of the cross-entropy of the conditioned column's raw logits.

        Row ``r``'s term is ``-log softmax(raw block of column c)[k]`` where ``c`` is the
        column ``mask[r]`` selects and ``k`` the category ``cond[r]`` sets in ``c``'s
        block of the condition vector; the other columns' blocks do not count.
        """
        total = tf.constant(0.0)
        for group in self.conditions:
            log_p = tf.nn.log_softmax(group.data.gather(raw), axis=-1)
            per_column = -tf.reduce_sum(group.cond.gather(cond) * log_p, axis=-1)
            total += tf.reduce_sum(per_column * tf.gather(mask, group.columns, axis=1))
        return total / tf.cast(tf.shape(raw)[0], raw.dtype)

    def _critic_loss(
        self, w: networks.Weights, real: tf.Tensor, fake: tf.Tensor, rng: tf.random.Generator
    ) -> tf.Tensor:
        """WGAN-GP critic loss: mean D(fake) - mean D(real) + lambda * gradient penalty.

        The penalty is ``(||grad D(mixed)||_2 - 1) ** 2`` averaged over packs, where
        ``mixed`` interpolates real and fake rows with one ``alpha ~ U(0, 1)`` per pack
        and the gradient is taken with respect to the whole packed input. One critic
        pass scores the real, fake and mixed packs together (packs never straddle the
        parts: each holds a multiple of ``pac`` rows).
        """
        params = self.params
        pac = params.pac
        packs = tf.shape(real)[0] // pac
        alpha = rng.uniform((packs, 1, 1))
        alpha = tf.reshape(tf.broadcast_to(alpha, (packs, pac, 1)), (-1, 1))
        mixed = fake + alpha * (real - fake)
        scores, grad = networks.discriminator_with_input_gradient(
            w, params, tf.concat([real, fake, mixed], axis=0), rng, True, gradient_from=2 * packs
        )
        squared = tf.reduce_sum(tf.square(grad), axis=1)
        # A pack whose critic units all dropped out has a zero gradient: torch's norm
        # then has a zero derivative, sqrt an infinite one (NaN weights); the floor
        # keeps torch's value and derivative.
        norm = tf.sqrt(tf.maximum(squared, np.finfo(np.float32).tiny))
        penalty = tf.reduce_mean(tf.square(norm - 1.0))
        score_real, score_fake = scores[:packs], scores[packs : 2 * packs]
        return (
            tf.reduce_mean(score_fake)
            - tf.reduce_mean(score_real)
            + params.gradient_penalty * penalty
        )

    def _generator_input(self, cond: tf.Tensor, rng: tf.random.Generator) -> tf.Tensor:
        noise = rng.normal((tf.shape(cond)[0], self.params.embedding_dim))
        return tf.concat([noise, cond], axis=1)

    def _step(
        self,
        w: networks.Weights,
        slots_g: Mapping[str, Any],
        slots_d: Mapping[str, Any],
        rng_state: tf.Variable,
        real_all: tf.Tensor,
        cond_all: tf.Tensor,
        gen_cond: tf.Tensor,
        gen_mask: tf.Tensor,
    ) -> tf.Tensor:
        """``discriminator_steps`` critic updates, then one generator update; the losses."""
        params = self.params
        rng = _rng(rng_state)
        d_vars = self.adam_d.variables(w)
        g_vars = self.adam_g.variables(w)
        steps = params.discriminator_steps
        loss_d_sum = tf.constant(0.0)
        for step in range(steps):
            cond = cond_all[step]
            raw = networks.generator(w, params, self._generator_input(cond, rng), training=True)
            fake = tf.stop_gradient(tf.concat([self._activate(raw, rng), cond], axis=1))
            real = tf.concat([real_all[step], cond], axis=1)
            with tf.GradientTape(watch_accessed_variables=False) as tape:
                tape.watch(d_vars)
                loss_d = self._critic_loss(w, real, fake, rng)
            self.adam_d.apply(w, slots_d, tape.gradient(loss_d, d_vars))
            loss_d_sum += loss_d

        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(g_vars)
            raw = networks.generator(w, params, self._generator_input(gen_cond, rng), training=True)
            fake = tf.concat([self._activate(raw, rng), gen_cond], axis=1)
            score = networks.discriminator(w, params, fake, rng, training=True)
            loss_g = -tf.reduce_mean(score) + self._conditional_loss(raw, gen_cond, gen_mask)
        self.adam_g.apply(w, slots_g, tape.gradient(loss_g, g_vars))
        return tf.stack([loss_g, loss_d_sum / max(steps, 1)])

    def _generate(self, w: networks.Weights, noise: tf.Tensor, cond: tf.Tensor) -> tf.Tensor:
        return networks.generator_inference(w, self.params, noise, cond)


@functools.lru_cache(maxsize=32)
def _cached_ctgan_program(spec: ModelSpec, device_name: str) -> _CTGANProgram:
    """The program for ``spec`` on ``device_name``, shared by every model built from it."""
    with tf.device(device_name):
        return _CTGANProgram(spec)


# --------------------------------------------------------------------------- TVAE


class _TVAEProgram:
    """The TVAE computation for one spec: training step and decoder forward pass."""

    def __init__(self, spec: ModelSpec) -> None:
        params = spec.params
        assert isinstance(params, TVAEParams)
        self.spec = spec
        self.params = params
        self.layout = _OutputLayout(spec)
        self.adam = _Adam(
            networks.trainable_names(spec), params.lr, betas=(0.9, 0.999), decay=params.l2scale
        )
        self.train_step = _graph_function(self._step)
        self.generate = _graph_function(self._generate)

    def _reconstruction_loss(
        self, w: networks.Weights, raw: tf.Tensor, real: tf.Tensor
    ) -> tf.Tensor:
        """Summed over the batch: Gaussian NLL of the scalars plus CE of every one-hot span.

        The real row's one-hot blocks are the cross-entropy targets (for a one-hot
        block this is the cross-entropy against its argmax).
        """
        layout = self.layout
        rows = tf.cast(tf.shape(real)[0], real.dtype)
        sigma = tf.gather(w["decoder.sigma"], layout.tanh_index)
        error = tf.gather(real, layout.tanh_index, axis=1) - tf.tanh(
            tf.gather(raw, layout.tanh_index, axis=1)
        )
        loss = tf.reduce_sum(tf.square(error) / (2.0 * tf.square(sigma)))
        loss += rows * tf.reduce_sum(tf.math.log(sigma))
        for group in layout.groups:
            log_p = tf.nn.log_softmax(group.gather(raw), axis=-1)
            loss -= tf.reduce_sum(group.gather(real) * log_p)
        return loss

    def _step(
        self,
        w: networks.Weights,
        slots: Mapping[str, Any],
        rng_state: tf.Variable,
        real: tf.Tensor,
    ) -> tf.Tensor:
        """One Adam step on the negative evidence lower bound, then clamp sigma; the loss."""
        params = self.params
        rng = _rng(rng_state)
        variables = self.adam.variables(w)
        rows = tf.cast(tf.shape(real)[0], real.dtype)
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(variables)
            mu, logvar = networks.encoder(w, params, real)
            eps = rng.normal(tf.shape(mu))
            z = mu + eps * tf.exp(0.5 * logvar)
            raw = networks.decoder(w, params, z)
            kl = -0.5 * tf.reduce_sum(1.0 + logvar - tf.square(mu) - tf.exp(logvar))
            loss = (params.loss_factor * self._reconstruction_loss(w, raw, real) + kl) / rows
        self.adam.apply(w, slots, tape.gradient(loss, variables))
        sigma = w["decoder.sigma"]
        sigma.assign(tf.clip_by_value(sigma, params.sigma_min, params.sigma_max))
        return loss

    def _generate(self, w: networks.Weights, noise: tf.Tensor) -> tf.Tensor:
        return networks.decoder(w, self.params, noise)


@functools.lru_cache(maxsize=32)
def _cached_tvae_program(spec: ModelSpec, device_name: str) -> _TVAEProgram:
    """The program for ``spec`` on ``device_name``, shared by every model built from it."""
    with tf.device(device_name):
        return _TVAEProgram(spec)


# --------------------------------------------------------------------------- models


def _program_key(spec: ModelSpec) -> ModelSpec:
    """``spec`` without what does not change a step (the number of epochs).

    Programs are cached under this key, so models whose specs differ only there
    share one program (and one compilation).
    """
    params = cast(CTGANParams | TVAEParams, spec.params)
    return dataclasses.replace(spec, params=dataclasses.replace(params, epochs=1))


class _TFModel:
    """What both methods share: device, threads, seeded generator, weights and their transfer."""

    spec: ModelSpec
    device_name: str
    num_threads: int
    rng: tf.random.Generator
    weights: dict[str, tf.Variable]

    def _setup(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        self.spec = spec
        self.device_name = _device_name(options.device)
        num_threads = (
            DEFAULT_NUM_THREADS if options.num_threads is None else int(options.num_threads)
        )
        if num_threads < 1:
            raise ConfigurationError(f"num_threads must be at least 1, got {options.num_threads}")
        # Before the first TensorFlow operation of the process, or it cannot take effect.
        configure_threads(num_threads, explicit=options.num_threads is not None)
        self.num_threads = num_threads
        with tf.device(self.device_name):
            self.rng = _make_rng(options.seed)
            self.weights = networks.create_weights(spec, self.rng)

    def get_weights(self) -> dict[str, np.ndarray]:
        """Export every weight under its framework-neutral name (float32 numpy)."""
        return {
            name: np.array(variable.numpy(), dtype=np.float32, copy=True)
            for name, variable in self.weights.items()
        }

    def set_weights(self, weights: Mapping[str, np.ndarray]) -> None:
        """Load framework-neutral weights; raises ``ModelFileError`` on any mismatch."""
        validate_weights(self.spec, weights)
        for name, variable in self.weights.items():
            variable.assign(np.ascontiguousarray(weights[name], dtype=np.float32))

    def optimizer_slots(self) -> dict[str, Mapping[str, Any]]:
        """Each optimizer's slots by neutral name (:mod:`genesis.models.training_state`)."""
        raise NotImplementedError

    def get_training_state(self) -> dict[str, np.ndarray]:
        """Adam's moments and step counts, and the random generator's state."""
        return optimizer_state.export_state(self.optimizer_slots(), self.rng)

    def set_training_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Load a training state saved by any backend (the generator: only this one's)."""
        optimizer_state.import_state(self.optimizer_slots(), state, self.rng)


class TFCTGAN(_TFModel):
    """CTGAN (Xu et al., 2019) on TensorFlow: conditional generator, PacGAN critic, WGAN-GP."""

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, CTGANParams):
            raise ConfigurationError(f"TFCTGAN needs CTGANParams, got {type(spec.params)}")
        params = spec.params
        if params.batch_size % params.pac:
            raise ConfigurationError(
                f"batch_size {params.batch_size} must be a multiple of pac {params.pac}"
            )
        self._setup(spec, options)
        self.program = _cached_ctgan_program(_program_key(spec), self.device_name)
        with tf.device(self.device_name):
            self.slots_g = self.program.adam_g.slots(self.weights)
            self.slots_d = self.program.adam_d.slots(self.weights)

    def optimizer_slots(self) -> dict[str, Mapping[str, Any]]:
        """``generator`` and ``discriminator``."""
        return {"generator": self.slots_g, "discriminator": self.slots_d}

    def train_step(self, batch: CTGANBatch) -> dict[str, float]:
        """Run ``discriminator_steps`` critic updates, then one generator update."""
        if not isinstance(batch, CTGANBatch):
            raise TypeError(f"a CTGAN model trains on a CTGANBatch, got {type(batch).__name__}")
        pac = cast(CTGANParams, self.spec.params).pac
        rows = batch.real.shape[1]
        if rows % pac or batch.gen_cond.shape[0] % pac:
            raise ConfigurationError(
                f"a CTGAN batch must hold a multiple of pac={pac} rows, got {rows}"
            )
        with tf.device(self.device_name):
            losses = self.program.train_step(
                self.weights,
                self.slots_g,
                self.slots_d,
                self.rng.state,
                _as_input(batch.real),
                _as_input(batch.cond),
                _as_input(batch.gen_cond),
                _as_input(batch.gen_mask),
            )
        generator_loss, discriminator_loss = losses.numpy().tolist()
        return {"generator": generator_loss, "discriminator": discriminator_loss}

    def generate(self, noise: np.ndarray, cond: np.ndarray | None) -> np.ndarray:
        """Raw generator output for ``noise ⊕ cond`` in inference mode (BatchNorm frozen)."""
        noise = _as_input(noise)
        if cond is None:
            if self.spec.cond_dim:
                raise ValueError(f"cond is required: the model has cond_dim {self.spec.cond_dim}")
            cond = np.zeros((noise.shape[0], 0), dtype=np.float32)
        with tf.device(self.device_name):
            raw = self.program.generate(self.weights, noise, _as_input(cond))
        return np.asarray(raw.numpy(), dtype=np.float32)


class TFTVAE(_TFModel):
    """TVAE (Xu et al., 2019) on TensorFlow: a VAE with a learned output deviation per scalar."""

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, TVAEParams):
            raise ConfigurationError(f"TFTVAE needs TVAEParams, got {type(spec.params)}")
        self._setup(spec, options)
        self.program = _cached_tvae_program(_program_key(spec), self.device_name)
        with tf.device(self.device_name):
            self.slots = self.program.adam.slots(self.weights)

    def optimizer_slots(self) -> dict[str, Mapping[str, Any]]:
        """``vae``: the encoder's and decoder's parameters, ``sigma`` included."""
        return {"vae": self.slots}

    def train_step(self, batch: TVAEBatch) -> dict[str, float]:
        """One Adam step on the evidence lower bound, then clamp ``sigma``."""
        if not isinstance(batch, TVAEBatch):
            raise TypeError(f"a TVAE model trains on a TVAEBatch, got {type(batch).__name__}")
        with tf.device(self.device_name):
            loss = self.program.train_step(
                self.weights, self.slots, self.rng.state, _as_input(batch.real)
            )
        return {"loss": float(loss.numpy())}

    def generate(self, noise: np.ndarray, cond: np.ndarray | None = None) -> np.ndarray:
        """Raw decoder output for the latent vectors ``noise`` (``cond`` is ignored)."""
        with tf.device(self.device_name):
            raw = self.program.generate(self.weights, _as_input(noise))
        return np.asarray(raw.numpy(), dtype=np.float32)


def build_model(spec: ModelSpec, options: RuntimeOptions) -> TFCTGAN | TFTVAE:
    """Build the TensorFlow model ``spec`` describes.

    Raises:
        MethodNotSupportedError: ``spec.method`` is neither ``"ctgan"`` nor ``"tvae"``.
    """
    if spec.method == "ctgan":
        return TFCTGAN(spec, options)
    if spec.method == "tvae":
        return TFTVAE(spec, options)
    raise MethodNotSupportedError(
        f"the tensorflow backend implements 'ctgan' and 'tvae', not {spec.method!r}"
    )
