import pandas as pd
import pytest
from core_helpers import FakeBackendPlugin


def test_promised_names_import():
    from genesis import BackendType, GeneratorConfig, SyntheticGenerator, hookimpl  # noqa: F401
    from genesis.backends import (  # noqa: F401
        BackendNotAvailableError,
        check_pytorch_available,
        check_tensorflow_available,
        get_device,
        select_backend,
    )

    assert BackendType.PYTORCH.value == "torch"
    assert BackendType.TENSORFLOW.value == "tensorflow"
    assert BackendType("auto") is BackendType.AUTO


def test_availability_checks_reflect_this_environment():
    from genesis.backends import check_pytorch_available, check_tensorflow_available

    assert check_pytorch_available() is True
    assert check_tensorflow_available() is True


def test_fit_refuses_an_undeclared_method_through_capabilities(make_registry, no_env):
    from genesis import SyntheticGenerator
    from genesis.errors import MethodNotSupportedError

    registry = make_registry(FakeBackendPlugin("bare", 10))
    gen = SyntheticGenerator(method="ctgan", registry=registry)
    with pytest.raises(
        MethodNotSupportedError, match="'ctgan' is not implemented for the 'bare' backend"
    ):
        gen.fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))


def test_unknown_method_and_option_are_clear(no_env):
    from genesis import GeneratorConfig, SyntheticGenerator
    from genesis.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"Unknown method 'gan'.*ctgan, tvae, timegan"):
        SyntheticGenerator(method="gan")
    with pytest.raises(ConfigurationError, match=r"Unknown option.*epochz"):
        SyntheticGenerator(method="ctgan", epochz=3)
    with pytest.raises(ConfigurationError, match="epochs must be a positive integer"):
        GeneratorConfig(epochs=0)


def test_config_overrides_apply_to_method_params():
    from genesis import GeneratorConfig

    cfg = GeneratorConfig(method="tvae", epochs=7, batch_size=50)
    params = cfg.method_params()
    assert (params.epochs, params.batch_size) == (7, 50)
    assert GeneratorConfig().method_params().epochs == 300  # paper default


def test_sample_before_fit(make_registry, no_env):
    from genesis import SyntheticGenerator
    from genesis.errors import NotFittedError

    gen = SyntheticGenerator(method="ctgan", registry=make_registry(FakeBackendPlugin("bare", 10)))
    with pytest.raises(NotFittedError):
        gen.sample(10)


def test_precision_is_validated_and_checked_against_capabilities(make_registry, no_env):
    from genesis import GeneratorConfig, SyntheticGenerator
    from genesis.errors import ConfigurationError, MethodNotSupportedError

    assert GeneratorConfig().precision == "float32"
    assert GeneratorConfig(precision=" BFloat16 ").precision == "bfloat16"
    with pytest.raises(ConfigurationError, match=r"Unknown precision 'fp8'.*float32, bfloat16"):
        GeneratorConfig(precision="fp8")
    with pytest.raises(ConfigurationError, match="applies to ctgan and tvae"):
        GeneratorConfig(method="timegan", precision="bfloat16")

    registry = make_registry(FakeBackendPlugin("bare", 10, capabilities=frozenset({"ctgan"})))
    gen = SyntheticGenerator(method="ctgan", registry=registry, precision="bfloat16")
    with pytest.raises(MethodNotSupportedError, match="does not declare 'precision:bfloat16'"):
        gen.fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
