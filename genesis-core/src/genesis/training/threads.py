"""Choosing a training step's thread count from the step times measured while training.

A CTGAN or TVAE step is a few hundred small operations. On an idle machine a
second thread makes it about a third faster; when another process keeps a core
busy, every operation waits for the thread that lost its core and the step
becomes ten to a hundred times slower. No fixed count is right for both, so a
backend that can change its thread count between steps (torch) asks a
:class:`ThreadTuner` before each step and reports the step's duration after it.

The tuner times a few steps with each candidate count, taking the candidates in
turn (largest first: 2, 1, 2, 1, 2, 1), so that a passing disturbance or the last
one-time costs of the first steps fall on every candidate rather than on one. It
trains on with the fastest, and probes again when a step turns slow (the machine
got busier) or after a while (it may have become idle again); the wait between
routine probes starts short, so that a wrong early choice is soon corrected, and
doubles while the choice stays the same. A candidate whose first probe step is
far slower than the best one found (or than the last choice) is dropped from
that probe at once, so a busy machine costs one slow step per probe.

Results must not depend on the thread count for this to be safe: a backend
that uses the tuner keeps its arithmetic thread-invariant (the torch backend
tests that a seeded fit gives the same weights with 1 and 2 threads).
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Sequence

__all__ = ["ThreadTuner", "thread_candidates"]


def thread_candidates(available: int) -> tuple[int, ...]:
    """The counts worth trying when ``available`` threads may be used.

    Powers of two below ``available``, and ``available`` itself:
    ``thread_candidates(2) == (1, 2)``, ``thread_candidates(6) == (1, 2, 4, 6)``.
    """
    if available < 1:
        raise ValueError(f"available threads must be at least 1, got {available}")
    counts = []
    count = 1
    while count < available:
        counts.append(count)
        count *= 2
    counts.append(available)
    return tuple(counts)


class ThreadTuner:
    """Picks the thread count for each training step from the step times so far.

    Use: ``threads = tuner.choose()``, run the step with ``threads``, then
    ``tuner.record(threads, seconds)``.

    Args:
        candidates: the thread counts to choose from (at least one, each >= 1).
        warmup_steps: first steps (one-time costs) run with the largest
            candidate and are not measured.
        probe_steps: steps timed per candidate in a probe; the median counts.
        hold_steps: steps trained with the chosen count before the first routine
            probe; doubled after each probe that keeps the same count, up to
            ``max_hold_steps``.
        slowdown: a probe starts at once when the median of the last three steps
            exceeds this factor times the chosen count's probe median.
        give_up: a candidate whose first probe step exceeds this factor times the
            best median so far is not timed further in that probe.
    """

    def __init__(
        self,
        candidates: Sequence[int],
        *,
        warmup_steps: int = 2,
        probe_steps: int = 3,
        hold_steps: int = 50,
        max_hold_steps: int = 3200,
        slowdown: float = 1.5,
        give_up: float = 3.0,
    ) -> None:
        counts = sorted(set(int(c) for c in candidates))
        if not counts or counts[0] < 1:
            raise ValueError(f"thread candidates must be positive integers, got {candidates!r}")
        if min(warmup_steps, hold_steps) < 0 or probe_steps < 1:
            raise ValueError("warmup_steps and hold_steps must be >= 0 and probe_steps >= 1")
        self.candidates: tuple[int, ...] = tuple(counts)
        self._probe_steps = probe_steps
        self._base_hold = hold_steps
        self._max_hold = max(max_hold_steps, hold_steps)
        self._slowdown = slowdown
        self._give_up = give_up
        self._warmup_left = warmup_steps
        self._hold = hold_steps
        self._held = 0
        self._recent: deque[float] = deque(maxlen=3)
        self._chosen = counts[-1]
        self._chosen_median = float("inf")
        self._queue: list[int] = []
        self._timings: dict[int, list[float]] = {}
        self.probes = 0
        """How many probes have completed (for tests and diagnostics)."""
        if len(counts) > 1:
            self._start_probe()

    @property
    def chosen(self) -> int:
        """The count the last completed probe chose (the largest before any)."""
        return self._chosen

    def _start_probe(self) -> None:
        # Largest first: on an idle machine it is usually the best, and it sets the
        # bar that lets the others give up early when the machine is busy. Then in
        # turn, one step each, so that each candidate sees the same moments.
        self._queue = list(reversed(self.candidates)) * self._probe_steps
        self._timings = {c: [] for c in self.candidates}

    def choose(self) -> int:
        """The thread count to run the next step with."""
        if self._warmup_left > 0 or not self._queue:
            return self._chosen
        return self._queue[0]

    def record(self, threads: int, seconds: float) -> None:
        """Report that a step with ``threads`` threads took ``seconds``."""
        if self._warmup_left > 0:
            self._warmup_left -= 1
            return
        if self._queue and threads == self._queue[0]:
            self._record_probe(threads, seconds)
        elif not self._queue and threads == self._chosen:
            self._record_hold(seconds)

    def _record_probe(self, threads: int, seconds: float) -> None:
        self._timings[threads].append(seconds)
        self._queue.pop(0)
        medians = [statistics.median(t) for c, t in self._timings.items() if t and c != threads]
        # The bar: the best count of this probe so far, or the last probe's choice.
        best = min(medians, default=self._chosen_median)
        if len(self._timings[threads]) == 1 and seconds > self._give_up * best:
            # far slower than a count already timed: give up on it (on a first step
            # only: later ones are outvoted by the median if a step was unlucky)
            self._queue = [c for c in self._queue if c != threads]
        if not self._queue:
            self._finish_probe()

    def _finish_probe(self) -> None:
        medians = {c: statistics.median(t) for c, t in self._timings.items() if t}
        fastest = min(medians.values())
        # Fewer threads when they are as fast (within 5%): kinder to the machine.
        choice = min(c for c, m in medians.items() if m <= 1.05 * fastest)
        if choice == self._chosen and self.probes:
            self._hold = min(2 * self._hold, self._max_hold)
        else:
            self._hold = self._base_hold
        self._chosen = choice
        self._chosen_median = medians[choice]
        self._held = 0
        self._recent.clear()
        self.probes += 1

    def _record_hold(self, seconds: float) -> None:
        self._held += 1
        self._recent.append(seconds)
        slow = (
            len(self._recent) == self._recent.maxlen
            and statistics.median(self._recent) > self._slowdown * self._chosen_median
        )
        if slow:
            self._hold = self._base_hold
            self._start_probe()
        elif self._held >= self._hold:
            self._start_probe()
