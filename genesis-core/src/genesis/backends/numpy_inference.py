"""Sampling a saved model with numpy alone: the inference-only ``numpy`` backend.

A model file holds framework-neutral weights (:mod:`genesis.models.weights`),
so a trained CTGAN, TVAE or TimeGAN can sample where no deep-learning framework can be
installed. This backend is part of genesis-core and is not an entry point: it
takes no part in automatic selection (it cannot train). It is used by
:meth:`genesis.SyntheticGenerator.load` when asked for ``backend="numpy"``, or
when no training backend is installed at all.

Its capabilities are ``inference:ctgan``, ``inference:tvae`` and
``inference:timegan``: loading and sampling work, ``fit`` raises
:class:`~genesis.errors.MethodNotSupportedError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from genesis._version import __version__
from genesis.backends.info import BackendInfo, RuntimeOptions
from genesis.backends.registry import BUILTIN_INSTALL_COMMANDS, BackendRegistry, discover_backends
from genesis.errors import MethodNotSupportedError
from genesis.markers import hookimpl
from genesis.models.spec import ModelSpec

__all__ = [
    "INFERENCE_METHODS",
    "NAME",
    "NumpyInferencePlugin",
    "inference_capability",
    "numpy_inference_registry",
]

NAME = "numpy"

#: The methods whose saved models this backend samples.
INFERENCE_METHODS = ("ctgan", "tvae", "timegan")


def inference_capability(method: str) -> str:
    """The capability name that says a backend can sample ``method`` (not train it)."""
    return f"inference:{method}"


@dataclass
class NumpyModel:
    """A spec and its weights.

    The forward passes are :mod:`genesis.models.numpy_forward` (CTGAN, TVAE) and
    :func:`genesis.models.timegan.numpy_generate` (TimeGAN).
    """

    spec: ModelSpec
    weights: dict[str, np.ndarray]


class NumpyInferencePlugin:
    """Hook implementations of the inference-only numpy backend."""

    @hookimpl
    def genesis_backend_info(self) -> BackendInfo:
        """Describe the numpy backend: always available, sampling only."""
        return BackendInfo(
            name=NAME,
            priority=10_000,
            available=True,
            install_command="pip install genesis-core",
            capabilities=frozenset(inference_capability(m) for m in INFERENCE_METHODS),
            framework="numpy",
            framework_version=np.__version__,
            plugin_version=__version__,
        )

    @hookimpl
    def genesis_query_devices(self) -> list[str]:
        """numpy computes on the CPU."""
        return ["cpu"]

    @hookimpl
    def genesis_build_model(self, spec: ModelSpec, options: RuntimeOptions) -> NumpyModel:
        """Hold ``spec``; the weights arrive through ``genesis_set_weights``."""
        return NumpyModel(spec=spec, weights={})

    @hookimpl
    def genesis_train_step(self, model: Any, batch: Any) -> dict[str, float]:
        """The numpy backend cannot train."""
        raise MethodNotSupportedError(
            "The numpy backend only samples saved models; to train, install a backend: "
            + " or ".join(BUILTIN_INSTALL_COMMANDS.values())
        )

    @hookimpl
    def genesis_generate(
        self, model: NumpyModel, noise: np.ndarray, cond: np.ndarray | None
    ) -> np.ndarray:
        """The generator (CTGAN), decoder (TVAE) or generator-supervisor-recovery (TimeGAN)
        in numpy."""
        from genesis.models.numpy_forward import ctgan_generator_forward, tvae_decoder_forward
        from genesis.models.timegan import TimeGANParams, numpy_generate

        if isinstance(model.spec.params, TimeGANParams):
            return numpy_generate(model.spec.params, model.weights, noise)
        if model.spec.method == "ctgan":
            return ctgan_generator_forward(model.spec, model.weights, noise, cond)
        return tvae_decoder_forward(model.spec, model.weights, noise)

    @hookimpl
    def genesis_get_weights(self, model: NumpyModel) -> dict[str, np.ndarray]:
        """The weights as loaded."""
        return dict(model.weights)

    @hookimpl
    def genesis_set_weights(self, model: NumpyModel, weights: dict[str, np.ndarray]) -> bool:
        """Keep float32 copies of ``weights``."""
        from genesis.models.timegan import TimeGANParams, validate_sequence_weights
        from genesis.models.weights import validate_weights

        if isinstance(model.spec.params, TimeGANParams):
            validate_sequence_weights(model.spec, weights)
        else:
            validate_weights(model.spec, weights)
        model.weights = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        return True


def numpy_inference_registry() -> BackendRegistry:
    """A registry holding only the numpy inference backend."""
    registry = discover_backends(entry_points=False)
    registry.add_plugin(NumpyInferencePlugin(), name=NAME)
    return registry
