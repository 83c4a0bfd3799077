"""Small example tables shipped inside the package, for demos, docs and tests.

``adult_sample.csv`` holds 2,000 rows and 12 columns of the UCI Adult census
table (Becker & Kohavi, 1996, CC BY 4.0): rows with unknown values (``?``)
removed, the leading spaces of the string values stripped, and the columns
``fnlwgt``, ``education-num`` (a recoding of ``education``) and
``native-country`` left out to keep training quick.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["ADULT_SAMPLE_FILE", "load_adult_sample"]

#: File name of the Adult sample inside this package.
ADULT_SAMPLE_FILE = "adult_sample.csv"


def load_adult_sample() -> pd.DataFrame:
    """Load the shipped sample of the UCI Adult census table.

    Returns:
        2,000 rows: ``age``, ``capital-gain``, ``capital-loss`` and
        ``hours-per-week`` as integers; ``workclass``, ``education``,
        ``marital-status``, ``occupation``, ``relationship``, ``race``, ``sex``
        and ``income`` (``"<=50K"`` or ``">50K"``) as strings. No missing values.

    Example:
        >>> from genesis.datasets import load_adult_sample
        >>> load_adult_sample().shape
        (2000, 12)
    """
    with resources.files(__name__).joinpath(ADULT_SAMPLE_FILE).open("rb") as fh:
        return pd.read_csv(fh)
