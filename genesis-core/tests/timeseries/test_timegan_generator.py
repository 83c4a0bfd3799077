"""SyntheticGenerator(method="timegan"): the dispatch to the sequence package, on a fake backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis import GeneratorConfig, SyntheticGenerator
from genesis.errors import ConfigurationError, MethodNotSupportedError, ModelFileError
from genesis.io.model_file import read_model_file
from genesis.io.serialize import config_from_json, config_to_json
from genesis.models.timegan import TimeGANParams
from genesis.timeseries import SequenceTransformer

SMALL = TimeGANParams(hidden_dim=3, num_layers=2, batch_size=8)


def _gen(registry, **options):  # type: ignore[no-untyped-def]
    settings = {"seq_len": 4, "iterations": 3, "seed": 0, "verbose": False, "timegan": SMALL}
    settings.update(options)
    return SyntheticGenerator(method="timegan", backend="fakeseq", registry=registry, **settings)


def test_array_fit_sample_returns_arrays(fake_registry, sequences):
    gen = _gen(fake_registry).fit(sequences)
    out = gen.sample(7)
    assert out.shape == (7, 4, 3) and out.dtype == sequences.dtype
    assert isinstance(gen.transformer, SequenceTransformer)
    assert "fitted, 9 iterations" in repr(gen)


def test_frame_fit_sample_returns_long_frames(fake_registry, long_frame):
    gen = _gen(fake_registry).fit(long_frame, entity_column="id", order_column="t")
    out = gen.sample(3)
    assert list(out.columns) == list(long_frame.columns)
    assert len(out) == 12 and out["id"].tolist() == ["0"] * 4 + ["1"] * 4 + ["2"] * 4


def test_options_reach_the_schedule_and_the_model(fake_registry, fake_plugin, sequences):
    gen = _gen(fake_registry, iterations=250, batch_size=5).fit(sequences)
    (model,) = fake_plugin.built
    assert len(model["batches"]) == 3 * 250
    assert model["batches"][-1].real.shape == (3, 5, 4, 3)
    assert model["spec"].params.seq_len == 4 and model["spec"].data_dim == 3
    history = gen.loss_history
    assert list(history.columns[:2]) == ["phase", "iteration"]
    assert history.groupby("phase", sort=False)["iteration"].apply(list).to_dict() == {
        "embedding": [100, 200, 250],
        "supervised": [100, 200, 250],
        "joint": [100, 200, 250],
    }
    assert history.loc[history["phase"] == "embedding", "generator"].isna().all()


def test_seed_fixes_batches_history_and_samples(fake_registry, sequences):
    a, b = _gen(fake_registry, seed=4).fit(sequences), _gen(fake_registry, seed=4).fit(sequences)
    pd.testing.assert_frame_equal(a.loss_history, b.loss_history)
    np.testing.assert_array_equal(a.sample(5), b.sample(5))
    c = _gen(fake_registry, seed=5).fit(sequences)
    assert not a.loss_history.equals(c.loss_history)
    np.testing.assert_array_equal(a.sample(5, seed=9), b.sample(5, seed=9))


def test_save_load_round_trip(fake_registry, long_frame, tmp_path):
    gen = _gen(fake_registry).fit(long_frame, entity_column="id", order_column="t")
    path = gen.save(tmp_path / "ts.genesis")
    document = read_model_file(path).document
    assert document["method"] == "timegan"
    assert document["sequence_transformer"]["entity_column"] == "id"
    assert document["spec"]["params"]["seq_len"] == 4
    loaded = SyntheticGenerator.load(path, backend="fakeseq", registry=fake_registry, verbose=False)
    pd.testing.assert_frame_equal(loaded.sample(2, seed=1), gen.sample(2, seed=1))
    pd.testing.assert_frame_equal(loaded.loss_history, gen.loss_history)


def test_loading_needs_a_backend_that_declares_timegan(
    fake_registry, fake_backend_with, sequences, tmp_path
):
    path = _gen(fake_registry).fit(sequences).save(tmp_path / "ts.genesis")
    other = fake_backend_with({"ctgan"})
    with pytest.raises(MethodNotSupportedError, match="timegan"):
        SyntheticGenerator.load(path, backend="fakeseq", registry=other)


def test_a_damaged_sequence_transform_is_a_model_file_error(fake_registry, sequences, tmp_path):
    from genesis.io.model_file import ModelFile, write_model_file

    path = _gen(fake_registry).fit(sequences).save(tmp_path / "ts.genesis")
    content = read_model_file(path)
    content.document["sequence_transformer"]["features"] = []
    write_model_file(path, ModelFile(document=content.document, weights=content.weights))
    with pytest.raises(ModelFileError, match="sequence transform"):
        SyntheticGenerator.load(path, backend="fakeseq", registry=fake_registry)


def test_undeclared_backend_refuses_timegan(fake_backend_with, sequences):
    registry = fake_backend_with({"ctgan"})
    gen = SyntheticGenerator(method="timegan", backend="fakeseq", registry=registry, verbose=False)
    with pytest.raises(MethodNotSupportedError, match="fakeseq"):
        gen.fit(sequences)


def test_option_errors(fake_registry, sequences):
    with pytest.raises(ConfigurationError, match="epochs does not apply to timegan"):
        _gen(fake_registry, epochs=3)
    with pytest.raises(ConfigurationError, match="seq_len applies to method 'timegan' only"):
        SyntheticGenerator(method="ctgan", seq_len=5, registry=fake_registry, backend="fakeseq")
    with pytest.raises(ConfigurationError, match="iterations must be"):
        _gen(fake_registry, iterations=-1)
    gen = _gen(fake_registry)
    with pytest.raises(ConfigurationError, match="iterations per phase"):
        gen.fit(sequences, epochs=2)
    fitted = gen.fit(sequences, resume=True)  # nothing to resume: a fresh fit
    assert fitted.loss_history["phase"].tolist() == ["embedding", "supervised", "joint"]
    with pytest.raises(ConfigurationError, match="conditions"):
        fitted.sample(2, conditions={"0": 1})
    with pytest.raises(ConfigurationError, match="cannot change"):
        fitted.fit(sequences, resume=True, discrete_columns=["0"])
    with pytest.raises(ConfigurationError, match=r"unknown TimeGAN phases \['jont'\]"):
        fitted.fit(sequences, iterations={"jont": 2})
    with pytest.raises(ConfigurationError, match="joint phase must be a non-negative integer"):
        fitted.fit(sequences, iterations={"joint": -2})
    fitted.fit(sequences, iterations={"supervised": 2})
    assert fitted.loss_history["phase"].tolist() == ["supervised"]
    with pytest.raises(ConfigurationError, match="iterations apply to method 'timegan' only"):
        SyntheticGenerator(method="ctgan", registry=fake_registry, backend="fakeseq").fit(
            pd.DataFrame({"a": [1.0, 2.0]}), iterations=3
        )


def test_config_round_trips_through_json():
    config = GeneratorConfig(
        method="timegan", seq_len=12, iterations=7, timegan=TimeGANParams(module="lstm")
    )
    again = config_from_json(config_to_json(config))
    assert again == config
    assert again.timegan_params() == TimeGANParams(
        module="lstm",
        seq_len=12,
        embedding_iterations=7,
        supervised_iterations=7,
        joint_iterations=7,
    )


def test_frame_helper_is_long_format(make_frame):
    frame = make_frame(entities=2, steps=3)
    assert len(frame) == 6 and set(frame["id"]) == {"s0", "s1"}
