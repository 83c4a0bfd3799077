"""Sequences as 3-D arrays on disk: numpy ``.npy`` files, read without pickle.

TimeGAN learns a ``(sequences, steps, features)`` array as well as a long table;
the command line reads and writes such arrays as ``.npy`` files. Loading never
unpickles (``allow_pickle=False``), so an object array is refused instead of
running code; writing is atomic like every other output.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from genesis.errors import DataValidationError
from genesis.io.tables import atomic_output

__all__ = ["ARRAY_SUFFIX", "is_array_path", "read_array", "write_array"]

#: The extension of an array file.
ARRAY_SUFFIX = ".npy"


def is_array_path(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an array file (by its extension)."""
    return Path(path).suffix.lower() == ARRAY_SUFFIX


def read_array(path: str | os.PathLike[str]) -> np.ndarray:
    """Read the 3-D numeric array ``(sequences, steps, features)`` in the ``.npy`` file ``path``.

    Raises:
        FileNotFoundError: no file at ``path``.
        DataValidationError: the file is not a numpy array file, holds Python
            objects (refused: loading them would unpickle), or is not a 3-D
            array of numbers.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(2, "No such file", str(source))
    try:
        array = np.load(source, allow_pickle=False)
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise DataValidationError(
                f"{source} holds Python objects; Genesis reads numeric arrays only "
                "(loading objects would unpickle them, which can run code)"
            ) from exc
        raise DataValidationError(f"{source} is not a readable .npy array: {exc}") from exc
    except OSError as exc:
        raise DataValidationError(f"{source} is not a readable .npy array: {exc}") from exc
    if not isinstance(array, np.ndarray):  # an .npz archive
        raise DataValidationError(f"{source} is not a single .npy array")
    if array.ndim != 3 or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise DataValidationError(
            f"{source} holds a {array.ndim}-D {array.dtype} array; sequences are a 3-D array "
            "of numbers (sequences, steps, features)"
        )
    return array


def write_array(
    array: np.ndarray, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write ``array`` to the ``.npy`` file ``path``, atomically.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
    """
    with atomic_output(path, overwrite=overwrite) as tmp, open(tmp, "wb") as fh:
        np.save(fh, np.asarray(array), allow_pickle=False)
    return Path(path)
