"""Covariates in figure text: a column's display label and its level's words.

Figures import no analysis code: the labels come with the call, as a mapping
column -> label (the user's, or :func:`blina_stats.data.labels.covariate_labels`,
which also carries the words of levels in ``levels``).  A column without a
label is shown by its raw name, a level without words as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: a model term of a categorical covariate: ``mrd_pre_hsct[positive]``
TERM = re.compile(r"^(?P<column>.+)\[(?:T\.)?(?P<level>.*)\]$")


def level_text(labels: Mapping[str, str] | None, column: str, level: object) -> str:
    """The words of `level` of `column` (``labels.levels``), else the level as written."""
    text = str(level)
    return _words(labels or {}).get(column, {}).get(text, text)


def covariate_text(labels: Mapping[str, str] | None, column: str, level: object = None) -> str:
    """``"MRD before HSCT: negative"`` (or the column's label alone without `level`)."""
    name = (labels or {}).get(column, column)
    if level is None or level == "":
        return name
    return f"{name}: {level_text(labels, column, level)}"


def row_text(labels: Mapping[str, str] | None, row: object) -> str:
    """A table row named by a covariate: ``(column, level)``, a term ``column[level]`` of a
    labelled column, a column, or a row named in `labels` itself; anything else as written."""
    labels = labels or {}
    if isinstance(row, tuple) and len(row) == 2:
        return covariate_text(labels, str(row[0]), row[1])
    text = str(row)
    if text in labels:
        return labels[text]
    term = TERM.match(text)
    if term is not None and (term["column"] in labels or term["column"] in _words(labels)):
        return covariate_text(labels, term["column"], term["level"])
    return text  # a term of a column without a label: as the model names it


def _words(labels: Mapping[str, str]) -> Mapping[str, Mapping[str, str]]:
    return getattr(labels, "levels", {})
