"""Building a torch model for the CPU applies genesis.training.memory.keep_freed_heap.

What the setting does is tested in genesis-core (tests/test_memory.py); here, that
every CPU model the torch backend builds asks for it (the real function is
called through; the spy only counts).
"""

from __future__ import annotations

import pandas as pd
import pytest

import genesis_torch.timegan
import genesis_torch.training
from genesis import SyntheticGenerator
from genesis.training.memory import keep_freed_heap


@pytest.fixture
def calls(monkeypatch):
    made = []

    def spy() -> bool:
        made.append(True)
        return keep_freed_heap()

    monkeypatch.setattr(genesis_torch.training, "keep_freed_heap", spy)
    monkeypatch.setattr(genesis_torch.timegan, "keep_freed_heap", spy)
    return made


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_a_cpu_table_model_keeps_freed_memory(calls, method):
    frame = pd.DataFrame({"x": [float(i % 7) for i in range(40)], "c": ["a", "b"] * 20})
    SyntheticGenerator(
        method=method, backend="torch", epochs=1, batch_size=20, seed=0, verbose=False
    ).fit(frame)
    assert calls


def test_a_cpu_sequence_model_keeps_freed_memory(calls):
    frame = pd.DataFrame(
        {"id": [i // 6 for i in range(36)], "t": [i % 6 for i in range(36)], "v": range(36)}
    )
    SyntheticGenerator(
        method="timegan",
        backend="torch",
        seq_len=4,
        iterations=1,
        batch_size=4,
        seed=0,
        verbose=False,
    ).fit(frame, entity_column="id", order_column="t")
    assert calls
