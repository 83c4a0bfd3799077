"""The one place the tensorflow backend imports tensorflow."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from types import ModuleType

__all__ = ["import_tensorflow"]

#: A native log line: absl's ``I1204 12:00:00.000 ...`` or TensorFlow's older
#: ``2026-12-04 12:00:00.000000: I tensorflow/...``; the letter is the severity.
_LOG_LINE = re.compile(r"^(?:[IWEF]\d{4} |\d{4}-\d\d-\d\d [\d:.]+: [IWEF] )")
_SEVERITY = {"I": 0, "W": 1, "E": 2, "F": 3}
#: absl's note that it logs to stderr before it is initialized: a warning about logging.
_ABSL_BANNER = "WARNING: All log messages before absl::InitializeLog() is called"


def import_tensorflow() -> ModuleType:
    """Import and return ``tensorflow``, quieting its C++ start-up log unless the user chose one.

    ``TF_CPP_MIN_LOG_LEVEL`` (0 all, 1 no INFO, 2 no WARNING, 3 no ERROR) is set
    to 2 before the first import if the user has not set it. TensorFlow 2.21
    writes some start-up lines through absl before it reads that variable (the
    oneDNN notice, absl's banner), so the first import holds what native code
    writes to stderr and passes on every line the level allows, and every line
    that is not a log line (Python warnings, for one) unchanged.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    try:
        level = int(os.environ["TF_CPP_MIN_LOG_LEVEL"])
    except ValueError:
        level = 0
    with _native_stderr_filtered(level):
        import tensorflow as tf

    return tf


def _keep(line: str, level: int) -> bool:
    if line.startswith(_ABSL_BANNER):
        return level < 1
    match = _LOG_LINE.match(line)
    if match is None:
        return True
    severity = next(c for c in match.group(0) if c in _SEVERITY)
    return _SEVERITY[severity] >= level


@contextlib.contextmanager
def _native_stderr_filtered(level: int) -> Iterator[None]:
    """Hold what is written to file descriptor 2 during the block, then write out the
    lines :func:`_keep` keeps. Without a usable descriptor 2, just run the block."""
    if level <= 0:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode(errors="replace")
            kept = "".join(ln for ln in text.splitlines(keepends=True) if _keep(ln, level))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()
