"""The pluggy markers of the ``genesis`` project.

Plugins import :data:`hookimpl` from :mod:`genesis` (``from genesis import
hookimpl``), never from pluggy directly, so the project name lives in one place.
"""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "genesis"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
