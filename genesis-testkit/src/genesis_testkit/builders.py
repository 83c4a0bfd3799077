"""Tiny hand-built model specs and batches, for unit tests of a backend's model hooks.

The conformance suite drives a backend through :class:`genesis.SyntheticGenerator`.
These builders reach one level down, to the hooks themselves
(``genesis_build_model``, ``genesis_train_step``, ...): they make a
:class:`~genesis.models.spec.ModelSpec` and batches small enough that a test can
check a loss, a gradient or a weight layout by hand, without a table or a
data transformer.

A tabular layout is described once, as the :class:`~genesis.models.spec.OutputSpan`
and :class:`~genesis.models.spec.ConditionSpan` of a transformed row; the
:class:`RowLayout` built from them makes the specs and the batches::

    from genesis.models.spec import ConditionSpan, OutputSpan
    from genesis_testkit.builders import RowLayout

    LAYOUT = RowLayout(
        output_spans=(
            OutputSpan(0, 1, "tanh"),       # a continuous column's scalar
            OutputSpan(1, 2, "softmax"),    # ... and its mixture mode
            OutputSpan(3, 3, "softmax"),    # a discrete column
        ),
        condition_spans=(ConditionSpan("x", data_start=3, cond_start=0, width=3),),
    )
    spec = LAYOUT.ctgan_spec(pac=2)
    batch = LAYOUT.ctgan_batch(seed=0, steps=2)

Sequences need no layout: :func:`timegan_spec` and :func:`timegan_batch` take
their sizes directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genesis.models.batches import CTGANBatch, TVAEBatch
from genesis.models.spec import (
    ConditionSpan,
    CTGANParams,
    ModelSpec,
    OutputSpan,
    TVAEParams,
)
from genesis.models.timegan import GENERATOR_ROUNDS, TimeGANBatch, TimeGANParams

__all__ = ["RowLayout", "timegan_batch", "timegan_spec"]

#: Rows per batch of a :class:`RowLayout` unless it says otherwise.
DEFAULT_BATCH_SIZE = 20


@dataclass(frozen=True)
class RowLayout:
    """A hand-built layout of transformed rows, and the specs and batches over it.

    Lay the discrete columns' one-hot blocks at different offsets in the row and
    in the condition vector, so that a conditional loss that mixes the two up
    fails.

    Attributes:
        output_spans: the activation layout of a transformed row, in order.
        condition_spans: one entry per discrete column (empty: nothing to condition on).
        batch_size: rows per batch; also the ``batch_size`` of the specs.
    """

    output_spans: tuple[OutputSpan, ...]
    condition_spans: tuple[ConditionSpan, ...] = ()
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def data_dim(self) -> int:
        """Width of a transformed row: the end of the last output span."""
        return max(span.start + span.width for span in self.output_spans)

    @property
    def cond_dim(self) -> int:
        """Width of the condition vector: the end of the last condition span (0 without)."""
        return max((span.cond_start + span.width for span in self.condition_spans), default=0)

    def ctgan_spec(self, **params: object) -> ModelSpec:
        """A CTGAN spec over this layout with small networks.

        Args:
            **params: :class:`~genesis.models.spec.CTGANParams` fields that override
                the small defaults (embedding 8, two hidden layers of 16 in both
                networks, ``pac`` 5, the layout's batch size).

        Returns:
            The spec, with this layout's output and condition spans.
        """
        values: dict[str, object] = {
            "embedding_dim": 8,
            "generator_dim": (16, 16),
            "discriminator_dim": (16, 16),
            "batch_size": self.batch_size,
            "pac": 5,
        }
        values.update(params)
        return ModelSpec(
            method="ctgan",
            params=CTGANParams(**values),  # type: ignore[arg-type]
            data_dim=self.data_dim,
            cond_dim=self.cond_dim,
            output_spans=self.output_spans,
            condition_spans=self.condition_spans,
        )

    def tvae_spec(self, **params: object) -> ModelSpec:
        """A TVAE spec over this layout with small networks.

        Args:
            **params: :class:`~genesis.models.spec.TVAEParams` fields that override the
                small defaults (embedding 8, encoder ``(12, 10)``, decoder ``(10, 12)``,
                the layout's batch size).

        Returns:
            The spec, with this layout's output spans (TVAE takes no condition).
        """
        values: dict[str, object] = {
            "embedding_dim": 8,
            "compress_dims": (12, 10),
            "decompress_dims": (10, 12),
            "batch_size": self.batch_size,
        }
        values.update(params)
        return ModelSpec(
            method="tvae",
            params=TVAEParams(**values),  # type: ignore[arg-type]
            data_dim=self.data_dim,
            output_spans=self.output_spans,
        )

    def real_rows(self, rng: np.random.Generator, rows: int) -> np.ndarray:
        """Transformed rows as the core would hand them over.

        Args:
            rng: the generator the values are drawn from.
            rows: how many rows.

        Returns:
            ``(rows, data_dim)`` float32: every ``tanh`` scalar uniform in
            ``(-0.9, 0.9)``, every ``softmax`` block a valid one-hot.
        """
        data = np.zeros((rows, self.data_dim), dtype=np.float32)
        for span in self.output_spans:
            if span.activation == "tanh":
                data[:, span.start] = rng.uniform(-0.9, 0.9, rows)
            else:
                data[np.arange(rows), span.start + rng.integers(0, span.width, rows)] = 1.0
        return data

    def condition_for(
        self, rows: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per row, a condition vector asking for the row's own category of a random column.

        Args:
            rows: ``(n, data_dim)`` transformed rows (from :meth:`real_rows`).
            rng: the generator the conditioned columns are drawn from.

        Returns:
            ``(cond, mask)``: ``(n, cond_dim)`` float32 condition vectors and the
            ``(n, len(condition_spans))`` float32 one-hot of the column each row
            conditions on.
        """
        n = rows.shape[0]
        column = rng.integers(0, len(self.condition_spans), n)
        cond = np.zeros((n, self.cond_dim), dtype=np.float32)
        mask = np.zeros((n, len(self.condition_spans)), dtype=np.float32)
        mask[np.arange(n), column] = 1.0
        for j, span in enumerate(self.condition_spans):
            picked = column == j
            block = rows[picked, span.data_start : span.data_start + span.width]
            cond[picked, span.cond_start : span.cond_start + span.width] = block
        return cond, mask

    def ctgan_batch(self, seed: int, steps: int = 1) -> CTGANBatch:
        """A CTGAN batch of ``batch_size`` rows drawn from ``seed``.

        Args:
            seed: seed of the values; the same seed gives the same batch.
            steps: critic updates in the batch (the spec's ``discriminator_steps``).

        Returns:
            The batch; each critic row holds the category its condition asks for.
        """
        rng = np.random.default_rng(seed)
        real = np.stack([self.real_rows(rng, self.batch_size) for _ in range(steps)])
        cond = np.stack([self.condition_for(real[s], rng)[0] for s in range(steps)])
        gen_cond, gen_mask = self.condition_for(self.real_rows(rng, self.batch_size), rng)
        return CTGANBatch(real=real, cond=cond, gen_cond=gen_cond, gen_mask=gen_mask)

    def tvae_batch(self, seed: int, rows: int | None = None) -> TVAEBatch:
        """A TVAE batch drawn from ``seed``.

        Args:
            seed: seed of the values; the same seed gives the same batch.
            rows: rows in the batch (default: ``batch_size``).

        Returns:
            The batch.
        """
        count = self.batch_size if rows is None else rows
        return TVAEBatch(real=self.real_rows(np.random.default_rng(seed), count))


def timegan_spec(features: int, seq_len: int, **params: object) -> ModelSpec:
    """A TimeGAN spec with small networks.

    Args:
        features: width of one encoded step (the spec's ``data_dim``).
        seq_len: steps per sequence.
        **params: :class:`~genesis.models.timegan.TimeGANParams` fields that override
            the small defaults (``hidden_dim`` 4, two cells per network).

    Returns:
        The spec.
    """
    values: dict[str, object] = {"hidden_dim": 4, "num_layers": 2, "seq_len": seq_len}
    values.update(params)
    return ModelSpec(method="timegan", params=TimeGANParams(**values), data_dim=features)  # type: ignore[arg-type]


def timegan_batch(
    phase: str, seed: int = 0, *, batch_size: int, seq_len: int, features: int
) -> TimeGANBatch:
    """A TimeGAN batch of ``phase`` with values uniform in ``[0, 1)``, drawn from ``seed``.

    Args:
        phase: ``"embedding"``, ``"supervised"`` or ``"joint"``.
        seed: seed of the values; the same seed gives the same batch.
        batch_size: sequences per round.
        seq_len: steps per sequence.
        features: width of one step.

    Returns:
        The batch: one round of real sequences, or for ``"joint"`` the generator
        rounds and the discriminator's round of real sequences and noise.
    """
    rng = np.random.default_rng(seed)
    rounds = GENERATOR_ROUNDS + 1 if phase == "joint" else 1
    shape = (rounds, batch_size, seq_len, features)
    real = rng.random(shape, dtype=np.float32)
    noise = rng.random(shape, dtype=np.float32) if phase == "joint" else None
    return TimeGANBatch(phase=phase, real=real, noise=noise)  # type: ignore[arg-type]
