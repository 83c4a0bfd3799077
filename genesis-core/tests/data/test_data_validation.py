"""Bad tables are refused with clear DataValidationError subclasses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genesis.data.transformer import DataTransformer
from genesis.errors import ConfigurationError, DataValidationError, UnknownColumnError


def fit(frame: object, discrete: object = None, **kwargs: object) -> DataTransformer:
    return DataTransformer().fit(frame, discrete, rng=np.random.default_rng(0), **kwargs)  # type: ignore[arg-type]


GOOD = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "x"]})


@pytest.mark.parametrize("data", [GOOD.to_dict(), GOOD.to_numpy(), [[1, 2], [3, 4]]])
def test_rejects_non_dataframes(data: object) -> None:
    with pytest.raises(DataValidationError, match="DataFrame"):
        fit(data)


def test_rejects_frame_without_rows() -> None:
    with pytest.raises(DataValidationError, match="no rows"):
        fit(GOOD.iloc[:0])


def test_rejects_frame_without_columns() -> None:
    with pytest.raises(DataValidationError, match="no columns"):
        fit(pd.DataFrame(index=range(5)))


def test_rejects_single_row() -> None:
    with pytest.raises(DataValidationError, match="at least 2 rows"):
        fit(GOOD.iloc[:1])


def test_rejects_all_missing_column_by_name() -> None:
    frame = GOOD.assign(empty=np.nan, gone=None)

    with pytest.raises(DataValidationError, match=r"'empty', 'gone'.*no values"):
        fit(frame)


def test_rejects_unknown_discrete_columns_listing_valid_ones() -> None:
    with pytest.raises(UnknownColumnError, match=r"'nope'.*valid columns are: 'a', 'b'"):
        fit(GOOD, ["a", "nope"])


def test_rejects_discrete_columns_given_as_one_string() -> None:
    with pytest.raises(DataValidationError, match=r"\['a'\]"):
        fit(GOOD, "a")


@pytest.mark.parametrize(
    "values",
    [
        [1, "two", 3],
        [1.5, "x", None],
    ],
)
def test_rejects_mixed_type_column_with_advice(values: list[object]) -> None:
    frame = pd.DataFrame({"ok": [1, 2, 3], "mixed": pd.Series(values, dtype=object)})

    with pytest.raises(DataValidationError, match=r"'mixed'.*astype\(str\)"):
        fit(frame)


@pytest.mark.parametrize(
    ("values", "named"),
    [([[1], [2, 3], [4]], "list"), ([{"a": 1}, {"b": 2}, {"a": 3}], "dict")],
)
def test_rejects_containers_in_cells_by_name(values: list[object], named: str) -> None:
    frame = pd.DataFrame({"ok": [1, 2, 3], "tags": pd.Series(values, dtype=object)})

    with pytest.raises(DataValidationError, match=rf"'tags' holds {named} values.*explode"):
        fit(frame)


def test_rejects_unsupported_value_types() -> None:
    frame = pd.DataFrame({"blob": pd.Series([b"a", b"b"], dtype=object)})

    with pytest.raises(DataValidationError, match=r"'blob'.*astype\(str\)"):
        fit(frame)


def test_rejects_duplicate_column_names() -> None:
    frame = pd.DataFrame([[1, 2, 3], [4, 5, 6]], columns=["a", "b", "a"])

    with pytest.raises(DataValidationError, match=r"Duplicate.*'a'"):
        fit(frame)


def test_rejects_non_string_column_names() -> None:
    with pytest.raises(DataValidationError, match="strings"):
        fit(pd.DataFrame(np.ones((3, 2))))


def test_rejects_infinite_values() -> None:
    with pytest.raises(DataValidationError, match=r"'a'.*infinite"):
        fit(GOOD.assign(a=[1.0, np.inf, 2.0]))


def test_rejects_discrete_datetimes() -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2020-01-02"])})

    with pytest.raises(DataValidationError, match=r"'t'.*continuous"):
        fit(frame, ["t"])


@pytest.mark.parametrize("kwargs", [{"max_categories": 1}, {"max_fit_rows": 0}])
def test_rejects_bad_limits(kwargs: dict[str, int]) -> None:
    with pytest.raises(ConfigurationError):
        fit(GOOD, **kwargs)


def test_constant_column_is_accepted() -> None:
    transformer = fit(pd.DataFrame({"same": [4, 4, 4], "label": ["a", "a", "a"]}))

    assert transformer.output_dim == 3
    assert transformer.cond_dim == 1


def test_error_classes_are_catchable_as_value_error() -> None:
    with pytest.raises(ValueError):
        fit(GOOD.iloc[:1])
