"""The plugin manager factory and entry-point discovery.

There is no module-level plugin manager: each call of
:func:`make_plugin_manager` returns a fresh one, so tests and applications can
hold several with different plugins.
"""

from __future__ import annotations

import logging
import traceback
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from genesis import hookspecs
from genesis.markers import PROJECT_NAME

if TYPE_CHECKING:
    import importlib.metadata

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginFailure",
    "PluginLoadWarning",
    "load_entry_point_plugins",
    "make_plugin_manager",
]

ENTRY_POINT_GROUP = "genesis.backends"

_log = logging.getLogger(__name__)


class PluginLoadWarning(UserWarning):
    """A backend plugin could not be loaded; the other backends still work."""


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that was found but could not be used.

    Attributes:
        name: the entry point's name (normally the backend's name).
        target: what the entry point points at (``"genesis_jax.plugin"``).
        distribution: the distribution that declared it, if known.
        error: a one-line summary of the exception.
        traceback: the full formatted traceback.
    """

    name: str
    target: str
    distribution: str | None
    error: str
    traceback: str


def make_plugin_manager() -> pluggy.PluginManager:
    """Return a new plugin manager that knows the Genesis hookspecs and no plugins."""
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    return pm


def _fail(ep: importlib.metadata.EntryPoint, exc: BaseException) -> PluginFailure:
    dist = getattr(ep, "dist", None)
    failure = PluginFailure(
        name=ep.name,
        target=ep.value,
        distribution=f"{dist.name} {dist.version}" if dist is not None else None,
        error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
    )
    _log.warning("genesis backend plugin %r failed to load:\n%s", ep.name, failure.traceback)
    warnings.warn(
        f"genesis backend plugin {ep.name!r} ({ep.value}) failed to load and is unusable: "
        f"{failure.error}. Run `genesis backends` for the traceback.",
        PluginLoadWarning,
        stacklevel=3,
    )
    return failure


def register_plugin(pm: pluggy.PluginManager, plugin: ModuleType | Any, name: str) -> None:
    """Register ``plugin`` under ``name`` and validate its hooks.

    Raises:
        pluggy.PluginValidationError: an implementation does not match its spec,
            or names a hook that does not exist (``check_pending``); the plugin is
            unregistered again before the error propagates.
    """
    pm.register(plugin, name=name)
    try:
        pm.check_pending()
    except Exception:
        pm.unregister(plugin)
        raise


def load_entry_point_plugins(pm: pluggy.PluginManager) -> list[PluginFailure]:
    """Load every plugin of the ``genesis.backends`` entry point group into ``pm``.

    A plugin that fails to import or to validate is not registered; it is
    returned as a :class:`PluginFailure` (and logged and warned about), and the
    remaining plugins load as usual.

    Returns:
        The plugins that failed, in entry point order.
    """
    import importlib.metadata  # ~50 ms: only when plugins are actually discovered

    failures: list[PluginFailure] = []
    seen: set[str] = set()
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in seen:  # the same distribution visible twice on sys.path
            continue
        seen.add(ep.name)
        try:
            plugin = ep.load()
            register_plugin(pm, plugin, ep.name)
        except Exception as exc:  # a broken third-party plugin must not break the others
            failures.append(_fail(ep, exc))
    return failures
