"""The epoch loop: the core drives, the backend steps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["EpochCallback", "EpochResult", "run_epochs"]


@dataclass(frozen=True)
class EpochResult:
    """What a callback sees after each epoch.

    Attributes:
        epoch: 1-based epoch number, counting epochs of earlier fits of the same model.
        losses: the epoch's mean loss per name.
        steps: train steps in the epoch.
    """

    epoch: int
    losses: dict[str, float]
    steps: int


#: A per-epoch callback; returning ``True`` stops training after this epoch.
EpochCallback = Callable[[EpochResult], "bool | None"]


def run_epochs(
    epochs: int,
    first_epoch: int,
    batches: Callable[[], Iterable[Any]],
    step: Callable[[Any], dict[str, float]],
    *,
    loss_names: Sequence[str],
    steps_per_epoch: int,
    verbose: bool,
    callbacks: Sequence[EpochCallback] = (),
    description: str = "fit",
) -> list[dict[str, Any]]:
    """Run ``epochs`` epochs of ``step`` over ``batches()``, with a progress bar.

    Args:
        epochs: how many epochs to run.
        first_epoch: the number the first of them gets (continuing fits count on).
        batches: called once per epoch; yields the epoch's batches.
        step: one optimization step; returns losses by name.
        loss_names: the losses to average and show.
        steps_per_epoch: for the progress bar's total.
        verbose: show a tqdm progress bar (epochs, current losses).
        callbacks: called after each epoch with an :class:`EpochResult`.
        description: the progress bar's label.

    Returns:
        One history row per epoch: ``{"epoch": n, <loss name>: mean, ...}``.
    """
    history: list[dict[str, Any]] = []
    bar = _progress(epochs, verbose, description)
    try:
        for offset in range(epochs):
            sums = dict.fromkeys(loss_names, 0.0)
            count = 0
            for batch in batches():
                losses = step(batch)
                for name in loss_names:
                    sums[name] += losses[name]
                count += 1
            means = {name: sums[name] / max(count, 1) for name in loss_names}
            epoch = first_epoch + offset
            history.append({"epoch": epoch, **means})
            if bar is not None:
                bar.set_postfix({k: f"{v:.3f}" for k, v in means.items()}, refresh=False)
                bar.update(1)
            result = EpochResult(epoch=epoch, losses=means, steps=count)
            if any(bool(cb(result)) for cb in callbacks):
                break
            _check_finite(means, epoch)
    finally:
        if bar is not None:
            bar.close()
    return history


def _check_finite(means: dict[str, float], epoch: int) -> None:
    bad = [k for k, v in means.items() if not np.isfinite(v)]
    if bad:
        from genesis.errors import GenesisError

        raise GenesisError(
            f"Training diverged at epoch {epoch}: loss {', '.join(bad)} is not finite. "
            "Try a smaller learning rate or check the data for extreme values."
        )


def _progress(total: int, verbose: bool, description: str) -> Any:
    if not verbose:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="epoch", dynamic_ncols=True)
