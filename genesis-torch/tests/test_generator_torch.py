"""SyntheticGenerator behaviour on the torch backend beyond the conformance suite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.errors import GenesisError
from genesis.models.spec import TVAEParams
from genesis_testkit import tiny_table


def _gen(method="ctgan", **options):
    settings = {"backend": "torch", "epochs": 2, "batch_size": 40, "seed": 0, "verbose": False}
    settings.update(options)
    return SyntheticGenerator(method=method, **settings)


def test_progress_bar_shows_epochs_and_losses_and_verbose_false_silences(capsys):
    _gen(verbose=True, epochs=3).fit(tiny_table())
    err = capsys.readouterr().err
    assert "3/3" in err and "generator=" in err and "discriminator=" in err
    _gen(verbose=False).fit(tiny_table())
    assert capsys.readouterr().err == ""


def test_callbacks_see_each_epoch_and_can_stop():
    seen = []

    def stop_at_two(result):
        seen.append((result.epoch, sorted(result.losses)))
        return result.epoch == 2

    gen = _gen(method="tvae", epochs=10).fit(tiny_table(), callbacks=[stop_at_two])
    assert seen == [(1, ["loss"]), (2, ["loss"])]
    assert list(gen.loss_history["epoch"]) == [1, 2]


def test_resume_continues_numbering_and_keeps_the_transform():
    df = tiny_table()
    gen = _gen().fit(df)
    transformer = gen.transformer
    gen.fit(df, epochs=1, resume=True)
    assert gen.transformer is transformer
    assert list(gen.loss_history["epoch"]) == [1, 2, 3]
    with pytest.raises(GenesisError, match="resume=True needs the columns"):
        gen.fit(df.drop(columns="city"), resume=True)


def test_several_conditions_are_all_met():
    df = tiny_table(rows=200)
    gen = _gen(epochs=20).fit(df)
    out = gen.sample(30, conditions={"city": "Lisbon", "plan": "basic"})
    assert len(out) == 30
    assert (out["city"] == "Lisbon").all() and (out["plan"] == "basic").all()


def test_unreachable_combination_is_a_clear_error():
    # "v" is one row in 120: decoding categories by argmax, TVAE after training
    # never emits "v" together with "x", and rejection sampling must give up clearly.
    df = pd.DataFrame({"a": ["x", "y"] * 60, "b": ["u"] * 119 + ["v"], "n": np.arange(120.0)})
    gen = SyntheticGenerator(
        method="tvae",
        backend="torch",
        epochs=40,
        batch_size=40,
        seed=0,
        verbose=False,
        tvae=TVAEParams(discrete_output="argmax"),
    ).fit(df)
    assert len(gen.sample(5, conditions={"a": "x", "b": "u"})) == 5
    with pytest.raises(GenesisError, match="too rare"):
        gen.sample(5, conditions={"a": "x", "b": "v"})


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_missing_values_are_learned_and_reproduced(method):
    # Income is missing exactly for members (30%): the model must learn where the
    # missing values go, and reproduce their rate through the member column.
    rng = np.random.default_rng(3)
    member = rng.random(600) < 0.3
    df = pd.DataFrame(
        {
            "member": member,
            "income": np.where(member, np.nan, rng.normal(50_000, 9_000, 600).round(2)),
            "city": rng.choice(["a", "b", "c"], 600),
        }
    )
    epochs = 300 if method == "ctgan" else 60  # the GAN learns the pattern more slowly
    gen = _gen(method=method, epochs=epochs, batch_size=100, seed=1).fit(df)
    out = gen.sample(3000)
    missing = out["income"].isna()
    assert abs(missing.mean() - df["income"].isna().mean()) < 0.1, missing.mean()
    assert (missing == out["member"]).mean() > 0.8


def test_many_categories_are_capped_and_memory_stays_bounded():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"id": [f"user{i}" for i in rng.integers(0, 5000, 3000)], "x": rng.normal(size=3000)}
    )
    gen = _gen(max_categories=50, epochs=1, batch_size=100).fit(df)
    assert gen.transformer.cond_dim == 50
    out = gen.sample(500)
    assert set(out["id"]) <= set(df["id"])
    assert out["id"].nunique() > 50  # the rare bucket is filled from the merged values


def test_unconditional_marginals_follow_real_frequencies_not_log_frequencies():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {"c": rng.choice(["a", "b", "c"], 2000, p=[0.8, 0.15, 0.05]), "x": rng.normal(size=2000)}
    )
    gen = _gen(epochs=60, batch_size=200).fit(df)
    freq = gen.sample(5000)["c"].value_counts(normalize=True)
    # log-frequency sampling would give a ~ 0.40; the real share is 0.80.
    assert freq["a"] > 0.65, freq


def test_sampling_in_several_chunks_does_not_depend_on_the_worker_threads_timing(monkeypatch):
    """The network runs one chunk ahead in a worker thread; the rows must not depend on when."""
    import time

    import genesis.generator

    monkeypatch.setattr(genesis.generator, "SAMPLE_CHUNK_ROWS", 64)
    gen = _gen(epochs=1).fit(tiny_table())
    reference = gen.sample(300, seed=3)
    assert len(reference) == 300
    pd.testing.assert_frame_equal(gen.sample(300, seed=3), reference)

    fast_generate = gen.backend.generate
    delays = iter([0.05, 0.0, 0.03, 0.0, 0.05])

    def uneven(*args, **kwargs):
        time.sleep(next(delays, 0.0))
        return fast_generate(*args, **kwargs)

    monkeypatch.setattr(gen.backend, "generate", uneven)
    pd.testing.assert_frame_equal(gen.sample(300, seed=3), reference)


def test_an_error_in_the_sampling_worker_reaches_the_caller(monkeypatch):
    import genesis.generator

    monkeypatch.setattr(genesis.generator, "SAMPLE_CHUNK_ROWS", 64)
    gen = _gen(epochs=1).fit(tiny_table())
    calls = []

    def failing_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise GenesisError("network failed on chunk 3")
        return gen.backend.__class__.generate(gen.backend, *args, **kwargs)

    monkeypatch.setattr(gen.backend, "generate", failing_third)
    with pytest.raises(GenesisError, match="chunk 3"):
        gen.sample(300)


def test_a_training_state_the_backend_cannot_load_is_a_model_file_error(tmp_path):
    """A file whose checksum holds but whose random state is not torch's (a crafted
    file): loading names the problem instead of failing inside torch."""
    from genesis.errors import ModelFileError
    from genesis.io.model_file import ModelFile, read_model_file, write_model_file

    df = pd.DataFrame({"x": np.arange(40.0), "c": ["a", "b"] * 20})
    path = (
        SyntheticGenerator(method="tvae", epochs=1, seed=0, verbose=False)
        .fit(df)
        .save(tmp_path / "m.genesis")
    )
    content = read_model_file(path)
    state = dict(content.training_state, **{"random.torch-cpu": np.zeros(7, np.uint8)})
    write_model_file(path, ModelFile(content.document, content.weights, state))
    with pytest.raises(ModelFileError, match="cannot load the file's training state"):
        SyntheticGenerator.load(path, backend="torch")
