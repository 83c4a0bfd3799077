"""TensorFlow is imported quietly unless the user asks for its log (TF_CPP_MIN_LOG_LEVEL)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from genesis_tensorflow.framework import _native_stderr_filtered

_IMPORT = "from genesis_tensorflow.framework import import_tensorflow; import_tensorflow()"


def _import_stderr(level: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    if level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = level
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def test_the_first_import_writes_no_start_up_log_by_default():
    assert _import_stderr(None) == ""


def test_a_level_the_user_chose_is_honoured():
    """At level 0 TensorFlow 2.21's start-up lines come through (the oneDNN notice)."""
    assert "oneDNN custom operations" in _import_stderr("0")


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (1, "W1204 12:00:00.000001 1 x.cc:2] a warning\nnot a log line\n"),
        (2, "not a log line\n"),
        (3, "not a log line\n"),
    ],
)
def test_native_lines_below_the_level_are_dropped_and_other_text_kept(capfd, level, expected):
    lines = (
        b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        b"I1204 12:00:00.000000 1 x.cc:1] an info line\n"
        b"W1204 12:00:00.000001 1 x.cc:2] a warning\n"
        b"not a log line\n"
    )
    with _native_stderr_filtered(level):
        os.write(2, lines)
    assert capfd.readouterr().err == expected
