"""Method tests: run where the backend declares the method, assert the error where not."""

from __future__ import annotations

from genesis import SyntheticGenerator
from genesis_testkit.capabilities import requires_capability, tiny_table


class TabularMethodTests:
    """CTGAN and TVAE: fit and sample a small table."""

    @requires_capability("ctgan")
    def test_ctgan_fit_sample_shapes(self, genesis_backend):
        df = tiny_table()
        gen = SyntheticGenerator(method="ctgan", backend=genesis_backend.name, epochs=1,
                                 batch_size=20, seed=0, verbose=False)
        out = gen.fit(df).sample(25)
        assert list(out.columns) == list(df.columns)
        assert len(out) == 25

    @requires_capability("tvae")
    def test_tvae_fit_sample_shapes(self, genesis_backend):
        df = tiny_table()
        gen = SyntheticGenerator(method="tvae", backend=genesis_backend.name, epochs=1,
                                 batch_size=20, seed=0, verbose=False)
        out = gen.fit(df).sample(25)
        assert list(out.columns) == list(df.columns)
        assert len(out) == 25
