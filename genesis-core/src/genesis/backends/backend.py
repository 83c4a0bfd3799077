"""A handle on one selected backend: its description and typed hook calls.

The rest of the core talks to a backend only through :class:`Backend`, never
through ``pm.hook``: every hook is called on this backend's plugin alone, with
keyword arguments, and a missing implementation becomes a clear error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

from genesis.errors import MethodNotSupportedError

if TYPE_CHECKING:
    import numpy as np

    from genesis.backends.info import BackendInfo, RuntimeOptions
    from genesis.models.batches import TrainBatch
    from genesis.models.spec import ModelSpec

__all__ = ["Backend"]


class Backend:
    """One backend plugin, ready to be called.

    Args:
        info: what the plugin said about itself.
        pm: the plugin manager that holds the plugin.
        plugin: the registered plugin object (usually a module).
    """

    def __init__(self, info: BackendInfo, pm: pluggy.PluginManager, plugin: object) -> None:
        self.info = info
        self._pm = pm
        self._plugin = plugin
        self._callers: dict[str, Any] = {}

    @property
    def name(self) -> str:
        """The backend's name (``"torch"``, ``"tensorflow"``, ...)."""
        return self.info.name

    def __repr__(self) -> str:
        return (
            f"<Backend {self.name!r} priority={self.info.priority} available={self.info.available}>"
        )

    def supports(self, capability: str) -> bool:
        """Whether the backend declares ``capability`` (a method name or feature)."""
        return capability in self.info.capabilities

    def _call(self, hook: str, **kwargs: Any) -> Any:
        result = self._call_optional(hook, **kwargs)
        if result is None:
            raise MethodNotSupportedError(
                f"The {self.name!r} backend does not implement the hook {hook!r}; "
                f"it cannot do what was asked. Choose another backend."
            )
        return result

    def query_devices(self) -> list[str]:
        """The device kinds the backend can use now, best first."""
        return list(self._call("genesis_query_devices"))

    def build_model(self, spec: ModelSpec, options: RuntimeOptions) -> Any:
        """Build the networks ``spec`` describes; returns the backend's model object."""
        if not (self.supports(spec.method) or self.supports(f"inference:{spec.method}")):
            raise MethodNotSupportedError(
                f"Method {spec.method!r} is not implemented for the {self.name!r} backend."
            )
        return self._call("genesis_build_model", spec=spec, options=options)

    def train_step(self, model: Any, batch: TrainBatch) -> dict[str, float]:
        """Run one optimization step; returns the losses by name."""
        return self._call("genesis_train_step", model=model, batch=batch)

    def generate(
        self,
        model: Any,
        noise: np.ndarray,
        cond: np.ndarray | None,
        precision: str = "float32",
    ) -> np.ndarray:
        """Run the generative network in inference mode; returns raw outputs."""
        return self._call(
            "genesis_generate", model=model, noise=noise, cond=cond, precision=precision
        )

    def get_weights(self, model: Any) -> dict[str, np.ndarray]:
        """Export the model's weights under their framework-neutral names."""
        return self._call("genesis_get_weights", model=model)

    def set_weights(self, model: Any, weights: dict[str, np.ndarray]) -> None:
        """Load framework-neutral weights into the model."""
        self._call("genesis_set_weights", model=model, weights=weights)

    def _call_optional(self, hook: str, **kwargs: Any) -> Any:
        """Like :meth:`_call`, but ``None`` when the plugin leaves the hook out."""
        caller = self._callers.get(hook)
        if caller is None:
            others = [p for p in self._pm.get_plugins() if p is not self._plugin]
            caller = self._pm.subset_hook_caller(hook, remove_plugins=others)
            self._callers[hook] = caller
        return caller(**kwargs)

    def get_training_state(self, model: Any) -> dict[str, np.ndarray] | None:
        """The model's optimizer and random state, or ``None`` if the backend keeps none."""
        state = self._call_optional("genesis_get_training_state", model=model)
        return None if state is None else dict(state)

    def set_training_state(self, model: Any, state: dict[str, np.ndarray]) -> bool:
        """Load a training state; ``False`` if the backend keeps none (nothing loaded)."""
        return bool(self._call_optional("genesis_set_training_state", model=model, state=state))
