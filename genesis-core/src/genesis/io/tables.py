"""Tables on disk: read and write CSV and Parquet, chosen by the file's extension.

Every write is atomic: the content goes to a temporary file beside the target,
is flushed to disk, and is then renamed over the target with :func:`os.replace`.
An error or a Ctrl-C part-way leaves no half-written file behind, and an
existing file is replaced only when the caller says so (``overwrite=True``).

Formats by extension (case-insensitive):

* ``.csv``, ``.tsv`` and ``.txt`` (tab-separated for ``.tsv``), optionally
  compressed: ``.csv.gz``, ``.csv.bz2``, ``.csv.xz``, ``.csv.zip``;
* ``.parquet`` and ``.pq``, which need ``pyarrow``
  (``pip install "genesis-core[parquet]"``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pandas as pd

from genesis.errors import ConfigurationError, DataValidationError, GenesisError

__all__ = [
    "TABLE_SUFFIXES",
    "atomic_output",
    "check_writable",
    "read_table",
    "table_format",
    "write_bytes",
    "write_table",
    "write_text",
]

TableFormat = Literal["csv", "tsv", "parquet"]

Compression = Literal["gzip", "bz2", "xz", "zip", "zstd"]
_COMPRESSIONS: dict[str, Compression] = {
    ".gz": "gzip",
    ".bz2": "bz2",
    ".xz": "xz",
    ".zip": "zip",
    ".zst": "zstd",
}
_FORMATS: dict[str, TableFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: Extensions :func:`read_table` and :func:`write_table` understand.
TABLE_SUFFIXES: tuple[str, ...] = tuple(_FORMATS)
_PARQUET_HINT = 'Parquet files need pyarrow: pip install "genesis-core[parquet]"'


def _split_suffix(path: Path) -> tuple[TableFormat | None, Compression | None]:
    suffixes = [s.lower() for s in path.suffixes]
    compression: Compression | None = None
    if suffixes and suffixes[-1] in _COMPRESSIONS:
        compression = _COMPRESSIONS[suffixes.pop()]
    fmt = _FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt == "parquet" and compression is not None:
        return None, None
    return fmt, compression


def table_format(path: str | os.PathLike[str]) -> TableFormat:
    """The table format of ``path``, from its extension.

    Raises:
        ConfigurationError: the extension is not one of :data:`TABLE_SUFFIXES`.
    """
    fmt, _ = _split_suffix(Path(path))
    if fmt is None:
        raise ConfigurationError(
            f"{path}: unknown table format; use a file ending in "
            f"{', '.join(TABLE_SUFFIXES)} (CSV may be compressed: .csv.gz, ...)"
        )
    return fmt


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise GenesisError(_PARQUET_HINT) from exc


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or Parquet table.

    Args:
        path: the file; its extension says the format.

    Returns:
        The table, with pandas' type inference for CSV.

    Raises:
        FileNotFoundError: there is no file at ``path``.
        ConfigurationError: the extension is not a known table format.
        DataValidationError: the file does not parse, or it holds no rows or
            no columns.
        GenesisError: a Parquet file and no ``pyarrow``.
    """
    source = Path(path)
    fmt = table_format(source)
    if not source.exists():
        raise FileNotFoundError(2, "No such file", str(source))
    if source.is_dir():
        raise IsADirectoryError(21, "Is a directory, not a table file", str(source))
    try:
        if fmt == "parquet":
            _require_pyarrow()
            df = pd.read_parquet(source, engine="pyarrow")
        else:
            df = pd.read_csv(source, sep="\t" if fmt == "tsv" else ",")
    except pd.errors.EmptyDataError as exc:
        raise DataValidationError(f"{source} is empty: no header and no rows") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        detail = " ".join(str(exc).split())
        raise DataValidationError(
            f"{source} is not a readable {fmt.upper()} file: {detail}"
        ) from exc
    except (OSError, GenesisError):
        raise
    except Exception as exc:  # pyarrow's own errors: ArrowInvalid, ...
        if fmt != "parquet":
            raise
        detail = " ".join(str(exc).split())
        raise DataValidationError(f"{source} is not a readable Parquet file: {detail}") from exc
    if df.shape[1] == 0:
        raise DataValidationError(f"{source} has no columns")
    if len(df) == 0:
        raise DataValidationError(f"{source} has a header but no rows")
    return df


def check_writable(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Fail early, before any work, if ``path`` cannot be written.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        IsADirectoryError: ``path`` is a directory.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory; give a file name", str(target))
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} already exists; pass overwrite=True to replace it")
    return target


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    Write the whole content to the yielded path inside the ``with`` block. On
    any exception (including ``KeyboardInterrupt``) the temporary file is
    removed and ``path`` is left as it was.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
    """
    target = check_writable(path, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if target.exists() and not overwrite:  # appeared while we were writing
            raise FileExistsError(f"{target} already exists; pass overwrite=True to replace it")
        os.replace(tmp, target)
        # mkstemp creates 0600 files; give the result the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(target, 0o666 & ~umask)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_table(df: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``df`` as CSV or Parquet (by extension), atomically, without the index.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        ConfigurationError: the extension is not a known table format.
        GenesisError: a Parquet file and no ``pyarrow``.
    """
    target = Path(path)
    fmt, compression = _split_suffix(target)
    fmt = table_format(target) if fmt is None else fmt
    if fmt == "parquet":
        _require_pyarrow()
    with atomic_output(target, overwrite=overwrite) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, engine="pyarrow", index=False)
        else:
            df.to_csv(
                tmp,
                sep="\t" if fmt == "tsv" else ",",
                index=False,
                compression=compression,
                lineterminator="\n",
            )
    return target


def write_text(text: str, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write UTF-8 text to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path, overwrite=overwrite) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Path(path)


def write_bytes(data: bytes, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write bytes to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path, overwrite=overwrite) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return Path(path)
