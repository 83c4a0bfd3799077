"""Fit wall time on Adult: Genesis (torch backend) vs sdv-dev ctgan 0.12.1 (issue 3).

For each method and epoch count, the two are run interleaved (ctgan, genesis,
ctgan, genesis, ...), each fit in a fresh process, same train split, same
hyperparameters (paper defaults, batch 500), same epochs, both on the CPU.
Printed: median fit seconds, genesis/ctgan ratio (target <= 0.2), and the threads.

Then the busy machine: a ``while True: pass`` process is started on the other
core and the same fits are repeated; Genesis's busy/idle ratio should stay <= 2.
ctgan is shown with torch's default threads under the same load.

    python bench_speed.py --data PATH                     # full: 10 and 100 epochs, 3 repeats
    python bench_speed.py --data PATH --quick             # smoke: 1 epoch, 1,500 rows
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import workers
from common import (
    DataSpec,
    add_common_args,
    add_data_args,
    add_device_arg,
    add_thread_args,
    busy_core,
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

TARGET_RATIO = 0.2
TARGET_BUSY = 2.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_data_args(parser)
    add_common_args(parser)
    add_thread_args(parser, precision=True)
    add_device_arg(parser)
    parser.add_argument(
        "--epochs",
        type=lambda s: [int(x) for x in s.split(",")],
        default=None,
        help="comma-separated epoch counts (default 10,100; quick: 1)",
    )
    parser.add_argument(
        "--busy-epochs", type=int, default=None, help="epochs of the busy-machine fits (default 10)"
    )
    parser.add_argument("--skip-busy", action="store_true", help="no busy-machine section")
    parser.add_argument("--skip-idle", action="store_true", help="only the busy-machine section")
    parser.add_argument(
        "--skip-busy-peer",
        action="store_true",
        help="no ctgan fits on the busy machine (with torch's default threads they can take "
        "5-50x their idle time)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = args.epochs or [1]
        args.busy_epochs = args.busy_epochs or 1
        args.repeats = args.repeats or 1
        args.rows = args.rows or 1500
    args.epochs = args.epochs or [10, 100]
    args.busy_epochs = args.busy_epochs or 10
    args.repeats = args.repeats or 3
    return args


def _seconds(run: dict[str, Any]) -> float:
    return run["seconds"] if run.get("status") == "ok" else float("nan")


def _describe(run: dict[str, Any]) -> str:
    if run.get("status") != "ok":
        return f"{run.get('status')}: {run.get('error', '')}"
    return f"{run['seconds']:.1f} s [{format_threads(run.get('threads'))}]"


def _threads(runs: list[dict[str, Any]]) -> str:
    ok = [r for r in runs if r.get("status") == "ok"]
    return (
        format_threads(ok[-1]["threads"]) if ok else (runs[-1].get("status", "-") if runs else "-")
    )


def interleaved(
    label: str,
    method: str,
    spec: DataSpec,
    epochs: int,
    args: argparse.Namespace,
    *,
    with_peer: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``args.repeats`` rounds of (ctgan fit, genesis fit), each in a fresh process."""
    peer: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    for r in range(args.repeats):
        seed = args.seed + r
        tag = f"  [{label} {method} {epochs} ep, round {r + 1}/{args.repeats}]"
        if with_peer:
            peer.append(
                try_isolated(
                    workers.fit_peer,
                    method,
                    spec,
                    epochs,
                    seed,
                    args.peer_threads,
                    device=args.device,
                )
            )
            print(f"{tag} ctgan   {_describe(peer[-1])}", flush=True)
        ours.append(
            try_isolated(
                workers.fit_genesis,
                method,
                "torch",
                spec,
                epochs,
                seed,
                args.genesis_threads,
                precision=args.genesis_precision,
                device=args.device,
            )
        )
        print(
            f"{tag} genesis {_describe(ours[-1])}",
            flush=True,
        )
    return peer, ours


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spec = data_spec(args)
    print_header(
        f"Fit wall time: Genesis (torch) vs ctgan 0.12.1, Adult, {args.device.upper()}", args, spec
    )
    results: dict[str, Any] = {"idle": [], "busy": []}
    idle_medians: dict[tuple[str, int], tuple[float, float]] = {}
    errors = 0

    if not args.skip_idle:
        rows = []
        for method in args.methods:
            for epochs in args.epochs:
                peer, ours = interleaved("idle", method, spec, epochs, args)
                p, g = median([_seconds(r) for r in peer]), median([_seconds(r) for r in ours])
                idle_medians[(method, epochs)] = (p, g)
                errors += sum(r.get("status") == "error" for r in peer + ours)
                n_rows = next((r["rows"] for r in peer + ours if r.get("status") == "ok"), "-")
                rows.append(
                    [
                        method,
                        epochs,
                        n_rows,
                        p,
                        g,
                        ratio(g, p),
                        f"<= {TARGET_RATIO}",
                        verdict(ratio(g, p), TARGET_RATIO),
                        _threads(peer),
                        _threads(ours),
                    ]
                )
                results["idle"].append(
                    {
                        "method": method,
                        "epochs": epochs,
                        "ctgan": _strip(peer),
                        "genesis": _strip(ours),
                    }
                )
        print_table(
            f"Fit wall time, idle machine (median of {args.repeats}; seconds; "
            "ctgan with torch's default threads unless --peer-threads)",
            [
                "method",
                "epochs",
                "rows",
                "ctgan s",
                "genesis s",
                "genesis/ctgan",
                "target",
                "",
                "ctgan threads",
                "genesis threads",
            ],
            rows,
        )
        split = per_epoch_rows(idle_medians)
        if split:
            print_table(
                "Fixed cost and time per epoch, from the smallest and largest epoch counts "
                "above (seconds; the target applies to the wall time, this shows where it goes)",
                [
                    "method",
                    "epochs",
                    "ctgan fixed",
                    "genesis fixed",
                    "ctgan / epoch",
                    "genesis / epoch",
                    "per-epoch genesis/ctgan",
                ],
                split,
            )

    if not args.skip_busy:
        rows = []
        epochs = args.busy_epochs
        for method in args.methods:
            if (method, epochs) not in idle_medians:  # idle reference at the same epochs
                peer, ours = interleaved("idle", method, spec, epochs, args)
                idle_medians[(method, epochs)] = (
                    median([_seconds(r) for r in peer]),
                    median([_seconds(r) for r in ours]),
                )
            with busy_core() as pids:
                print(f"  busy process(es) {pids} spinning", flush=True)
                peer, ours = interleaved(
                    "busy", method, spec, epochs, args, with_peer=not args.skip_busy_peer
                )
            errors += sum(r.get("status") == "error" for r in peer + ours)
            p_idle, g_idle = idle_medians[(method, epochs)]
            p, g = median([_seconds(r) for r in peer]), median([_seconds(r) for r in ours])
            if peer:
                rows.append(
                    [method, epochs, "ctgan", p_idle, p, ratio(p, p_idle), "-", "", _threads(peer)]
                )
            rows.append(
                [
                    method,
                    epochs,
                    "genesis",
                    g_idle,
                    g,
                    ratio(g, g_idle),
                    f"<= {TARGET_BUSY}",
                    verdict(ratio(g, g_idle), TARGET_BUSY),
                    _threads(ours),
                ]
            )
            results["busy"].append(
                {"method": method, "epochs": epochs, "ctgan": _strip(peer), "genesis": _strip(ours)}
            )
        print_table(
            "Busy machine: one CPU-bound process on the other core "
            f"(median of {args.repeats}; seconds)",
            ["method", "epochs", "impl", "idle s", "busy s", "busy/idle", "target", "", "threads"],
            rows,
        )

    write_json(args.json, {"benchmark": "speed", "options": vars(args), **results})
    if errors:
        print(f"{errors} measurement(s) failed; see the lines above", file=sys.stderr)
    return 1 if errors else 0


def per_epoch_rows(medians: dict[tuple[str, int], tuple[float, float]]) -> list[list[Any]]:
    """Split each method's fit time into a fixed cost and a time per epoch.

    ``medians`` maps ``(method, epochs)`` to the ``(ctgan, genesis)`` median seconds.
    For a method measured at two or more epoch counts, the smallest ``a`` and the
    largest ``b`` give ``per epoch = (t_b - t_a) / (b - a)`` and ``fixed = t_a - a *
    per epoch`` for each implementation: the transform, the model's construction
    and what else a fit pays once, against the training step's share.
    """
    rows: list[list[Any]] = []
    for method in dict.fromkeys(m for m, _ in medians):
        counts = sorted(e for m, e in medians if m == method)
        if len(counts) < 2:
            continue
        low, high = counts[0], counts[-1]
        split = []
        for side in (0, 1):
            per_epoch = (medians[(method, high)][side] - medians[(method, low)][side]) / (
                high - low
            )
            split.append((medians[(method, low)][side] - low * per_epoch, per_epoch))
        (peer_fixed, peer_epoch), (ours_fixed, ours_epoch) = split
        rows.append(
            [
                method,
                f"{low}-{high}",
                peer_fixed,
                ours_fixed,
                peer_epoch,
                ours_epoch,
                ratio(ours_epoch, peer_epoch),
            ]
        )
    return rows


def _strip(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "synthetic"} for r in runs]


if __name__ == "__main__":
    sys.exit(main())
