"""What kind of values a column holds, and how to get its dtype back.

The transformer sees every column either as *continuous* (numbers, datetimes,
timedeltas, handled as floats) or as *discrete* (categories). This module holds
the rules that decide which, the conversions from a column to plain numbers or
category values, and the conversions back to the column's original dtype.

Rules, kept deliberately simple:

* ``bool``/``boolean``, ``object``, ``string`` and ``category`` columns are
  discrete. Every other numeric column is continuous unless the caller lists
  it as discrete; integer columns with few distinct values stay continuous.
* ``datetime64`` (naive or with a time zone) and ``timedelta64`` columns are
  continuous, handled as integer ticks of the column's own unit (``ns`` for
  ``datetime64[ns]``, ``us`` for ``datetime64[us]``, ...), in UTC for
  time-zone-aware columns.
* Category values must be ``str``, ``int``, ``float`` or ``bool`` (one kind per
  column, ints and floats may mix); anything else is reported with the advice
  to convert the column with ``astype(str)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from genesis.errors import DataValidationError

__all__ = [
    "CategoryValue",
    "TemporalKind",
    "decode_temporal",
    "encode_temporal",
    "from_native_values",
    "is_continuous_capable",
    "is_integer_dtype",
    "is_missing_scalar",
    "restore_dtype",
    "temporal_kind",
    "to_native",
    "to_native_list",
    "value_kind",
]

CategoryValue = str | int | float | bool | None
"""A category as stored in a transformer state (``None`` marks a missing value)."""

TemporalKind = Literal["number", "datetime", "timedelta"]

_ALLOWED_VALUE_KINDS = frozenset(
    {"string", "integer", "floating", "mixed-integer-float", "boolean", "empty"}
)
_MIXED_VALUE_KINDS = frozenset({"mixed", "mixed-integer"})


def is_continuous_capable(dtype: Any) -> bool:
    """Whether a column of this dtype can be treated as continuous.

    Args:
        dtype: a pandas or numpy dtype.

    Returns:
        True for non-boolean real numbers, datetimes and timedeltas.
    """
    if ptypes.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return False
    if ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
        return True
    return ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype)


def is_integer_dtype(dtype: Any) -> bool:
    """Whether the dtype holds integers (numpy or pandas nullable), not booleans."""
    return ptypes.is_integer_dtype(dtype) and not ptypes.is_bool_dtype(dtype)


def temporal_kind(dtype: Any) -> TemporalKind:
    """Classify a continuous-capable dtype as plain number, datetime or timedelta."""
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime"
    if ptypes.is_timedelta64_dtype(dtype):
        return "timedelta"
    return "number"


def value_kind(column: str, series: pd.Series) -> str:
    """Check that a discrete column holds one supported kind of value.

    Args:
        column: the column's name, for messages.
        series: the column.

    Returns:
        pandas' inferred kind (``"string"``, ``"integer"``, ``"floating"``,
        ``"mixed-integer-float"``, ``"boolean"`` or ``"empty"``).

    Raises:
        DataValidationError: if the column mixes kinds (numbers and strings) or
            holds values of an unsupported type (bytes, dates, objects, ...).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        kind = ptypes.infer_dtype(series.cat.categories, skipna=True)
    else:
        kind = ptypes.infer_dtype(series, skipna=True)
    if kind in _ALLOWED_VALUE_KINDS:
        return kind
    if kind in _MIXED_VALUE_KINDS:
        # Error path only: name containers (lists, dicts...) rather than "mixed types".
        seen = {type(v).__name__ for v in series.dropna().head(10_000)}
        containers = sorted(seen & {"list", "tuple", "dict", "set", "ndarray"})
        if containers:
            raise DataValidationError(
                f"Column {column!r} holds {' and '.join(containers)} values; each cell must "
                f"hold one value (str, int, float or bool). Flatten it first, for example "
                f"one row per item with df.explode({column!r}), or one text per cell with "
                f"df[{column!r}] = df[{column!r}].astype(str)."
            )
        raise DataValidationError(
            f"Column {column!r} mixes value types (for example numbers and strings), "
            f"which cannot be learned as one column. Convert it to a single type first, "
            f"for example df[{column!r}] = df[{column!r}].astype(str)."
        )
    raise DataValidationError(
        f"Column {column!r} holds values of an unsupported type ({kind}); category values "
        f"must be str, int, float or bool. Convert it first, for example "
        f"df[{column!r}] = df[{column!r}].astype(str)."
    )


def is_missing_scalar(value: Any) -> bool:
    """Whether a single value means "missing" (None, NaN, NA, NaT)."""
    if value is None:
        return True
    if np.ndim(value) != 0:
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_native(value: Any) -> CategoryValue:
    """Convert one category value to a JSON-ready Python scalar.

    Numpy scalars become Python scalars; missing values become ``None``.
    """
    if is_missing_scalar(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_native_list(values: Iterable[Any]) -> list[CategoryValue]:
    """Convert category values to JSON-ready Python scalars (see :func:`to_native`).

    The loop runs over distinct values, never over rows.
    """
    if isinstance(values, np.ndarray) and values.dtype != object:
        return values.tolist()
    return [to_native(v) for v in values]


def from_native_values(values: list[CategoryValue]) -> np.ndarray:
    """Turn stored category values into an object array (``None`` kept as is)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def encode_temporal(series: pd.Series, kind: TemporalKind) -> tuple[np.ndarray, str | None]:
    """Convert a continuous column to float64 values with NaN for missing.

    Args:
        series: the column.
        kind: its kind from :func:`temporal_kind`.

    Returns:
        The float values and, for datetimes and timedeltas, the tick unit.

    Raises:
        DataValidationError: if the values cannot be read as numbers.
    """
    if kind == "number":
        try:
            return series.to_numpy(dtype=np.float64, na_value=np.nan), None
        except (TypeError, ValueError) as exc:
            raise DataValidationError(
                f"Column {series.name!r} cannot be read as numbers: {exc}"
            ) from exc
    unit = str(series.dt.unit)
    if kind == "datetime" and getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    ticks = series.to_numpy().view(np.int64).astype(np.float64)
    ticks[series.isna().to_numpy()] = np.nan
    return ticks, unit


def decode_temporal(
    ticks: np.ndarray, missing: np.ndarray | None, kind: TemporalKind, unit: str | None, dtype: str
) -> pd.Series:
    """Turn rounded integer ticks back into a datetime or timedelta column.

    Args:
        ticks: float ticks (already clipped); they are rounded here.
        missing: boolean mask of rows to set to NaT, or None.
        kind: ``"datetime"`` or ``"timedelta"``.
        unit: the tick unit recorded by :func:`encode_temporal`.
        dtype: the original dtype as a string (carries the time zone).

    Returns:
        The column with the original dtype.
    """
    code = "M8" if kind == "datetime" else "m8"
    values = np.rint(ticks).astype(np.int64).view(f"{code}[{unit}]")
    if missing is not None and missing.any():
        values = values.copy()
        values[missing] = np.datetime64("NaT") if kind == "datetime" else np.timedelta64("NaT")
    series = pd.Series(values)
    target = ptypes.pandas_dtype(dtype)
    tz = getattr(target, "tz", None)
    if tz is not None:
        series = series.dt.tz_localize("UTC").dt.tz_convert(tz)
    return series


def restore_dtype(
    values: np.ndarray, dtype: str, categories: list[Any] | None = None, ordered: bool = False
) -> pd.Series:
    """Build a column of the original dtype from an object array of category values.

    Args:
        values: object array; ``None`` marks missing values.
        dtype: the original dtype as a string (``str(series.dtype)``).
        categories: for ``category`` columns, the original categories.
        ordered: for ``category`` columns, whether they were ordered.

    Returns:
        The column. Missing values become NaN in ``object`` columns and the
        dtype's own missing marker elsewhere.
    """
    if dtype == "category":
        cat_type = pd.CategoricalDtype(
            pd.Index(from_native_values(categories or [])).infer_objects(), ordered=ordered
        )
        return pd.Series(pd.Categorical(values, dtype=cat_type))
    if dtype == "object":
        out = values.copy()
        out[pd.isna(out)] = np.nan
        return pd.Series(out, dtype=object)
    return pd.Series(values, dtype=object).astype(ptypes.pandas_dtype(dtype))
