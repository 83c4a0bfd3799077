"""The testkit plugin's own behaviour, driven through pytester."""

import pytest


def test_does_nothing_without_the_option(pytester: pytest.Pytester):
    pytester.makepyfile(test_own="def test_a():\n    assert True\n")
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*check_conformance*")
    result.stdout.no_fnmatch_line("*genesis conformance suite*")


#: The slice of the suite these tests run: the plugin's collection is under test here;
#: the whole suite runs once per backend in the README's test command.
QUICK_SLICE = "describes_itself or selected_by or cpu_always"

#: Tests of each part of the suite (selection, methods, TimeGAN, parity).
SUITE_TESTS = (
    "test_describes_itself",
    "test_fit_sample_columns_and_dtypes[ctgan]",
    "test_timegan_save_load_round_trip",
    "test_column_shape_scores_match_the_reference[tvae]",
)


def test_option_collects_the_whole_suite_alone(pytester: pytest.Pytester):
    pytester.makepyfile(test_own="def test_a():\n    assert True\n")
    result = pytester.runpytest_subprocess("--genesis-backend=torch", "--collect-only", "-q")
    collected = {
        line.rpartition("::TestConformance::")[2]
        for line in result.stdout.lines
        if "check_conformance.py::TestConformance::" in line
    }
    assert set(SUITE_TESTS) <= collected, sorted(collected)
    assert len(collected) >= 40, sorted(collected)
    result.stdout.no_fnmatch_line("*test_own.py*")


def test_option_runs_the_suite_alone(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--genesis-backend=torch", "-v", "-k", QUICK_SLICE)
    result.stdout.fnmatch_lines(
        [
            "*genesis conformance suite: backend=torch*",
            "*check_conformance.py::TestConformance::test_describes_itself PASSED*",
        ]
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 5
    assert outcomes.get("failed", 0) == 0 and outcomes.get("error", 0) == 0


def test_option_with_explicit_paths_adds_the_suite(pytester: pytest.Pytester):
    pytester.makepyfile(test_own="def test_a():\n    assert True\n")
    result = pytester.runpytest_subprocess(
        "test_own.py", "--genesis-backend=tensorflow", "-v", "-k", f"test_a or {QUICK_SLICE}"
    )
    result.stdout.fnmatch_lines(["*test_own.py::test_a PASSED*", "*TestConformance*PASSED*"])
    assert result.ret == 0


def test_device_option_runs_the_suite_on_that_device(pytester: pytest.Pytester):
    # What the fits see: GENESIS_DEVICE is set for the session, and "auto" follows it.
    pytester.makepyfile(
        test_env="""
import os
from genesis.backends import get_device

def test_env():
    assert os.environ["GENESIS_DEVICE"] == "cpu"
    assert get_device("auto", backend="torch") == "cpu"
"""
    )
    result = pytester.runpytest_subprocess(
        "test_env.py",
        "--genesis-backend=torch",
        "--genesis-device=cpu",
        "-v",
        "-k",
        "test_env or auto_picks or fit_sample_columns_and_dtypes",
    )
    result.stdout.fnmatch_lines(["*genesis conformance suite: backend=torch, device=cpu*"])
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 4, result.stdout.str()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("error", 0) == 0


def test_an_absent_device_fails_the_fits_with_the_reason(pytester: pytest.Pytester):
    import torch

    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    result = pytester.runpytest_subprocess(
        "--genesis-backend=torch", "--genesis-device=cuda", "-k", "auto_picks"
    )
    result.stdout.fnmatch_lines(["*DeviceNotAvailableError*GENESIS_DEVICE='cuda'*"])
    assert result.ret != 0


def test_unknown_backend_fails_loudly_not_skips(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--genesis-backend=nope")
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) == 0
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) > 0
    result.stdout.fnmatch_lines(["*backend 'nope' is not usable*Unknown backend 'nope'*"])


def test_unsupported_method_asserts_the_documented_error(pytester: pytest.Pytester):
    """A backend that declares nothing gets passing tests that checked the error."""
    pytester.makeconftest(
        """
import pytest
from genesis import hookimpl
from genesis.backends import BackendInfo, discover_backends

class Bare:
    @hookimpl
    def genesis_backend_info(self):
        return BackendInfo(name="bare", priority=1, available=True,
                           install_command="pip install genesis-bare", framework="none")

@pytest.fixture(scope="session")
def genesis_backend_name():
    return "bare"

@pytest.fixture(scope="session")
def genesis_registry():
    registry = discover_backends(entry_points=False)
    registry.add_plugin(Bare(), name="bare")
    return registry
"""
    )
    pytester.makepyfile(
        test_cap="""
import pytest
from genesis_testkit import requires_capability

CALLED = []

class TestCap:
    @pytest.mark.parametrize("method", ["ctgan", "tvae", "timegan"])
    @requires_capability("{method}")
    def test_method(self, genesis_backend, method):
        CALLED.append(method)
        raise AssertionError("body must not run on a backend without the capability")

def test_body_did_not_run():
    assert CALLED == []
"""
    )
    result = pytester.runpytest_subprocess("test_cap.py", "-v")
    result.assert_outcomes(passed=4)


def test_third_party_subclass_with_fixture_override(pytester: pytest.Pytester):
    pytester.makeconftest(
        """
import pytest

@pytest.fixture(scope="session")
def genesis_backend_name():
    return "tensorflow"
"""
    )
    pytester.makepyfile(
        test_mine="""
from genesis_testkit.suite import ConformanceSuite

class TestMyBackend(ConformanceSuite):
    def test_backend_is_the_override(self, genesis_backend):
        assert genesis_backend.name == "tensorflow"
"""
    )
    result = pytester.runpytest_subprocess("-v", "-k", f"is_the_override or {QUICK_SLICE}")
    result.stdout.fnmatch_lines(
        [
            "*TestMyBackend::test_describes_itself PASSED*",
            "*TestMyBackend::test_backend_is_the_override PASSED*",
        ]
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 5 and outcomes.get("failed", 0) == 0


def test_fixture_without_option_fails_with_usage_message(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_mine="""
from genesis_testkit.suite import DeviceTests

class TestDevices(DeviceTests):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-q")
    result.stdout.fnmatch_lines(["*--genesis-backend=NAME*"])
    assert result.ret != 0
