"""TimeGAN and its post-hoc evaluation networks on TensorFlow.

:class:`TFTimeGAN` is the opaque model the tensorflow backend's ``genesis_build_model``
returns for method ``"timegan"``; :class:`TFSequenceClassifier` and
:class:`TFSequencePredictor` are those of the evaluation networks
(:data:`~genesis.models.timegan.METRIC_CLASSIFIER`,
:data:`~genesis.models.timegan.METRIC_PREDICTOR`). What they compute is defined in
:mod:`genesis.models.timegan`; :mod:`genesis_torch.timegan` is the reference
implementation this module matches (same networks, losses, schedule and Adam update).

As the backend's CTGAN and TVAE (:mod:`genesis_tensorflow.training`), a model holds only
variables (weights under their neutral names, Adam moments), and the computation lives
in a *program* shared by every model with the same spec: one traced :func:`tf.function`
per phase, taking the variables as arguments. The only randomness a model draws is its
initial weights (Keras' default initializers, from a Philox generator seeded with
``RuntimeOptions.seed``); windows and noise come in the batch, drawn by the core.

Batches arrive batch-major ``(batch, steps, features)``; inside, everything is time-major
``(steps, batch, features)``. Each cell is one :func:`tf.scan` (a ``tf.while_loop``) over
the steps, and the three training steps are compiled with XLA (``jit_compile``) on the CPU
and CUDA. Measured on one CPU thread (Sines, 24 steps, 3 layers of 24 units, batch 128):
unrolling the recurrence at trace time ran the joint step at about 300 ms but took about a
minute to trace; the while loop without XLA ran it at about 400 ms; the while loop under
XLA at about 190 ms (torch: about 180 ms), compiling in 15 to 20 seconds once per spec
and batch shape. Generation and the evaluation networks (whose shapes vary) run without XLA.

The joint phase's discriminator check is a :func:`tf.cond` inside the compiled step: the
gradient and the Adam update (step count included) run only when the loss exceeds
``discriminator_threshold``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError, MethodNotSupportedError
from genesis.models.spec import ModelSpec
from genesis.models.timegan import (
    ADAM_BETAS,
    DISCRIMINATOR_ROUND,
    EMBEDDER_SUPERVISED_WEIGHT,
    GENERATOR_ROUNDS,
    GENERATOR_SUPERVISED_WEIGHT,
    LOSS_NAMES,
    METRIC_CLASSIFIER,
    METRIC_PREDICTOR,
    MOMENT_EPS,
    MOMENT_WEIGHT,
    RECONSTRUCTION_WEIGHT,
    SequenceClassifierBatch,
    SequenceMetricParams,
    SequencePredictorBatch,
    TimeGANBatch,
    TimeGANParams,
    expected_sequence_weight_shapes,
    network_layout,
    recurrent_names,
    validate_sequence_weights,
)
from genesis_tensorflow import optimizer_state
from genesis_tensorflow.framework import import_tensorflow
from genesis_tensorflow.training import (
    ADAM_EPS,
    DEFAULT_NUM_THREADS,
    _Adam,
    _device_name,
    _make_rng,
    configure_threads,
)

if TYPE_CHECKING:
    import tensorflow as tf
else:
    tf = import_tensorflow()

__all__ = [
    "SEQUENCE_METHODS",
    "TFSequenceClassifier",
    "TFSequencePredictor",
    "TFTimeGAN",
    "build_sequence_model",
]

#: The methods this module builds.
SEQUENCE_METHODS = frozenset({"timegan", METRIC_CLASSIFIER, METRIC_PREDICTOR})

Weights = Mapping[str, "tf.Variable"]

JIT_COMPILE = True
"""Compile TimeGAN's training steps with XLA (on the CPU and CUDA) in models built from
now on; the tests turn it off to save compilations."""


def _time_major(array: np.ndarray) -> np.ndarray:
    """``(..., batch, steps, features)`` → contiguous float32 ``(..., steps, batch, features)``."""
    array = np.asarray(array, dtype=np.float32)
    return np.ascontiguousarray(np.swapaxes(array, -3, -2))


def _graph_function(fn: Any, jit: bool = False) -> Any:
    return tf.function(fn, reduce_retracing=True, autograph=False, jit_compile=jit or None)


# --------------------------------------------------------------------------- networks


@dataclasses.dataclass(frozen=True)
class _Stack:
    """One recurrent network: its prefix, cell kind, cells and output activation."""

    prefix: str
    module: str
    layers: int
    sigmoid: bool

    def names(self) -> list[str]:
        out: list[str] = []
        for layer in range(self.layers):
            out.extend(recurrent_names(self.prefix, layer, self.module))
        return [*out, f"{self.prefix}.output.kernel", f"{self.prefix}.output.bias"]

    def _cell(self, w: Weights, layer: int, x: tf.Tensor) -> tf.Tensor:
        """One cell over the whole time-major sequence ``x`` from a zero state."""
        names = recurrent_names(self.prefix, layer, self.module)
        kernel, recurrent, bias = (w[n] for n in names[:3])
        hidden = recurrent.shape[0]
        n_in = kernel.shape[0]
        shape = tf.shape(x)
        gx = tf.matmul(tf.reshape(x, (-1, n_in)), kernel) + bias
        gx = tf.reshape(gx, (shape[0], shape[1], recurrent.shape[1]))
        recurrent_value = tf.convert_to_tensor(recurrent)
        if self.module == "gru":
            recurrent_bias = tf.convert_to_tensor(w[names[3]])
            cut = 2 * hidden

            def step(h: tf.Tensor, gx_t: tf.Tensor) -> tf.Tensor:
                gh = tf.matmul(h, recurrent_value) + recurrent_bias
                zr = tf.sigmoid(gx_t[:, :cut] + gh[:, :cut])
                z, r = zr[:, :hidden], zr[:, hidden:]
                n = tf.tanh(gx_t[:, cut:] + r * gh[:, cut:])
                return n + z * (h - n)

            h0 = tf.zeros((shape[1], hidden), dtype=x.dtype)
            return tf.scan(step, gx, initializer=h0)

        def lstm_step(state: tuple[tf.Tensor, tf.Tensor], gx_t: tf.Tensor) -> tuple:
            h, c = state
            a = gx_t + tf.matmul(h, recurrent_value)
            ifo = tf.sigmoid(tf.concat([a[:, : 2 * hidden], a[:, 3 * hidden :]], 1))
            i, f, o = ifo[:, :hidden], ifo[:, hidden : 2 * hidden], ifo[:, 2 * hidden :]
            g = tf.tanh(a[:, 2 * hidden : 3 * hidden])
            c = f * c + i * g
            return o * tf.tanh(c), c

        zeros = tf.zeros((shape[1], hidden), dtype=x.dtype)
        return tf.scan(lstm_step, gx, initializer=(zeros, zeros))[0]

    def states(self, w: Weights, x: tf.Tensor) -> tf.Tensor:
        """The top cell's outputs: ``(steps, batch, in)`` → ``(steps, batch, H)``."""
        for layer in range(self.layers):
            x = self._cell(w, layer, x)
        return x

    def dense(self, w: Weights, h: tf.Tensor) -> tf.Tensor:
        kernel = w[f"{self.prefix}.output.kernel"]
        bias = w[f"{self.prefix}.output.bias"]
        flat = tf.matmul(tf.reshape(h, (-1, kernel.shape[0])), kernel) + bias
        return tf.reshape(flat, tf.concat([tf.shape(h)[:-1], [kernel.shape[1]]], 0))

    def __call__(self, w: Weights, x: tf.Tensor) -> tf.Tensor:
        y = self.dense(w, self.states(x=x, w=w))
        return tf.sigmoid(y) if self.sigmoid else y


def _create_weights(
    shapes: Mapping[str, tuple[int, ...]], module: str, rng: tf.random.Generator
) -> dict[str, tf.Variable]:
    """Keras' default initialization: Glorot-uniform kernels, orthogonal recurrent kernels,
    zero biases (an LSTM's forget-gate bias at one), drawn in ``shapes`` order from ``rng``."""
    weights: dict[str, tf.Variable] = {}
    for name, shape in shapes.items():
        leaf = name.rsplit(".", 1)[1]
        if leaf == "kernel":
            limit = math.sqrt(6.0 / (shape[0] + shape[1]))
            value = rng.uniform(shape, -limit, limit, dtype=tf.float32)
        elif leaf == "recurrent_kernel":
            rows, cols = shape
            normal = rng.normal((max(rows, cols), min(rows, cols)), dtype=tf.float64)
            q, r = tf.linalg.qr(normal)
            q = q * tf.sign(tf.linalg.diag_part(r))[None, :]
            value = tf.cast(tf.transpose(q) if rows < cols else q, tf.float32)
        else:
            value = np.zeros(shape, dtype=np.float32)
            if leaf == "bias" and module == "lstm" and ".cell." in name:
                hidden = shape[0] // 4
                value[hidden : 2 * hidden] = 1.0
            value = tf.constant(value)
        weights[name] = tf.Variable(value, trainable=True, name=name.replace(".", "/"))
    return weights


def _bce_ones(logits: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(tf.nn.softplus(-logits))


def _bce_zeros(logits: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(tf.nn.softplus(logits))


def _supervised_loss(h: tf.Tensor, h_supervised: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(tf.square(h_supervised[:-1] - h[1:]))


def _moment_loss(x_hat: tf.Tensor, x: tf.Tensor) -> tf.Tensor:
    mean_hat, var_hat = tf.nn.moments(x_hat, axes=[1])
    mean, var = tf.nn.moments(tf.stop_gradient(x), axes=[1])
    std_term = tf.reduce_mean(tf.abs(tf.sqrt(var_hat + MOMENT_EPS) - tf.sqrt(var + MOMENT_EPS)))
    return std_term + tf.reduce_mean(tf.abs(mean_hat - mean))


class _LearningRateAdam(_Adam):
    """:class:`genesis_tensorflow.training._Adam` (torch's update, fused kernel) whose
    learning rate is a tensor given at each step, so that models whose specs differ only
    in ``lr`` share one traced (and compiled) step."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names, 1.0, ADAM_BETAS, 0.0)

    def apply_with(
        self, lr: tf.Tensor, weights: Weights, slots: Mapping[str, Any], grads: list
    ) -> None:
        t = slots["step"].assign_add(1.0)
        beta1_power = tf.pow(self.beta1, t)
        beta2_power = tf.pow(self.beta2, t)
        epsilon = ADAM_EPS * tf.sqrt(1.0 - beta2_power)
        for name, g in zip(self.names, grads, strict=True):
            tf.raw_ops.ResourceApplyAdam(
                var=weights[name].handle,
                m=slots["m"][name].handle,
                v=slots["v"][name].handle,
                beta1_power=beta1_power,
                beta2_power=beta2_power,
                lr=lr,
                beta1=self.beta1,
                beta2=self.beta2,
                epsilon=epsilon,
                grad=g,
            )


def _minimize(
    adam: _LearningRateAdam, lr: tf.Tensor, w: Weights, slots: Mapping[str, Any], loss_fn: Any
) -> tf.Tensor:
    variables = adam.variables(w)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(variables)
        loss = loss_fn()
    adam.apply_with(lr, w, slots, tape.gradient(loss, variables))
    return loss


# --------------------------------------------------------------------------- TimeGAN


class _TimeGANProgram:
    """The TimeGAN computation for one spec: one traced step per phase, and generation."""

    def __init__(self, spec: ModelSpec, jit: bool) -> None:
        params = spec.params
        assert isinstance(params, TimeGANParams)
        self.params = params
        self.nets = {
            name: _Stack(name, params.module, layers, name != "discriminator")
            for name, (_, layers, _) in network_layout(params, spec.data_dim).items()
        }
        n = self.nets

        def adam(*nets: str) -> _LearningRateAdam:
            return _LearningRateAdam([x for net in nets for x in n[net].names()])

        self.adam = {
            "embedding": adam("embedder", "recovery"),
            "supervised": adam("supervisor"),
            "generator": adam("generator", "supervisor"),
            "embedder": adam("embedder", "recovery"),
            "discriminator": adam("discriminator"),
        }
        self.embedding_step = _graph_function(self._embedding_step, jit)
        self.supervised_step = _graph_function(self._supervised_step, jit)
        self.joint_step = _graph_function(self._joint_step, jit)
        self.generate = _graph_function(self._generate)

    def _embedding_step(
        self, w: Weights, slots: Mapping[str, Any], hyper: tf.Tensor, x: tf.Tensor
    ) -> tf.Tensor:
        n = self.nets

        def loss() -> tf.Tensor:
            x_tilde = n["recovery"](w, n["embedder"](w, x))
            return RECONSTRUCTION_WEIGHT * tf.sqrt(tf.reduce_mean(tf.square(x_tilde - x)))

        return _minimize(self.adam["embedding"], hyper[0], w, slots, loss)

    def _supervised_step(
        self, w: Weights, slots: Mapping[str, Any], hyper: tf.Tensor, x: tf.Tensor
    ) -> tf.Tensor:
        n = self.nets
        h = tf.stop_gradient(n["embedder"](w, x))
        return _minimize(
            self.adam["supervised"],
            hyper[0],
            w,
            slots,
            lambda: _supervised_loss(h, n["supervisor"](w, h)),
        )

    def _joint_step(
        self,
        w: Weights,
        slots: Mapping[str, Any],
        hyper: tf.Tensor,
        real: tf.Tensor,
        noise: tf.Tensor,
    ) -> tf.Tensor:
        """Two (generator, embedder) rounds, then the discriminator check; ``hyper`` holds
        ``[lr, gamma, discriminator_threshold]``."""
        n = self.nets
        lr, gamma = hyper[0], hyper[1]
        adam_g, adam_e = self.adam["generator"], self.adam["embedder"]
        g_vars, e_vars = adam_g.variables(w), adam_e.variables(w)
        sums = [tf.constant(0.0)] * 4
        for k in range(GENERATOR_ROUNDS):
            x, z = real[k], noise[k]
            batch = tf.shape(x)[1]
            # H once, recorded for the embedder step; the generator step uses it detached
            # (it does not change the embedder).
            tape_e = tf.GradientTape(watch_accessed_variables=False)
            with tape_e:
                tape_e.watch(e_vars)
                h = n["embedder"](w, x)
            h_fixed = tf.stop_gradient(h)

            with tf.GradientTape(watch_accessed_variables=False) as tape_g:
                tape_g.watch(g_vars)
                e_hat = n["generator"](w, z)
                supervised = n["supervisor"](w, tf.concat([h_fixed, e_hat], 1))
                h_supervised, h_hat = supervised[:, :batch], supervised[:, batch:]
                logits = n["discriminator"](w, tf.concat([h_hat, e_hat], 1))
                x_hat = n["recovery"](w, h_hat)
                g_s = _supervised_loss(h_fixed, h_supervised)
                g_v = _moment_loss(x_hat, x)
                g_loss = (
                    _bce_ones(logits[:, :batch])
                    + gamma * _bce_ones(logits[:, batch:])
                    + GENERATOR_SUPERVISED_WEIGHT * tf.sqrt(g_s)
                    + MOMENT_WEIGHT * g_v
                )
            adam_g.apply_with(lr, w, slots["generator"], tape_g.gradient(g_loss, g_vars))

            with tape_e:  # the supervisor as updated by the generator step
                x_tilde = n["recovery"](w, h)
                e_loss = RECONSTRUCTION_WEIGHT * tf.sqrt(
                    tf.reduce_mean(tf.square(x_tilde - x))
                ) + EMBEDDER_SUPERVISED_WEIGHT * _supervised_loss(h, n["supervisor"](w, h))
            adam_e.apply_with(lr, w, slots["embedder"], tape_e.gradient(e_loss, e_vars))
            for i, value in enumerate((g_loss, g_s, g_v, e_loss)):
                sums[i] = sums[i] + value

        d_loss, stepped = self._discriminator_step(
            w, slots["discriminator"], hyper, real[DISCRIMINATOR_ROUND], noise[DISCRIMINATOR_ROUND]
        )
        means = [s / GENERATOR_ROUNDS for s in sums]
        return tf.stack([*means, d_loss, stepped])

    def _discriminator_step(
        self, w: Weights, slots: Mapping[str, Any], hyper: tf.Tensor, x: tf.Tensor, z: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor]:
        """The discriminator loss; an Adam step only when it exceeds the threshold (a
        ``tf.cond``: no gradient, no update, no step count otherwise)."""
        n = self.nets
        adam = self.adam["discriminator"]
        d_vars = adam.variables(w)
        batch = tf.shape(x)[1]
        h = n["embedder"](w, x)
        e_hat = n["generator"](w, z)
        h_hat = n["supervisor"](w, e_hat)
        inputs = tf.stop_gradient(tf.concat([h, h_hat, e_hat], 1))
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(d_vars)
            logits = n["discriminator"](w, inputs)
            loss = (
                _bce_ones(logits[:, :batch])
                + _bce_zeros(logits[:, batch : 2 * batch])
                + hyper[1] * _bce_zeros(logits[:, 2 * batch :])
            )

        def update() -> tf.Tensor:
            adam.apply_with(hyper[0], w, slots, tape.gradient(loss, d_vars))
            return tf.constant(1.0)

        stepped = tf.cond(loss > hyper[2], update, lambda: tf.constant(0.0))
        return loss, stepped

    def _generate(self, w: Weights, z: tf.Tensor) -> tf.Tensor:
        n = self.nets
        return n["recovery"](w, n["supervisor"](w, n["generator"](w, z)))


@functools.lru_cache(maxsize=32)
def _cached_timegan_program(spec: ModelSpec, device_name: str, jit: bool) -> _TimeGANProgram:
    with tf.device(device_name):
        return _TimeGANProgram(spec, jit)


def _program_key(spec: ModelSpec) -> ModelSpec:
    """``spec`` without what the traced steps take as arguments or do not use: iteration
    counts, batch size, and ``lr``, ``gamma``, ``discriminator_threshold`` (passed as a
    tensor), so models differing only there share one program and one compilation."""
    params = dataclasses.replace(
        cast(TimeGANParams, spec.params),
        embedding_iterations=0,
        supervised_iterations=0,
        joint_iterations=0,
        batch_size=1,
        lr=1.0,
        gamma=1.0,
        discriminator_threshold=0.0,
    )
    return dataclasses.replace(spec, params=params)


class _SequenceModel:
    """Device, threads, seeded initialization and weight transfer."""

    spec: ModelSpec
    device_name: str
    num_threads: int
    weights: dict[str, tf.Variable]

    def _setup(self, spec: ModelSpec, options: RuntimeOptions, module: str) -> None:
        self.spec = spec
        self.device_name = _device_name(options.device)
        num_threads = (
            DEFAULT_NUM_THREADS if options.num_threads is None else int(options.num_threads)
        )
        if num_threads < 1:
            raise ConfigurationError(f"num_threads must be at least 1, got {options.num_threads}")
        configure_threads(num_threads, explicit=options.num_threads is not None)
        self.num_threads = num_threads
        with tf.device(self.device_name):
            rng = _make_rng(options.seed)
            self.weights = _create_weights(expected_sequence_weight_shapes(spec), module, rng)

    def get_weights(self) -> dict[str, np.ndarray]:
        """Every weight under its framework-neutral name (float32 numpy)."""
        return {
            name: np.array(variable.numpy(), dtype=np.float32, copy=True)
            for name, variable in self.weights.items()
        }

    def set_weights(self, weights: Mapping[str, np.ndarray]) -> None:
        """Load framework-neutral weights; raises ``ModelFileError`` on any mismatch."""
        validate_sequence_weights(self.spec, weights)
        for name, variable in self.weights.items():
            variable.assign(np.ascontiguousarray(weights[name], dtype=np.float32))

    def optimizer_slots(self) -> dict[str, Mapping[str, Any]]:
        """Each optimizer's slots by neutral name (:mod:`genesis.models.training_state`)."""
        return {}

    def get_training_state(self) -> dict[str, np.ndarray]:
        """Adam's moments and step counts (the model draws no random numbers after init)."""
        return optimizer_state.export_state(self.optimizer_slots())

    def set_training_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Load the optimizers' state (saved by any backend)."""
        optimizer_state.import_state(self.optimizer_slots(), state)


class TFTimeGAN(_SequenceModel):
    """TimeGAN (Yoon et al., 2019) on TensorFlow: five recurrent networks, three phases."""

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, TimeGANParams):
            raise ConfigurationError(f"TFTimeGAN needs TimeGANParams, got {type(spec.params)}")
        if spec.data_dim < 1:
            raise ConfigurationError(f"data_dim must be positive, got {spec.data_dim}")
        self.params = spec.params
        self._setup(spec, options, spec.params.module)
        # XLA on the CPU and CUDA; not on other accelerators (tensorflow-metal has no XLA).
        jit = JIT_COMPILE and options.device in ("cpu", "cuda")
        params = spec.params
        self.hyper = np.array(
            [params.lr, params.gamma, params.discriminator_threshold], dtype=np.float32
        )
        self.program = _cached_timegan_program(_program_key(spec), self.device_name, jit)
        with tf.device(self.device_name):
            self.slots = {
                name: adam.slots(self.weights) for name, adam in self.program.adam.items()
            }

    def optimizer_slots(self) -> dict[str, Mapping[str, Any]]:
        """The phases' and the joint steps' optimizers (names as the program's)."""
        return dict(self.slots)

    def train_step(self, batch: TimeGANBatch) -> dict[str, float]:
        """Run one iteration of ``batch.phase``; returns that phase's losses by name."""
        if not isinstance(batch, TimeGANBatch):
            raise TypeError(f"a TimeGAN model trains on a TimeGANBatch, got {type(batch).__name__}")
        real = _time_major(batch.real)
        program = self.program
        with tf.device(self.device_name):
            if batch.phase == "embedding":
                loss = program.embedding_step(
                    self.weights, self.slots["embedding"], self.hyper, real[0]
                )
                return {"reconstruction": float(loss.numpy())}
            if batch.phase == "supervised":
                loss = program.supervised_step(
                    self.weights, self.slots["supervised"], self.hyper, real[0]
                )
                return {"supervised": float(loss.numpy())}
            if batch.phase == "joint":
                if batch.noise is None or len(real) != GENERATOR_ROUNDS + 1:
                    raise ValueError(
                        f"a joint batch needs {GENERATOR_ROUNDS + 1} rounds of real windows "
                        "and noise"
                    )
                losses = program.joint_step(
                    self.weights, self.slots, self.hyper, real, _time_major(batch.noise)
                )
                return dict(zip(LOSS_NAMES["joint"], losses.numpy().tolist(), strict=True))
        raise ValueError(f"unknown TimeGAN phase {batch.phase!r}")

    def generate(self, noise: np.ndarray, cond: np.ndarray | None = None) -> np.ndarray:
        """``recovery(supervisor(generator(Z)))`` for ``noise (n, seq_len, D)``; ``cond`` unused."""
        with tf.device(self.device_name):
            out = self.program.generate(self.weights, _time_major(noise))
        return np.ascontiguousarray(np.asarray(out.numpy(), dtype=np.float32).swapaxes(0, 1))


# --------------------------------------------------------------------------- evaluation networks


class _MetricProgram:
    """An evaluation network's training step and forward pass."""

    def __init__(self, spec: ModelSpec, prefix: str) -> None:
        params = spec.params
        assert isinstance(params, SequenceMetricParams)
        self.prefix = prefix
        self.net = _Stack(prefix, params.module, params.num_layers, prefix == "predictor")
        self.lr = float(params.lr)
        self.adam = _LearningRateAdam(self.net.names())
        self.train_step = _graph_function(self._step)
        self.forward = _graph_function(self._forward)

    def _forward(self, w: Weights, x: tf.Tensor) -> tf.Tensor:
        if self.prefix == "classifier":
            return self.net.dense(w, self.net.states(w, x)[-1])  # (batch, 1)
        return tf.transpose(self.net(w, x), (1, 0, 2))  # (batch, steps, 1)

    def _step(
        self, w: Weights, slots: Mapping[str, Any], x: tf.Tensor, target: tf.Tensor
    ) -> tf.Tensor:
        def loss() -> tf.Tensor:
            out = self._forward(w, x)
            if self.prefix == "classifier":
                logits = out[:, 0]
                return tf.reduce_mean(
                    tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=logits)
                )
            return tf.reduce_mean(tf.abs(out - target))

        return _minimize(self.adam, tf.constant(self.lr), w, slots, loss)


@functools.lru_cache(maxsize=32)
def _cached_metric_program(spec: ModelSpec, prefix: str, device_name: str) -> _MetricProgram:
    with tf.device(device_name):
        return _MetricProgram(spec, prefix)


class _MetricModel(_SequenceModel):
    prefix: str

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, SequenceMetricParams):
            raise ConfigurationError(
                f"{type(self).__name__} needs SequenceMetricParams, got {type(spec.params)}"
            )
        self._setup(spec, options, spec.params.module)
        self.program = _cached_metric_program(spec, self.prefix, self.device_name)
        with tf.device(self.device_name):
            self.slots = self.program.adam.slots(self.weights)

    def generate(self, noise: np.ndarray, cond: np.ndarray | None = None) -> np.ndarray:
        """The network's output for the inputs ``noise`` (``(n, steps, features)``)."""
        with tf.device(self.device_name):
            out = self.program.forward(self.weights, _time_major(noise))
        return np.asarray(out.numpy(), dtype=np.float32)

    def _train(self, x: np.ndarray, target: np.ndarray) -> dict[str, float]:
        with tf.device(self.device_name):
            loss = self.program.train_step(
                self.weights, self.slots, _time_major(x), np.asarray(target, dtype=np.float32)
            )
        return {"loss": float(loss.numpy())}


class TFSequenceClassifier(_MetricModel):
    """The discriminative score's classifier: last state of the stack → one logit."""

    prefix = "classifier"

    def train_step(self, batch: SequenceClassifierBatch) -> dict[str, float]:
        """One Adam step on the mean binary cross-entropy; returns ``{"loss": ...}``."""
        return self._train(batch.x, batch.labels)


class TFSequencePredictor(_MetricModel):
    """The predictive score's regressor: stack → dense → sigmoid, at every step."""

    prefix = "predictor"

    def train_step(self, batch: SequencePredictorBatch) -> dict[str, float]:
        """One Adam step on the mean absolute error; returns ``{"loss": ...}``."""
        return self._train(batch.x, batch.target)


def build_sequence_model(
    spec: ModelSpec, options: RuntimeOptions
) -> TFTimeGAN | TFSequenceClassifier | TFSequencePredictor:
    """Build the TensorFlow model for a sequence ``spec``.

    Raises:
        MethodNotSupportedError: ``spec.method`` is not one of :data:`SEQUENCE_METHODS`.
    """
    if spec.method == "timegan":
        return TFTimeGAN(spec, options)
    if spec.method == METRIC_CLASSIFIER:
        return TFSequenceClassifier(spec, options)
    if spec.method == METRIC_PREDICTOR:
        return TFSequencePredictor(spec, options)
    raise MethodNotSupportedError(f"the tensorflow backend has no sequence model {spec.method!r}")
