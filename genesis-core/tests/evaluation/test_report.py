"""The report object: dict/JSON, summary, HTML page, saving."""

from __future__ import annotations

import base64
import json
import math
import re

import pandas as pd
import pytest

from genesis.evaluation import QualityReport, evaluate

IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')


@pytest.fixture
def fitted_report(related, shuffled) -> QualityReport:
    real = related(n=400)
    history = pd.DataFrame(
        {"epoch": [1, 2, 3], "generator": [1.0, 0.8, 0.7], "discriminator": [0.5, 0.4, 0.45]}
    )
    return evaluate(real, shuffled(real), history=history)


def test_overall_is_the_mean_of_shapes_and_trends(fitted_report):
    r = fitted_report
    shapes = sum(s.score for s in r.column_shapes) / len(r.column_shapes)
    trends = sum(t.score for t in r.column_pair_trends) / len(r.column_pair_trends)

    assert r.column_shapes_score == pytest.approx(shapes)
    assert r.column_pair_trends_score == pytest.approx(trends)
    assert r.overall_score == pytest.approx((shapes + trends) / 2)


def test_json_has_every_number_and_no_nan():
    single = pd.DataFrame({"a": [1.0, 1.0, 3.0]})

    data = json.loads(evaluate(single, single).to_json())

    assert data["column_pair_trends_score"] is None  # no pairs: undefined, not NaN
    assert data["overall_score"] == 1.0
    assert data["rows"] == {"real": 3, "synthetic": 3, "holdout": None}
    assert set(data["privacy"]) >= {"exact_copy_rate", "dcr_synthetic_median", "dcr_holdout_median"}
    assert data["loss_history"] is None


def test_html_page_has_plots_scores_and_loss_curves(fitted_report):
    html = fitted_report.to_html()
    images = IMG.findall(html)
    alts = [alt for _, alt in images]

    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert sum(alt.startswith("distribution of") for alt in alts) == 5
    assert "correlation heatmaps, real and synthetic" in alts
    assert "pair trend score of every pair of columns" in alts
    assert "training loss curves" in alts
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data, _ in images)
    assert f"{fitted_report.overall_score:.3f}" in html
    assert f"{fitted_report.privacy.exact_copy_rate:.2%}" in html


def test_html_without_history_has_no_loss_section(related):
    real = related(n=200)

    html = evaluate(real, real).to_html()

    assert "training loss curves" not in html and 'id="training"' not in html


def test_single_column_report(related):
    real = related(n=100)[["level"]]

    report = evaluate(real, real)

    assert report.column_pair_trends == ()
    assert report.overall_score == 1.0 and math.isnan(report.column_pair_trends_score)
    assert "no pairs to compare" in report.to_html()


def test_html_escapes_column_names():
    table = pd.DataFrame({"<script>alert(1)</script>": ["a", "b", "a"]})

    html = evaluate(table, table).to_html()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_save_picks_the_format_from_the_extension_and_refuses_to_overwrite(fitted_report, tmp_path):
    fitted_report.save(tmp_path / "r.json")
    fitted_report.save(tmp_path / "r.html")

    assert (
        json.loads((tmp_path / "r.json").read_text())["overall_score"]
        == fitted_report.overall_score
    )
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    with pytest.raises(FileExistsError):
        fitted_report.save(tmp_path / "r.html")
    fitted_report.save(tmp_path / "r.html", format="json", overwrite=True)
    assert (
        json.loads((tmp_path / "r.html").read_text())["overall_score"]
        == fitted_report.overall_score
    )


def test_summary_names_the_scores(fitted_report):
    text = fitted_report.summary()

    assert f"Overall quality score: {fitted_report.overall_score:.3f}" in text
    assert "Exact copies" in text and "distance to closest real row" in text
