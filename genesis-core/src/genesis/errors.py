"""The one error hierarchy of Genesis: every error the library raises on purpose.

Every class derives from :class:`GenesisError`, so ``except GenesisError`` catches
anything Genesis reports deliberately. Where a built-in exception has the same
meaning, the class derives from it too (``ValueError``, ``NotImplementedError``,
``RuntimeError``), so code written against the built-ins keeps working.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BackendNotAvailableError",
    "ConfigurationError",
    "DataValidationError",
    "DeviceNotAvailableError",
    "GenesisError",
    "MethodNotSupportedError",
    "ModelFileError",
    "NotFittedError",
    "PluginLoadError",
    "UnknownColumnError",
    "UnknownValueError",
]


class GenesisError(Exception):
    """Root of every error Genesis raises on purpose."""


class ConfigurationError(GenesisError, ValueError):
    """A configuration value is invalid (unknown method, negative epochs, ...)."""


class BackendError(GenesisError):
    """Something about a computation backend (plugin) went wrong."""


class BackendNotAvailableError(BackendError, ImportError):
    """The requested backend cannot be used: not installed, unknown, or broken.

    The message always says what to do, usually the exact ``pip install`` command.
    """


class PluginLoadError(BackendError):
    """A backend plugin failed to import or to describe itself."""


class DeviceNotAvailableError(GenesisError, RuntimeError):
    """An explicitly requested device (``"cuda"``, ``"mps"``) is not present."""


class MethodNotSupportedError(GenesisError, NotImplementedError):
    """The selected backend does not implement the requested method or feature.

    Backends declare what they implement through their capabilities; asking for
    anything else raises this error instead of training something fake.
    """


class DataValidationError(GenesisError, ValueError):
    """The input data cannot be learned from (empty, one row, all-NaN column, ...)."""


class UnknownColumnError(DataValidationError, KeyError):
    """A column name that the fitted data does not have."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


class UnknownValueError(DataValidationError):
    """A category value that the fitted data never showed for that column."""


class NotFittedError(GenesisError, RuntimeError):
    """A generator was asked to sample or save before it was fitted."""


class ModelFileError(GenesisError, ValueError):
    """A model file is missing, corrupt, tampered with, or from an incompatible version."""
