"""The reversible table transform of CTGAN and TVAE (mode-specific normalization).

:class:`DataTransformer` turns a table into a float32 matrix whose columns are
laid out as :class:`~genesis.models.spec.OutputSpan` blocks, one block per
table column in table order (see :mod:`genesis.data.columns` for the two kinds
of block), and turns such a matrix back into a table with the original column
order and dtypes. It is framework-neutral: numpy and pandas only.

Example:
    >>> rng = np.random.default_rng(0)
    >>> transformer = DataTransformer().fit(df, rng=rng)      # doctest: +SKIP
    >>> matrix = transformer.transform(df, rng=rng)           # doctest: +SKIP
    >>> table = transformer.inverse_transform(matrix, rng)    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from genesis.data.columns import ContinuousColumn, DiscreteColumn
from genesis.data.mixture import MixtureConfig
from genesis.data.validation import check_frame, resolve_discrete_columns, unknown_column_error
from genesis.errors import ConfigurationError, DataValidationError, NotFittedError
from genesis.models.activations import span_argmax
from genesis.models.spec import ConditionSpan, OutputSpan

__all__ = ["DEFAULT_MAX_CATEGORIES", "DEFAULT_MAX_FIT_ROWS", "DataTransformer"]

DEFAULT_MAX_FIT_ROWS = 20_000
"""Rows sampled from each continuous column to fit its mixture."""

DEFAULT_MAX_CATEGORIES = 1000
"""Most categories one discrete column keeps before merging rare values."""

_STATE_FORMAT = "genesis.DataTransformer"
_STATE_VERSION = 1

ColumnEncoder = ContinuousColumn | DiscreteColumn


class DataTransformer:
    """Reversible mode-specific normalization of a table (CTGAN, TVAE).

    Continuous columns (numbers, datetimes, timedeltas) become a ``tanh``
    scalar plus a one-hot of the mixture mode, and a ``[present, missing]``
    one-hot when they had missing values. Discrete columns (``object``,
    ``string``, ``category``, ``bool``, plus any listed in
    ``discrete_columns``) become a one-hot of their category; missing values
    are a category of their own.

    Limits:
        A discrete column with more than ``max_categories`` distinct values
        keeps the ``max_categories - 1`` most frequent (one fewer if it has
        missing values) and merges the rest into one rare-values category; the
        inverse transform fills it by drawing from the merged values' observed
        frequencies, of which the 100,000 most frequent are stored. Each
        mixture is fitted on at most ``max_fit_rows`` sampled rows.
    """

    def __init__(self) -> None:
        """Create an unfitted transformer; call :meth:`fit` next."""
        self._encoders: list[ColumnEncoder] | None = None
        self._starts: list[int] = []
        self._output_dim = 0

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        df: pd.DataFrame,
        discrete_columns: Sequence[str] | None = None,
        *,
        rng: np.random.Generator,
        max_fit_rows: int | None = DEFAULT_MAX_FIT_ROWS,
        max_categories: int = DEFAULT_MAX_CATEGORIES,
    ) -> DataTransformer:
        """Learn the encoding of every column of ``df``.

        Args:
            df: the training table: at least 2 rows and 1 column, unique string
                column names, no column entirely missing.
            discrete_columns: numeric columns to treat as discrete in addition
                to the ``object``, ``string``, ``category`` and ``bool``
                columns, which always are. None infers from dtypes only.
            rng: generator for the mixture fits (subsampling and seeding).
            max_fit_rows: rows sampled per continuous column for its mixture;
                None fits on all rows.
            max_categories: the most categories a discrete column keeps (at
                least 2), see the class docstring.

        Returns:
            ``self``, fitted.

        Raises:
            DataValidationError: for a table that cannot be learned from (see
                :func:`genesis.data.validation.check_frame`), columns mixing
                value types, or infinite values.
            UnknownColumnError: if ``discrete_columns`` names unknown columns.
            ConfigurationError: for an invalid ``max_fit_rows`` or
                ``max_categories``.
        """
        if max_fit_rows is not None and (not isinstance(max_fit_rows, int) or max_fit_rows < 1):
            raise ConfigurationError(
                f"max_fit_rows must be a positive int or None, got {max_fit_rows!r}"
            )
        if not isinstance(max_categories, int) or max_categories < 2:
            raise ConfigurationError(f"max_categories must be an int >= 2, got {max_categories!r}")
        check_frame(df)
        discrete = set(resolve_discrete_columns(df, discrete_columns))
        config = MixtureConfig(max_fit_rows=max_fit_rows)
        encoders: list[ColumnEncoder] = []
        for name in df.columns:
            series = df[name]
            if name in discrete:
                encoders.append(DiscreteColumn.fit(name, series, max_categories))
            else:
                encoders.append(ContinuousColumn.fit(name, series, rng, config))
        self._set_encoders(encoders)
        return self

    def fit_transform(
        self,
        df: pd.DataFrame,
        discrete_columns: Sequence[str] | None = None,
        *,
        rng: np.random.Generator,
        max_fit_rows: int | None = DEFAULT_MAX_FIT_ROWS,
        max_categories: int = DEFAULT_MAX_CATEGORIES,
    ) -> np.ndarray:
        """:meth:`fit`, then :meth:`transform` with the same generator."""
        self.fit(
            df, discrete_columns, rng=rng, max_fit_rows=max_fit_rows, max_categories=max_categories
        )
        return self.transform(df, rng=rng)

    def _set_encoders(self, encoders: list[ColumnEncoder]) -> None:
        self._encoders = encoders
        self._starts = []
        start = 0
        for encoder in encoders:
            self._starts.append(start)
            start += encoder.width
        self._output_dim = start

    def _fitted(self) -> list[ColumnEncoder]:
        if self._encoders is None:
            raise NotFittedError("This DataTransformer is not fitted; call fit(df, rng=...) first.")
        return self._encoders

    # ------------------------------------------------------------ transforming
    def transform(self, df: pd.DataFrame, *, rng: np.random.Generator | None = None) -> np.ndarray:
        """Encode a table with the fitted columns (extra columns are ignored).

        Args:
            df: a table holding every fitted column.
            rng: generator for the mode draws; None uses
                ``np.random.default_rng(0)``, so repeated calls agree.

        Returns:
            A float32 array of shape ``(len(df), output_dim)``.

        Raises:
            DataValidationError: if ``df`` is not a DataFrame, lacks fitted
                columns, or holds values the fit cannot encode (missing values
                in a column that had none, unseen categories, infinities).
        """
        encoders = self._fitted()
        if not isinstance(df, pd.DataFrame):
            raise DataValidationError(f"Expected a pandas DataFrame, got {type(df).__name__}.")
        absent = [e.name for e in encoders if e.name not in df.columns]
        if absent:
            raise DataValidationError(
                f"The table lacks fitted column{'s' if len(absent) > 1 else ''} "
                f"{', '.join(repr(a) for a in absent)}."
            )
        if rng is None:
            rng = np.random.default_rng(0)
        out = np.zeros((len(df), self._output_dim), dtype=np.float32)
        for encoder, start in zip(encoders, self._starts, strict=True):
            block = out[:, start : start + encoder.width]
            if isinstance(encoder, ContinuousColumn):
                encoder.transform(df[encoder.name], block, rng)
            else:
                encoder.transform(df[encoder.name], block)
        return out

    def inverse_transform(self, data: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
        """Decode a matrix back into a table with the original columns and dtypes.

        Args:
            data: shape ``(n, output_dim)``: ``tanh`` scalars, and for every
                ``softmax`` span one-hot rows, probabilities or logits (the
                argmax is taken).
            rng: generator for filling rare-values categories.

        Returns:
            The table, columns in the fitted order. Continuous values are
            clipped to the fitted range; integer columns are rounded.

        Raises:
            DataValidationError: if ``data`` does not have the fitted width.
        """
        self._fitted()
        matrix = np.asarray(data)
        if matrix.ndim != 2 or matrix.shape[1] != self._output_dim:
            raise DataValidationError(
                f"Expected an array of shape (n, {self._output_dim}), got {matrix.shape}."
            )
        spans = self.output_spans
        scalars = matrix[:, [s.start for s in spans if s.activation == "tanh"]].T
        return self.inverse_choices(scalars, span_argmax(matrix, spans), rng)

    def inverse_choices(
        self, scalars: np.ndarray, choices: np.ndarray, rng: np.random.Generator
    ) -> pd.DataFrame:
        """Decode rows given as their ``tanh`` scalars and their softmax spans' categories.

        What :meth:`inverse_transform` does once it has taken each span's argmax;
        a sampler that draws the categories itself passes them here and skips
        building one-hot rows.

        Args:
            scalars: ``(n_tanh, n)``: the ``tanh`` spans' values, in span order.
            choices: ``(n_softmax, n)`` integers: each softmax span's category
                (its position inside the span), in span order.
            rng: generator for filling rare-values categories.

        Returns:
            The table, as :meth:`inverse_transform` returns it.

        Raises:
            DataValidationError: if the shapes do not match the fitted layout, or a
                choice is not an integer position inside its span.
        """
        encoders = self._fitted()
        n_tanh = sum(isinstance(e, ContinuousColumn) for e in encoders)  # one scalar each
        widths = np.array([s.width for s in self.output_spans if s.activation == "softmax"])
        scalars, choices = np.asarray(scalars), np.asarray(choices)
        if (
            scalars.ndim != 2
            or choices.ndim != 2
            or scalars.shape[0] != n_tanh
            or choices.shape[0] != widths.size
            or scalars.shape[1] != choices.shape[1]
        ):
            raise DataValidationError(
                f"Expected scalars of shape ({n_tanh}, n) and choices of shape "
                f"({widths.size}, n), got {scalars.shape} and {choices.shape}."
            )
        if not np.issubdtype(choices.dtype, np.integer):
            raise DataValidationError(f"choices must be integers, got dtype {choices.dtype}.")
        if choices.size and ((choices < 0) | (choices >= widths[:, None])).any():
            bad = int(np.flatnonzero(((choices < 0) | (choices >= widths[:, None])).any(axis=1))[0])
            raise DataValidationError(
                f"choices of softmax span {bad} must lie in [0, {widths[bad]}), got values "
                f"from {choices[bad].min()} to {choices[bad].max()}."
            )
        columns: dict[str, pd.Series] = {}
        next_scalar, next_choice = 0, 0
        for encoder in encoders:
            if isinstance(encoder, ContinuousColumn):
                taken = 1 + encoder.has_missing
                own = choices[next_choice : next_choice + taken]
                columns[encoder.name] = encoder.inverse_choices(scalars[next_scalar], list(own))
                next_scalar += 1
            else:
                taken = 1
                columns[encoder.name] = encoder.inverse_choices(choices[next_choice], rng)
            next_choice += taken
        return pd.DataFrame(columns)

    # ---------------------------------------------------------------- layout
    @property
    def output_dim(self) -> int:
        """Width of a transformed row."""
        self._fitted()
        return self._output_dim

    @property
    def output_spans(self) -> tuple[OutputSpan, ...]:
        """Activation layout of a transformed row, in order."""
        spans: list[OutputSpan] = []
        for encoder, start in zip(self._fitted(), self._starts, strict=True):
            spans.extend(encoder.spans(start))
        return tuple(spans)

    @property
    def columns(self) -> tuple[str, ...]:
        """The fitted column names in table order."""
        return tuple(e.name for e in self._fitted())

    @property
    def discrete_columns(self) -> tuple[str, ...]:
        """The discrete column names in table order."""
        return tuple(e.name for e in self._fitted() if isinstance(e, DiscreteColumn))

    @property
    def continuous_columns(self) -> tuple[str, ...]:
        """The continuous column names in table order."""
        return tuple(e.name for e in self._fitted() if isinstance(e, ContinuousColumn))

    def condition_spans(self) -> tuple[ConditionSpan, ...]:
        """Where each discrete column's one-hot block sits in a row and in a condition vector.

        The condition vector lays every discrete column's block side by side in
        table order.
        """
        spans: list[ConditionSpan] = []
        cond_start = 0
        for encoder, start in zip(self._fitted(), self._starts, strict=True):
            if isinstance(encoder, DiscreteColumn):
                spans.append(ConditionSpan(encoder.name, start, cond_start, encoder.width))
                cond_start += encoder.width
        return tuple(spans)

    @property
    def cond_dim(self) -> int:
        """Width of the condition vector (total categories of discrete columns)."""
        return sum(e.width for e in self._fitted() if isinstance(e, DiscreteColumn))

    # ------------------------------------------------------------- categories
    def _discrete(self, column: str) -> DiscreteColumn:
        encoders = self._fitted()
        for encoder in encoders:
            if encoder.name == column and isinstance(encoder, DiscreteColumn):
                return encoder
        valid = [e.name for e in encoders if isinstance(e, DiscreteColumn)]
        hint = ""
        if any(e.name == column for e in encoders):
            hint = f" {column!r} is continuous; only discrete columns have categories."
        raise unknown_column_error([column], valid, "discrete column", hint)

    def category_index(self, column: str, value: Any) -> int:
        """Position of a category within its column's one-hot block.

        Args:
            column: a discrete column.
            value: a category value; None or NaN for the missing-value
                category when the column had missing values.

        Returns:
            The index within the column's block (add the span's start for the
            position in a row or in a condition vector).

        Raises:
            UnknownColumnError: if ``column`` is unknown or continuous.
            UnknownValueError: if ``value`` was never seen in the column, or was
                merged into the rare-values category.
        """
        return self._discrete(column).index_of(value)

    def category_values(self, column: str) -> tuple[Any, ...]:
        """A discrete column's categories in block order.

        ``None`` stands for the missing-value category and for the
        rare-values category (see :meth:`rare_category_index`).
        """
        return tuple(self._discrete(column).categories)

    def rare_category_index(self, column: str) -> int | None:
        """Position of a column's rare-values category, or None if it has none."""
        return self._discrete(column).other_index

    def category_frequencies(self, column: str) -> np.ndarray:
        """How many fitted rows held each category of a discrete column (block order)."""
        return self._discrete(column).counts.copy()

    # ------------------------------------------------------------------ state
    def to_state(self) -> dict[str, Any]:
        """Return the fitted transformer as JSON-ready data (``json.dumps`` works)."""
        return {
            "format": _STATE_FORMAT,
            "version": _STATE_VERSION,
            "columns": [encoder.to_state() for encoder in self._fitted()],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DataTransformer:
        """Rebuild a transformer written by :meth:`to_state`.

        Raises:
            DataValidationError: if ``state`` is not a transformer state of a
                supported version.
        """
        if not isinstance(state, dict) or state.get("format") != _STATE_FORMAT:
            raise DataValidationError("Not a DataTransformer state (missing or wrong 'format').")
        if state.get("version") != _STATE_VERSION:
            raise DataValidationError(
                f"Unsupported DataTransformer state version {state.get('version')!r}; "
                f"this Genesis reads version {_STATE_VERSION}."
            )
        encoders: list[ColumnEncoder] = []
        for column in state["columns"]:
            if column["type"] == "continuous":
                encoders.append(ContinuousColumn.from_state(column))
            elif column["type"] == "discrete":
                encoders.append(DiscreteColumn.from_state(column))
            else:
                raise DataValidationError(f"Unknown column type {column['type']!r} in state.")
        transformer = cls()
        transformer._set_encoders(encoders)
        return transformer
