"""Backend selection, devices and errors: the public face of the plugin host.

Example:
    >>> from genesis.backends import get_device, select_backend
    >>> select_backend("torch").name  # doctest: +SKIP
    'torch'
    >>> get_device("auto")  # doctest: +SKIP
    'cpu'
"""

from genesis.backends.backend import Backend
from genesis.backends.devices import DEVICE_ENV_VAR, DEVICE_KINDS, get_device
from genesis.backends.info import (
    BackendInfo,
    BackendType,
    Capability,
    RuntimeOptions,
    precision_capability,
)
from genesis.backends.plugin_manager import (
    ENTRY_POINT_GROUP,
    PluginFailure,
    PluginLoadWarning,
    make_plugin_manager,
)
from genesis.backends.registry import BUILTIN_INSTALL_COMMANDS, BackendRegistry, discover_backends
from genesis.backends.selection import (
    ENV_VAR,
    check_pytorch_available,
    check_tensorflow_available,
    select_backend,
)
from genesis.errors import BackendNotAvailableError, DeviceNotAvailableError

__all__ = [
    "BUILTIN_INSTALL_COMMANDS",
    "DEVICE_ENV_VAR",
    "DEVICE_KINDS",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "Backend",
    "BackendInfo",
    "BackendNotAvailableError",
    "BackendRegistry",
    "BackendType",
    "Capability",
    "DeviceNotAvailableError",
    "PluginFailure",
    "PluginLoadWarning",
    "RuntimeOptions",
    "check_pytorch_available",
    "check_tensorflow_available",
    "discover_backends",
    "get_device",
    "make_plugin_manager",
    "precision_capability",
    "select_backend",
]
