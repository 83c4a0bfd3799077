"""How good is a synthetic table? Fidelity scores, privacy checks, and a report to look at.

Example:
    >>> from genesis.evaluation import evaluate
    >>> report = evaluate(real, synthetic, history=gen.loss_history)  # doctest: +SKIP
    >>> report.overall_score  # doctest: +SKIP
    0.87
    >>> report.save("report.html")  # doctest: +SKIP

Modules: :mod:`~genesis.evaluation.encoding` (one encoding of every table),
:mod:`~genesis.evaluation.quality` (column shapes, pair trends),
:mod:`~genesis.evaluation.privacy` (exact copies, distance to closest record),
:mod:`~genesis.evaluation.report` (:func:`evaluate`, :class:`QualityReport`),
:mod:`~genesis.evaluation.plots` and :mod:`~genesis.evaluation.html` (the HTML page;
matplotlib is imported only when a page is rendered).
"""

from __future__ import annotations

from genesis.evaluation.privacy import PrivacyReport
from genesis.evaluation.quality import ColumnShape, PairTrend
from genesis.evaluation.report import QualityReport, evaluate

__all__ = ["ColumnShape", "PairTrend", "PrivacyReport", "QualityReport", "evaluate"]
