"""TimeGAN's training schedule as the core runs it: batches, phases, history, progress.

The core draws every batch with one seeded :class:`numpy.random.Generator`
(:class:`WindowSampler`): for each round of an iteration, ``batch`` distinct
windows uniformly at random, and for the joint phase ``Z ~ U(0, 1)`` of the
same shape. The backend runs the iteration (:func:`run_phase` calls
``Backend.train_step`` once per iteration) and returns its losses; this module
averages them into one history row per :data:`HISTORY_INTERVAL` iterations,
hands each row to the caller's callbacks (:class:`IntervalResult`; one that
returns ``True`` stops training), shows a progress bar per phase, and stops with
a clear error if a loss stops being finite.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from genesis.errors import GenesisError
from genesis.models.timegan import (
    GENERATOR_ROUNDS,
    LOSS_NAMES,
    PHASES,
    TimeGANBatch,
    TimeGANParams,
)

__all__ = [
    "HISTORY_INTERVAL",
    "IntervalCallback",
    "IntervalResult",
    "PhaseTiming",
    "WindowSampler",
    "run_phase",
    "run_schedule",
]

#: Iterations averaged into one loss-history row.
HISTORY_INTERVAL = 100

#: One training iteration: a batch in, the losses by name out.
StepFunction = Callable[[TimeGANBatch], dict[str, float]]


@dataclass(frozen=True)
class IntervalResult:
    """What a TimeGAN callback sees after every :data:`HISTORY_INTERVAL` iterations.

    Attributes:
        phase: ``"embedding"``, ``"supervised"`` or ``"joint"``.
        iteration: the phase's iteration the interval ends at, counting the
            iterations of earlier fits of the same model (1-based).
        losses: the mean of each of the phase's losses over the interval.
        iterations: the iterations in the interval (the last one of a phase can be
            shorter).
    """

    phase: str
    iteration: int
    losses: dict[str, float]
    iterations: int


#: Called with each :class:`IntervalResult`; returning ``True`` stops training.
IntervalCallback = Callable[[IntervalResult], "bool | None"]


class WindowSampler:
    """Draws TimeGAN batches from the training windows.

    Args:
        windows: ``(n, seq_len, D)`` float32 windows in [0, 1].
        batch_size: windows per round (capped at ``n``).
        rng: the generator every draw comes from.
    """

    def __init__(self, windows: np.ndarray, batch_size: int, rng: np.random.Generator) -> None:
        self.windows = np.ascontiguousarray(windows, dtype=np.float32)
        self.batch = min(int(batch_size), len(self.windows))
        self.rng = rng

    def rounds(self, phase: str) -> int:
        """Rounds of real windows (and noise) one iteration of ``phase`` takes."""
        return GENERATOR_ROUNDS + 1 if phase == "joint" else 1

    def draw(self, phase: str) -> TimeGANBatch:
        """The batch of one iteration of ``phase``."""
        rounds = self.rounds(phase)
        n = len(self.windows)
        index = np.stack(
            [self.rng.choice(n, self.batch, replace=False, shuffle=False) for _ in range(rounds)]
        )
        real = self.windows[index]
        noise = self.rng.random(real.shape, dtype=np.float32) if phase == "joint" else None
        return TimeGANBatch(phase=phase, real=real, noise=noise)  # type: ignore[arg-type]


@dataclass
class PhaseTiming:
    """Wall time of one phase: ``iterations`` took ``seconds``.

    ``stopped`` says that a callback asked to stop training during the phase.
    """

    phase: str
    iterations: int
    seconds: float
    stopped: bool = False

    @property
    def seconds_per_iteration(self) -> float:
        """Mean seconds per iteration (NaN when the phase had none)."""
        return self.seconds / self.iterations if self.iterations else float("nan")


@dataclass
class _Interval:
    sums: dict[str, float] = field(default_factory=dict)
    count: int = 0


def run_phase(
    phase: str,
    iterations: int,
    sampler: WindowSampler,
    step: StepFunction,
    *,
    verbose: bool = False,
    description: str = "timegan",
    first_iteration: int = 1,
    callbacks: Sequence[IntervalCallback] = (),
) -> tuple[list[dict[str, Any]], PhaseTiming]:
    """Run ``iterations`` iterations of ``phase``.

    Args:
        phase: ``"embedding"``, ``"supervised"`` or ``"joint"``.
        iterations: how many.
        sampler: draws each iteration's batch.
        step: runs one iteration (``Backend.train_step`` on the model).
        verbose: show a tqdm progress bar for the phase.
        description: the progress bar's label (the phase is appended).
        first_iteration: the number the first iteration gets (a resumed fit counts on).
        callbacks: called with an :class:`IntervalResult` after each history row.

    Returns:
        The history rows (``phase``, ``iteration`` = the last iteration of the row's
        interval, and the mean of each loss over the interval) and the phase's timing
        (the iterations actually run, and whether a callback asked to stop).

    Raises:
        GenesisError: a loss became NaN or infinite.
    """
    names = LOSS_NAMES[phase]
    rows: list[dict[str, Any]] = []
    bar = _progress(iterations, verbose, f"{description} {phase}")
    interval = _Interval(dict.fromkeys(names, 0.0))
    start = time.perf_counter()
    done, stop = 0, False
    try:
        for i in range(1, iterations + 1):
            losses = step(sampler.draw(phase))
            done = i
            for name in names:
                interval.sums[name] += losses[name]
            interval.count += 1
            if interval.count == HISTORY_INTERVAL or i == iterations:
                number = first_iteration + i - 1
                row = {name: interval.sums[name] / interval.count for name in names}
                _check_finite(row, phase, number)
                rows.append({"phase": phase, "iteration": number, **row})
                result = IntervalResult(phase, number, dict(row), interval.count)
                interval = _Interval(dict.fromkeys(names, 0.0))
                if bar is not None:
                    bar.set_postfix({k: f"{v:.4g}" for k, v in row.items()}, refresh=False)
                # every callback sees every interval, even after one asked to stop
                stop = any([bool(callback(result)) for callback in callbacks])
            if bar is not None:
                bar.update(1)
            if stop:
                break
    finally:
        if bar is not None:
            bar.close()
    return rows, PhaseTiming(phase, done, time.perf_counter() - start, stopped=stop)


def run_schedule(
    params: TimeGANParams,
    sampler: WindowSampler,
    step: StepFunction,
    *,
    verbose: bool = False,
    description: str = "timegan",
    iterations_done: Mapping[str, int] | None = None,
    callbacks: Sequence[IntervalCallback] = (),
) -> tuple[list[dict[str, Any]], list[PhaseTiming]]:
    """Run the three phases in order, each for ``params.iterations(phase)`` iterations.

    Args:
        params: the hyperparameters (iterations per phase).
        sampler: draws the batches.
        step: runs one iteration.
        verbose: a progress bar per phase.
        description: the progress bars' label.
        iterations_done: iterations each phase already ran in earlier fits of the
            model; this fit's iterations are numbered after them.
        callbacks: called after each history row; one that returns ``True`` stops
            training (the rest of the phase and the later phases are skipped).

    Returns:
        All history rows, and one timing per phase run.
    """
    done = dict(iterations_done or {})
    history: list[dict[str, Any]] = []
    timings = []
    for phase in PHASES:
        rows, timing = run_phase(
            phase,
            params.iterations(phase),
            sampler,
            step,
            verbose=verbose,
            description=description,
            first_iteration=done.get(phase, 0) + 1,
            callbacks=callbacks,
        )
        history.extend(rows)
        timings.append(timing)
        if timing.stopped:
            break
    return history, timings


def _check_finite(row: dict[str, float], phase: str, iteration: int) -> None:
    bad = [k for k, v in row.items() if not np.isfinite(v)]
    if bad:
        raise GenesisError(
            f"TimeGAN training diverged in the {phase} phase by iteration {iteration}: loss "
            f"{', '.join(bad)} is not finite. Try a smaller learning rate, or check the data "
            "for extreme values."
        )


def _progress(total: int, verbose: bool, description: str) -> Any:
    if not verbose or total <= 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="it", dynamic_ncols=True, miniters=10)
