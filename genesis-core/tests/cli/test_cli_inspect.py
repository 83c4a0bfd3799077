"""`genesis inspect MODEL`: what a model file holds, read without a backend."""

from __future__ import annotations

import json
import shutil

from genesis import SyntheticGenerator
from genesis.io.model_file import read_model_file
from genesis.io.summary import summarize_model_file
from genesis.timeseries.sines import make_sines


def test_inspect_reports_a_table_model_as_fitted_by_the_cli(genesis, model_file, make_table):
    run = genesis("inspect", model_file, "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    weights = read_model_file(model_file).weights
    assert summary["method"] == "ctgan"
    assert summary["progress"] == {"epochs": 2}
    assert summary["resumable"] is True and summary["format_version"] == 2
    assert summary["trained_with"]["backend"] == "torch"
    assert summary["parameters"] == sum(w.size for w in weights.values())
    assert summary["hyperparameters"]["pac"] == 10
    assert set(summary["last_losses"]) == {"generator", "discriminator"}
    columns = {c["name"]: c for c in summary["columns"]}
    assert list(columns) == list(make_table().columns)
    assert columns["group"]["kind"] == "discrete" and columns["group"]["detail"] == "3 categories"
    assert columns["income"]["kind"] == "continuous"
    assert columns["income"]["detail"].endswith("(missing values learned)")

    text = genesis("inspect", model_file)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith(str(model_file))
    assert "  trained       2 epochs" in lines
    network = next(line for line in lines if line.startswith("  network"))
    settings = "epochs 2, batch_size 500, pac 10, embedding_dim 128, generator_dim 256x256"
    assert network.endswith(f"weights; {settings}, discriminator_dim 256x256"), network
    assert any(line.split()[:3] == ["city", "discrete", "str"] for line in lines), lines


def test_inspect_tells_a_file_without_training_state_and_a_timegan_run(tmp_path):
    sines = make_sines(40, seed=0)
    gen = SyntheticGenerator(method="timegan", seq_len=24, iterations=100, seed=0, verbose=False)
    gen.fit(sines, iterations={"embedding": 200, "supervised": 100, "joint": 100})
    gen.save(tmp_path / "full.genesis")
    gen.save(tmp_path / "light.genesis", training_state=False)

    full = summarize_model_file(tmp_path / "full.genesis")
    assert (
        full.progress == gen.iterations_done == {"embedding": 200, "supervised": 100, "joint": 100}
    )
    assert full.resumable and full.format_version == 2
    assert full.layout == {"steps": 24, "stride": 1, "input": "3-D array"}
    assert [c.name for c in full.columns] == ["0", "1", "2", "3", "4"]  # an array's feature axis
    assert all(c.kind == "continuous" for c in full.columns)
    light = summarize_model_file(tmp_path / "light.genesis")
    assert not light.resumable and light.format_version == 1
    assert light.parameters == full.parameters and light.size_bytes < full.size_bytes
    assert "no training state" in "\n".join(light.describe())


def test_inspect_refuses_a_tampered_or_missing_file(genesis, model_file, tmp_path):
    tampered = tmp_path / "tampered.genesis"
    shutil.copy(model_file, tampered)
    raw = bytearray(tampered.read_bytes())
    raw[-5] ^= 0xFF  # a byte of the last weight
    tampered.write_bytes(bytes(raw))
    run = genesis("inspect", tampered)
    assert run.returncode == 1 and run.stdout == ""
    assert "checksum mismatch" in run.stderr and str(tampered) in run.stderr
    missing = genesis("inspect", tmp_path / "nothing.genesis")
    assert missing.returncode == 1 and "No model file" in missing.stderr


def test_inspect_needs_no_backend(genesis, model_file):
    """A name that matches no installed backend makes every training command fail;
    inspect does not look for one."""
    run = genesis("inspect", model_file, env={"GENESIS_BACKEND": "no-such-backend"})
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 8 + 5  # 8 lines about the model, 5 columns
