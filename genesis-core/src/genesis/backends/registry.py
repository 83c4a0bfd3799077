"""Discovery of the installed backends and the errors that name what to install."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from genesis.backends.backend import Backend
from genesis.backends.info import BackendInfo
from genesis.backends.plugin_manager import (
    PluginFailure,
    load_entry_point_plugins,
    make_plugin_manager,
    register_plugin,
)
from genesis.errors import BackendNotAvailableError

__all__ = ["BUILTIN_INSTALL_COMMANDS", "BackendRegistry", "discover_backends"]

#: The exact commands that install the backends Genesis ships.
BUILTIN_INSTALL_COMMANDS: dict[str, str] = {
    "torch": "pip install genesis-core[torch]",
    "tensorflow": "pip install genesis-core[tensorflow]",
}

#: Other spellings users type for the built-in backends.
ALIASES: dict[str, str] = {"pytorch": "torch", "tf": "tensorflow"}


def canonical_name(name: str) -> str:
    """Lower-case ``name`` and map aliases (``"pytorch"`` → ``"torch"``)."""
    key = name.strip().lower()
    return ALIASES.get(key, key)


@dataclass
class BackendRegistry:
    """The backends one discovery found: usable or not, and the plugins that broke.

    Build one with :func:`discover_backends`. A registry is a snapshot: install a
    package and discover again to see it.
    """

    pm: pluggy.PluginManager
    infos: dict[str, BackendInfo] = field(default_factory=dict)
    failures: dict[str, PluginFailure] = field(default_factory=dict)
    _plugins: dict[str, object] = field(default_factory=dict)

    def add_plugin(self, plugin: ModuleType | Any, name: str | None = None) -> BackendInfo | None:
        """Register ``plugin`` (a module or object with hookimpls) and describe it.

        This is how entry-point plugins are added, and how tests or applications
        add a plugin that is not installed as a distribution.

        Returns:
            The plugin's :class:`BackendInfo`, or ``None`` if it failed (then it is
            recorded in :attr:`failures`).
        """
        label = name or str(getattr(plugin, "__name__", repr(plugin)))
        try:
            register_plugin(self.pm, plugin, label)
        except Exception as exc:
            self._record_failure(label, repr(plugin), exc)
            return None
        return self._describe(plugin, label)

    def _record_failure(self, label: str, target: str, exc: BaseException) -> None:
        self.failures[label] = PluginFailure(
            name=label,
            target=target,
            distribution=None,
            error=f"{type(exc).__name__}: {exc}",
            traceback="".join(traceback.format_exception(exc)),
        )

    def _describe(self, plugin: object, label: str) -> BackendInfo | None:
        others = [p for p in self.pm.get_plugins() if p is not plugin]
        caller = self.pm.subset_hook_caller("genesis_backend_info", remove_plugins=others)
        try:
            results = caller()
            if not results or not isinstance(results[0], BackendInfo):
                raise TypeError(
                    "genesis_backend_info must return a genesis.backends.BackendInfo, "
                    f"got {results[0] if results else None!r}"
                )
            info = results[0]
        except Exception as exc:
            self.pm.unregister(plugin)
            self._record_failure(label, repr(plugin), exc)
            return None
        name = canonical_name(info.name)
        if name in self.infos:
            self.pm.unregister(plugin)
            self._record_failure(
                label, repr(plugin), ValueError(f"a second plugin claims the backend name {name!r}")
            )
            return None
        self.infos[name] = info
        self._plugins[name] = plugin
        return info

    def ranked(self) -> list[BackendInfo]:
        """Every described backend, in selection order (priority, then name)."""
        return sorted(self.infos.values(), key=lambda i: (i.priority, i.name))

    def available(self) -> list[BackendInfo]:
        """The usable backends, in selection order."""
        return [i for i in self.ranked() if i.available]

    def backend(self, name: str) -> Backend:
        """Return the usable backend called ``name``.

        Raises:
            BackendNotAvailableError: it is not installed, not usable, broken, or
                unknown; the message says what to install or which names exist.
        """
        key = canonical_name(name)
        info = self.infos.get(key)
        if info is not None and info.available:
            return Backend(info, self.pm, self._plugins[key])
        raise BackendNotAvailableError(self.explain_unavailable(key))

    def explain_unavailable(self, key: str) -> str:
        """The message for a backend that cannot be used, with what to do about it."""
        info = self.infos.get(key)
        if info is not None:
            return (
                f"The {key!r} backend is installed but not usable: {info.reason or 'unavailable'}. "
                f"Install it with: {info.install_command}"
            )
        failure = self.failures.get(key)
        if failure is not None:
            return (
                f"The {key!r} backend plugin ({failure.target}) failed to load: {failure.error}. "
                f"Reinstall or upgrade the package that provides it"
                + (f" ({failure.distribution})" if failure.distribution else "")
                + f".\n{failure.traceback}"
            )
        if key in BUILTIN_INSTALL_COMMANDS:
            return (
                f"The {key!r} backend is not installed. "
                f"Install it with: {BUILTIN_INSTALL_COMMANDS[key]}"
            )
        installed = ", ".join(self.infos) or "none"
        return (
            f"Unknown backend {key!r}. Installed backends: {installed}. "
            f"Built-in backends install with: " + " or ".join(BUILTIN_INSTALL_COMMANDS.values())
        )

    def no_backend_message(self) -> str:
        """The message for "no usable backend at all", naming both install commands."""
        lines = [
            "No Genesis backend is available. Install one with:",
            *(f"    {cmd}" for cmd in BUILTIN_INSTALL_COMMANDS.values()),
        ]
        for info in self.ranked():
            lines.append(f"({info.name}: {info.reason})")
        for failure in self.failures.values():
            lines.append(f"({failure.name}: failed to load: {failure.error})")
        return "\n".join(lines)


def discover_backends(*, entry_points: bool = True) -> BackendRegistry:
    """Find the installed backend plugins and ask each to describe itself.

    Nothing is cached: every call builds a new plugin manager and registry.
    Plugin modules are imported, frameworks are not.

    Args:
        entry_points: load the ``genesis.backends`` entry points (``False`` gives an
            empty registry to which plugins can be added by hand).
    """
    pm = make_plugin_manager()
    registry = BackendRegistry(pm=pm)
    if entry_points:
        failures = load_entry_point_plugins(pm)
        registry.failures.update({f.name: f for f in failures})
        for name, plugin in list(pm.list_name_plugin()):
            registry._describe(plugin, name)
    return registry
