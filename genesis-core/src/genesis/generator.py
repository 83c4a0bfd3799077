"""The user-facing generator: fit a table, sample synthetic rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from genesis.backends.backend import Backend
from genesis.backends.info import BackendType
from genesis.backends.registry import BackendRegistry
from genesis.backends.selection import select_backend
from genesis.config import GeneratorConfig
from genesis.errors import ConfigurationError, MethodNotSupportedError, NotFittedError

__all__ = ["SyntheticGenerator"]


class SyntheticGenerator:
    """Learns a table and samples synthetic rows with the same statistics.

    Args:
        method: ``"ctgan"``, ``"tvae"`` or ``"timegan"``; overrides ``config.method``.
        backend: a :class:`BackendType` or backend name; overrides ``config.backend``.
        config: a full :class:`GeneratorConfig`; defaults to ``GeneratorConfig()``.
        registry: discovered backends to choose from (discovered afresh if omitted).
        **options: any other :class:`GeneratorConfig` field (``epochs=10``, ``seed=0``).

    Raises:
        ConfigurationError: an unknown method or option, or an invalid value.
        BackendNotAvailableError: the backend cannot be used; the message names
            the ``pip install`` command.
    """

    def __init__(
        self,
        method: str | None = None,
        backend: BackendType | str | None = None,
        *,
        config: GeneratorConfig | None = None,
        registry: BackendRegistry | None = None,
        **options: Any,
    ) -> None:
        base = config if config is not None else GeneratorConfig()
        changes: dict[str, Any] = dict(options)
        if method is not None:
            changes["method"] = method
        if backend is not None:
            changes["backend"] = backend
        known = {f.name for f in dataclasses.fields(GeneratorConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigurationError(
                f"Unknown option(s) {', '.join(unknown)}; valid options: {', '.join(sorted(known))}"
            )
        self.config: GeneratorConfig = base.replace(**changes) if changes else base
        self._backend: Backend = select_backend(self.config.backend, registry=registry)
        self._fitted = False

    @property
    def backend(self) -> Backend:
        """The backend this generator runs on."""
        return self._backend

    @property
    def method(self) -> str:
        """The generation method."""
        return self.config.method

    def __repr__(self) -> str:
        state = "fitted" if self._fitted else "not fitted"
        return f"SyntheticGenerator(method={self.method!r}, backend={self._backend.name!r}, {state})"

    def _require_capability(self) -> None:
        if not self._backend.supports(self.method):
            raise MethodNotSupportedError(
                f"Method {self.method!r} is not implemented for the {self._backend.name!r} backend "
                f"(it declares: {', '.join(sorted(self._backend.info.capabilities)) or 'nothing'}). "
                "Choose a backend whose capabilities include it; `genesis backends` lists them."
            )

    def fit(self, data: Any, discrete_columns: Sequence[str] | None = None) -> SyntheticGenerator:
        """Learn ``data``.

        Raises:
            MethodNotSupportedError: the backend does not implement the method.
        """
        self._require_capability()
        raise MethodNotSupportedError(
            f"Training {self.method!r} is not implemented yet in this version of genesis-core."
        )

    def sample(self, n: int) -> Any:
        """Generate ``n`` synthetic rows.

        Raises:
            NotFittedError: the generator has not been fitted.
        """
        if not self._fitted:
            raise NotFittedError("Call fit() (or load a saved model) before sample().")
        raise MethodNotSupportedError("Sampling is not implemented yet.")
