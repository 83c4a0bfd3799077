"""What a model file holds, read without a backend (``genesis inspect``, scripts).

:func:`summarize_model_file` reads and verifies the file like a load does (so a
corrupt or tampered file raises :class:`~genesis.errors.ModelFileError`) but
builds no network: it works where no framework is installed, and on files from
any backend.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from genesis.errors import ModelFileError
from genesis.io.model_file import read_model_file
from genesis.timeseries.model import phase_progress

__all__ = ["ColumnSummary", "ModelSummary", "summarize_model_file"]

#: The settings ``describe`` shows per method (all of them are in ``hyperparameters``).
_KEY_SETTINGS = {
    "ctgan": ("epochs", "batch_size", "pac", "embedding_dim", "generator_dim", "discriminator_dim"),
    "tvae": ("epochs", "batch_size", "embedding_dim", "compress_dims", "decompress_dims"),
    "timegan": ("module", "hidden_dim", "num_layers", "seq_len", "batch_size", "lr", "gamma"),
}


@dataclass(frozen=True)
class ColumnSummary:
    """One column (tables) or feature (sequences) as the model learned it.

    Attributes:
        name: the column's name.
        kind: ``"continuous"`` or ``"discrete"``.
        dtype: the dtype samples come back with.
        detail: ``"9 categories"``, ``"4 modes in [17, 90]"``, ``"range [0.1, 9.2]"``...
    """

    name: str
    kind: str
    dtype: str
    detail: str


@dataclass(frozen=True)
class ModelSummary:
    """A model file's contents, in brief.

    Attributes:
        path: the file.
        size_bytes: its size.
        method: ``"ctgan"``, ``"tvae"`` or ``"timegan"``.
        genesis_version: the Genesis release that wrote it.
        format_version: 2 with training state, else 1.
        trained_with: backend name and framework version of the fit.
        progress: ``{"epochs": n}`` (tables) or iterations per phase (TimeGAN).
        last_losses: the loss history's last row (without its counters).
        resumable: the training state is in the file, so ``fit(resume=True)``
            continues the run exactly; without it Adam restarts.
        columns: the learned columns (tables) or features (TimeGAN).
        layout: TimeGAN: how sequences are formed (steps, entity and order
            columns or a 3-D array); tables: empty.
        parameters: number of network weights.
        hyperparameters: the method's settings of the network and training.
    """

    path: str
    size_bytes: int
    method: str
    genesis_version: str
    format_version: int
    trained_with: dict[str, str]
    progress: dict[str, int]
    last_losses: dict[str, float]
    resumable: bool
    columns: tuple[ColumnSummary, ...]
    layout: dict[str, Any]
    parameters: int
    hyperparameters: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)

    def describe(self) -> list[str]:
        """The summary as lines of text (what ``genesis inspect`` prints)."""
        if "epochs" in self.progress:
            trained = f"{self.progress['epochs']:,} epochs"
        else:  # TimeGAN: iterations per phase
            trained = ", ".join(f"{k} {v:,}" for k, v in self.progress.items()) or "not trained"
        losses = ", ".join(f"{k} {v:.4g}" for k, v in self.last_losses.items()) or "none"
        backend = self.trained_with.get("backend", "?")
        framework = self.trained_with.get("framework_version", "")
        lines = [
            f"{self.path} ({self.size_bytes:,} bytes)",
            f"  method        {self.method} (written by Genesis {self.genesis_version}, "
            f"file format {self.format_version})",
            f"  trained with  {backend} {framework}".rstrip(),
            f"  trained       {trained}",
            f"  last losses   {losses}",
            "  resumable     "
            + (
                "yes: the training state is saved; fit(resume=True) continues the run"
                if self.resumable
                else "no training state: a resumed fit restarts the optimizers"
            ),
        ]
        if self.layout:
            lines.append("  sequences     " + ", ".join(f"{k} {v}" for k, v in self.layout.items()))
        settings = ", ".join(
            f"{key} {_setting(self.hyperparameters[key])}"
            for key in _KEY_SETTINGS.get(self.method, ())
            if key in self.hyperparameters
        )
        lines.append(f"  network       {self.parameters:,} weights; {settings}".rstrip("; "))
        label = "features" if self.method == "timegan" else "columns"
        lines.append(f"  {label:<13} {len(self.columns)}")
        width = max((len(c.name) for c in self.columns), default=0)
        lines.extend(
            f"    {c.name:<{width}}  {c.kind:<10}  {c.dtype:<14}  {c.detail}" for c in self.columns
        )
        return lines


def summarize_model_file(path: str | os.PathLike[str]) -> ModelSummary:
    """Read and verify the model file at ``path`` and summarize it.

    Raises:
        ModelFileError: the file is missing, corrupt, tampered with, from a newer
            format, or its document lacks what every model file holds.
    """
    content = read_model_file(path)
    document = content.document
    try:
        method = str(document["method"])
        history = list(document.get("history") or [])
        if "sequence_transformer" in document:
            columns, layout = _sequence_columns(document["sequence_transformer"])
            progress = phase_progress(history)
        else:
            columns, layout = _table_columns(document["transformer"]), {}
            progress = {"epochs": max((int(row["epoch"]) for row in history), default=0)}
        params = dict(document["spec"]["params"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: the model file's document is incomplete: {exc!r}") from exc
    counters = {"epoch", "iteration", "phase"}
    last = {
        k: float(v)
        for k, v in (history[-1] if history else {}).items()
        if k not in counters and isinstance(v, int | float)
    }
    return ModelSummary(
        path=str(path),
        size_bytes=Path(path).stat().st_size,
        method=method,
        genesis_version=str(document.get("genesis_version", "?")),
        format_version=2 if content.training_state else 1,
        trained_with={k: str(v) for k, v in dict(document.get("trained_with") or {}).items()},
        progress=progress,
        last_losses=last,
        resumable=bool(content.training_state),
        columns=columns,
        layout=layout,
        parameters=sum(int(array.size) for array in content.weights.values()),
        hyperparameters=params,
    )


def _setting(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def _number(value: Any) -> str:
    return f"{float(value):.6g}"


def _table_columns(state: dict[str, Any]) -> tuple[ColumnSummary, ...]:
    out = []
    for column in state["columns"]:
        missing = (
            " (missing values learned)"
            if column.get("has_missing") or (column.get("missing_index") is not None)
            else ""
        )
        if column["type"] == "discrete":
            detail = f"{len(column['categories'])} categories"
        else:
            modes = len((column.get("modes") or {}).get("means", []))
            detail = (
                f"{modes} modes in [{_number(column['minimum'])}, {_number(column['maximum'])}]"
            )
        out.append(ColumnSummary(column["name"], column["type"], column["dtype"], detail + missing))
    return tuple(out)


def _sequence_columns(state: dict[str, Any]) -> tuple[tuple[ColumnSummary, ...], dict[str, Any]]:
    out = []
    for feature in state["features"]:
        if feature["kind"] == "discrete":
            detail = f"{len(feature['categories'])} categories"
        else:
            low, scale = float(feature["minimum"]), float(feature["scale"])
            detail = f"range [{_number(low)}, {_number(low + scale)}]"
        out.append(ColumnSummary(feature["name"], feature["kind"], feature["dtype"], detail))
    layout: dict[str, Any] = {"steps": int(state["seq_len"]), "stride": int(state["stride"])}
    if state.get("input_kind") == "frame":
        layout["entity"] = state.get("entity_column")
        layout["order"] = state.get("order_column")
    else:
        layout["input"] = "3-D array"
    return tuple(out), layout
