"""Sampling 1,000,000 rows: Genesis vs ctgan 0.12.1 (issue 3), and per backend (issue 4).

One model per implementation and method is fitted first (``--fit-epochs``,
default 1: sampling cost does not depend on how well the model is trained, only
on the networks and the data transform, which are fitted on the full train
split) and saved. Then, interleaved and each in a fresh process, the saved model
is loaded (not timed) and ``sample(n)`` is timed:

* ctgan: ``CTGAN.load(path).sample(n)``, torch's default threads;
* genesis torch: ``SyntheticGenerator.load(path, backend="torch").sample(n)`` - target <= 5 s;
* genesis torch bfloat16: the same with ``sample(n, precision="bfloat16")`` (the network
  in bfloat16; rows differ slightly from float32's) - same target, as an opt-in;
* genesis numpy: ``SyntheticGenerator.load(path, backend="numpy")``, no deep-learning
  framework (issue 4) - target <= 2 x genesis torch;
* genesis tensorflow, the same torch-trained model loaded on the TF backend
  (weights are framework-neutral).

    python bench_sampling.py --data PATH            # full: 1,000,000 rows, 3 repeats
    python bench_sampling.py --data PATH --quick    # smoke: 20,000 rows from a 1,500-row fit
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import workers
from common import (
    add_common_args,
    add_data_args,
    add_device_arg,
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

TARGET_TORCH_SECONDS = 5.0
TARGET_NUMPY_RATIO = 2.0
IMPLS = (
    "ctgan",
    "genesis torch",
    "genesis torch bfloat16",
    "genesis numpy",
    "genesis tensorflow",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_data_args(parser)
    add_common_args(parser)
    add_thread_args(parser)
    add_device_arg(parser)
    parser.add_argument("--n", type=int, default=None, help="rows to sample (default 1,000,000)")
    parser.add_argument("--fit-epochs", type=int, default=1, help="epochs of the fitted models")
    parser.add_argument(
        "--impls",
        default=",".join(IMPLS),
        type=lambda s: [x.strip() for x in s.split(",") if x.strip()],
        help=f"comma-separated subset of: {', '.join(IMPLS)}",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = args.repeats or 1
        args.rows = args.rows or 1500
        args.n = args.n or 20_000
    args.repeats = args.repeats or 3
    args.n = args.n or 1_000_000
    unknown = sorted(set(args.impls) - set(IMPLS))
    if unknown:
        parser.error(f"unknown --impls {unknown}; choose from {IMPLS}")
    return args


def _sample(impl: str, paths: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    if impl == "ctgan":
        return try_isolated(
            workers.sample_peer, paths["ctgan"], args.n, args.peer_threads, device=args.device
        )
    parts = impl.split()
    backend, precision = parts[1], (parts[2] if len(parts) > 2 else "float32")
    return try_isolated(
        workers.sample_genesis,
        paths["genesis"],
        backend,
        args.n,
        args.genesis_threads,
        precision=precision,
        device="cpu" if backend == "numpy" else args.device,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spec = data_spec(args)
    print_header(
        f"Sampling {args.n:,} rows: Genesis vs ctgan 0.12.1, Adult, {args.device.upper()}",
        args,
        spec,
    )
    out: list[dict[str, Any]] = []
    errors = 0
    table_rows = []
    with tempfile.TemporaryDirectory(prefix="genesis-bench-") as tmp:
        for method in args.methods:
            paths = {
                "ctgan": str(Path(tmp) / f"{method}.ctgan.pkl"),
                "genesis": str(Path(tmp) / f"{method}.genesis"),
            }
            fits = {
                "ctgan": try_isolated(
                    workers.fit_peer,
                    method,
                    spec,
                    args.fit_epochs,
                    args.seed,
                    args.peer_threads,
                    save_path=paths["ctgan"],
                    device=args.device,
                ),
                "genesis": try_isolated(
                    workers.fit_genesis,
                    method,
                    "torch",
                    spec,
                    args.fit_epochs,
                    args.seed,
                    args.genesis_threads,
                    save_path=paths["genesis"],
                    device=args.device,
                ),
            }
            for name, fit in fits.items():
                state = f"{fit['seconds']:.1f} s" if fit.get("status") == "ok" else fit.get("error")
                print(
                    f"  [{method}] fitted {name} ({args.fit_epochs} epoch(s)): {state}", flush=True
                )
            runs: dict[str, list[dict[str, Any]]] = {impl: [] for impl in args.impls}
            for r in range(args.repeats):
                for impl in args.impls:
                    source = "ctgan" if impl == "ctgan" else "genesis"
                    if fits[source].get("status") != "ok":
                        run = {
                            "status": "error",
                            "error": f"fit failed: {fits[source].get('error')}",
                        }
                    else:
                        run = _sample(impl, paths, args)
                    runs[impl].append(run)
                    desc = (
                        f"{run['seconds']:.2f} s [{format_threads(run.get('threads'))}]"
                        if run.get("status") == "ok"
                        else f"{run.get('status')}: {run.get('error', '')}"
                    )
                    print(
                        f"  [{method} round {r + 1}/{args.repeats}] {impl:<22} {desc}", flush=True
                    )
            errors += sum(x.get("status") == "error" for v in runs.values() for x in v)
            errors += sum(f.get("status") == "error" for f in fits.values())

            def med(impl: str, runs: dict[str, list[dict[str, Any]]] = runs) -> float:
                return median(
                    [
                        x["seconds"] if x.get("status") == "ok" else float("nan")
                        for x in runs.get(impl, [])
                    ]
                )

            peer, torch_s = med("ctgan"), med("genesis torch")
            for impl in args.impls:
                ok = [x for x in runs[impl] if x.get("status") == "ok"]
                s = med(impl)
                if impl in ("genesis torch", "genesis torch bfloat16"):
                    target, check = (
                        f"<= {TARGET_TORCH_SECONDS:g} s",
                        verdict(s, TARGET_TORCH_SECONDS),
                    )
                elif impl == "genesis numpy":
                    target = f"<= {TARGET_NUMPY_RATIO:g} x torch"
                    check = verdict(ratio(s, torch_s), TARGET_NUMPY_RATIO)
                else:
                    target, check = "-", ""
                state = "ok" if ok else (runs[impl][-1].get("status") if runs[impl] else "-")
                table_rows.append(
                    [
                        method,
                        impl,
                        f"{args.n:,}",
                        s,
                        f"{args.n / s:,.0f}" if ok and s == s else "-",
                        ratio(s, peer),
                        ratio(s, torch_s),
                        target,
                        check if ok else state,
                        format_threads(ok[-1]["threads"]) if ok else "-",
                    ]
                )
            out.append({"method": method, "fits": fits, "runs": runs})

    print_table(
        f"Sampling (median of {args.repeats}; seconds; models fitted {args.fit_epochs} epoch(s))",
        [
            "method",
            "impl",
            "rows",
            "seconds",
            "rows/s",
            "vs ctgan",
            "vs torch",
            "target",
            "",
            "threads",
        ],
        table_rows,
    )
    write_json(args.json, {"benchmark": "sampling", "options": vars(args), "results": out})
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
