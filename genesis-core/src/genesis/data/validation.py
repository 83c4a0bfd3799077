"""Checks on the table a transformer is fitted to, with messages that say what to do.

Every failure raises a :class:`~genesis.errors.DataValidationError` (or its
subclass :class:`~genesis.errors.UnknownColumnError` for unknown column names),
so callers can catch one class. Checks on the values of single columns (mixed
types, infinities) live with the column encoders in :mod:`genesis.data.columns`
and :mod:`genesis.data.dtypes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from genesis.data.dtypes import is_continuous_capable
from genesis.errors import DataValidationError, UnknownColumnError

__all__ = ["check_frame", "resolve_discrete_columns", "unknown_column_error"]

MIN_ROWS = 2


def _names(names: Sequence[Any], limit: int = 20) -> str:
    shown = ", ".join(repr(n) for n in list(names)[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def unknown_column_error(
    unknown: Sequence[Any], valid: Sequence[str], what: str = "column", hint: str = ""
) -> UnknownColumnError:
    """Build the error for column names the table does not have.

    Args:
        unknown: the offending names.
        valid: the names that would have been accepted.
        what: how to call the accepted columns in the message.
        hint: a sentence appended to the message.

    Returns:
        The error, ready to raise.
    """
    plural = "s" if len(unknown) != 1 else ""
    return UnknownColumnError(
        f"Unknown {what}{plural} {_names(unknown)}; valid {what}s are: "
        f"{_names(valid) if valid else '(none)'}.{hint}"
    )


def check_frame(df: Any) -> None:
    """Check the shape of a table before fitting.

    Args:
        df: the candidate table.

    Raises:
        DataValidationError: if ``df`` is not a DataFrame, has no rows or no
            columns, has a single row, duplicate or non-string column names, or
            a column with no value at all.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataValidationError(
            f"Expected a pandas DataFrame, got {type(df).__name__}; "
            f"wrap your data with pandas.DataFrame(...) first."
        )
    if df.shape[1] == 0:
        raise DataValidationError("The table has no columns; there is nothing to learn.")
    if df.shape[0] == 0:
        raise DataValidationError("The table has no rows; there is nothing to learn.")
    duplicated = df.columns[df.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataValidationError(
            f"Duplicate column names: {_names(duplicated)}; rename them so that each is unique."
        )
    not_str = [c for c in df.columns if not isinstance(c, str)]
    if not_str:
        raise DataValidationError(
            f"Column names must be strings, got {_names(not_str)}; "
            f"use df.columns = df.columns.astype(str)."
        )
    if df.shape[0] < MIN_ROWS:
        raise DataValidationError(
            f"The table has {df.shape[0]} row; at least {MIN_ROWS} rows are needed to learn "
            f"a distribution."
        )
    empty = df.columns[df.isna().all(axis=0).to_numpy()].tolist()
    if empty:
        raise DataValidationError(
            f"Column{'s' if len(empty) > 1 else ''} {_names(empty)} "
            f"{'have' if len(empty) > 1 else 'has'} no values at all (all missing); "
            f"drop {'them' if len(empty) > 1 else 'it'} before fitting."
        )


def resolve_discrete_columns(
    df: pd.DataFrame, discrete_columns: Sequence[str] | None
) -> tuple[str, ...]:
    """Decide which columns are discrete, in the table's column order.

    Columns whose dtype cannot be continuous (``object``, ``string``,
    ``category``, ``bool``) are always discrete; ``discrete_columns`` adds
    numeric columns to them.

    Args:
        df: the (checked) table.
        discrete_columns: names to treat as discrete, or None to infer.

    Returns:
        The discrete column names in table order.

    Raises:
        DataValidationError: if ``discrete_columns`` is a single string.
        UnknownColumnError: if it names columns the table does not have.
    """
    requested: set[str] = set()
    if discrete_columns is not None:
        if isinstance(discrete_columns, str):
            raise DataValidationError(
                f"discrete_columns must be a list of names, not the string "
                f"{discrete_columns!r}; write [{discrete_columns!r}]."
            )
        listed = list(discrete_columns)
        unknown = [c for c in listed if c not in df.columns]
        if unknown:
            raise unknown_column_error(unknown, [str(c) for c in df.columns])
        requested = set(listed)
    return tuple(
        name
        for name in df.columns
        if name in requested or not is_continuous_capable(df[name].dtype)
    )
