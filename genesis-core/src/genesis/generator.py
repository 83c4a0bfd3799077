"""The user-facing generator: fit a table, sample synthetic rows, save and load."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np
import pandas as pd

from genesis._version import __version__
from genesis.backends.backend import Backend
from genesis.backends.devices import resolve_device
from genesis.backends.info import BackendType, RuntimeOptions, precision_capability
from genesis.backends.numpy_inference import NAME as NUMPY_BACKEND
from genesis.backends.numpy_inference import inference_capability, numpy_inference_registry
from genesis.backends.registry import BUILTIN_INSTALL_COMMANDS, BackendRegistry, discover_backends
from genesis.backends.selection import requested_backend_name, select_backend
from genesis.config import PRECISIONS, GeneratorConfig
from genesis.data.conditional import ConditionalSampler
from genesis.data.transformer import DataTransformer
from genesis.errors import (
    ConfigurationError,
    DataValidationError,
    GenesisError,
    MethodNotSupportedError,
    ModelFileError,
    NotFittedError,
    UnknownColumnError,
)
from genesis.models.activations import DrawnRows
from genesis.models.noise import standard_normal
from genesis.models.spec import CTGANParams, ModelSpec, TVAEParams
from genesis.models.tabular import TabularMethod, make_tabular_method
from genesis.models.timegan import PHASES, validate_sequence_weights
from genesis.models.training_state import rng_from_json, rng_to_json, validate_training_state
from genesis.models.weights import validate_weights
from genesis.timeseries.schedule import IntervalCallback
from genesis.training.checkpoint import EpochCheckpoint, IntervalCheckpoint, check_every
from genesis.training.loop import EpochCallback, run_epochs

if TYPE_CHECKING:  # imported when first used: `import genesis` stays light
    from genesis.io.model_file import ModelFile
    from genesis.timeseries.model import TimeGANModel
    from genesis.timeseries.transform import SequenceTransformer

__all__ = ["SyntheticGenerator"]

#: Rows generated per call of the backend when sampling.
SAMPLE_CHUNK_ROWS = 50_000
#: Most candidate rows drawn per requested row when conditions need rejection.
MAX_CANDIDATES_PER_ROW = 200
#: The seed sequence's streams (``SeedSequence([seed, stream])``): fitting (transform and
#: batches) and sampling.
_STREAM_FIT = 1
_STREAM_SAMPLE = 2
#: ``fit(checkpoint=...)``: epochs (CTGAN, TVAE) or iterations (TimeGAN) between saves.
DEFAULT_CHECKPOINT_EPOCHS = 10
DEFAULT_CHECKPOINT_ITERATIONS = 1_000


class _ConditionTarget(NamedTuple):
    """One condition of a ``sample`` call, located in the drawn rows."""

    column: str
    value: Any
    #: the value's category (its position inside the column's span)
    category: int
    #: the column's span among the row's softmax spans (a row of ``DrawnRows.choices``)
    position: int


@dataclass
class _Fitted:
    """Everything a fitted tabular generator holds."""

    transformer: DataTransformer
    method: TabularMethod
    spec: ModelSpec
    model: Any
    history: list[dict[str, Any]] = field(default_factory=list)
    #: draws the training batches; a resumed fit goes on with it
    rng: np.random.Generator | None = None
    #: the state (:func:`rng_to_json`) the generator had when the first fit encoded its data
    encoding_rng: dict[str, Any] | None = None

    @property
    def epochs_done(self) -> int:
        return int(self.history[-1]["epoch"]) if self.history else 0


class SyntheticGenerator:
    """Learns a table (or sequences) and samples synthetic data with the same statistics.

    With ``method="timegan"`` it learns sequences: :meth:`fit` takes a long-format
    DataFrame (``entity_column``, ``order_column``) or a ``(sequences, steps,
    features)`` array, and :meth:`sample` returns ``n`` sequences of ``seq_len``
    steps in the same format (see :mod:`genesis.timeseries`).

    Args:
        method: ``"ctgan"``, ``"tvae"`` or ``"timegan"``; overrides ``config.method``.
        backend: a :class:`BackendType`, a backend name, or a :class:`Backend` already
            selected; overrides ``config.backend``.
        config: a full :class:`GeneratorConfig`; defaults to ``GeneratorConfig()``.
        registry: discovered backends to choose from (discovered afresh if omitted).
        **options: any other :class:`GeneratorConfig` field (``epochs=10``, ``seed=0``).

    Raises:
        ConfigurationError: an unknown method or option, or an invalid value.
        BackendNotAvailableError: the backend cannot be used; the message names
            the ``pip install`` command.

    Example:
        >>> gen = SyntheticGenerator(method="ctgan", epochs=10, seed=0)  # doctest: +SKIP
        >>> synthetic = gen.fit(df).sample(1_000)  # doctest: +SKIP
        >>> ts = SyntheticGenerator(method="timegan", seq_len=24)  # doctest: +SKIP
        >>> ts.fit(long_df, entity_column="id", order_column="t").sample(100)  # doctest: +SKIP
    """

    def __init__(
        self,
        method: str | None = None,
        backend: BackendType | str | Backend | None = None,
        *,
        config: GeneratorConfig | None = None,
        registry: BackendRegistry | None = None,
        **options: Any,
    ) -> None:
        base = config if config is not None else GeneratorConfig()
        changes: dict[str, Any] = dict(options)
        if method is not None:
            changes["method"] = method
        chosen: Backend | None = None
        if isinstance(backend, Backend):
            chosen, backend = backend, backend.name
        if backend is not None:
            changes["backend"] = backend
        known = {f.name for f in dataclasses.fields(GeneratorConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigurationError(
                f"Unknown option(s) {', '.join(unknown)}; valid options: {', '.join(sorted(known))}"
            )
        self.config: GeneratorConfig = base.replace(**changes) if changes else base
        self._backend: Backend = (
            chosen if chosen is not None else select_backend(self.config.backend, registry=registry)
        )
        self._fitted: _Fitted | TimeGANModel | None = None
        self._sample_rng = np.random.default_rng(self._seed_sequence(_STREAM_SAMPLE))

    # ----------------------------------------------------------------- basics
    @property
    def backend(self) -> Backend:
        """The backend this generator runs on."""
        return self._backend

    @property
    def method(self) -> str:
        """The generation method."""
        return self.config.method

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` (or :meth:`load`) has given the generator a model."""
        return self._fitted is not None

    @property
    def loss_history(self) -> pd.DataFrame:
        """One row per trained epoch: ``epoch`` and the epoch's mean losses.

        TimeGAN: one row per 100 iterations of a phase: ``phase``, ``iteration`` and
        the mean of each of that phase's losses (the other phases' losses are NaN).
        """
        if self._fitted is not None and not isinstance(self._fitted, _Fitted):
            return self._fitted.history_frame()
        if self._fitted is None:
            return pd.DataFrame(columns=["epoch"])
        columns = ["epoch", *self._fitted.method.loss_names]
        return pd.DataFrame(self._fitted.history, columns=columns)

    @property
    def epochs_done(self) -> int:
        """Epochs the model has trained, all fits together (CTGAN, TVAE; 0 before a fit).

        With a checkpoint: ``gen.fit(df, epochs=300 - gen.epochs_done, resume=True)``.

        Raises:
            ConfigurationError: the method is TimeGAN (see :attr:`iterations_done`).
        """
        if self.method == "timegan":
            raise ConfigurationError("timegan trains for iterations; see iterations_done")
        fitted = self._fitted_table()
        return 0 if fitted is None else fitted.epochs_done

    @property
    def iterations_done(self) -> dict[str, int]:
        """TimeGAN: iterations trained in each phase, all fits together (phases never
        run are absent; empty before a fit).

        Raises:
            ConfigurationError: the method is not TimeGAN (see :attr:`epochs_done`).
        """
        if self.method != "timegan":
            raise ConfigurationError(f"{self.method} trains for epochs; see epochs_done")
        if self._fitted is None or isinstance(self._fitted, _Fitted):
            return {}
        return self._fitted.phase_iterations_done()

    @property
    def transformer(self) -> DataTransformer | SequenceTransformer:
        """The fitted data transformer (TimeGAN: the sequence transform)."""
        return self._require_fitted().transformer

    def __repr__(self) -> str:
        if self._fitted is not None and not isinstance(self._fitted, _Fitted):
            state = f"fitted, {self._fitted.iterations_done} iterations"
        else:
            state = f"fitted, {self._fitted.epochs_done} epochs" if self._fitted else "not fitted"
        return (
            f"SyntheticGenerator(method={self.method!r}, backend={self._backend.name!r}, {state})"
        )

    def _seed_sequence(self, stream: int) -> np.random.SeedSequence | None:
        seed = self.config.seed
        return None if seed is None else np.random.SeedSequence([seed, stream])

    def _check_sample_precision(self, precision: str) -> None:
        if precision not in PRECISIONS:
            raise ConfigurationError(
                f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}"
            )
        if precision == "float32":
            return
        if self.method == "timegan":
            raise ConfigurationError("timegan samples in float32 only")
        if not self._has_precision(precision):
            raise MethodNotSupportedError(
                f"The {self._backend.name!r} backend does not sample in precision "
                f"{precision!r} (it does not declare {precision_capability(precision)!r}); "
                "use precision='float32' or load the model on a backend that declares it."
            )

    def _has_precision(self, precision: str) -> bool:
        """Whether the backend computes in ``precision`` (float32: every backend)."""
        return precision == "float32" or self._backend.supports(precision_capability(precision))

    def _fall_back_to_float32(self) -> None:
        """After a load: train on in float32 where the backend lacks the saved precision.

        Precision is a training setting (sampling is float32 on every backend), so a
        model trained in bfloat16 on one backend loads, samples and resumes on a
        backend without bfloat16; its ``config.precision`` then says ``"float32"``.
        """
        if not self._has_precision(self.config.precision):
            self.config = self.config.replace(precision="float32")

    def _require_capability(self) -> None:
        if self._backend.supports(inference_capability(self.method)) and not self._backend.supports(
            self.method
        ):
            raise MethodNotSupportedError(
                f"The {self._backend.name!r} backend only samples saved {self.method!r} models; "
                "to train, install a backend: " + " or ".join(BUILTIN_INSTALL_COMMANDS.values())
            )
        if not self._backend.supports(self.method):
            raise MethodNotSupportedError(
                f"Method {self.method!r} is not implemented for the {self._backend.name!r} backend "
                "(it declares: "
                f"{', '.join(sorted(self._backend.info.capabilities)) or 'nothing'}). "
                "Choose a backend whose capabilities include it; `genesis backends` lists them."
            )
        precision = self.config.precision
        if not self._has_precision(precision):
            raise MethodNotSupportedError(
                f"The {self._backend.name!r} backend does not train in precision {precision!r} "
                f"(it does not declare {precision_capability(precision)!r}); use "
                "precision='float32' or a backend that declares it (`genesis backends`)."
            )

    def _require_fitted(self) -> _Fitted | TimeGANModel:
        if self._fitted is None:
            raise NotFittedError(
                "Call fit() (or SyntheticGenerator.load()) before sampling or saving."
            )
        return self._fitted

    def _fitted_table(self) -> _Fitted | None:
        """The CTGAN or TVAE model (``None`` before a fit); callers checked the method."""
        fitted = self._fitted
        if fitted is not None and not isinstance(fitted, _Fitted):
            raise TypeError(f"{self.method} holds a sequence model, not a tabular one")
        return fitted

    def _runtime_options(self) -> RuntimeOptions:
        return RuntimeOptions(
            device=resolve_device(self._backend, self.config.device),
            seed=self.config.seed,
            num_threads=self.config.num_threads,
            precision=self.config.precision,
        )

    # -------------------------------------------------------------------- fit
    def fit(
        self,
        data: pd.DataFrame | np.ndarray,
        discrete_columns: Sequence[str] | None = None,
        *,
        epochs: int | None = None,
        resume: bool = False,
        callbacks: Sequence[EpochCallback | IntervalCallback] = (),
        iterations: int | Mapping[str, int] | None = None,
        entity_column: str | None = None,
        order_column: str | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        checkpoint_every: int | None = None,
    ) -> SyntheticGenerator:
        """Learn ``data``.

        Args:
            data: the real table. Missing values are learned and reproduced.
                TimeGAN: a long-format DataFrame (one row per step) or a
                ``(sequences, steps, features)`` numpy array, without missing values.
            discrete_columns: columns to treat as categories; by default the
                ``object``, ``string``, ``category`` and ``bool`` columns.
            epochs: epochs for this call (default: the configured epochs).
            resume: continue training the current model (fitted or loaded) on
                ``data`` instead of starting over; the data transform is kept, so
                ``data`` must have the same columns. The run goes on where it
                stopped: the optimizers' state and the random generators continue,
                also after :meth:`save` and :meth:`load` (unless the file was saved
                with ``training_state=False``), so that with a seed, ``a`` epochs and
                then ``b`` more give the weights of one ``a + b`` epoch fit. TimeGAN
                trains on for the configured iterations of each phase, or for
                ``iterations``.
            callbacks: called after every epoch with an
                :class:`~genesis.training.loop.EpochResult` (TimeGAN: after every
                100 iterations of a phase, with an
                :class:`~genesis.timeseries.schedule.IntervalResult`); one that
                returns ``True`` stops training.
            iterations: TimeGAN: iterations for this call, one count for every
                phase or ``{"joint": 5000, ...}`` (phases left out run none);
                default: the configured iterations.
            entity_column: TimeGAN, DataFrame input: the column that says which
                sequence a row belongs to (default: the whole frame is one sequence).
            order_column: TimeGAN, DataFrame input: the column that orders the steps
                of a sequence (default: the row order).
            checkpoint: save the model to this file during the fit, with its
                training state, every ``checkpoint_every`` epochs (TimeGAN:
                iterations of a phase) and when the fit ends (also when a callback
                stops it). Each save replaces the file atomically. After an
                interruption, ``load`` it and call ``fit(..., resume=True)`` with
                the epochs (iterations) still to do: the run goes on exactly as if
                it had not stopped.
            checkpoint_every: epochs between checkpoints (default 10); TimeGAN:
                iterations, a multiple of 100 (default 1,000).

        Returns:
            ``self``.

        Raises:
            MethodNotSupportedError: the backend does not implement the method.
            DataValidationError: the table cannot be learned from (empty, one row,
                an all-missing column, a column of mixed types, ...).
            ConfigurationError: options that do not go together (``iterations``
                for a table, ``checkpoint_every`` without ``checkpoint``, ...).
        """
        if iterations is not None and self.method != "timegan":
            raise ConfigurationError(
                f"iterations apply to method 'timegan' only; {self.method} trains for epochs="
            )
        if checkpoint_every is not None and checkpoint is None:
            raise ConfigurationError("checkpoint_every needs checkpoint=PATH")
        if checkpoint is not None and Path(checkpoint).is_dir():
            raise ConfigurationError(f"checkpoint {checkpoint} is a directory; give a file name")
        sequences = self.method == "timegan"
        every = check_every(
            checkpoint_every
            if checkpoint_every is not None
            else (DEFAULT_CHECKPOINT_ITERATIONS if sequences else DEFAULT_CHECKPOINT_EPOCHS),
            sequences=sequences,
        )
        self._require_capability()
        if self.method == "timegan":
            if epochs is not None:
                raise ConfigurationError(
                    "timegan trains for a number of iterations per phase (iterations=), not epochs"
                )
            return self._fit_timegan(
                data,
                discrete_columns,
                resume=resume,
                iterations=iterations,
                callbacks=callbacks,
                entity_column=entity_column,
                order_column=order_column,
                checkpoint=None if checkpoint is None else (Path(checkpoint), every),
            )
        if entity_column is not None or order_column is not None:
            raise ConfigurationError(
                "entity_column and order_column apply to method 'timegan' only"
            )
        if self.method not in ("ctgan", "tvae"):
            raise MethodNotSupportedError(f"Method {self.method!r} does not fit tables.")
        if epochs is not None and (not isinstance(epochs, int) or epochs < 1):
            raise ConfigurationError(f"epochs must be a positive integer, got {epochs!r}")
        if not isinstance(data, pd.DataFrame):
            raise DataValidationError(
                f"fit() takes a pandas DataFrame, got {type(data).__name__}; "
                "wrap arrays with pandas.DataFrame(array, columns=[...])."
            )
        # One generator draws the transform's fit, then its encoding (the mode of each
        # value), then the batches. A resumed fit replays the encoding's draws from
        # the state they started in and goes on drawing batches where the last fit
        # stopped, so that resuming continues the same run.
        rng = np.random.default_rng(self._seed_sequence(_STREAM_FIT))
        previous = self._fitted_table()
        if resume and previous is not None:
            fitted = previous
            missing = [c for c in fitted.transformer.columns if c not in data.columns]
            extra = [c for c in data.columns if c not in fitted.transformer.columns]
            if missing or extra:
                raise DataValidationError(
                    "resume=True needs the columns the model was fitted on; "
                    f"missing: {missing or 'none'}, unexpected: {extra or 'none'}"
                )
            data = cast(pd.DataFrame, data[list(fitted.transformer.columns)])
            if fitted.encoding_rng is not None:
                rng = rng_from_json(fitted.encoding_rng)
            transformed = fitted.transformer.transform(data, rng=rng)
            rng = fitted.rng if fitted.rng is not None else rng
        else:
            transformer = DataTransformer().fit(
                data,
                discrete_columns,
                rng=rng,
                max_fit_rows=self.config.mixture_fit_rows,
                max_categories=self.config.max_categories,
            )
            encoding_rng = rng_to_json(rng)
            transformed = transformer.transform(data, rng=rng)
            method = make_tabular_method(self.method, self.config.method_params())
            spec = method.spec(transformer)
            model = self._backend.build_model(spec, self._runtime_options())
            fitted = _Fitted(
                transformer=transformer,
                method=method,
                spec=spec,
                model=model,
                encoding_rng=encoding_rng,
            )
        fitted.rng = rng

        sampler = ConditionalSampler(fitted.transformer, transformed)
        method = fitted.method
        n_epochs = epochs if epochs is not None else self.config.method_params().epochs
        backend, model = self._backend, fitted.model
        # a tabular fit calls them with an EpochResult
        epoch_callbacks = cast("list[EpochCallback]", list(callbacks))
        if checkpoint is not None:
            target = Path(checkpoint)

            def save_checkpoint(rows: list[dict[str, Any]]) -> None:
                self._write(fitted, target, history=fitted.history + rows)

            epoch_callbacks.insert(0, EpochCheckpoint(save_checkpoint, every))
        history = run_epochs(
            n_epochs,
            fitted.epochs_done + 1,
            lambda: method.epoch_batches(transformed, sampler, rng),
            lambda batch: backend.train_step(model, batch),
            loss_names=method.loss_names,
            steps_per_epoch=method.steps_per_epoch(len(transformed)),
            verbose=self.config.verbose,
            callbacks=epoch_callbacks,
            description=f"{self.method} [{backend.name}]",
        )
        fitted.history.extend(history)
        if checkpoint is not None:
            self._write(fitted, checkpoint)
        self._fitted = fitted
        self._sample_rng = np.random.default_rng(self._seed_sequence(_STREAM_SAMPLE))
        return self

    def _fit_timegan(
        self,
        data: pd.DataFrame | np.ndarray,
        discrete_columns: Sequence[str] | None,
        *,
        resume: bool,
        iterations: int | Mapping[str, int] | None,
        callbacks: Sequence[Any],
        entity_column: str | None,
        order_column: str | None,
        checkpoint: tuple[Path, int] | None,
    ) -> SyntheticGenerator:
        from genesis.timeseries.model import TimeGANModel

        params = _with_iterations(self.config.timegan_params(), iterations)
        fitted = self._fitted
        if resume and isinstance(fitted, TimeGANModel):
            if entity_column is not None or order_column is not None or discrete_columns:
                raise ConfigurationError(
                    "resume=True keeps the transform of the first fit; entity_column, "
                    "order_column and discrete_columns cannot change"
                )
            if fitted.rng is None:
                fitted.rng = np.random.default_rng(self._seed_sequence(_STREAM_FIT))
            windows = fitted.transformer.transform(data)
        else:
            fitted, windows = TimeGANModel.build(
                self._backend,
                self._runtime_options(),
                params,
                data,
                np.random.default_rng(self._seed_sequence(_STREAM_FIT)),
                entity_column=entity_column,
                order_column=order_column,
                discrete_columns=discrete_columns,
            )
        if checkpoint is not None:
            target, every = checkpoint
            model = fitted

            def save_checkpoint(rows: list[dict[str, Any]]) -> None:
                self._write(model, target, history=model.history + rows)

            callbacks = [IntervalCheckpoint(save_checkpoint, every), *callbacks]
        fitted.train(
            self._backend, params, windows, verbose=self.config.verbose, callbacks=callbacks
        )
        if checkpoint is not None:
            self._write(fitted, checkpoint[0])
        self._fitted = fitted
        self._sample_rng = np.random.default_rng(self._seed_sequence(_STREAM_SAMPLE))
        return self

    # ----------------------------------------------------------------- sample
    def sample(
        self,
        n: int,
        conditions: Mapping[str, Any] | None = None,
        *,
        seed: int | None = None,
        precision: str = "float32",
    ) -> pd.DataFrame | Any:
        """Generate ``n`` synthetic rows (TimeGAN: ``n`` sequences).

        Args:
            n: how many rows (a positive integer); TimeGAN: how many sequences of
                ``seq_len`` steps, returned in the fitted data's format (a
                long-format DataFrame with fresh ids, or a 3-D array).
            conditions: discrete column → value; every returned row has these
                values. CTGAN conditions its generator on the first column (the
                bit in that column's own block of the condition vector); further
                columns, and all columns for TVAE, are met by drawing more rows
                and keeping those that match.
            seed: draw this call's noise from a fresh generator seeded with
                ``seed`` (default: the generator's own stream, seeded by
                ``config.seed``).
            precision: ``"bfloat16"`` runs CTGAN's generator or TVAE's decoder in
                bfloat16, several times faster on CPUs with native bfloat16 (and
                on GPUs); the raw outputs then differ from float32 in the third
                significant digit, so the rows are not those of a float32 call
                with the same seed. Backends that declare ``precision:bfloat16``
                only (torch); the default, float32, is the same on every backend.

        Returns:
            A DataFrame with the fitted table's columns and dtypes; for TimeGAN
            fitted on a 3-D array, a ``(n, seq_len, features)`` numpy array. Typed
            ``DataFrame | Any`` (typeshed's advice for a return type that depends on
            state a type checker cannot see): checkers verify DataFrame use without
            making every caller narrow a union.

        Raises:
            NotFittedError: nothing fitted or loaded yet.
            ConfigurationError: ``n`` is not a positive integer, or ``precision`` is
                not a known precision (or not float32 for TimeGAN).
            MethodNotSupportedError: the backend does not declare ``precision``.
            UnknownColumnError, UnknownValueError: a condition names a column that
                is not a discrete column of the table, or a value never seen.
            GenesisError: the conditions are too rare to reach ``n`` rows.
        """
        fitted = self._require_fitted()
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ConfigurationError(f"n must be a positive integer, got {n!r}")
        n = int(n)
        self._check_sample_precision(precision)
        rng = np.random.default_rng(seed) if seed is not None else self._sample_rng
        if not isinstance(fitted, _Fitted):
            if conditions:
                raise ConfigurationError(
                    "timegan samples unconditionally; conditions are not supported"
                )
            return fitted.sample(self._backend, n, rng)
        targets = self._condition_targets(fitted, conditions or {})
        weights = self._decode_weights(fitted)
        sampler = ConditionalSampler(fitted.transformer)
        conditioned = targets[:1] if fitted.method.conditional else []
        cond_fixed = (
            sampler.condition_vector({targets[0].column: targets[0].value}, 1)
            if conditioned
            else None
        )
        frames: list[pd.DataFrame] = []
        have, drawn = 0, 0
        rejecting = len(targets) > len(conditioned)
        if not rejecting:
            sizes = [min(SAMPLE_CHUNK_ROWS, n - start) for start in range(0, n, SAMPLE_CHUNK_ROWS)]
            chunks = self._pipelined(fitted, sizes, rng, sampler, cond_fixed, weights, precision)
            for chunk in chunks:
                self._set_condition(chunk, conditioned, targets)
                frame = fitted.transformer.inverse_choices(chunk.scalars, chunk.choices, rng)
                frames.append(self._pin_values(fitted, frame, targets))
            have = n
        budget = max(n * MAX_CANDIDATES_PER_ROW, 1_000_000)
        while have < n:  # conditions met by rejection: draw until enough rows match
            if drawn >= budget:
                raise GenesisError(
                    f"Only {have} of {n} rows matching {dict(conditions or {})} came out of "
                    f"{drawn} generated rows; the combination is too rare in what the model "
                    "learned."
                )
            m = SAMPLE_CHUNK_ROWS
            inputs = self._network_inputs(fitted, m, rng, sampler, cond_fixed)
            raw = self._backend.generate(fitted.model, *inputs, precision)
            rows = self._draw(fitted, raw, weights, rng)
            drawn += m
            self._set_condition(rows, conditioned, targets)
            keep = np.ones(m, dtype=bool)
            for target in targets:
                if not (conditioned and target.column == conditioned[0].column):
                    keep &= rows.choices[target.position] == target.category
            rows = rows.take(np.flatnonzero(keep)[: n - have])
            if len(rows):
                frame = fitted.transformer.inverse_choices(rows.scalars, rows.choices, rng)
                frames.append(self._pin_values(fitted, frame, targets))
                have += len(rows)
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        out.index = pd.RangeIndex(len(out))  # not reset_index: pandas 2 copies the frame
        return out

    @staticmethod
    def _network_inputs(
        fitted: _Fitted,
        m: int,
        rng: np.random.Generator,
        sampler: ConditionalSampler,
        cond_fixed: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The noise (and, for CTGAN, the condition vectors) of ``m`` rows."""
        noise = standard_normal(rng, (m, fitted.method.embedding_dim))
        cond = None
        if fitted.method.conditional:
            cond = (
                np.repeat(cond_fixed, m, axis=0)
                if cond_fixed is not None
                else sampler.sample_original(m, rng)
            )
        return noise, cond

    @staticmethod
    def _draw(
        fitted: _Fitted,
        raw: np.ndarray,
        weights: Mapping[str, np.ndarray],
        rng: np.random.Generator,
    ) -> DrawnRows:
        return fitted.method.draw(np.asarray(raw, dtype=np.float32), fitted.spec, weights, rng)

    def _pipelined(
        self,
        fitted: _Fitted,
        sizes: Sequence[int],
        rng: np.random.Generator,
        sampler: ConditionalSampler,
        cond_fixed: np.ndarray | None,
        weights: Mapping[str, np.ndarray],
        precision: str,
    ) -> Iterator[DrawnRows]:
        """The drawn rows of chunks of ``sizes`` rows, in order.

        A worker thread runs the network one chunk ahead: while it works on chunk
        ``k + 1``, this thread decodes chunk ``k``, draws the next chunk's noise,
        and the caller turns chunk ``k`` into a frame (numpy and pandas, which the
        network would otherwise wait for; the network, a few large products, is the
        one part that runs on several cores by itself). The randomness stays
        independent of the threads' timing: the noise and conditions are drawn
        here, and each chunk's decoding draws from its own generator, seeded here
        from ``rng`` in chunk order.
        """

        def network(noise: np.ndarray, cond: np.ndarray | None) -> np.ndarray:
            return self._backend.generate(fitted.model, noise, cond, precision)

        def chunk_inputs(m: int) -> tuple[np.ndarray, np.ndarray | None, np.random.Generator]:
            noise, cond = self._network_inputs(fitted, m, rng, sampler, cond_fixed)
            return noise, cond, np.random.default_rng(rng.integers(0, 2**63))

        if len(sizes) == 1:
            noise, cond, decode_rng = chunk_inputs(sizes[0])
            yield self._draw(fitted, network(noise, cond), weights, decode_rng)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="genesis-sample") as worker:
            pending: tuple[Future[np.ndarray], np.random.Generator] | None = None
            for m in sizes:
                noise, cond, decode_rng = chunk_inputs(m)
                future = worker.submit(network, noise, cond)
                if pending is not None:
                    yield self._draw(fitted, pending[0].result(), weights, pending[1])
                pending = future, decode_rng
            assert pending is not None
            yield self._draw(fitted, pending[0].result(), weights, pending[1])

    @staticmethod
    def _set_condition(
        rows: DrawnRows,
        conditioned: Sequence[_ConditionTarget],
        targets: Sequence[_ConditionTarget],
    ) -> None:
        """Set the conditioned column's category to its value (CTGAN's first condition)."""
        for target in targets:
            if conditioned and target.column == conditioned[0].column:
                rows.choices[target.position] = target.category

    @staticmethod
    def _condition_targets(
        fitted: _Fitted, conditions: Mapping[str, Any]
    ) -> list[_ConditionTarget]:
        if not isinstance(conditions, Mapping):
            raise ConfigurationError("conditions must be a mapping of column name to value")
        transformer = fitted.transformer
        spans = {s.column: s for s in transformer.condition_spans()}
        softmax_starts = [s.start for s in fitted.spec.output_spans if s.activation == "softmax"]
        targets = []
        for column, value in conditions.items():
            if column not in spans:
                kind = (
                    "a continuous column"
                    if column in transformer.columns
                    else "not a column of the table"
                )
                raise UnknownColumnError(
                    f"Cannot condition on {column!r}: it is {kind}; conditions apply to the "
                    f"discrete columns: {', '.join(spans) or 'none'}"
                )
            index = transformer.category_index(column, value)
            position = softmax_starts.index(spans[column].data_start)
            targets.append(_ConditionTarget(column, value, index, position))
        return targets

    @staticmethod
    def _pin_values(
        fitted: _Fitted, frame: pd.DataFrame, targets: list[_ConditionTarget]
    ) -> pd.DataFrame:
        # A value merged into the rare-values bucket decodes to a random merged value;
        # the caller asked for one in particular.
        for column, value, index, _ in targets:
            if fitted.transformer.rare_category_index(column) == index:
                frame[column] = pd.Series(
                    [value] * len(frame), dtype=frame[column].dtype, index=frame.index
                )
        return frame

    def _decode_weights(self, fitted: _Fitted) -> Mapping[str, np.ndarray]:
        if fitted.method.name == "tvae":
            return {"decoder.sigma": self._backend.get_weights(fitted.model)["decoder.sigma"]}
        return {}

    # ------------------------------------------------------------- save/load
    def save(
        self,
        path: str | os.PathLike[str],
        *,
        overwrite: bool = True,
        training_state: bool = True,
    ) -> Path:
        """Save the fitted model to one file (safetensors weights + JSON; no pickle).

        The write is atomic: an error leaves any existing file untouched.

        Args:
            path: the file to write.
            overwrite: replace an existing file (otherwise ``FileExistsError``).
            training_state: also save what a later ``fit(..., resume=True)`` needs
                to continue the run exactly: the optimizers' moments and step
                counts, and the random generators' states. This roughly triples
                the file's size; ``False`` keeps only what sampling needs (a
                resumed fit then restarts its optimizers).

        Returns:
            The path written.
        """
        return self._write(
            self._require_fitted(), path, overwrite=overwrite, training_state=training_state
        )

    def _write(
        self,
        fitted: _Fitted | TimeGANModel,
        path: str | os.PathLike[str],
        *,
        overwrite: bool = True,
        training_state: bool = True,
        history: list[dict[str, Any]] | None = None,
    ) -> Path:
        """Write ``fitted`` (with ``history`` instead of its own, for a checkpoint)."""
        from genesis.io.model_file import ModelFile, write_model_file
        from genesis.io.serialize import config_to_json, spec_to_json

        weights = self._backend.get_weights(fitted.model)
        if not isinstance(fitted, _Fitted):
            validate_sequence_weights(fitted.spec, weights)
        else:
            validate_weights(fitted.spec, weights)
        state_arrays: dict[str, np.ndarray] = {}
        state_document: dict[str, Any] = {}
        if training_state:
            state_arrays = self._backend.get_training_state(fitted.model) or {}
            shapes = {name: array.shape for name, array in weights.items()}
            validate_training_state(fitted.spec, state_arrays, shapes)
            if fitted.rng is not None:
                state_document["rng"] = rng_to_json(fitted.rng)
            if isinstance(fitted, _Fitted) and fitted.encoding_rng is not None:
                state_document["encoding_rng"] = fitted.encoding_rng
        document: dict[str, Any] = {
            "genesis_version": __version__,
            "method": self.method,
            "trained_with": {
                "backend": self._backend.name,
                "framework": self._backend.info.framework,
                "framework_version": self._backend.info.framework_version,
            },
            "config": config_to_json(self.config),
            "spec": spec_to_json(fitted.spec),
        }
        if not isinstance(fitted, _Fitted):
            document.update(fitted.to_document(history))
        else:
            document["transformer"] = fitted.transformer.to_state()
            document["history"] = fitted.history if history is None else history
        if state_document:
            document["training_state"] = state_document
        return write_model_file(
            path,
            ModelFile(document=document, weights=weights, training_state=state_arrays),
            overwrite=overwrite,
        )

    def _restore_training_state(self, content: ModelFile, path: str | os.PathLike[str]) -> None:
        """After a load: the optimizers' and generators' state, where the file has it."""
        fitted = self._require_fitted()
        if content.training_state:
            shapes = {name: array.shape for name, array in content.weights.items()}
            validate_training_state(fitted.spec, content.training_state, shapes)
            try:
                self._backend.set_training_state(fitted.model, dict(content.training_state))
            except (ValueError, TypeError, RuntimeError) as exc:
                raise ModelFileError(
                    f"{path}: the {self._backend.name!r} backend cannot load the file's "
                    f"training state: {exc}"
                ) from exc
        saved = content.document.get("training_state", {})
        if not isinstance(saved, dict):
            raise ModelFileError(f"{path}: the training state description is invalid")
        if "rng" in saved:
            fitted.rng = rng_from_json(saved["rng"])
        if isinstance(fitted, _Fitted) and "encoding_rng" in saved:
            rng_from_json(saved["encoding_rng"])  # checked now, used when resuming
            fitted.encoding_rng = dict(saved["encoding_rng"])

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        backend: BackendType | str | None = None,
        *,
        registry: BackendRegistry | None = None,
        **options: Any,
    ) -> SyntheticGenerator:
        """Load a model saved by :meth:`save`.

        Args:
            path: the model file.
            backend: the backend to run it on (default: automatic selection);
                weights are framework-neutral.
            registry: discovered backends to choose from.
            **options: configuration fields to change (``verbose``, ``device``, ...).

        Raises:
            ModelFileError: the file is missing, corrupt, tampered with, or
                incompatible.
        """
        from genesis.io.model_file import read_model_file
        from genesis.io.serialize import config_from_json, spec_from_json

        content = read_model_file(path)
        doc = content.document
        if doc.get("method") == "timegan":
            gen = cls._load_timegan(path, doc, content.weights, backend, registry, options)
            gen._restore_training_state(content, path)
            return gen
        try:
            config = config_from_json(doc["config"])
            spec = spec_from_json(doc["spec"])
            transformer = DataTransformer.from_state(doc["transformer"])
            history = list(doc.get("history", []))
        except ModelFileError:
            raise
        except Exception as exc:
            raise ModelFileError(f"{path}: the model description is invalid: {exc!r}") from exc
        config = config.replace(backend=backend if backend is not None else BackendType.AUTO)
        registry = _registry_for_loading(config.backend, registry)
        gen = cls(config=config, registry=registry, **options)
        gen._fall_back_to_float32()
        if not gen._backend.supports(inference_capability(gen.method)):
            gen._require_capability()
        validate_weights(spec, content.weights)
        if transformer.output_dim != spec.data_dim:
            raise ModelFileError(
                f"{path}: the data transform and the networks disagree on the row width"
            )
        params = cast(CTGANParams | TVAEParams, spec.params)  # spec_from_json checked it
        method = make_tabular_method(spec.method, params)
        model = gen._backend.build_model(spec, gen._runtime_options())
        gen._backend.set_weights(model, content.weights)
        gen._fitted = _Fitted(
            transformer=transformer, method=method, spec=spec, model=model, history=history
        )
        gen._restore_training_state(content, path)
        return gen

    @classmethod
    def _load_timegan(
        cls,
        path: str | os.PathLike[str],
        doc: dict[str, Any],
        weights: dict[str, np.ndarray],
        backend: BackendType | str | None,
        registry: BackendRegistry | None,
        options: dict[str, Any],
    ) -> SyntheticGenerator:
        from genesis.io.serialize import config_from_json, spec_from_json

        try:
            config = config_from_json(doc["config"])
            spec = spec_from_json(doc["spec"])
        except ModelFileError:
            raise
        except Exception as exc:
            raise ModelFileError(f"{path}: the model description is invalid: {exc!r}") from exc
        config = config.replace(backend=backend if backend is not None else BackendType.AUTO)
        registry = _registry_for_loading(config.backend, registry)
        gen = cls(config=config, registry=registry, **options)
        gen._fall_back_to_float32()
        if not gen._backend.supports(inference_capability(gen.method)):
            gen._require_capability()
        from genesis.timeseries.model import TimeGANModel

        gen._fitted = TimeGANModel.from_document(
            doc, spec, weights, gen._backend, gen._runtime_options()
        )
        return gen


def _registry_for_loading(
    backend: BackendType | str, registry: BackendRegistry | None
) -> BackendRegistry | None:
    """The numpy inference backend when asked for, or when no training backend is
    installed."""
    name = requested_backend_name(backend)
    if name == NUMPY_BACKEND:
        return numpy_inference_registry()
    if name == "auto":
        found = registry if registry is not None else discover_backends()
        return found if found.available() else numpy_inference_registry()
    return registry


def _with_iterations(params: Any, iterations: int | Mapping[str, int] | None) -> Any:
    """``params`` (TimeGANParams) with this call's iteration counts, if any."""
    if iterations is None:
        return params
    if isinstance(iterations, Mapping):
        unknown = sorted(set(iterations) - set(PHASES))
        if unknown:
            raise ConfigurationError(
                f"unknown TimeGAN phases {unknown} in iterations; phases: {', '.join(PHASES)}"
            )
        counts = {phase: iterations.get(phase, 0) for phase in PHASES}
    else:
        counts = dict.fromkeys(PHASES, iterations)
    for phase, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
            raise ConfigurationError(
                f"iterations of the {phase} phase must be a non-negative integer, got {count!r}"
            )
    return dataclasses.replace(
        params, **{f"{phase}_iterations": int(count) for phase, count in counts.items()}
    )
