"""Check that a backend's plugin module describes the backend without importing its framework.

Genesis loads every installed plugin to rank the backends, so a plugin module
must import, and answer ``genesis_backend_info``, without importing its
deep-learning framework. That can only be seen in a fresh interpreter::

    from genesis_testkit.isolation import describe_in_fresh_interpreter, installed_versions

    def test_plugin_module_imports_without_loading_the_framework():
        described = describe_in_fresh_interpreter("genesis_jax.plugin")
        assert described.name == "jax" and described.available, described
        assert "jax" not in described.imported
        assert described.framework_version in installed_versions("jax")
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

__all__ = ["FreshDescription", "describe_in_fresh_interpreter", "installed_versions"]

_DESCRIBE = """\
import importlib, json, sys
info = importlib.import_module(sys.argv[1]).genesis_backend_info()
print(json.dumps({
    "name": info.name,
    "available": info.available,
    "framework_version": info.framework_version,
    "imported": sorted({name.split(".")[0] for name in sys.modules}),
}))
"""


@dataclass(frozen=True)
class FreshDescription:
    """What a plugin module said about its backend, first thing in a new interpreter.

    Attributes:
        name: the backend's name (``BackendInfo.name``).
        available: whether it says its framework is usable.
        framework_version: the framework version it reports, or ``None``.
        imported: the top-level modules imported once it had answered.
    """

    name: str
    available: bool
    framework_version: str | None
    imported: frozenset[str]


def describe_in_fresh_interpreter(plugin_module: str, timeout: float = 120) -> FreshDescription:
    """Import ``plugin_module`` in a new Python process and call its ``genesis_backend_info``.

    Args:
        plugin_module: the module the ``genesis.backends`` entry point names
            (``"genesis_torch.plugin"``).
        timeout: seconds the process may take.

    Returns:
        The description, with the modules imported by then.

    Raises:
        AssertionError: the process failed; the message holds its stderr.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _DESCRIBE, plugin_module],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise AssertionError(f"describing {plugin_module} failed:\n{proc.stderr}")
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    return FreshDescription(
        name=found["name"],
        available=found["available"],
        framework_version=found["framework_version"],
        imported=frozenset(found["imported"]),
    )


def installed_versions(*distributions: str) -> set[str]:
    """The versions of those of ``distributions`` that are installed.

    Args:
        *distributions: names a framework ships under (``"tensorflow"``,
            ``"tensorflow-cpu"``).

    Returns:
        One version per installed distribution; empty when none is.
    """
    found = set()
    for name in distributions:
        try:
            found.add(version(name))
        except PackageNotFoundError:
            continue
    return found
