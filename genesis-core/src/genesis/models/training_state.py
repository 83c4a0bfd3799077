"""Training state: what a fit needs besides the weights to go on exactly where it stopped.

A model file may carry, next to the weights, the state of every optimizer and of
the random generators, so that ``fit(..., resume=True)`` after a load continues
the same run: with a seed, a fit of ``a + b`` epochs (or iterations) and a fit of
``a``, saved, loaded and resumed for ``b`` end with the same weights.

Backend arrays (``genesis_get_training_state`` / ``genesis_set_training_state``),
framework-neutral names like those of :mod:`genesis.models.weights`:

==========================================  =============  ===================================
name                                        shape, dtype   meaning
==========================================  =============  ===================================
``optimizer.{opt}.step``                    ``()`` int64   Adam updates applied so far
``optimizer.{opt}.m.{weight}``              the weight's   Adam's first moment of ``weight``
``optimizer.{opt}.v.{weight}``              the weight's   Adam's second moment (uncentred)
``random.{key}``                            1-D integers   the backend's random generator
==========================================  =============  ===================================

``{opt}`` is one of :func:`optimizer_names` for the method, ``{weight}`` a weight
that optimizer updates. The moments are Adam's ``m`` and ``v`` before bias
correction, the same in every framework, so a run may resume on another backend
(its random generator then starts afresh: ``random.{key}``, where ``key`` is the
backend's name and perhaps a variant such as ``torch-cuda``, is read only by the
backend that wrote it).

The core's own part (the numpy generator that draws batches and noise) is JSON:
:func:`rng_to_json` / :func:`rng_from_json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from genesis.errors import ModelFileError
from genesis.models.spec import ModelSpec

__all__ = [
    "OPTIMIZERS",
    "optimizer_names",
    "rng_from_json",
    "rng_to_json",
    "validate_training_state",
]

#: The optimizers of each trainable method, by neutral name.
OPTIMIZERS: dict[str, tuple[str, ...]] = {
    "ctgan": ("generator", "discriminator"),
    "tvae": ("vae",),
    # TimeGAN: phase 1 (embedder + recovery), phase 2 (supervisor), and the joint
    # phase's generator (generator + supervisor), embedder (embedder + recovery)
    # and discriminator steps.
    "timegan": ("embedding", "supervised", "generator", "embedder", "discriminator"),
}


def optimizer_names(method: str) -> tuple[str, ...]:
    """The neutral names of ``method``'s optimizers (empty for a method without any)."""
    return OPTIMIZERS.get(method, ())


def validate_training_state(
    spec: ModelSpec,
    state: Mapping[str, np.ndarray],
    weight_shapes: Mapping[str, tuple[int, ...]],
) -> None:
    """Check a training state's names, shapes and dtypes against the model's weights.

    Raises:
        ModelFileError: an unknown name, an optimizer without its step count, a
            moment whose shape differs from its weight's, a non-integer step or
            random state, or a non-finite moment.
    """
    optimizers = set(optimizer_names(spec.method))
    steps: set[str] = set()
    moments: set[str] = set()
    for name, array in state.items():
        parts = name.split(".", 3)
        if parts[0] == "random" and len(parts) == 2 and parts[1]:
            if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
                raise ModelFileError(f"training state {name!r}: expected a 1-D integer array")
            continue
        if parts[0] != "optimizer" or len(parts) < 3 or parts[1] not in optimizers:
            raise ModelFileError(
                f"unknown training state array {name!r} for method {spec.method!r} "
                f"(optimizers: {', '.join(sorted(optimizers)) or 'none'})"
            )
        opt = parts[1]
        if parts[2] == "step" and len(parts) == 3:
            if array.shape != () or not np.issubdtype(array.dtype, np.integer) or array < 0:
                raise ModelFileError(f"training state {name!r}: expected a count (0-d int64)")
            steps.add(opt)
            continue
        if parts[2] not in ("m", "v") or len(parts) != 4 or parts[3] not in weight_shapes:
            raise ModelFileError(f"unknown training state array {name!r}")
        if array.shape != tuple(weight_shapes[parts[3]]):
            raise ModelFileError(
                f"training state {name!r} has shape {array.shape}, its weight "
                f"{tuple(weight_shapes[parts[3]])}"
            )
        if array.dtype != np.float32 or not np.all(np.isfinite(array)):
            raise ModelFileError(f"training state {name!r}: expected finite float32 values")
        moments.add(opt)
    orphans = sorted(moments - steps)
    if orphans:
        raise ModelFileError(f"training state: optimizers {orphans} have moments but no step count")


def rng_to_json(rng: np.random.Generator) -> dict[str, Any]:
    """A numpy generator's state as JSON (its 128-bit integers as decimal strings)."""
    state = rng.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        raise ValueError(f"only PCG64 generators are saved, got {state.get('bit_generator')!r}")
    inner = state["state"]
    return {
        "bit_generator": "PCG64",
        "state": str(int(inner["state"])),
        "inc": str(int(inner["inc"])),
        "has_uint32": int(state["has_uint32"]),
        "uinteger": int(state["uinteger"]),
    }


def rng_from_json(document: Mapping[str, Any]) -> np.random.Generator:
    """The numpy generator :func:`rng_to_json` described.

    Raises:
        ModelFileError: the description is not a PCG64 state.
    """
    try:
        if document["bit_generator"] != "PCG64":
            raise ValueError(f"unsupported bit generator {document['bit_generator']!r}")
        bits = np.random.PCG64()
        bits.state = {
            "bit_generator": "PCG64",
            "state": {"state": int(document["state"]), "inc": int(document["inc"])},
            "has_uint32": int(document["has_uint32"]),
            "uinteger": int(document["uinteger"]),
        }
    except Exception as exc:
        raise ModelFileError(f"the saved random generator state is invalid: {exc!r}") from exc
    return np.random.Generator(bits)
