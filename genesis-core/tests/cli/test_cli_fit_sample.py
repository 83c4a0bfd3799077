"""`genesis fit` and `genesis sample` on real files, as a user runs them."""

from __future__ import annotations

import pandas as pd
import pytest

from genesis.io.model_file import read_model_file


def test_fit_saves_a_model_with_its_loss_history(model_file):
    document = read_model_file(model_file).document

    assert document["method"] == "ctgan"
    assert [row["epoch"] for row in document["history"]] == [1, 2]


def test_fit_shows_progress_and_where_the_model_went(genesis, table_csv, tmp_path):
    out = tmp_path / "m.genesis"

    run = genesis("fit", table_csv, "--epochs", "1", "--method", "TVAE", "-o", out)

    assert run.returncode == 0, run.stderr
    assert "epoch" in run.stderr  # the library's tqdm bar
    assert str(out) in run.stdout
    assert read_model_file(out).document["method"] == "tvae"


def test_sample_writes_the_requested_rows_with_the_table_columns(
    genesis, model_file, table_csv, tmp_path
):
    out = tmp_path / "synthetic.csv"

    run = genesis("sample", model_file, "-n", "75", "-o", out)

    assert run.returncode == 0, run.stderr
    synthetic = pd.read_csv(out)
    assert len(synthetic) == 75
    assert list(synthetic.columns) == list(pd.read_csv(table_csv).columns)
    assert "75 synthetic rows" in run.stdout


# Sampling tests other than the first use the numpy inference backend: no framework to
# import, so they take a second instead of several.


def test_condition_strings_become_the_column_types(genesis, model_file, tmp_path):
    out = tmp_path / "conditioned.csv"

    run = genesis(
        "sample",
        model_file,
        "-n",
        "20",
        "--seed",
        "1",
        "--condition",
        "group=3",
        "--condition",
        "member=true",
        "-c",
        "city=paris",
        "--backend",
        "numpy",
        "-o",
        out,
    )

    assert run.returncode == 0, run.stderr
    rows = pd.read_csv(out)
    assert rows["group"].dtype.kind == "i" and set(rows["group"]) == {3}
    assert rows["member"].dtype == bool and rows["member"].all()
    assert set(rows["city"]) == {"Paris"}


def test_seeded_sample_is_the_librarys_sample_and_the_seed_matters(genesis, model_file, tmp_path):
    from genesis import SyntheticGenerator

    five, six = tmp_path / "five.csv", tmp_path / "six.csv"
    for path, seed in ((five, "5"), (six, "6")):
        assert (
            genesis(
                "sample",
                model_file,
                "-n",
                "30",
                "--seed",
                seed,
                "--backend",
                "numpy",
                "-q",
                "-o",
                path,
            ).returncode
            == 0
        )
    expected = SyntheticGenerator.load(model_file, backend="numpy", seed=5, verbose=False).sample(
        30
    )

    pd.testing.assert_frame_equal(pd.read_csv(five), expected, check_dtype=False)
    assert not pd.read_csv(five).equals(pd.read_csv(six))


def test_parquet_out_keeps_dtypes_and_quiet_prints_nothing(genesis, model_file, tmp_path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "synthetic.parquet"

    run = genesis("sample", model_file, "-n", "10", "--backend", "numpy", "-o", out, "--quiet")

    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and run.stderr == ""
    rows = pd.read_parquet(out)
    assert len(rows) == 10 and rows["member"].dtype == bool and rows["group"].dtype.kind == "i"


def test_fit_in_mixed_precision_with_threads_is_saved_in_the_model(genesis, table_csv, tmp_path):
    out = tmp_path / "mixed.genesis"

    run = genesis(
        "fit",
        table_csv,
        "--method",
        "tvae",
        "--epochs",
        "1",
        "--backend",
        "torch",
        "--precision",
        "bfloat16",
        "--threads",
        "1",
        "-o",
        out,
    )

    assert run.returncode == 0, run.stderr
    config = read_model_file(out).document["config"]
    assert (config["precision"], config["num_threads"]) == ("bfloat16", 1)


def test_mixed_precision_on_a_backend_without_it_is_one_line(genesis, table_csv, tmp_path):
    out = tmp_path / "never.genesis"

    run = genesis(
        "fit",
        table_csv,
        "--method",
        "ctgan",
        "--epochs",
        "1",
        "--backend",
        "tensorflow",
        "--precision",
        "bfloat16",
        "-o",
        out,
    )

    assert run.returncode == 1
    assert "does not declare 'precision:bfloat16'" in run.stderr
    assert not out.exists()


def test_sample_in_bfloat16_is_the_librarys_and_numpy_refuses_it(genesis, model_file, tmp_path):
    from genesis import SyntheticGenerator

    out = tmp_path / "half.csv"
    run = genesis(
        "sample", model_file, "-n", "40", "--seed", "2", "--backend", "torch",
        "--precision", "bfloat16", "-q", "-o", out,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    gen = SyntheticGenerator.load(model_file, backend="torch", seed=2, verbose=False)
    expected = gen.sample(40, precision="bfloat16")
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_dtype=False)

    never = tmp_path / "never.csv"
    run = genesis(
        "sample", model_file, "-n", "5", "--backend", "numpy", "--precision", "bfloat16",
        "-o", never,
    )  # fmt: skip
    assert run.returncode == 1
    assert "does not sample in precision 'bfloat16'" in run.stderr
    assert not never.exists()


def test_checkpointed_fit_resumed_from_its_file_equals_one_fit(genesis, table_csv, tmp_path):
    common = ["--seed", "0", "--discrete-columns", "group", "--quiet"]
    whole, run_file = tmp_path / "whole.genesis", tmp_path / "run.genesis"
    assert genesis("fit", table_csv, "--epochs", "3", *common, "-o", whole).returncode == 0
    first = genesis(
        "fit", table_csv, "--epochs", "2", "--checkpoint-every", "1", *common, "-o", run_file
    )
    assert first.returncode == 0, first.stderr
    assert [r["epoch"] for r in read_model_file(run_file).document["history"]] == [1, 2]

    refused = genesis("fit", table_csv, "--resume", run_file, "--epochs", "1", "-o", run_file)
    assert refused.returncode == 1 and "--force" in refused.stderr  # MODEL exists

    resumed = genesis(
        "fit", table_csv, "--resume", run_file, "--epochs", "1", "-o", run_file, "--force"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming ctgan" in resumed.stdout and "(3 epochs)" in resumed.stdout
    expected, got = read_model_file(whole), read_model_file(run_file)
    assert got.document["history"] == expected.document["history"]
    for name, array in expected.weights.items():
        assert (got.weights[name] == array).all(), name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "tvae"], "--method: a resumed fit keeps the settings"),
        (["--seed", "3", "--batch-size", "20"], "--batch-size, --seed: a resumed fit"),
        (["--iterations", "5"], "--iterations: only for a timegan model"),
    ],
    ids=["method", "seed-batch", "iterations"],
)
def test_resume_refuses_to_change_the_model_settings(
    genesis, model_file, table_csv, tmp_path, args, message
):
    out = tmp_path / "more.genesis"
    run = genesis("fit", table_csv, "--resume", model_file, *args, "-o", out)
    assert run.returncode == 2, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()
