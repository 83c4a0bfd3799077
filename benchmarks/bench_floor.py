"""Time per epoch on Adult and its floor: how low can Genesis's ratio to ctgan go (issue 3)?

Three measurements per method, each in a fresh process:

* **ctgan's epoch**: sdv-dev ctgan 0.12.1 fits ``--epochs`` epochs (torch's default
  threads); its epochs are timed from its optimizer steps (torch's global step
  hook: ctgan has no callback).
* **Genesis's epoch**: the same fit on Genesis's torch backend, its epochs timed by
  a ``fit`` callback, for each ``--precisions`` (default thread policy unless
  ``--genesis-threads``).
* **the products alone**: the matrix products of Genesis's training step (shapes
  and dtypes recorded by ``torch.profiler`` in a one-epoch fit) replayed back to
  back on ``--product-threads`` threads with nothing between them, and the best
  rate of this CPU (a 1,024-square product of the same dtype).

The first epoch of each fit is left out (it pays warm-up). The last table gives
the best ratio the step could reach if everything but its products cost nothing,
against the 0.2 target of issue 3: the products are the paper's networks at the
paper's batch size, so no thread setting or rewrite of the rest goes below them.

    python bench_floor.py --data PATH                     # full: 5 epochs, 3 repeats
    python bench_floor.py --data PATH --quick             # smoke: 2 epochs, 1,500 rows
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
    comma_list,
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_data_args(parser)
    add_common_args(parser)
    add_thread_args(parser)
    parser.add_argument(
        "--epochs", type=int, default=None, help="epochs of each fit (default 5; quick: 2)"
    )
    parser.add_argument(
        "--precisions",
        default="float32,bfloat16",
        type=comma_list,
        help="Genesis training precisions to measure (default float32,bfloat16)",
    )
    parser.add_argument(
        "--product-threads",
        type=int,
        default=2,
        help="torch threads for the replayed products (default 2: this machine's cores)",
    )
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 2:
        parser.error("--epochs must be >= 2: the first epoch is left out")
    if args.quick:
        args.epochs = args.epochs or 2
        args.repeats = args.repeats or 1
        args.rows = args.rows or 1500
    args.epochs = args.epochs or 5
    args.repeats = args.repeats or 3
    return args


def _later_epochs(runs: list[dict[str, Any]]) -> list[float]:
    """Every epoch but the first of each successful run."""
    return [s for r in runs if r.get("status") == "ok" for s in r["epoch_seconds"][1:]]


def _describe(run: dict[str, Any]) -> str:
    if run.get("status") != "ok":
        return f"{run.get('status')}: {run.get('error', '')}"
    later = ", ".join(f"{s:.2f}" for s in run["epoch_seconds"][1:])
    return f"epochs after the first {later} s [{format_threads(run.get('threads'))}]"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spec = data_spec(args)
    print_header("Time per epoch and its floor: Genesis (torch) vs ctgan 0.12.1, Adult", args, spec)
    errors = 0
    epoch_rows: list[list[Any]] = []
    floor_rows: list[list[Any]] = []
    results: list[dict[str, Any]] = []
    for method in args.methods:
        peer: list[dict[str, Any]] = []
        ours: dict[str, list[dict[str, Any]]] = {p: [] for p in args.precisions}
        for r in range(args.repeats):
            tag = f"  [{method} {args.epochs} ep, round {r + 1}/{args.repeats}]"
            peer.append(
                try_isolated(
                    workers.epochs_peer, method, spec, args.epochs, args.seed + r, args.peer_threads
                )
            )
            print(f"{tag} ctgan   {_describe(peer[-1])}", flush=True)
            for precision in args.precisions:
                ours[precision].append(
                    try_isolated(
                        workers.fit_genesis,
                        method,
                        "torch",
                        spec,
                        args.epochs,
                        args.seed + r,
                        args.genesis_threads,
                        precision=precision,
                    )
                )
                print(f"{tag} genesis {precision} {_describe(ours[precision][-1])}", flush=True)
        peer_epoch = median(_later_epochs(peer))
        errors += sum(r.get("status") != "ok" for r in peer)
        for precision in args.precisions:
            floor = try_isolated(
                workers.products_genesis,
                method,
                spec,
                precision,
                args.product_threads,
                max(args.repeats, 3),
            )
            errors += sum(r.get("status") != "ok" for r in [*ours[precision], floor])
            our_epoch = median(_later_epochs(ours[precision]))
            epoch_rows.append(
                [
                    method,
                    precision,
                    f"{peer_epoch:.3f}",
                    f"{our_epoch:.3f}",
                    ratio(our_epoch, peer_epoch),
                    f"<= {TARGET_RATIO}",
                    verdict(ratio(our_epoch, peer_epoch), TARGET_RATIO),
                ]
            )
            results.append(
                {
                    "method": method,
                    "precision": precision,
                    "ctgan": peer,
                    "genesis": ours[precision],
                    "products": floor,
                }
            )
            if floor.get("status") != "ok":
                print(f"  [{method} {precision}] products: {floor.get('error')}", flush=True)
                continue
            floor_rows.append(_floor_row(method, precision, floor, peer_epoch, our_epoch))
            print(
                f"  [{method} {precision}] products alone "
                + ", ".join(f"{s:.3f}" for s in floor["epoch_seconds"])
                + f" s an epoch [{format_threads(floor['threads'])}]",
                flush=True,
            )
    print_table(
        f"Time per epoch (median of epochs 2-{args.epochs} of {args.repeats} fits; seconds; "
        "ctgan with torch's default threads unless --peer-threads)",
        ["method", "precision", "ctgan s", "genesis s", "genesis/ctgan", "target", ""],
        epoch_rows,
    )
    print_table(
        f"The floor: the step's products alone on {args.product_threads} threads "
        "(seconds an epoch; GMAC/s = 1e9 multiply-adds a second)",
        [
            "method",
            "precision",
            "products/step",
            "MMAC/step",
            "products s",
            "GMAC/s",
            "best GMAC/s",
            "at best s",
            "genesis rest s",
            "products/ctgan",
            "at best/ctgan",
            "room at 0.2 s",
        ],
        floor_rows,
    )
    print(
        "products/ctgan: the ratio an epoch of Genesis would reach if everything but the\n"
        "products took no time; at best/ctgan: the same with the products at the CPU's best\n"
        "rate; room at 0.2: what a ratio of 0.2 leaves an epoch for the rest (the random\n"
        "numbers, activations, losses, penalty, optimizer, casts); genesis rest: what the\n"
        "rest takes now.\n",
        flush=True,
    )
    write_json(args.json, {"benchmark": "floor", "options": vars(args), "results": results})
    if errors:
        print(f"{errors} measurement(s) failed; see the lines above", file=sys.stderr)
    return 1 if errors else 0


def _floor_row(
    method: str, precision: str, floor: dict[str, Any], peer_epoch: float, our_epoch: float
) -> list[Any]:
    steps = floor["steps_per_epoch"]
    products = median(floor["epoch_seconds"])
    macs = floor["macs_per_step"] * steps
    at_best = macs / (floor["peak_gmacs"] * 1e9)

    def sec(value: float) -> str:
        return f"{value:.3f}"

    return [
        method,
        precision,
        floor["products_per_step"],
        f"{floor['macs_per_step'] / 1e6:.0f}",
        sec(products),
        f"{macs / products / 1e9:.0f}",
        f"{floor['peak_gmacs']:.0f}",
        sec(at_best),
        sec(our_epoch - products),
        ratio(products, peer_epoch),
        ratio(at_best, peer_epoch),
        sec(TARGET_RATIO * peer_epoch - products),
    ]


if __name__ == "__main__":
    sys.exit(main())
