"""What every benchmark script shares: data, split, timing, threads, isolation, tables.

Nothing here imports torch, tensorflow, ctgan or genesis at module level: the
scripts run each measurement in a fresh process (:func:`isolated`), and the
parent stays light.

Conventions used by all scripts:

* The table is Adult (``--data``, a CSV; ``--meta``, its column-types JSON, by
  default the CSV's path with ``.json``). Strings are read with
  ``skipinitialspace=True`` (the raw file has ``" <=50K"``); both Genesis and the
  peer get the same frame.
* The 80/20 train/test split is a fixed permutation (``--split-seed``, default 0).
* ``--rows N`` keeps the first N rows of the (shuffled) train split.
* The peer (sdv-dev ``ctgan``) runs with torch's default threads unless
  ``--peer-threads`` says otherwise; Genesis runs with its own default policy
  (on torch: the thread count tuned step by step) unless ``--genesis-threads``
  says otherwise (``bench_backends.py``: 1, as TensorFlow's default). Every
  figure is printed with the thread counts the process really had after the
  measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "adult.csv"

TARGET_COLUMN = "income"
POSITIVE_CLASS = ">50K"

#: Environment variables that change framework thread defaults; printed when set.
THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "GENESIS_BACKEND",
)

# Children inherit these: quiet TensorFlow's C++ logging and oneDNN notice.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DataSpec:
    """Where the table is and how to cut it; plain data so it crosses processes."""

    data: str
    meta: str | None
    split_seed: int = 0
    rows: int | None = None


@dataclass
class Table:
    """The loaded, split table."""

    train: Any  # pandas.DataFrame
    test: Any  # pandas.DataFrame
    discrete_columns: list[str]
    column_types: dict[str, str]  # name -> "continuous" | "categorical" | "ordinal"


def add_data_args(parser: argparse.ArgumentParser) -> None:
    """``--data``, ``--meta``, ``--split-seed``, ``--rows``."""
    parser.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help="Adult CSV (default: %(default)s, i.e. ../shared/data/adult.csv from the repo root)",
    )
    parser.add_argument(
        "--meta",
        default=None,
        help="column types JSON ({'columns': [{'name', 'type'}]}); default: --data with .json",
    )
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the 80/20 split")
    parser.add_argument(
        "--rows", type=int, default=None, help="keep only the first N rows of the train split"
    )


def data_spec(args: argparse.Namespace, *, rows: int | None = None) -> DataSpec:
    """Check the paths in ``args`` and return a :class:`DataSpec` (exits with a message)."""
    data = Path(args.data)
    if not data.is_file():
        sys.exit(
            f"error: data file not found: {data}\n"
            "Pass the Adult CSV with --data PATH (32,561 rows; the lead's copy lives in "
            "shared/data/adult.csv next to the repository). The benchmarks ship no data."
        )
    meta = Path(args.meta) if args.meta else data.with_suffix(".json")
    if args.meta and not meta.is_file():
        sys.exit(f"error: metadata file not found: {meta}")
    return DataSpec(
        data=str(data),
        meta=str(meta) if meta.is_file() else None,
        split_seed=args.split_seed,
        rows=rows if rows is not None else args.rows,
    )


def load_table(spec: DataSpec) -> Table:
    """Read the CSV and column types, split 80/20 with ``spec.split_seed``."""
    import numpy as np
    import pandas as pd

    df = pd.read_csv(spec.data, skipinitialspace=True)
    if spec.meta:
        with open(spec.meta, encoding="utf-8") as handle:
            columns = json.load(handle)["columns"]
        column_types = {c["name"]: c["type"] for c in columns}
        missing = [c for c in column_types if c not in df.columns]
        if missing:
            sys.exit(f"error: {spec.meta} names columns missing from {spec.data}: {missing}")
        df = df[list(column_types)]
    else:  # no metadata: strings are categorical, the rest continuous
        column_types = {
            c: "categorical" if df[c].dtype == object else "continuous" for c in df.columns
        }
    discrete = [c for c, t in column_types.items() if t in ("categorical", "ordinal")]
    order = np.random.default_rng(spec.split_seed).permutation(len(df))
    n_train = round(0.8 * len(df))
    train = df.iloc[order[:n_train]].reset_index(drop=True)
    test = df.iloc[order[n_train:]].reset_index(drop=True)
    if spec.rows is not None:
        train = train.iloc[: spec.rows].reset_index(drop=True)
    return Table(train=train, test=test, discrete_columns=discrete, column_types=column_types)


# ------------------------------------------------------------------------ threads


def parse_threads(value: str) -> int | None:
    """``"default"`` -> None (the framework's or backend's own choice), else a positive int."""
    if value.strip().lower() in ("default", "none", "auto"):
        return None
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("threads must be >= 1 or 'default'")
    return n


def add_thread_args(
    parser: argparse.ArgumentParser,
    *,
    peer: bool = True,
    precision: bool = False,
    genesis_default: int | None = None,
) -> None:
    """``--genesis-threads`` (default: the backend's policy, or ``genesis_default``),
    ``--peer-threads`` (default: torch's default) and, for the scripts that train on
    torch, ``--genesis-precision`` (default float32)."""
    parser.add_argument(
        "--genesis-threads",
        type=parse_threads,
        default=genesis_default,
        help="Genesis num_threads (int, or 'default' for the backend's policy: on torch, "
        f"tuned while training); default {genesis_default or 'default'}",
    )
    if precision:
        parser.add_argument(
            "--genesis-precision",
            choices=("float32", "bfloat16"),
            default="float32",
            help="Genesis training precision (bfloat16: mixed precision on torch); default float32",
        )
    if peer:
        parser.add_argument(
            "--peer-threads",
            type=parse_threads,
            default=None,
            help="torch.set_num_threads for ctgan (default: torch's default, what users get)",
        )


def torch_threads(set_by: str) -> dict[str, Any]:
    """The current process's torch thread counts (call after the measurement)."""
    import torch

    return {
        "framework": "torch",
        "intra": torch.get_num_threads(),
        "interop": torch.get_num_interop_threads(),
        "set_by": set_by,
    }


class TorchThreadRecorder:
    """Records every ``torch.set_num_threads`` call made after it is created.

    Genesis's torch backend sets its thread count around each of its calls and
    restores the caller's afterwards, so reading ``torch.get_num_threads()`` after
    a fit shows the process default, not what the fit ran with. Calling the
    recorder returns the count the library set (the first one recorded), or the
    current count when nothing was set (it already matched); with ``tuned=True``
    (Genesis's default policy, which tunes the count step by step in training),
    every count it used, e.g. ``1/2``.
    """

    def __init__(self, tuned: bool = False) -> None:
        import torch

        self.tuned = tuned
        self.default = torch.get_num_threads()
        self.values: list[int] = []
        original = torch.set_num_threads

        def recording(n: int) -> None:
            self.values.append(int(n))
            original(n)

        torch.set_num_threads = recording

    def __call__(self, set_by: str) -> dict[str, Any]:
        info = torch_threads(set_by)
        if self.tuned:
            # Set and restored around the steps that ran on another count than the
            # process default: every value seen, and the default, were used.
            used = sorted({*self.values, self.default})
            info["intra"] = "/".join(str(v) for v in used)
            info["set_by"] += f"; tuned per step, process default {self.default}"
        elif self.values:
            info["intra"] = self.values[0]
            if self.values[0] != self.default:
                info["set_by"] += f"; around its calls, process default {self.default}"
        return info


def tf_threads(set_by: str) -> dict[str, Any]:
    """The current process's TensorFlow thread settings (0 means TF's default: all cores)."""
    import tensorflow as tf

    return {
        "framework": "tensorflow",
        "intra": tf.config.threading.get_intra_op_parallelism_threads(),
        "interop": tf.config.threading.get_inter_op_parallelism_threads(),
        "set_by": set_by,
    }


def blas_threads() -> dict[str, Any]:
    """numpy's BLAS threads (for framework-free sampling)."""
    try:
        from threadpoolctl import threadpool_info

        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        intra = pools[0]["num_threads"] if pools else "?"
        api = pools[0].get("internal_api", "blas") if pools else "blas"
    except ImportError:
        intra, api = "?", "blas"
    return {"framework": f"numpy/{api}", "intra": intra, "interop": "-", "set_by": "default"}


def format_threads(info: dict[str, Any] | None) -> str:
    """``torch intra=1 interop=2 (genesis num_threads=1)``."""
    if not info:
        return "-"
    intra = info["intra"]
    if info["framework"] == "tensorflow" and intra == 0:
        intra = f"0=all({os.cpu_count()})"
    return f"{info['framework']} intra={intra} interop={info['interop']} ({info['set_by']})"


# ------------------------------------------------------------------------- timing


class Stopwatch:
    """``with Stopwatch() as sw: ...``; then ``sw.seconds``."""

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        self.seconds = float("nan")
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def median(values: Sequence[float]) -> float:
    """Median of the finite values, NaN when there are none."""
    finite = [v for v in values if v == v]
    return statistics.median(finite) if finite else float("nan")


def ratio(numerator: float, denominator: float) -> float:
    if numerator != numerator or denominator != denominator or denominator == 0:
        return float("nan")
    return numerator / denominator


def verdict(value: float, limit: float, *, at_least: bool = False) -> str:
    """``ok``/``MISS`` against a target (``n/a`` when there is no figure)."""
    if value != value:
        return "n/a"
    good = value >= limit if at_least else value <= limit
    return "ok" if good else "MISS"


def fmt(value: Any, digits: int = 2) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.{digits}f}"
    return str(value)


# ---------------------------------------------------------------------- isolation


def isolated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` in a fresh (spawned) Python process, return its result.

    Each measurement gets a clean interpreter: torch's process-wide thread count
    (which Genesis sets and ctgan does not), caches and allocator state do not leak
    from one implementation to the next. ``fn`` must be importable (module level);
    imports are done by ``fn`` before it starts its clock.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_call_and_clean_up, fn, args, kwargs).result()


def _call_and_clean_up(fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """Run ``fn``, then stop joblib's worker pool if ``fn`` started one.

    ctgan's transform runs ``joblib.Parallel(n_jobs=-1)``, whose loky workers stay
    up for 300 s; a multiprocessing child joins its children when it exits, so
    without this each isolated ctgan measurement would hang for five minutes.
    """
    try:
        return fn(*args, **kwargs)
    finally:
        if "joblib.externals.loky" in sys.modules:
            from joblib.externals.loky import get_reusable_executor

            get_reusable_executor().shutdown(wait=True, kill_workers=True)


def try_isolated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """:func:`isolated`, but a failure comes back as ``{"status": "error", "error": ...}``."""
    try:
        return isolated(fn, *args, **kwargs)
    except Exception as exc:
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}


@contextlib.contextmanager
def busy_core(processes: int = 1) -> Iterator[list[int]]:
    """Keep ``processes`` CPU-bound Python processes spinning for the duration.

    They are started here, checked to still be alive at the end, and killed by
    their own pid (never by name) however the block exits.
    """
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        time.sleep(0.5)  # let them get scheduled before the first measurement
        yield [p.pid for p in procs]
        dead = [p.pid for p in procs if p.poll() is not None]
        if dead:
            print(f"warning: busy process(es) {dead} died during the measurement", flush=True)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for p in procs:
            p.wait()


# ------------------------------------------------------------------------ reports


def versions() -> dict[str, str]:
    """Installed versions of everything measured, without importing the frameworks."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for dist in (
        "genesis-core",
        "genesis-torch",
        "genesis-tensorflow",
        "ctgan",
        "rdt",
        "torch",
        "tensorflow-cpu",
        "numpy",
        "pandas",
        "scikit-learn",
        "sdmetrics",
    ):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def print_header(title: str, args: argparse.Namespace, spec: DataSpec | None = None) -> None:
    """Title, machine, versions, thread environment, data and options."""
    print(f"== {title} ==")
    kind = "QUICK (smoke) run" if getattr(args, "quick", False) else "full run"
    print(f"started   {time.strftime('%Y-%m-%d %H:%M:%S')}   {kind}")
    print(f"machine   {cpu_model()}, {os.cpu_count()} cores, load average {load_average()}")
    try:
        if os.getloadavg()[0] > 0.5:
            print("          warning: the machine is not idle; timings will be noisy")
    except OSError:
        pass
    print("versions  " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    env = {k: os.environ[k] for k in THREAD_ENV_VARS if k in os.environ}
    print(f"thread env {env or 'none set'}")
    if spec is not None:
        print(
            f"data      {spec.data} (meta {spec.meta or 'none: types from dtypes'}), "
            f"80/20 split seed {spec.split_seed}"
            + (f", first {spec.rows} train rows" if spec.rows else "")
        )
    options = {k: v for k, v in vars(args).items() if k not in ("data", "meta")}
    print(f"options   {options}")
    print(flush=True)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain fixed-width table."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join("-" * w for w in widths)
    print(title)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(flush=True)


def write_json(path: str | None, payload: dict[str, Any]) -> None:
    """Write ``payload`` (plus versions) to ``path`` when one was given."""
    if not path:
        return
    payload = {"versions": versions(), "cpu": cpu_model(), "cores": os.cpu_count(), **payload}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    print(f"wrote {path}")


def comma_list(value: str) -> list[str]:
    """``"a, b,"`` -> ``["a", "b"]``: the type of the comma-separated options."""
    return [item.strip() for item in value.split(",") if item.strip()]


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """``--repeats``, ``--seed``, ``--quick``, ``--json``, ``--methods``."""
    parser.add_argument("--repeats", type=int, default=None, help="measurements per figure")
    parser.add_argument("--seed", type=int, default=0, help="model seed of the first repeat")
    parser.add_argument(
        "--methods",
        default="ctgan,tvae",
        type=comma_list,
        help="comma-separated: ctgan,tvae",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: tiny epochs, small subsets, 1 repeat"
    )
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")


def add_device_arg(parser: argparse.ArgumentParser) -> None:
    """``--device``: where both Genesis and the peer run (default the CPU, as the targets)."""
    parser.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        default="cpu",
        help="run Genesis (device=...) and ctgan (enable_gpu) there; the targets are for the "
        "CPU (default cpu)",
    )


def quiet_warnings() -> None:
    """Silence the peer's and libraries' deprecation chatter in worker processes."""
    import warnings

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
