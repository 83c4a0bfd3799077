"""`genesis synthesize`, `genesis evaluate` and `genesis demo`: the files a person opens."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
DATA = re.compile(r'<script type="application/json" id="genesis-report-data">(.*?)</script>', re.S)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def report_parts(path: Path) -> tuple[str, list[bytes], dict]:
    """The HTML text, its decoded images, and the numbers embedded in it."""
    html = path.read_text(encoding="utf-8")
    images = [base64.b64decode(data) for data in IMG.findall(html)]
    match = DATA.search(html)
    assert match, "the report embeds its numbers"
    return html, images, json.loads(match.group(1).replace("<\\/", "</"))


def test_synthesize_writes_table_model_and_report(genesis, table_csv, tmp_path):
    out, report, model = (
        tmp_path / "synthetic.csv",
        tmp_path / "report.html",
        tmp_path / "m.genesis",
    )

    run = genesis(
        "synthesize",
        table_csv,
        "-o",
        out,
        "--report",
        report,
        "--model",
        model,
        "--epochs",
        "2",
        "--seed",
        "0",
    )

    assert run.returncode == 0, run.stderr
    assert len(pd.read_csv(out)) == len(pd.read_csv(table_csv))  # same row count by default
    assert model.stat().st_size > 0
    html, _images, numbers = report_parts(report)
    assert 'alt="training loss curves"' in html and [
        row["epoch"] for row in numbers["loss_history"]
    ] == [1, 2]
    assert f"Overall quality score: {numbers['overall_score']:.3f}" in run.stdout
    assert str(report) in run.stdout


def test_evaluate_html_has_a_plot_per_column_heatmaps_losses_and_the_scores(
    genesis, make_table, table_csv, model_file, tmp_path
):
    synthetic = tmp_path / "synthetic.csv"
    make_table(seed=1).to_csv(synthetic, index=False)
    report = tmp_path / "report.html"

    run = genesis("evaluate", table_csv, synthetic, "--report", report, "--model", model_file)
    as_json = genesis("evaluate", table_csv, synthetic, "--format", "json", "--model", model_file)

    assert run.returncode == 0 and as_json.returncode == 0, run.stderr + as_json.stderr
    html, images, numbers = report_parts(report)
    # 5 columns + correlation heatmaps (age, income) + pair trend heatmap + loss curves
    assert len(images) == 5 + 1 + 1 + 1
    assert all(image.startswith(PNG_SIGNATURE) and len(image) > 2_000 for image in images)
    assert numbers == json.loads(as_json.stdout)
    assert f"{numbers['overall_score']:.3f}" in html
    for shape in numbers["column_shapes"]:
        assert f"<td>{shape['column']}</td>" in html and f"{shape['score']:.3f}" in html
    group = next(s for s in numbers["column_shapes"] if s["column"] == "group")
    assert group["metric"] == "TVComplement"  # the model says `group` is categorical
    assert "://" not in html  # nothing fetched from the network


def test_evaluate_json_report_file(genesis, table_csv, tmp_path):
    by_extension, by_option = tmp_path / "scores.json", tmp_path / "scores.txt"

    first = genesis("evaluate", table_csv, table_csv, "--report", by_extension, "-q")
    second = genesis("evaluate", table_csv, table_csv, "--report", by_option, "--format", "json")

    assert first.returncode == 0 and second.returncode == 0
    assert first.stdout == ""
    one, two = json.loads(by_extension.read_text()), json.loads(by_option.read_text())
    assert one["overall_score"] == two["overall_score"] == 1.0
    assert one["privacy"]["exact_copy_rate"] == 1.0


def test_evaluate_with_a_holdout(genesis, make_table, tmp_path):
    table = make_table(n=300)
    paths = {name: tmp_path / f"{name}.csv" for name in ("real", "holdout", "synthetic")}
    table.iloc[:200].to_csv(paths["real"], index=False)
    table.iloc[200:].to_csv(paths["holdout"], index=False)
    make_table(n=200, seed=3).to_csv(paths["synthetic"], index=False)

    run = genesis(
        "evaluate",
        paths["real"],
        paths["synthetic"],
        "--holdout",
        paths["holdout"],
        "--format",
        "json",
    )

    privacy = json.loads(run.stdout)["privacy"]
    assert privacy["holdout_source"] == "given" and privacy["holdout_rows_compared"] == 100


def test_demo_runs_the_whole_job_on_the_shipped_table(genesis, tmp_path):
    out = tmp_path / "demo"

    run = genesis("demo", "-o", out, "--epochs", "1")

    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "model.genesis",
        "report.html",
        "synthetic.csv",
    ]
    for name in ("model.genesis", "report.html", "synthetic.csv"):
        assert str(out / name) in run.stdout
    assert len(pd.read_csv(out / "synthetic.csv")) == 2_000
    _, images, numbers = report_parts(out / "report.html")
    assert len(images) >= 12 and 0.0 < numbers["overall_score"] <= 1.0


def test_help_lists_every_command_and_module_invocation_works():
    proc = subprocess.run(
        [sys.executable, "-m", "genesis.cli", "--help"], capture_output=True, text=True, timeout=60
    )

    assert proc.returncode == 0 and proc.stdout.startswith("Usage: genesis")
    for command in ("backends", "demo", "evaluate", "fit", "sample", "synthesize"):
        assert f"\n  {command} " in proc.stdout
