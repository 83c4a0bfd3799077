"""The one place the tensorflow backend imports tensorflow."""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["import_tensorflow"]


def import_tensorflow() -> ModuleType:
    """Import and return ``tensorflow``, quieting its C++ start-up log unless the user chose one.

    ``TF_CPP_MIN_LOG_LEVEL`` must be set before the first import to have an
    effect; it is only set if the user has not set it.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf
