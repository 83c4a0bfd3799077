"""Fixtures for the testkit's own tests."""

pytest_plugins = ["pytester"]
