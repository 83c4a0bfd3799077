"""What a user sees when something is wrong: one `error:` line and exit code 1,
click's usage message and exit code 2 for a malformed command, never half a file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from genesis.io.model_file import FORMAT


def assert_one_line_error(run, *fragments: str) -> None:
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert len(run.error_lines) == 1, run.stderr
    line = run.error_lines[0]
    assert line.startswith("error: ") and "Traceback" not in run.stderr
    for fragment in fragments:
        assert fragment in line, line


def test_missing_input_file(genesis, tmp_path):
    run = genesis("fit", tmp_path / "nope.csv", "-o", tmp_path / "m.genesis")

    assert_one_line_error(run, "No such file", "nope.csv")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "is empty"),
        ("a,b\n", "no rows"),
        ("a,b\n1,2\n3,4,5,6\n", "not a readable CSV"),
    ],
    ids=["empty", "header-only", "ragged"],
)
def test_unreadable_or_empty_tables(genesis, tmp_path, content, fragment):
    data = tmp_path / "data.csv"
    data.write_text(content)

    run = genesis("fit", data, "-o", tmp_path / "m.genesis")

    assert_one_line_error(run, fragment, "data.csv")
    assert not (tmp_path / "m.genesis").exists()


def test_unknown_table_extension(genesis, table_csv, model_file, tmp_path):
    run = genesis("sample", model_file, "-n", "5", "-o", tmp_path / "out.xlsx")

    assert_one_line_error(run, "unknown table format", ".parquet")


def test_unknown_backend_lists_the_installed_ones(genesis, table_csv, tmp_path):
    run = genesis("fit", table_csv, "--backend", "nosuch", "-o", tmp_path / "m.genesis")

    assert_one_line_error(run, "nosuch", "torch")


def test_unknown_condition_column_and_value(genesis, model_file, tmp_path):
    out = tmp_path / "s.csv"

    unknown_column = genesis("sample", model_file, "-n", "5", "-c", "country=FR", "-o", out)
    continuous = genesis("sample", model_file, "-n", "5", "-c", "age=30", "-o", out)
    unknown_value = genesis("sample", model_file, "-n", "5", "-c", "city=Oslo", "-o", out)

    assert_one_line_error(unknown_column, "country", "city")
    assert_one_line_error(continuous, "age", "continuous")
    assert_one_line_error(unknown_value, "Oslo", "Paris")
    assert not out.exists()


def test_corrupt_and_newer_model_files(genesis, model_file, tmp_path):
    from safetensors.numpy import save

    truncated = tmp_path / "truncated.genesis"
    truncated.write_bytes(model_file.read_bytes()[:200])
    tampered = tmp_path / "tampered.genesis"
    data = bytearray(model_file.read_bytes())
    data[-1] ^= 0xFF
    tampered.write_bytes(bytes(data))
    newer = tmp_path / "newer.genesis"
    newer.write_bytes(
        save({}, metadata={"format": FORMAT, "format_version": "99", "genesis": "{}"})
    )

    runs = {
        p.name: genesis("sample", p, "-n", "5", "-o", tmp_path / "s.csv")
        for p in (truncated, tampered, newer)
    }

    assert_one_line_error(runs["truncated.genesis"], "truncated.genesis")
    assert_one_line_error(runs["tampered.genesis"], "checksum")
    assert_one_line_error(runs["newer.genesis"], "newer", "upgrade")


def test_existing_output_is_kept_unless_force(genesis, model_file, tmp_path):
    out = tmp_path / "synthetic.csv"
    out.write_text("precious\n")

    refused = genesis("sample", model_file, "-n", "5", "-o", out)
    forced = genesis(
        "sample", model_file, "-n", "5", "-o", out, "--force", "-q", "--backend", "numpy"
    )

    assert_one_line_error(refused, "already exists", "--force")
    assert forced.returncode == 0 and out.read_text().startswith("age,")


def test_outputs_are_checked_before_training(genesis, table_csv, tmp_path):
    report = tmp_path / "report.html"
    report.write_text("old report")

    run = genesis(
        "synthesize", table_csv, "-o", tmp_path / "s.csv", "--report", report, "--epochs", "1"
    )

    assert_one_line_error(run, "report.html", "already exists")  # and no progress bar
    assert not (tmp_path / "s.csv").exists() and report.read_text() == "old report"


@pytest.mark.parametrize(
    "args",
    [
        ["fit", "data.csv", "--method", "gan", "-o", "m.genesis"],
        ["fit", "data.csv"],
        ["sample", "m.genesis", "-n", "0", "-o", "s.csv"],
        ["sample", "m.genesis", "-n", "5", "-c", "no-equals-sign", "-o", "s.csv"],
        ["evaluate", "a.csv", "b.csv", "--format", "pdf"],
        ["no-such-command"],
    ],
    ids=[
        "unknown-method",
        "missing-output",
        "zero-rows",
        "bad-condition",
        "bad-format",
        "bad-command",
    ],
)
def test_bad_usage_exits_2_with_clicks_message(genesis, tmp_path, args):
    run = genesis(*args, cwd=tmp_path)

    assert run.returncode == 2, run.stderr
    assert "Usage:" in run.stderr and "Traceback" not in run.stderr


def test_unknown_method_lists_the_valid_ones(genesis, tmp_path):
    run = genesis("fit", "data.csv", "--method", "gan", "-o", "m.genesis", cwd=tmp_path)

    assert "'ctgan'" in run.stderr and "'tvae'" in run.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(genesis, tmp_path, how):
    args = ["fit", tmp_path / "nope.csv", "-o", tmp_path / "m.genesis"]
    run = genesis(*args, "--debug") if how == "flag" else genesis(*args, env={"GENESIS_DEBUG": "1"})

    assert run.returncode == 1
    assert "Traceback" in run.stderr and "FileNotFoundError" in run.stderr


def test_parquet_without_pyarrow_says_what_to_install(tmp_path):
    for name in ("a.parquet", "b.parquet"):
        (tmp_path / name).write_bytes(b"PAR1")
    code = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "from genesis.cli import main\n"
        "main(['evaluate', 'a.parquet', 'b.parquet'], prog_name='genesis')\n"
    )

    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert proc.returncode == 1
    assert (
        proc.stderr.strip()
        == 'error: Parquet files need pyarrow: pip install "genesis-core[parquet]"'
    )


def test_ctrl_c_leaves_no_output_behind(genesis_cmd, table_csv, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GENESIS_DEBUG"}
    env["GENESIS_BACKEND"] = "torch"
    proc = subprocess.Popen(
        [
            *genesis_cmd,
            "synthesize",
            str(table_csv),
            "-o",
            "s.csv",
            "--report",
            "r.html",
            "--model",
            "m.genesis",
            "--epochs",
            "100000",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        # The progress bar's first update means training is under way.
        if os.read(proc.stderr.fileno(), 4096).find(b"epoch/s") >= 0:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)

    assert proc.returncode == 130, err
    assert "error: interrupted" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_evaluate_json_to_stdout_is_valid_json(genesis, table_csv):
    run = genesis("evaluate", table_csv, table_csv, "--format", "json")

    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["overall_score"] == 1.0
