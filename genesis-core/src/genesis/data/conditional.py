"""Condition vectors for CTGAN: training-by-sampling and conditional generation.

A condition vector lays the one-hot blocks of all discrete columns side by
side (``transformer.condition_spans()`` says where each block sits) and sets
exactly one bit per requested column, inside that column's own block.

* Training (:meth:`ConditionalSampler.sample_training`): per row, pick a
  discrete column uniformly, then one of its categories with probability
  proportional to ``log(1 + count)``, then a real row holding that category
  uniformly.
* Unconditional generation (:meth:`ConditionalSampler.sample_original`): pick
  a column uniformly and a category by its *real* frequency, so generated
  marginals follow the data rather than the flattened training distribution.
* Conditional generation (:meth:`ConditionalSampler.condition_vector`): set the
  bit of each requested value.

Every draw is vectorized: categories are chosen with one ``searchsorted`` over
the cumulative probabilities of all columns laid end to end (column ``c``'s
cumulative probabilities are shifted by ``c``), and rows are chosen from one
array of row indices grouped by category, with offsets per category.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from genesis.data.transformer import DataTransformer
from genesis.data.validation import unknown_column_error
from genesis.errors import ConfigurationError, DataValidationError

__all__ = ["ConditionalSampler"]


class ConditionalSampler:
    """Draws condition vectors (and matching real rows) for a fitted transformer.

    Args:
        transformer: the fitted transformer.
        data: the transformed training matrix, shape ``(n, output_dim)``. It is
            needed only by :meth:`sample_training`; without it the sampler can
            still build condition vectors for generation, using the category
            frequencies stored in the transformer.

    Raises:
        DataValidationError: if ``data`` does not have the transformer's width
            or has no rows.
    """

    def __init__(self, transformer: DataTransformer, data: np.ndarray | None = None) -> None:
        self._spans = transformer.condition_spans()
        self._cond_dim = transformer.cond_dim
        self._n_discrete = len(self._spans)
        self._columns = tuple(span.column for span in self._spans)
        self._transformer = transformer
        starts = np.array([span.cond_start for span in self._spans], dtype=np.int64)
        widths = np.array([span.width for span in self._spans], dtype=np.int64)
        self._block_first = starts
        self._block_last = starts + widths - 1

        real = np.concatenate(
            [transformer.category_frequencies(c).astype(np.float64) for c in self._columns]
            or [np.zeros(0)]
        )
        self._original_cdf = self._stacked_cdf(real)

        self._n_rows: int | None = None
        self._training_cdf: np.ndarray | None = None
        self._rows_by_category: np.ndarray | None = None
        self._category_offsets: np.ndarray | None = None
        if data is not None:
            self._index_rows(np.asarray(data), transformer.output_dim)

    def _index_rows(self, data: np.ndarray, output_dim: int) -> None:
        if data.ndim != 2 or data.shape[1] != output_dim:
            raise DataValidationError(
                f"Expected the transformed matrix of shape (n, {output_dim}), got {data.shape}."
            )
        if data.shape[0] == 0:
            raise DataValidationError("The transformed matrix has no rows.")
        n = data.shape[0]
        self._n_rows = n
        if not self._n_discrete:
            return
        # Global category (position in the condition vector) of every row, per column.
        categories = np.empty((self._n_discrete, n), dtype=np.int64)
        for j, span in enumerate(self._spans):
            block = data[:, span.data_start : span.data_start + span.width]
            categories[j] = span.cond_start + block.argmax(axis=1)
        flat = categories.ravel()
        order = np.argsort(flat, kind="stable")
        self._rows_by_category = (order % n).astype(np.int64)
        counts = np.bincount(flat, minlength=self._cond_dim)
        self._category_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._training_cdf = self._stacked_cdf(np.log1p(counts.astype(np.float64)))

    def _stacked_cdf(self, weights: np.ndarray) -> np.ndarray:
        """Per-column cumulative probabilities, column ``c`` shifted by ``c``."""
        cdf = np.empty(self._cond_dim, dtype=np.float64)
        for j, span in enumerate(self._spans):
            block = weights[span.cond_start : span.cond_start + span.width]
            total = block.sum()
            probs = block / total if total > 0 else np.full(span.width, 1.0 / span.width)
            cum = np.cumsum(probs)
            cum[-1] = 1.0
            cdf[span.cond_start : span.cond_start + span.width] = j + cum
        return cdf

    def _draw_categories(
        self, cdf: np.ndarray, n: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        column = rng.integers(0, self._n_discrete, size=n)
        target = column + rng.random(n)
        category = np.searchsorted(cdf, target, side="right")
        category = np.clip(category, self._block_first[column], self._block_last[column])
        return column, category

    # --------------------------------------------------------------- properties
    @property
    def cond_dim(self) -> int:
        """Width of a condition vector."""
        return self._cond_dim

    @property
    def n_discrete(self) -> int:
        """Number of discrete columns (width of the training mask)."""
        return self._n_discrete

    # ------------------------------------------------------------------ sampling
    def sample_training(
        self, batch_size: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Draw a training batch of conditions and the real rows that match them.

        Args:
            batch_size: rows in the batch.
            rng: the generator.

        Returns:
            ``(cond, mask, row_index)``: ``cond`` float32 ``(b, cond_dim)`` with
            one bit set in the chosen column's block; ``mask`` float32
            ``(b, n_discrete)``, the one-hot of the chosen column; ``row_index``
            int64 ``(b,)``, rows of the training matrix holding the chosen
            category. Without discrete columns ``cond`` and ``mask`` have width
            0 and rows are drawn uniformly.

        Raises:
            ConfigurationError: if the sampler was built without ``data``.
        """
        if self._n_rows is None:
            raise ConfigurationError(
                "This ConditionalSampler was built without the training matrix; "
                "pass data=transformer.transform(df) to sample training batches."
            )
        batch_size = _check_count(batch_size, "batch_size")
        if not self._n_discrete:
            rows = rng.integers(0, self._n_rows, size=batch_size, dtype=np.int64)
            empty = np.zeros((batch_size, 0), dtype=np.float32)
            return empty, empty.copy(), rows
        assert self._training_cdf is not None
        assert self._rows_by_category is not None and self._category_offsets is not None
        column, category = self._draw_categories(self._training_cdf, batch_size, rng)
        first = self._category_offsets[category]
        count = self._category_offsets[category + 1] - first
        pick = np.minimum((rng.random(batch_size) * count).astype(np.int64), count - 1)
        rows = self._rows_by_category[first + pick]
        cond = np.zeros((batch_size, self._cond_dim), dtype=np.float32)
        cond[np.arange(batch_size), category] = 1.0
        mask = np.zeros((batch_size, self._n_discrete), dtype=np.float32)
        mask[np.arange(batch_size), column] = 1.0
        return cond, mask, rows

    def sample_original(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw conditions for unconditional generation (real category frequencies).

        Args:
            n: rows.
            rng: the generator.

        Returns:
            float32 ``(n, cond_dim)``, one bit per row in a uniformly chosen
            column's block (width 0 without discrete columns).
        """
        n = _check_count(n, "n")
        cond = np.zeros((n, self._cond_dim), dtype=np.float32)
        if self._n_discrete:
            _, category = self._draw_categories(self._original_cdf, n, rng)
            cond[np.arange(n), category] = 1.0
        return cond

    def condition_vector(self, conditions: Mapping[str, Any], n: int) -> np.ndarray:
        """Build the condition vector that asks for given values.

        Args:
            conditions: discrete column name -> category value (None or NaN for
                the missing-value category). Several columns may be given; each
                sets its bit in its own block.
            n: rows.

        Returns:
            float32 ``(n, cond_dim)``, identical rows.

        Raises:
            UnknownColumnError: for a column that is unknown or not discrete.
            UnknownValueError: for a value never seen in its column.
        """
        n = _check_count(n, "n")
        cond = np.zeros((n, self._cond_dim), dtype=np.float32)
        for column, value in conditions.items():
            if column not in self._columns:
                # Let the transformer word the error (it knows continuous columns).
                self._transformer.category_index(column, value)
                raise unknown_column_error([column], list(self._columns), "discrete column")
            span = self._spans[self._columns.index(column)]
            cond[:, span.cond_start + self._transformer.category_index(column, value)] = 1.0
        return cond


def _check_count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ConfigurationError(f"{name} must be a non-negative int, got {value!r}")
    return int(value)
