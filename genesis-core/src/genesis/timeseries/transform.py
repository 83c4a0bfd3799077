"""The reversible transform between a user's sequences and TimeGAN's windows.

Input, either:

* a long-format :class:`pandas.DataFrame`: one row per step, an optional entity
  column (which sequence a row belongs to; without one the whole frame is one
  sequence), an optional ordering column (the steps' order within a sequence;
  without one, the row order), and every other column a feature; or
* a 3-D numpy array ``(sequences, steps, features)`` of numbers.

Encoding of a step: every continuous feature min-max scaled to [0, 1] (the
minimum and range are learned on all the data; a constant feature scales to 0),
every discrete feature one-hot encoded; continuous features first, in column
order, then the one-hot blocks. Windows of ``seq_len`` steps are cut from each
sequence every ``stride`` steps (vectorized; no loop over rows).

Decoding (what :meth:`SequenceTransformer.inverse_transform` returns): the same
format as the input. Scaled values are clipped to [0, 1] and mapped back
(integers rounded, dtypes restored); each one-hot block becomes its argmax
category. A DataFrame comes back long-format with fresh entity ids ``0 .. n-1``
in the entity column, in that column's dtype (text ids become ``"0" .. "n-1"``;
``"sequence_id"``, int64, when the input had none) and, when the
input had an ordering column, ``start + k * step`` at step ``k``, in the column's
dtype: ``start`` is the column's first value and ``step`` the median spacing of
consecutive steps within a sequence (a numeric, date or duration column: dates
stay dates, one day apart for daily data); an ordering column of another kind
(text) gets the step index ``0 .. seq_len - 1``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from genesis.data.dtypes import (
    from_native_values,
    is_integer_dtype,
    restore_dtype,
    to_native_list,
    value_kind,
)
from genesis.errors import (
    ConfigurationError,
    DataValidationError,
    ModelFileError,
    UnknownColumnError,
)

__all__ = ["DEFAULT_ENTITY_COLUMN", "OrderAxis", "SequenceFeature", "SequenceTransformer"]

#: The entity column of generated frames when the fitted frame had none.
DEFAULT_ENTITY_COLUMN = "sequence_id"

InputKind = Literal["frame", "array"]


@dataclass(frozen=True)
class OrderAxis:
    """How generated sequences fill the ordering column: ``start + k * step`` at step ``k``.

    Attributes:
        kind: ``"number"``, ``"datetime"`` or ``"timedelta"``; ``"index"`` for a
            column of another kind, which gets the step index ``k``.
        dtype: the column's dtype, as ``str(series.dtype)``.
        start: the column's first value (dates and durations: nanoseconds since the
            epoch, or in all; dates with a time zone: in their local wall-clock time,
            so that daily data stay at the same hour across daylight-saving changes).
        step: the median positive spacing of consecutive steps within a sequence,
            in the same units (1 when no sequence has two distinct steps).
    """

    kind: Literal["number", "datetime", "timedelta", "index"]
    dtype: str
    start: float = 0.0
    step: float = 1.0

    @classmethod
    def learn(cls, order: pd.Series, entity: pd.Series | None) -> OrderAxis:
        """Learn the axis from the ordering column (and the entity column, if any)."""
        dtype = order.dtype
        kind: Literal["number", "datetime", "timedelta"]
        if ptypes.is_datetime64_any_dtype(dtype):
            kind = "datetime"
            ticks = _datetime_ticks(order)
        elif ptypes.is_timedelta64_dtype(dtype):
            kind = "timedelta"
            ticks = order.to_numpy().astype("timedelta64[ns]").astype(np.int64).astype(np.float64)
        elif ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype):
            kind = "number"
            ticks = order.to_numpy(dtype=np.float64)
        else:
            return cls(kind="index", dtype=str(dtype))
        keys = np.zeros(len(ticks), dtype=np.int64)
        if entity is not None:
            keys, _ = pd.factorize(entity, sort=False)
        by_key = np.lexsort((ticks, keys))
        gaps = np.diff(ticks[by_key])[np.diff(keys[by_key]) == 0]
        gaps = gaps[gaps > 0]
        step = float(np.median(gaps)) if gaps.size else 1.0
        return cls(kind=kind, dtype=str(dtype), start=float(ticks.min()), step=step)

    def values(self, n: int, steps: int) -> pd.Series:
        """The ordering column of ``n`` generated sequences of ``steps`` steps."""
        k = np.tile(np.arange(steps, dtype=np.int64), n)
        if self.kind == "index":
            return pd.Series(k)
        ticks = self.start + k * self.step
        if self.kind == "number":
            if is_integer_dtype(self.dtype):
                ticks = np.rint(ticks)
            return pd.Series(ticks).astype(ptypes.pandas_dtype(self.dtype))
        nanoseconds = np.rint(ticks).astype(np.int64)
        if self.kind == "timedelta":
            return pd.Series(pd.to_timedelta(nanoseconds, unit="ns")).astype(self.dtype)
        dtype = ptypes.pandas_dtype(self.dtype)
        zone = getattr(dtype, "tz", None)
        dates = pd.to_datetime(nanoseconds, unit="ns")
        if zone is not None:  # wall-clock times; those a clock change skips move forward
            dates = dates.tz_localize(
                zone, ambiguous=np.zeros(len(dates), dtype=bool), nonexistent="shift_forward"
            )
        return pd.Series(dates).astype(dtype)

    def to_state(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {"kind": self.kind, "dtype": self.dtype, "start": self.start, "step": self.step}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> OrderAxis:
        """Rebuild from :meth:`to_state` output (``ValueError``/``KeyError`` when invalid)."""
        kind = state["kind"]
        if kind not in ("number", "datetime", "timedelta", "index"):
            raise ValueError(f"unknown order axis kind {kind!r}")
        axis = cls(
            kind=kind,
            dtype=str(state["dtype"]),
            start=float(state["start"]),
            step=float(state["step"]),
        )
        if not (np.isfinite(axis.start) and np.isfinite(axis.step)):
            raise ValueError("the order axis start and step must be finite")
        return axis


def _datetime_ticks(order: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch (of the local wall-clock time for zoned dates), as float64."""
    values = order.dt.tz_localize(None) if order.dt.tz is not None else order
    return values.to_numpy().astype("datetime64[ns]").astype(np.int64).astype(np.float64)


@dataclass(frozen=True)
class SequenceFeature:
    """How one feature is encoded.

    Attributes:
        name: the column name (arrays: ``"0"``, ``"1"``, ...).
        kind: ``"continuous"`` (min-max scaled, width 1) or ``"discrete"`` (one-hot).
        dtype: the original dtype as a string.
        minimum: continuous: the learned minimum.
        scale: continuous: the learned range (0 for a constant feature).
        categories: discrete: the categories, in one-hot order.
        ordered: discrete ``category`` columns: whether the categories were ordered.
    """

    name: str
    kind: Literal["continuous", "discrete"]
    dtype: str
    minimum: float = 0.0
    scale: float = 1.0
    categories: tuple[Any, ...] = ()
    ordered: bool = False

    @property
    def width(self) -> int:
        """Columns this feature takes in an encoded step."""
        return 1 if self.kind == "continuous" else len(self.categories)


class SequenceTransformer:
    """Learns the encoding of sequences and cuts them into windows (see the module docstring).

    Args:
        seq_len: steps per window (at least 2).
        stride: steps between the starts of consecutive windows of a sequence.

    Example:
        >>> t = SequenceTransformer(seq_len=24)  # doctest: +SKIP
        >>> windows = t.fit_transform(df, entity_column="id", order_column="date")  # doctest: +SKIP
        >>> t.inverse_transform(windows[:5])  # 5 sequences, long format  # doctest: +SKIP
    """

    def __init__(self, seq_len: int = 24, stride: int = 1) -> None:
        for name, value in (("seq_len", seq_len), ("stride", stride)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
        if seq_len < 2:
            raise ConfigurationError(f"seq_len must be at least 2, got {seq_len}")
        self.seq_len = int(seq_len)
        self.stride = int(stride)
        self.features: tuple[SequenceFeature, ...] = ()
        self.input_kind: InputKind | None = None
        self.entity_column: str | None = None
        self.order_column: str | None = None
        self.order_axis: OrderAxis | None = None
        self.column_order: tuple[str, ...] = ()
        #: the entity column's dtype, for the fresh ids (None: int64)
        self.entity_dtype: str | None = None
        self.array_dtype: str = "float64"

    # ------------------------------------------------------------------ properties

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` (or :meth:`from_state`) has run."""
        return self.input_kind is not None

    @property
    def output_dim(self) -> int:
        """Width of an encoded step."""
        return sum(f.width for f in self.features)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The features, in column order."""
        return tuple(f.name for f in self.features)

    # ------------------------------------------------------------------ fit

    def fit(
        self,
        data: pd.DataFrame | np.ndarray,
        *,
        entity_column: str | None = None,
        order_column: str | None = None,
        discrete_columns: Sequence[str] | None = None,
    ) -> SequenceTransformer:
        """Learn the features' encodings from ``data`` and check it can be windowed.

        Args:
            data: a long-format DataFrame or a ``(sequences, steps, features)`` array.
            entity_column: DataFrame: the column naming each row's sequence.
            order_column: DataFrame: the column ordering steps within a sequence.
            discrete_columns: DataFrame: numeric columns to treat as categories
                (``object``, ``string``, ``category`` and ``bool`` columns always are).

        Returns:
            ``self``.

        Raises:
            UnknownColumnError: a named column is not in the frame.
            DataValidationError: no rows or no features, missing values, a sequence
                shorter than ``seq_len``, fewer than two windows, unsupported dtypes.
            ConfigurationError: the options do not fit the kind of input.
        """
        if isinstance(data, np.ndarray):
            if entity_column is not None or order_column is not None or discrete_columns:
                raise ConfigurationError(
                    "entity_column, order_column and discrete_columns apply to DataFrames; a "
                    "3-D array is already (sequences, steps, features) of numbers"
                )
            self._fit_array(data)
        elif isinstance(data, pd.DataFrame):
            self._fit_frame(data, entity_column, order_column, discrete_columns)
        else:
            raise DataValidationError(
                f"sequences must be a pandas DataFrame (long format) or a 3-D numpy array "
                f"(sequences, steps, features), got {type(data).__name__}"
            )
        self.transform(data)  # checks lengths and window count with the user's data
        return self

    def fit_transform(
        self,
        data: pd.DataFrame | np.ndarray,
        *,
        entity_column: str | None = None,
        order_column: str | None = None,
        discrete_columns: Sequence[str] | None = None,
    ) -> np.ndarray:
        """:meth:`fit`, then :meth:`transform`."""
        self.fit(
            data,
            entity_column=entity_column,
            order_column=order_column,
            discrete_columns=discrete_columns,
        )
        return self.transform(data)

    def _fit_array(self, data: np.ndarray) -> None:
        values = self._check_array(data)
        flat = values.reshape(-1, values.shape[2])
        lo, hi = flat.min(axis=0), flat.max(axis=0)
        self.features = tuple(
            SequenceFeature(
                name=str(j),
                kind="continuous",
                dtype=str(data.dtype),
                minimum=float(lo[j]),
                scale=_scale(float(lo[j]), float(hi[j])),
            )
            for j in range(values.shape[2])
        )
        self.input_kind = "array"
        self.entity_column = self.order_column = None
        self.column_order = self.feature_names
        self.array_dtype = str(data.dtype)

    @staticmethod
    def _check_array(data: np.ndarray) -> np.ndarray:
        if data.ndim != 3:
            hint = (
                " For one long series of shape (steps, features) use array[None]."
                if data.ndim == 2
                else ""
            )
            raise DataValidationError(
                f"a sequence array must be 3-D (sequences, steps, features), got shape "
                f"{data.shape}.{hint}"
            )
        if data.size == 0:
            raise DataValidationError(f"the sequence array is empty (shape {data.shape})")
        if not (ptypes.is_numeric_dtype(data.dtype) and not ptypes.is_complex_dtype(data.dtype)):
            raise DataValidationError(
                f"a sequence array must hold real numbers, got dtype {data.dtype}; encode "
                "categories in a long-format DataFrame instead"
            )
        values = data.astype(np.float64, copy=False)
        if not np.isfinite(values).all():
            bad = np.unique(np.nonzero(~np.isfinite(values))[2]).tolist()
            raise DataValidationError(
                f"the sequence array holds NaN or infinite values in feature(s) {bad}; "
                "TimeGAN needs complete sequences: fill or drop them first"
            )
        return values

    def _fit_frame(
        self,
        df: pd.DataFrame,
        entity_column: str | None,
        order_column: str | None,
        discrete_columns: Sequence[str] | None,
    ) -> None:
        columns = [str(c) for c in df.columns]
        if len(set(columns)) != len(columns):
            raise DataValidationError("the DataFrame has duplicate column names")
        for role, name in (("entity_column", entity_column), ("order_column", order_column)):
            if name is not None and name not in df.columns:
                raise UnknownColumnError(
                    f"{role} {name!r} is not a column of the data; columns: {', '.join(columns)}"
                )
        if entity_column is not None and entity_column == order_column:
            raise ConfigurationError("entity_column and order_column must be different columns")
        discrete = list(discrete_columns or [])
        unknown = [c for c in discrete if c not in df.columns]
        if unknown:
            raise UnknownColumnError(
                f"discrete column(s) {unknown} are not columns of the data; columns: "
                f"{', '.join(columns)}"
            )
        reserved = {entity_column, order_column}
        if reserved & set(discrete):
            raise ConfigurationError("the entity and order columns cannot be discrete features")
        if len(df) == 0:
            raise DataValidationError("the DataFrame is empty (no rows); there is nothing to learn")
        feature_columns = [c for c in df.columns if c not in reserved]
        if not feature_columns:
            raise DataValidationError(
                "the DataFrame has no feature columns besides the entity and order columns"
            )
        for name in [c for c in (entity_column, order_column) if c is not None]:
            if df[name].isna().any():
                raise DataValidationError(
                    f"column {name!r} has missing values; every row needs its sequence id and order"
                )
        missing = [str(c) for c in feature_columns if df[c].isna().any()]
        if missing:
            raise DataValidationError(
                f"column(s) {', '.join(missing)} have missing values; TimeGAN needs complete "
                "sequences: fill or drop them first"
            )
        features = []
        for column in feature_columns:
            series = df[column]
            features.append(self._fit_feature(str(column), series, column in discrete))
        self.features = tuple(features)
        self.input_kind = "frame"
        self.entity_column = entity_column
        self.entity_dtype = None if entity_column is None else str(df[entity_column].dtype)
        self.order_column = order_column
        self.order_axis = (
            None
            if order_column is None
            else OrderAxis.learn(
                df[order_column], None if entity_column is None else df[entity_column]
            )
        )
        self.column_order = tuple(str(c) for c in df.columns)

    @staticmethod
    def _fit_feature(name: str, series: pd.Series, as_discrete: bool) -> SequenceFeature:
        dtype = series.dtype
        if ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
            raise DataValidationError(
                f"feature {name!r} holds dates or durations; use it as the order_column, or "
                "convert it to numbers first"
            )
        numeric = (
            ptypes.is_numeric_dtype(dtype)
            and not ptypes.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype)
        )
        if numeric and not as_discrete:
            values = series.to_numpy(dtype=np.float64)
            if not np.isfinite(values).all():
                raise DataValidationError(f"feature {name!r} holds infinite values")
            lo, hi = float(values.min()), float(values.max())
            return SequenceFeature(name, "continuous", str(dtype), minimum=lo, scale=_scale(lo, hi))
        value_kind(name, series)
        if isinstance(dtype, pd.CategoricalDtype):
            categories = to_native_list(dtype.categories)
            ordered = bool(dtype.ordered)
        else:
            categories = to_native_list(pd.unique(series.to_numpy()))
            ordered = False
            # mixed ints and floats sort fine; anything else keeps first-seen order
            with contextlib.suppress(TypeError):
                categories = sorted(categories)  # type: ignore[type-var]
        return SequenceFeature(
            name, "discrete", str(dtype), categories=tuple(categories), ordered=ordered
        )

    # ------------------------------------------------------------------ transform

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise ConfigurationError("the SequenceTransformer is not fitted; call fit() first")

    def encode_steps(self, data: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Encode every step, sequences in order.

        Returns:
            ``(steps, lengths)``: ``(total steps, output_dim)`` float32 encoded steps,
            sequence after sequence, and each sequence's length.
        """
        self._require_fitted()
        if self.input_kind == "array":
            if not isinstance(data, np.ndarray):
                raise DataValidationError("this transformer was fitted on a 3-D array; pass one")
            values = self._check_array(data)
            if values.shape[2] != len(self.features):
                raise DataValidationError(
                    f"the array has {values.shape[2]} features, the model was fitted on "
                    f"{len(self.features)}"
                )
            lo = np.array([f.minimum for f in self.features])
            scale = _divisor(np.array([f.scale for f in self.features]))
            encoded = ((values - lo) / scale).astype(np.float32).reshape(-1, values.shape[2])
            lengths = np.full(values.shape[0], values.shape[1], dtype=np.int64)
            return encoded, lengths
        if not isinstance(data, pd.DataFrame):
            raise DataValidationError("this transformer was fitted on a DataFrame; pass one")
        expected = set(self.column_order)
        missing = sorted(expected - {str(c) for c in data.columns})
        extra = sorted({str(c) for c in data.columns} - expected)
        if missing or extra:
            raise UnknownColumnError(
                f"the data's columns differ from the fitted ones; missing: {missing or 'none'}, "
                f"unexpected: {extra or 'none'}"
            )
        df = data
        if self.order_column is not None or self.entity_column is not None:
            keys = [c for c in (self.entity_column, self.order_column) if c is not None]
            df = data.sort_values(keys, kind="stable")
        if self.entity_column is None:
            lengths = np.array([len(df)], dtype=np.int64)
        else:
            codes, _ = pd.factorize(df[self.entity_column], sort=False)
            # sorted by entity, so each entity's rows are contiguous; count run lengths
            boundaries = np.flatnonzero(np.diff(codes)) + 1
            lengths = np.diff(np.concatenate([[0], boundaries, [len(codes)]])).astype(np.int64)
        out = np.empty((len(df), self.output_dim), dtype=np.float32)
        column = 0
        for feature in self.features:
            series = df[feature.name]
            if series.isna().any():
                raise DataValidationError(f"column {feature.name!r} has missing values")
            if feature.kind == "continuous":
                values = series.to_numpy(dtype=np.float64)
                out[:, column] = (values - feature.minimum) / _divisor(feature.scale)
            else:
                index = pd.Index(from_native_values(list(feature.categories)), dtype=object)
                codes = index.get_indexer(series.to_numpy(dtype=object))
                if (codes < 0).any():
                    unseen = pd.unique(series[codes < 0].to_numpy())[:5].tolist()
                    raise DataValidationError(
                        f"column {feature.name!r} has values the model never saw: {unseen}"
                    )
                block = np.zeros((len(df), feature.width), dtype=np.float32)
                block[np.arange(len(df)), codes] = 1.0
                out[:, column : column + feature.width] = block
            column += feature.width
        return out, lengths

    def window_starts(self, lengths: np.ndarray) -> np.ndarray:
        """Row offsets (into the encoded steps) of every window, sequence by sequence.

        Raises:
            DataValidationError: a sequence is shorter than ``seq_len``, or there are
                fewer than two windows.
        """
        lengths = np.asarray(lengths, dtype=np.int64)
        short = np.flatnonzero(lengths < self.seq_len)
        if len(short):
            raise DataValidationError(
                f"{len(short)} of {len(lengths)} sequence(s) have fewer than seq_len="
                f"{self.seq_len} steps (the shortest has {int(lengths.min())}). Drop the short "
                f"sequences or choose seq_len <= {int(lengths.min())}."
            )
        counts = (lengths - self.seq_len) // self.stride + 1
        total = int(counts.sum())
        if total < 2:
            raise DataValidationError(
                f"the data gives a single window of {self.seq_len} steps; TimeGAN needs at least "
                "two windows: pass more or longer sequences, or a smaller seq_len or stride"
            )
        first_row = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        sequence = np.repeat(np.arange(len(lengths)), counts)
        first_window = np.concatenate([[0], np.cumsum(counts)[:-1]])
        within = np.arange(total) - first_window[sequence]
        return first_row[sequence] + within * self.stride

    def transform(self, data: pd.DataFrame | np.ndarray) -> np.ndarray:
        """Encode ``data`` and cut it into windows.

        Returns:
            ``(windows, seq_len, output_dim)`` float32 in [0, 1], in sequence order.
        """
        steps, lengths = self.encode_steps(data)
        starts = self.window_starts(lengths)
        return steps[starts[:, None] + np.arange(self.seq_len)]

    # ------------------------------------------------------------------ inverse

    def inverse_transform(self, windows: np.ndarray) -> pd.DataFrame | np.ndarray:
        """Decode ``(n, seq_len, output_dim)`` windows into the fitted input's format.

        Returns:
            A long-format DataFrame with fresh entity ids (see the module docstring), or
            a ``(n, seq_len, features)`` array of the fitted array's dtype.
        """
        self._require_fitted()
        windows = np.asarray(windows, dtype=np.float32)
        if windows.ndim != 3 or windows.shape[2] != self.output_dim:
            raise ValueError(
                f"windows must have shape (n, steps, {self.output_dim}), got {windows.shape}"
            )
        n, steps, _ = windows.shape
        flat = np.clip(windows.reshape(n * steps, -1), 0.0, 1.0)
        columns: dict[str, Any] = {}
        position = 0
        for feature in self.features:
            block = flat[:, position : position + feature.width]
            position += feature.width
            if feature.kind == "continuous":
                values = block[:, 0].astype(np.float64) * feature.scale + feature.minimum
                columns[feature.name] = values
            else:
                picked = from_native_values(list(feature.categories))[block.argmax(axis=1)]
                columns[feature.name] = restore_dtype(
                    picked, feature.dtype, list(feature.categories), feature.ordered
                )
        if self.input_kind == "array":
            stacked = np.stack([columns[f.name] for f in self.features], axis=1)
            if is_integer_dtype(self.array_dtype):
                stacked = np.rint(stacked)
            return stacked.reshape(n, steps, -1).astype(self.array_dtype)
        for feature in self.features:
            if feature.kind == "continuous":
                columns[feature.name] = self._restore_number(columns[feature.name], feature)
        frame: dict[str, Any] = {}
        entity = self.entity_column or DEFAULT_ENTITY_COLUMN
        ids = self._fresh_ids(n, steps)
        axis = self.order_axis or OrderAxis(kind="index", dtype="int64")
        order = axis.values(n, steps)
        if self.entity_column is None:
            frame[entity] = ids
        for name in self.column_order:
            if name == self.entity_column:
                frame[name] = ids
            elif name == self.order_column:
                frame[name] = order
            else:
                frame[name] = columns[name]
        return pd.DataFrame(frame)

    def _fresh_ids(self, n: int, steps: int) -> np.ndarray | pd.Series:
        """``0 .. n-1``, each repeated ``steps`` times, in the entity column's dtype
        (as text for a text column); int64 if that dtype cannot hold them."""
        ids = np.repeat(np.arange(n, dtype=np.int64), steps)
        if self.entity_dtype is None or self.entity_dtype == "int64":
            return ids
        try:
            dtype = ptypes.pandas_dtype(self.entity_dtype)
            numeric = ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)
            text = ptypes.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
            if not numeric and not text:
                return ids  # dates, booleans...: ids of their own kind would mislead
            return pd.Series(ids if numeric else ids.astype(str)).astype(dtype)
        except (TypeError, ValueError, OverflowError):
            return ids

    @staticmethod
    def _restore_number(values: np.ndarray, feature: SequenceFeature) -> pd.Series:
        values = np.clip(values, feature.minimum, feature.minimum + feature.scale)
        if is_integer_dtype(feature.dtype):
            values = np.rint(values)
        return pd.Series(values).astype(ptypes.pandas_dtype(feature.dtype))

    # ------------------------------------------------------------------ state

    def to_state(self) -> dict[str, Any]:
        """JSON-ready state (see :meth:`from_state`)."""
        self._require_fitted()
        return {
            "seq_len": self.seq_len,
            "stride": self.stride,
            "input_kind": self.input_kind,
            "entity_column": self.entity_column,
            "entity_dtype": self.entity_dtype,
            "order_column": self.order_column,
            "order_axis": None if self.order_axis is None else self.order_axis.to_state(),
            "column_order": list(self.column_order),
            "array_dtype": self.array_dtype,
            "features": [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "dtype": f.dtype,
                    "minimum": f.minimum,
                    "scale": f.scale,
                    "categories": list(f.categories),
                    "ordered": f.ordered,
                }
                for f in self.features
            ],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SequenceTransformer:
        """Rebuild a fitted transformer from :meth:`to_state` output.

        Raises:
            ModelFileError: the state is incomplete or inconsistent.
        """
        try:
            transformer = cls(seq_len=int(state["seq_len"]), stride=int(state["stride"]))
            kind = state["input_kind"]
            if kind not in ("frame", "array"):
                raise ValueError(f"unknown input kind {kind!r}")
            transformer.input_kind = kind
            transformer.entity_column = state["entity_column"]
            # absent from files written before ids kept the column's dtype: int64 ids
            transformer.entity_dtype = state.get("entity_dtype")
            transformer.order_column = state["order_column"]
            axis = state.get("order_axis")
            transformer.order_axis = None if axis is None else OrderAxis.from_state(axis)
            transformer.column_order = tuple(state["column_order"])
            transformer.array_dtype = str(state["array_dtype"])
            transformer.features = tuple(
                SequenceFeature(
                    name=str(f["name"]),
                    kind=f["kind"],
                    dtype=str(f["dtype"]),
                    minimum=float(f["minimum"]),
                    scale=float(f["scale"]),
                    categories=tuple(f["categories"]),
                    ordered=bool(f["ordered"]),
                )
                for f in state["features"]
            )
        except (KeyError, TypeError, ValueError, ConfigurationError) as exc:
            raise ModelFileError(
                f"the sequence transform in the model file is invalid: {exc!r}"
            ) from exc
        if not transformer.features or any(
            f.width < 1 or f.scale < 0 for f in transformer.features
        ):
            raise ModelFileError("the sequence transform in the model file has no usable features")
        return transformer


def _scale(lo: float, hi: float) -> float:
    """The range ``hi - lo`` (0 for a constant feature)."""
    return max(hi - lo, 0.0)


def _divisor(scale: np.ndarray | float) -> np.ndarray | float:
    """What encoding divides by: the range, or 1 for a constant feature (which encodes as 0)."""
    return np.where(np.asarray(scale) > 0, scale, 1.0)
