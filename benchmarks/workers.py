"""The measurements themselves; each runs in a fresh process via ``common.isolated``.

Every function imports what it measures *before* starting its clock (so import
time is never counted, for either side), times only the call under test, and
returns plain data: ``status`` (``"ok"``, ``"not available yet"``,
``"not installed"``), ``seconds``, and the ``threads`` the
process had after the measurement.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from common import (
    DataSpec,
    Stopwatch,
    TorchThreadRecorder,
    blas_threads,
    load_table,
    quiet_warnings,
    tf_threads,
    torch_threads,
)

BATCH_SIZE = 500  # the paper's, and both implementations' default


# --------------------------------------------------------------------------- peer


def _peer_setup(threads: int | None) -> str:
    quiet_warnings()
    import ctgan  # noqa: F401  (import before the clock)
    import torch

    if threads is None:
        return "ctgan: torch default"
    torch.set_num_threads(threads)
    return f"ctgan: set_num_threads({threads})"


def fit_peer(
    method: str,
    spec: DataSpec,
    epochs: int,
    seed: int,
    threads: int | None,
    *,
    sample_rows: int | None = None,
    save_path: str | None = None,
    device: str = "cpu",
) -> dict[str, Any]:
    """Fit sdv-dev ``ctgan``'s CTGAN or TVAE on the train split, time ``fit``.

    ``device``: ``"cpu"`` or ``"cuda"`` (ctgan's ``enable_gpu``).
    """
    set_by = _peer_setup(threads)
    table = load_table(spec)
    model = _peer_model(method, epochs, seed, device)
    with Stopwatch() as sw:
        model.fit(table.train, table.discrete_columns)
    out: dict[str, Any] = {
        "status": "ok",
        "seconds": sw.seconds,
        "rows": len(table.train),
        "threads": torch_threads(set_by),
    }
    if sample_rows:
        out["synthetic"] = model.sample(sample_rows)
    if save_path:
        model.save(save_path)
    return out


def _peer_model(method: str, epochs: int, seed: int, device: str = "cpu") -> Any:
    """ctgan's CTGAN or TVAE with the paper's defaults, batch 500, seeded, quiet."""
    from ctgan import CTGAN, TVAE

    cls = {"ctgan": CTGAN, "tvae": TVAE}[method]
    model = cls(epochs=epochs, batch_size=BATCH_SIZE, enable_gpu=device == "cuda", verbose=False)
    model.set_random_state(seed)
    return model


def sample_peer(path: str, n: int, threads: int | None, device: str = "cpu") -> dict[str, Any]:
    """Load a saved ``ctgan`` model on ``device`` and time ``sample(n)``."""
    set_by = _peer_setup(threads)
    import torch
    from ctgan.synthesizers.base import BaseSynthesizer

    model = BaseSynthesizer.load(path)
    model.set_device(torch.device(device))
    with Stopwatch() as sw:
        rows = model.sample(n)
    return {
        "status": "ok",
        "seconds": sw.seconds,
        "rows": len(rows),
        "threads": torch_threads(set_by),
    }


def _transform_frame(spec: DataSpec) -> tuple[Any, list[str]]:
    """The whole table (train + test), or the first ``spec.rows`` train rows if given."""
    import pandas as pd

    table = load_table(spec)
    frame = table.train if spec.rows else pd.concat([table.train, table.test], ignore_index=True)
    return frame, table.discrete_columns


def transform_peer(spec: DataSpec) -> dict[str, Any]:
    """``ctgan.data_transformer.DataTransformer``: fit, then transform, the table."""
    quiet_warnings()
    from ctgan.data_transformer import DataTransformer

    frame, discrete = _transform_frame(spec)
    transformer = DataTransformer()
    with Stopwatch() as fit:
        transformer.fit(frame, discrete)
    with Stopwatch() as tr:
        matrix = transformer.transform(frame)
    return {
        "status": "ok",
        "fit_seconds": fit.seconds,
        "transform_seconds": tr.seconds,
        "seconds": fit.seconds + tr.seconds,
        "rows": len(frame),
        "width": matrix.shape[1],
        "threads": {
            "framework": "numpy+joblib",
            "intra": "-",
            "interop": "-",
            "set_by": "ctgan: joblib n_jobs=-1 in transform",
        },
    }


# ------------------------------------------------------------------------ genesis


def _genesis_setup(backend: str, threads: int | None, training: bool = True) -> tuple[str, Any]:
    """Import the backend's framework before the clock; return (set_by, thread reader).

    ``training``: the measurement trains (Genesis's torch backend then tunes its
    thread count step by step unless ``threads`` is given); sampling is not tuned.
    """
    quiet_warnings()
    import genesis.generator  # noqa: F401

    set_by = f"genesis num_threads={threads}" if threads is not None else "genesis default policy"
    if backend == "torch":
        import genesis_torch.training  # noqa: F401

        return set_by, TorchThreadRecorder(tuned=training and threads is None)
    if backend == "tensorflow":
        try:
            import tensorflow  # noqa: F401
        except ImportError:
            return set_by, None
        return set_by, tf_threads
    return "numpy (no framework)", lambda _set_by: blas_threads()


def fit_genesis(
    method: str,
    backend: str,
    spec: DataSpec,
    epochs: int,
    seed: int,
    threads: int | None,
    *,
    sample_rows: int | None = None,
    save_path: str | None = None,
    precision: str = "float32",
    device: str = "cpu",
) -> dict[str, Any]:
    """Fit Genesis's CTGAN or TVAE on ``backend`` and ``device``, time ``fit`` and each epoch.

    ``epoch_seconds[0]`` runs from the start of ``fit`` (data transform, graph
    building) to the end of epoch 1; the others are whole epochs.
    """
    set_by, read_threads = _genesis_setup(backend, threads)
    from genesis import SyntheticGenerator
    from genesis.errors import BackendNotAvailableError, MethodNotSupportedError

    if read_threads is None:
        return {"status": "not installed", "error": f"{backend}'s framework is not installed"}
    table = load_table(spec)
    try:
        gen = SyntheticGenerator(
            method=method,
            backend=backend,
            device=device,
            epochs=epochs,
            batch_size=BATCH_SIZE,
            seed=seed,
            verbose=False,
            num_threads=threads,
            precision=precision,
        )
    except BackendNotAvailableError as exc:
        return {"status": "not installed", "error": str(exc)}
    marks: list[float] = []
    start = time.perf_counter()
    try:
        gen.fit(
            table.train,
            discrete_columns=table.discrete_columns,
            callbacks=[lambda _result: marks.append(time.perf_counter())],
        )
    except MethodNotSupportedError as exc:
        return {"status": "not available yet", "error": str(exc)}
    seconds = time.perf_counter() - start
    edges = [start, *marks]
    out: dict[str, Any] = {
        "status": "ok",
        "seconds": seconds,
        "epoch_seconds": [b - a for a, b in itertools.pairwise(edges)],
        "rows": len(table.train),
        "precision": precision,
        "threads": read_threads(set_by),
    }
    if sample_rows:
        out["synthetic"] = gen.sample(sample_rows)
    if save_path:
        gen.save(save_path)
    return out


def sample_genesis(
    path: str,
    backend: str,
    n: int,
    threads: int | None,
    precision: str = "float32",
    device: str = "cpu",
) -> dict[str, Any]:
    """Load a saved Genesis model on ``backend`` and ``device``, time ``sample(n, precision=...)``.

    ``backend="numpy"`` is framework-free sampling (the core's numpy inference
    backend). A backend that does not declare the model's method reports
    ``"not available yet"`` with the reason.
    """
    set_by, read_threads = _genesis_setup(backend, threads, training=False)
    from genesis import SyntheticGenerator
    from genesis.errors import MethodNotSupportedError

    if read_threads is None:
        return {"status": "not installed", "error": f"{backend}'s framework is not installed"}
    options: dict[str, Any] = {"verbose": False}
    if backend != "numpy":
        options.update(device=device, num_threads=threads)
    try:
        gen = SyntheticGenerator.load(path, backend=backend, **options)
    except MethodNotSupportedError as exc:
        return {"status": "not available yet", "error": str(exc)}
    if precision != "float32" and not gen.backend.supports(f"precision:{precision}"):
        return {"status": "not available yet", "error": f"{backend} has no {precision}"}
    with Stopwatch() as sw:
        rows = gen.sample(n, precision=precision)
    return {
        "status": "ok",
        "seconds": sw.seconds,
        "rows": len(rows),
        "threads": read_threads(set_by),
    }


def transform_genesis(spec: DataSpec) -> dict[str, Any]:
    """``genesis.data.transformer.DataTransformer`` with its defaults: fit, then transform."""
    quiet_warnings()
    import numpy as np

    from genesis.data.transformer import DataTransformer

    frame, discrete = _transform_frame(spec)
    transformer = DataTransformer()
    with Stopwatch() as fit:
        transformer.fit(frame, discrete, rng=np.random.default_rng(0))
    with Stopwatch() as tr:
        matrix = transformer.transform(frame, rng=np.random.default_rng(1))
    return {
        "status": "ok",
        "fit_seconds": fit.seconds,
        "transform_seconds": tr.seconds,
        "seconds": fit.seconds + tr.seconds,
        "rows": len(frame),
        "width": matrix.shape[1],
        "threads": blas_threads() | {"set_by": "numpy defaults"},
    }


# ------------------------------------------------------------------ the step's floor


def epochs_peer(
    method: str, spec: DataSpec, epochs: int, seed: int, threads: int | None
) -> dict[str, Any]:
    """Fit ctgan and time each of its epochs from its optimizer steps.

    ctgan has no per-epoch callback; torch's global optimizer step hook
    (``register_optimizer_step_post_hook``) sees every ``Adam.step`` it makes. The
    optimizer that steps last in each iteration (CTGAN: the generator's, after the
    critic's; TVAE: its only one) marks the end of a training step, and every
    ``steps``-th mark the end of an epoch. ``epoch_seconds[0]`` runs from the first
    step's end, so it lacks that step: drop it.
    """
    set_by = _peer_setup(threads)
    from torch.optim.optimizer import register_optimizer_step_post_hook

    table = load_table(spec)
    model = _peer_model(method, epochs, seed)
    marks: dict[int, list[float]] = {}

    def mark(optimizer: Any, _args: Any, _kwargs: Any) -> None:
        marks.setdefault(id(optimizer), []).append(time.perf_counter())

    handle = register_optimizer_step_post_hook(mark)
    try:
        with Stopwatch() as sw:
            model.fit(table.train, table.discrete_columns)
    finally:
        handle.remove()
    last = max(marks.values(), key=lambda stamps: stamps[0])
    steps, leftover = divmod(len(last), epochs)
    if leftover or not steps:
        raise RuntimeError(f"ctgan made {len(last)} steps in {epochs} epochs")
    ends = last[steps - 1 :: steps]
    return {
        "status": "ok",
        "seconds": sw.seconds,
        "steps_per_epoch": steps,
        "epoch_seconds": [b - a for a, b in itertools.pairwise([last[0], *ends])],
        "rows": len(table.train),
        "threads": torch_threads(set_by),
    }


#: The profiler's names of the operators that multiply matrices.
_PRODUCTS = ("aten::mm", "aten::addmm", "aten::addmm_", "aten::bmm", "aten::baddbmm")


def products_genesis(
    method: str, spec: DataSpec, precision: str, threads: int, rounds: int
) -> dict[str, Any]:
    """Time the matrix products of Genesis's training step alone, and the CPU's best rate.

    A one-epoch fit (torch backend, ``precision``) runs under ``torch.profiler``,
    which records each product's shapes and dtypes. They are replayed, in the
    recorded order, on random tensors of the same shapes and dtypes with
    preallocated outputs, ``threads`` torch threads and nothing else between them:
    the time the step cannot go below while it computes these products. Also timed:
    a 1,024-square product of the same dtype (the rate this CPU reaches at best).
    """
    quiet_warnings()
    import torch
    from torch.profiler import ProfilerActivity, profile

    import genesis_torch.training  # noqa: F401
    from genesis import SyntheticGenerator

    table = load_table(spec)
    gen = SyntheticGenerator(
        method=method,
        backend="torch",
        epochs=1,
        batch_size=BATCH_SIZE,
        seed=0,
        verbose=False,
        num_threads=threads,
        precision=precision,
    )
    steps: list[int] = []
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        gen.fit(
            table.train,
            discrete_columns=table.discrete_columns,
            callbacks=[lambda result: steps.append(result.steps)],
        )
    calls = [
        (e.name, [list(s) for s in e.input_shapes], list(e.input_dtypes))
        for e in prof.events()
        if e.name in _PRODUCTS
    ]
    per_step, leftover = divmod(len(calls), steps[0])
    if leftover or not per_step:
        raise RuntimeError(f"{len(calls)} products in {steps[0]} steps: not one step's worth each")

    torch.set_num_threads(threads)
    replay, macs = [], 0
    for name, shapes, dtypes in calls[:per_step]:
        run, mac = _product(name, shapes, dtypes, torch)
        replay.append(run)
        macs += mac

    def one_epoch() -> float:
        with Stopwatch() as sw:
            for _ in range(steps[0]):
                for run in replay:
                    run()
        return sw.seconds

    one_epoch()  # warm up
    epoch_seconds = [one_epoch() for _ in range(rounds)]
    dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32
    return {
        "status": "ok",
        "steps_per_epoch": steps[0],
        "products_per_step": per_step,
        "macs_per_step": macs,
        "epoch_seconds": epoch_seconds,
        "peak_gmacs": _peak_rate(torch, dtype, rounds),
        "threads": torch_threads(f"set_num_threads({threads}) for the replay"),
    }


def _product(name: str, shapes: list[list[int]], dtypes: list[str], torch: Any) -> tuple[Any, int]:
    """A closure computing one recorded product on random tensors, and its multiply-adds."""
    kinds = {"float": torch.float32, "c10::BFloat16": torch.bfloat16, "c10::Half": torch.float16}
    tensors = [
        torch.randn(shape, dtype=kinds[dtype])
        for shape, dtype in zip(shapes, dtypes, strict=False)
        if shape and dtype in kinds
    ]
    if name == "aten::mm":
        a, b = tensors[:2]
        out = torch.empty(a.shape[0], b.shape[1], dtype=a.dtype)
        return (lambda: torch.mm(a, b, out=out)), a.shape[0] * a.shape[1] * b.shape[1]
    if name in ("aten::addmm", "aten::addmm_"):
        c, a, b = tensors[:3]
        out = torch.empty(a.shape[0], b.shape[1], dtype=c.dtype)
        return (lambda: torch.addmm(c, a, b, out=out)), a.shape[0] * a.shape[1] * b.shape[1]
    a, b = tensors[-2:]  # bmm (a, b), baddbmm (c, a, b)
    out = torch.empty(a.shape[0], a.shape[1], b.shape[2], dtype=a.dtype)
    return (lambda: torch.bmm(a, b, out=out)), a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]


def _peak_rate(torch: Any, dtype: Any, rounds: int, n: int = 1024) -> float:
    """The best of ``rounds`` timings of an ``n``-square product, in GMAC/s."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    out = torch.empty(n, n, dtype=dtype)
    torch.mm(a, b, out=out)
    best = float("inf")
    for _ in range(max(rounds, 3)):
        with Stopwatch() as sw:
            for _ in range(10):
                torch.mm(a, b, out=out)
        best = min(best, sw.seconds / 10)
    return n**3 / best / 1e9
