"""Genesis: learn a real table or time series and generate synthetic data like it.

Example:
    >>> from genesis import SyntheticGenerator
    >>> gen = SyntheticGenerator(method="ctgan")  # doctest: +SKIP
    >>> gen.fit(df).sample(1000)  # doctest: +SKIP

Importing this package loads neither torch nor tensorflow, probes no device and
discovers no plugin; all of that happens when it is first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genesis._version import __version__
from genesis.backends.info import BackendType
from genesis.config import GeneratorConfig
from genesis.errors import GenesisError
from genesis.markers import hookimpl
from genesis.models.spec import CTGANParams, TVAEParams
from genesis.models.timegan import TimeGANParams

if TYPE_CHECKING:
    from genesis.generator import SyntheticGenerator

__all__ = [
    "BackendType",
    "CTGANParams",
    "GeneratorConfig",
    "GenesisError",
    "SyntheticGenerator",
    "TVAEParams",
    "TimeGANParams",
    "__version__",
    "hookimpl",
]


def __getattr__(name: str) -> Any:
    # SyntheticGenerator pulls in pandas; load it on first use, not on `import genesis`.
    if name == "SyntheticGenerator":
        from genesis.generator import SyntheticGenerator

        return SyntheticGenerator
    raise AttributeError(f"module 'genesis' has no attribute {name!r}")
