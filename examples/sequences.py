"""Genesis with sequences: TimeGAN on a long table of daily readings, scored as in the paper.

Run from anywhere (a few minutes on a laptop CPU; TimeGAN trains for iterations,
and the paper's 50,000 per phase take hours, see benchmarks/README.md):

    python examples/sequences.py

It writes ./genesis-sequences/synthetic.csv (a long table like the input, with
fresh sensor ids) and ./genesis-sequences/timegan.genesis (the model).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from genesis import SyntheticGenerator
from genesis.evaluation.timeseries_metrics import timeseries_scores
from genesis.timeseries.sines import make_sines

OUT = Path("genesis-sequences")
FEATURES = ["temperature", "humidity", "pressure"]


def sensor_table(sensors: int, days: int, seed: int = 0) -> pd.DataFrame:
    """A long table, one row per sensor and day: each reading a slow sine wave
    (the TimeGAN paper's Sines data, mapped to physical-looking units)."""
    waves = make_sines(sensors, days, len(FEATURES), seed=seed)  # (sensors, days, 3) in [0, 1]
    table = pd.DataFrame(
        waves.reshape(-1, len(FEATURES)) * [30.0, 60.0, 40.0] + [0.0, 20.0, 990.0],
        columns=FEATURES,
    )
    table.insert(0, "sensor", np.repeat([f"S{i:04d}" for i in range(sensors)], days))
    table.insert(1, "date", np.tile(pd.date_range("2026-01-01", periods=days, freq="D"), sensors))
    return table


def main(
    iterations: int = 1_000,
    sensors: int = 500,
    metric_iterations: tuple[int, int] = (2_000, 5_000),
    out: Path = OUT,
) -> dict[str, float]:
    """Fit, sample, score and save; returns the two scores (lower is better)."""
    # 1. A real long table: one row per (sensor, day), 24 days per sensor.
    real = sensor_table(sensors, days=24)
    print(real.head(3), f"\n... {len(real):,} rows, {real['sensor'].nunique()} sensors\n")

    # 2. Learn it with TimeGAN: the entity and ordering columns say how rows form
    #    sequences; every sequence of 24 days is one training window here.
    generator = SyntheticGenerator(method="timegan", seq_len=24, iterations=iterations, seed=0)
    generator.fit(real, entity_column="sensor", order_column="date")

    # 3. Sample as many sequences as there are real ones: a long table again.
    synthetic = generator.sample(sensors)
    print(synthetic.head(3), f"\n... {len(synthetic):,} rows\n")

    # 4. The paper's two scores on the (sequences, steps, features) arrays: a post-hoc
    #    classifier's |accuracy - 0.5| and a post-hoc predictor's error on real data.
    def windows(table: pd.DataFrame) -> np.ndarray:
        return table.sort_values(["sensor", "date"])[FEATURES].to_numpy().reshape(-1, 24, 3)

    disc_iterations, pred_iterations = metric_iterations
    scores = timeseries_scores(
        windows(real),
        windows(synthetic),
        repeats=1,
        seed=0,
        discriminative_iterations=disc_iterations,
        predictive_iterations=pred_iterations,
    )
    print(
        f"discriminative {scores.discriminative_mean:.3f}, predictive {scores.predictive_mean:.3f}"
    )

    # 5. Save the rows and the model (overwrite=True: rerunnable).
    out.mkdir(exist_ok=True)
    synthetic.to_csv(out / "synthetic.csv", index=False)
    generator.save(out / "timegan.genesis", overwrite=True)
    print(f"Wrote {out / 'synthetic.csv'} and {out / 'timegan.genesis'}")
    return {
        "discriminative": scores.discriminative_mean,
        "predictive": scores.predictive_mean,
    }


if __name__ == "__main__":
    main()
