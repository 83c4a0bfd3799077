"""Adam's state and the random generator's, to and from the neutral training-state layout.

See :mod:`genesis.models.training_state` for the names. The backend's Adam keeps
its state as a slots mapping (``{"m": {weight: variable}, "v": {...}, "step":
variable}``, see :class:`genesis_tensorflow.training._Adam`); its moments are the
same quantities torch's Adam keeps, so a state saved by either backend loads on
the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = [
    "RANDOM_KEY",
    "export_rng",
    "export_slots",
    "export_state",
    "import_rng",
    "import_slots",
    "import_state",
]

#: The name of this backend's random generator state: ``random.tensorflow``.
RANDOM_KEY = "random.tensorflow"


def export_slots(name: str, slots: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """One optimizer's moments and step count under ``optimizer.{name}.*``."""
    out = {f"optimizer.{name}.step": np.array(round(float(slots["step"].numpy())), dtype=np.int64)}
    for kind in ("m", "v"):
        for weight, variable in slots[kind].items():
            out[f"optimizer.{name}.{kind}.{weight}"] = np.array(
                variable.numpy(), dtype=np.float32, copy=True
            )
    return out


def import_slots(name: str, slots: Mapping[str, Any], state: Mapping[str, np.ndarray]) -> None:
    """Load ``optimizer.{name}.*`` from ``state`` (an optimizer absent there is left as is)."""
    step = state.get(f"optimizer.{name}.step")
    if step is None:
        return
    for kind in ("m", "v"):
        for weight, variable in slots[kind].items():
            variable.assign(np.ascontiguousarray(state[f"optimizer.{name}.{kind}.{weight}"]))
    slots["step"].assign(float(step))


def export_rng(rng: tf.random.Generator) -> dict[str, np.ndarray]:
    """The generator's state (its algorithm's counter and key) as ``random.tensorflow``."""
    return {RANDOM_KEY: np.array(rng.state.numpy(), dtype=np.int64, copy=True)}


def import_rng(rng: tf.random.Generator, state: Mapping[str, np.ndarray]) -> None:
    """Restore ``random.tensorflow`` if ``state`` has it; leave the generator as seeded
    otherwise (a state saved by another backend)."""
    saved = state.get(RANDOM_KEY)
    if saved is not None:
        if saved.shape != tuple(rng.state.shape):
            raise ValueError(
                f"{RANDOM_KEY} has shape {saved.shape}, this generator's state "
                f"{tuple(rng.state.shape)}"
            )
        rng.state.assign(saved.astype(np.int64))


def export_state(
    optimizers: Mapping[str, Mapping[str, Any]], rng: tf.random.Generator | None = None
) -> dict[str, np.ndarray]:
    """A model's whole training state: every optimizer's slots by name, and ``rng``'s state."""
    state = export_rng(rng) if rng is not None else {}
    for name, slots in optimizers.items():
        state.update(export_slots(name, slots))
    return state


def import_state(
    optimizers: Mapping[str, Mapping[str, Any]],
    state: Mapping[str, np.ndarray],
    rng: tf.random.Generator | None = None,
) -> None:
    """Load what :func:`export_state` wrote (by this or another backend)."""
    for name, slots in optimizers.items():
        import_slots(name, slots, state)
    if rng is not None:
        import_rng(rng, state)
