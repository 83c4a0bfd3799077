"""Fidelity metrics: how closely the synthetic columns and column pairs follow the real ones.

The formulas are those of the SDMetrics Quality Report (DataCebo), written
here with numpy and pandas rather than depending on ``sdmetrics``: they are a
few lines each, and ``sdmetrics`` would bring scipy, plotly, scikit-learn and
copulas along for them. Every score lies in [0, 1], 1 meaning identical.

* **Column shape**, per column:
  *KS complement* ``1 - D`` for numbers and datetimes, where ``D`` is the
  Kolmogorov-Smirnov statistic (the largest gap between the two empirical
  CDFs); *TV complement* ``1 - ½ Σ |p_real - p_syn|`` over the categories for
  the rest. Missing values are a category of their own; for numbers they are a
  point mass placed after the largest value, so a differing missing rate
  widens the CDF gap by exactly the difference in rates (SDMetrics drops them).
* **Pair trend**, per pair of columns:
  *correlation similarity* ``1 - |ρ_real - ρ_syn| / 2`` (Pearson, on the rows
  where both are present) when both columns are numbers or datetimes;
  *contingency similarity* ``1 - ½ Σ |p_real(a, b) - p_syn(a, b)|`` over the
  cells of the two-way table otherwise, numbers cut into 10 equal-width bins of
  the real range. Where a correlation is undefined (a constant or entirely
  missing column in either table) the pair falls back to contingency
  similarity, so every pair has a score (SDMetrics leaves such a pair out).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from genesis.evaluation.encoding import EncodedColumn

__all__ = [
    "ColumnShape",
    "PairTrend",
    "column_shapes",
    "contingency_similarity",
    "correlation_matrix",
    "ks_complement",
    "pair_trends",
    "tv_complement",
]

#: Above this many cells a two-way table is counted sparsely.
_MAX_DENSE_CELLS = 1 << 20


@dataclass(frozen=True)
class ColumnShape:
    """How well one column's distribution is reproduced.

    Attributes:
        column: the column name.
        kind: ``"numerical"``, ``"datetime"`` or ``"categorical"``.
        metric: ``"KSComplement"`` or ``"TVComplement"``.
        score: in [0, 1]; 1 means the same distribution.
    """

    column: str
    kind: str
    metric: str
    score: float


@dataclass(frozen=True)
class PairTrend:
    """How well the relation between two columns is reproduced.

    Attributes:
        column_1: the first column (in table order).
        column_2: the second column.
        metric: ``"CorrelationSimilarity"`` or ``"ContingencySimilarity"``.
        score: in [0, 1]; 1 means the same relation.
        real_correlation: Pearson correlation in the real table (correlation
            similarity only, else None).
        synthetic_correlation: the same in the synthetic table.
    """

    column_1: str
    column_2: str
    metric: str
    score: float
    real_correlation: float | None = None
    synthetic_correlation: float | None = None


def ks_complement(real: np.ndarray, synthetic: np.ndarray) -> float:
    """``1 - KS statistic`` of two samples; ``NaN`` is a value after all numbers.

    Args:
        real: float values, ``NaN`` for missing.
        synthetic: the same for the synthetic column.

    Returns:
        The score in [0, 1]; 1.0 when both are empty or entirely missing.
    """
    if len(real) == 0 or len(synthetic) == 0:
        return float("nan")
    a = np.sort(real[~np.isnan(real)])
    b = np.sort(synthetic[~np.isnan(synthetic)])
    grid = np.concatenate([a, b])
    gap = 0.0
    if grid.size:
        cdf_a = np.searchsorted(a, grid, side="right") / len(real)
        cdf_b = np.searchsorted(b, grid, side="right") / len(synthetic)
        gap = float(np.max(np.abs(cdf_a - cdf_b)))
    # The jump to 1 at "missing": the difference of the missing rates.
    gap = max(gap, abs(len(a) / len(real) - len(b) / len(synthetic)))
    return 1.0 - gap


def _shares(codes: np.ndarray, n_codes: int) -> np.ndarray:
    return np.bincount(codes, minlength=n_codes) / max(len(codes), 1)


def tv_complement(real: np.ndarray, synthetic: np.ndarray, n_codes: int) -> float:
    """``1 - total variation distance`` of two samples of category codes."""
    if len(real) == 0 or len(synthetic) == 0:
        return float("nan")
    return 1.0 - 0.5 * float(np.abs(_shares(real, n_codes) - _shares(synthetic, n_codes)).sum())


def contingency_similarity(
    real: tuple[np.ndarray, np.ndarray],
    synthetic: tuple[np.ndarray, np.ndarray],
    n_codes: tuple[int, int],
) -> float:
    """``1 - total variation distance`` of the two-way tables of two code columns."""
    width = n_codes[1]
    joint_real = real[0] * width + real[1]
    joint_syn = synthetic[0] * width + synthetic[1]
    cells = n_codes[0] * width
    if cells > _MAX_DENSE_CELLS:  # two columns of many categories: count only the cells seen
        codes, uniques = pd.factorize(np.concatenate([joint_real, joint_syn]))
        joint_real, joint_syn = codes[: len(joint_real)], codes[len(joint_real) :]
        cells = len(uniques)
    return tv_complement(joint_real, joint_syn, cells)


def column_shapes(columns: list[EncodedColumn]) -> list[ColumnShape]:
    """Score every column's shape (real is table 0, synthetic table 1)."""
    shapes = []
    for col in columns:
        if col.is_numeric:
            score = ks_complement(col.values[0], col.values[1])
            metric = "KSComplement"
        else:
            score = tv_complement(col.values[0], col.values[1], col.n_codes)
            metric = "TVComplement"
        shapes.append(ColumnShape(column=col.name, kind=col.kind, metric=metric, score=score))
    return shapes


def correlation_matrix(columns: list[EncodedColumn], table: int) -> pd.DataFrame:
    """Pearson correlations of the numerical and datetime columns of one table."""
    numeric = {c.name: c.values[table] for c in columns if c.is_numeric}
    return pd.DataFrame(numeric).corr(method="pearson")


def pair_trends(columns: list[EncodedColumn]) -> list[PairTrend]:
    """Score every pair of columns (real is table 0, synthetic table 1)."""
    corr_real = correlation_matrix(columns, 0)
    corr_syn = correlation_matrix(columns, 1)
    trends = []
    for left, right in combinations(columns, 2):
        rho_real = rho_syn = float("nan")
        if left.is_numeric and right.is_numeric:
            # pandas-stubs type a cell as any scalar; a correlation matrix holds floats
            rho_real = float(corr_real.at[left.name, right.name])  # type: ignore[arg-type]
            rho_syn = float(corr_syn.at[left.name, right.name])  # type: ignore[arg-type]
        if not (np.isnan(rho_real) or np.isnan(rho_syn)):
            score = 1.0 - abs(rho_real - rho_syn) / 2.0
            trends.append(
                PairTrend(
                    left.name,
                    right.name,
                    "CorrelationSimilarity",
                    score,
                    real_correlation=rho_real,
                    synthetic_correlation=rho_syn,
                )
            )
        else:
            score = contingency_similarity(
                (left.codes[0], right.codes[0]),
                (left.codes[1], right.codes[1]),
                (left.n_codes, right.n_codes),
            )
            trends.append(PairTrend(left.name, right.name, "ContingencySimilarity", score))
    return trends
