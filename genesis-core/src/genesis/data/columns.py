"""Reversible encoders for one column: continuous (mode-specific) and discrete (one-hot).

Each encoder is fitted on one column, writes its block of the transformed
matrix in place, turns such a block back into a column of the original dtype,
and describes itself as JSON-ready data. :class:`~genesis.data.transformer.DataTransformer`
lays the blocks side by side.

Continuous block (CTGAN's mode-specific normalization), width ``1 + k (+ 2)``:

* a scalar ``alpha = (x - mean_j) / (4 std_j)`` clipped to ``[-0.99, 0.99]``
  (``tanh`` span), where the mode ``j`` is drawn from the value's posterior
  over the ``k`` kept mixture modes;
* the one-hot of ``j`` (``softmax`` span);
* only when the column had missing values: a ``[present, missing]`` one-hot
  (``softmax`` span). Missing rows are encoded at the column mean so that the
  scalar and mode stay valid; the inverse puts NaN back where the indicator
  says "missing".

Discrete block, width = number of categories: the one-hot of the category.
Categories are ordered by decreasing frequency (ties: first appearance); a
missing value is a category of its own. A column with more than
``max_categories`` distinct values keeps the most frequent ones and merges the
rest into one *rare-values* category, always the last one; the inverse fills
that category by drawing from the merged values' empirical distribution. At
most :data:`MAX_STORED_RARE_VALUES` merged values (the most frequent) are kept
for that draw, so a state stays bounded for ID-like columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from genesis.data.dtypes import (
    CategoryValue,
    TemporalKind,
    decode_temporal,
    encode_temporal,
    from_native_values,
    is_integer_dtype,
    is_missing_scalar,
    restore_dtype,
    temporal_kind,
    to_native,
    to_native_list,
    value_kind,
)
from genesis.data.mixture import MixtureConfig, MixtureModes, fit_mixture
from genesis.errors import DataValidationError, UnknownValueError
from genesis.models.spec import OutputSpan

__all__ = ["MAX_STORED_RARE_VALUES", "ContinuousColumn", "DiscreteColumn"]

MAX_STORED_RARE_VALUES = 100_000
"""Most merged (rare) values a discrete column keeps for its inverse draw."""

_ALPHA_CLIP = 0.99


def _check_finite(name: str, values: np.ndarray) -> None:
    if np.isinf(values).any():
        raise DataValidationError(
            f"Column {name!r} holds infinite values; replace them first, "
            f"for example with NaN (missing values are learned)."
        )


#: The most decimal places a float column may show to be rounded on output.
MAX_DECIMALS = 6


def _decimal_places(values: np.ndarray) -> int | None:
    """The fewest decimal places (0..MAX_DECIMALS) that represent every value, else None."""
    if values.size == 0:
        return None
    tolerance = 1e-9 * np.maximum(np.abs(values), 1.0)
    for places in range(MAX_DECIMALS + 1):
        if np.all(np.abs(np.round(values, places) - values) <= tolerance):
            return places
    return None


@dataclass(eq=False)
class ContinuousColumn:
    """Mode-specific normalization of one continuous column.

    Attributes:
        name: the column's name.
        dtype: the original dtype, as ``str(series.dtype)``.
        kind: ``"number"``, ``"datetime"`` or ``"timedelta"``.
        unit: tick unit for datetimes and timedeltas, else None.
        integer: whether values are rounded on the way back.
        minimum: smallest value seen at fit (in ticks for temporal columns).
        maximum: largest value seen at fit.
        fill: the value used to encode missing rows (the column mean).
        has_missing: whether the block ends with a missing-value indicator.
        modes: the kept mixture modes.
        decimals: for a float column whose values all have at most
            ``MAX_DECIMALS`` decimal places, that many; generated values are
            rounded to it (prices stay in cents). ``None``: no rounding.
    """

    name: str
    dtype: str
    kind: TemporalKind
    unit: str | None
    integer: bool
    minimum: float
    maximum: float
    fill: float
    has_missing: bool
    modes: MixtureModes
    decimals: int | None = None

    @classmethod
    def fit(
        cls, name: str, series: pd.Series, rng: np.random.Generator, config: MixtureConfig
    ) -> ContinuousColumn:
        """Fit the encoder to a column that has at least one non-missing value."""
        kind = temporal_kind(series.dtype)
        values, unit = encode_temporal(series, kind)
        _check_finite(name, values)
        missing = np.isnan(values)
        present = values[~missing]
        integer = kind != "number" or is_integer_dtype(series.dtype)
        return cls(
            name=name,
            dtype=str(series.dtype),
            kind=kind,
            unit=unit,
            integer=integer,
            decimals=None if integer else _decimal_places(present[:10_000]),
            minimum=float(present.min()),
            maximum=float(present.max()),
            fill=float(present.mean()),
            has_missing=bool(missing.any()),
            modes=fit_mixture(present, rng, config),
        )

    @property
    def width(self) -> int:
        """Width of the column's block in the transformed row."""
        return 1 + self.modes.n_modes + (2 if self.has_missing else 0)

    def spans(self, start: int) -> list[OutputSpan]:
        """The block's output spans when it begins at ``start``."""
        k = self.modes.n_modes
        spans = [OutputSpan(start, 1, "tanh"), OutputSpan(start + 1, k, "softmax")]
        if self.has_missing:
            spans.append(OutputSpan(start + 1 + k, 2, "softmax"))
        return spans

    def transform(self, series: pd.Series, out: np.ndarray, rng: np.random.Generator) -> None:
        """Encode a column into ``out`` (a zeroed ``(n, width)`` view).

        Raises:
            DataValidationError: on infinite values, or on missing values in a
                column that had none at fit.
        """
        values, _ = encode_temporal(series, self.kind)
        _check_finite(self.name, values)
        missing = np.isnan(values)
        if missing.any():
            if not self.has_missing:
                raise DataValidationError(
                    f"Column {self.name!r} has missing values, but had none when the "
                    f"transformer was fitted; refit on data that includes them."
                )
            values = np.where(missing, self.fill, values)
        mode = self.modes.draw_modes(values, rng)
        spread = self.modes.stds[mode]
        # an atom (zero spread) holds exactly its value: its scalar is 0
        alpha = (values - self.modes.means[mode]) / (4.0 * np.where(spread > 0, spread, 1.0))
        rows = np.arange(values.shape[0])
        out[:, 0] = np.clip(alpha, -_ALPHA_CLIP, _ALPHA_CLIP)
        out[rows, 1 + mode] = 1.0
        if self.has_missing:
            out[rows, 1 + self.modes.n_modes + missing.astype(np.int64)] = 1.0

    def inverse(self, block: np.ndarray) -> pd.Series:
        """Decode a ``(n, width)`` block (scalar, then scores per span) to a column."""
        k = self.modes.n_modes
        choices = [block[:, 1 : 1 + k].argmax(axis=1)]
        if self.has_missing:
            choices.append(block[:, 1 + k : 3 + k].argmax(axis=1))
        return self.inverse_choices(block[:, 0], choices)

    def inverse_choices(self, scalar: np.ndarray, choices: Sequence[np.ndarray]) -> pd.Series:
        """Decode the block's scalar and the categories of its softmax spans to a column.

        Args:
            scalar: ``(n,)`` the normalized value (clipped to ``[-1, 1]`` here).
            choices: ``(n,)`` integer arrays, one per softmax span of :meth:`spans`
                in order: the mode, then (``has_missing``) 1 for a missing value.
        """
        mode = choices[0]
        alpha = np.clip(scalar.astype(np.float64), -1.0, 1.0)
        values = 4.0 * self.modes.stds[mode] * alpha + self.modes.means[mode]
        values = np.clip(values, self.minimum, self.maximum)
        missing = choices[1] == 1 if self.has_missing else None
        if self.kind != "number":
            return decode_temporal(values, missing, self.kind, self.unit, self.dtype)
        if self.integer:
            values = np.rint(values)
        elif self.decimals is not None:
            values = np.round(values, self.decimals)
        if missing is not None:
            values[missing] = np.nan
        return pd.Series(values).astype(pd.api.types.pandas_dtype(self.dtype))

    def to_state(self) -> dict[str, Any]:
        """Return the encoder as JSON-ready data."""
        bound: type = float if self.kind == "number" else int
        return {
            "type": "continuous",
            "name": self.name,
            "dtype": self.dtype,
            "kind": self.kind,
            "unit": self.unit,
            "integer": self.integer,
            "minimum": bound(self.minimum),
            "maximum": bound(self.maximum),
            "fill": float(self.fill),
            "has_missing": self.has_missing,
            "modes": self.modes.to_state(),
            "decimals": self.decimals,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ContinuousColumn:
        """Rebuild an encoder written by :meth:`to_state`."""
        return cls(
            name=state["name"],
            dtype=state["dtype"],
            kind=state["kind"],
            unit=state["unit"],
            integer=bool(state["integer"]),
            minimum=float(state["minimum"]),
            maximum=float(state["maximum"]),
            fill=float(state["fill"]),
            has_missing=bool(state["has_missing"]),
            modes=MixtureModes.from_state(state["modes"]),
            decimals=None if state.get("decimals") is None else int(state["decimals"]),
        )


@dataclass(eq=False)
class DiscreteColumn:
    """One-hot encoding of one discrete column.

    Attributes:
        name: the column's name.
        dtype: the original dtype, as ``str(series.dtype)``.
        categories: the block's categories in order; ``None`` at the missing
            and rare-values positions.
        counts: how many fitted rows held each category.
        missing_index: position of the missing-value category, or None.
        other_index: position of the rare-values category, or None.
        other_values: the merged rare values kept for the inverse draw.
        other_counts: their counts.
        category_dtype_categories: for ``category`` columns, the original
            categories (all of them, seen or not).
        ordered: for ``category`` columns, whether they were ordered.
    """

    name: str
    dtype: str
    categories: list[CategoryValue]
    counts: np.ndarray
    missing_index: int | None = None
    other_index: int | None = None
    other_values: list[CategoryValue] = field(default_factory=list)
    other_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    category_dtype_categories: list[CategoryValue] | None = None
    ordered: bool = False
    _lookup: pd.Index | None = field(default=None, init=False, repr=False, compare=False)
    _positions: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _decoded: pd.Series | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def fit(cls, name: str, series: pd.Series, max_categories: int) -> DiscreteColumn:
        """Fit the encoder to a column.

        Args:
            name: the column's name.
            series: the column (at least one non-missing value).
            max_categories: the most categories the block may have (at least 2),
                counting the missing-value and rare-values categories.

        Raises:
            DataValidationError: on mixed or unsupported value types.
        """
        if pd.api.types.is_datetime64_any_dtype(series.dtype) or pd.api.types.is_timedelta64_dtype(
            series.dtype
        ):
            raise DataValidationError(
                f"Column {name!r} holds datetimes or timedeltas and cannot be discrete; "
                f"leave it continuous, or convert it with df[{name!r}].astype(str)."
            )
        value_kind(name, series)
        cat_categories: list[CategoryValue] | None = None
        ordered = False
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy().astype(np.int64)
            uniques = series.cat.categories.to_numpy()
            cat_categories = to_native_list(uniques)
            ordered = bool(series.cat.ordered)
        else:
            codes, uniques_index = pd.factorize(series, use_na_sentinel=True)
            codes = np.asarray(codes, dtype=np.int64)
            uniques = np.asarray(uniques_index)
        present = codes >= 0
        counts = np.bincount(codes[present], minlength=len(uniques))
        # Frequency order; ties keep the order of first appearance (factorize
        # numbers values in that order) or, for category dtypes, category order.
        seen = np.flatnonzero(counts > 0)
        seen = seen[np.argsort(-counts[seen], kind="stable")]
        n_missing = int(codes.size - present.sum())

        budget = max_categories - (1 if n_missing else 0)
        if seen.size > budget:
            kept, merged = seen[: budget - 1], seen[budget - 1 :]
        else:
            kept, merged = seen, seen[:0]
        merged = merged[:MAX_STORED_RARE_VALUES]

        categories = to_native_list(uniques[kept])
        cat_counts = counts[kept].tolist()
        missing_index: int | None = None
        if n_missing:
            # The missing category goes after the regular ones of equal count.
            missing_index = int(np.searchsorted(-counts[kept], -n_missing, side="right"))
            categories.insert(missing_index, None)
            cat_counts.insert(missing_index, n_missing)
        other_index = None
        other_values: list[CategoryValue] = []
        other_counts = np.zeros(0, dtype=np.int64)
        if merged.size:
            other_index = len(categories)
            categories.append(None)
            other_counts = counts[merged].astype(np.int64)
            cat_counts.append(int(counts[seen[budget - 1 :]].sum()))
            other_values = to_native_list(uniques[merged])
        return cls(
            name=name,
            dtype=str(series.dtype),
            categories=categories,
            counts=np.asarray(cat_counts, dtype=np.int64),
            missing_index=missing_index,
            other_index=other_index,
            other_values=other_values,
            other_counts=other_counts,
            category_dtype_categories=cat_categories,
            ordered=ordered,
        )

    @property
    def width(self) -> int:
        """Number of categories (the block's width)."""
        return len(self.categories)

    def spans(self, start: int) -> list[OutputSpan]:
        """The block's output span when it begins at ``start``."""
        return [OutputSpan(start, self.width, "softmax")]

    def _regular(self) -> tuple[pd.Index, np.ndarray]:
        """Index of the regular categories and their positions in the block."""
        if self._lookup is None or self._positions is None:
            special = {self.missing_index, self.other_index}
            positions = np.array([i for i in range(self.width) if i not in special], dtype=np.int64)
            values = from_native_values([self.categories[i] for i in positions])
            self._lookup = pd.Index(values).infer_objects()
            self._positions = positions
        return self._lookup, self._positions

    def indices(self, series: pd.Series) -> np.ndarray:
        """Block position of each row's category.

        Raises:
            UnknownValueError: for a value never seen at fit (unless the column
                has a rare-values category, which then takes it) or a missing
                value in a column that had none.
        """
        lookup, positions = self._regular()
        if isinstance(series.dtype, pd.CategoricalDtype):
            table = lookup.get_indexer(series.cat.categories)
            codes = series.cat.codes.to_numpy()
            found = np.where(codes >= 0, table[codes], -1)
        else:
            found = lookup.get_indexer(pd.Index(series))
        missing = series.isna().to_numpy()
        unseen = (found < 0) & ~missing
        idx = positions[np.maximum(found, 0)] if positions.size else np.zeros_like(found)
        if missing.any():
            if self.missing_index is None:
                raise UnknownValueError(
                    f"Column {self.name!r} has missing values, but had none when the "
                    f"transformer was fitted; refit on data that includes them."
                )
            idx = np.where(missing, self.missing_index, idx)
        if unseen.any():
            if self.other_index is None:
                examples = pd.unique(series[unseen])[:5].tolist()
                raise UnknownValueError(
                    f"Column {self.name!r} holds values never seen at fit, e.g. {examples}; "
                    f"{self._valid_hint()}"
                )
            idx = np.where(unseen, self.other_index, idx)
        return idx.astype(np.int64)

    def transform(self, series: pd.Series, out: np.ndarray) -> None:
        """Encode a column into ``out`` (a zeroed ``(n, width)`` view)."""
        idx = self.indices(series)
        out[np.arange(idx.size), idx] = 1.0

    def inverse(self, block: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """Decode a ``(n, width)`` block of scores to a column (argmax per row)."""
        return self.inverse_choices(block.argmax(axis=1), rng)

    def inverse_choices(self, choice: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """Decode each row's block position (``(n,)`` integers) to a column.

        A row on the rare-values category gets one of the merged values, drawn
        from ``rng`` by their frequencies at fit.
        """
        idx = np.array(choice, dtype=np.intp)
        if self.other_index is not None:
            rare = idx == self.other_index
            if rare.any():
                p = self.other_counts / self.other_counts.sum()
                draws = rng.choice(len(self.other_values), size=int(rare.sum()), p=p)
                idx[rare] = len(self.categories) + draws
        return self._decoded_values().take(idx).reset_index(drop=True)

    def _decoded_values(self) -> pd.Series:
        """The categories, then the merged rare values, as a column of the original dtype.

        Built once: decoding is then one vectorized ``take`` of the row indices,
        whatever the dtype (strings, categoricals, booleans, nullable integers).
        """
        if self._decoded is None:
            values = from_native_values([*self.categories, *self.other_values])
            if self.other_index is not None and self.other_values:
                values[self.other_index] = values[len(self.categories)]  # never taken
            self._decoded = restore_dtype(
                values, self.dtype, self.category_dtype_categories, self.ordered
            )
        return self._decoded

    def index_of(self, value: Any) -> int:
        """Block position of one category value (missing values allowed if seen).

        Raises:
            UnknownValueError: if the value was never seen, or was merged into
                the rare-values category (it cannot then be guaranteed).
        """
        if is_missing_scalar(value):
            if self.missing_index is None:
                raise UnknownValueError(
                    f"Column {self.name!r} had no missing values at fit; {self._valid_hint()}"
                )
            return self.missing_index
        lookup, positions = self._regular()
        native = to_native(value)
        try:
            found = lookup.get_indexer(pd.Index(from_native_values([native])))[0]
        except (TypeError, ValueError):
            found = -1
        if found >= 0:
            return int(positions[found])
        if native in set(self.other_values):
            raise UnknownValueError(
                f"Value {value!r} of column {self.name!r} is one of the rare values merged "
                f"into a single category (the column had more distinct values than "
                f"max_categories); it cannot be requested. Refit with a larger "
                f"max_categories to keep it."
            )
        raise UnknownValueError(
            f"Value {value!r} was never seen in column {self.name!r}; {self._valid_hint()}"
        )

    def _valid_hint(self) -> str:
        regular = [c for i, c in enumerate(self.categories) if i not in (self.other_index,)]
        shown = ", ".join(repr(c if c is not None else np.nan) for c in regular[:10])
        more = f", ... ({len(regular)} in all)" if len(regular) > 10 else ""
        return f"valid values: {shown}{more}"

    def to_state(self) -> dict[str, Any]:
        """Return the encoder as JSON-ready data."""
        return {
            "type": "discrete",
            "name": self.name,
            "dtype": self.dtype,
            "categories": list(self.categories),
            "counts": self.counts.tolist(),
            "missing_index": self.missing_index,
            "other_index": self.other_index,
            "other_values": list(self.other_values),
            "other_counts": self.other_counts.tolist(),
            "category_dtype_categories": self.category_dtype_categories,
            "ordered": self.ordered,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DiscreteColumn:
        """Rebuild an encoder written by :meth:`to_state`."""
        return cls(
            name=state["name"],
            dtype=state["dtype"],
            categories=list(state["categories"]),
            counts=np.asarray(state["counts"], dtype=np.int64),
            missing_index=state["missing_index"],
            other_index=state["other_index"],
            other_values=list(state["other_values"]),
            other_counts=np.asarray(state["other_counts"], dtype=np.int64),
            category_dtype_categories=state["category_dtype_categories"],
            ordered=bool(state["ordered"]),
        )
