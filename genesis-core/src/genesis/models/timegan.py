"""TimeGAN (Yoon, Jarrett, van der Schaar, NeurIPS 2019) as the core defines it.

Everything here is framework-neutral: the hyperparameters, the training schedule
and the batches a backend's ``genesis_train_step`` receives, the losses it must
compute, and the names, shapes and equations of every weight, so that a model
trained on one backend loads on any other. A backend only builds the tensors.

Networks
--------

Five networks, each a stack of recurrent cells (GRU by default, or LSTM) of
``hidden_dim`` units, followed by a dense layer applied at every step. With ``D``
the width of a transformed step (:class:`genesis.timeseries.SequenceTransformer`)
and ``H = hidden_dim``:

=================  ===========  ====================  =======  ==================
network            input width  cells                 output   output activation
=================  ===========  ====================  =======  ==================
``embedder``       ``D``        ``num_layers``        ``H``    sigmoid
``recovery``       ``H``        ``num_layers``        ``D``    sigmoid
``generator``      ``D`` (Z)    ``num_layers``        ``H``    sigmoid
``supervisor``     ``H``        ``max(1, L - 1)``     ``H``    sigmoid
``discriminator``  ``H``        ``num_layers``        ``1``    none (a logit)
=================  ===========  ====================  =======  ==================

Every stack starts from a zero state and returns the top cell's output at every
step. ``X`` real windows, ``Z ~ U(0, 1)`` noise of the same shape, then
``H = embedder(X)``, ``X~ = recovery(H)``, ``E^ = generator(Z)``,
``H^ = supervisor(E^)``, ``X^ = recovery(H^)`` (the synthetic data).

Losses (means are over every element; BCE is on logits)
-------------------------------------------------------

* reconstruction ``E0 = 10 * sqrt(mean((X - X~)^2))``;
* supervised ``G_S = mean((H[:, 1:] - supervisor(H)[:, :-1])^2)``;
* embedder ``E = E0 + 0.1 * G_S`` (gradients to embedder and recovery);
* discriminator ``D = BCE(d(H), 1) + BCE(d(H^), 0) + gamma * BCE(d(E^), 0)``;
* generator ``G = BCE(d(H^), 1) + gamma * BCE(d(E^), 1) + 100 * sqrt(G_S) + 100 * G_V``
  (gradients to generator and supervisor), where the moment loss is
  ``G_V = mean|sqrt(var(X^) + 1e-6) - sqrt(var(X) + 1e-6)| + mean|mean(X^) - mean(X)|``,
  variance and mean taken over the batch axis (per step and feature).

Schedule
--------

Phase ``"embedding"``: one Adam step of embedder + recovery on ``E0`` per iteration.
Phase ``"supervised"``: one Adam step of the supervisor (and generator, which gets
no gradient) on ``G_S``. Phase ``"joint"``, per iteration: two rounds of (a
generator step on ``G``, then an embedder step on ``E``), each round on its own
real batch and noise; then, on a third batch and noise, the discriminator loss is
computed and a discriminator step is taken only if that loss exceeds
``discriminator_threshold`` (0.15). Backends decide this inside their step (on
the device, with a conditional or a masked update, where they can), so that the
check costs no extra round trip.

There are five Adam optimizers with their own state, as in the authors' code:
embedding (embedder + recovery, phase 1), supervised (generator + supervisor,
phase 2), generator (generator + supervisor), embedder (embedder + recovery) and
discriminator (phase 3). All use ``lr``, betas (0.9, 0.999) and epsilon 1e-8.

Who draws what: the core draws every batch of windows (uniformly, without
replacement within a batch) and every noise tensor with its own seeded numpy
generator and passes them in a :class:`TimeGANBatch`; the backend's only
randomness is weight initialization. So two backends given the same weights and
batches compute the same step, and a seed fixes a whole fit.

Weights
-------

A recurrent stack ``<net>`` has, for each cell ``l``:

==================================  ===============  ==============================
name                                shape            role
==================================  ===============  ==============================
``<net>.cell.{l}.kernel``           ``(in_l, G*H)``  input weights, gate blocks side by side
``<net>.cell.{l}.recurrent_kernel`` ``(H, G*H)``     state weights, same gate blocks
``<net>.cell.{l}.bias``             ``(G*H,)``       input bias
``<net>.cell.{l}.recurrent_bias``   ``(G*H,)``       GRU only: state bias
``<net>.output.kernel``             ``(H, out)``     the per-step dense layer
``<net>.output.bias``               ``(out,)``
==================================  ===============  ==============================

with ``in_0`` the stack's input width, ``in_l = H`` above, and ``G`` = 3 (GRU) or
4 (LSTM). Column blocks and equations (``x`` the cell's input, ``h`` and ``c``
the previous state, ``K, R, b, c_b`` its four arrays, ``s`` the sigmoid):

* GRU, blocks ``[z | r | n]`` (update, reset, candidate)::

      gx = x K + b;   gh = h R + c_b
      z = s(gx_z + gh_z);   r = s(gx_r + gh_r);   n = tanh(gx_n + r * gh_n)
      h' = z * h + (1 - z) * n

  This is Keras' ``GRU(reset_after=True)`` exactly (``kernel``,
  ``recurrent_kernel``, ``bias = stack([bias, recurrent_bias])``) and torch's
  ``nn.GRU`` after reordering the blocks to torch's ``[r | z | n]`` and
  transposing (``weight_ih = K.T``, ``bias_ih = b``, ``weight_hh = R.T``,
  ``bias_hh = c_b``).

* LSTM, blocks ``[i | f | g | o]`` (input, forget, cell, output)::

      a = x K + h R + b
      i = s(a_i);  f = s(a_f);  g = tanh(a_g);  o = s(a_o)
      c' = f * c + i * g;   h' = o * tanh(c')

  This is Keras' ``LSTM`` exactly and torch's ``nn.LSTM`` with ``weight_ih = K.T``,
  ``weight_hh = R.T``, ``bias_ih = b`` and ``bias_hh = 0`` (torch's two biases are
  summed when weights are exported).

Dense layers follow :mod:`genesis.models.weights` (``x @ kernel + bias``). Every
array is float32. :func:`numpy_recurrent_forward` and :func:`numpy_generate` are
the reference forward passes every backend must agree with.

The post-hoc evaluation networks of :mod:`genesis.evaluation.timeseries_metrics`
are built through the same hooks (methods :data:`METRIC_CLASSIFIER` and
:data:`METRIC_PREDICTOR`, params :class:`SequenceMetricParams`) and use the same
layout under the prefixes ``classifier`` and ``predictor``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from genesis.errors import ConfigurationError, ModelFileError

if TYPE_CHECKING:  # numpy is imported where it is used: `import genesis` stays light
    import numpy as np

__all__ = [
    "DISCRIMINATOR_ROUND",
    "GENERATOR_ROUNDS",
    "LOSS_NAMES",
    "METRIC_CLASSIFIER",
    "METRIC_PREDICTOR",
    "NETWORKS",
    "PHASES",
    "SequenceClassifierBatch",
    "SequenceMetricParams",
    "SequencePredictorBatch",
    "TimeGANBatch",
    "TimeGANParams",
    "check_weights",
    "expected_sequence_weight_shapes",
    "gate_count",
    "network_layout",
    "numpy_generate",
    "numpy_recurrent_forward",
    "recurrent_names",
    "validate_sequence_weights",
]

Module = Literal["gru", "lstm"]
Phase = Literal["embedding", "supervised", "joint"]

#: The training phases, in the order they run.
PHASES: tuple[Phase, ...] = ("embedding", "supervised", "joint")

#: The losses a backend's train step returns, by phase (floats, means over the step).
#: ``discriminator_steps`` is 1.0 when the joint iteration updated the discriminator.
LOSS_NAMES: dict[str, tuple[str, ...]] = {
    "embedding": ("reconstruction",),
    "supervised": ("supervised",),
    "joint": (
        "generator",
        "supervised",
        "moments",
        "embedder",
        "discriminator",
        "discriminator_steps",
    ),
}

#: Rounds of (generator step, embedder step) per joint iteration.
GENERATOR_ROUNDS = 2
#: Index, in a joint batch, of the real windows and noise of the discriminator check.
DISCRIMINATOR_ROUND = GENERATOR_ROUNDS

#: The five TimeGAN networks, in weight order.
NETWORKS: tuple[str, ...] = ("embedder", "recovery", "generator", "supervisor", "discriminator")

#: Loss weights of the paper's code (see the module docstring).
RECONSTRUCTION_WEIGHT = 10.0
EMBEDDER_SUPERVISED_WEIGHT = 0.1
GENERATOR_SUPERVISED_WEIGHT = 100.0
MOMENT_WEIGHT = 100.0
MOMENT_EPS = 1e-6
#: Adam settings of every optimizer (TensorFlow's defaults, as in the authors' code).
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8

#: Method names of the post-hoc evaluation networks (built through the same hooks).
METRIC_CLASSIFIER = "timegan_metric_classifier"
METRIC_PREDICTOR = "timegan_metric_predictor"


def _is_int(value: Any) -> bool:
    """An integer (Python or numpy), not a bool."""
    return not isinstance(value, bool) and hasattr(value, "__index__")


def _positive_int(name: str, value: Any) -> None:
    if not _is_int(value) or value < 1:
        raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")


def _non_negative_int(name: str, value: Any) -> None:
    if not _is_int(value) or value < 0:
        raise ConfigurationError(f"{name} must be a non-negative integer, got {value!r}")


@dataclass(frozen=True)
class TimeGANParams:
    """TimeGAN hyperparameters; the defaults are those of the authors' code.

    Attributes:
        hidden_dim: units of every recurrent cell and of the latent space.
        num_layers: cells per network (the supervisor has one fewer, at least one).
        module: ``"gru"`` or ``"lstm"``.
        batch_size: windows per step (fewer when the data has fewer windows).
        embedding_iterations: iterations of phase 1 (embedder + recovery).
        supervised_iterations: iterations of phase 2 (supervisor).
        joint_iterations: iterations of phase 3 (joint adversarial training).
        lr: Adam learning rate of every optimizer.
        gamma: weight of the adversarial losses on the unsupervised latents ``E^``.
        seq_len: steps per window (and per generated sequence).
        stride: steps between the starts of consecutive training windows.
        discriminator_threshold: the discriminator is updated only when its loss
            is above this.
    """

    hidden_dim: int = 24
    num_layers: int = 3
    module: Module = "gru"
    batch_size: int = 128
    embedding_iterations: int = 50_000
    supervised_iterations: int = 50_000
    joint_iterations: int = 50_000
    lr: float = 1e-3
    gamma: float = 1.0
    seq_len: int = 24
    stride: int = 1
    discriminator_threshold: float = 0.15

    def __post_init__(self) -> None:
        for name in ("hidden_dim", "num_layers", "batch_size", "seq_len", "stride"):
            _positive_int(name, getattr(self, name))
        for name in ("embedding_iterations", "supervised_iterations", "joint_iterations"):
            _non_negative_int(name, getattr(self, name))
        if self.module not in ("gru", "lstm"):
            raise ConfigurationError(f"module must be 'gru' or 'lstm', got {self.module!r}")
        if self.seq_len < 2:
            raise ConfigurationError(
                "seq_len must be at least 2 (the supervised loss compares steps), got "
                f"{self.seq_len}"
            )
        if not (isinstance(self.lr, (int, float)) and self.lr > 0):
            raise ConfigurationError(f"lr must be a positive number, got {self.lr!r}")
        if not (isinstance(self.gamma, (int, float)) and self.gamma >= 0):
            raise ConfigurationError(f"gamma must be a non-negative number, got {self.gamma!r}")

    def iterations(self, phase: str) -> int:
        """The iteration count of ``phase`` (``"embedding"``, ``"supervised"``, ``"joint"``)."""
        if phase not in PHASES:
            raise ConfigurationError(
                f"unknown TimeGAN phase {phase!r}; phases: {', '.join(PHASES)}"
            )
        return int(getattr(self, f"{phase}_iterations"))

    @property
    def supervisor_layers(self) -> int:
        """Cells of the supervisor: ``num_layers - 1``, at least one."""
        return max(1, self.num_layers - 1)

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class SequenceMetricParams:
    """A post-hoc evaluation network: a recurrent stack and a dense layer.

    Attributes:
        hidden_dim: units per cell.
        num_layers: cells in the stack.
        module: ``"gru"`` or ``"lstm"``.
        lr: Adam learning rate (betas 0.9, 0.999).
    """

    hidden_dim: int
    num_layers: int = 1
    module: Module = "gru"
    lr: float = 1e-3

    def __post_init__(self) -> None:
        _positive_int("hidden_dim", self.hidden_dim)
        _positive_int("num_layers", self.num_layers)
        if self.module not in ("gru", "lstm"):
            raise ConfigurationError(f"module must be 'gru' or 'lstm', got {self.module!r}")

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON-ready data."""
        return asdict(self)


# --------------------------------------------------------------------------- batches


@dataclass(frozen=True)
class TimeGANBatch:
    """One TimeGAN iteration of ``phase``, drawn by the core.

    Attributes:
        phase: ``"embedding"``, ``"supervised"`` or ``"joint"``.
        real: ``(rounds, batch, seq_len, D)`` float32 windows scaled to [0, 1]. One
            round for the first two phases; ``GENERATOR_ROUNDS + 1`` (3) for the joint
            phase: rounds 0 and 1 feed the (generator, embedder) steps, round 2 the
            discriminator check and step.
        noise: ``(rounds, batch, seq_len, D)`` float32 ``Z ~ U(0, 1)`` for the joint
            phase (one per round, as ``real``); ``None`` for the first two phases.
    """

    phase: Phase
    real: np.ndarray
    noise: np.ndarray | None = None


@dataclass(frozen=True)
class SequenceClassifierBatch:
    """One step of the post-hoc classifier.

    Attributes:
        x: ``(batch, seq_len, D)`` float32 sequences.
        labels: ``(batch,)`` float32, 1 for real and 0 for synthetic.
    """

    x: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class SequencePredictorBatch:
    """One step of the post-hoc next-step predictor.

    Attributes:
        x: ``(batch, steps, D - 1)`` float32 inputs (every feature but the last).
        target: ``(batch, steps, 1)`` float32, the last feature one step later.
    """

    x: np.ndarray
    target: np.ndarray


# --------------------------------------------------------------------------- weights


def gate_count(module: str) -> int:
    """Gate blocks per cell: 3 for a GRU, 4 for an LSTM."""
    if module == "gru":
        return 3
    if module == "lstm":
        return 4
    raise ConfigurationError(f"module must be 'gru' or 'lstm', got {module!r}")


def recurrent_names(prefix: str, layer: int, module: str) -> tuple[str, ...]:
    """The weight names of cell ``layer`` of the stack ``prefix``, in storage order."""
    base = f"{prefix}.cell.{layer}"
    names = (f"{base}.kernel", f"{base}.recurrent_kernel", f"{base}.bias")
    return (*names, f"{base}.recurrent_bias") if module == "gru" else names


def _add_stack(
    shapes: dict[str, tuple[int, ...]],
    prefix: str,
    module: str,
    n_in: int,
    hidden: int,
    layers: int,
    n_out: int,
) -> None:
    width = gate_count(module) * hidden
    for layer in range(layers):
        kernel, recurrent, bias, *rest = recurrent_names(prefix, layer, module)
        shapes[kernel] = (n_in if layer == 0 else hidden, width)
        shapes[recurrent] = (hidden, width)
        shapes[bias] = (width,)
        for name in rest:
            shapes[name] = (width,)
    shapes[f"{prefix}.output.kernel"] = (hidden, n_out)
    shapes[f"{prefix}.output.bias"] = (n_out,)


def network_layout(params: TimeGANParams, data_dim: int) -> dict[str, tuple[int, int, int]]:
    """``network -> (input width, cells, output width)`` of the five TimeGAN networks."""
    h, layers = params.hidden_dim, params.num_layers
    return {
        "embedder": (data_dim, layers, h),
        "recovery": (h, layers, data_dim),
        "generator": (data_dim, layers, h),
        "supervisor": (h, params.supervisor_layers, h),
        "discriminator": (h, layers, 1),
    }


def expected_sequence_weight_shapes(spec: Any) -> dict[str, tuple[int, ...]]:
    """Every weight name and shape of a TimeGAN or evaluation-network spec.

    Args:
        spec: a :class:`~genesis.models.spec.ModelSpec` with method ``"timegan"``
            (``TimeGANParams``), :data:`METRIC_CLASSIFIER` or :data:`METRIC_PREDICTOR`
            (``SequenceMetricParams``); ``spec.data_dim`` is the input width.

    Returns:
        An ordered mapping from weight name to shape.

    Raises:
        ConfigurationError: the spec is none of those.
    """
    shapes: dict[str, tuple[int, ...]] = {}
    params = spec.params
    if spec.method == "timegan" and isinstance(params, TimeGANParams):
        for name, (n_in, layers, n_out) in network_layout(params, spec.data_dim).items():
            _add_stack(shapes, name, params.module, n_in, params.hidden_dim, layers, n_out)
        return shapes
    if spec.method in (METRIC_CLASSIFIER, METRIC_PREDICTOR) and isinstance(
        params, SequenceMetricParams
    ):
        prefix = "classifier" if spec.method == METRIC_CLASSIFIER else "predictor"
        _add_stack(
            shapes, prefix, params.module, spec.data_dim, params.hidden_dim, params.num_layers, 1
        )
        return shapes
    raise ConfigurationError(
        f"no sequence weight layout for method {spec.method!r} with {type(params).__name__}"
    )


def check_weights(
    expected: Mapping[str, tuple[int, ...]], weights: Mapping[str, np.ndarray], what: str
) -> None:
    """Check names, shapes, dtype (float32) and finiteness of ``weights``.

    Raises:
        ModelFileError: a name is missing or unexpected, or an array is wrong.
    """
    import numpy as np

    missing = [name for name in expected if name not in weights]
    extra = sorted(name for name in weights if name not in expected)
    if missing or extra:
        parts = ([f"missing {missing}"] if missing else []) + (
            [f"unexpected {extra}"] if extra else []
        )
        raise ModelFileError(
            f"the {what} weights do not match the model spec: {'; '.join(parts)}. The file "
            "was written for a different model layout or is damaged; refit and save again."
        )
    for name, shape in expected.items():
        array = weights[name]
        if not isinstance(array, np.ndarray):
            raise ModelFileError(f"weight {name!r} is a {type(array).__name__}, not a numpy array")
        if array.shape != shape:
            raise ModelFileError(f"weight {name!r} has shape {array.shape}, expected {shape}")
        if array.dtype != np.float32:
            raise ModelFileError(f"weight {name!r} has dtype {array.dtype}, expected float32")
        if not np.isfinite(array).all():
            raise ModelFileError(
                f"weight {name!r} holds NaN or infinite values; the model diverged or the "
                "file is damaged"
            )


def validate_sequence_weights(spec: Any, weights: Mapping[str, np.ndarray]) -> None:
    """Check that ``weights`` are exactly those of a model built from ``spec``.

    Raises:
        ModelFileError: see :func:`check_weights`.
        ConfigurationError: ``spec`` has no sequence weight layout.
    """
    check_weights(expected_sequence_weight_shapes(spec), weights, spec.method)


# --------------------------------------------------------------------------- numpy reference


def _sigmoid(x: np.ndarray) -> np.ndarray:
    import numpy as np

    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def numpy_recurrent_forward(
    weights: Mapping[str, np.ndarray], prefix: str, module: str, layers: int, x: np.ndarray
) -> np.ndarray:
    """The reference forward pass of the recurrent stack ``prefix`` (no output layer).

    Args:
        weights: framework-neutral weights (only ``<prefix>.cell.*`` are read).
        prefix: the stack's name (``"embedder"``, ``"classifier"``, ...).
        module: ``"gru"`` or ``"lstm"``.
        layers: number of cells.
        x: ``(batch, steps, in)`` inputs.

    Returns:
        ``(batch, steps, H)`` float32: the top cell's output at every step.
    """
    import numpy as np

    seq = np.asarray(x, dtype=np.float32)
    for layer in range(layers):
        names = recurrent_names(prefix, layer, module)
        kernel, recurrent, bias = (np.asarray(weights[n], dtype=np.float32) for n in names[:3])
        hidden = recurrent.shape[0]
        gx = seq @ kernel + bias
        h = np.zeros((seq.shape[0], hidden), dtype=np.float32)
        c = np.zeros_like(h)
        out = np.empty((seq.shape[0], seq.shape[1], hidden), dtype=np.float32)
        for t in range(seq.shape[1]):
            if module == "gru":
                gh = h @ recurrent + np.asarray(weights[names[3]], dtype=np.float32)
                z = _sigmoid(gx[:, t, :hidden] + gh[:, :hidden])
                r = _sigmoid(gx[:, t, hidden : 2 * hidden] + gh[:, hidden : 2 * hidden])
                n = np.tanh(gx[:, t, 2 * hidden :] + r * gh[:, 2 * hidden :])
                h = z * h + (1.0 - z) * n
            else:
                a = gx[:, t] + h @ recurrent
                i, f = _sigmoid(a[:, :hidden]), _sigmoid(a[:, hidden : 2 * hidden])
                g, o = np.tanh(a[:, 2 * hidden : 3 * hidden]), _sigmoid(a[:, 3 * hidden :])
                c = f * c + i * g
                h = o * np.tanh(c)
            out[:, t] = h
        seq = out
    return seq


def _numpy_network(
    weights: Mapping[str, np.ndarray],
    prefix: str,
    params: TimeGANParams,
    layers: int,
    x: np.ndarray,
    sigmoid: bool = True,
) -> np.ndarray:
    import numpy as np

    h = numpy_recurrent_forward(weights, prefix, params.module, layers, x)
    out = h @ weights[f"{prefix}.output.kernel"] + weights[f"{prefix}.output.bias"]
    return (_sigmoid(out) if sigmoid else out).astype(np.float32)


def numpy_generate(
    params: TimeGANParams, weights: Mapping[str, np.ndarray], noise: np.ndarray
) -> np.ndarray:
    """The reference of ``genesis_generate`` for TimeGAN: ``recovery(supervisor(generator(Z)))``.

    Args:
        params: the model's hyperparameters.
        weights: its framework-neutral weights.
        noise: ``(n, seq_len, D)`` noise ``Z``.

    Returns:
        ``(n, seq_len, D)`` float32 synthetic windows in (0, 1).
    """
    e_hat = _numpy_network(weights, "generator", params, params.num_layers, noise)
    h_hat = _numpy_network(weights, "supervisor", params, params.supervisor_layers, e_hat)
    return _numpy_network(weights, "recovery", params, params.num_layers, h_hat)
