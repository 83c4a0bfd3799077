"""Cross-backend parity: the backend under test agrees with a reference backend.

Two kinds of agreement, for every method both backends declare:

* **Deterministic** (CTGAN, TVAE, TimeGAN): a model file saved on one backend
  samples the same rows on the other, in both directions. Weights are
  framework-neutral, so this holds to float32 rounding.
* **Statistical** (CTGAN, TVAE): the same table, configuration and seed give
  column-shape scores (the SDMetrics formulas of
  :mod:`genesis.evaluation.quality`) within :data:`SCORE_TOLERANCE` of each
  other. The two backends draw different random numbers, so the two models
  differ; their quality must not.

The reference backend is the ``genesis_reference_backend_name`` fixture. These
tests skip only when no second backend that declares the method is installed,
as a comparison then cannot be made; a backend that does not declare the
method gets the documented error asserted, as everywhere in the suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from genesis import SyntheticGenerator
from genesis.backends import Backend, BackendRegistry
from genesis.datasets import load_adult_sample
from genesis.evaluation.encoding import column_kinds, encode_tables
from genesis.evaluation.quality import column_shapes
from genesis.models.spec import CTGANParams, TVAEParams
from genesis_testkit.capabilities import requires_capability, tiny_table
from genesis_testkit.suite import methods, timegan

__all__ = [
    "PARITY_COLUMNS",
    "PARITY_SEED",
    "PARITY_TRAINING",
    "SCORE_TOLERANCE",
    "ParityTests",
    "ParityTraining",
    "column_shapes_score",
    "parity_table",
    "training_score",
]

#: Largest difference allowed between the two backends' column-shape scores.
SCORE_TOLERANCE = 0.02

#: The Adult columns the statistical test learns: two integers and eight categories
#: (``capital-gain`` and ``capital-loss``, over 90% zeros, varied most from seed to
#: seed in short trainings, and are left out).
PARITY_COLUMNS = (
    "age",
    "hours-per-week",
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "income",
)


@dataclass(frozen=True)
class ParityTraining:
    """How each backend trains and is scored in the statistical parity test.

    A model is sampled and scored after each of the last ``scored_epochs``
    epochs, and the scores averaged: a GAN's quality swings from epoch to epoch
    (by about ±0.02 here), so one final score would compare two phases of
    those swings rather than two backends.

    Attributes:
        options: :class:`~genesis.SyntheticGenerator` options, the same on both backends.
        warmup_epochs: epochs trained before scoring starts.
        scored_epochs: epochs trained one by one, each followed by a score.
        sample_rows: rows sampled for each score.
    """

    options: dict[str, Any] = field(default_factory=dict)
    warmup_epochs: int = 30
    scored_epochs: int = 20
    sample_rows: int = 2_000


#: The statistical test's training, per method. Measured on torch and tensorflow
#: over seeds 0-15 (CTGAN) and 0-7 (TVAE): the two scores never differed by more
#: than 0.008, a test takes 7 s (TVAE) to 15 s (CTGAN) on two CPU cores.
PARITY_TRAINING: dict[str, ParityTraining] = {
    "ctgan": ParityTraining(
        options={
            "batch_size": 100,
            "ctgan": CTGANParams(generator_dim=(128, 128), discriminator_dim=(128, 128)),
        },
        warmup_epochs=30,
        scored_epochs=20,
    ),
    "tvae": ParityTraining(
        options={
            "batch_size": 100,
            "tvae": TVAEParams(compress_dims=(64, 64), decompress_dims=(64, 64), embedding_dim=32),
        },
        warmup_epochs=60,
        scored_epochs=20,
    ),
}

#: The seed both backends train with in the statistical test.
PARITY_SEED = 0


def parity_table() -> pd.DataFrame:
    """The statistical test's real table: :data:`PARITY_COLUMNS` of the 2,000-row Adult sample."""
    return load_adult_sample()[list(PARITY_COLUMNS)]


def column_shapes_score(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """The mean column-shape score of ``synthetic`` against ``real``, in [0, 1].

    The number :func:`genesis.evaluation.evaluate` reports as
    ``column_shapes_score``, without the pair trends and privacy checks it also
    computes.
    """
    encoded = encode_tables([real, synthetic], column_kinds(real))
    return float(np.mean([shape.score for shape in column_shapes(encoded)]))


def training_score(
    method: str, backend: Backend, table: pd.DataFrame, training: ParityTraining, seed: int
) -> float:
    """Train ``method`` on ``backend`` as ``training`` says; the mean of its scores.

    Args:
        method: ``"ctgan"`` or ``"tvae"``.
        backend: the backend to train on.
        table: the real table.
        training: epochs, options and sample size.
        seed: the generator's seed.

    Returns:
        The mean of the column-shape scores taken after each scored epoch
        (sample ``i`` is drawn with seed ``i``, the same on every backend).
    """
    gen = SyntheticGenerator(
        method=method,
        backend=backend,
        epochs=training.warmup_epochs,
        seed=seed,
        verbose=False,
        **training.options,
    ).fit(table)
    scores: list[float] = []

    def score(_: object) -> None:
        synthetic = gen.sample(training.sample_rows, seed=len(scores))
        assert isinstance(synthetic, pd.DataFrame)
        scores.append(column_shapes_score(table, synthetic))

    gen.fit(table, epochs=training.scored_epochs, resume=True, callbacks=[score])
    return float(np.mean(scores))


def _reference(
    name: str | None, backend: Backend, registry: BackendRegistry, method: str
) -> Backend:
    """The reference backend for ``method``; skips when there is none to compare with."""
    if name is None:
        pytest.skip(
            f"parity for {method!r} needs a second installed backend that declares it, "
            f"besides {backend.name!r}; none is installed, so there is nothing to compare with"
        )
    if name == backend.name:
        pytest.fail(f"the reference backend must differ from the backend under test ({name!r})")
    reference = registry.backend(name)
    if not reference.supports(method):
        pytest.fail(f"the reference backend {name!r} does not declare {method!r}")
    return reference


def _tiny(method: str, backend: Backend) -> SyntheticGenerator:
    """The method tests' small, seeded model of ``method``, fitted on ``backend``."""
    if method == "timegan":
        return timegan._small(backend).fit(timegan.sine_array())
    return methods._small(method, backend).fit(tiny_table(missing=True))


def _assert_same_samples(loaded: SyntheticGenerator, saved: SyntheticGenerator) -> None:
    """``loaded`` samples what ``saved`` samples, to float32 rounding.

    Tables: the same discrete and integer values, floats within pandas' default
    relative tolerance (1e-5), conditioned sampling too. TimeGAN: values within
    1e-3 (data in [0, 10]). The tolerances of the backends' own cross-backend tests.
    """
    if saved.method == "timegan":
        np.testing.assert_allclose(loaded.sample(20, seed=3), saved.sample(20, seed=3), atol=1e-3)
        return
    for kwargs in ({"n": 150, "seed": 3}, {"n": 40, "conditions": {"city": "Faro"}, "seed": 4}):
        got, expected = loaded.sample(**kwargs), saved.sample(**kwargs)
        assert isinstance(got, pd.DataFrame) and isinstance(expected, pd.DataFrame)
        pd.testing.assert_frame_equal(got, expected)


each_tabular = pytest.mark.parametrize("method", ["ctgan", "tvae"])
each_method = pytest.mark.parametrize("method", ["ctgan", "tvae", "timegan"])


class ParityTests:
    """The backend under test against the reference backend: the same rows, the same quality."""

    @each_method
    @pytest.mark.parametrize("direction", ["from_reference", "to_reference"])
    @requires_capability("{method}")
    def test_model_file_samples_the_same_rows_across_backends(
        self,
        genesis_backend: Backend,
        genesis_registry: BackendRegistry,
        genesis_reference_backend_name: str | None,
        method: str,
        direction: str,
        tmp_path: Path,
    ) -> None:
        """Saved on one backend, loaded on the other (both ways): the same rows for a seed."""
        reference = _reference(
            genesis_reference_backend_name, genesis_backend, genesis_registry, method
        )
        source, target = (
            (reference, genesis_backend)
            if direction == "from_reference"
            else (genesis_backend, reference)
        )
        saved = _tiny(method, source)
        path = saved.save(tmp_path / f"{method}.genesis")

        loaded = SyntheticGenerator.load(
            path, backend=target.name, registry=genesis_registry, verbose=False
        )

        assert loaded.backend.name == target.name
        _assert_same_samples(loaded, saved)

    @each_tabular
    @requires_capability("{method}")
    def test_column_shape_scores_match_the_reference(
        self,
        genesis_backend: Backend,
        genesis_registry: BackendRegistry,
        genesis_reference_backend_name: str | None,
        method: str,
    ) -> None:
        """The same table, configuration and seed: scores within :data:`SCORE_TOLERANCE`."""
        reference = _reference(
            genesis_reference_backend_name, genesis_backend, genesis_registry, method
        )
        table = parity_table()
        training = PARITY_TRAINING[method]

        score = training_score(method, genesis_backend, table, training, PARITY_SEED)
        expected = training_score(method, reference, table, training, PARITY_SEED)

        assert abs(score - expected) <= SCORE_TOLERANCE, (
            f"{method} column-shape score on {genesis_backend.name!r} is {score:.4f}, "
            f"on the reference {reference.name!r} {expected:.4f}: they differ by "
            f"{abs(score - expected):.4f}, more than {SCORE_TOLERANCE}"
        )
