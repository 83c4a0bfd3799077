"""TimeGAN's framework-neutral definition: parameters, weight layout, reference forward."""

from __future__ import annotations

import numpy as np
import pytest

from genesis.errors import ConfigurationError, ModelFileError
from genesis.models.spec import ModelSpec
from genesis.models.timegan import (
    METRIC_CLASSIFIER,
    PHASES,
    SequenceMetricParams,
    TimeGANParams,
    expected_sequence_weight_shapes,
    numpy_generate,
    numpy_recurrent_forward,
    validate_sequence_weights,
)


def test_defaults_are_the_authors():
    p = TimeGANParams()
    assert (p.hidden_dim, p.num_layers, p.module, p.batch_size, p.seq_len) == (
        24,
        3,
        "gru",
        128,
        24,
    )
    assert [p.iterations(phase) for phase in PHASES] == [50_000] * 3
    assert (p.lr, p.gamma, p.discriminator_threshold) == (1e-3, 1.0, 0.15)
    assert p.supervisor_layers == 2 and TimeGANParams(num_layers=1).supervisor_layers == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hidden_dim", 0),
        ("module", "rnn"),
        ("seq_len", 1),
        ("joint_iterations", -1),
        ("lr", 0.0),
        ("stride", 0),
    ],
)
def test_invalid_params_are_refused(field, value):
    with pytest.raises(ConfigurationError, match=field if field != "module" else "gru"):
        TimeGANParams(**{field: value})


def test_gru_weight_layout():
    spec = ModelSpec(method="timegan", params=TimeGANParams(hidden_dim=4, num_layers=2), data_dim=3)
    shapes = expected_sequence_weight_shapes(spec)
    assert shapes["embedder.cell.0.kernel"] == (3, 12)
    assert shapes["embedder.cell.1.kernel"] == (4, 12)
    assert shapes["embedder.cell.0.recurrent_kernel"] == (4, 12)
    assert shapes["embedder.cell.0.recurrent_bias"] == (12,)
    assert shapes["recovery.output.kernel"] == (4, 3)
    assert shapes["generator.cell.0.kernel"] == (3, 12)
    assert shapes["discriminator.output.kernel"] == (4, 1)
    assert "supervisor.cell.1.kernel" not in shapes  # one cell fewer
    assert len(shapes) == 5 * 2 + 4 * (2 * 4) + 1 * 4  # heads, 2-cell stacks, the supervisor


def test_lstm_weight_layout_has_one_bias():
    spec = ModelSpec(
        method="timegan", params=TimeGANParams(hidden_dim=4, module="lstm"), data_dim=3
    )
    shapes = expected_sequence_weight_shapes(spec)
    assert shapes["embedder.cell.0.kernel"] == (3, 16)
    assert "embedder.cell.0.recurrent_bias" not in shapes


def test_metric_layout_and_unknown_spec():
    spec = ModelSpec(
        method=METRIC_CLASSIFIER,
        params=SequenceMetricParams(hidden_dim=2, num_layers=2),
        data_dim=5,
    )
    assert expected_sequence_weight_shapes(spec)["classifier.cell.1.kernel"] == (2, 6)
    with pytest.raises(ConfigurationError, match="no sequence weight layout"):
        expected_sequence_weight_shapes(
            ModelSpec(method="ctgan", params=TimeGANParams(), data_dim=2)
        )


def test_validate_names_shapes_dtype_finiteness():
    spec = ModelSpec(method="timegan", params=TimeGANParams(hidden_dim=2, num_layers=2), data_dim=2)
    good = {k: np.zeros(s, np.float32) for k, s in expected_sequence_weight_shapes(spec).items()}
    validate_sequence_weights(spec, good)
    with pytest.raises(ModelFileError, match="missing"):
        validate_sequence_weights(spec, {k: v for k, v in good.items() if "supervisor" not in k})
    with pytest.raises(ModelFileError, match="shape"):
        validate_sequence_weights(spec, {**good, "embedder.output.bias": np.zeros(3, np.float32)})
    with pytest.raises(ModelFileError, match="dtype"):
        validate_sequence_weights(spec, {**good, "embedder.output.bias": np.zeros(2)})
    with pytest.raises(ModelFileError, match="NaN"):
        validate_sequence_weights(
            spec, {**good, "embedder.output.bias": np.full(2, np.nan, np.float32)}
        )


def _sigmoid(x):  # type: ignore[no-untyped-def]
    return 1.0 / (1.0 + np.exp(-x))


def test_gru_cell_follows_the_documented_equations():
    """One step, one unit, written out: blocks [z | r | n], h' = z h + (1 - z) n."""
    k = np.array([[0.5, -0.3, 0.8]], np.float32)
    r_k = np.array([[0.2, 0.4, -0.6]], np.float32)
    b = np.array([0.1, 0.2, 0.3], np.float32)
    c = np.array([-0.1, 0.05, 0.2], np.float32)
    weights = {
        "a.cell.0.kernel": k,
        "a.cell.0.recurrent_kernel": r_k,
        "a.cell.0.bias": b,
        "a.cell.0.recurrent_bias": c,
    }
    x = np.array([[[1.0], [2.0]]], np.float32)
    out = numpy_recurrent_forward(weights, "a", "gru", 1, x)
    h = 0.0
    for xt in (1.0, 2.0):
        z = _sigmoid(xt * k[0, 0] + b[0] + h * r_k[0, 0] + c[0])
        r = _sigmoid(xt * k[0, 1] + b[1] + h * r_k[0, 1] + c[1])
        n = np.tanh(xt * k[0, 2] + b[2] + r * (h * r_k[0, 2] + c[2]))
        h = z * h + (1 - z) * n
    np.testing.assert_allclose(out[0, -1, 0], h, rtol=1e-6)


def test_lstm_cell_follows_the_documented_equations():
    """One step, one unit: blocks [i | f | g | o], c' = f c + i g, h' = o tanh(c')."""
    k = np.array([[0.5, -0.3, 0.8, 0.1]], np.float32)
    r_k = np.array([[0.2, 0.4, -0.6, 0.3]], np.float32)
    b = np.array([0.1, 1.0, 0.3, -0.2], np.float32)
    weights = {"a.cell.0.kernel": k, "a.cell.0.recurrent_kernel": r_k, "a.cell.0.bias": b}
    x = np.array([[[1.0], [-1.0]]], np.float32)
    out = numpy_recurrent_forward(weights, "a", "lstm", 1, x)
    h = c = 0.0
    for xt in (1.0, -1.0):
        a = xt * k[0] + h * r_k[0] + b
        i, f, g, o = _sigmoid(a[0]), _sigmoid(a[1]), np.tanh(a[2]), _sigmoid(a[3])
        c = f * c + i * g
        h = o * np.tanh(c)
    np.testing.assert_allclose(out[0, -1, 0], h, rtol=1e-6)


def test_numpy_generate_shape_and_range():
    params = TimeGANParams(hidden_dim=3, num_layers=2, seq_len=5)
    spec = ModelSpec(method="timegan", params=params, data_dim=4)
    rng = np.random.default_rng(0)
    weights = {
        k: rng.standard_normal(s).astype(np.float32)
        for k, s in expected_sequence_weight_shapes(spec).items()
    }
    out = numpy_generate(params, weights, rng.random((6, 5, 4), dtype=np.float32))
    assert out.shape == (6, 5, 4) and out.dtype == np.float32
    assert ((out > 0) & (out < 1)).all()
