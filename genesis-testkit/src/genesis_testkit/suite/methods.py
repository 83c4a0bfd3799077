"""Method tests for CTGAN and TVAE: run where the backend declares the method,
assert the documented error where it does not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.backends import Backend, precision_capability
from genesis.errors import (
    ConfigurationError,
    DataValidationError,
    GenesisError,
    MethodNotSupportedError,
    ModelFileError,
    UnknownColumnError,
    UnknownValueError,
)
from genesis.io.model_file import read_model_file
from genesis_testkit.capabilities import requires_capability, tiny_table

TABULAR = ["ctgan", "tvae"]
each_method = pytest.mark.parametrize("method", TABULAR)


def _small(method: str, backend: str | Backend, **options: Any) -> SyntheticGenerator:
    settings: dict[str, Any] = {"epochs": 2, "batch_size": 40, "seed": 0, "verbose": False}
    settings.update(options)
    return SyntheticGenerator(method=method, backend=backend, **settings)


class TabularMethodTests:
    """CTGAN and TVAE on a small mixed table."""

    @each_method
    @requires_capability("{method}")
    def test_fit_sample_columns_and_dtypes(self, genesis_backend, method):
        df = tiny_table()
        out = _small(method, genesis_backend.name).fit(df).sample(123)
        assert list(out.columns) == list(df.columns) and len(out) == 123
        assert out.dtypes.equals(df.dtypes), (out.dtypes, df.dtypes)
        assert set(out["city"]) <= set(df["city"])
        assert set(out["plan"].cat.categories) == set(df["plan"].cat.categories)
        assert out["member"].dtype == bool
        assert out["age"].between(df["age"].min(), df["age"].max()).all()

    @each_method
    @requires_capability("{method}")
    def test_loss_history_one_row_per_epoch(self, genesis_backend, method):
        gen = _small(method, genesis_backend.name, epochs=3).fit(tiny_table())
        history = gen.loss_history
        assert list(history["epoch"]) == [1, 2, 3]
        assert np.isfinite(history.drop(columns="epoch").to_numpy()).all()

    @each_method
    @requires_capability("{method}")
    def test_conditions_hold_for_every_discrete_column(self, genesis_backend, method):
        df = tiny_table()
        gen = _small(method, genesis_backend.name, epochs=30).fit(df)
        for column in ["city", "member", "plan"]:
            values = df[column].unique() if method == "ctgan" else [df[column].mode()[0]]
            for value in values:
                out = gen.sample(40, conditions={column: value})
                assert len(out) == 40
                assert (out[column] == value).all(), (column, value, out[column].value_counts())

    @each_method
    @requires_capability("{method}")
    def test_unknown_condition_column_or_value(self, genesis_backend, method):
        gen = _small(method, genesis_backend.name).fit(tiny_table())
        with pytest.raises(UnknownColumnError, match="nope"):
            gen.sample(5, conditions={"nope": 1})
        with pytest.raises(UnknownColumnError, match="continuous"):
            gen.sample(5, conditions={"income": 1.0})
        with pytest.raises(UnknownValueError, match="Madrid"):
            gen.sample(5, conditions={"city": "Madrid"})

    @each_method
    @requires_capability("{method}")
    def test_seed_makes_fit_and_samples_repeat(self, genesis_backend, method):
        df = tiny_table()
        a = _small(method, genesis_backend.name, seed=7).fit(df)
        b = _small(method, genesis_backend.name, seed=7).fit(df)
        pd.testing.assert_frame_equal(a.loss_history, b.loss_history)
        pd.testing.assert_frame_equal(a.sample(200), b.sample(200))
        c = _small(method, genesis_backend.name, seed=8).fit(df)
        assert not a.sample(200, seed=1).equals(c.sample(200, seed=1))

    @each_method
    @requires_capability("{method}")
    def test_save_load_round_trip(self, genesis_backend, method, tmp_path):
        gen = _small(method, genesis_backend.name).fit(tiny_table(missing=True))
        path = gen.save(tmp_path / "model.genesis")
        loaded = SyntheticGenerator.load(path, backend=genesis_backend.name, verbose=False)
        pd.testing.assert_frame_equal(loaded.sample(150, seed=3), gen.sample(150, seed=3))
        pd.testing.assert_frame_equal(loaded.loss_history, gen.loss_history)
        loaded.fit(tiny_table(missing=True), epochs=1, resume=True)
        assert list(loaded.loss_history["epoch"]) == [1, 2, 3]

    @each_method
    @requires_capability("{method}")
    def test_resume_after_load_continues_the_run_exactly(self, genesis_backend, method, tmp_path):
        """With a training state (an optional hook), 1 epoch + save + load + 1 epoch
        gives the weights of 2 epochs; without one, the file says so and training goes on."""
        df = tiny_table(missing=True)
        whole = _small(method, genesis_backend.name, epochs=2).fit(df)
        half = _small(method, genesis_backend.name, epochs=1).fit(df)
        keeps_state = genesis_backend.get_training_state(half._fitted.model) is not None
        path = half.save(tmp_path / "half.genesis")
        loaded = SyntheticGenerator.load(path, backend=genesis_backend.name, verbose=False)
        loaded.fit(df, epochs=1, resume=True)
        half.fit(df, epochs=1, resume=True)  # in memory, the same holds
        assert list(loaded.loss_history["epoch"]) == [1, 2]
        if not keeps_state:  # documented: no optimizer state saved, a resumed fit restarts it
            assert not read_model_file(path).training_state
            return
        assert read_model_file(path).training_state, "the file holds no training state"
        expected = genesis_backend.get_weights(whole._fitted.model)
        for gen in (loaded, half):
            got = genesis_backend.get_weights(gen._fitted.model)
            for name, array in expected.items():
                np.testing.assert_array_equal(got[name], array, err_msg=name)
            pd.testing.assert_frame_equal(gen.loss_history, whole.loss_history)

        # Without its training state the file is smaller and a resumed fit starts its
        # optimizers afresh: the weights then differ from the uninterrupted run's.
        lean = _small(method, genesis_backend.name, epochs=1).fit(df)
        lean_path = lean.save(tmp_path / "lean.genesis", training_state=False)
        assert lean_path.stat().st_size < path.stat().st_size
        assert not read_model_file(lean_path).training_state
        restarted = SyntheticGenerator.load(lean_path, backend=genesis_backend.name, verbose=False)
        restarted.fit(df, epochs=1, resume=True)
        got = genesis_backend.get_weights(restarted._fitted.model)
        assert any(not np.array_equal(got[k], expected[k]) for k in expected)

    @each_method
    @requires_capability("{method}")
    def test_a_fit_interrupted_after_a_checkpoint_resumes_exactly(
        self, genesis_backend, method, tmp_path
    ):
        df = tiny_table()
        whole = _small(method, genesis_backend.name, epochs=4).fit(df)
        path = tmp_path / "checkpoint.genesis"

        def crash(result):
            if result.epoch == 3:
                raise KeyboardInterrupt  # the process stopped during epoch 4's step

        with pytest.raises(KeyboardInterrupt):
            _small(method, genesis_backend.name, epochs=4).fit(
                df, checkpoint=path, checkpoint_every=2, callbacks=[crash]
            )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.genesis"]
        loaded = SyntheticGenerator.load(path, backend=genesis_backend.name, verbose=False)
        assert list(loaded.loss_history["epoch"]) == [1, 2]  # the last checkpoint: epoch 2
        assert loaded.epochs_done == 2
        with pytest.raises(ConfigurationError, match="epochs_done"):
            _ = loaded.iterations_done
        loaded.fit(df, epochs=2, resume=True, checkpoint=path)
        pd.testing.assert_frame_equal(loaded.loss_history, whole.loss_history)
        if genesis_backend.get_training_state(loaded._fitted.model) is not None:
            expected = genesis_backend.get_weights(whole._fitted.model)
            got = genesis_backend.get_weights(loaded._fitted.model)
            for name, array in expected.items():
                np.testing.assert_array_equal(got[name], array, err_msg=name)
        final = SyntheticGenerator.load(path, backend=genesis_backend.name, verbose=False)
        assert list(final.loss_history["epoch"]) == [1, 2, 3, 4]  # saved at the fit's end
        stopped = tmp_path / "stopped.genesis"
        _small(method, genesis_backend.name, epochs=4).fit(
            df, checkpoint=stopped, checkpoint_every=2, callbacks=[lambda r: r.epoch == 3]
        )
        assert read_model_file(stopped).document["history"][-1]["epoch"] == 3  # stopped early
        with pytest.raises(ConfigurationError, match="checkpoint_every"):
            _small(method, genesis_backend.name).fit(df, checkpoint=path, checkpoint_every=0)
        with pytest.raises(ConfigurationError, match="checkpoint=PATH"):
            _small(method, genesis_backend.name).fit(df, checkpoint_every=3)
        with pytest.raises(ConfigurationError, match="is a directory"):
            _small(method, genesis_backend.name).fit(df, checkpoint=tmp_path)

    @each_method
    @requires_capability("{method}")
    def test_tampered_model_file_is_refused(self, genesis_backend, method, tmp_path):
        path = _small(method, genesis_backend.name).fit(tiny_table()).save(tmp_path / "m.genesis")
        raw = bytearray(path.read_bytes())
        raw[-5] ^= 0xFF  # flip bits inside the last weight
        path.write_bytes(bytes(raw))
        with pytest.raises(ModelFileError, match="checksum"):
            SyntheticGenerator.load(path, backend=genesis_backend.name)

    @each_method
    @requires_capability("{method}")
    def test_bad_input_is_a_clear_error(self, genesis_backend, method):
        gen = _small(method, genesis_backend.name)
        df = tiny_table()
        with pytest.raises(DataValidationError, match=r"empty|no rows"):
            gen.fit(df.iloc[:0])
        with pytest.raises(DataValidationError, match=r"one row|1 row|2 rows|at least"):
            gen.fit(df.iloc[:1])
        with pytest.raises(DataValidationError, match="income"):
            gen.fit(df.assign(income=np.nan))
        with pytest.raises(DataValidationError, match=r"city.*mixes value types"):
            gen.fit(df.assign(city=["a", 1] * (len(df) // 2)))
        with pytest.raises(DataValidationError):
            gen.fit(df.to_numpy())
        fitted = gen.fit(df)
        for n in (0, -3, 2.5):
            with pytest.raises(ConfigurationError, match="positive integer"):
                fitted.sample(n)
        assert issubclass(DataValidationError, GenesisError)

    @each_method
    @requires_capability("{method}")
    def test_constant_column_and_missing_values_are_learned(self, genesis_backend, method):
        df = tiny_table(missing=True).assign(const=5.0)
        out = _small(method, genesis_backend.name).fit(df).sample(300)
        assert (out["const"] == 5.0).all()
        assert out["income"].dtype == df["income"].dtype
        gen_city_missing = out["city"].isna().mean()
        assert 0.0 <= gen_city_missing < 1.0
        assert set(out["city"].dropna()) <= {"Lisbon", "Porto", "Faro"}

    @each_method
    @requires_capability("{method}")
    def test_mixed_precision_trains_or_raises_the_documented_error(self, genesis_backend, method):
        """``precision="bfloat16"``: trained, seeded and distinct from float32 where the
        backend declares ``precision:bfloat16``; the documented error where it does not."""
        df = tiny_table()
        mixed = _small(method, genesis_backend.name, precision="bfloat16")
        if not genesis_backend.supports(precision_capability("bfloat16")):
            with pytest.raises(MethodNotSupportedError, match="precision"):
                mixed.fit(df)
            assert not mixed.is_fitted
            return
        out = mixed.fit(df).sample(200, seed=1)
        assert list(out.columns) == list(df.columns) and out.dtypes.equals(df.dtypes)
        assert np.isfinite(mixed.loss_history.drop(columns="epoch").to_numpy()).all()
        again = _small(method, genesis_backend.name, precision="bfloat16").fit(df)
        pd.testing.assert_frame_equal(again.sample(200, seed=1), out)
        full = _small(method, genesis_backend.name).fit(df)
        assert not full.sample(200, seed=1).equals(out), "bfloat16 trained exactly as float32"

    @each_method
    @requires_capability("{method}")
    def test_bfloat16_sampling_is_close_to_float32_or_raises_the_documented_error(
        self, genesis_backend, method
    ):
        """``sample(precision="bfloat16")``: nearly the float32 rows where the backend
        declares ``precision:bfloat16``; the documented error where it does not."""
        df = tiny_table()
        gen = _small(method, genesis_backend.name).fit(df)
        if not genesis_backend.supports(precision_capability("bfloat16")):
            with pytest.raises(MethodNotSupportedError, match="precision"):
                gen.sample(10, precision="bfloat16")
            return
        full = gen.sample(2000, seed=1)
        half = gen.sample(2000, seed=1, precision="bfloat16")
        assert list(half.columns) == list(df.columns) and half.dtypes.equals(df.dtypes)
        # The same noise through a network rounded to bfloat16: almost every category
        # drawn is the same, and numbers move by a small fraction of their spread.
        assert (half["city"] == full["city"]).mean() > 0.95
        spread = float(df["income"].std())
        moved = (half["income"] - full["income"]).abs().median()
        assert moved < 0.05 * spread, (moved, spread)
        with pytest.raises(ConfigurationError, match="precision must be one of"):
            gen.sample(5, precision="float16")
