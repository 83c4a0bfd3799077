"""Sequences: the windowing transform, TimeGAN's training schedule, and sample data.

Modules: :mod:`~genesis.timeseries.transform` (long-format frames or 3-D arrays
to scaled windows and back), :mod:`~genesis.timeseries.schedule` (batches,
phases, loss history, progress), :mod:`~genesis.timeseries.model` (a fitted
TimeGAN, as :class:`genesis.SyntheticGenerator` holds it) and
:mod:`~genesis.timeseries.sines` (the paper's Sines data).

Example:
    >>> from genesis import SyntheticGenerator
    >>> gen = SyntheticGenerator(method="timegan", seq_len=24, iterations=2000)  # doctest: +SKIP
    >>> gen.fit(df, entity_column="id", order_column="date")  # doctest: +SKIP
    >>> gen.sample(100)  # 100 sequences, long format, fresh ids  # doctest: +SKIP
"""

from __future__ import annotations

from genesis.timeseries.model import TimeGANModel
from genesis.timeseries.schedule import (
    IntervalCallback,
    IntervalResult,
    PhaseTiming,
    WindowSampler,
    run_phase,
    run_schedule,
)
from genesis.timeseries.sines import make_sines
from genesis.timeseries.transform import DEFAULT_ENTITY_COLUMN, SequenceTransformer

__all__ = [
    "DEFAULT_ENTITY_COLUMN",
    "IntervalCallback",
    "IntervalResult",
    "PhaseTiming",
    "SequenceTransformer",
    "TimeGANModel",
    "WindowSampler",
    "make_sines",
    "run_phase",
    "run_schedule",
]
