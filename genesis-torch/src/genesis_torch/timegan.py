"""TimeGAN and its post-hoc evaluation networks on torch.

:class:`TorchTimeGAN` is the opaque model the torch backend's ``genesis_build_model``
returns for method ``"timegan"``; :class:`TorchSequenceClassifier` and
:class:`TorchSequencePredictor` are those of the evaluation networks
(:data:`~genesis.models.timegan.METRIC_CLASSIFIER`,
:data:`~genesis.models.timegan.METRIC_PREDICTOR`). What they compute (networks,
losses, schedule, weight layout) is defined in :mod:`genesis.models.timegan`;
the recurrent layers are :mod:`genesis_torch.recurrent`.

Batches arrive batch-major ``(batch, steps, features)``; inside, everything is
time-major ``(steps, batch, features)``. The only randomness a model draws is
its initial weights (from a :class:`torch.Generator` seeded with
``RuntimeOptions.seed``): windows and noise come in the batch, drawn by the core.

Speed notes (one joint iteration is about 20 recurrent network passes):

* networks that see several inputs in the same step run once on the inputs
  stacked along the batch axis (the discriminator on ``[H^, E^]`` and on
  ``[H, H^, E^]``, the supervisor on ``[H, E^]``);
* in each joint round the embedding ``H = embedder(X)`` is computed once, with its
  graph: the generator step uses it detached (the embedder is not among its
  variables, and the generator step does not change the embedder), the embedder
  step then backpropagates through it;
* networks whose weights a step does not update have ``requires_grad`` off
  during it, so their backward pass computes only input gradients;
* all losses of a step are stacked and read back once.

The discriminator's conditional step: on the CPU the loss is read (it is already
in host memory) and the backward pass and update are skipped when the loss is at
or below the threshold. On an accelerator the decision stays on the device:
the backward pass always runs and the fused Adam update is masked with the
``found_inf`` flag (the mechanism ``torch.amp.GradScaler`` uses), which skips the
update, moments and step count included, without a host round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError, MethodNotSupportedError
from genesis.models.spec import ModelSpec
from genesis.models.timegan import (
    ADAM_BETAS,
    ADAM_EPS,
    DISCRIMINATOR_ROUND,
    EMBEDDER_SUPERVISED_WEIGHT,
    GENERATOR_ROUNDS,
    GENERATOR_SUPERVISED_WEIGHT,
    LOSS_NAMES,
    METRIC_CLASSIFIER,
    METRIC_PREDICTOR,
    MOMENT_EPS,
    MOMENT_WEIGHT,
    NETWORKS,
    RECONSTRUCTION_WEIGHT,
    SequenceClassifierBatch,
    SequenceMetricParams,
    SequencePredictorBatch,
    TimeGANBatch,
    TimeGANParams,
    network_layout,
    validate_sequence_weights,
)
from genesis.training.memory import keep_freed_heap
from genesis_torch.optimizer_state import export_state, import_state
from genesis_torch.recurrent import RecurrentNetwork, init_network

__all__ = [
    "DEFAULT_NUM_THREADS",
    "SEQUENCE_METHODS",
    "TorchSequenceClassifier",
    "TorchSequencePredictor",
    "TorchTimeGAN",
    "build_sequence_model",
]

DEFAULT_NUM_THREADS = 1
"""Intra-op threads when :attr:`RuntimeOptions.num_threads` is ``None``.

Every operation of these networks touches a few thousand numbers, so a second
thread only adds synchronization, and loses a lot when the other core is busy
(the same policy as the torch backend's CTGAN and TVAE).
"""

#: The methods this module builds.
SEQUENCE_METHODS = frozenset({"timegan", METRIC_CLASSIFIER, METRIC_PREDICTOR})


def _time_major(array: np.ndarray, device: torch.device) -> torch.Tensor:
    """``(..., batch, steps, features)`` numpy → contiguous ``(..., steps, batch, features)``."""
    array = np.asarray(array, dtype=np.float32)
    swapped = np.ascontiguousarray(np.swapaxes(array, -3, -2))
    return torch.from_numpy(swapped).to(device)


def _adam(params: Iterable[nn.Parameter], lr: float) -> torch.optim.Adam:
    """Adam with TensorFlow's defaults (as in the authors' code), fused when possible."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS, fused=True)
    except (RuntimeError, TypeError, ValueError):  # builds without a fused CPU kernel
        return torch.optim.Adam(params, lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS, foreach=True)


def _bce_ones(logits: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of ``logits`` against label 1: ``mean(softplus(-x))``."""
    return functional.softplus(-logits).mean()


def _bce_zeros(logits: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of ``logits`` against label 0: ``mean(softplus(x))``."""
    return functional.softplus(logits).mean()


class _SequenceModel:
    """What every sequence model shares: device, threads, seeded init, weight transfer."""

    spec: ModelSpec
    device: torch.device
    num_threads: int
    networks: dict[str, RecurrentNetwork]

    def _setup(self, spec: ModelSpec, options: RuntimeOptions) -> torch.Generator:
        self.spec = spec
        self.device = torch.device(options.device)
        if self.device.type == "cpu":
            keep_freed_heap()
        self.num_threads = (
            DEFAULT_NUM_THREADS if options.num_threads is None else int(options.num_threads)
        )
        if self.num_threads < 1:
            raise ConfigurationError(f"num_threads must be at least 1, got {options.num_threads}")
        self._apply_threads()
        generator = torch.Generator()
        if options.seed is None:
            generator.seed()
        else:
            generator.manual_seed(int(options.seed))
        return generator

    def _finish(self, generator: torch.Generator) -> None:
        for network in self.networks.values():
            init_network(network, generator)  # on the CPU, then moved: same values everywhere
            network.to(self.device).train()
        self.slots = {
            name: param
            for prefix, network in self.networks.items()
            for name, param in network.named_parameters(prefix=prefix)
        }

    def _apply_threads(self) -> None:
        # torch's thread count is process-wide; set it only when it differs (setting it
        # rebuilds the thread pool).
        if self.device.type == "cpu" and torch.get_num_threads() != self.num_threads:
            torch.set_num_threads(self.num_threads)

    def get_weights(self) -> dict[str, np.ndarray]:
        """Every weight under its framework-neutral name (float32 numpy)."""
        return {
            name: param.detach().to("cpu", torch.float32).numpy().copy()
            for name, param in self.slots.items()
        }

    @torch.no_grad()
    def set_weights(self, weights: Mapping[str, np.ndarray]) -> None:
        """Load framework-neutral weights; raises ``ModelFileError`` on any mismatch."""
        validate_sequence_weights(self.spec, weights)
        for name, param in self.slots.items():
            param.copy_(torch.from_numpy(np.ascontiguousarray(weights[name])))

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """The optimizers by neutral name (:mod:`genesis.models.training_state`)."""
        return {}

    def get_training_state(self) -> dict[str, np.ndarray]:
        """Adam's moments and step counts (the model draws no random numbers after init)."""
        return export_state(self.optimizers(), self._named())

    def set_training_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Load the optimizers' state (saved by any backend)."""
        import_state(self.optimizers(), self._named(), state)

    def _named(self) -> dict[int, tuple[str, bool]]:
        return {id(param): (name, False) for name, param in self.slots.items()}

    def _losses(self, names: tuple[str, ...], values: list[torch.Tensor]) -> dict[str, float]:
        return dict(zip(names, torch.stack(values).tolist(), strict=True))


# --------------------------------------------------------------------------- TimeGAN


class TorchTimeGAN(_SequenceModel):
    """TimeGAN (Yoon et al., 2019): five recurrent networks, three training phases.

    Args:
        spec: method ``"timegan"``, ``TimeGANParams``; ``data_dim`` is the step width.
        options: device, seed, threads.
        device_gate: decide the discriminator's conditional step on the device
            (masked update) instead of on the host; default: on the device for any
            device but the CPU. Both give the same result.
    """

    def __init__(
        self, spec: ModelSpec, options: RuntimeOptions, *, device_gate: bool | None = None
    ) -> None:
        if not isinstance(spec.params, TimeGANParams):
            raise ConfigurationError(f"TorchTimeGAN needs TimeGANParams, got {type(spec.params)}")
        if spec.data_dim < 1:
            raise ConfigurationError(f"data_dim must be positive, got {spec.data_dim}")
        generator = self._setup(spec, options)
        self.params = params = spec.params
        self.networks = {
            name: RecurrentNetwork(
                params.module,
                n_in,
                params.hidden_dim,
                layers,
                n_out,
                sigmoid=name != "discriminator",
            )
            for name, (n_in, layers, n_out) in network_layout(params, spec.data_dim).items()
        }
        self._finish(generator)
        nets = self.networks
        self.embedder, self.recovery = nets["embedder"], nets["recovery"]
        self.generator_net, self.supervisor = nets["generator"], nets["supervisor"]
        self.discriminator = nets["discriminator"]
        lr = params.lr
        autoencoder = [*self.embedder.parameters(), *self.recovery.parameters()]
        self.optimizer_embedding = _adam(autoencoder, lr)
        # Phase 2 trains generator + supervisor in the paper's code; only the supervisor
        # gets a gradient from G_S, so the generator's parameters are left out here.
        self.optimizer_supervised = _adam(self.supervisor.parameters(), lr)
        self.optimizer_generator = _adam(
            [*self.generator_net.parameters(), *self.supervisor.parameters()], lr
        )
        self.optimizer_embedder = _adam(autoencoder, lr)
        self.optimizer_discriminator = _adam(self.discriminator.parameters(), lr)
        self.device_gate = self.device.type != "cpu" if device_gate is None else bool(device_gate)
        if self.device_gate and not self.optimizer_discriminator.defaults.get("fused"):
            self.device_gate = False  # the masked update needs the fused kernel
        self._params = {name: list(net.parameters()) for name, net in nets.items()}
        self._trainable: frozenset[str] = frozenset(NETWORKS)

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """The phases' and the joint steps' optimizers, by neutral name."""
        return {
            "embedding": self.optimizer_embedding,
            "supervised": self.optimizer_supervised,
            "generator": self.optimizer_generator,
            "embedder": self.optimizer_embedder,
            "discriminator": self.optimizer_discriminator,
        }

    # ------------------------------------------------------------------ helpers

    def _train_only(self, *names: str) -> None:
        """Let only the networks ``names`` collect weight gradients."""
        wanted = frozenset(names)
        if wanted == self._trainable:
            return
        for name, params in self._params.items():
            flag = name in wanted
            if (name in self._trainable) != flag:
                for param in params:
                    param.requires_grad_(flag)
        self._trainable = wanted

    @staticmethod
    def _supervised_loss(h: torch.Tensor, h_supervised: torch.Tensor) -> torch.Tensor:
        """``G_S``: the supervisor's next-step prediction error, time-major inputs."""
        return functional.mse_loss(h_supervised[:-1], h[1:])

    @staticmethod
    def _moment_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``G_V``: first two moments over the batch axis (axis 1, time-major)."""
        var_hat, mean_hat = torch.var_mean(x_hat, dim=1, correction=0)
        with torch.no_grad():
            var, mean = torch.var_mean(x, dim=1, correction=0)
            std = torch.sqrt(var + MOMENT_EPS)
        std_term = torch.abs(torch.sqrt(var_hat + MOMENT_EPS) - std).mean()
        return std_term + torch.abs(mean_hat - mean).mean()

    @staticmethod
    def _step(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    # ------------------------------------------------------------------ phases

    def train_step(self, batch: TimeGANBatch) -> dict[str, float]:
        """Run one iteration of ``batch.phase``; returns that phase's losses by name."""
        if not isinstance(batch, TimeGANBatch):
            raise TypeError(f"a TimeGAN model trains on a TimeGANBatch, got {type(batch).__name__}")
        self._apply_threads()
        real = _time_major(batch.real, self.device)
        if batch.phase == "embedding":
            return self._embedding_step(real[0])
        if batch.phase == "supervised":
            return self._supervised_step(real[0])
        if batch.phase == "joint":
            if batch.noise is None or len(real) != GENERATOR_ROUNDS + 1:
                raise ValueError(
                    f"a joint batch needs {GENERATOR_ROUNDS + 1} rounds of real windows and noise"
                )
            return self._joint_step(real, _time_major(batch.noise, self.device))
        raise ValueError(f"unknown TimeGAN phase {batch.phase!r}")

    def _embedding_step(self, x: torch.Tensor) -> dict[str, float]:
        self._train_only("embedder", "recovery")
        x_tilde = self.recovery(self.embedder(x))
        loss = RECONSTRUCTION_WEIGHT * torch.sqrt(functional.mse_loss(x_tilde, x))
        self._step(self.optimizer_embedding, loss)
        return self._losses(LOSS_NAMES["embedding"], [loss.detach()])

    def _supervised_step(self, x: torch.Tensor) -> dict[str, float]:
        self._train_only("supervisor")
        with torch.no_grad():
            h = self.embedder(x)
        loss = self._supervised_loss(h, self.supervisor(h))
        self._step(self.optimizer_supervised, loss)
        return self._losses(LOSS_NAMES["supervised"], [loss.detach()])

    def _joint_step(self, real: torch.Tensor, noise: torch.Tensor) -> dict[str, float]:
        params = self.params
        sums = [real.new_zeros(()) for _ in range(4)]
        for k in range(GENERATOR_ROUNDS):
            x, z = real[k], noise[k]
            # H with its graph, for the embedder step; the generator step uses it detached.
            # Recovery and discriminator pass only input gradients in the generator step.
            self._train_only("embedder", "generator", "supervisor")
            h = self.embedder(x)
            h_fixed = h.detach()
            batch = x.shape[1]

            # Generator step: generator + supervisor on G_U + gamma G_U_e + 100 sqrt(G_S) + 100 G_V.
            e_hat = self.generator_net(z)
            supervised = self.supervisor(torch.cat([h_fixed, e_hat], 1))
            h_supervised, h_hat = supervised[:, :batch], supervised[:, batch:]
            logits = self.discriminator(torch.cat([h_hat, e_hat], 1))
            x_hat = self.recovery(h_hat)
            g_s = self._supervised_loss(h_fixed, h_supervised)
            g_v = self._moment_loss(x_hat, x)
            g_loss = (
                _bce_ones(logits[:, :batch])
                + params.gamma * _bce_ones(logits[:, batch:])
                + GENERATOR_SUPERVISED_WEIGHT * torch.sqrt(g_s)
                + MOMENT_WEIGHT * g_v
            )
            self._step(self.optimizer_generator, g_loss)

            # Embedder step: embedder + recovery on E0 + 0.1 G_S (supervisor: input grads only).
            self._train_only("embedder", "recovery")
            x_tilde = self.recovery(h)
            e_loss = RECONSTRUCTION_WEIGHT * torch.sqrt(
                functional.mse_loss(x_tilde, x)
            ) + EMBEDDER_SUPERVISED_WEIGHT * self._supervised_loss(h, self.supervisor(h))
            self._step(self.optimizer_embedder, e_loss)
            for i, value in enumerate((g_loss, g_s, g_v, e_loss)):
                sums[i] = sums[i] + value.detach()

        d_loss, stepped = self._discriminator_step(
            real[DISCRIMINATOR_ROUND], noise[DISCRIMINATOR_ROUND]
        )
        means = [s / GENERATOR_ROUNDS for s in sums]
        return self._losses(LOSS_NAMES["joint"], [*means, d_loss, stepped])

    def _discriminator_step(
        self, x: torch.Tensor, z: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Discriminator loss on a fresh batch; update only if it exceeds the threshold.

        Returns the loss and 1.0 if the update happened (0.0 otherwise), as tensors.
        """
        params = self.params
        self._train_only("discriminator")
        with torch.no_grad():
            h = self.embedder(x)
            e_hat = self.generator_net(z)
            h_hat = self.supervisor(e_hat)
        batch = x.shape[1]
        logits = self.discriminator(torch.cat([h, h_hat, e_hat], 1))
        loss = (
            _bce_ones(logits[:, :batch])
            + _bce_zeros(logits[:, batch : 2 * batch])
            + params.gamma * _bce_zeros(logits[:, 2 * batch :])
        )
        optimizer = self.optimizer_discriminator
        if self.device_gate:
            skip = (loss <= params.discriminator_threshold).to(torch.float32)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.found_inf = skip  # type: ignore[attr-defined]  # see the module docstring
            optimizer.grad_scale = None  # type: ignore[attr-defined]
            try:
                optimizer.step()
            finally:
                optimizer.found_inf = None  # type: ignore[attr-defined]
            return loss.detach(), 1.0 - skip
        value = loss.detach()
        if float(value) > params.discriminator_threshold:
            self._step(optimizer, loss)
            return value, value.new_ones(())
        return value, value.new_zeros(())

    # ------------------------------------------------------------------ sampling

    def generate(self, noise: np.ndarray, cond: np.ndarray | None = None) -> np.ndarray:
        """``recovery(supervisor(generator(Z)))`` for ``noise (n, seq_len, D)``; ``cond`` unused."""
        self._apply_threads()
        z = _time_major(noise, self.device)
        with torch.inference_mode():
            x_hat = self.recovery(self.supervisor(self.generator_net(z)))
        return np.ascontiguousarray(x_hat.to("cpu", torch.float32).numpy().swapaxes(0, 1))


# --------------------------------------------------------------------------- evaluation networks


class _MetricModel(_SequenceModel):
    prefix: str

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, SequenceMetricParams):
            raise ConfigurationError(
                f"{type(self).__name__} needs SequenceMetricParams, got {type(spec.params)}"
            )
        generator = self._setup(spec, options)
        params = spec.params
        self.network = RecurrentNetwork(
            params.module,
            spec.data_dim,
            params.hidden_dim,
            params.num_layers,
            1,
            sigmoid=self.prefix == "predictor",
        )
        self.networks = {self.prefix: self.network}
        self._finish(generator)
        self.optimizer = _adam(self.network.parameters(), params.lr)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def generate(self, noise: np.ndarray, cond: np.ndarray | None = None) -> np.ndarray:
        """The network's output for the inputs ``noise`` (``(n, steps, features)``)."""
        self._apply_threads()
        x = _time_major(noise, self.device)
        with torch.inference_mode():
            out = self._forward(x)
        return out.to("cpu", torch.float32).numpy()


class TorchSequenceClassifier(_MetricModel):
    """The discriminative score's classifier: last state of the stack → one logit."""

    prefix = "classifier"

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network.output(self.network.states(x)[-1])  # (batch, 1)

    def train_step(self, batch: SequenceClassifierBatch) -> dict[str, float]:
        """One Adam step on the mean binary cross-entropy; returns ``{"loss": ...}``."""
        self._apply_threads()
        x = _time_major(batch.x, self.device)
        labels = torch.from_numpy(np.asarray(batch.labels, dtype=np.float32)).to(self.device)
        logits = self._forward(x).squeeze(1)
        loss = functional.binary_cross_entropy_with_logits(logits, labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item()}


class TorchSequencePredictor(_MetricModel):
    """The predictive score's regressor: stack → dense → sigmoid, at every step."""

    prefix = "predictor"

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x).transpose(0, 1)  # (batch, steps, 1)

    def train_step(self, batch: SequencePredictorBatch) -> dict[str, float]:
        """One Adam step on the mean absolute error; returns ``{"loss": ...}``."""
        self._apply_threads()
        x = _time_major(batch.x, self.device)
        target = torch.from_numpy(np.asarray(batch.target, dtype=np.float32)).to(self.device)
        loss = functional.l1_loss(self._forward(x), target)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item()}


def build_sequence_model(
    spec: ModelSpec, options: RuntimeOptions
) -> TorchTimeGAN | TorchSequenceClassifier | TorchSequencePredictor:
    """Build the torch model for a sequence ``spec``.

    Raises:
        MethodNotSupportedError: ``spec.method`` is not one of :data:`SEQUENCE_METHODS`.
    """
    if spec.method == "timegan":
        return TorchTimeGAN(spec, options)
    if spec.method == METRIC_CLASSIFIER:
        return TorchSequenceClassifier(spec, options)
    if spec.method == METRIC_PREDICTOR:
        return TorchSequencePredictor(spec, options)
    raise MethodNotSupportedError(f"the torch backend has no sequence model {spec.method!r}")
