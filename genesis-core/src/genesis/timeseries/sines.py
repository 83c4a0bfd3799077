"""The Sines data set of the TimeGAN paper: independent sine waves, mapped to [0, 1]."""

from __future__ import annotations

import numpy as np

__all__ = ["make_sines"]


def make_sines(
    n: int = 10_000, seq_len: int = 24, features: int = 5, *, seed: int | None = None
) -> np.ndarray:
    """Sequences whose every feature is ``sin(f t + phi)`` with ``f, phi ~ U(0, 0.1)``.

    As in the paper (Yoon et al., 2019, section 5): each sequence and feature
    draws its own frequency and phase, ``t = 0 .. seq_len - 1``, and the values are
    mapped to [0, 1] with ``(sin + 1) / 2``.

    Args:
        n: number of sequences.
        seq_len: steps per sequence.
        features: features per step.
        seed: seed of the draws (``None``: fresh randomness).

    Returns:
        ``(n, seq_len, features)`` float64 array in [0, 1].
    """
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0.0, 0.1, size=(n, 1, features))
    phase = rng.uniform(0.0, 0.1, size=(n, 1, features))
    t = np.arange(seq_len, dtype=np.float64)[None, :, None]
    return (np.sin(freq * t + phase) + 1.0) * 0.5
