"""The tensorflow backend's plugin module (entry point ``genesis.backends: tensorflow``).

It imports without tensorflow installed: tensorflow is imported inside the hooks.
"""

from __future__ import annotations

import importlib.metadata

from genesis import hookimpl
from genesis.backends import BUILTIN_INSTALL_COMMANDS, BackendInfo
from genesis.backends.probe import probe_framework
from genesis_tensorflow.model_hooks import (  # re-exported: registered with this plugin
    genesis_build_model,
    genesis_generate,
    genesis_get_training_state,
    genesis_get_weights,
    genesis_set_training_state,
    genesis_set_weights,
    genesis_train_step,
)

__all__ = [
    "genesis_backend_info",
    "genesis_build_model",
    "genesis_generate",
    "genesis_get_training_state",
    "genesis_get_weights",
    "genesis_query_devices",
    "genesis_set_training_state",
    "genesis_set_weights",
    "genesis_train_step",
]

NAME = "tensorflow"
PRIORITY = 20

#: What this backend implements (see genesis.backends.Capability). TimeGAN comes with its
#: two evaluation networks (genesis.models.timegan.METRIC_CLASSIFIER, METRIC_PREDICTOR).
CAPABILITIES: frozenset[str] = frozenset(
    {
        "ctgan",
        "tvae",
        "timegan",
        "timegan_metric_classifier",
        "timegan_metric_predictor",
        "save_load",
    }
)

#: Distributions that provide the ``tensorflow`` import package.
DISTRIBUTIONS = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-macos",
    "tensorflow-intel",
    "tf-nightly",
)


def _plugin_version() -> str | None:
    try:
        return importlib.metadata.version("genesis-tensorflow")
    except importlib.metadata.PackageNotFoundError:
        return None


@hookimpl
def genesis_backend_info() -> BackendInfo:
    """Describe the tensorflow backend without importing tensorflow."""
    probe = probe_framework("tensorflow", DISTRIBUTIONS)
    return BackendInfo(
        name=NAME,
        priority=PRIORITY,
        available=probe.installed,
        reason=probe.reason,
        install_command=BUILTIN_INSTALL_COMMANDS[NAME],
        capabilities=CAPABILITIES,
        framework="tensorflow",
        framework_version=probe.version,
        plugin_version=_plugin_version(),
    )


@hookimpl
def genesis_query_devices() -> list[str]:
    """List TensorFlow's devices (imports tensorflow)."""
    from genesis_tensorflow.devices import list_devices

    return list_devices()
