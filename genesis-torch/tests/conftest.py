"""Shared fixtures for the torch backend's tests: small hand-built specs and batches.

The specs and batches come from :class:`genesis_testkit.builders.RowLayout`. The
layout used throughout (14 columns, condition vector of 7):

======  =========================  ==========================================
column  span                       meaning
======  =========================  ==========================================
0       tanh                       continuous column A, normalized scalar
1-3     softmax, width 3           column A's mixture mode
4       tanh                       continuous column B, normalized scalar
5-6     softmax, width 2           column B's mixture mode
7-10    softmax, width 4           discrete column X (condition 0-3)
11-13   softmax, width 3           discrete column Y (condition 4-6)
======  =========================  ==========================================

The discrete blocks start at different offsets in the row (7, 11) and in the
condition vector (0, 4), so a loss that mixes the two offsets up is caught.
"""

from __future__ import annotations

import pytest

from genesis.models.spec import ConditionSpan, ModelSpec, OutputSpan
from genesis_testkit.builders import RowLayout

LAYOUT = RowLayout(
    output_spans=(
        OutputSpan(0, 1, "tanh"),
        OutputSpan(1, 3, "softmax"),
        OutputSpan(4, 1, "tanh"),
        OutputSpan(5, 2, "softmax"),
        OutputSpan(7, 4, "softmax"),
        OutputSpan(11, 3, "softmax"),
    ),
    condition_spans=(
        ConditionSpan("x", data_start=7, cond_start=0, width=4),
        ConditionSpan("y", data_start=11, cond_start=4, width=3),
    ),
    batch_size=20,
)


@pytest.fixture
def ctgan_spec() -> ModelSpec:
    """A small CTGAN spec over the test layout."""
    return LAYOUT.ctgan_spec()


@pytest.fixture
def tvae_spec() -> ModelSpec:
    """A small TVAE spec over the test layout."""
    return LAYOUT.tvae_spec()


@pytest.fixture
def make_ctgan_spec():
    """``make(**params)``: the test layout with CTGAN params overridden."""
    return LAYOUT.ctgan_spec


@pytest.fixture
def make_tvae_spec():
    """``make(**params)``: the test layout with TVAE params overridden."""
    return LAYOUT.tvae_spec


@pytest.fixture
def ctgan_batch():
    """``make(seed, steps=1)``: a CTGAN batch of the test layout drawn from ``seed``."""
    return LAYOUT.ctgan_batch


@pytest.fixture
def tvae_batch():
    """``make(seed)``: a TVAE batch of the test layout drawn from ``seed``."""
    return LAYOUT.tvae_batch


@pytest.fixture
def rows():
    """``make(rng, n)``: ``n`` transformed rows of the test layout."""
    return LAYOUT.real_rows
