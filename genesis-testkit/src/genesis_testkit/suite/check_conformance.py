"""Collected by the testkit plugin under ``--genesis-backend=NAME``."""

from genesis_testkit.suite import ConformanceSuite


class TestConformance(ConformanceSuite):
    """The whole suite against the backend named on the command line."""
