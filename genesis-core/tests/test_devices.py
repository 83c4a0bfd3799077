import pytest
from core_helpers import FakeBackendPlugin

from genesis.backends import DeviceNotAvailableError, get_device
from genesis.errors import ConfigurationError


def test_auto_prefers_cuda_then_mps_then_cpu(make_registry, no_env):
    assert (
        get_device(
            "auto", registry=make_registry(FakeBackendPlugin("g", 1, devices=["cpu", "cuda"]))
        )
        == "cuda"
    )
    assert (
        get_device(
            "auto", registry=make_registry(FakeBackendPlugin("m", 1, devices=["mps", "cpu"]))
        )
        == "mps"
    )
    assert (
        get_device("auto", registry=make_registry(FakeBackendPlugin("c", 1, devices=["cpu"])))
        == "cpu"
    )


def test_explicit_present_and_absent(make_registry, no_env):
    registry = make_registry(FakeBackendPlugin("g", 1, devices=["cuda", "cpu"]))
    assert get_device("cuda", registry=registry) == "cuda"
    assert get_device("CUDA:1", registry=registry) == "cuda:1"
    with pytest.raises(DeviceNotAvailableError, match=r"'mps' was requested.*sees only: cuda, cpu"):
        get_device("mps", registry=registry)


def test_unknown_device_kind(make_registry, no_env):
    with pytest.raises(ConfigurationError, match="Unknown device 'tpu'"):
        get_device("tpu", registry=make_registry(FakeBackendPlugin("c", 1)))


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_real_backends_resolve_auto(backend, no_env):
    device = get_device("auto", backend=backend)
    assert device in {"cuda", "mps", "cpu"}
    assert get_device("cpu", backend=backend) == "cpu"


def test_real_torch_matches_torch_itself(no_env):
    import torch

    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device("auto") == expected
    if not torch.cuda.is_available():
        with pytest.raises(DeviceNotAvailableError, match="'cuda' was requested"):
            get_device("cuda")


def test_genesis_device_picks_the_device_for_auto(make_registry, no_env, monkeypatch):
    registry = make_registry(FakeBackendPlugin("g", 1, devices=["cuda", "mps", "cpu"]))
    monkeypatch.setenv("GENESIS_DEVICE", "cpu")
    assert get_device("auto", registry=registry) == "cpu"
    monkeypatch.setenv("GENESIS_DEVICE", " MPS ")
    assert get_device("auto", registry=registry) == "mps"
    assert get_device("cuda:1", registry=registry) == "cuda:1"  # an explicit choice wins
    monkeypatch.setenv("GENESIS_DEVICE", "auto")
    assert get_device("auto", registry=registry) == "cuda"


def test_genesis_device_errors_name_the_variable(make_registry, no_env, monkeypatch):
    registry = make_registry(FakeBackendPlugin("c", 1, devices=["cpu"]))
    monkeypatch.setenv("GENESIS_DEVICE", "cuda")
    with pytest.raises(DeviceNotAvailableError, match=r"GENESIS_DEVICE='cuda'.*sees only: cpu"):
        get_device("auto", registry=registry)
    monkeypatch.setenv("GENESIS_DEVICE", "tpu")
    with pytest.raises(ConfigurationError, match=r"GENESIS_DEVICE='tpu'.*Unknown device"):
        get_device(registry=registry)


def test_a_fit_follows_genesis_device(no_env, monkeypatch):
    import pandas as pd
    import torch

    from genesis import SyntheticGenerator

    table = pd.DataFrame({"x": [float(i % 7) for i in range(60)], "c": ["a", "b", "c"] * 20})
    monkeypatch.setenv("GENESIS_DEVICE", "cpu")
    gen = SyntheticGenerator(method="tvae", backend="torch", epochs=1, verbose=False)
    assert len(gen.fit(table).sample(5)) == 5
    if not torch.cuda.is_available():
        monkeypatch.setenv("GENESIS_DEVICE", "cuda")
        gen = SyntheticGenerator(method="tvae", backend="torch", epochs=1, verbose=False)
        with pytest.raises(DeviceNotAvailableError, match="GENESIS_DEVICE='cuda'"):
            gen.fit(table)
