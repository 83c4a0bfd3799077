"""Put the real, synthetic and holdout tables on one footing before measuring them.

Every column is encoded once, the same way for every table, so the metrics can
work on plain numpy arrays:

* **numerical** columns (numbers and timedeltas, as seconds) and **datetime**
  columns (as days since 1970-01-01, which is also matplotlib's date axis)
  become ``float64`` arrays with ``NaN`` for a missing value; infinite values
  count as missing. The real table's range gives each column its scale and 10
  equal-width bins (plus one bin for missing values; synthetic values outside
  the range fall in the end bins), used where a number meets a category.
* **categorical** columns (strings, booleans, ``category`` dtype, and any
  column the caller lists as discrete) become integer codes shared by all
  tables; a missing value is a category of its own. Values are compared as
  text, so ``3`` and ``3.0``, or ``True`` and ``"True"``, are the same
  category, which is what a round trip through CSV needs.

The kind of a column is decided by the real table's dtype.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from genesis.errors import DataValidationError, UnknownColumnError

__all__ = [
    "MISSING_LABEL",
    "N_BINS",
    "ColumnKind",
    "EncodedColumn",
    "column_kinds",
    "encode_tables",
]

ColumnKind = Literal["numerical", "datetime", "categorical"]

#: Equal-width bins a numerical column is cut into where it meets a category.
N_BINS = 10
#: How a missing value is labelled in reports.
MISSING_LABEL = "(missing)"

_EPOCH = pd.Timestamp("1970-01-01")


@dataclass(frozen=True)
class EncodedColumn:
    """One column of every table, encoded the same way.

    Attributes:
        name: the column name.
        kind: ``"numerical"``, ``"datetime"`` or ``"categorical"``.
        values: per table (real first), ``float64`` values with ``NaN`` for
            missing (numerical, datetime) or ``int64`` category codes
            (categorical).
        codes: per table, ``int64`` codes for contingency tables: the category
            codes, or the bin of each number (bin ``N_BINS`` holds missing ones).
        n_codes: how many distinct codes ``codes`` can hold.
        categories: label of each category code (categorical columns only);
            the missing-value category is labelled :data:`MISSING_LABEL`.
        missing_code: the code of the missing-value category, if any.
        low: smallest finite real value (numerical, datetime).
        high: largest finite real value (numerical, datetime).
    """

    name: str
    kind: ColumnKind
    values: tuple[np.ndarray, ...]
    codes: tuple[np.ndarray, ...]
    n_codes: int
    categories: tuple[str, ...] = ()
    missing_code: int | None = None
    low: float = 0.0
    high: float = 0.0

    @property
    def is_numeric(self) -> bool:
        """Numerical or datetime: a column with an order and distances."""
        return self.kind != "categorical"

    @property
    def scale(self) -> float:
        """The real table's range, used to bring distances into [0, 1]."""
        span = self.high - self.low
        return span if span > 0 and np.isfinite(span) else 1.0


def column_kinds(
    real: pd.DataFrame, discrete_columns: Sequence[str] | None = None
) -> dict[str, ColumnKind]:
    """Decide each column's kind from the real table's dtypes.

    Args:
        real: the real table.
        discrete_columns: numeric columns to treat as categories as well.

    Raises:
        UnknownColumnError: ``discrete_columns`` names a column ``real`` lacks.
    """
    discrete = set(discrete_columns or ())
    unknown = sorted(discrete - set(real.columns))
    if unknown:
        raise UnknownColumnError(
            f"discrete column(s) {', '.join(map(repr, unknown))} not in the table; "
            f"columns: {', '.join(map(str, real.columns))}"
        )
    kinds: dict[str, ColumnKind] = {}
    for name in real.columns:
        dtype = real[name].dtype
        if (
            name in discrete
            or ptypes.is_bool_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            kinds[name] = "categorical"
        elif ptypes.is_datetime64_any_dtype(dtype):
            kinds[name] = "datetime"
        elif ptypes.is_timedelta64_dtype(dtype) or (
            ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype)
        ):
            kinds[name] = "numerical"
        else:
            kinds[name] = "categorical"
    return kinds


def _as_float(series: pd.Series, kind: ColumnKind) -> np.ndarray:
    if kind == "datetime":
        stamps = pd.to_datetime(series, errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        days = (stamps - _EPOCH) / pd.Timedelta(days=1)
        values = days.to_numpy(dtype="float64", na_value=np.nan)
    elif ptypes.is_timedelta64_dtype(series.dtype):
        values = (series / pd.Timedelta(seconds=1)).to_numpy(dtype="float64", na_value=np.nan)
    else:
        numbers = pd.to_numeric(series, errors="coerce")
        if ptypes.is_bool_dtype(numbers.dtype):
            numbers = numbers.astype("float64")
        values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(values), values, np.nan)


def _as_labels(series: pd.Series) -> pd.Series:
    """Category values as text, ``None`` where missing (``3.0`` reads as ``"3"``)."""
    missing = series.isna().to_numpy()
    dtype = series.dtype
    if (
        ptypes.is_numeric_dtype(dtype)
        and not ptypes.is_bool_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
    ):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        finite = numbers[~missing]
        if finite.size and np.all(np.isfinite(finite)) and np.all(finite == np.round(finite)):
            labels = pd.Series(numbers, index=series.index).astype("Int64").astype(str)
        else:
            labels = pd.Series(numbers, index=series.index).astype(str)
    else:
        labels = series.astype(object).astype(str)
    return labels.astype(object).where(~missing, None)


def _bin_codes(values: np.ndarray, low: float, high: float) -> np.ndarray:
    span = high - low
    if span > 0:
        position = np.floor((values - low) / span * N_BINS)
    else:  # a constant real column: below, at, or above its value
        position = np.where(values < low, 0, np.where(values > low, N_BINS - 1, N_BINS // 2))
    position = np.clip(np.nan_to_num(position, nan=0.0), 0, N_BINS - 1).astype(np.int64)
    return np.where(np.isnan(values), N_BINS, position)


def encode_tables(
    tables: Sequence[pd.DataFrame], kinds: dict[str, ColumnKind]
) -> list[EncodedColumn]:
    """Encode the columns ``kinds`` names in every table (the real table first).

    Raises:
        DataValidationError: a table lacks one of the columns.
    """
    for position, table in enumerate(tables[1:], start=1):
        missing = [c for c in kinds if c not in table.columns]
        if missing:
            which = "synthetic" if position == 1 else "holdout"
            raise DataValidationError(
                f"The {which} table lacks column(s) of the real table: "
                f"{', '.join(map(str, missing))}"
            )
    columns: list[EncodedColumn] = []
    for name, kind in kinds.items():
        if kind == "categorical":
            labels = [_as_labels(table[name]) for table in tables]
            joined = pd.concat(labels, ignore_index=True)
            codes, uniques = pd.factorize(joined, use_na_sentinel=True)
            categories = [str(u) for u in uniques]
            missing_code = None
            if (codes < 0).any():
                missing_code = len(categories)
                categories.append(MISSING_LABEL)
                codes = np.where(codes < 0, missing_code, codes)
            codes = codes.astype(np.int64)
            bounds = np.cumsum([0, *(len(t) for t in tables)])
            split = tuple(codes[bounds[i] : bounds[i + 1]] for i in range(len(tables)))
            columns.append(
                EncodedColumn(
                    name=name,
                    kind=kind,
                    values=split,
                    codes=split,
                    n_codes=len(categories),
                    categories=tuple(categories),
                    missing_code=missing_code,
                )
            )
        else:
            values = tuple(_as_float(table[name], kind) for table in tables)
            finite = values[0][~np.isnan(values[0])]
            low = float(finite.min()) if finite.size else 0.0
            high = float(finite.max()) if finite.size else 0.0
            columns.append(
                EncodedColumn(
                    name=name,
                    kind=kind,
                    values=values,
                    codes=tuple(_bin_codes(v, low, high) for v in values),
                    n_codes=N_BINS + 1,
                    low=low,
                    high=high,
                )
            )
    return columns
