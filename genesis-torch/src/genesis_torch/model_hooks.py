"""The torch backend's model hooks: build, train, generate, export and import weights.

:mod:`genesis_torch.plugin` re-exports these functions, so they are registered with
the backend's other hooks. This module imports without torch installed: torch and
:mod:`genesis_torch.training` are imported inside the hook bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genesis.markers import hookimpl
from genesis.models.timegan import METRIC_CLASSIFIER, METRIC_PREDICTOR

#: Methods built by :mod:`genesis_torch.timegan` (kept here so this module needs no torch).
SEQUENCE_METHODS = frozenset({"timegan", METRIC_CLASSIFIER, METRIC_PREDICTOR})

if TYPE_CHECKING:
    import numpy as np

    from genesis.backends.info import RuntimeOptions
    from genesis.models.batches import TrainBatch
    from genesis.models.spec import ModelSpec

__all__ = [
    "genesis_build_model",
    "genesis_generate",
    "genesis_get_training_state",
    "genesis_get_weights",
    "genesis_set_training_state",
    "genesis_set_weights",
    "genesis_train_step",
]


@hookimpl
def genesis_build_model(spec: ModelSpec, options: RuntimeOptions) -> Any:
    """Build a :class:`~genesis_torch.training.TorchCTGAN` or ``TorchTVAE`` for ``spec``.

    TimeGAN and its evaluation networks (:data:`genesis_torch.timegan.SEQUENCE_METHODS`)
    are built by :func:`genesis_torch.timegan.build_sequence_model`.
    """
    if spec.method in SEQUENCE_METHODS:
        from genesis_torch.timegan import build_sequence_model

        return build_sequence_model(spec, options)
    from genesis_torch.training import build_model

    return build_model(spec, options)


@hookimpl
def genesis_train_step(model: Any, batch: TrainBatch) -> dict[str, float]:
    """Run one training step of ``model`` on ``batch`` and return its losses."""
    return model.train_step(batch)


@hookimpl
def genesis_generate(
    model: Any, noise: np.ndarray, cond: np.ndarray | None, precision: str
) -> np.ndarray:
    """Return the raw output of ``model``'s generative network in inference mode.

    ``precision="bfloat16"`` runs CTGAN's generator or TVAE's decoder in bfloat16.
    """
    if precision == "float32":
        return model.generate(noise, cond)
    return model.generate(noise, cond, precision=precision)


@hookimpl
def genesis_get_weights(model: Any) -> dict[str, np.ndarray]:
    """Export ``model``'s weights under the names of :mod:`genesis.models.weights`."""
    return model.get_weights()


@hookimpl
def genesis_set_weights(model: Any, weights: dict[str, np.ndarray]) -> bool:
    """Load weights named as in :mod:`genesis.models.weights` into ``model``."""
    model.set_weights(weights)
    return True


@hookimpl
def genesis_get_training_state(model: Any) -> dict[str, np.ndarray]:
    """Export ``model``'s Adam state and random generator state (neutral names)."""
    return model.get_training_state()


@hookimpl
def genesis_set_training_state(model: Any, state: dict[str, np.ndarray]) -> bool:
    """Load a training state (optimizers from any backend, the generator from torch's)."""
    model.set_training_state(state)
    return True
