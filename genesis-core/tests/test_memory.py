"""keep_freed_heap: freed memory stays mapped instead of being faulted in again.

Each check runs in a fresh interpreter: malloc's settings are process-wide and
cannot be read back, so the observable is the page faults of a step-like
allocation pattern (three 3 MiB blocks allocated, then freed, twenty times),
which under glibc's defaults trims and re-faults the heap every round.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from genesis.training.memory import OPT_OUT_VARIABLE, keep_freed_heap

glibc_only = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the thresholds are glibc's",
)

_STEP_PATTERN = textwrap.dedent(
    """
    import resource
    import numpy as np
    from genesis.training.memory import keep_freed_heap
    print(keep_freed_heap())
    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    def rounds(n):
        for _ in range(n):
            blocks = [np.ones(3 << 20, np.uint8) for _ in range(3)]
            del blocks
    rounds(3)
    before = faults()
    rounds(20)
    print((faults() - before) / 20)
    """
)


def _run_pattern(**env: str) -> tuple[bool, float]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k != OPT_OUT_VARIABLE and not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"
    }
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", _STEP_PATTERN],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    applied, faults = result.stdout.split()
    return applied == "True", float(faults)


@glibc_only
def test_freed_blocks_are_reused_without_page_faults():
    applied, faults = _run_pattern()
    assert applied
    assert faults < 50


@glibc_only
def test_opting_out_leaves_glibcs_trimming_in_place():
    # The same pattern faults its 3 x 768 pages in again every round.
    applied, faults = _run_pattern(**{OPT_OUT_VARIABLE: "0"})
    assert not applied
    assert faults > 500


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (OPT_OUT_VARIABLE, "0"),
        ("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1000000"),
        ("MALLOC_TRIM_THRESHOLD_", "1000000"),
        ("MALLOC_MMAP_THRESHOLD_", "1000000"),
    ],
)
def test_user_settings_are_left_alone(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    assert keep_freed_heap() is False
