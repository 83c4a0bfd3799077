"""Fails at import time, as a plugin with a missing dependency would."""

import genesis_broken_missing_dependency  # noqa: F401  (does not exist, on purpose)
