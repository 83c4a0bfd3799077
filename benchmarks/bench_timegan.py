"""TimeGAN (issue 5): scores beside the paper's, and seconds per 1,000 iterations per phase.

Data sets, as in the paper (Yoon, Jarrett, van der Schaar, NeurIPS 2019):

* Sines: 10,000 sequences x 24 steps x 5 features, each ``sin(f t + phi)`` with
  ``f, phi ~ U(0, 0.1)``, mapped to [0, 1] (generated here, seeded);
* Stocks: the daily Google stock file (``--stock-data``, a CSV of Open, High, Low,
  Close, Adj_Close, Volume), in its natural time order, cut into 24-step windows
  with stride 1. The benchmark ships no data: pass the path (default
  ``../shared/data/stock_data.csv`` from the repository root).

For each data set: TimeGAN is fitted through ``SyntheticGenerator`` (``--iterations``
per phase), as many sequences as there are real windows are sampled, and the
discriminative and predictive scores (``genesis.evaluation.timeseries_metrics``,
``--metric-repeats`` runs, mean +- std) are printed beside the paper's
(Sines .011 / .093, Stocks .102 / .038).

Timing: for each backend (``--backends``), the three phases are run on the Sines
windows through the core's schedule (``genesis.timeseries.run_phase``) in
``--timing-chunks`` chunks of ``--timing-iterations / chunks`` iterations after a
warm-up; the median chunk gives the seconds per 1,000 iterations, beside the
authors' code on a 2-core CPU (22 / 12 / 190 s). The framework thread count is
set with ``--threads`` (default 1) and printed as the process really had it.

Checkpoints: with ``--checkpoint-dir DIR`` each fit runs in chunks of
``--checkpoint-every`` iterations and saves the model after each chunk (with its
training state: Adam's moments, the batch generator). Run again with the same
arguments after an interruption and the fit goes on from the last chunk; the
result is the uninterrupted fit's, to the bit (the resumed-fit tests check this).
The fit time printed is the sum over all runs. With ``--keep-checkpoints`` a copy
of each joint-phase checkpoint is kept beside it, for
``score_timegan_checkpoints.py`` (the scores move during training).

    python benchmarks/bench_timegan.py --quick                 # smoke: minutes
    python benchmarks/bench_timegan.py --iterations 50000      # the paper's budget: many hours
    python benchmarks/bench_timegan.py --skip-timing --datasets stocks \
        --checkpoint-dir benchmarks/results/checkpoints        # resumable
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STOCKS = REPO_ROOT.parent / "shared" / "data" / "stock_data.csv"

#: (discriminative, predictive) in the paper's Table 2.
PAPER_SCORES = {"sines": (0.011, 0.093), "stocks": (0.102, 0.038)}
#: Whether the scores min-max scale the data first, as the paper's pipeline does: its
#: Stocks loader scales each column to [0, 1] before windowing; its Sines are generated
#: in [0, 1] ((sin + 1) / 2, in fact within [0.5, 1]) and scored unscaled. Scaling
#: Sines to their own range doubles the predictive score's MAE (measured here: real
#: data scored against real data 0.189 scaled, 0.0945 unscaled; the paper: 0.094).
PAPER_NORMALIZE = {"sines": False, "stocks": True}
#: Seconds per iteration of the authors' code on a 2-core CPU (embedding, supervised, joint).
AUTHORS_SECONDS = {"embedding": 0.022, "supervised": 0.012, "joint": 0.19}
PHASES = ("embedding", "supervised", "joint")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: small budgets everywhere")
    parser.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="iterations per phase of the fits (default 50,000; quick 300)",
    )
    parser.add_argument(
        "--datasets", default="sines,stocks", help="comma-separated: sines, stocks (default both)"
    )
    parser.add_argument(
        "--stock-data",
        default=str(DEFAULT_STOCKS),
        help="the stocks CSV (default: %(default)s, i.e. ../shared/data/stock_data.csv)",
    )
    parser.add_argument(
        "--backends", default="torch", help="comma-separated backends to time and fit with"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="framework intra-op threads (default 1)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--metric-repeats", type=int, default=None, help="score runs (default 3; quick 1)"
    )
    parser.add_argument(
        "--metric-iterations",
        default=None,
        help="DISC,PRED training iterations of the post-hoc networks "
        "(default 2000,5000; quick 300,500)",
    )
    parser.add_argument(
        "--timing-iterations",
        type=int,
        default=None,
        help="iterations per phase timed (default 1000; quick 60)",
    )
    parser.add_argument(
        "--timing-chunks",
        type=int,
        default=None,
        help="timing chunks per phase (default 5; quick 3)",
    )
    parser.add_argument(
        "--sines", type=int, default=10_000, help="number of Sines sequences (default 10,000)"
    )
    parser.add_argument("--skip-scores", action="store_true", help="timings only")
    parser.add_argument("--skip-timing", action="store_true", help="scores only")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    parser.add_argument(
        "--checkpoint-dir",
        default=None,
        help="save each fit here every --checkpoint-every iterations and resume from it",
    )
    parser.add_argument(
        "--checkpoint-every",
        type=int,
        default=2_000,
        help="iterations per chunk between checkpoints (default 2,000)",
    )
    parser.add_argument(
        "--keep-checkpoints",
        action="store_true",
        help="also keep a copy of each joint-phase checkpoint, STEM-jointN.genesis "
        "(to score them with score_timegan_checkpoints.py)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.iterations = args.iterations or (300 if quick else 50_000)
    args.metric_repeats = args.metric_repeats or (1 if quick else 3)
    disc, pred = (300, 500) if quick else (2_000, 5_000)
    if args.metric_iterations:
        disc, pred = (int(v) for v in args.metric_iterations.split(","))
    args.disc_iterations, args.pred_iterations = disc, pred
    args.timing_iterations = args.timing_iterations or (60 if quick else 1_000)
    args.timing_chunks = args.timing_chunks or (3 if quick else 5)
    args.datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(args.datasets) - set(PAPER_SCORES))
    if unknown:
        parser.error(f"unknown data set(s) {unknown}; choose from sines, stocks")
    return args


# --------------------------------------------------------------------------- data


def sines(n: int, seed: int) -> np.ndarray:
    from genesis.timeseries import make_sines

    return make_sines(n, seq_len=24, features=5, seed=seed)


def stocks(path: str) -> Any:
    import pandas as pd

    source = Path(path)
    if not source.is_file():
        sys.exit(
            f"error: stock data not found: {source}\nPass the stocks CSV with --stock-data PATH "
            "(Open, High, Low, Close, Adj_Close, Volume; the lead's copy lives in "
            "shared/data/stock_data.csv next to the repository), or --datasets sines."
        )
    return pd.read_csv(source).astype("float64")  # natural time order, not reversed


def sliding_windows(values: np.ndarray, seq_len: int = 24) -> np.ndarray:
    starts = np.arange(len(values) - seq_len + 1)
    return values[starts[:, None] + np.arange(seq_len)]


# --------------------------------------------------------------------------- runs


def thread_info(backend: str) -> str:
    if backend == "torch":
        import torch

        return (
            f"torch intra-op threads {torch.get_num_threads()}, "
            f"interop {torch.get_num_interop_threads()}"
        )
    if backend == "tensorflow":
        import tensorflow as tf

        return (
            f"tf intra-op threads {tf.config.threading.get_intra_op_parallelism_threads()}, "
            f"inter-op {tf.config.threading.get_inter_op_parallelism_threads()}"
        )
    return "threads: unknown"


def time_phases(backend_name: str, windows: np.ndarray, args: argparse.Namespace) -> dict[str, Any]:
    """Seconds per 1,000 iterations of each phase (median over chunks) on ``windows``."""
    from genesis.backends import BackendNotAvailableError
    from genesis.backends.info import RuntimeOptions
    from genesis.backends.selection import select_backend
    from genesis.errors import MethodNotSupportedError
    from genesis.models.spec import ModelSpec
    from genesis.models.timegan import TimeGANParams
    from genesis.timeseries import WindowSampler, run_phase

    try:
        backend = select_backend(backend_name)
        if not backend.supports("timegan"):
            raise MethodNotSupportedError(
                f"the {backend_name!r} backend does not declare 'timegan'"
            )
        spec = ModelSpec(method="timegan", params=TimeGANParams(), data_dim=windows.shape[2])
        model = backend.build_model(
            spec, RuntimeOptions(device="cpu", seed=args.seed, num_threads=args.threads)
        )
    except (BackendNotAvailableError, MethodNotSupportedError) as exc:
        return {"status": "unsupported", "error": str(exc)}
    sampler = WindowSampler(windows, 128, np.random.default_rng(args.seed))

    def step(batch: Any) -> dict[str, float]:
        return backend.train_step(model, batch)

    result: dict[str, Any] = {"status": "ok", "phases": {}}
    chunk = max(1, args.timing_iterations // args.timing_chunks)
    for phase in PHASES:
        run_phase(phase, min(5, chunk), sampler, step)  # warm-up (allocations, first calls)
        per_thousand = []
        cpu_per_thousand = []
        for _ in range(args.timing_chunks):
            cpu0 = time.process_time()
            _, timing = run_phase(phase, chunk, sampler, step)
            cpu = time.process_time() - cpu0
            per_thousand.append(timing.seconds / chunk * 1000)
            cpu_per_thousand.append(cpu / chunk * 1000)
        result["phases"][phase] = {
            "iterations": chunk * args.timing_chunks,
            "median_s_per_1000": statistics.median(per_thousand),
            "min_s_per_1000": min(per_thousand),
            "cpu_s_per_1000": statistics.median(cpu_per_thousand),
        }
    result["threads"] = thread_info(backend_name)
    return result


def checkpointed_fit(
    gen: Any, name: str, data: Any, backend_name: str, args: argparse.Namespace
) -> tuple[Any, float]:
    """Fit ``gen`` in chunks, saving after each; go on from an existing checkpoint.

    Returns the fitted generator and the fit's wall time summed over every run.
    """
    from genesis import SyntheticGenerator

    folder = Path(args.checkpoint_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{backend_name}-seed{args.seed}-it{args.iterations}"
    path, clock = folder / f"{stem}.genesis", folder / f"{stem}.json"
    seconds, done = 0.0, {}
    if path.exists():
        gen = SyntheticGenerator.load(
            path,
            backend=backend_name,
            num_threads=args.threads,
            device="cpu",
            verbose=not args.quick,
        )
        saved = json.loads(clock.read_text())
        seconds = float(saved["fit_seconds"])
        done = gen.iterations_done
        if saved.get("done") != done:  # stopped between the model's save and this file's
            print(f"  warning: the fit time misses the chunk that ended at {done}")
        print(f"  {stem}: resuming at {done} after {seconds:.0f} s of fitting", flush=True)
    for phase in PHASES:
        while done.get(phase, 0) < args.iterations:
            chunk = min(args.checkpoint_every, args.iterations - done.get(phase, 0))
            start = time.perf_counter()
            gen.fit(data, resume=bool(done), iterations={phase: chunk})
            seconds += time.perf_counter() - start
            gen.save(path)
            done = gen.iterations_done
            clock.write_text(json.dumps({"fit_seconds": seconds, "done": done}))
            if args.keep_checkpoints and phase == "joint":
                shutil.copyfile(path, folder / f"{stem}-joint{done['joint']}.genesis")
            print(f"  {stem}: checkpoint at {done}, {seconds:.0f} s", flush=True)
    return gen, seconds


def score_model(
    gen: Any,
    name: str,
    data: Any,
    real: np.ndarray,
    backend_name: str,
    args: argparse.Namespace,
    *,
    seed: int,
) -> Any:
    """The paper's two scores of ``gen`` against ``real``: sample seed ``seed + 1``,
    metric seeds ``seed ..``; a table model's sample is cut back to ``data``'s columns."""
    import pandas as pd

    from genesis.evaluation.timeseries_metrics import timeseries_scores

    synthetic = gen.sample(len(real), seed=seed + 1)
    if isinstance(synthetic, pd.DataFrame):
        features = list(data.columns)
        synthetic = synthetic[features].to_numpy(dtype=np.float64).reshape(real.shape)
    return timeseries_scores(
        real,
        synthetic,
        repeats=args.metric_repeats,
        seed=seed,
        discriminative_iterations=args.disc_iterations,
        predictive_iterations=args.pred_iterations,
        backend=backend_name,
        num_threads=args.threads,
        device="cpu",
        normalize=PAPER_NORMALIZE[name],
    )


def fit_and_score(
    name: str, data: Any, backend_name: str, args: argparse.Namespace
) -> dict[str, Any]:
    import pandas as pd

    from genesis import SyntheticGenerator
    from genesis.errors import GenesisError

    if isinstance(data, pd.DataFrame):
        real = sliding_windows(data.to_numpy(dtype=np.float64))
    else:
        real = data
    gen = SyntheticGenerator(
        method="timegan",
        backend=backend_name,
        seq_len=24,
        iterations=args.iterations,
        seed=args.seed,
        num_threads=args.threads,
        device="cpu",
        verbose=not args.quick,
    )
    try:
        if args.checkpoint_dir:
            gen, fit_seconds = checkpointed_fit(gen, name, data, backend_name, args)
        else:
            start = time.perf_counter()
            gen.fit(data)
            fit_seconds = time.perf_counter() - start
    except GenesisError as exc:
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    start = time.perf_counter()
    scores = score_model(gen, name, data, real, backend_name, args, seed=args.seed)
    history = gen.loss_history
    last = history.groupby("phase").last()
    return {
        "status": "ok",
        "windows": len(real),
        "fit_seconds": fit_seconds,
        "score_seconds": time.perf_counter() - start,
        "discriminative": list(scores.discriminative),
        "predictive": list(scores.predictive),
        "discriminative_mean": scores.discriminative_mean,
        "discriminative_std": scores.discriminative_std,
        "predictive_mean": scores.predictive_mean,
        "predictive_std": scores.predictive_std,
        "final_losses": {
            phase: {k: float(v) for k, v in row.dropna().items() if k != "iteration"}
            for phase, row in last.iterrows()
        },
    }


# --------------------------------------------------------------------------- output


def header(args: argparse.Namespace) -> None:
    import numpy

    print("TimeGAN benchmark (issue 5)")
    print(f"  python {platform.python_version()}, numpy {numpy.__version__}, {platform.machine()}")
    try:
        import torch

        print(f"  torch {torch.__version__}")
    except ImportError:
        pass
    with contextlib.suppress(OSError):
        print(f"  cpu: {os.cpu_count()} logical cores, load average {os.getloadavg()}")
    print(
        f"  iterations per phase {args.iterations}, metric runs {args.metric_repeats} "
        f"(classifier {args.disc_iterations}, predictor {args.pred_iterations} iterations), "
        f"threads {args.threads}, seed {args.seed}"
    )
    if args.iterations < 50_000:
        print("  note: the paper trains 50,000 iterations per phase; fewer give worse scores.")
    print()


def print_timings(results: dict[str, Any]) -> None:
    print("Seconds per 1,000 iterations (median of chunks; CPU seconds in brackets)")
    print(f"  {'backend':12s} {'embedding':>18s} {'supervised':>18s} {'joint':>18s}")
    authors = "  ".join(f"{AUTHORS_SECONDS[p] * 1000:>16.1f}" for p in PHASES)
    print(f"  {'authors, 2 cores':12s}  {authors}")
    for name, result in results.items():
        if result.get("status") != "ok":
            print(f"  {name:12s} {result.get('status')}: {result.get('error', '')}")
            continue
        cells = []
        for phase in PHASES:
            p = result["phases"][phase]
            cells.append(f"{p['median_s_per_1000']:8.2f} [{p['cpu_s_per_1000']:6.2f}]")
        print(f"  {name:12s} {'  '.join(cells)}")
        ratios = ", ".join(
            f"{phase} {result['phases'][phase]['median_s_per_1000'] / (ref * 1e3):.2f}x"
            for phase, ref in AUTHORS_SECONDS.items()
        )
        print(f"  {'':12s} vs authors: {ratios}; {result['threads']}")
    print()


def print_scores(results: dict[str, dict[str, Any]]) -> None:
    print("Scores (lower is better; mean +- std over runs)")
    print(
        f"  {'data set':8s} {'backend':10s} {'discriminative':>22s} {'paper':>6s} "
        f"{'predictive':>22s} {'paper':>6s}"
    )
    for (dataset, backend), result in results.items():
        paper_d, paper_p = PAPER_SCORES[dataset]
        if result.get("status") != "ok":
            print(f"  {dataset:8s} {backend:10s} {result.get('status')}: {result.get('error', '')}")
            continue
        d = f"{result['discriminative_mean']:.3f} +- {result['discriminative_std']:.3f}"
        p = f"{result['predictive_mean']:.3f} +- {result['predictive_std']:.3f}"
        print(f"  {dataset:8s} {backend:10s} {d:>22s} {paper_d:>6.3f} {p:>22s} {paper_p:>6.3f}")
        print(
            f"  {'':8s} {'':10s} fit {result['fit_seconds']:.1f} s, "
            f"scoring {result['score_seconds']:.1f} s, "
            f"{result['windows']} windows"
        )
    print()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    header(args)
    output: dict[str, Any] = {"args": {k: v for k, v in vars(args).items()}}
    data = {}
    if "sines" in args.datasets or not args.skip_timing:
        data["sines"] = sines(args.sines if not args.quick else min(args.sines, 2_000), args.seed)
    if "stocks" in args.datasets and not args.skip_scores:
        data["stocks"] = stocks(args.stock_data)

    if not args.skip_timing:
        timings = {b: time_phases(b, data["sines"].astype(np.float32), args) for b in args.backends}
        print_timings(timings)
        output["timings"] = timings

    if not args.skip_scores:
        scores: dict[tuple[str, str], dict[str, Any]] = {}
        for dataset in args.datasets:
            for backend in args.backends:
                scores[(dataset, backend)] = fit_and_score(dataset, data[dataset], backend, args)
        print_scores(scores)
        output["scores"] = {f"{d}/{b}": r for (d, b), r in scores.items()}

    if args.json:
        Path(args.json).write_text(json.dumps(output, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
