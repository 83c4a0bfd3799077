"""User-facing configuration of a generator."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from genesis.backends.info import BackendType
from genesis.errors import ConfigurationError
from genesis.models.spec import CTGANParams, TVAEParams
from genesis.models.timegan import TimeGANParams

__all__ = ["METHODS", "PRECISIONS", "GeneratorConfig"]

#: The methods Genesis defines. Whether a backend implements one is its capability.
METHODS: tuple[str, ...] = ("ctgan", "tvae", "timegan")

#: Training precisions. ``"bfloat16"`` is mixed precision, for CTGAN and TVAE on a
#: backend that declares ``precision:bfloat16``.
PRECISIONS: tuple[str, ...] = ("float32", "bfloat16")


@dataclass
class GeneratorConfig:
    """Everything that decides how a generator is built and trained.

    Attributes:
        method: ``"ctgan"``, ``"tvae"`` or ``"timegan"``.
        backend: a :class:`BackendType`, an installed backend's name, or ``AUTO``
            (then ``GENESIS_BACKEND``, then priority order decides).
        device: ``"auto"`` (then ``GENESIS_DEVICE``, then the best device the
            backend sees), ``"cpu"``, ``"cuda"`` or ``"mps"``.
        seed: makes a fit and its samples repeat exactly on the same backend and
            machine; ``None`` for fresh randomness.
        epochs: overrides the method's epoch count (``ctgan.epochs``/``tvae.epochs``);
            not for TimeGAN, which counts iterations.
        batch_size: overrides the method's batch size.
        seq_len: TimeGAN: overrides ``timegan.seq_len`` (steps per sequence).
        iterations: TimeGAN: overrides the iterations of each of the three phases.
        verbose: show a progress bar while fitting.
        num_threads: framework threads; ``None`` lets the backend choose.
        precision: ``"float32"`` (default) or ``"bfloat16"``: mixed-precision
            training of CTGAN and TVAE, matrix products in bfloat16 and everything
            else in float32. Faster where the hardware computes bfloat16 natively
            (recent x86 CPUs with AVX512-BF16 or AMX, CUDA GPUs), at a small cost in
            precision; results differ from float32 ones. Sampling is float32 either way.
        ctgan: CTGAN hyperparameters (paper defaults).
        tvae: TVAE hyperparameters (paper defaults).
        timegan: TimeGAN hyperparameters (the authors' defaults).
        max_categories: most categories one discrete column keeps; rarer values
            share one bucket (see :class:`genesis.data.transformer.DataTransformer`).
        mixture_fit_rows: rows subsampled to fit each column's mixture (``None``: all).
    """

    method: str = "ctgan"
    backend: BackendType | str = BackendType.AUTO
    device: str = "auto"
    seed: int | None = None
    epochs: int | None = None
    batch_size: int | None = None
    verbose: bool = True
    num_threads: int | None = None
    precision: str = "float32"
    ctgan: CTGANParams = field(default_factory=CTGANParams)
    tvae: TVAEParams = field(default_factory=TVAEParams)
    timegan: TimeGANParams = field(default_factory=TimeGANParams)
    seq_len: int | None = None
    iterations: int | None = None
    max_categories: int = 1000
    mixture_fit_rows: int | None = 20_000

    def __post_init__(self) -> None:
        self.method = str(self.method).strip().lower()
        if self.method not in METHODS:
            raise ConfigurationError(
                f"Unknown method {self.method!r}; choose one of: {', '.join(METHODS)}"
            )
        for name in ("epochs", "batch_size", "num_threads", "seq_len"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
        iterations = self.iterations
        if iterations is not None and (
            isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0
        ):
            raise ConfigurationError(
                f"iterations must be a non-negative integer, got {self.iterations!r}"
            )
        if self.method == "timegan" and self.epochs is not None:
            raise ConfigurationError(
                "epochs does not apply to timegan, which trains for a number of iterations per "
                "phase; pass iterations=N (or set timegan=TimeGANParams(...))"
            )
        if self.method != "timegan":
            for name in ("seq_len", "iterations"):
                if getattr(self, name) is not None:
                    raise ConfigurationError(
                        f"{name} applies to method 'timegan' only, not {self.method!r}"
                    )
        self.precision = str(self.precision).strip().lower()
        if self.precision not in PRECISIONS:
            raise ConfigurationError(
                f"Unknown precision {self.precision!r}; choose one of: {', '.join(PRECISIONS)}"
            )
        if self.precision != "float32" and self.method == "timegan":
            raise ConfigurationError(
                f"precision {self.precision!r} applies to ctgan and tvae; TimeGAN's small "
                "recurrent networks train in float32"
            )
        if self.seed is not None and not isinstance(self.seed, int):
            raise ConfigurationError(f"seed must be an integer or None, got {self.seed!r}")
        if self.mixture_fit_rows is not None and self.mixture_fit_rows < 1:
            raise ConfigurationError("mixture_fit_rows must be a positive integer or None")
        if self.max_categories < 2:
            raise ConfigurationError("max_categories must be at least 2")

    def replace(self, **changes: Any) -> GeneratorConfig:
        """Return a copy with ``changes`` applied (validated again)."""
        return dataclasses.replace(self, **changes)

    def timegan_params(self) -> TimeGANParams:
        """The TimeGAN hyperparameters with ``seq_len``/``iterations``/``batch_size`` applied."""
        overrides: dict[str, Any] = {}
        if self.seq_len is not None:
            overrides["seq_len"] = self.seq_len
        if self.batch_size is not None:
            overrides["batch_size"] = self.batch_size
        if self.iterations is not None:
            for phase in ("embedding", "supervised", "joint"):
                overrides[f"{phase}_iterations"] = self.iterations
        return dataclasses.replace(self.timegan, **overrides) if overrides else self.timegan

    def method_params(self) -> CTGANParams | TVAEParams:
        """The hyperparameters of :attr:`method`, with ``epochs``/``batch_size`` overrides
        applied."""
        params: CTGANParams | TVAEParams
        if self.method == "ctgan":
            params = self.ctgan
        elif self.method == "tvae":
            params = self.tvae
        else:
            raise ConfigurationError(f"Method {self.method!r} has no tabular hyperparameters")
        overrides: dict[str, Any] = {
            k: v
            for k, v in (("epochs", self.epochs), ("batch_size", self.batch_size))
            if v is not None
        }
        return dataclasses.replace(params, **overrides) if overrides else params
