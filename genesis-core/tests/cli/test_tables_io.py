"""Reading and writing tables: formats by extension, atomic writes, clear errors."""

from __future__ import annotations

import importlib.util
import os
import stat

import numpy as np
import pandas as pd
import pytest

from genesis.errors import ConfigurationError, DataValidationError
from genesis.io.tables import atomic_output, read_table, write_table, write_text


class ExplodesWhenPrinted:
    """A cell that fails to turn into text: the write fails part-way."""

    def __init__(self, error: type[BaseException]) -> None:
        self.error = error

    def __str__(self) -> str:
        raise self.error("this cell cannot be written")


def frame_failing_at_the_end(rows: int, error: type[BaseException]) -> pd.DataFrame:
    values = np.array([f"row {i}" for i in range(rows)], dtype=object)
    values[-1] = ExplodesWhenPrinted(error)
    return pd.DataFrame({"n": np.arange(rows), "text": values})


@pytest.mark.parametrize("name", ["t.csv", "t.tsv", "t.csv.gz", "t.parquet"])
def test_round_trip_by_extension(tmp_path, name, make_table):
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    table = make_table(n=40)

    write_table(table, tmp_path / name)

    pd.testing.assert_frame_equal(read_table(tmp_path / name), table, check_dtype=False)


def test_tsv_is_tab_separated(tmp_path, make_table):
    write_table(make_table(n=5), tmp_path / "t.tsv")

    assert (tmp_path / "t.tsv").read_text().splitlines()[0] == "age\tincome\tgroup\tmember\tcity"


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_write_failing_part_way_leaves_no_file(tmp_path, error):
    # Large enough that pandas has written earlier chunks when the last row fails.
    table = frame_failing_at_the_end(300_000, error)

    with pytest.raises(error):
        write_table(table, tmp_path / "out.csv")

    assert list(tmp_path.iterdir()) == []


def test_a_failing_overwrite_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old,content\n")

    with pytest.raises(ValueError):
        write_table(frame_failing_at_the_end(1_000, ValueError), target, overwrite=True)

    assert target.read_text() == "old,content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_existing_file_is_replaced_only_with_overwrite(tmp_path):
    target = tmp_path / "report.html"
    write_text("first", target)

    with pytest.raises(FileExistsError, match="already exists"):
        write_text("second", target)
    write_text("third", target, overwrite=True)

    assert target.read_text() == "third"


def test_atomic_output_gives_normal_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "x.bin") as tmp:
            tmp.write_bytes(b"data")
    finally:
        os.umask(umask)

    assert stat.S_IMODE((tmp_path / "x.bin").stat().st_mode) == 0o644


def test_read_errors_say_what_is_wrong(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b\n")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")

    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(DataValidationError, match="empty"):
        read_table(tmp_path / "empty.csv")
    with pytest.raises(DataValidationError, match="no rows"):
        read_table(tmp_path / "header.csv")
    with pytest.raises(ConfigurationError, match="unknown table format"):
        read_table(tmp_path / "data.xlsx")
    if importlib.util.find_spec("pyarrow") is not None:
        with pytest.raises(DataValidationError, match="not a readable Parquet file"):
            read_table(tmp_path / "broken.parquet")
