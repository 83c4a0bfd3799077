"""Checkpoints during a fit: the model saved, training state included, every so often.

``SyntheticGenerator.fit(..., checkpoint=path, checkpoint_every=n)`` adds one of
these callbacks in front of the user's. Each keeps the history rows of the fit
so far and, every ``n`` epochs (TimeGAN: every ``n`` iterations of a phase),
hands them to a ``save`` function that writes the model as it stands; the fit
saves once more when it ends (also when a callback stopped it early). The file
is replaced atomically, so an interruption leaves the last checkpoint whole;
loading it and calling ``fit(..., resume=True)`` continues the run exactly (see
:mod:`genesis.models.training_state`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from genesis.errors import ConfigurationError
from genesis.timeseries.schedule import HISTORY_INTERVAL, IntervalResult
from genesis.training.loop import EpochResult

__all__ = ["EpochCheckpoint", "IntervalCheckpoint", "check_every"]

#: Writes the model with the given history rows of the current fit appended.
SaveFunction = Callable[[list[dict[str, Any]]], None]


def check_every(every: Any, *, sequences: bool) -> int:
    """Validate ``checkpoint_every``: a positive count (TimeGAN: of whole history intervals).

    Raises:
        ConfigurationError: not a positive integer, or (TimeGAN) not a multiple of
            the history interval, the iterations after which the state is whole.
    """
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ConfigurationError(f"checkpoint_every must be a positive integer, got {every!r}")
    if sequences and every % HISTORY_INTERVAL:
        raise ConfigurationError(
            f"TimeGAN checkpoint_every must be a multiple of {HISTORY_INTERVAL} iterations, "
            f"got {every}"
        )
    return every


def _finite(losses: Mapping[str, float]) -> bool:
    return all(math.isfinite(v) for v in losses.values())


class EpochCheckpoint:
    """Saves after every epoch whose number is a multiple of ``every``.

    Args:
        save: writes the model (given this fit's history rows so far).
        every: epochs between checkpoints (counted on the model's epoch numbers).
    """

    def __init__(self, save: SaveFunction, every: int) -> None:
        self.save, self.every = save, every
        self.rows: list[dict[str, Any]] = []

    def __call__(self, result: EpochResult) -> None:
        self.rows.append({"epoch": result.epoch, **result.losses})
        if result.epoch % self.every == 0 and _finite(result.losses):  # a diverged epoch
            self.save(list(self.rows))  # is reported by the loop, not saved


class IntervalCheckpoint:
    """TimeGAN: saves after every ``every`` iterations of a phase (by the phase's count).

    Args:
        save: writes the model (given this fit's history rows so far).
        every: iterations between checkpoints, a multiple of the history interval.
    """

    def __init__(self, save: SaveFunction, every: int) -> None:
        self.save, self.every = save, every
        self.rows: list[dict[str, Any]] = []

    def __call__(self, result: IntervalResult) -> None:
        self.rows.append({"phase": result.phase, "iteration": result.iteration, **result.losses})
        if result.iteration % self.every == 0:
            self.save(list(self.rows))
