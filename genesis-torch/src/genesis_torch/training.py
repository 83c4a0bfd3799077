"""CTGAN and TVAE models for the torch backend: networks, optimizers, one training step.

:class:`TorchCTGAN` and :class:`TorchTVAE` are the opaque model objects the torch
backend's ``genesis_build_model`` returns. Each owns its networks, its Adam
optimizers and one seeded :class:`torch.Generator` from which *all* of its
randomness is drawn (weight initialization, latent noise, Gumbel noise, dropout
masks, gradient-penalty interpolation), so a seed fixes a run completely.

Everything that depends only on the data layout (which columns are ``tanh``
scalars, which are one-hot blocks, where each discrete column sits in the row and
in the condition vector) is turned into index tensors once, at build time: one
training step runs a fixed number of tensor operations, whatever the number of
columns (all one-hot spans are activated together, see :class:`_Segments`).

Precision: with ``RuntimeOptions.precision="bfloat16"`` the networks' forward
passes in a training step run under :func:`torch.autocast` (matrix products in
bfloat16) and their outputs are cast back to float32 before any activation or
loss; weights, gradients and Adam's state stay float32. The networks' bfloat16
weight copies are kept in a :class:`~genesis_torch.cast_cache.CastCache` per
network, cleared after that network's optimizer step. Sampling runs in the
precision ``generate`` is asked for.

Threads: torch's intra-op thread count is process-wide. A model sets it to its own
count for the duration of each ``train_step`` and restores the caller's value
afterwards: ``RuntimeOptions.num_threads`` when given; otherwise, on the CPU, a
:class:`~genesis.training.threads.ThreadTuner` picks, step by step, whichever of
1, 2, 4, ... up to torch's setting (by default one thread per core) trains
fastest now: more threads on an idle machine, one when another process keeps a
core busy (where more would make each step many times slower). The arithmetic is
thread-invariant (see :class:`~genesis_torch.networks.Residual` and
:meth:`TorchCTGAN.conditional_loss`), so a seeded fit does not depend on the
counts chosen. ``generate`` runs large batches (tens of thousands of rows), which
split well over threads: it uses ``RuntimeOptions.num_threads`` when given, else
torch's own setting.

Memory: building a model for the CPU calls
:func:`~genesis.training.memory.keep_freed_heap`, so the tensors each step frees stay
mapped for the next one (see that module).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from genesis.backends.info import RuntimeOptions
from genesis.errors import ConfigurationError, MethodNotSupportedError
from genesis.models.activations import output_layout
from genesis.models.batches import CTGANBatch, TVAEBatch
from genesis.models.numpy_forward import onehot_positions
from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams
from genesis.models.weights import validate_weights
from genesis.training.memory import keep_freed_heap
from genesis.training.threads import ThreadTuner, thread_candidates
from genesis_torch.adam import FusedAdam, adam
from genesis_torch.cast_cache import CastCache
from genesis_torch.dense_parts import OneHot
from genesis_torch.networks import (
    Discriminator,
    Generator,
    TVAEDecoder,
    TVAEEncoder,
    init_weights,
)
from genesis_torch.optimizer_state import export_state, import_state
from genesis_torch.weight_layout import AS_IS, TRANSPOSED, TensorLayout

__all__ = ["DEFAULT_NUM_THREADS", "TorchCTGAN", "TorchTVAE", "build_model"]

DEFAULT_NUM_THREADS = 1
"""Intra-op threads for training when :attr:`RuntimeOptions.num_threads` is ``None``
and no thread count is tuned (off the CPU, or when torch is set to one thread).

On the CPU with more than one thread available the count is tuned while training
instead (see the module docstring).
"""


# --------------------------------------------------------------------------- layout


class _Segments:
    """Softmax over many one-hot spans at once, as one set of whole-tensor operations.

    The spans' columns are gathered side by side (``columns``); ``segment`` says which
    span each gathered column belongs to. A per-span maximum (for stability; no
    gradient needed, softmax is shift-invariant), one ``exp`` and one small matmul
    with the column-to-span indicator matrix give every span's softmax, whatever the
    number and widths of the spans: a loop over spans, or even over span widths,
    costs more in per-operation overhead than the arithmetic itself at these sizes.
    """

    def __init__(self, starts: list[int], widths: list[int], device: torch.device) -> None:
        columns = [np.arange(a, a + w, dtype=np.int64) for a, w in zip(starts, widths, strict=True)]
        segment = np.repeat(np.arange(len(widths), dtype=np.int64), widths)
        self.count = len(widths)
        self.columns = torch.tensor(
            np.concatenate(columns) if columns else np.zeros(0, np.int64), device=device
        )
        self.segment = torch.tensor(segment, device=device)
        self.indicator = torch.zeros(len(segment), self.count, device=device)
        self.indicator[torch.arange(len(segment), device=device), self.segment] = 1.0

    def gather(self, x: torch.Tensor) -> torch.Tensor:
        """The spans' columns of ``x``: ``(rows, n_columns)``."""
        return x.index_select(1, self.columns)

    def _shifted(self, z: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            peak = z.new_full((z.shape[0], self.count), -torch.inf)
            index = self.segment.expand(z.shape[0], -1)
            peak.scatter_reduce_(1, index, z, reduce="amax")
        return z - peak.index_select(1, self.segment)

    def softmax(self, z: torch.Tensor) -> torch.Tensor:
        """Softmax of each span of the gathered ``z``."""
        e = torch.exp(self._shifted(z))
        return e / (e @ self.indicator).index_select(1, self.segment)

    def log_softmax(self, z: torch.Tensor) -> torch.Tensor:
        """Log-softmax of each span of the gathered ``z``."""
        shifted = self._shifted(z)
        total = torch.exp(shifted) @ self.indicator
        return shifted - torch.log(total).index_select(1, self.segment)


class _OutputLayout:
    """Index tensors for the output activations and the per-span losses of a row."""

    def __init__(self, spec: ModelSpec, device: torch.device) -> None:
        layout = output_layout(spec.output_spans, spec.data_dim)  # validates the spans
        softmax = [s for s in spec.output_spans if s.activation == "softmax"]
        self.tanh_index = torch.tensor(layout.tanh_columns, device=device)
        self.softmax = _Segments([s.start for s in softmax], [s.width for s in softmax], device)
        # The activations come out as [tanh columns, softmax columns]; ``restore`` puts
        # them back in row order with one index_select.
        order = torch.cat([self.tanh_index, self.softmax.columns])
        self.restore = torch.empty_like(order)
        self.restore[order] = torch.arange(spec.data_dim, device=device)


class _ConditionLayout:
    """Where each discrete column's block sits in the data row and in the condition vector."""

    def __init__(self, spec: ModelSpec, device: torch.device) -> None:
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
        widths = [s.width for s in spans]
        self.data = _Segments([s.data_start for s in spans], widths, device)
        self.cond = _Segments([s.cond_start for s in spans], widths, device)


def _to_tensor(array: np.ndarray, device: torch.device) -> torch.Tensor:
    array = np.ascontiguousarray(array, dtype=np.float32)
    if not array.flags.writeable:
        array = array.copy()
    return torch.from_numpy(array).to(device)


def _condition_index(cond: np.ndarray, device: torch.device) -> torch.Tensor | None:
    """Each row's set position in its one-hot condition vector; None for width 0.

    Training-by-sampling conditions each row on one category of one discrete column,
    so every condition vector of a CTGAN batch has exactly one bit set; the networks
    gather on these positions instead of multiplying the vectors.

    Raises:
        ConfigurationError: a row that is not one-hot.
    """
    if cond.shape[-1] == 0:
        return None
    positions = onehot_positions(cond)
    if positions is None:
        raise ConfigurationError(
            "CTGAN condition vectors must be one-hot (one bit set per row, as "
            "training-by-sampling draws them)"
        )
    return torch.from_numpy(positions).to(device)


def _total(x: torch.Tensor) -> torch.Tensor:
    """The sum of a ``(rows, columns)`` tensor, the same whatever the thread count.

    A whole-tensor sum of more than 32,768 elements is split between threads, and
    the partial sums' rounding then depends on their number; summing each row and
    then the row sums (one per batch row) keeps one order.
    """
    return x.sum(dim=1).sum()


def _global_rng_untouched() -> contextlib.AbstractContextManager[None]:
    """Restore torch's global CPU random state on exit (the user's, not ours to draw from)."""
    return torch.random.fork_rng(devices=[])


def _seeded_init(
    modules: list[nn.Module], options: RuntimeOptions, device: torch.device
) -> torch.Generator:
    """Initialize ``modules`` (on the CPU) and return the generator for training noise.

    One CPU generator, seeded with ``options.seed``, draws the initial weights; on
    the CPU the same generator then goes on to draw all training noise. On another
    device the noise generator lives there and is seeded from the CPU generator's
    next draw, so the two streams never overlap.
    """
    cpu = torch.Generator()
    if options.seed is None:
        cpu.seed()
    else:
        cpu.manual_seed(int(options.seed))
    for module in modules:
        init_weights(module, cpu)
    if device.type == "cpu":
        return cpu
    noise = torch.Generator(device=device)
    noise.manual_seed(int(torch.randint(0, 2**62, (1,), generator=cpu)))
    return noise


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class _Slot:
    """Where a framework-neutral weight lives in the torch modules, and how."""

    tensor: torch.Tensor
    layout: TensorLayout


def _slots(prefix: str, module: nn.Module) -> Iterator[tuple[str, _Slot]]:
    """Yield the neutral name and torch tensor of every weight of ``module``.

    Module paths are the neutral names already (see :mod:`genesis_torch.networks`);
    only the leaf names differ: ``Linear.weight`` is the transposed ``kernel``, and
    ``BatchNorm1d``'s ``weight``, ``bias``, ``running_mean``, ``running_var`` are
    ``gamma``, ``beta``, ``moving_mean``, ``moving_variance``. The critic's first
    kernel also orders its inputs its own way (``Discriminator.column_order``).
    """
    for path, layer in module.named_modules(prefix=prefix):
        if isinstance(layer, nn.Linear):
            layout = TRANSPOSED
            if isinstance(module, Discriminator) and layer is module.hidden[0]:
                layout = TensorLayout(transpose=True, rows=module.column_order())
            yield f"{path}.kernel", _Slot(layer.weight, layout)
            yield f"{path}.bias", _Slot(layer.bias, AS_IS)
        elif isinstance(layer, nn.BatchNorm1d):
            yield f"{path}.gamma", _Slot(layer.weight, AS_IS)
            yield f"{path}.beta", _Slot(layer.bias, AS_IS)
            assert layer.running_mean is not None and layer.running_var is not None
            yield f"{path}.moving_mean", _Slot(layer.running_mean, AS_IS)
            yield f"{path}.moving_variance", _Slot(layer.running_var, AS_IS)


class _TorchModel:
    """What both methods share: device, seeded generator, threads, weight transfer."""

    spec: ModelSpec
    device: torch.device
    rng: torch.Generator
    num_threads: int
    sample_threads: int | None
    tuner: ThreadTuner | None
    slots: dict[str, _Slot]
    mixed: bool

    def _setup(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        self.spec = spec
        self.device = torch.device(options.device)
        if self.device.type == "cpu":
            keep_freed_heap()
        self.num_threads = (
            DEFAULT_NUM_THREADS if options.num_threads is None else int(options.num_threads)
        )
        if self.num_threads < 1:
            raise ConfigurationError(f"num_threads must be at least 1, got {options.num_threads}")
        self.sample_threads = None if options.num_threads is None else self.num_threads
        self.tuner = None
        available = torch.get_num_threads()
        if options.num_threads is None and self.device.type == "cpu" and available > 1:
            self.tuner = ThreadTuner(thread_candidates(available))
        if options.precision not in ("float32", "bfloat16"):
            raise ConfigurationError(
                f"the torch backend trains in float32 or bfloat16, not {options.precision!r}"
            )
        self.mixed = options.precision == "bfloat16"

    def _forward(self) -> contextlib.AbstractContextManager[None]:
        """The context of a training forward pass: bfloat16 autocast in mixed precision."""
        if not self.mixed:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)

    def _network_input(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` in the networks' compute dtype: bfloat16 in mixed precision.

        Casting once at a network's entry keeps every activation after it in
        bfloat16 (autocast alone would cast each layer's input, and a residual
        concatenation or dropout mask in float32 would promote it back).
        """
        return x.to(torch.bfloat16) if self.mixed else x

    @contextlib.contextmanager
    def _threads(self, count: int | None) -> Iterator[None]:
        """Run the block with ``count`` intra-op threads (None: as set), then restore."""
        previous = torch.get_num_threads()
        if count is None or self.device.type != "cpu" or previous == count:
            yield
            return
        torch.set_num_threads(count)
        try:
            yield
        finally:
            torch.set_num_threads(previous)

    def train_step(self, batch: CTGANBatch | TVAEBatch) -> dict[str, float]:
        """Run one optimization step on ``batch``; return the losses by name."""
        if self.tuner is None:
            with self._threads(self.num_threads):
                return self._train_step(batch)
        threads = self.tuner.choose()
        with self._threads(threads):
            start = time.perf_counter()
            losses = self._train_step(batch)  # returns Python floats: the step is done
            self.tuner.record(threads, time.perf_counter() - start)
        return losses

    def generate(
        self, noise: np.ndarray, cond: np.ndarray | None = None, precision: str = "float32"
    ) -> np.ndarray:
        """Return the generative network's raw output, in inference mode, as float32 numpy.

        ``precision="bfloat16"`` runs the network in bfloat16 (about 3.6 times faster
        on a CPU with native bfloat16; outputs differ from float32 in the third
        significant digit).
        """
        dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16}
        if precision not in dtypes:
            raise ConfigurationError(
                f"the torch backend samples in float32 or bfloat16, not {precision!r}"
            )
        with self._threads(self.sample_threads):
            return self._generate(noise, cond, dtypes[precision])

    def _train_step(self, batch: CTGANBatch | TVAEBatch) -> dict[str, float]:
        raise NotImplementedError

    def _generate(
        self, noise: np.ndarray, cond: np.ndarray | None, dtype: torch.dtype
    ) -> np.ndarray:
        raise NotImplementedError

    def get_weights(self) -> dict[str, np.ndarray]:
        """Export every weight under its framework-neutral name (float32 numpy)."""
        return {
            name: slot.layout.to_neutral(slot.tensor.detach().to("cpu", torch.float32).numpy())
            for name, slot in self.slots.items()
        }

    @torch.no_grad()
    def set_weights(self, weights: Mapping[str, np.ndarray]) -> None:
        """Load framework-neutral weights; raises ``ModelFileError`` on any mismatch."""
        validate_weights(self.spec, weights)
        for name, slot in self.slots.items():
            slot.tensor.copy_(torch.from_numpy(slot.layout.from_neutral(weights[name])))

    def optimizers(self) -> dict[str, FusedAdam | torch.optim.Optimizer]:
        """The optimizers by neutral name (:mod:`genesis.models.training_state`)."""
        raise NotImplementedError

    def _named(self) -> dict[int, tuple[str, TensorLayout | bool]]:
        return {id(slot.tensor): (name, slot.layout) for name, slot in self.slots.items()}

    def _generator(self) -> tuple[str, torch.Generator]:
        # A CPU and a CUDA generator's states differ in kind: the key names the device's.
        return f"torch-{self.device.type}", self.rng

    def get_training_state(self) -> dict[str, np.ndarray]:
        """Adam's moments and step counts, and the random generator's state."""
        return export_state(self.optimizers(), self._named(), self._generator())

    def set_training_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Load a training state saved by any backend (the generator: only this one's)."""
        import_state(self.optimizers(), self._named(), state, self._generator())


# --------------------------------------------------------------------------- CTGAN


class TorchCTGAN(_TorchModel):
    """CTGAN (Xu et al., 2019) on torch: conditional generator, PacGAN critic, WGAN-GP."""

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, CTGANParams):
            raise ConfigurationError(f"TorchCTGAN needs CTGANParams, got {type(spec.params)}")
        params = spec.params
        if params.batch_size % params.pac:
            raise ConfigurationError(
                f"batch_size {params.batch_size} must be a multiple of pac {params.pac}"
            )
        self._setup(spec, options)
        self.params = params
        with _global_rng_untouched():  # the constructors' default init draws from it
            self.generator_net = Generator(params, spec.data_dim, spec.cond_dim)
            self.discriminator = Discriminator(params, spec.data_dim, spec.cond_dim)
        self.rng = _seeded_init([self.generator_net, self.discriminator], options, self.device)
        self.generator_net.to(self.device).train()
        self.discriminator.to(self.device).train()
        self.optimizer_g = adam(
            self.generator_net.parameters(),
            lr=params.generator_lr,
            betas=params.betas,
            weight_decay=params.generator_decay,
        )
        self.optimizer_d = adam(
            self.discriminator.parameters(),
            lr=params.discriminator_lr,
            betas=params.betas,
            weight_decay=params.discriminator_decay,
        )
        self.layout = _OutputLayout(spec, self.device)
        self.conditions = _ConditionLayout(spec, self.device)
        # bfloat16 copies of each network's weights, renewed after its optimizer step
        self.casts_g, self.casts_d = CastCache(), CastCache()
        self.slots = dict(_slots("generator", self.generator_net))
        self.slots.update(_slots("discriminator", self.discriminator))

    def optimizers(self) -> dict[str, FusedAdam | torch.optim.Optimizer]:
        """``generator`` and ``discriminator``."""
        return {"generator": self.optimizer_g, "discriminator": self.optimizer_d}

    # ---------------------------------------------------------------- pieces

    def _noise(self, rows: int) -> torch.Tensor:
        return torch.randn(rows, self.params.embedding_dim, generator=self.rng, device=self.device)

    def activate(self, raw: torch.Tensor) -> torch.Tensor:
        """tanh on the scalars, Gumbel-softmax(tau) on every one-hot span."""
        layout = self.layout
        scalars = torch.tanh(raw.index_select(1, layout.tanh_index))
        logits = layout.softmax.gather(raw)
        # Gumbel(0, 1) noise is -log(-log(U)); torch.rand is several times faster than
        # Tensor.exponential_ on the CPU. U = 0 gives a -inf logit (probability 0), and
        # the largest U, 1 - 2**-24, a finite one, so no NaN can arise.
        uniform = torch.rand(logits.shape, generator=self.rng, device=raw.device)
        minus_gumbel = uniform.log_().neg_().log_()
        soft = layout.softmax.softmax((logits - minus_gumbel) / self.params.gumbel_tau)
        return torch.cat([scalars, soft], dim=1).index_select(1, layout.restore)

    def conditional_loss(
        self, raw: torch.Tensor, cond: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """Mean over rows of the cross-entropy of the conditioned column's raw logits.

        Row ``r``'s term is ``-log softmax(raw block of column c)[k]`` where ``c`` is the
        column ``mask[r]`` selects and ``k`` the category ``cond[r]`` sets in ``c``'s
        block of the condition vector; the other columns' blocks do not count.
        """
        layout = self.conditions
        log_p = layout.data.log_softmax(layout.data.gather(raw))
        chosen = mask.index_select(1, layout.data.segment)  # each column's weight, per block
        target = layout.cond.gather(cond) * chosen
        return -_total(target * log_p) / raw.shape[0]

    def _critic_loss(
        self, real: torch.Tensor, fake: torch.Tensor, cond: torch.Tensor | None
    ) -> torch.Tensor:
        """WGAN-GP critic loss: mean D(fake) - mean D(real) + lambda * gradient penalty.

        ``real`` and ``fake`` are data rows, without the condition vectors ``cond``
        they share. The penalty is ``((||grad D(mixed)||_2 - 1) **
        2)`` averaged over packs, where ``mixed`` interpolates real and fake rows
        with one ``alpha ~ U(0, 1)`` per pack and the gradient is taken with respect
        to the whole packed input, condition vectors included (they interpolate to
        themselves).
        """
        packs = real.shape[0] // self.params.pac
        alpha = torch.rand(packs, 1, generator=self.rng, device=self.device)
        with self._forward():
            scores, grad = self.discriminator.score(
                self._network_input(torch.stack([real, fake])),
                cond,
                self.rng,
                mix=alpha,
                casts=self.casts_d,
            )
        assert grad is not None
        scores, grad = scores.float(), grad.float()
        penalty = ((grad.norm(2, dim=1) - 1.0) ** 2).mean()
        score_real, score_fake = scores[:packs], scores[packs : 2 * packs]
        return score_fake.mean() - score_real.mean() + self.params.gradient_penalty * penalty

    def _fake(self, cond: OneHot | None, rows: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw generator output (float32) for fresh noise under ``cond``, activated."""
        with self._forward():
            noise = self._network_input(self._noise(rows))
            raw = self.generator_net.forward_onehot(noise, cond, self.casts_g).float()
        return raw, self.activate(raw)

    # ---------------------------------------------------------------- step

    def _train_step(self, batch: CTGANBatch | TVAEBatch) -> dict[str, float]:
        """Run ``discriminator_steps`` critic updates, then one generator update."""
        if not isinstance(batch, CTGANBatch):
            raise TypeError(f"a CTGAN model trains on a CTGANBatch, got {type(batch).__name__}")
        rows = batch.real.shape[1]
        if rows % self.params.pac or batch.gen_cond.shape[0] % self.params.pac:
            raise ConfigurationError(
                f"a CTGAN batch must hold a multiple of pac={self.params.pac} rows, got {rows}"
            )
        real_all = _to_tensor(batch.real, self.device)
        cond_all = _to_tensor(batch.cond, self.device)
        index_all = _condition_index(batch.cond, self.device)
        gen_index = _condition_index(batch.gen_cond, self.device)
        gen_cond = _to_tensor(batch.gen_cond, self.device)
        gen_mask = _to_tensor(batch.gen_mask, self.device)
        d_net = self.discriminator

        loss_d_sum = real_all.new_zeros(())
        for step in range(real_all.shape[0]):
            cond = None if index_all is None else OneHot(index_all[step], cond_all[step])
            with torch.no_grad():
                _, fake = self._fake(cond, rows)
            loss_d = self._critic_loss(real_all[step], fake, None if cond is None else cond.vectors)
            self.optimizer_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.optimizer_d.step()
            self.casts_d.clear()
            loss_d_sum += loss_d.detach()

        gen_onehot = None if gen_index is None else OneHot(gen_index, gen_cond)
        raw, fake = self._fake(gen_onehot, gen_cond.shape[0])
        d_net.requires_grad_(False)  # no critic weight gradients in the generator step
        try:
            with self._forward():
                vectors = gen_cond if self.spec.cond_dim else None
                score = d_net.score(
                    self._network_input(fake), vectors, self.rng, casts=self.casts_d
                )[0].float()
        finally:
            d_net.requires_grad_(True)
        loss_g = -score.mean() + self.conditional_loss(raw, gen_cond, gen_mask)
        self.optimizer_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.optimizer_g.step()
        self.casts_g.clear()

        losses = torch.stack([loss_g.detach(), loss_d_sum / max(real_all.shape[0], 1)])
        generator_loss, discriminator_loss = losses.tolist()
        return {"generator": generator_loss, "discriminator": discriminator_loss}

    def _generate(
        self, noise: np.ndarray, cond: np.ndarray | None, dtype: torch.dtype
    ) -> np.ndarray:
        """Raw generator output for ``noise ⊕ cond`` in inference mode (BatchNorm frozen)."""
        condition: OneHot | torch.Tensor | None = None
        if self.spec.cond_dim:
            if cond is None:
                raise ValueError(f"cond is required: the model has cond_dim {self.spec.cond_dim}")
            vectors = _to_tensor(cond, self.device)
            positions = onehot_positions(cond)  # sampling's are; a hook caller's may not be
            condition = (
                vectors
                if positions is None
                else OneHot(torch.from_numpy(positions).to(self.device), vectors)
            )
        raw = self.generator_net.infer(_to_tensor(noise, self.device), condition, dtype=dtype)
        return raw.to("cpu", torch.float32).numpy()


# --------------------------------------------------------------------------- TVAE


class TorchTVAE(_TorchModel):
    """TVAE (Xu et al., 2019) on torch: a VAE with a learned output deviation per scalar."""

    def __init__(self, spec: ModelSpec, options: RuntimeOptions) -> None:
        if not isinstance(spec.params, TVAEParams):
            raise ConfigurationError(f"TorchTVAE needs TVAEParams, got {type(spec.params)}")
        self._setup(spec, options)
        self.params = params = spec.params
        with _global_rng_untouched():  # the constructors' default init draws from it
            self.encoder = TVAEEncoder(params, spec.data_dim)
            self.decoder = TVAEDecoder(params, spec.data_dim)
        self.rng = _seeded_init([self.encoder, self.decoder], options, self.device)
        self.encoder.to(self.device).train()
        self.decoder.to(self.device).train()
        self.optimizer = adam(
            [*self.encoder.parameters(), *self.decoder.parameters()],
            lr=params.lr,
            betas=(0.9, 0.999),
            weight_decay=params.l2scale,
        )
        self.layout = _OutputLayout(spec, self.device)
        self.slots = dict(_slots("encoder", self.encoder))
        self.slots.update(_slots("decoder", self.decoder))
        self.slots["decoder.sigma"] = _Slot(self.decoder.sigma, AS_IS)

    def optimizers(self) -> dict[str, FusedAdam | torch.optim.Optimizer]:
        """``vae``: the encoder's and decoder's parameters, ``sigma`` included."""
        return {"vae": self.optimizer}

    def _reconstruction_loss(self, raw: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """Summed over the batch: Gaussian NLL of the scalars plus CE of every one-hot span.

        The real row's one-hot blocks are the cross-entropy targets (for a one-hot
        block this is the cross-entropy against its argmax).
        """
        layout = self.layout
        rows = real.shape[0]
        sigma = self.decoder.sigma.index_select(0, layout.tanh_index)
        error = real.index_select(1, layout.tanh_index) - torch.tanh(
            raw.index_select(1, layout.tanh_index)
        )
        loss = _total(error**2 / (2 * sigma**2)) + rows * torch.log(sigma).sum()
        log_p = layout.softmax.log_softmax(layout.softmax.gather(raw))
        return loss - _total(layout.softmax.gather(real) * log_p)

    def _train_step(self, batch: CTGANBatch | TVAEBatch) -> dict[str, float]:
        """One Adam step on the evidence lower bound, then clamp ``sigma``."""
        if not isinstance(batch, TVAEBatch):
            raise TypeError(f"a TVAE model trains on a TVAEBatch, got {type(batch).__name__}")
        params = self.params
        real = _to_tensor(batch.real, self.device)
        rows = real.shape[0]
        with self._forward():
            mu, logvar = self.encoder(real)
        mu, logvar = mu.float(), logvar.float()
        eps = torch.randn(mu.shape, generator=self.rng, device=self.device)
        z = mu + eps * torch.exp(0.5 * logvar)
        with self._forward():
            raw = self.decoder(z).float()
        kl = -0.5 * _total(1.0 + logvar - mu**2 - logvar.exp())
        loss = (params.loss_factor * self._reconstruction_loss(raw, real) + kl) / rows
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        with torch.no_grad():
            self.decoder.sigma.clamp_(params.sigma_min, params.sigma_max)
        return {"loss": loss.item()}

    def _generate(
        self, noise: np.ndarray, cond: np.ndarray | None, dtype: torch.dtype
    ) -> np.ndarray:
        """Raw decoder output for the latent vectors ``noise`` (``cond`` is ignored)."""
        raw = self.decoder.infer(_to_tensor(noise, self.device), dtype=dtype)
        return raw.to("cpu", torch.float32).numpy()


def build_model(spec: ModelSpec, options: RuntimeOptions) -> TorchCTGAN | TorchTVAE:
    """Build the torch model ``spec`` describes.

    Raises:
        MethodNotSupportedError: ``spec.method`` is neither ``"ctgan"`` nor ``"tvae"``.
    """
    if spec.method == "ctgan":
        return TorchCTGAN(spec, options)
    if spec.method == "tvae":
        return TorchTVAE(spec, options)
    raise MethodNotSupportedError(
        f"the torch backend implements 'ctgan' and 'tvae', not {spec.method!r}"
    )
