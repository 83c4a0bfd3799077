"""The numpy batches the core's training schedule hands to a backend's train step.

The core samples every batch (training-by-sampling, row draws) with its own
seeded numpy generator; a backend only moves the arrays to its device and runs
one optimization step. Noise for the networks (latent vectors, Gumbel noise,
dropout) is drawn by the backend from the generator it seeded at build time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genesis.models.timegan import (
    SequenceClassifierBatch,
    SequencePredictorBatch,
    TimeGANBatch,
)

__all__ = ["CTGANBatch", "TVAEBatch", "TrainBatch"]


@dataclass(frozen=True)
class CTGANBatch:
    """One CTGAN step: ``discriminator_steps`` critic updates, then one generator update.

    Attributes:
        real: ``(discriminator_steps, batch, data_dim)`` float32 transformed real rows;
            row ``i`` holds the category that ``cond[s, i]`` asks for.
        cond: ``(discriminator_steps, batch, cond_dim)`` float32 condition vectors for the
            critic updates (the fakes of that update are generated with them too).
            Each is one-hot: training-by-sampling sets one bit, the chosen category
            of the chosen column (a backend may rely on it; torch's gathers).
        gen_cond: ``(batch, cond_dim)`` float32 one-hot condition vectors for the
            generator update.
        gen_mask: ``(batch, n_discrete_columns)`` float32 one-hot of the column each
            ``gen_cond`` row conditions on (the conditional loss counts only that column).
    """

    real: np.ndarray
    cond: np.ndarray
    gen_cond: np.ndarray
    gen_mask: np.ndarray


@dataclass(frozen=True)
class TVAEBatch:
    """One TVAE step on ``real``: ``(batch, data_dim)`` float32 transformed rows."""

    real: np.ndarray


#: What a backend's ``genesis_train_step`` receives: a tabular batch above, or a
#: TimeGAN or evaluation-network batch (:mod:`genesis.models.timegan`).
TrainBatch = (
    CTGANBatch | TVAEBatch | TimeGANBatch | SequenceClassifierBatch | SequencePredictorBatch
)
