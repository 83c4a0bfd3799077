"""TimeGAN tests: run where the backend declares ``"timegan"``, assert the documented
error where it does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.backends.info import RuntimeOptions
from genesis.errors import (
    ConfigurationError,
    DataValidationError,
    ModelFileError,
    UnknownColumnError,
)
from genesis.io.model_file import read_model_file
from genesis.io.serialize import spec_from_json
from genesis.models.timegan import TimeGANParams, numpy_generate
from genesis_testkit.capabilities import requires_capability

SEQ_LEN = 6


def _small(backend, **options):
    """A tiny, seeded TimeGAN on ``backend`` (a :class:`~genesis.backends.backend.Backend`)."""
    settings = {
        "seq_len": SEQ_LEN,
        "iterations": 3,
        "seed": 0,
        "verbose": False,
        "timegan": TimeGANParams(hidden_dim=6, num_layers=2, batch_size=16),
    }
    settings.update(options)
    return SyntheticGenerator(method="timegan", backend=backend, **settings)


def sine_array(n: int = 30, steps: int = SEQ_LEN, features: int = 3, seed: int = 0) -> np.ndarray:
    """``(n, steps, features)`` float64 sine waves in [0, 10]."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps)[None, :, None]
    freq = rng.uniform(0.1, 0.5, (n, 1, features))
    return 5.0 * (np.sin(freq * t + rng.uniform(0, 3, (n, 1, features))) + 1.0)


def long_frame(entities: int = 6, steps: int = 12, seed: int = 0) -> pd.DataFrame:
    """A long-format frame: id, day, a float, an int and a category, rows shuffled."""
    rng = np.random.default_rng(seed)
    n = entities * steps
    df = pd.DataFrame(
        {
            "id": np.repeat([f"e{i}" for i in range(entities)], steps),
            "day": np.tile(np.arange(steps), entities),
            "price": rng.normal(100.0, 5.0, n).round(2),
            "volume": rng.integers(0, 1000, n),
            "state": pd.Categorical(rng.choice(["up", "down", "flat"], n)),
        }
    )
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


class TimeGANMethodTests:
    """TimeGAN on small sequence data: shapes, formats, seeds, files, errors."""

    @requires_capability("timegan")
    def test_timegan_array_in_array_out(self, genesis_backend):
        data = sine_array()
        gen = _small(genesis_backend).fit(data)
        out = gen.sample(11)
        assert isinstance(out, np.ndarray) and out.shape == (11, SEQ_LEN, 3)
        assert out.dtype == data.dtype
        assert (out >= data.min(axis=(0, 1)) - 1e-9).all()
        assert (out <= data.max(axis=(0, 1)) + 1e-9).all()

    @requires_capability("timegan")
    def test_timegan_long_frame_in_long_frame_out(self, genesis_backend):
        df = long_frame()
        gen = _small(genesis_backend).fit(df, entity_column="id", order_column="day")
        out = gen.sample(4)
        assert list(out.columns) == list(df.columns)
        features = ["day", "price", "volume", "state"]
        assert out[features].dtypes.equals(df[features].dtypes), (out.dtypes, df.dtypes)
        assert len(out) == 4 * SEQ_LEN
        assert out["id"].dtype == df["id"].dtype  # fresh ids 0 .. n-1, as text like the input's
        assert sorted(out["id"].unique()) == ["0", "1", "2", "3"]
        assert (out.groupby("id")["day"].apply(list) == [list(range(SEQ_LEN))] * 4).all()
        assert set(out["state"].cat.categories) == set(df["state"].cat.categories)
        assert out["volume"].between(df["volume"].min(), df["volume"].max()).all()

    @requires_capability("timegan")
    def test_timegan_loss_history_has_every_phase(self, genesis_backend):
        gen = _small(genesis_backend, iterations=4).fit(sine_array())
        history = gen.loss_history
        assert list(history["phase"]) == ["embedding", "supervised", "joint"]
        assert list(history["iteration"]) == [4, 4, 4]
        assert np.isfinite(history.loc[0, "reconstruction"])
        assert np.isfinite(history.loc[1, "supervised"])
        joint = history.loc[2, ["generator", "embedder", "discriminator"]]
        assert np.isfinite(joint.to_numpy(dtype=float)).all()
        assert 0.0 <= history.loc[2, "discriminator_steps"] <= 1.0

    @requires_capability("timegan")
    def test_timegan_seed_makes_fit_and_samples_repeat(self, genesis_backend):
        data = sine_array()
        a = _small(genesis_backend, seed=5).fit(data)
        b = _small(genesis_backend, seed=5).fit(data)
        pd.testing.assert_frame_equal(a.loss_history, b.loss_history)
        np.testing.assert_array_equal(a.sample(20), b.sample(20))
        c = _small(genesis_backend, seed=6).fit(data)
        assert not np.array_equal(a.sample(20, seed=1), c.sample(20, seed=1))

    @requires_capability("timegan")
    def test_timegan_saved_weights_generate_like_the_numpy_reference(
        self, genesis_backend, tmp_path
    ):
        """The weight layout is the documented one: a fresh model given the saved weights
        generates what the reference numpy forward pass computes from them."""
        path = _small(genesis_backend).fit(sine_array()).save(tmp_path / "m.genesis")
        content = read_model_file(path)
        spec = spec_from_json(content.document["spec"])
        model = genesis_backend.build_model(spec, RuntimeOptions(device="cpu", seed=1))
        genesis_backend.set_weights(model, content.weights)
        noise = np.random.default_rng(0).random((9, SEQ_LEN, 3), dtype=np.float32)
        raw = genesis_backend.generate(model, noise, None)
        expected = numpy_generate(spec.params, content.weights, noise)
        np.testing.assert_allclose(raw, expected, atol=1e-5)
        assert sorted(genesis_backend.get_weights(model)) == sorted(content.weights)

    @requires_capability("timegan")
    def test_timegan_save_load_round_trip(self, genesis_backend, genesis_registry, tmp_path):
        df = long_frame()
        gen = _small(genesis_backend).fit(df, entity_column="id", order_column="day")
        path = gen.save(tmp_path / "model.genesis")
        loaded = SyntheticGenerator.load(
            path, backend=genesis_backend.name, registry=genesis_registry, verbose=False
        )
        assert loaded.method == "timegan"
        pd.testing.assert_frame_equal(loaded.sample(5, seed=3), gen.sample(5, seed=3))
        pd.testing.assert_frame_equal(loaded.loss_history, gen.loss_history)

    @requires_capability("timegan")
    def test_timegan_tampered_model_file_is_refused(
        self, genesis_backend, genesis_registry, tmp_path
    ):
        path = _small(genesis_backend).fit(sine_array()).save(tmp_path / "m.genesis")
        raw = bytearray(path.read_bytes())
        raw[-5] ^= 0xFF
        path.write_bytes(bytes(raw))
        with pytest.raises(ModelFileError, match="checksum"):
            SyntheticGenerator.load(path, backend=genesis_backend.name, registry=genesis_registry)

    @requires_capability("timegan")
    def test_timegan_callbacks_see_each_interval_and_can_stop(self, genesis_backend):
        seen = []
        _small(genesis_backend).fit(sine_array(), callbacks=[seen.append])
        assert [(r.phase, r.iteration, r.iterations) for r in seen] == [
            ("embedding", 3, 3),
            ("supervised", 3, 3),
            ("joint", 3, 3),
        ]
        assert set(seen[2].losses) >= {"generator", "embedder", "discriminator"}
        assert all(np.isfinite(list(r.losses.values())).all() for r in seen)

        stopped = _small(genesis_backend).fit(
            sine_array(), callbacks=[lambda r: r.phase == "supervised"]
        )
        assert stopped.loss_history["phase"].tolist() == ["embedding", "supervised"]
        assert stopped.sample(2).shape == (2, SEQ_LEN, 3)

    @requires_capability("timegan")
    def test_timegan_resume_trains_on_from_the_current_weights(
        self, genesis_backend, genesis_registry, tmp_path
    ):
        df = long_frame()
        gen = _small(genesis_backend).fit(df, entity_column="id", order_column="day")
        path = gen.save(tmp_path / "m.genesis")
        before = genesis_backend.get_weights(gen._fitted.model)
        gen.fit(df, resume=True)
        history = gen.loss_history
        assert list(zip(history["phase"], history["iteration"], strict=True)) == [
            ("embedding", 3), ("supervised", 3), ("joint", 3),
            ("embedding", 6), ("supervised", 6), ("joint", 6),
        ]  # fmt: skip
        after = genesis_backend.get_weights(gen._fitted.model)
        assert any(not np.array_equal(before[k], after[k]) for k in before)
        assert list(gen.sample(2).columns) == list(df.columns)

        loaded = SyntheticGenerator.load(
            path, backend=genesis_backend.name, registry=genesis_registry, verbose=False
        )
        with pytest.raises(UnknownColumnError, match="price"):
            loaded.fit(df.drop(columns="price"), resume=True)
        assert len(loaded.loss_history) == 3  # the failed call changed nothing
        loaded.fit(df, resume=True, iterations={"joint": 2})
        assert loaded.loss_history["iteration"].tolist() == [3, 3, 3, 5]
        assert loaded.loss_history["phase"].iloc[-1] == "joint"

    @requires_capability("timegan")
    def test_timegan_resume_after_load_continues_the_run_exactly(
        self, genesis_backend, genesis_registry, tmp_path
    ):
        """With a training state (an optional hook), a fit split across a save and a
        load ends with the weights of the uninterrupted fit; without one, the file says
        so and training goes on."""
        data = sine_array()
        whole = _small(genesis_backend, iterations=4).fit(data)
        part = _small(genesis_backend).fit(
            data, iterations={"embedding": 4, "supervised": 4, "joint": 1}
        )
        keeps_state = genesis_backend.get_training_state(part._fitted.model) is not None
        path = part.save(tmp_path / "part.genesis")
        loaded = SyntheticGenerator.load(
            path, backend=genesis_backend.name, registry=genesis_registry, verbose=False
        )
        loaded.fit(data, resume=True, iterations={"joint": 3})
        part.fit(data, resume=True, iterations={"joint": 3})
        assert loaded.loss_history["iteration"].tolist() == [4, 4, 1, 4]
        if not keeps_state:  # documented: no optimizer state saved, a resumed fit restarts it
            assert not read_model_file(path).training_state
            return
        expected = genesis_backend.get_weights(whole._fitted.model)
        for gen in (loaded, part):
            got = genesis_backend.get_weights(gen._fitted.model)
            for name, array in expected.items():
                np.testing.assert_array_equal(got[name], array, err_msg=name)
            np.testing.assert_array_equal(gen.sample(5, seed=1), whole.sample(5, seed=1))

    @requires_capability("timegan")
    def test_timegan_fit_interrupted_after_a_checkpoint_resumes_exactly(
        self, genesis_backend, genesis_registry, tmp_path
    ):
        data = sine_array()
        iterations = {"embedding": 100, "supervised": 100, "joint": 200}
        whole = _small(genesis_backend).fit(data, iterations=iterations)
        path = tmp_path / "checkpoint.genesis"

        def crash(result):
            if result.phase == "joint" and result.iteration == 100:
                raise KeyboardInterrupt  # stopped right after the checkpoint at joint 100

        with pytest.raises(KeyboardInterrupt):
            _small(genesis_backend).fit(
                data,
                iterations=iterations,
                checkpoint=path,
                checkpoint_every=100,
                callbacks=[crash],
            )
        loaded = SyntheticGenerator.load(
            path, backend=genesis_backend.name, registry=genesis_registry, verbose=False
        )
        assert loaded.iterations_done == iterations | {"joint": 100}
        with pytest.raises(ConfigurationError, match="iterations_done"):
            _ = loaded.epochs_done
        loaded.fit(data, resume=True, iterations={"joint": 100})
        pd.testing.assert_frame_equal(loaded.loss_history, whole.loss_history)
        if genesis_backend.get_training_state(loaded._fitted.model) is not None:
            np.testing.assert_array_equal(loaded.sample(5, seed=1), whole.sample(5, seed=1))
        with pytest.raises(ConfigurationError, match="multiple of 100"):
            _small(genesis_backend).fit(data, checkpoint=path, checkpoint_every=150)

    @requires_capability("timegan")
    def test_timegan_bad_input_is_a_clear_error(self, genesis_backend):
        gen = _small(genesis_backend)
        data = sine_array()
        with pytest.raises(DataValidationError, match="fewer than seq_len"):
            gen.fit(data[:, : SEQ_LEN - 1])
        with pytest.raises(DataValidationError, match="NaN"):
            bad = data.copy()
            bad[2, 3, 1] = np.nan
            gen.fit(bad)
        with pytest.raises(DataValidationError, match="single window"):
            gen.fit(data[:1])
        with pytest.raises(DataValidationError, match="3-D"):
            gen.fit(data[0])
        df = long_frame()
        with pytest.raises(UnknownColumnError, match="nope"):
            gen.fit(df, entity_column="nope", order_column="day")
        with pytest.raises(DataValidationError, match="price"):
            gen.fit(
                df.assign(price=np.where(df.index == 3, np.nan, df["price"])), entity_column="id"
            )
        fitted = gen.fit(data)
        for n in (0, -1, 2.5):
            with pytest.raises(ConfigurationError, match="positive integer"):
                fitted.sample(n)
        with pytest.raises(ConfigurationError, match="conditions"):
            fitted.sample(3, conditions={"0": 1.0})
