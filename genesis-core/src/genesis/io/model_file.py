"""The Genesis model file: one safetensors file, weights as named arrays, the rest as JSON.

Layout (format version 2; version 1 is the same without training state):

* tensors: every weight under its framework-neutral name
  (:mod:`genesis.models.weights`), float32;
* optionally, the training state (:mod:`genesis.models.training_state`: Adam's
  moments and step counts, the backend's random generator), each array under
  ``training/`` + its name, with its own dtype. A file without it is written as
  version 1, which earlier releases read;
* header metadata (strings): ``format`` = ``"genesis-model"``,
  ``format_version`` = ``"2"`` (``"1"`` without training state), ``genesis`` =
  a JSON document (method, configuration, network spec, data transformer state,
  loss history, the versions that wrote it, and the core's part of the training
  state: its random generators), and ``checksum`` = SHA-256 over the JSON
  document and every tensor's name, dtype, shape and bytes.

Safetensors holds only raw arrays and strings, so loading a file cannot run
code. A file whose bytes do not parse, or whose checksum does not match, raises
:class:`~genesis.errors.ModelFileError`. Files are written to a temporary file
beside the target and renamed into place, so an error never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genesis.errors import ModelFileError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "STATE_PREFIX",
    "ModelFile",
    "read_model_file",
    "write_model_file",
]

FORMAT = "genesis-model"
FORMAT_VERSION = 2
#: The tensor-name prefix of training-state arrays (weight names never hold a ``/``).
STATE_PREFIX = "training/"


@dataclass(frozen=True)
class ModelFile:
    """The contents of a model file: JSON-ready ``document``, named ``weights``, and
    the optional ``training_state`` arrays (empty when the file has none)."""

    document: dict[str, Any]
    weights: dict[str, np.ndarray]
    training_state: dict[str, np.ndarray] = field(default_factory=dict)


def _checksum(document_json: str, weights: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256(document_json.encode())
    for name in sorted(weights):
        array = np.ascontiguousarray(weights[name])
        digest.update(f"\0{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def write_model_file(
    path: str | os.PathLike[str], model: ModelFile, *, overwrite: bool = True
) -> Path:
    """Write ``model`` to ``path`` atomically (temporary file, then rename).

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
    """
    from safetensors.numpy import save

    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    weights = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in model.weights.items()}
    bad = [k for k in weights if k.startswith(STATE_PREFIX)]
    if bad:
        raise ValueError(f"weight names may not start with {STATE_PREFIX!r}: {bad}")
    for name, array in model.training_state.items():
        weights[STATE_PREFIX + name] = np.array(array, order="C")  # keeps 0-d arrays 0-d
    document_json = json.dumps(model.document, sort_keys=True, allow_nan=False)
    header = {
        "format": FORMAT,
        "format_version": str(FORMAT_VERSION if model.training_state else 1),
        "genesis": document_json,
        "checksum": _checksum(document_json, weights),
    }
    payload = save(weights, metadata=header)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_model_file(path: str | os.PathLike[str]) -> ModelFile:
    """Read and verify a model file.

    Raises:
        ModelFileError: the file is missing, not a Genesis model file, from a newer
            format version, corrupt, or tampered with (checksum mismatch).
    """
    from safetensors.numpy import load

    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"No model file at {source}")
    raw = source.read_bytes()
    try:
        header = _read_header(raw)
        weights = load(raw)
    except ModelFileError as exc:
        raise ModelFileError(f"{source} is not a readable Genesis model file: {exc}") from exc
    except Exception as exc:
        raise ModelFileError(
            f"{source} is not a readable Genesis model file (corrupt or another format): {exc}"
        ) from exc
    meta = header.get("__metadata__") or {}
    if meta.get("format") != FORMAT:
        raise ModelFileError(f"{source} is not a Genesis model file (no '{FORMAT}' marker)")
    try:
        version = int(meta.get("format_version", ""))
    except ValueError as exc:
        raise ModelFileError(
            f"{source}: unreadable format version {meta.get('format_version')!r}"
        ) from exc
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{source} was written in model format {version}, newer than this Genesis "
            f"understands ({FORMAT_VERSION}); upgrade genesis-core"
        )
    document_json = meta.get("genesis", "")
    if _checksum(document_json, weights) != meta.get("checksum"):
        raise ModelFileError(
            f"{source} is corrupt or was modified after it was saved (checksum mismatch); "
            "refusing to load it"
        )
    try:
        document = json.loads(document_json)
    except json.JSONDecodeError as exc:  # pragma: no cover - the checksum covers it
        raise ModelFileError(f"{source}: unreadable metadata: {exc}") from exc
    state = {k[len(STATE_PREFIX) :]: v for k, v in weights.items() if k.startswith(STATE_PREFIX)}
    plain = {k: v for k, v in weights.items() if not k.startswith(STATE_PREFIX)}
    return ModelFile(document=document, weights=plain, training_state=state)


def _read_header(raw: bytes) -> dict[str, Any]:
    if len(raw) < 8:
        raise ModelFileError("file too short to be a model file")
    size = int.from_bytes(raw[:8], "little")
    if size <= 0 or 8 + size > len(raw):
        raise ModelFileError("header size out of range (truncated or not a safetensors file)")
    try:
        header = json.loads(raw[8 : 8 + size])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"header is not valid JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise ModelFileError("header is not a JSON object")
    return header
