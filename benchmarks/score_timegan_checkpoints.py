"""Score saved TimeGAN models (checkpoints of one fit) as ``bench_timegan.py`` scores its fit.

A GAN's scores move while it trains, so the last model of a fit is one draw among
many. This script scores each model file it is given:

* **evaluation**: exactly the figure ``bench_timegan.py`` prints for a finished fit
  (the training data as the real side, ``seed + 1`` for the sample, metric seeds
  ``seed ..``; Sines unscaled, Stocks min-max scaled, as in the paper);
* **validation** (Sines only): the same scores against a fresh Sines draw
  (``--validation-seed``) with other sample and metric seeds (``seed + 100``).
  Choosing a model by its validation score and quoting its evaluation score keeps
  the choice from flattering the figure; choosing by the evaluation score would.

It prints one line per file and names the file with the best validation score.

    cd benchmarks
    .venv/bin/python bench_timegan.py --skip-timing --datasets sines --iterations 50000 \\
        --checkpoint-dir runs/sines --checkpoint-every 1000 --keep-checkpoints
    .venv/bin/python score_timegan_checkpoints.py --dataset sines runs/sines/*-joint*.genesis
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import bench_timegan as bench
import numpy as np


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("models", nargs="+", help="model files (.genesis) of TimeGAN fits")
    parser.add_argument("--dataset", required=True, choices=sorted(bench.PAPER_SCORES))
    parser.add_argument("--stock-data", default=str(bench.DEFAULT_STOCKS))
    parser.add_argument("--sines", type=int, default=10_000, help="Sines sequences (10,000)")
    parser.add_argument("--seed", type=int, default=0, help="the fit's --seed (default 0)")
    parser.add_argument(
        "--validation-seed", type=int, default=1, help="seed of the held-out Sines draw"
    )
    parser.add_argument("--metric-repeats", type=int, default=3)
    parser.add_argument(
        "--metric-iterations",
        default="2000,5000",
        help="DISC,PRED training iterations of the post-hoc networks (default %(default)s)",
    )
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the scores to this JSON file")
    args = parser.parse_args(argv)
    args.disc_iterations, args.pred_iterations = (int(v) for v in args.metric_iterations.split(","))
    return args


def _joint_iterations(path: Path) -> int:
    found = re.search(r"-joint(\d+)\.genesis$", path.name)
    return int(found.group(1)) if found else -1


def _scores(
    model: Any, data: Any, real: np.ndarray, seed: int, args: argparse.Namespace
) -> dict[str, float]:
    scores = bench.score_model(model, args.dataset, data, real, args.backend, args, seed=seed)
    return {
        "discriminative": scores.discriminative_mean,
        "discriminative_std": scores.discriminative_std,
        "predictive": scores.predictive_mean,
        "predictive_std": scores.predictive_std,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from genesis import SyntheticGenerator

    if args.dataset == "sines":
        data = real = bench.sines(args.sines, args.seed)
        held_out = bench.sines(args.sines, args.validation_seed)
        if args.validation_seed == args.seed:
            sys.exit("error: --validation-seed must differ from --seed (the training draw)")
    else:
        data = bench.stocks(args.stock_data)
        real, held_out = bench.sliding_windows(data.to_numpy(dtype=np.float64)), None
    paper = bench.PAPER_SCORES[args.dataset]
    print(f"{args.dataset}: paper {paper[0]:.3f} / {paper[1]:.3f}; {args.metric_repeats} runs each")
    results = {}
    for path in sorted((Path(m) for m in args.models), key=_joint_iterations):
        model = SyntheticGenerator.load(path, backend=args.backend, num_threads=args.threads)
        row = {
            "iterations": model.iterations_done,
            "evaluation": _scores(model, data, real, args.seed, args),
        }
        line = "  {:<40} evaluation {:.3f} +- {:.3f} / {:.4f}".format(
            path.name, row["evaluation"]["discriminative"],
            row["evaluation"]["discriminative_std"], row["evaluation"]["predictive"],
        )  # fmt: skip
        if held_out is not None:
            row["validation"] = _scores(model, data, held_out, args.seed + 100, args)
            line += "   validation {:.3f} / {:.4f}".format(
                row["validation"]["discriminative"], row["validation"]["predictive"]
            )
        print(line, flush=True)
        results[str(path)] = row
    if held_out is not None:
        best = min(results, key=lambda p: results[p]["validation"]["discriminative"])
        chosen = results[best]["evaluation"]
        print(
            f"chosen by validation: {Path(best).name}: evaluation "
            f"{chosen['discriminative']:.3f} / {chosen['predictive']:.4f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
