"""Shared fixtures for the tensorflow backend's tests: a hand-built layout, specs and batches.

The specs and batches come from :class:`genesis_testkit.builders.RowLayout`. The row
layout (16 columns, condition vector of 7):

=======  ======================  =============================================
columns  span                    meaning
=======  ======================  =============================================
0        tanh                    continuous column A, normalized scalar
1-3      softmax, width 3        column A's mixture mode
4        tanh                    continuous column B
5        softmax, width 1        column B's only mode
6-7      softmax, width 2        column B's [present, missing] indicator
8-11     softmax, width 4        discrete column X (condition 0-3)
12-14    softmax, width 3        discrete column Y (condition 4-6)
15       tanh                    continuous column C, after the discrete ones
=======  ======================  =============================================

The discrete blocks sit at different offsets in the row (8, 12) and in the
condition vector (0, 4), so a loss that mixes the two up is caught; the width-1
span and the scalar after the one-hot blocks exercise the edges of the layout
code.
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
        OutputSpan(5, 1, "softmax"),
        OutputSpan(6, 2, "softmax"),
        OutputSpan(8, 4, "softmax"),
        OutputSpan(12, 3, "softmax"),
        OutputSpan(15, 1, "tanh"),
    ),
    condition_spans=(
        ConditionSpan("x", data_start=8, cond_start=0, width=4),
        ConditionSpan("y", data_start=12, cond_start=4, width=3),
    ),
    batch_size=20,
)
#: Hidden widths that differ between layers and networks (the testkit's defaults are all 16).
CTGAN_NETWORKS = {"generator_dim": (16, 12), "discriminator_dim": (16, 8)}


def ctgan_spec_with(**params: object) -> ModelSpec:
    """The test layout with small CTGAN networks; ``params`` override the defaults."""
    return LAYOUT.ctgan_spec(**{**CTGAN_NETWORKS, **params})


@pytest.fixture
def ctgan_spec() -> ModelSpec:
    """A small CTGAN spec over the test layout."""
    return ctgan_spec_with()


@pytest.fixture
def tvae_spec() -> ModelSpec:
    """A small TVAE spec over the test layout."""
    return LAYOUT.tvae_spec()


@pytest.fixture
def make_ctgan_spec():
    """``make(**params)``: the test layout with CTGAN params overridden."""
    return ctgan_spec_with


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
    """``make(seed, rows=20)``: a TVAE batch of the test layout drawn from ``seed``."""
    return LAYOUT.tvae_batch


@pytest.fixture(params=["ctgan", "tvae"])
def method_case(request):
    """``(spec, make_batch)`` for each method over the test layout."""
    if request.param == "ctgan":
        return ctgan_spec_with(), LAYOUT.ctgan_batch
    return LAYOUT.tvae_spec(), LAYOUT.tvae_batch
