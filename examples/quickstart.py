"""Genesis quick start: learn a table, generate synthetic rows, check their quality.

Run from anywhere (takes well under a minute on a laptop CPU):

    python examples/quickstart.py

It writes ./genesis-quickstart/synthetic.csv and ./genesis-quickstart/report.html.
The same job on the command line is `genesis demo`.
"""

from __future__ import annotations

from pathlib import Path

from genesis import SyntheticGenerator
from genesis.datasets import load_adult_sample
from genesis.evaluation import evaluate

OUT = Path("genesis-quickstart")


def main(epochs: int = 50, rows: int = 1_000, out: Path = OUT) -> float:
    """Fit, sample, evaluate and save; returns the overall quality score."""
    # 1. A real table: 2,000 rows of the UCI Adult census data, shipped with Genesis.
    real = load_adult_sample()
    print(f"Real table: {real.shape[0]:,} rows × {real.shape[1]} columns")

    # 2. Learn it with CTGAN. Text columns are categories automatically; numbers are
    #    continuous. 50 epochs keeps this quick (the default, 300, gives better data).
    #    The backend (torch or tensorflow) is the best one installed.
    generator = SyntheticGenerator(method="ctgan", epochs=epochs, seed=0)
    generator.fit(real)

    # 3. Generate 1,000 new rows; they have the real table's columns and dtypes.
    synthetic = generator.sample(rows)
    print(synthetic.head())

    # 4. How close are they? 1.0 means indistinguishable by these measures
    #    (per-column distributions and pairwise relations, as in SDMetrics).
    report = evaluate(real, synthetic, history=generator.loss_history)
    print(f"\nOverall quality score: {report.overall_score:.3f}")
    print(f"Synthetic rows copying a real row: {report.privacy.exact_copy_rate:.2%}")

    # 5. Save the rows and a report to open in a browser (overwrite=True: rerunnable).
    out.mkdir(exist_ok=True)
    synthetic.to_csv(out / "synthetic.csv", index=False)
    report.save(out / "report.html", overwrite=True)
    print(f"\nWrote {out / 'synthetic.csv'} and {out / 'report.html'}")
    return report.overall_score


if __name__ == "__main__":
    main()
