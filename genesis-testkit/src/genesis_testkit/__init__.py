"""The Genesis backend conformance suite, shipped as a pytest plugin.

Run it against any installed backend::

    pytest --genesis-backend=tensorflow

or subclass :class:`genesis_testkit.suite.ConformanceSuite` in your own tests
and override the ``genesis_backend_name`` fixture.
"""

from genesis_testkit.capabilities import requires_capability, tiny_table

__all__ = ["requires_capability", "tiny_table"]
