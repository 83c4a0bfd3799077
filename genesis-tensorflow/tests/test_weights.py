"""Weights: the neutral names, shapes and dtype; initialization under a seed; the round trip."""

from __future__ import annotations

import numpy as np
import pytest

from genesis.backends.info import RuntimeOptions
from genesis.errors import ModelFileError
from genesis.models.weights import expected_weight_shapes
from genesis_tensorflow.training import build_model


def _random_weights(spec, seed):
    rng = np.random.default_rng(seed)
    weights = {}
    for name, shape in expected_weight_shapes(spec).items():
        low = 0.5 if name.endswith(("moving_variance", "sigma")) else -1.0
        weights[name] = rng.uniform(low, 1.0, shape).astype(np.float32)
    return weights


def test_weights_have_the_neutral_names_shapes_and_dtype(method_case):
    spec, _ = method_case
    weights = build_model(spec, RuntimeOptions(seed=0)).get_weights()

    expected = expected_weight_shapes(spec)
    assert list(weights) == list(expected)
    assert {name: w.shape for name, w in weights.items()} == expected
    assert all(w.dtype == np.float32 and np.isfinite(w).all() for w in weights.values())


def test_initial_weights_follow_the_reference_distribution(ctgan_spec, tvae_spec):
    ctgan = build_model(ctgan_spec, RuntimeOptions(seed=0)).get_weights()
    tvae = build_model(tvae_spec, RuntimeOptions(seed=0)).get_weights()

    for weights in (ctgan, tvae):
        for name, array in weights.items():
            if name.endswith((".kernel", ".bias")):
                fan_in = weights[name.rsplit(".", 1)[0] + ".kernel"].shape[0]
                bound = 1.0 / np.sqrt(fan_in)
                assert np.abs(array).max() <= bound, name
                if array.size >= 100:  # U(-b, b) has standard deviation b / sqrt(3)
                    assert abs(array.std() / (bound / np.sqrt(3)) - 1) < 0.2, name
    block = "generator.residual.0.batchnorm"
    np.testing.assert_array_equal(ctgan[f"{block}.gamma"], 1.0)
    np.testing.assert_array_equal(ctgan[f"{block}.beta"], 0.0)
    np.testing.assert_array_equal(ctgan[f"{block}.moving_mean"], 0.0)
    np.testing.assert_array_equal(ctgan[f"{block}.moving_variance"], 1.0)
    np.testing.assert_array_equal(tvae["decoder.sigma"], np.float32(tvae_spec.params.sigma_init))


def test_a_seed_fixes_the_initial_weights(method_case):
    spec, _ = method_case
    a = build_model(spec, RuntimeOptions(seed=11)).get_weights()
    b = build_model(spec, RuntimeOptions(seed=11)).get_weights()
    c = build_model(spec, RuntimeOptions(seed=12)).get_weights()

    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    output = "generator.output.kernel" if spec.method == "ctgan" else "decoder.output.kernel"
    assert not np.array_equal(a[output], c[output])


def test_weights_round_trip(method_case):
    spec, _ = method_case
    model = build_model(spec, RuntimeOptions(seed=0))
    weights = _random_weights(spec, seed=5)

    model.set_weights(weights)
    exported = model.get_weights()

    assert list(exported) == list(weights)
    for name, array in weights.items():
        np.testing.assert_array_equal(exported[name], array, err_msg=name)
    exported[next(iter(exported))][...] = 0.0  # the export is a copy, not a view
    assert not np.array_equal(model.get_weights()[next(iter(weights))], 0.0)


def test_set_weights_refuses_a_missing_name_or_a_wrong_shape(method_case):
    spec, _ = method_case
    model = build_model(spec, RuntimeOptions(seed=0))
    weights = _random_weights(spec, seed=5)
    first = next(iter(weights))

    missing = {name: array for name, array in weights.items() if name != first}
    with pytest.raises(ModelFileError, match="missing"):
        model.set_weights(missing)
    misshapen = dict(weights, **{first: weights[first][:-1]})
    with pytest.raises(ModelFileError, match="shape"):
        model.set_weights(misshapen)
