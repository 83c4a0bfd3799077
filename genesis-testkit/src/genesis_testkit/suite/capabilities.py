"""Capabilities: declared as data, and an undeclared method fails predictably."""

from __future__ import annotations

import pytest

from genesis import SyntheticGenerator
from genesis.config import METHODS
from genesis.errors import MethodNotSupportedError
from genesis_testkit.capabilities import tiny_table


class CapabilityTests:
    """What a backend does not declare, it refuses with the documented error."""

    @pytest.mark.parametrize("method", METHODS)
    def test_undeclared_method_raises_documented_error(self, genesis_backend, method):
        if genesis_backend.supports(method):
            return  # exercised by the method's own tests
        gen = SyntheticGenerator(method=method, backend=genesis_backend.name, verbose=False)
        with pytest.raises(MethodNotSupportedError, match=genesis_backend.name) as err:
            gen.fit(tiny_table())
        assert isinstance(err.value, NotImplementedError)
        assert method in str(err.value)
