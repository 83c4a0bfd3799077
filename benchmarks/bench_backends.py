"""Epoch time per backend: Genesis on TensorFlow vs Genesis on torch (issue 4).

Both backends fit the same method on the same train split with the same
hyperparameters, seed and ``num_threads`` (``--genesis-threads``, default 1),
interleaved (torch, tensorflow, torch, ...), each fit in a fresh process. The
epoch time is the median of epochs 2..N (epoch 1 also holds the data transform
and, on TensorFlow, graph tracing; it is shown on its own). Target: TF epoch time
<= 1.5 x torch's. While the TF backend does not implement a method yet, its
column says "not available yet" (``MethodNotSupportedError``).

Sampling per backend (TF, and numpy without a framework) is in bench_sampling.py.

    python bench_backends.py --data PATH            # full: 10 epochs, 3 repeats
    python bench_backends.py --data PATH --quick    # smoke: 2 epochs, 1,500 rows
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import workers
from common import (
    add_common_args,
    add_data_args,
    add_thread_args,
    data_spec,
    format_threads,
    median,
    print_header,
    print_table,
    ratio,
    try_isolated,
    verdict,
    write_json,
)

TARGET_RATIO = 1.5
BACKENDS = ("torch", "tensorflow")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_data_args(parser)
    add_common_args(parser)
    # 1 thread, TensorFlow's default; --peer-threads is accepted for run.sh and unused here
    add_thread_args(parser, genesis_default=1)
    parser.add_argument("--epochs", type=int, default=None, help="epochs per fit (default 10)")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = args.repeats or 1
        args.rows = args.rows or 1500
        args.epochs = args.epochs or 2
    args.repeats = args.repeats or 3
    args.epochs = args.epochs or 10
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (epoch 1 is reported apart)")
    return args


def _steady(run: dict[str, Any]) -> float:
    if run.get("status") != "ok":
        return float("nan")
    return median(run["epoch_seconds"][1:])


def _first(run: dict[str, Any]) -> float:
    return run["epoch_seconds"][0] if run.get("status") == "ok" else float("nan")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spec = data_spec(args)
    print_header("Epoch time: Genesis tensorflow vs torch backend, Adult, CPU", args, spec)
    rows = []
    results = []
    errors = 0
    for method in args.methods:
        runs: dict[str, list[dict[str, Any]]] = {b: [] for b in BACKENDS}
        for r in range(args.repeats):
            for backend in BACKENDS:
                run = try_isolated(
                    workers.fit_genesis,
                    method,
                    backend,
                    spec,
                    args.epochs,
                    args.seed + r,
                    args.genesis_threads,
                )
                runs[backend].append(run)
                desc = (
                    f"fit {run['seconds']:.1f} s, epoch 1 {_first(run):.2f} s, "
                    f"later epochs {_steady(run):.2f} s [{format_threads(run.get('threads'))}]"
                    if run.get("status") == "ok"
                    else f"{run.get('status')}: {run.get('error', '')}"
                )
                print(f"  [{method} round {r + 1}/{args.repeats}] {backend:<10} {desc}", flush=True)
        errors += sum(x.get("status") == "error" for v in runs.values() for x in v)
        torch_epoch = median([_steady(x) for x in runs["torch"]])
        for backend in BACKENDS:
            ok = [x for x in runs[backend] if x.get("status") == "ok"]
            epoch = median([_steady(x) for x in runs[backend]])
            tf = backend == "tensorflow"
            state = "" if ok else runs[backend][-1].get("status", "-")
            rows.append(
                [
                    method,
                    backend,
                    args.epochs,
                    median([_first(x) for x in runs[backend]]),
                    epoch,
                    median([x["seconds"] for x in ok]) if ok else float("nan"),
                    ratio(epoch, torch_epoch),
                    f"<= {TARGET_RATIO:g}" if tf else "-",
                    (verdict(ratio(epoch, torch_epoch), TARGET_RATIO) if tf else "")
                    if ok
                    else state,
                    format_threads(ok[-1]["threads"]) if ok else "-",
                ]
            )
        results.append({"method": method, "runs": runs})
    print_table(
        f"Epoch time per backend (median of {args.repeats}; seconds; epochs 2..N)",
        [
            "method",
            "backend",
            "epochs",
            "epoch 1 s",
            "epoch s",
            "fit s",
            "vs torch",
            "target",
            "",
            "threads",
        ],
        rows,
    )
    write_json(args.json, {"benchmark": "backends", "options": vars(args), "results": results})
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
