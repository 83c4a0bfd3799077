"""The thread tuner: which count it picks from step times, and when it looks again."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from genesis.training.threads import ThreadTuner, thread_candidates


def _train(tuner: ThreadTuner, steps: int, seconds: Callable[[int, int], float]) -> list[int]:
    """Run ``steps`` simulated steps; ``seconds(step, threads)`` is a step's duration."""
    used = []
    for step in range(steps):
        threads = tuner.choose()
        used.append(threads)
        tuner.record(threads, seconds(step, threads))
    return used


def idle(_step: int, threads: int) -> float:
    return {1: 0.019, 2: 0.013}[threads]


def busy(_step: int, threads: int) -> float:
    return {1: 0.019, 2: 0.400}[threads]


@pytest.mark.parametrize(
    ("available", "expected"),
    [(1, (1,)), (2, (1, 2)), (4, (1, 2, 4)), (6, (1, 2, 4, 6)), (16, (1, 2, 4, 8, 16))],
)
def test_candidates_are_powers_of_two_and_the_total(available, expected):
    assert thread_candidates(available) == expected


def test_candidates_need_a_thread():
    with pytest.raises(ValueError, match="at least 1"):
        thread_candidates(0)


def test_idle_machine_trains_on_the_faster_count():
    tuner = ThreadTuner((1, 2), hold_steps=100)
    used = _train(tuner, 60, idle)
    assert tuner.chosen == 2
    assert used[-40:] == [2] * 40


def test_busy_machine_trains_on_one_thread_and_tries_the_slow_count_once_per_probe():
    tuner = ThreadTuner((1, 2), warmup_steps=0, hold_steps=50, max_hold_steps=50)
    used = _train(tuner, 500, busy)
    assert tuner.chosen == 1
    # The first probe times 2 threads fully (nothing to compare with yet); every
    # later one tries them once and gives up at once.
    slow_steps = used.count(2)
    assert tuner.probes >= 8
    assert slow_steps == 3 + (tuner.probes - 1) + (1 if tuner.choose() == 2 else 0)


def test_a_machine_that_turns_busy_is_noticed_within_a_few_steps():
    tuner = ThreadTuner((1, 2), warmup_steps=0, hold_steps=1000)

    def turning(step: int, threads: int) -> float:
        return idle(step, threads) if step < 100 else busy(step, threads)

    used = _train(tuner, 200, turning)
    assert used[99] == 2
    assert 2 not in used[110:]
    assert tuner.chosen == 1


def test_a_machine_that_turns_idle_gets_more_threads_at_the_next_probe():
    tuner = ThreadTuner((1, 2), warmup_steps=0, hold_steps=20, max_hold_steps=20)

    def turning(step: int, threads: int) -> float:
        return busy(step, threads) if step < 100 else idle(step, threads)

    used = _train(tuner, 200, turning)
    assert used[90:100].count(1) >= 9
    assert tuner.chosen == 2
    assert used[-30:].count(2) >= 25  # the routine probes still time 1 thread


def test_routine_probes_come_less_often_while_the_choice_holds():
    tuner = ThreadTuner((1, 2), warmup_steps=0, probe_steps=3, hold_steps=10, max_hold_steps=80)
    _train(tuner, 300, idle)
    # Holds of 10, 20, 40, 80, 80 (+ probes of 6 steps) fit about 6 probes in 300 steps,
    # against 18 with a fixed hold of 10.
    assert 4 <= tuner.probes <= 7


def test_equal_speeds_choose_fewer_threads():
    tuner = ThreadTuner((1, 2, 4), warmup_steps=0)
    _train(tuner, 20, lambda _step, threads: 0.010 if threads == 1 else 0.0101)
    assert tuner.chosen == 1


def test_warmup_steps_run_on_the_largest_count_and_are_not_timed():
    tuner = ThreadTuner((1, 2), warmup_steps=2)
    assert [tuner.choose(), tuner.choose()] == [2, 2]
    tuner.record(2, 99.0)  # one-time costs: ignored
    tuner.record(2, 99.0)
    used = _train(tuner, 30, idle)
    assert tuner.chosen == 2 and used[-5:] == [2] * 5


def test_one_candidate_is_always_chosen():
    tuner = ThreadTuner((3,))
    assert _train(tuner, 10, lambda _s, _t: 0.01) == [3] * 10
    assert tuner.probes == 0


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="positive"):
        ThreadTuner(())
    with pytest.raises(ValueError, match="positive"):
        ThreadTuner((0, 1))
    with pytest.raises(ValueError, match="probe_steps"):
        ThreadTuner((1, 2), probe_steps=0)


def test_a_short_disturbance_at_the_start_of_a_probe_does_not_decide_it():
    # Steps 2 and 3 (the probe's first two, after two warm-up steps) are slow for
    # any count, like the last one-time costs of a fit: with the candidates taken
    # in turn each gets one slow step, and the medians still pick 2 threads.
    tuner = ThreadTuner((1, 2), warmup_steps=2, probe_steps=3)

    def disturbed(step: int, threads: int) -> float:
        return idle(step, threads) * (2.5 if step in (2, 3) else 1.0)

    used = _train(tuner, 12, disturbed)
    assert used[2:8] == [2, 1, 2, 1, 2, 1]
    assert tuner.probes == 1 and tuner.chosen == 2


def test_by_default_a_wrong_first_choice_is_revisited_within_a_few_dozen_steps():
    tuner = ThreadTuner((1, 2))

    def idle_later(step: int, threads: int) -> float:  # 2 threads slow during the first probe
        return busy(step, threads) if step < 8 else idle(step, threads)

    used = _train(tuner, 80, idle_later)
    assert used[8:40].count(2) <= 1  # the first choice: 1 thread
    assert used[-15:] == [2] * 15
