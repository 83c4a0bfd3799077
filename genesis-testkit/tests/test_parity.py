"""The parity tests: which backend they compare with, when they skip, that they can fail."""

import pytest

#: A conftest whose registry holds torch and a torch-backed plugin named ``frozen`` that
#: trains one step per model and then never again, and whose raw output is off by 0.05.
FROZEN_CONFTEST = """
import numpy as np
import pytest
from genesis import hookimpl
from genesis.backends import BackendInfo, discover_backends
from genesis_torch import model_hooks as torch_hooks

TRAINED = {}

class Frozen:
    @hookimpl
    def genesis_backend_info(self):
        return BackendInfo(name="frozen", priority=50, available=True, install_command="-",
                           capabilities=frozenset({"tvae"}), framework="torch")

    @hookimpl
    def genesis_query_devices(self):
        return ["cpu"]

    @hookimpl
    def genesis_build_model(self, spec, options):
        return torch_hooks.genesis_build_model(spec=spec, options=options)

    @hookimpl
    def genesis_train_step(self, model, batch):
        if id(model) not in TRAINED:
            TRAINED[id(model)] = torch_hooks.genesis_train_step(model=model, batch=batch)
        return TRAINED[id(model)]

    @hookimpl
    def genesis_generate(self, model, noise, cond):
        raw = torch_hooks.genesis_generate(model=model, noise=noise, cond=cond, precision="float32")
        return raw + np.float32(0.05)

    @hookimpl
    def genesis_get_weights(self, model):
        return torch_hooks.genesis_get_weights(model=model)

    @hookimpl
    def genesis_set_weights(self, model, weights):
        return torch_hooks.genesis_set_weights(model=model, weights=weights)

@pytest.fixture(scope="session")
def genesis_backend_name():
    return "frozen"

@pytest.fixture(scope="session")
def genesis_registry():
    registry = discover_backends()
    registry.add_plugin(Frozen(), name="frozen")
    return registry
"""

PARITY_ONLY = """
from genesis_testkit.suite import ParityTests

class TestParity(ParityTests):
    pass
"""


@pytest.mark.parametrize(
    ("under_test", "expected"),
    [("tensorflow", "torch"), ("torch", "tensorflow"), ("TF", "torch")],
)
def test_reference_is_torch_unless_torch_is_under_test(
    pytester: pytest.Pytester, under_test: str, expected: str
):
    pytester.makeconftest(
        f"""
import pytest

@pytest.fixture(scope="session")
def genesis_backend_name():
    return {under_test!r}
"""
    )
    pytester.makepyfile(
        test_ref=f"""
import pytest

@pytest.mark.parametrize("method", ["ctgan", "tvae", "timegan"])
def test_reference(genesis_reference_backend_name, method):
    assert genesis_reference_backend_name == {expected!r}
"""
    )
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=3)


def test_parity_skips_with_a_reason_only_without_a_second_backend(pytester: pytest.Pytester):
    pytester.makeconftest(
        """
import pytest
import genesis_torch.plugin
from genesis.backends import discover_backends

@pytest.fixture(scope="session")
def genesis_backend_name():
    return "torch"

@pytest.fixture(scope="session")
def genesis_registry():
    registry = discover_backends(entry_points=False)
    registry.add_plugin(genesis_torch.plugin, name="torch")
    return registry
"""
    )
    pytester.makepyfile(test_parity=PARITY_ONLY)
    result = pytester.runpytest_subprocess("-rs")
    result.assert_outcomes(skipped=8)
    result.stdout.fnmatch_lines(
        ["*needs a second installed backend that declares it, besides 'torch'*"]
    )


def test_a_backend_that_does_not_learn_fails_parity(pytester: pytest.Pytester):
    """Frozen training fails the score comparison; the offset output fails both file tests."""
    pytester.makeconftest(FROZEN_CONFTEST)
    pytester.makepyfile(test_parity=PARITY_ONLY)
    result = pytester.runpytest_subprocess("-k", "tvae", "-W", "ignore::UserWarning")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        ["*tvae column-shape score on 'frozen' is *, on the reference 'torch' *more than 0.02*"]
    )
