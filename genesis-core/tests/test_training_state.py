"""Training state in model files: optimizer moments, step counts and random generators."""

from __future__ import annotations

import json

import numpy as np
import pytest

from genesis.errors import ModelFileError
from genesis.io.model_file import STATE_PREFIX, ModelFile, read_model_file, write_model_file
from genesis.models.spec import CTGANParams, ModelSpec
from genesis.models.training_state import (
    optimizer_names,
    rng_from_json,
    rng_to_json,
    validate_training_state,
)

SPEC = ModelSpec(method="ctgan", params=CTGANParams(), data_dim=3, cond_dim=0)
SHAPES = {"generator.output.kernel": (4, 3), "generator.output.bias": (3,)}


def _state(**changes: np.ndarray) -> dict[str, np.ndarray]:
    state = {
        "optimizer.generator.step": np.array(7, dtype=np.int64),
        "optimizer.generator.m.generator.output.kernel": np.full((4, 3), 0.5, np.float32),
        "optimizer.generator.v.generator.output.kernel": np.full((4, 3), 0.25, np.float32),
        "random.torch-cpu": np.arange(10, dtype=np.uint8),
    }
    state.update(changes)
    return state


def _header_version(path) -> str:  # type: ignore[no-untyped-def]
    raw = path.read_bytes()
    header = json.loads(raw[8 : 8 + int.from_bytes(raw[:8], "little")])
    return header["__metadata__"]["format_version"]


def test_state_round_trips_with_its_dtypes_and_scalars(tmp_path):
    weights = {"generator.output.kernel": np.ones((4, 3), np.float32)}
    path = write_model_file(
        tmp_path / "m.genesis", ModelFile({"method": "ctgan"}, weights, _state())
    )
    loaded = read_model_file(path)
    assert set(loaded.weights) == set(weights)  # the state is kept apart from the weights
    assert set(loaded.training_state) == set(_state())
    step = loaded.training_state["optimizer.generator.step"]
    assert step.shape == () and step.dtype == np.int64 and int(step) == 7
    assert loaded.training_state["random.torch-cpu"].dtype == np.uint8
    assert _header_version(path) == "2"


def test_a_file_without_state_is_written_as_version_1(tmp_path):
    path = write_model_file(
        tmp_path / "m.genesis", ModelFile({"method": "ctgan"}, {"w": np.ones(2, np.float32)})
    )
    assert _header_version(path) == "1"
    assert read_model_file(path).training_state == {}


def test_tampered_state_is_refused(tmp_path):
    path = write_model_file(
        tmp_path / "m.genesis",
        ModelFile({"method": "ctgan"}, {"w": np.ones(2, np.float32)}, _state()),
    )
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0xFF  # the last tensor's bytes
    path.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="checksum"):
        read_model_file(path)


def test_weight_names_cannot_pose_as_state(tmp_path):
    with pytest.raises(ValueError, match="training/"):
        write_model_file(
            tmp_path / "m.genesis",
            ModelFile({}, {STATE_PREFIX + "x": np.ones(1, np.float32)}),
        )
    assert not list(tmp_path.iterdir())


def test_valid_state_passes():
    validate_training_state(SPEC, _state(), SHAPES)
    validate_training_state(SPEC, {}, SHAPES)
    assert optimizer_names("ctgan") == ("generator", "discriminator")
    assert optimizer_names("timegan_metric_classifier") == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"optimizer.critic.step": np.array(1)}, "unknown training state array"),
        ({"weights.foo": np.ones(1, np.float32)}, "unknown training state array"),
        ({"optimizer.generator.m.nope": np.ones(1, np.float32)}, "unknown training state"),
        (
            {"optimizer.generator.m.generator.output.kernel": np.ones((3, 4), np.float32)},
            r"shape \(3, 4\)",
        ),
        (
            {"optimizer.generator.v.generator.output.kernel": np.full((4, 3), np.nan, np.float32)},
            "finite float32",
        ),
        ({"optimizer.generator.step": np.array(1.5)}, "count"),
        ({"optimizer.generator.step": np.array(-1)}, "count"),
        ({"random.torch-cpu": np.ones(3, np.float32)}, "1-D integer"),
    ],
)
def test_invalid_state_names_the_problem(changes, message):
    with pytest.raises(ModelFileError, match=message):
        validate_training_state(SPEC, _state(**changes), SHAPES)


def test_moments_without_a_step_count_are_refused():
    state = _state()
    del state["optimizer.generator.step"]
    with pytest.raises(ModelFileError, match="no step count"):
        validate_training_state(SPEC, state, SHAPES)


def test_numpy_generator_state_round_trips_through_json():
    rng = np.random.default_rng(123)
    rng.random(5)
    rng.integers(0, 10, 3, dtype=np.uint32)  # leaves a buffered 32-bit half
    document = json.loads(json.dumps(rng_to_json(rng)))
    copy = rng_from_json(document)
    np.testing.assert_array_equal(copy.random(100), rng.random(100))
    np.testing.assert_array_equal(copy.integers(0, 1000, 9, dtype=np.uint32),
                                  rng.integers(0, 1000, 9, dtype=np.uint32))  # fmt: skip


@pytest.mark.parametrize(
    "document",
    [{}, {"bit_generator": "MT19937"}, {"bit_generator": "PCG64", "state": "x", "inc": "1"}],
)
def test_a_bad_generator_state_is_a_model_file_error(document):
    with pytest.raises(ModelFileError, match="random generator state"):
        rng_from_json(document)
