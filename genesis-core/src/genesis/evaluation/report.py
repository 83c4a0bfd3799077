"""The quality report: fidelity scores, privacy checks, and how to save them.

:func:`evaluate` compares a synthetic table with the real one and returns a
:class:`QualityReport`, which prints as a short summary, converts to a dict or
JSON for machines, and renders as one self-contained HTML page with plots.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from genesis._version import __version__
from genesis.errors import ConfigurationError, DataValidationError
from genesis.evaluation.encoding import EncodedColumn, column_kinds, encode_tables
from genesis.evaluation.privacy import PrivacyReport, privacy_report
from genesis.evaluation.quality import ColumnShape, PairTrend, column_shapes, pair_trends

__all__ = ["QualityReport", "ReportFormat", "evaluate"]

ReportFormat = Literal["html", "json"]


def _mean(scores: Sequence[float]) -> float:
    finite = [s for s in scores if not math.isnan(s)]
    return float(np.mean(finite)) if finite else float("nan")


def _clean(value: Any) -> Any:
    """JSON-ready: NaN becomes None, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True, eq=False)
class QualityReport:
    """How closely a synthetic table follows the real one, and how private it is.

    Attributes:
        overall_score: mean of ``column_shapes_score`` and
            ``column_pair_trends_score``, in [0, 1] (1: indistinguishable by
            these measures).
        column_shapes_score: mean of the column shape scores.
        column_pair_trends_score: mean of the defined pair trend scores.
        column_shapes: one score per column.
        column_pair_trends: one score per pair of columns.
        privacy: exact copies and distances to closest records.
        real_rows: rows of the real table.
        synthetic_rows: rows of the synthetic table.
        holdout_rows: rows of the holdout table, if one was given.
        history: the generator's loss history (``epoch`` and one column per
            loss), if given.
    """

    overall_score: float
    column_shapes_score: float
    column_pair_trends_score: float
    column_shapes: tuple[ColumnShape, ...]
    column_pair_trends: tuple[PairTrend, ...]
    privacy: PrivacyReport
    real_rows: int
    synthetic_rows: int
    holdout_rows: int | None = None
    history: pd.DataFrame | None = field(default=None, repr=False)
    _encoded: tuple[EncodedColumn, ...] = field(default=(), repr=False)

    @property
    def columns(self) -> list[str]:
        """The columns compared, in the real table's order."""
        return [shape.column for shape in self.column_shapes]

    def to_dict(self) -> dict[str, Any]:
        """Every number of the report as JSON-ready data (``None`` for undefined scores)."""
        history = None
        if self.history is not None:
            history = self.history.to_dict(orient="records")
        return _clean(
            {
                "genesis_version": __version__,
                "overall_score": self.overall_score,
                "column_shapes_score": self.column_shapes_score,
                "column_pair_trends_score": self.column_pair_trends_score,
                "rows": {
                    "real": self.real_rows,
                    "synthetic": self.synthetic_rows,
                    "holdout": self.holdout_rows,
                },
                "column_shapes": [asdict(s) for s in self.column_shapes],
                "column_pair_trends": [asdict(t) for t in self.column_pair_trends],
                "privacy": asdict(self.privacy),
                "loss_history": history,
            }
        )

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def to_html(self) -> str:
        """The report as one self-contained HTML page, plots embedded as PNG data URIs."""
        from genesis.evaluation.html import render_html

        return render_html(self)

    def summary(self) -> str:
        """A few lines for a terminal."""
        p = self.privacy
        holdout = "real holdout" if p.holdout_source == "given" else "20% real holdout"
        return "\n".join(
            [
                f"Overall quality score: {_fmt(self.overall_score)} "
                f"(column shapes {_fmt(self.column_shapes_score)}, "
                f"pair trends {_fmt(self.column_pair_trends_score)})",
                f"Exact copies of real rows: {_pct(p.exact_copy_rate)} of synthetic rows "
                f"({holdout}: {_pct(p.holdout_exact_copy_rate)})",
                f"Median distance to closest real row: synthetic {_fmt(p.dcr_synthetic_median)}, "
                f"{holdout} {_fmt(p.dcr_holdout_median)}",
            ]
        )

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        format: ReportFormat | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Write the report atomically as HTML or JSON.

        Args:
            path: the file to write.
            format: ``"html"`` or ``"json"``; by default ``.json`` files get
                JSON and everything else HTML.
            overwrite: replace an existing file.

        Raises:
            FileExistsError: ``path`` exists and ``overwrite`` is false.
            ConfigurationError: an unknown ``format``.
        """
        from genesis.io.tables import write_text

        chosen = format or ("json" if Path(path).suffix.lower() == ".json" else "html")
        if chosen not in ("html", "json"):
            raise ConfigurationError(f"Unknown report format {format!r}; choose html or json")
        text = self.to_json() + "\n" if chosen == "json" else self.to_html()
        return write_text(text, path, overwrite=overwrite)


def _fmt(score: float | None) -> str:
    return "n/a" if score is None or math.isnan(score) else f"{score:.3f}"


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None or math.isnan(rate) else f"{rate:.2%}"


def _history_frame(
    history: pd.DataFrame | Sequence[Mapping[str, Any]] | None,
) -> pd.DataFrame | None:
    if history is None:
        return None
    frame = history.copy() if isinstance(history, pd.DataFrame) else pd.DataFrame(list(history))
    return None if frame.empty else frame.reset_index(drop=True)


def _check_table(df: Any, which: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise DataValidationError(
            f"The {which} table must be a pandas DataFrame, got {type(df).__name__}"
        )
    if df.shape[1] == 0 or len(df) == 0:
        raise DataValidationError(
            f"The {which} table is empty ({df.shape[0]} rows, {df.shape[1]} columns)"
        )
    if df.columns.has_duplicates:
        dup = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise DataValidationError(f"The {which} table has duplicate column names: {', '.join(dup)}")
    return df


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    holdout: pd.DataFrame | None = None,
    history: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    discrete_columns: Sequence[str] | None = None,
    seed: int | None = 0,
) -> QualityReport:
    """Compare a synthetic table with the real one.

    The fidelity scores follow the SDMetrics Quality Report (see
    :mod:`genesis.evaluation.quality`; implemented here with numpy and pandas,
    not with the ``sdmetrics`` package, to keep the dependencies small); the
    privacy section is described in :mod:`genesis.evaluation.privacy`.

    Args:
        real: the table the generator learned from.
        synthetic: the generated table; it must have the real table's columns
            (extra columns are ignored).
        holdout: real rows the generator did not learn from, the baseline of the
            privacy checks; by default 20% of ``real`` is set aside for it.
        history: the generator's loss history (``SyntheticGenerator.loss_history``)
            to plot in the HTML report.
        discrete_columns: numeric columns to compare as categories (the
            ``object``, ``string``, ``category`` and ``bool`` columns always are).
        seed: seeds the holdout split and the subsamples of the privacy checks.

    Returns:
        The :class:`QualityReport`.

    Raises:
        DataValidationError: an empty table, duplicate column names, or a
            synthetic or holdout table that lacks a real column.
        UnknownColumnError: ``discrete_columns`` names a column ``real`` lacks.

    Example:
        >>> report = evaluate(real, synthetic)  # doctest: +SKIP
        >>> print(report.summary())  # doctest: +SKIP
        >>> report.save("report.html")  # doctest: +SKIP
    """
    real = _check_table(real, "real")
    synthetic = _check_table(synthetic, "synthetic")
    tables = [real, synthetic]
    if holdout is not None:
        tables.append(_check_table(holdout, "holdout"))
    kinds = column_kinds(real, discrete_columns)
    encoded = encode_tables(tables, kinds)
    shapes = column_shapes(encoded)
    trends = pair_trends(encoded)
    shapes_score = _mean([s.score for s in shapes])
    trends_score = _mean([t.score for t in trends])
    overall = _mean([shapes_score, trends_score])
    privacy = privacy_report(encoded, holdout_table=2 if holdout is not None else None, seed=seed)
    return QualityReport(
        overall_score=overall,
        column_shapes_score=shapes_score,
        column_pair_trends_score=trends_score,
        column_shapes=tuple(shapes),
        column_pair_trends=tuple(trends),
        privacy=privacy,
        real_rows=len(real),
        synthetic_rows=len(synthetic),
        holdout_rows=None if holdout is None else len(holdout),
        history=_history_frame(history),
        _encoded=tuple(encoded),
    )
