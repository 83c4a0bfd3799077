"""Data transform of Adult: fit + transform, Genesis vs ctgan 0.12.1 (issue 3).

Genesis: ``genesis.data.transformer.DataTransformer().fit(df, discrete_columns,
rng=np.random.default_rng(0))`` then ``.transform(df, rng=...)``, with its
defaults (each mixture fitted on at most 20,000 sampled rows). ctgan:
``ctgan.data_transformer.DataTransformer().fit(df, discrete_columns)`` then
``.transform(df)`` (mixtures on all rows; transform via ``joblib`` with
``n_jobs=-1``). The table is all of Adult (train + test, 32,561 rows) unless
``--rows`` is given. Target: Genesis fit + transform <= 1 s.

    python bench_transform.py --data PATH            # full: whole table, 5 repeats
    python bench_transform.py --data PATH --quick    # smoke: 3,000 rows, 1 repeat
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import workers
from common import (
    add_common_args,
    add_data_args,
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

TARGET_SECONDS = 1.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_data_args(parser)
    add_common_args(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = args.repeats or 1
        args.rows = args.rows or 3000
    args.repeats = args.repeats or 5
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spec = data_spec(args)
    print_header("Data transform fit + transform: Genesis vs ctgan 0.12.1, Adult", args, spec)
    runs: dict[str, list[dict[str, Any]]] = {"ctgan": [], "genesis": []}
    for r in range(args.repeats):
        for impl, fn in (("ctgan", workers.transform_peer), ("genesis", workers.transform_genesis)):
            run = try_isolated(fn, spec)
            runs[impl].append(run)
            if run.get("status") == "ok":
                desc = (
                    f"fit {run['fit_seconds']:.2f} s + transform {run['transform_seconds']:.2f} s "
                    f"= {run['seconds']:.2f} s, {run['rows']} rows -> width {run['width']}"
                )
            else:
                desc = f"{run.get('status')}: {run.get('error', '')}"
            print(f"  [round {r + 1}/{args.repeats}] {impl:<7} {desc}", flush=True)

    def med(impl: str, key: str) -> float:
        return median([x[key] if x.get("status") == "ok" else float("nan") for x in runs[impl]])

    peer_total = med("ctgan", "seconds")
    rows = []
    for impl in ("ctgan", "genesis"):
        ok = [x for x in runs[impl] if x.get("status") == "ok"]
        total = med(impl, "seconds")
        target = f"<= {TARGET_SECONDS:g} s" if impl == "genesis" else "-"
        rows.append(
            [
                impl,
                ok[0]["rows"] if ok else "-",
                ok[0]["width"] if ok else "-",
                med(impl, "fit_seconds"),
                med(impl, "transform_seconds"),
                total,
                ratio(total, peer_total),
                target,
                verdict(total, TARGET_SECONDS) if impl == "genesis" else "",
                format_threads(ok[-1]["threads"]) if ok else "-",
            ]
        )
    print_table(
        f"Transform (median of {args.repeats}; seconds)",
        [
            "impl",
            "rows",
            "width",
            "fit s",
            "transform s",
            "total s",
            "vs ctgan",
            "target",
            "",
            "threads",
        ],
        rows,
    )
    write_json(args.json, {"benchmark": "transform", "options": vars(args), "runs": runs})
    errors = sum(x.get("status") == "error" for v in runs.values() for x in v)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
