"""The testkit plugin's own behaviour, driven through pytester."""

import pytest


def test_does_nothing_without_the_option(pytester: pytest.Pytester):
    pytester.makepyfile(test_own="def test_a():\n    assert True\n")
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*check_conformance*")
    result.stdout.no_fnmatch_line("*genesis conformance suite*")


def test_option_runs_the_suite_alone(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--genesis-backend=torch", "-v")
    result.stdout.fnmatch_lines(["*genesis conformance suite: backend=torch*",
                                 "*check_conformance.py::TestConformance::test_describes_itself PASSED*"])
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 15
    assert outcomes.get("failed", 0) == 0 and outcomes.get("error", 0) == 0


def test_option_with_explicit_paths_adds_the_suite(pytester: pytest.Pytester):
    pytester.makepyfile(test_own="def test_a():\n    assert True\n")
    result = pytester.runpytest_subprocess("test_own.py", "--genesis-backend=tensorflow", "-v")
    result.stdout.fnmatch_lines(["*test_own.py::test_a PASSED*", "*TestConformance*PASSED*"])
    assert result.ret == 0


def test_unknown_backend_fails_loudly_not_skips(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--genesis-backend=nope")
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) == 0
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) > 0
    result.stdout.fnmatch_lines(["*backend 'nope' is not usable*Unknown backend 'nope'*"])


def test_unsupported_method_asserts_the_documented_error(pytester: pytest.Pytester):
    """A backend without 'timegan' gets a passing test that checked the error."""
    pytester.makepyfile(
        test_cap="""
from genesis_testkit import requires_capability

CALLED = []

class TestCap:
    @requires_capability("timegan")
    def test_timegan(self, genesis_backend):
        CALLED.append(1)
        raise AssertionError("body must not run on a backend without timegan")

def test_body_did_not_run():
    assert CALLED == []
"""
    )
    result = pytester.runpytest_subprocess("test_cap.py", "--genesis-backend=torch", "-k", "TestCap or body")
    result.assert_outcomes(passed=2)


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
    pass
"""
    )
    result = pytester.runpytest_subprocess("-q")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 15 and outcomes.get("failed", 0) == 0


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
