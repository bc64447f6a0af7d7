"""Small data sets bundled with the package (see README.md in this folder)."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd


def load_bmt() -> pd.DataFrame:
    """KMsurv's ``bmt``: 137 allogeneic marrow transplants (Klein & Moeschberger 2003, section 1.3).

    Columns as in R: ``t1``/``d1`` death, ``t2``/``d2`` relapse, ``d3`` relapse or
    death (disease-free survival), ``ta``/``da`` acute and ``tc``/``dc`` chronic
    GVHD, ``group`` (1 ALL, 2 AML low risk, 3 AML high risk), covariates z1-z10.

    References
    ----------
    Klein, J. P. and Moeschberger, M. L. (2003). Survival Analysis: Techniques
    for Censored and Truncated Data, 2nd ed. Springer.
    """
    with files(__package__).joinpath("bmt.csv").open() as fh:
        return pd.read_csv(fh)
