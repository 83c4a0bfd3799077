"""The core's TimeGAN schedule: batches drawn with numpy, history, progress, divergence."""

from __future__ import annotations

import numpy as np
import pytest

from genesis.errors import GenesisError
from genesis.models.timegan import LOSS_NAMES, TimeGANParams
from genesis.timeseries import WindowSampler, run_phase, run_schedule
from genesis.timeseries.schedule import HISTORY_INTERVAL


def _windows(n: int = 40) -> np.ndarray:
    # window i holds the value i everywhere, so a batch tells which windows it drew
    return np.repeat(np.arange(n, dtype=np.float32), 6 * 2).reshape(n, 6, 2)


def test_batches_have_rounds_and_distinct_windows():
    sampler = WindowSampler(_windows(), 16, np.random.default_rng(0))
    joint = sampler.draw("joint")
    assert joint.real.shape == (3, 16, 6, 2) and joint.noise.shape == (3, 16, 6, 2)
    assert joint.noise.dtype == np.float32 and (joint.noise >= 0).all() and (joint.noise < 1).all()
    for round_ in joint.real:
        assert len(np.unique(round_[:, 0, 0])) == 16  # without replacement within a round
    first = sampler.draw("embedding")
    assert first.real.shape == (1, 16, 6, 2) and first.noise is None


def test_batch_is_capped_by_the_number_of_windows():
    sampler = WindowSampler(_windows(5), 128, np.random.default_rng(0))
    batch = sampler.draw("supervised")
    assert batch.real.shape == (1, 5, 6, 2)
    assert sorted(batch.real[0, :, 0, 0]) == [0, 1, 2, 3, 4]


def test_same_seed_same_batches():
    a = WindowSampler(_windows(), 8, np.random.default_rng(3)).draw("joint")
    b = WindowSampler(_windows(), 8, np.random.default_rng(3)).draw("joint")
    np.testing.assert_array_equal(a.real, b.real)
    np.testing.assert_array_equal(a.noise, b.noise)


def test_history_rows_average_each_interval():
    calls = []

    def step(batch):  # type: ignore[no-untyped-def]
        calls.append(batch.phase)
        return {"reconstruction": float(len(calls))}

    sampler = WindowSampler(_windows(), 4, np.random.default_rng(0))
    rows, timing = run_phase("embedding", HISTORY_INTERVAL + 20, sampler, step)
    assert [r["iteration"] for r in rows] == [HISTORY_INTERVAL, HISTORY_INTERVAL + 20]
    assert rows[0]["reconstruction"] == pytest.approx((1 + HISTORY_INTERVAL) / 2)
    assert rows[1]["reconstruction"] == pytest.approx(HISTORY_INTERVAL + 10.5)
    assert timing.iterations == HISTORY_INTERVAL + 20 and timing.seconds > 0


def test_schedule_runs_phases_in_order_with_their_iterations():
    seen = []

    def step(batch):  # type: ignore[no-untyped-def]
        seen.append(batch.phase)
        return dict.fromkeys(LOSS_NAMES[batch.phase], 0.5)

    params = TimeGANParams(embedding_iterations=3, supervised_iterations=0, joint_iterations=2)
    rows, timings = run_schedule(
        params, WindowSampler(_windows(), 4, np.random.default_rng(0)), step
    )
    assert seen == ["embedding"] * 3 + ["joint"] * 2
    assert [(r["phase"], r["iteration"]) for r in rows] == [("embedding", 3), ("joint", 2)]
    assert [t.phase for t in timings] == ["embedding", "supervised", "joint"]
    assert np.isnan(timings[1].seconds_per_iteration)


def test_a_non_finite_loss_stops_with_a_clear_error():
    def step(batch):  # type: ignore[no-untyped-def]
        return {"supervised": float("nan")}

    sampler = WindowSampler(_windows(), 4, np.random.default_rng(0))
    with pytest.raises(GenesisError, match=r"supervised phase.*supervised is not finite"):
        run_phase("supervised", 3, sampler, step)


def test_progress_bar_per_phase(capsys):
    def step(batch):  # type: ignore[no-untyped-def]
        return {"reconstruction": 1.0}

    run_phase(
        "embedding", 5, WindowSampler(_windows(), 4, np.random.default_rng(0)), step, verbose=True
    )
    assert "embedding" in capsys.readouterr().err
    run_phase(
        "embedding", 5, WindowSampler(_windows(), 4, np.random.default_rng(0)), step, verbose=False
    )
    assert capsys.readouterr().err == ""


def test_callbacks_see_each_interval_and_a_true_stops_the_schedule():
    calls = []

    def step(batch):  # type: ignore[no-untyped-def]
        calls.append(batch.phase)
        return dict.fromkeys(LOSS_NAMES[batch.phase], 1.0)

    seen = []

    def stop_in_supervised(result):  # type: ignore[no-untyped-def]
        seen.append((result.phase, result.iteration, result.iterations))
        return result.phase == "supervised"

    also = []
    params = TimeGANParams(
        embedding_iterations=HISTORY_INTERVAL + 5,
        supervised_iterations=3 * HISTORY_INTERVAL,
        joint_iterations=4,
    )
    rows, timings = run_schedule(
        params,
        WindowSampler(_windows(), 4, np.random.default_rng(0)),
        step,
        iterations_done={"embedding": 7},
        callbacks=[stop_in_supervised, also.append],
    )
    first = 7 + HISTORY_INTERVAL
    assert seen == [
        ("embedding", first, HISTORY_INTERVAL),
        ("embedding", first + 5, 5),
        ("supervised", HISTORY_INTERVAL, HISTORY_INTERVAL),
    ]
    assert len(also) == 3  # every callback sees every interval
    assert [(r["phase"], r["iteration"]) for r in rows] == [s[:2] for s in seen]
    assert calls.count("supervised") == HISTORY_INTERVAL and "joint" not in calls
    assert [(t.phase, t.iterations, t.stopped) for t in timings] == [
        ("embedding", HISTORY_INTERVAL + 5, False),
        ("supervised", HISTORY_INTERVAL, True),
    ]
