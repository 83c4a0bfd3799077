"""Gate a conformance test on a backend capability, without silent skips."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from genesis.errors import MethodNotSupportedError

__all__ = ["requires_capability", "tiny_table"]


def tiny_table(rows: int = 80, *, seed: int = 0, missing: bool = False):
    """A small mixed table (floats, integers, categories, booleans) for fast tests.

    With ``missing=True`` about 20% of ``income`` and of ``city`` are missing.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 80, rows),
            "income": rng.normal(50_000, 12_000, rows).round(2),
            "city": rng.choice(["Lisbon", "Porto", "Faro"], rows, p=[0.6, 0.3, 0.1]),
            "member": rng.random(rows) < 0.3,
            "plan": pd.Categorical(rng.choice(["basic", "pro"], rows, p=[0.7, 0.3])),
        }
    )
    if missing:
        df.loc[rng.random(rows) < 0.2, "income"] = np.nan
        df["city"] = df["city"].astype(object)
        df.loc[rng.random(rows) < 0.2, "city"] = None
    return df


def requires_capability(capability: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the test only if the backend declares ``capability``; otherwise assert the error.

    The decorated test must take the ``genesis_backend`` fixture. When the
    backend does not declare the capability, the test body is replaced by a
    check that fitting that method raises :class:`MethodNotSupportedError` whose
    message names the backend: unsupported means failing predictably.
    """

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        params = inspect.signature(test).parameters
        if "genesis_backend" not in params:
            raise TypeError(f"{test.__name__} must take the genesis_backend fixture")

        @functools.wraps(test)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            backend = kwargs["genesis_backend"]
            method = kwargs.get("method", capability)
            needed = capability if capability != "{method}" else method
            if backend.supports(needed):
                return test(*args, **kwargs)
            from genesis import SyntheticGenerator

            gen = SyntheticGenerator(method=needed, backend=backend, verbose=False)
            with pytest.raises(MethodNotSupportedError, match=backend.name):
                gen.fit(tiny_table())
            return None

        wrapper.__signature__ = inspect.signature(test)  # type: ignore[attr-defined]
        return pytest.mark.genesis_capability(capability)(wrapper)

    return decorate
