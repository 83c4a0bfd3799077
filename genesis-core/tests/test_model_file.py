"""Model files: safetensors + JSON, verified on load, written atomically, never pickle."""

from __future__ import annotations

import json

import numpy as np
import pytest

from genesis.errors import ModelFileError
from genesis.io.model_file import FORMAT_VERSION, ModelFile, read_model_file, write_model_file


@pytest.fixture
def model() -> ModelFile:
    rng = np.random.default_rng(0)
    return ModelFile(
        document={"method": "ctgan", "history": [{"epoch": 1, "loss": 0.5}]},
        weights={
            "a.kernel": rng.standard_normal((3, 4)).astype(np.float32),
            "a.bias": np.zeros(4, np.float32),
        },
    )


def test_round_trip(model, tmp_path):
    path = write_model_file(tmp_path / "m.genesis", model)
    loaded = read_model_file(path)
    assert loaded.document == model.document
    assert set(loaded.weights) == set(model.weights)
    np.testing.assert_array_equal(loaded.weights["a.kernel"], model.weights["a.kernel"])
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_file_is_safetensors_with_json_metadata_not_pickle(model, tmp_path):
    raw = write_model_file(tmp_path / "m.genesis", model).read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    assert header["__metadata__"]["format"] == "genesis-model"
    assert json.loads(header["__metadata__"]["genesis"])["method"] == "ctgan"
    assert b"\x80\x04" not in raw[:2] and b"pickle" not in raw


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"",  # empty
        lambda raw: b"\x80\x04\x95" + raw[3:],  # a pickle header pasted over the front
        lambda raw: raw[:-4] + bytes(4),  # weights changed
    ],
    ids=["truncated", "empty", "pickle-header", "weights-changed"],
)
def test_corrupt_or_tampered_file_is_refused(model, tmp_path, damage):
    path = write_model_file(tmp_path / "m.genesis", model)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ModelFileError):
        read_model_file(path)


def test_tampered_metadata_is_refused(model, tmp_path):
    path = write_model_file(tmp_path / "m.genesis", model)
    raw = path.read_bytes()
    tampered = raw.replace(b'\\"ctgan\\"', b'\\"tvae!\\"')  # same length, inside the JSON string
    assert tampered != raw
    path.write_bytes(tampered)
    with pytest.raises(ModelFileError, match="checksum"):
        read_model_file(path)


def test_missing_and_foreign_files(tmp_path):
    with pytest.raises(ModelFileError, match="No model file"):
        read_model_file(tmp_path / "absent.genesis")
    from safetensors.numpy import save_file

    save_file({"x": np.zeros(2, np.float32)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(ModelFileError, match="not a Genesis model file"):
        read_model_file(tmp_path / "other.safetensors")


def test_newer_format_version_is_refused(model, tmp_path):
    from safetensors.numpy import save

    payload = save(
        model.weights,
        metadata={
            "format": "genesis-model",
            "format_version": str(FORMAT_VERSION + 1),
            "genesis": "{}",
            "checksum": "x",
        },
    )
    (tmp_path / "new.genesis").write_bytes(payload)
    with pytest.raises(ModelFileError, match="upgrade genesis-core"):
        read_model_file(tmp_path / "new.genesis")


def test_no_overwrite_keeps_the_existing_file(model, tmp_path):
    path = write_model_file(tmp_path / "m.genesis", model)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_model_file(path, ModelFile(document={}, weights={}), overwrite=False)
    assert path.read_bytes() == before


def test_failed_write_leaves_no_partial_file(model, tmp_path):
    bad = ModelFile(document={"x": float("nan")}, weights=model.weights)  # NaN is not JSON
    with pytest.raises(ValueError):
        write_model_file(tmp_path / "m.genesis", bad)
    assert list(tmp_path.iterdir()) == []
