"""The conformance suite: mixin classes by concern, and one aggregate class.

A third party can run it with ``pytest --genesis-backend=NAME`` or subclass
:class:`ConformanceSuite` in its own tests (overriding ``genesis_backend_name``).
"""

from genesis_testkit.suite.capabilities import CapabilityTests
from genesis_testkit.suite.devices import DeviceTests
from genesis_testkit.suite.methods import TabularMethodTests
from genesis_testkit.suite.parity import ParityTests
from genesis_testkit.suite.selection import SelectionTests
from genesis_testkit.suite.timegan import TimeGANMethodTests

__all__ = [
    "CapabilityTests",
    "ConformanceSuite",
    "DeviceTests",
    "ParityTests",
    "SelectionTests",
    "TabularMethodTests",
    "TimeGANMethodTests",
]


class ConformanceSuite(
    SelectionTests,
    DeviceTests,
    CapabilityTests,
    TabularMethodTests,
    TimeGANMethodTests,
    ParityTests,
):
    """Every conformance test, for one backend (named by ``genesis_backend_name``)."""
