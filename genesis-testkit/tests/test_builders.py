"""The helpers for backends' unit tests: builders, numpy references, the isolation check."""

import numpy as np
import pytest

from genesis.models.spec import ConditionSpan, OutputSpan
from genesis_testkit.builders import RowLayout, timegan_batch, timegan_spec
from genesis_testkit.isolation import describe_in_fresh_interpreter, installed_versions
from genesis_testkit.reference import changed_networks

LAYOUT = RowLayout(
    output_spans=(
        OutputSpan(0, 1, "tanh"),
        OutputSpan(1, 2, "softmax"),
        OutputSpan(3, 3, "softmax"),
        OutputSpan(6, 2, "softmax"),
        OutputSpan(8, 1, "tanh"),
    ),
    condition_spans=(
        ConditionSpan("x", data_start=3, cond_start=0, width=3),
        ConditionSpan("y", data_start=6, cond_start=3, width=2),
    ),
    batch_size=12,
)


def test_the_widths_follow_from_the_spans():
    assert (LAYOUT.data_dim, LAYOUT.cond_dim) == (9, 5)
    assert RowLayout(output_spans=LAYOUT.output_spans).cond_dim == 0


def test_specs_carry_the_layout_and_take_overrides():
    spec = LAYOUT.ctgan_spec(pac=3)
    assert (spec.method, spec.data_dim, spec.cond_dim) == ("ctgan", 9, 5)
    assert spec.condition_spans == LAYOUT.condition_spans
    assert (spec.params.pac, spec.params.batch_size) == (3, 12)
    tvae = LAYOUT.tvae_spec(embedding_dim=4)
    assert (tvae.method, tvae.cond_dim, tvae.params.embedding_dim) == ("tvae", 0, 4)


def test_rows_are_valid_transformed_rows():
    rows = LAYOUT.real_rows(np.random.default_rng(0), 50)
    assert rows.shape == (50, 9) and rows.dtype == np.float32
    for span in LAYOUT.output_spans:
        block = rows[:, span.start : span.start + span.width]
        if span.activation == "tanh":
            assert (np.abs(block) < 0.9).all()
        else:
            assert set(np.unique(block)) == {0.0, 1.0}
            assert (block.sum(axis=1) == 1.0).all()


def test_each_critic_row_holds_the_category_its_condition_asks_for():
    batch = LAYOUT.ctgan_batch(seed=1, steps=2)
    assert batch.real.shape == (2, 12, 9) and batch.cond.shape == (2, 12, 5)
    assert batch.gen_cond.shape == (12, 5) and batch.gen_mask.shape == (12, 2)
    assert (batch.gen_mask.sum(axis=1) == 1.0).all()
    for real, cond in zip(batch.real, batch.cond, strict=True):
        assert (cond.sum(axis=1) == 1.0).all()
        for span in LAYOUT.condition_spans:
            asked = cond[:, span.cond_start : span.cond_start + span.width]
            held = real[:, span.data_start : span.data_start + span.width]
            picked = asked.sum(axis=1) == 1.0
            np.testing.assert_array_equal(asked[picked], held[picked])


def test_a_seed_repeats_a_batch():
    np.testing.assert_array_equal(LAYOUT.tvae_batch(4).real, LAYOUT.tvae_batch(4).real)
    assert not np.array_equal(LAYOUT.tvae_batch(4).real, LAYOUT.tvae_batch(5).real)
    assert LAYOUT.tvae_batch(4, rows=7).real.shape == (7, 9)


@pytest.mark.parametrize(("phase", "rounds"), [("embedding", 1), ("supervised", 1), ("joint", 3)])
def test_timegan_batches_have_the_documented_rounds(phase, rounds):
    batch = timegan_batch(phase, 2, batch_size=4, seq_len=5, features=3)
    assert batch.phase == phase and batch.real.shape == (rounds, 4, 5, 3)
    assert (batch.noise is not None) == (phase == "joint")
    spec = timegan_spec(3, 5, module="lstm")
    assert (spec.data_dim, spec.params.seq_len, spec.params.module) == (3, 5, "lstm")


def test_changed_networks_names_the_networks_whose_weights_moved():
    before = {"a.kernel": np.zeros(2), "a.bias": np.zeros(1), "b.kernel": np.zeros(2)}
    after = {**before, "a.bias": np.ones(1)}
    assert changed_networks(before, after) == {"a"}
    assert changed_networks(before, before) == set()


def test_describing_a_missing_plugin_fails_with_its_error():
    with pytest.raises(AssertionError, match="No module named 'genesis_nowhere'"):
        describe_in_fresh_interpreter("genesis_nowhere.plugin")
    assert installed_versions("genesis-no-such-distribution") == set()
    assert installed_versions("pytest") == {pytest.__version__}
