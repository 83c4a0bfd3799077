"""The example table shipped inside the package (used by `genesis demo`)."""

from __future__ import annotations

from pandas.api import types as ptypes

from genesis.datasets import load_adult_sample


def test_adult_sample_is_clean_and_typed():
    table = load_adult_sample()

    assert table.shape == (2_000, 12)
    assert not table.isna().any().any()
    assert ptypes.is_integer_dtype(table["age"]) and ptypes.is_integer_dtype(
        table["hours-per-week"]
    )
    assert set(table["income"]) == {"<=50K", ">50K"}
    text = table.select_dtypes(exclude="number")
    assert not any(text[c].str.startswith(" ").any() or (text[c] == "?").any() for c in text)
