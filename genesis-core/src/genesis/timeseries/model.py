"""A fitted TimeGAN: its transform, network spec, backend model and history.

:class:`TimeGANModel` is what :class:`genesis.SyntheticGenerator` holds for
``method="timegan"``: :meth:`TimeGANModel.fit` windows the data, builds the
networks on the backend and runs the schedule of :mod:`genesis.timeseries.schedule`;
:meth:`TimeGANModel.sample` draws ``Z ~ U(0, 1)``, runs the backend's generator
and decodes the windows; :meth:`TimeGANModel.to_document` and
:meth:`TimeGANModel.from_document` are its part of a model file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from genesis.errors import ConfigurationError, ModelFileError
from genesis.models.spec import ModelSpec
from genesis.models.timegan import LOSS_NAMES, PHASES, TimeGANParams, validate_sequence_weights
from genesis.timeseries.schedule import (
    IntervalCallback,
    PhaseTiming,
    WindowSampler,
    run_schedule,
)
from genesis.timeseries.transform import SequenceTransformer

if TYPE_CHECKING:
    from genesis.backends.backend import Backend
    from genesis.backends.info import RuntimeOptions

__all__ = ["SAMPLE_CHUNK_SEQUENCES", "TimeGANModel", "history_columns", "phase_progress"]

#: Sequences generated per call of the backend when sampling.
SAMPLE_CHUNK_SEQUENCES = 10_000


def history_columns() -> list[str]:
    """The columns of a TimeGAN loss history: phase, iteration, then every loss name."""
    names: list[str] = []
    for phase in PHASES:
        names.extend(n for n in LOSS_NAMES[phase] if n not in names)
    return ["phase", "iteration", *names]


def phase_progress(history: list[dict[str, Any]]) -> dict[str, int]:
    """Iterations trained in each phase of a loss ``history`` (phases never run are absent)."""
    last: dict[str, int] = {}
    for row in history:
        last[row["phase"]] = max(last.get(row["phase"], 0), int(row["iteration"]))
    return last


@dataclass
class TimeGANModel:
    """Everything a fitted TimeGAN holds.

    Attributes:
        transformer: the fitted sequence transform.
        spec: the networks' spec (method ``"timegan"``).
        model: the backend's opaque model object.
        history: loss-history rows (see :func:`genesis.timeseries.schedule.run_phase`).
        timings: wall time of each phase of the last fit (empty after loading).
        rng: draws every batch and noise tensor; a resumed fit goes on with it
            (``None`` after loading a file without training state).
    """

    transformer: SequenceTransformer
    spec: ModelSpec
    model: Any
    history: list[dict[str, Any]] = field(default_factory=list)
    timings: list[PhaseTiming] = field(default_factory=list)
    rng: np.random.Generator | None = None

    @property
    def params(self) -> TimeGANParams:
        """The hyperparameters the model was built with."""
        assert isinstance(self.spec.params, TimeGANParams)
        return self.spec.params

    @property
    def iterations_done(self) -> int:
        """Iterations trained, all phases together."""
        return sum(self.phase_iterations_done().values())

    def phase_iterations_done(self) -> dict[str, int]:
        """Iterations trained in each phase (phases never run are absent)."""
        return phase_progress(self.history)

    # ------------------------------------------------------------------ fit

    @classmethod
    def fit(
        cls,
        backend: Backend,
        options: RuntimeOptions,
        params: TimeGANParams,
        data: pd.DataFrame | np.ndarray,
        rng: np.random.Generator,
        *,
        entity_column: str | None = None,
        order_column: str | None = None,
        discrete_columns: Sequence[str] | None = None,
        verbose: bool = False,
        callbacks: Sequence[IntervalCallback] = (),
    ) -> TimeGANModel:
        """Learn ``data``: window it, build the networks on ``backend``, run the schedule.

        Args:
            backend: the backend to train on (it must declare ``"timegan"``).
            options: device, seed and threads for the backend's model.
            params: the hyperparameters.
            data: a long-format DataFrame or a ``(sequences, steps, features)`` array.
            rng: draws every batch and noise tensor.
            entity_column, order_column, discrete_columns: see
                :meth:`SequenceTransformer.fit`.
            verbose: a progress bar per phase.
            callbacks: called after every history interval; one that returns
                ``True`` stops training.

        Returns:
            The fitted model.
        """
        fitted, windows = cls.build(
            backend,
            options,
            params,
            data,
            rng,
            entity_column=entity_column,
            order_column=order_column,
            discrete_columns=discrete_columns,
        )
        fitted.train(backend, params, windows, verbose=verbose, callbacks=callbacks)
        return fitted

    @classmethod
    def build(
        cls,
        backend: Backend,
        options: RuntimeOptions,
        params: TimeGANParams,
        data: pd.DataFrame | np.ndarray,
        rng: np.random.Generator,
        *,
        entity_column: str | None = None,
        order_column: str | None = None,
        discrete_columns: Sequence[str] | None = None,
    ) -> tuple[TimeGANModel, np.ndarray]:
        """The first half of :meth:`fit`: learn the transform and build the networks.

        Returns:
            The untrained model and the training windows for :meth:`train`.
        """
        transformer = SequenceTransformer(seq_len=params.seq_len, stride=params.stride)
        windows = transformer.fit_transform(
            data,
            entity_column=entity_column,
            order_column=order_column,
            discrete_columns=discrete_columns,
        )
        spec = ModelSpec(method="timegan", params=params, data_dim=transformer.output_dim)
        model = backend.build_model(spec, options)
        return cls(transformer=transformer, spec=spec, model=model, rng=rng), windows

    def train(
        self,
        backend: Backend,
        iterations: TimeGANParams,
        windows: np.ndarray,
        *,
        verbose: bool,
        callbacks: Sequence[IntervalCallback],
    ) -> None:
        """Run the schedule on encoded ``windows``; the history and its numbering continue.

        ``windows`` come from :meth:`build`, or, to train on, from
        ``transformer.transform(data)`` (the first fit's columns and scaling: values
        outside its range scale beyond [0, 1]). Only the iteration counts of
        ``iterations`` are read; the optimizers and :attr:`rng` go on from where
        the last training stopped.
        """
        if self.rng is None:
            raise ConfigurationError("TimeGANModel.rng must be set before training")
        model = self.model
        history, timings = run_schedule(
            iterations,
            WindowSampler(windows, self.params.batch_size, self.rng),
            lambda batch: backend.train_step(model, batch),
            verbose=verbose,
            description=f"timegan [{backend.name}]",
            iterations_done=self.phase_iterations_done(),
            callbacks=callbacks,
        )
        self.history.extend(history)
        self.timings = timings

    # ------------------------------------------------------------------ sample

    def sample(
        self, backend: Backend, n: int, rng: np.random.Generator
    ) -> pd.DataFrame | np.ndarray:
        """Generate ``n`` sequences of ``seq_len`` steps, in the fitted data's format."""
        params = self.params
        chunks = []
        for start in range(0, n, SAMPLE_CHUNK_SEQUENCES):
            m = min(SAMPLE_CHUNK_SEQUENCES, n - start)
            noise = rng.random((m, params.seq_len, self.spec.data_dim), dtype=np.float32)
            raw = np.asarray(backend.generate(self.model, noise, None), dtype=np.float32)
            if raw.shape != noise.shape:
                raise ConfigurationError(
                    f"the {backend.name!r} backend generated shape {raw.shape} for noise of "
                    f"shape {noise.shape}"
                )
            chunks.append(raw)
        windows = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
        return self.transformer.inverse_transform(windows)

    def history_frame(self) -> pd.DataFrame:
        """The loss history: one row per interval, losses of other phases NaN."""
        return pd.DataFrame(self.history, columns=history_columns())

    # ------------------------------------------------------------------ files

    def to_document(self, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """This model's fields of a model file (besides config, spec and weights).

        ``history`` replaces :attr:`history` (a checkpoint during a fit writes the
        rows so far).
        """
        rows = self.history if history is None else history
        return {"sequence_transformer": self.transformer.to_state(), "history": rows}

    @classmethod
    def from_document(
        cls,
        document: dict[str, Any],
        spec: ModelSpec,
        weights: dict[str, np.ndarray],
        backend: Backend,
        options: RuntimeOptions,
    ) -> TimeGANModel:
        """Rebuild a fitted model from a model file's document and weights.

        Raises:
            ModelFileError: the document or weights do not fit together.
        """
        if not isinstance(spec.params, TimeGANParams):
            raise ModelFileError("the model file's spec is not a TimeGAN spec")
        try:
            transformer = SequenceTransformer.from_state(document["sequence_transformer"])
            history = [dict(row) for row in document.get("history", [])]
        except ModelFileError:
            raise
        except Exception as exc:
            raise ModelFileError(f"the TimeGAN description is invalid: {exc!r}") from exc
        if transformer.output_dim != spec.data_dim:
            raise ModelFileError(
                "the sequence transform and the networks disagree on the step width"
            )
        if transformer.seq_len != spec.params.seq_len:
            raise ModelFileError("the sequence transform and the networks disagree on seq_len")
        validate_sequence_weights(spec, weights)
        model = backend.build_model(spec, options)
        backend.set_weights(model, weights)
        return cls(transformer=transformer, spec=spec, model=model, history=history)
