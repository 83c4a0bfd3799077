"""Privacy checks: does the synthetic table copy, or sit unusually close to, real rows?

Two measurements, each next to a baseline of real rows the model did not see
(the *holdout*: given by the caller, or else a random 20% of the real table,
the remaining 80% then serving as the reference):

* **Exact-copy rate**: the share of synthetic rows identical to some real row
  (all columns equal, missing equal to missing), against the full real table.
  The baseline is the share of holdout rows identical to a reference row, which
  is not zero when the real data has duplicate rows.
* **Distance to closest record (DCR)**: for each synthetic row, the distance to
  the nearest reference row, compared with the same for each holdout row. The
  distance is a Gower distance, the mean over columns of: ``|x - y|`` divided
  by the real column's range (capped at 1) for numbers and datetimes, 0 or 1
  for categories; a missing value is 0 from another missing value and 1 from
  anything else. Synthetic rows that sit much closer to the reference than
  holdout rows do suggest that the model memorized training rows.

Distances are computed on at most :data:`MAX_QUERY_ROWS` synthetic and holdout
rows against at most :data:`MAX_REFERENCE_ROWS` reference rows (random
subsamples), in chunks, so memory stays small and a report takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from genesis.evaluation.encoding import EncodedColumn

__all__ = [
    "MAX_QUERY_ROWS",
    "MAX_REFERENCE_ROWS",
    "PrivacyReport",
    "closest_distances",
    "privacy_report",
]

#: Most synthetic (and holdout) rows whose closest real row is searched.
MAX_QUERY_ROWS = 5_000
#: Most real rows searched among.
MAX_REFERENCE_ROWS = 10_000
#: Share of the real table held out as the baseline when no holdout is given.
INTERNAL_HOLDOUT_SHARE = 0.2
#: Query rows per chunk × reference rows: bounds the memory of one distance block.
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class PrivacyReport:
    """How close the synthetic rows are to real ones, next to a holdout baseline.

    Attributes:
        exact_copy_rate: share of synthetic rows identical to a real row.
        holdout_exact_copy_rate: share of holdout rows identical to a reference row.
        dcr_synthetic_median: median distance from a synthetic row to its closest
            reference row (distances in [0, 1]).
        dcr_synthetic_p05: 5th percentile of the same.
        dcr_holdout_median: median distance from a holdout row to its closest
            reference row.
        dcr_holdout_p05: 5th percentile of the same.
        closer_than_holdout_p05: share of synthetic rows closer to the reference
            than the 5th percentile of holdout rows; about 0.05 when synthetic
            rows are no closer to the training data than unseen real rows.
        holdout_source: ``"given"`` or ``"split"`` (20% of the real table).
        synthetic_rows_compared: synthetic rows in the distance computation.
        holdout_rows_compared: holdout rows in the distance computation.
        reference_rows: real rows searched.
    """

    exact_copy_rate: float
    holdout_exact_copy_rate: float
    dcr_synthetic_median: float
    dcr_synthetic_p05: float
    dcr_holdout_median: float
    dcr_holdout_p05: float
    closer_than_holdout_p05: float
    holdout_source: str
    synthetic_rows_compared: int
    holdout_rows_compared: int
    reference_rows: int


def _row_hashes(
    columns: list[EncodedColumn], table: int, rows: np.ndarray | None = None
) -> np.ndarray:
    parts: dict[str, np.ndarray] = {}
    for i, col in enumerate(columns):
        values = col.values[table] if rows is None else col.values[table][rows]
        if col.is_numeric:
            missing = np.isnan(values)
            parts[f"v{i}"] = np.where(missing, 0.0, values) + 0.0  # + 0.0 folds -0.0 into 0.0
            parts[f"m{i}"] = missing
        else:
            parts[f"v{i}"] = values
    return pd.util.hash_pandas_object(pd.DataFrame(parts), index=False).to_numpy()


def _copy_rate(query: np.ndarray, reference: np.ndarray) -> float:
    return float(np.isin(query, reference).mean()) if len(query) else float("nan")


def _features(
    columns: list[EncodedColumn], table: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    numeric = [c for c in columns if c.is_numeric]
    categorical = [c for c in columns if not c.is_numeric]
    num = np.empty((len(rows), len(numeric)), dtype=np.float32)
    for j, col in enumerate(numeric):
        num[:, j] = (col.values[table][rows] - col.low) / col.scale
    missing = np.isnan(num)
    num[missing] = 0.0
    cat = np.empty((len(rows), len(categorical)), dtype=np.int64)
    for j, col in enumerate(categorical):
        cat[:, j] = col.values[table][rows]
    return num, missing, cat


def closest_distances(
    query: tuple[np.ndarray, np.ndarray, np.ndarray],
    reference: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Gower distance from every query row to its closest reference row.

    Args:
        query: ``(numbers scaled to the real range, their missing mask,
            category codes)`` of the query rows, from the same encoding as
            ``reference``.
        reference: the same for the reference rows.

    Returns:
        One distance in [0, 1] per query row.
    """
    q_num, q_miss, q_cat = query
    r_num, r_miss, r_cat = reference
    n_columns = q_num.shape[1] + q_cat.shape[1]
    n_query, n_ref = len(q_num), len(r_num)
    out = np.empty(n_query, dtype=np.float64)
    if n_ref == 0 or n_columns == 0:
        out[:] = np.nan
        return out
    has_missing = np.asarray(q_miss.any(axis=0) | r_miss.any(axis=0), dtype=bool)
    step = max(1, _CHUNK_CELLS // n_ref)
    for start in range(0, n_query, step):
        stop = min(start + step, n_query)
        total = np.zeros((stop - start, n_ref), dtype=np.float32)
        for j in range(q_num.shape[1]):
            gap = np.abs(q_num[start:stop, j, None] - r_num[None, :, j])
            np.minimum(gap, 1.0, out=gap)
            if has_missing[j]:
                qm, rm = q_miss[start:stop, j, None], r_miss[None, :, j]
                gap = np.where(qm | rm, qm != rm, gap)
            total += gap
        for j in range(q_cat.shape[1]):
            total += q_cat[start:stop, j, None] != r_cat[None, :, j]
        out[start:stop] = total.min(axis=1) / n_columns
    return out


def _subsample(rows: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    return np.sort(rng.choice(rows, size=limit, replace=False)) if len(rows) > limit else rows


def privacy_report(
    columns: list[EncodedColumn],
    *,
    holdout_table: int | None,
    seed: int | None = 0,
) -> PrivacyReport:
    """Measure exact copies and distances to closest records.

    Args:
        columns: the encoded tables: real is table 0, synthetic table 1, and the
            holdout table ``holdout_table`` if given.
        holdout_table: index of the holdout table, or None to hold out 20% of
            the real rows.
        seed: seeds the split and the subsamples.
    """
    rng = np.random.default_rng(seed)
    n_real = len(columns[0].values[0])
    n_syn = len(columns[0].values[1])
    all_real = np.arange(n_real)
    real_hashes = _row_hashes(columns, 0)
    exact = _copy_rate(_row_hashes(columns, 1), real_hashes)

    if holdout_table is not None:
        ref_rows, ref_table = all_real, 0
        hold_rows, hold_table = np.arange(len(columns[0].values[holdout_table])), holdout_table
        holdout_exact = _copy_rate(_row_hashes(columns, hold_table), real_hashes)
        source = "given"
    else:
        order = rng.permutation(n_real)
        n_hold = max(1, round(n_real * INTERNAL_HOLDOUT_SHARE)) if n_real > 1 else 0
        hold_rows, ref_rows = np.sort(order[:n_hold]), np.sort(order[n_hold:])
        ref_table = hold_table = 0
        holdout_exact = _copy_rate(real_hashes[hold_rows], real_hashes[ref_rows])
        source = "split"

    ref_rows = _subsample(ref_rows, MAX_REFERENCE_ROWS, rng)
    syn_rows = _subsample(np.arange(n_syn), MAX_QUERY_ROWS, rng)
    hold_rows = _subsample(hold_rows, MAX_QUERY_ROWS, rng)
    reference = _features(columns, ref_table, ref_rows)
    dcr_syn = closest_distances(_features(columns, 1, syn_rows), reference)
    dcr_hold = closest_distances(_features(columns, hold_table, hold_rows), reference)

    def pct(values: np.ndarray, q: float) -> float:
        return float(np.percentile(values, q)) if values.size else float("nan")

    hold_p05 = pct(dcr_hold, 5)
    closer = float(np.mean(dcr_syn < hold_p05)) if dcr_syn.size and dcr_hold.size else float("nan")
    return PrivacyReport(
        exact_copy_rate=exact,
        holdout_exact_copy_rate=holdout_exact,
        dcr_synthetic_median=pct(dcr_syn, 50),
        dcr_synthetic_p05=pct(dcr_syn, 5),
        dcr_holdout_median=pct(dcr_hold, 50),
        dcr_holdout_p05=hold_p05,
        closer_than_holdout_p05=closer,
        holdout_source=source,
        synthetic_rows_compared=len(syn_rows),
        holdout_rows_compared=len(hold_rows),
        reference_rows=len(ref_rows),
    )
