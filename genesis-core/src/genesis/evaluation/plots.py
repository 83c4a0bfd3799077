"""The report's figures, drawn with matplotlib and returned as PNG bytes.

Only matplotlib's object-oriented API is used (``Figure`` and its Agg
renderer), never ``pyplot``: no window, no global backend switch, nothing left
open, and it works on a machine without a display. matplotlib is imported when
a figure is first drawn, not when :mod:`genesis.evaluation` is imported.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from genesis.evaluation.encoding import EncodedColumn
from genesis.evaluation.quality import PairTrend

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

__all__ = ["column_figure", "correlation_figure", "loss_figure", "pair_trend_figure"]

REAL_COLOR = "#4C72B0"
SYNTHETIC_COLOR = "#DD8452"
#: Categories drawn per column; the rest are summed as "(other)".
MAX_BARS = 12
#: Above this many columns a heatmap drops its tick labels.
MAX_LABELLED_COLUMNS = 40


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=90, layout="constrained")


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(label: str, width: int = 20) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _missing_note(col: EncodedColumn) -> str:
    if col.is_numeric:
        rates = [float(np.isnan(v).mean()) if len(v) else 0.0 for v in col.values[:2]]
    else:
        rates = [float(np.mean(v == col.missing_code)) if len(v) else 0.0 for v in col.values[:2]]
    if not any(rates):
        return ""
    return f"missing: real {rates[0]:.1%}, synthetic {rates[1]:.1%}"


def _numeric_axes(ax: Axes, col: EncodedColumn) -> None:
    real, syn = (v[~np.isnan(v)] for v in col.values[:2])
    both = np.concatenate([real, syn])
    if both.size == 0:
        ax.text(0.5, 0.5, "all values missing", ha="center", va="center", transform=ax.transAxes)
        return
    low, high = float(both.min()), float(both.max())
    edges = (
        np.histogram_bin_edges(both, bins=30) if high > low else np.array([low - 0.5, high + 0.5])
    )
    draws: tuple[tuple[np.ndarray, int, str, str, Literal["stepfilled", "step"]], ...] = (
        (real, len(col.values[0]), REAL_COLOR, "real", "stepfilled"),
        (syn, len(col.values[1]), SYNTHETIC_COLOR, "synthetic", "step"),
    )
    for values, total, color, label, kind in draws:
        if values.size:
            weights = np.full(values.size, 1.0 / max(total, 1))
            ax.hist(
                values,
                bins=list(edges),
                weights=weights,
                histtype=kind,
                color=color,
                label=label,
                alpha=0.45 if kind == "stepfilled" else 1.0,
                linewidth=1.6,
            )
    ax.set_ylabel("share of rows")
    if col.kind == "datetime":
        ax.xaxis_date()  # values are days since 1970-01-01, matplotlib's date unit
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")


def _categorical_axes(ax: Axes, col: EncodedColumn) -> None:
    shares = [np.bincount(v, minlength=col.n_codes) / max(len(v), 1) for v in col.values[:2]]
    order = np.lexsort((-shares[1], -shares[0]))
    shown, rest = order[:MAX_BARS], order[MAX_BARS:]
    labels = [_short(col.categories[i]) for i in shown]
    real = list(shares[0][shown])
    syn = list(shares[1][shown])
    if rest.size:
        labels.append(f"(other: {rest.size})")
        real.append(float(shares[0][rest].sum()))
        syn.append(float(shares[1][rest].sum()))
    y = np.arange(len(labels))
    ax.barh(y - 0.2, real, height=0.4, color=REAL_COLOR, label="real")
    ax.barh(y + 0.2, syn, height=0.4, color=SYNTHETIC_COLOR, label="synthetic")
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("share of rows")


def column_figure(col: EncodedColumn, score: float, metric: str) -> bytes:
    """Real against synthetic distribution of one column: histogram or bar chart."""
    height = 3.0 if col.is_numeric else max(2.6, 0.75 + 0.27 * min(col.n_codes, MAX_BARS + 1))
    fig = _figure(4.4, height)
    ax = fig.add_subplot()
    if col.is_numeric:
        _numeric_axes(ax, col)
    else:
        _categorical_axes(ax, col)
    ax.set_title(f"{_short(str(col.name), 40)}  ({metric} {score:.3f})", fontsize=10)
    note = _missing_note(col)
    if note:
        ax.annotate(note, (0.0, -0.02), xycoords="figure fraction", fontsize=7, va="bottom")
    ax.legend(fontsize=8, frameon=False)
    ax.tick_params(labelsize=8)
    return _png(fig)


def _heatmap(
    ax: Axes, matrix: np.ndarray, labels: Sequence[str], vmin: float, vmax: float, cmap: str
) -> AxesImage:
    image = ax.imshow(np.ma.masked_invalid(matrix), vmin=vmin, vmax=vmax, cmap=cmap)
    if len(labels) <= MAX_LABELLED_COLUMNS:
        size = 8 if len(labels) <= 15 else 6
        ticks = np.arange(len(labels))
        ax.set_xticks(
            ticks, [_short(str(x), 16) for x in labels], rotation=60, ha="right", fontsize=size
        )
        ax.set_yticks(ticks, [_short(str(x), 16) for x in labels], fontsize=size)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    return image


def correlation_figure(real: pd.DataFrame, synthetic: pd.DataFrame) -> bytes | None:
    """Pearson correlation heatmaps of the numeric columns, real beside synthetic.

    Returns:
        PNG bytes, or None with fewer than two numeric columns.
    """
    if real.shape[0] < 2:
        return None
    side = min(4.0 + 0.22 * real.shape[0], 9.0)
    fig = _figure(2 * side + 0.8, side)
    axes = fig.subplots(1, 2)
    images = []
    for ax, matrix, title in ((axes[0], real, "real"), (axes[1], synthetic, "synthetic")):
        labels = list(real.columns)
        images.append(_heatmap(ax, matrix.to_numpy(dtype=float), labels, -1.0, 1.0, "coolwarm"))
        ax.set_title(f"Correlation, {title}", fontsize=10)
    fig.colorbar(images[0], ax=list(axes), shrink=0.8, label="Pearson correlation")
    return _png(fig)


def pair_trend_figure(columns: Sequence[str], trends: Sequence[PairTrend]) -> bytes | None:
    """Heatmap of the pair trend score of every pair of columns.

    Returns:
        PNG bytes, or None with fewer than two columns.
    """
    if len(columns) < 2:
        return None
    position = {name: i for i, name in enumerate(columns)}
    matrix = np.full((len(columns), len(columns)), np.nan)
    for trend in trends:
        i, j = position[trend.column_1], position[trend.column_2]
        matrix[i, j] = matrix[j, i] = trend.score
    side = min(4.0 + 0.25 * len(columns), 10.0)
    fig = _figure(side + 1.2, side)
    ax = fig.add_subplot()
    image = _heatmap(ax, matrix, list(columns), 0.0, 1.0, "viridis")
    ax.set_title("Pair trend score (1 = relation preserved)", fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return _png(fig)


def loss_figure(history: pd.DataFrame) -> bytes | None:
    """Training losses per epoch, one line per loss.

    Returns:
        PNG bytes, or None when the history has no epochs or no losses.
    """
    losses = [c for c in history.columns if c != "epoch"]
    if history.empty or not losses or "epoch" not in history.columns:
        return None
    fig = _figure(6.4, 3.4)
    ax = fig.add_subplot()
    for name in losses:
        ax.plot(
            history["epoch"],
            history[name],
            marker="o" if len(history) <= 30 else None,
            markersize=3,
            label=str(name),
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (epoch mean)")
    ax.set_title("Training losses", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _png(fig)
