"""Render a :class:`~genesis.evaluation.report.QualityReport` as one HTML page.

The page is self-contained: styles inline, plots as base64 PNG ``data:`` URIs,
no executable script, nothing fetched from the network, so it opens from disk or an
e-mail attachment. The report's numbers are also embedded as JSON in a
``<script type="application/json" id="genesis-report-data">`` element for
anyone who wants to scrape them.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from html import escape
from typing import TYPE_CHECKING

from genesis._version import __version__
from genesis.evaluation import plots
from genesis.evaluation.quality import correlation_matrix

if TYPE_CHECKING:
    from genesis.evaluation.report import QualityReport

__all__ = ["MAX_COLUMN_PLOTS", "render_html"]

#: Columns that get a distribution plot (the worst-scoring first beyond this many).
MAX_COLUMN_PLOTS = 60
#: Pairs listed in the pair trend table (worst first).
MAX_PAIR_ROWS = 25

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 1.5rem 2rem 3rem; color: #1f2328; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.2rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: 0.8rem 1.2rem; min-width: 11rem; }
.card .value { font-size: 1.9rem; font-weight: 600; } .card .label { color: #57606a; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.92rem; }
th, td { border-bottom: 1px solid #d8dee4; padding: 0.3rem 0.8rem; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: flex; flex-wrap: wrap; gap: 0.8rem; }
.grid img, .wide img { border: 1px solid #eaeef2; border-radius: 4px; max-width: 100%; }
.bar { display: inline-block; height: 0.7rem; background: #4C72B0; border-radius: 2px; }
.good { color: #1a7f37; } .fair { color: #9a6700; } .poor { color: #cf222e; }
.note { color: #57606a; font-size: 0.9rem; }
"""


def _img(png: bytes | None, alt: str) -> str:
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def _score(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def _rate(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2%}"


def _grade(value: float) -> str:
    if math.isnan(value):
        return ""
    return "good" if value >= 0.85 else "fair" if value >= 0.7 else "poor"


def _score_cell(value: float) -> str:
    width = 0 if math.isnan(value) else round(value * 80)
    return (
        f'<td class="num {_grade(value)}">{_score(value)}</td>'
        f'<td><span class="bar" style="width:{width}px"></span></td>'
    )


def _card(value: str, label: str, css: str = "") -> str:
    return (
        f'<div class="card"><div class="value {css}">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
    )


def _json_block(report: QualityReport) -> str:
    # "</" must not appear inside a script element.
    text = report.to_json(indent=None).replace("</", "<\\/")
    return f'<script type="application/json" id="genesis-report-data">{text}</script>'


def _privacy_section(report: QualityReport) -> str:
    p = report.privacy
    baseline = (
        "the holdout table you gave"
        if p.holdout_source == "given"
        else "a random 20% of the real table, held out (the other 80% is the reference)"
    )
    rows = [
        ("Exact copies of real rows", _rate(p.exact_copy_rate), _rate(p.holdout_exact_copy_rate)),
        (
            "Distance to closest real row, median",
            _score(p.dcr_synthetic_median),
            _score(p.dcr_holdout_median),
        ),
        (
            "Distance to closest real row, 5th percentile",
            _score(p.dcr_synthetic_p05),
            _score(p.dcr_holdout_p05),
        ),
        (
            "Rows closer than the holdout's 5th percentile",
            _rate(p.closer_than_holdout_p05),
            "5.00%",
        ),
    ]
    body = "".join(
        f"<tr><td>{escape(name)}</td><td class='num'>{syn}</td><td class='num'>{hold}</td></tr>"
        for name, syn, hold in rows
    )
    warning = ""
    if not math.isnan(p.exact_copy_rate) and p.exact_copy_rate > max(
        2 * p.holdout_exact_copy_rate, 0.01
    ):
        warning = (
            '<p class="poor">More synthetic rows copy a real row than real rows copy each other: '
            "the model may have memorized training rows.</p>"
        )
    return f"""
<h2 id="privacy">Privacy</h2>
<p>Baseline: {escape(baseline)}. Distances are Gower distances in [0, 1], computed on
{p.synthetic_rows_compared:,} synthetic and {p.holdout_rows_compared:,} holdout rows against
{p.reference_rows:,} real rows.</p>
<table><tr><th>Measure</th><th class="num">Synthetic</th>
<th class="num">Holdout (baseline)</th></tr>
{body}</table>
{warning}
<p class="note">Synthetic rows should be about as far from the real rows as unseen real rows are:
a synthetic median distance far below the holdout's, or many exact copies, suggests the model
memorized training rows.</p>
"""


def _shapes_section(report: QualityReport) -> str:
    scores = {s.column: s for s in report.column_shapes}
    rows = "".join(
        f"<tr><td>{escape(str(s.column))}</td><td>{escape(s.kind)}</td><td>{escape(s.metric)}</td>"
        f"{_score_cell(s.score)}</tr>"
        for s in report.column_shapes
    )
    encoded = list(report._encoded)
    note = ""
    if len(encoded) > MAX_COLUMN_PLOTS:
        encoded = sorted(encoded, key=lambda c: scores[c.name].score)[:MAX_COLUMN_PLOTS]
        note = (
            f'<p class="note">Plots for the {MAX_COLUMN_PLOTS} lowest-scoring of '
            f"{len(report._encoded)} columns.</p>"
        )
    images = "\n".join(
        _img(
            plots.column_figure(col, scores[col.name].score, scores[col.name].metric),
            f"distribution of {col.name}, real and synthetic",
        )
        for col in encoded
    )
    return f"""
<h2 id="shapes">Column shapes</h2>
<p>How closely each column's distribution is reproduced, on its own.</p>
<table><tr><th>Column</th><th>Type</th><th>Metric</th><th class="num">Score</th><th></th></tr>
{rows}</table>
{note}<div class="grid">
{images}
</div>
"""


def _trends_section(report: QualityReport) -> str:
    trends = sorted(report.column_pair_trends, key=lambda t: (math.isnan(t.score), t.score))
    if not trends:
        return '<h2 id="trends">Pair trends</h2><p>Only one column: no pairs to compare.</p>'
    shown = trends[:MAX_PAIR_ROWS]

    def corr(value: float | None) -> str:
        return "" if value is None else f"{value:+.3f}"

    rows = "".join(
        f"<tr><td>{escape(str(t.column_1))}</td><td>{escape(str(t.column_2))}</td>"
        f"<td>{escape(t.metric)}</td><td class='num'>{corr(t.real_correlation)}</td>"
        f"<td class='num'>{corr(t.synthetic_correlation)}</td>{_score_cell(t.score)}</tr>"
        for t in shown
    )
    more = (
        f'<p class="note">The {MAX_PAIR_ROWS} lowest-scoring of {len(trends)} pairs; '
        "the JSON format lists them all.</p>"
        if len(trends) > MAX_PAIR_ROWS
        else ""
    )
    encoded = list(report._encoded)
    corr_img = plots.correlation_figure(
        correlation_matrix(encoded, 0), correlation_matrix(encoded, 1)
    )
    pair_img = plots.pair_trend_figure(report.columns, report.column_pair_trends)
    return f"""
<h2 id="trends">Pair trends</h2>
<p>How well the relation between each pair of columns is kept: correlation for two numeric
columns, the two-way frequency table otherwise.</p>
<div class="wide">{_img(corr_img, "correlation heatmaps, real and synthetic")}</div>
<div class="wide">{_img(pair_img, "pair trend score of every pair of columns")}</div>
<table><tr><th>Column</th><th>Column</th><th>Metric</th><th class="num">Real ρ</th>
<th class="num">Synthetic ρ</th><th class="num">Score</th><th></th></tr>
{rows}</table>
{more}
"""


def _training_section(report: QualityReport) -> str:
    if report.history is None:
        return ""
    image = plots.loss_figure(report.history)
    if image is None:
        return ""
    epochs = len(report.history)
    return f"""
<h2 id="training">Training</h2>
<p>Mean losses per epoch over {epochs} epoch{"s" if epochs != 1 else ""}.</p>
<div class="wide">{_img(image, "training loss curves")}</div>
"""


_HOW_TO_READ = """
<h2 id="how-to-read">How to read this report</h2>
<ul>
<li><b>Overall score</b>: the mean of the column shapes and pair trends scores, as in the
SDMetrics Quality Report. 1.0 means the synthetic table is indistinguishable from the real one
by these measures; scores above about 0.85 are usually good.</li>
<li><b>Column shapes</b>: for numbers and dates, 1 − the Kolmogorov–Smirnov statistic (the
largest gap between the cumulative distributions); for categories, 1 − the total variation
distance (half the summed differences of the category shares). Missing values count as a value
of their own.</li>
<li><b>Pair trends</b>: for two numeric columns, 1 − |ρ<sub>real</sub> − ρ<sub>synthetic</sub>|/2
(Pearson correlation); otherwise, or where a correlation is undefined (a constant column),
1 − the total variation distance of the two-way frequency tables, numbers cut into 10
equal-width bins.</li>
<li><b>Privacy</b>: exact copies of real rows, and the distance from each synthetic row to its
closest real row, each next to the same measure for real rows the model did not see.</li>
</ul>
"""


def render_html(report: QualityReport) -> str:
    """The whole report as an HTML document (a string)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    holdout = f", holdout {report.holdout_rows:,} rows" if report.holdout_rows else ""
    p = report.privacy
    cards = "".join(
        [
            _card(_score(report.overall_score), "Overall score", _grade(report.overall_score)),
            _card(
                _score(report.column_shapes_score),
                "Column shapes",
                _grade(report.column_shapes_score),
            ),
            _card(
                _score(report.column_pair_trends_score),
                "Pair trends",
                _grade(report.column_pair_trends_score),
            ),
            _card(_rate(p.exact_copy_rate), "Exact copies of real rows"),
        ]
    )
    summary_rows = "".join(
        f"<tr><td>{name}</td>{_score_cell(value)}</tr>"
        for name, value in (
            ("Overall score", report.overall_score),
            ("Column shapes (mean)", report.column_shapes_score),
            ("Pair trends (mean)", report.column_pair_trends_score),
        )
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Genesis {escape(__version__)}">
<title>Synthetic data quality report</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Synthetic data quality report</h1>
<p class="meta">Real {report.real_rows:,} rows, synthetic {report.synthetic_rows:,} rows{holdout},
{len(report.columns)} columns. Made by Genesis {escape(__version__)} on {stamp}.</p>
<div class="cards">{cards}</div>
<h2 id="scores">Scores</h2>
<table><tr><th>Score</th><th class="num">Value</th><th></th></tr>{summary_rows}</table>
{_privacy_section(report)}
{_shapes_section(report)}
{_trends_section(report)}
{_training_section(report)}
{_HOW_TO_READ}
{_json_block(report)}
</body>
</html>
"""
