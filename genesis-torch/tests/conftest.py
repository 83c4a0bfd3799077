"""Shared fixtures for the torch backend's tests: small hand-built specs and batches.

The layout used throughout (14 columns, condition vector of 7):

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

import numpy as np
import pytest

from genesis.models.batches import CTGANBatch, TVAEBatch
from genesis.models.spec import (
    ConditionSpan,
    CTGANParams,
    ModelSpec,
    OutputSpan,
    TVAEParams,
)

SPANS = (
    OutputSpan(0, 1, "tanh"),
    OutputSpan(1, 3, "softmax"),
    OutputSpan(4, 1, "tanh"),
    OutputSpan(5, 2, "softmax"),
    OutputSpan(7, 4, "softmax"),
    OutputSpan(11, 3, "softmax"),
)
CONDITIONS = (
    ConditionSpan("x", data_start=7, cond_start=0, width=4),
    ConditionSpan("y", data_start=11, cond_start=4, width=3),
)
DATA_DIM = 14
COND_DIM = 7
BATCH = 20


def ctgan_spec_with(**params: object) -> ModelSpec:
    """The test layout with small CTGAN networks; ``params`` override the defaults."""
    values: dict[str, object] = {
        "embedding_dim": 8,
        "generator_dim": (16, 16),
        "discriminator_dim": (16, 16),
        "batch_size": BATCH,
        "pac": 5,
    }
    values.update(params)
    return ModelSpec(
        method="ctgan",
        params=CTGANParams(**values),  # type: ignore[arg-type]
        data_dim=DATA_DIM,
        cond_dim=COND_DIM,
        output_spans=SPANS,
        condition_spans=CONDITIONS,
    )


def tvae_spec_with(**params: object) -> ModelSpec:
    """The test layout with small TVAE networks; ``params`` override the defaults."""
    values: dict[str, object] = {
        "embedding_dim": 8,
        "compress_dims": (12, 10),
        "decompress_dims": (10, 12),
        "batch_size": BATCH,
    }
    values.update(params)
    return ModelSpec(
        method="tvae",
        params=TVAEParams(**values),  # type: ignore[arg-type]
        data_dim=DATA_DIM,
        output_spans=SPANS,
    )


def real_rows(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Transformed rows of the test layout: scalars in (-0.9, 0.9), valid one-hots."""
    data = np.zeros((rows, DATA_DIM), dtype=np.float32)
    for span in SPANS:
        if span.activation == "tanh":
            data[:, span.start] = rng.uniform(-0.9, 0.9, rows)
        else:
            data[np.arange(rows), span.start + rng.integers(0, span.width, rows)] = 1.0
    return data


def condition_for(rows: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A condition vector per row asking for the row's own category of a random column."""
    n = rows.shape[0]
    column = rng.integers(0, len(CONDITIONS), n)
    cond = np.zeros((n, COND_DIM), dtype=np.float32)
    mask = np.zeros((n, len(CONDITIONS)), dtype=np.float32)
    mask[np.arange(n), column] = 1.0
    for j, span in enumerate(CONDITIONS):
        picked = column == j
        block = rows[picked, span.data_start : span.data_start + span.width]
        cond[picked, span.cond_start : span.cond_start + span.width] = block
    return cond, mask


def make_ctgan_batch(seed: int, steps: int = 1) -> CTGANBatch:
    """A CTGAN batch (``steps`` critic updates) drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    real = np.stack([real_rows(rng, BATCH) for _ in range(steps)])
    cond = np.stack([condition_for(real[s], rng)[0] for s in range(steps)])
    gen_cond, gen_mask = condition_for(real_rows(rng, BATCH), rng)
    return CTGANBatch(real=real, cond=cond, gen_cond=gen_cond, gen_mask=gen_mask)


def make_tvae_batch(seed: int) -> TVAEBatch:
    """A TVAE batch drawn from ``seed``."""
    return TVAEBatch(real=real_rows(np.random.default_rng(seed), BATCH))


@pytest.fixture
def ctgan_spec() -> ModelSpec:
    """A small CTGAN spec over the test layout."""
    return ctgan_spec_with()


@pytest.fixture
def tvae_spec() -> ModelSpec:
    """A small TVAE spec over the test layout."""
    return tvae_spec_with()


@pytest.fixture
def make_ctgan_spec():
    """``make(**params)``: the test layout with CTGAN params overridden."""
    return ctgan_spec_with


@pytest.fixture
def make_tvae_spec():
    """``make(**params)``: the test layout with TVAE params overridden."""
    return tvae_spec_with


@pytest.fixture
def ctgan_batch():
    """``make(seed, steps=1)``: a CTGAN batch of the test layout drawn from ``seed``."""
    return make_ctgan_batch


@pytest.fixture
def tvae_batch():
    """``make(seed)``: a TVAE batch of the test layout drawn from ``seed``."""
    return make_tvae_batch


@pytest.fixture
def rows():
    """``make(rng, n)``: ``n`` transformed rows of the test layout."""
    return real_rows
