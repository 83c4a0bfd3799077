"""`genesis fit --method timegan` and `genesis sample` on a long table of sequences."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

SEQ_LEN = 5


@pytest.fixture(scope="module")
def prices_csv(tmp_path_factory: pytest.TempPathFactory):
    """8 tickers × 15 days of prices, ISO dates as text (as any CSV has them), rows shuffled."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-03-01", periods=15, freq="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "ticker": np.repeat([f"T{i}" for i in range(8)], len(days)),
            "date": np.tile(days, 8),
            "price": rng.normal(100.0, 2.0, 8 * len(days)).round(3),
            "side": rng.choice(["buy", "sell"], 8 * len(days)),
        }
    ).sample(frac=1.0, random_state=0)
    path = tmp_path_factory.mktemp("prices") / "prices.csv"
    frame.to_csv(path, index=False)
    return path


def _fit_args(prices_csv, output, *extra):  # type: ignore[no-untyped-def]
    return [
        "fit", prices_csv, "--method", "timegan", "--entity-column", "ticker",
        "--order-column", "date", "--seq-len", str(SEQ_LEN), "--iterations", "3",
        "--seed", "0", "-o", output, *extra,
    ]  # fmt: skip


def test_fit_then_sample_sequences(genesis, prices_csv, tmp_path):
    model = tmp_path / "prices.genesis"
    fit = genesis(*_fit_args(prices_csv, model))
    assert fit.returncode == 0, fit.stderr
    assert "iterations: embedding 3, supervised 3, joint 3" in fit.stdout

    out = tmp_path / "synthetic.csv"
    run = genesis("sample", model, "-n", "4", "-o", out, "--seed", "1")
    assert run.returncode == 0, run.stderr
    assert f"4 synthetic sequences ({4 * SEQ_LEN} rows)" in run.stdout
    synthetic = pd.read_csv(out)
    assert list(synthetic.columns) == ["ticker", "date", "price", "side"]
    assert len(synthetic) == 4 * SEQ_LEN
    assert sorted(synthetic["ticker"].unique()) == [0, 1, 2, 3]  # fresh ids
    # The dates came in as text; they were parsed, so they start and step like the data's.
    expected = pd.date_range("2024-03-01", periods=SEQ_LEN, freq="D").strftime("%Y-%m-%d")
    for _, sequence in synthetic.groupby("ticker"):
        assert sequence["date"].tolist() == expected.tolist()
    assert set(synthetic["side"]) <= {"buy", "sell"}
    real = pd.read_csv(prices_csv)
    assert synthetic["price"].between(real["price"].min(), real["price"].max()).all()

    again = tmp_path / "again.csv"
    assert genesis("sample", model, "-n", "4", "-o", again, "--seed", "1").returncode == 0
    pd.testing.assert_frame_equal(pd.read_csv(again), synthetic)


def test_resume_trains_more_iterations_of_each_phase(genesis, prices_csv, tmp_path):
    model, more = tmp_path / "prices.genesis", tmp_path / "more.genesis"
    assert genesis(*_fit_args(prices_csv, model, "--quiet")).returncode == 0
    run = genesis("fit", prices_csv, "--resume", model, "--iterations", "2", "-o", more)
    assert run.returncode == 0, run.stderr
    assert "iterations: embedding 5, supervised 5, joint 5" in run.stdout
    epochs = genesis("fit", prices_csv, "--resume", model, "--epochs", "2", "-o", more, "--force")
    assert epochs.returncode == 2 and "not --epochs" in epochs.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "2"], "not --epochs"),
        (["--method", "ctgan"], "--entity-column, --order-column, --seq-len, --iterations: only"),
    ],
    ids=["epochs", "table-method"],
)
def test_fit_option_mistakes_are_usage_errors(genesis, prices_csv, tmp_path, args, message):
    output = tmp_path / "m.genesis"
    run = genesis(*_fit_args(prices_csv, output, *args))
    assert run.returncode == 2, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert not output.exists()


def test_commands_for_tables_refuse_timegan(genesis, prices_csv, tmp_path):
    model = tmp_path / "prices.genesis"
    assert genesis(*_fit_args(prices_csv, model)).returncode == 0
    out = tmp_path / "out.csv"

    run = genesis("sample", model, "-n", "2", "-c", "side=buy", "-o", out)
    assert run.returncode == 2 and "unconditionally" in run.stderr, run.stderr

    run = genesis("evaluate", prices_csv, prices_csv, "--model", model)
    assert run.returncode == 2 and "holds a TimeGAN (sequence) model" in run.stderr, run.stderr

    run = genesis("synthesize", prices_csv, "--method", "timegan", "-o", out)
    assert run.returncode == 2 and "genesis fit --method timegan" in run.stderr, run.stderr

    run = genesis("demo", "--method", "timegan", "-o", tmp_path / "demo")
    assert run.returncode == 2 and "'timegan' is not one of" in run.stderr, run.stderr
    assert not out.exists()


def test_arrays_in_and_out_as_npy_files(genesis, tmp_path):
    """A .npy file of a 3-D array fits TimeGAN; its samples go to a .npy file."""
    windows = np.random.default_rng(0).random((12, 4, 2)) * [1.0, 50.0]
    np.save(tmp_path / "windows.npy", windows)
    model = tmp_path / "array.genesis"
    args = ["--method", "timegan", "--seq-len", "4", "--iterations", "2", "--seed", "0"]
    fit = genesis("fit", tmp_path / "windows.npy", *args, "-o", model)
    assert fit.returncode == 0, fit.stderr
    assert "12 sequences of 4 steps × 2 features" in fit.stdout

    out = tmp_path / "synthetic.npy"
    run = genesis("sample", model, "-n", "3", "-o", out)
    assert run.returncode == 0, run.stderr
    synthetic = np.load(out, allow_pickle=False)
    assert synthetic.shape == (3, 4, 2) and synthetic.dtype == windows.dtype
    assert (synthetic >= windows.min(axis=(0, 1))).all()
    assert (synthetic <= windows.max(axis=(0, 1))).all()

    resumed = genesis("fit", tmp_path / "windows.npy", "--resume", model, "--iterations", "1",
                      "-o", tmp_path / "more.genesis")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert "iterations: embedding 3, supervised 3, joint 3" in resumed.stdout


def test_npy_mistakes_are_refused_before_any_output(genesis, prices_csv, tmp_path):
    windows = np.random.default_rng(0).random((12, 4, 2))
    np.save(tmp_path / "windows.npy", windows)
    np.save(tmp_path / "flat.npy", windows[0])
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    model = tmp_path / "array.genesis"
    from genesis import SyntheticGenerator

    gen = SyntheticGenerator(method="timegan", seq_len=4, iterations=1, seed=0, verbose=False)
    gen.fit(windows).save(model)
    table_model = tmp_path / "table.genesis"
    assert genesis(*_fit_args(prices_csv, table_model)).returncode == 0

    out = tmp_path / "m.genesis"
    cases = [
        (("fit", tmp_path / "windows.npy", "-o", out), 2, "use --method timegan"),
        (("fit", tmp_path / "flat.npy", "--method", "timegan", "-o", out), 1, "2-D float64"),
        (("fit", tmp_path / "objects.npy", "--method", "timegan", "-o", out), 1, "Python objects"),
        (("sample", model, "-n", "3", "-o", tmp_path / "out.csv"), 2, "samples to a .npy"),
        (("sample", table_model, "-n", "3", "-o", tmp_path / "out.npy"), 2, "not .npy"),
    ]
    for args, code, message in cases:
        run = genesis(*args)
        assert run.returncode == code and message in run.stderr, (args, run.stderr)
    leftovers = {p.name for p in tmp_path.iterdir()}
    assert leftovers == {"windows.npy", "flat.npy", "objects.npy", "array.genesis", "table.genesis"}


def test_evaluate_scores_two_npy_arrays_as_the_paper_does(genesis, tmp_path):
    """Real against itself: nothing tells them apart (discriminative near 0)."""
    from genesis.timeseries.sines import make_sines

    np.save(tmp_path / "real.npy", make_sines(60, 8, 2, seed=0))
    np.save(tmp_path / "other.npy", make_sines(60, 8, 2, seed=1))
    report = tmp_path / "scores.json"
    run = genesis("evaluate", tmp_path / "real.npy", tmp_path / "other.npy", "--repeats", "2",
                  "--report", report)  # fmt: skip
    assert run.returncode == 0, run.stderr
    scores = json.loads(report.read_text())
    assert len(scores["discriminative"]["runs"]) == 2 and len(scores["predictive"]["runs"]) == 2
    assert scores["discriminative"]["mean"] <= 0.25
    assert 0.0 < scores["predictive"]["mean"] < 0.5


def test_evaluate_refuses_mixed_inputs_and_table_options_for_arrays(genesis, tmp_path):
    np.save(tmp_path / "real.npy", np.zeros((4, 3, 2)))
    pd.DataFrame({"a": [1.0]}).to_csv(tmp_path / "real.csv", index=False)
    cases = [
        (("real.npy", "real.csv"), "give both as .npy"),
        (("real.npy", "real.npy", "--model", "m.genesis"), "--model: for tables only"),
        (("real.npy", "real.npy", "--format", "html", "--report", "r.html"), "as JSON"),
        (("real.npy", "real.npy", "--report", "r.html"), "a .json --report"),
    ]
    for args, message in cases:
        run = genesis("evaluate", *args, cwd=tmp_path)
        assert run.returncode == 2 and message in run.stderr, (args, run.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.csv", "real.npy"]
