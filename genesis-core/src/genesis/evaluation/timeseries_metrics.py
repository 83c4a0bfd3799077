"""TimeGAN's two post-hoc scores of synthetic sequences: discriminative and predictive.

Both train a small recurrent network *on the selected backend*, through the same
hooks as the generators (``genesis_build_model`` with the methods
:data:`~genesis.models.timegan.METRIC_CLASSIFIER` and
:data:`~genesis.models.timegan.METRIC_PREDICTOR`, ``genesis_train_step``,
``genesis_generate``); this module only splits the data, draws the batches with a
seeded numpy generator and computes the scores, so every backend that declares
those methods scores the same way.

* :func:`discriminative_score`: a GRU classifier (``hidden = max(1, features // 2)``,
  one cell by default as in the paper's code, last state → one logit) is trained
  for ``iterations`` Adam steps on 80% of the real and 80% of the synthetic
  sequences, each step on ``batch_size`` real and ``batch_size`` synthetic ones
  (labels 1 and 0); the score is ``|accuracy - 0.5|`` on the held-out 20% of
  both (threshold 0.5 on the sigmoid). 0 is best: the classifier cannot tell
  them apart.
* :func:`predictive_score`: a GRU (``hidden = max(1, features // 2)``) with a dense
  sigmoid output is trained for ``iterations`` steps on the synthetic sequences
  to predict the last feature at steps ``1 .. T-1`` from the other features at
  steps ``0 .. T-2`` (mean absolute error loss); the score is its mean absolute
  error on the real sequences ("train on synthetic, test on real"). Lower is better.

Both are random (initial weights, batches, the split); the paper reports the mean
and standard deviation over several runs: :func:`timeseries_scores` does that.

Inputs are ``(sequences, steps, features)`` arrays. By default both are min-max
scaled with the *real* data's per-feature minimum and maximum (as the paper's
code scales Stocks and Energy before training and scoring); pass
``normalize=False`` to score data as they are. The predictive score is an error
in the data's units, so the scale matters: the paper's Sines are generated in
[0, 1] and scored unscaled (they span [0.5, 1], and scaling them to their own
range doubles the error): compare Sines with the paper with ``normalize=False``.

Example:
    >>> from genesis.evaluation.timeseries_metrics import timeseries_scores
    >>> scores = timeseries_scores(real, synthetic, backend="torch", repeats=3)  # doctest: +SKIP
    >>> scores.discriminative_mean, scores.predictive_mean  # doctest: +SKIP
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from genesis.errors import ConfigurationError, DataValidationError, MethodNotSupportedError
from genesis.models.spec import ModelSpec
from genesis.models.timegan import (
    METRIC_CLASSIFIER,
    METRIC_PREDICTOR,
    SequenceClassifierBatch,
    SequenceMetricParams,
    SequencePredictorBatch,
)

if TYPE_CHECKING:
    from genesis.backends.backend import Backend
    from genesis.backends.info import BackendType

__all__ = [
    "DISCRIMINATIVE_ITERATIONS",
    "PREDICTIVE_ITERATIONS",
    "TimeSeriesScores",
    "discriminative_score",
    "predictive_score",
    "timeseries_scores",
]

#: Training iterations of the post-hoc classifier (the paper's code).
DISCRIMINATIVE_ITERATIONS = 2_000
#: Training iterations of the post-hoc predictor (the paper's code).
PREDICTIVE_ITERATIONS = 5_000
#: Share of each data set the classifier trains on.
TRAIN_SHARE = 0.8
#: Sequences per forward pass when scoring.
EVAL_CHUNK = 4_096


@dataclass(frozen=True)
class TimeSeriesScores:
    """Discriminative and predictive scores over ``repeats`` runs (lower is better)."""

    discriminative: tuple[float, ...]
    predictive: tuple[float, ...]

    @property
    def discriminative_mean(self) -> float:
        """Mean discriminative score."""
        return statistics.fmean(self.discriminative)

    @property
    def discriminative_std(self) -> float:
        """Standard deviation of the discriminative score (0 for one run)."""
        return statistics.pstdev(self.discriminative)

    @property
    def predictive_mean(self) -> float:
        """Mean predictive score."""
        return statistics.fmean(self.predictive)

    @property
    def predictive_std(self) -> float:
        """Standard deviation of the predictive score (0 for one run)."""
        return statistics.pstdev(self.predictive)


def _resolve_backend(backend: Backend | BackendType | str | None, method: str) -> Backend:
    from genesis.backends.backend import Backend

    if isinstance(backend, Backend):
        chosen = backend
    else:
        from genesis.backends.selection import select_backend

        chosen = select_backend(backend)
    if not chosen.supports(method):
        raise MethodNotSupportedError(
            f"The {chosen.name!r} backend cannot build TimeGAN's evaluation networks ({method!r} "
            "is not among its capabilities); choose a backend that declares 'timegan'."
        )
    return chosen


def _options(backend: Backend, seed: int | None, device: str, num_threads: int | None) -> Any:
    from genesis.backends.devices import resolve_device
    from genesis.backends.info import RuntimeOptions

    return RuntimeOptions(
        device=resolve_device(backend, device), seed=seed, num_threads=num_threads
    )


def _as_sequences(name: str, data: Any) -> np.ndarray:
    array = np.asarray(data)
    if array.ndim != 3 or array.shape[0] < 1 or array.shape[1] < 2 or array.shape[2] < 1:
        raise DataValidationError(
            f"{name} must be a (sequences, steps, features) array with at least 2 steps, got "
            f"shape {array.shape}"
        )
    if not np.issubdtype(array.dtype, np.number):
        raise DataValidationError(f"{name} must hold numbers, got dtype {array.dtype}")
    array = array.astype(np.float32)
    if not np.isfinite(array).all():
        raise DataValidationError(f"{name} holds NaN or infinite values")
    return array


def _prepare(real: Any, synthetic: Any, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    real_arr = _as_sequences("real", real)
    synth_arr = _as_sequences("synthetic", synthetic)
    if real_arr.shape[1:] != synth_arr.shape[1:]:
        raise DataValidationError(
            f"real and synthetic sequences differ in shape: {real_arr.shape[1:]} vs "
            f"{synth_arr.shape[1:]} (steps, features)"
        )
    if normalize:
        lo = real_arr.min(axis=(0, 1))
        span = real_arr.max(axis=(0, 1)) - lo
        span = np.where(span > 0, span, 1.0).astype(np.float32)
        real_arr = (real_arr - lo) / span
        synth_arr = (synth_arr - lo) / span
    return real_arr, synth_arr


def _check_iterations(iterations: int, batch_size: int) -> None:
    for name, value in (("iterations", iterations), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")


def _draw(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    return rng.choice(n, min(size, n), replace=False, shuffle=False)


def discriminative_score(
    real: Any,
    synthetic: Any,
    *,
    backend: Backend | BackendType | str | None = None,
    iterations: int = DISCRIMINATIVE_ITERATIONS,
    batch_size: int = 128,
    num_layers: int = 1,
    hidden_dim: int | None = None,
    normalize: bool = True,
    seed: int | None = None,
    device: str = "auto",
    num_threads: int | None = None,
) -> float:
    """``|accuracy - 0.5|`` of a post-hoc classifier of real vs. synthetic sequences.

    Args:
        real: ``(n, steps, features)`` real sequences.
        synthetic: ``(m, steps, features)`` synthetic sequences.
        backend: the backend (a :class:`~genesis.backends.backend.Backend`, a name, or
            ``None`` for automatic selection); it must declare
            :data:`~genesis.models.timegan.METRIC_CLASSIFIER`.
        iterations: training steps.
        batch_size: real (and as many synthetic) sequences per step.
        num_layers: GRU cells of the classifier. The default, one cell and the dense
            output (the "2-layer" classifier), is the authors' code, which produced
            the paper's figures. Two cells make a stronger judge (Sines, same
            synthetic data: 0.375 against 0.220), not comparable with the paper's.
        hidden_dim: units per cell (default ``max(1, features // 2)``).
        normalize: min-max scale both with the real data's range first.
        seed: seeds the split, the batches and the classifier's initial weights.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"mps"``.
        num_threads: framework threads (``None``: the backend's default).

    Returns:
        The score in [0, 0.5]; 0 means the classifier does no better than chance.

    Raises:
        MethodNotSupportedError: the backend cannot build the classifier.
        DataValidationError: the arrays are not comparable sequences.
    """
    _check_iterations(iterations, batch_size)
    real_arr, synth_arr = _prepare(real, synthetic, normalize)
    chosen = _resolve_backend(backend, METRIC_CLASSIFIER)
    features = real_arr.shape[2]
    params = SequenceMetricParams(
        hidden_dim=hidden_dim or max(1, features // 2), num_layers=num_layers
    )
    spec = ModelSpec(method=METRIC_CLASSIFIER, params=params, data_dim=features)
    rng = np.random.default_rng(seed)
    real_train, real_test = _split(real_arr, rng)
    synth_train, synth_test = _split(synth_arr, rng)
    model = chosen.build_model(spec, _options(chosen, seed, device, num_threads))
    for _ in range(iterations):
        x_real = real_train[_draw(rng, len(real_train), batch_size)]
        x_fake = synth_train[_draw(rng, len(synth_train), batch_size)]
        labels = np.concatenate(
            [np.ones(len(x_real), np.float32), np.zeros(len(x_fake), np.float32)]
        )
        chosen.train_step(
            model, SequenceClassifierBatch(x=np.concatenate([x_real, x_fake]), labels=labels)
        )
    logits_real = _predict(chosen, model, real_test)
    logits_fake = _predict(chosen, model, synth_test)
    correct = int((logits_real.reshape(-1) > 0).sum() + (logits_fake.reshape(-1) <= 0).sum())
    accuracy = correct / (len(real_test) + len(synth_test))
    return abs(accuracy - 0.5)


def predictive_score(
    real: Any,
    synthetic: Any,
    *,
    backend: Backend | BackendType | str | None = None,
    iterations: int = PREDICTIVE_ITERATIONS,
    batch_size: int = 128,
    num_layers: int = 1,
    hidden_dim: int | None = None,
    normalize: bool = True,
    seed: int | None = None,
    device: str = "auto",
    num_threads: int | None = None,
) -> float:
    """Mean absolute error on real data of a next-step predictor trained on synthetic data.

    Args:
        real, synthetic, backend, normalize, seed, device, num_threads: as in
            :func:`discriminative_score` (the backend must declare
            :data:`~genesis.models.timegan.METRIC_PREDICTOR`).
        iterations: training steps.
        batch_size: synthetic sequences per step.
        num_layers: GRU cells of the predictor.
        hidden_dim: units per cell (default ``max(1, features // 2)``).

    Returns:
        The mean absolute error (on the scaled data when ``normalize``).

    Raises:
        DataValidationError: fewer than two features (nothing to predict from).
    """
    _check_iterations(iterations, batch_size)
    real_arr, synth_arr = _prepare(real, synthetic, normalize)
    features = real_arr.shape[2]
    if features < 2:
        raise DataValidationError(
            "the predictive score needs at least 2 features: it predicts the last feature "
            "from the others"
        )
    chosen = _resolve_backend(backend, METRIC_PREDICTOR)
    params = SequenceMetricParams(
        hidden_dim=hidden_dim or max(1, features // 2), num_layers=num_layers
    )
    spec = ModelSpec(method=METRIC_PREDICTOR, params=params, data_dim=features - 1)
    rng = np.random.default_rng(seed)
    model = chosen.build_model(spec, _options(chosen, seed, device, num_threads))
    for _ in range(iterations):
        batch = synth_arr[_draw(rng, len(synth_arr), batch_size)]
        chosen.train_step(
            model, SequencePredictorBatch(x=batch[:, :-1, :-1], target=batch[:, 1:, -1:])
        )
    predictions = _predict(chosen, model, real_arr[:, :-1, :-1])
    return float(np.abs(predictions - real_arr[:, 1:, -1:]).mean())


def timeseries_scores(
    real: Any,
    synthetic: Any,
    *,
    repeats: int = 5,
    seed: int | None = None,
    discriminative_iterations: int = DISCRIMINATIVE_ITERATIONS,
    predictive_iterations: int = PREDICTIVE_ITERATIONS,
    **options: Any,
) -> TimeSeriesScores:
    """Both scores, ``repeats`` times each (seeds ``seed``, ``seed + 1``, ...).

    ``options`` go to both scores (``backend``, ``batch_size``, ``normalize``,
    ``device``, ``num_threads``).
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ConfigurationError(f"repeats must be a positive integer, got {repeats!r}")
    seeds = [None if seed is None else seed + i for i in range(repeats)]
    disc = tuple(
        discriminative_score(
            real, synthetic, iterations=discriminative_iterations, seed=s, **options
        )
        for s in seeds
    )
    pred = tuple(
        predictive_score(real, synthetic, iterations=predictive_iterations, seed=s, **options)
        for s in seeds
    )
    return TimeSeriesScores(discriminative=disc, predictive=pred)


def _split(data: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random 80/20 split; each part keeps at least one sequence."""
    if len(data) < 2:
        raise DataValidationError(
            "the discriminative score needs at least 2 real and 2 synthetic sequences"
        )
    order = rng.permutation(len(data))
    cut = min(max(1, int(TRAIN_SHARE * len(data))), len(data) - 1)  # floor, as the paper
    return data[order[:cut]], data[order[cut:]]


def _predict(backend: Backend, model: Any, x: np.ndarray) -> np.ndarray:
    chunks = [
        np.asarray(backend.generate(model, x[i : i + EVAL_CHUNK], None), dtype=np.float32)
        for i in range(0, len(x), EVAL_CHUNK)
    ]
    return np.concatenate(chunks)
