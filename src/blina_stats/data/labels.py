"""Display labels of the covariates: the words a paper prints for a column and its levels.

The event table's covariates keep their raw names everywhere data is named
(model terms such as ``mrd_pre_hsct[positive]``, JSON fields, CSV column
names); figures and the rows of tables shown to readers use these labels.
One map, written once here, for the covariates of the bundled trial
(:func:`blina_stats.synthetic.simulate_trial`):

==================  ===================  =====================================
column              label                levels shown
==================  ===================  =====================================
``age``             Age (years)          (numeric)
``sex``             Sex                  ``M`` male, ``F`` female [1]
``disease_status``  Disease status       as written (CR1, CR2+)
``mrd_pre_hsct``    MRD before HSCT      as written (negative, positive)
``ph_status``       Ph status            as written (Ph+, Ph-)
``donor_type``      Donor type           as written (MSD, MUD, MMUD, haplo)
``conditioning``    Conditioning         as written (MAC, RIC)
==================  ===================  =====================================

[1] Only when every level the data has is one of these (a column also
holding ``U`` or ``male`` keeps every level as written).  A column not in
the map keeps its raw name; ``labels={"column": "Label"}`` (``--label
column=Label``) overrides or adds a label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from .cohort import Cohort

#: covariate column -> its label in figures and tables (units for numeric ones)
COVARIATE_LABELS: Mapping[str, str] = {
    "age": "Age (years)",
    "sex": "Sex",
    "disease_status": "Disease status",
    "mrd_pre_hsct": "MRD before HSCT",
    "ph_status": "Ph status",
    "donor_type": "Donor type",
    "conditioning": "Conditioning",
}
#: covariate column -> level as written -> its words; used only when the data's levels all
#: have words here
LEVEL_LABELS: Mapping[str, Mapping[str, str]] = {"sex": {"M": "male", "F": "female"}}


class CovariateLabels(dict[str, str]):
    """Column -> display label, and in `levels` column -> level -> display level.

    A plain ``dict`` to every reader (a figure reads ``labels.get(column, column)``);
    ``levels`` holds the words of the levels where the data's levels all have some.
    Made by :func:`covariate_labels`.
    """

    levels: dict[str, dict[str, str]]

    def __init__(
        self,
        columns: Mapping[str, str] | None = None,
        levels: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(columns or {})
        self.levels = {c: dict(m) for c, m in (levels or {}).items()}

    def column(self, name: str) -> str:
        """The label of column `name`, its raw name when it has none."""
        return self.get(name, name)

    def level(self, column: str, level: object) -> str:
        """The words of `level` of `column`, the level as written when it has none."""
        text = str(level)
        return self.levels.get(column, {}).get(text, text)

    def row(self, column: str, level: object = None) -> str:
        """``"MRD before HSCT: negative"``; the column's label alone without a level."""
        name = self.column(column)
        return name if level is None or level == "" else f"{name}: {self.level(column, level)}"


def check_labels(labels: Any, what: str = "labels=") -> dict[str, str]:
    """`labels` as a dict of column -> label (text, not empty); None gives ``{}``.

    Raises
    ------
    TypeError
        When `labels` is not a mapping of text to text.
    InputError
        For an empty label or column name (one line).
    """
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise TypeError(
            f"{what} takes a mapping of column -> label, e.g. {{'mrd_pre_hsct': "
            f"'MRD before HSCT'}}, got {type(labels).__name__}"
        )
    out: dict[str, str] = {}
    for column, label in labels.items():
        if not isinstance(column, str) or not isinstance(label, str):
            raise TypeError(f"{what}: column and label must be text, got {column!r}: {label!r}")
        if not column.strip() or not label.strip():
            raise InputError(f"{what}: empty column name or label in {column!r}: {label!r}")
        out[column] = label
    return out


def covariate_labels(
    labels: Mapping[str, str] | None = None,
    levels: Mapping[str, Iterable[object]] | None = None,
) -> CovariateLabels:
    """The package's labels (:data:`COVARIATE_LABELS`) with `labels` over them.

    Parameters
    ----------
    labels : mapping of str to str, optional
        The user's labels: column -> label.  A column the data does not have
        is kept (it changes nothing).
    levels : mapping of str to iterable, optional
        Each covariate's levels in the data: the words of
        :data:`LEVEL_LABELS` are used for a column only when every one of its
        levels has words (sex ``M``/``F``: male/female); otherwise its levels
        are shown as written.  Missing values are not levels.

    Returns
    -------
    CovariateLabels

    Examples
    --------
    >>> lab = covariate_labels({"donor_type": "Donor"}, {"sex": ["M", "F"]})
    >>> lab.row("sex", "M"), lab.row("donor_type", "MUD"), lab.row("age")
    ('Sex: male', 'Donor: MUD', 'Age (years)')
    """
    columns = {**COVARIATE_LABELS, **check_labels(labels)}
    words: dict[str, dict[str, str]] = {}
    for column, seen in (levels or {}).items():
        known = LEVEL_LABELS.get(column)
        present = {str(v) for v in seen if v is not None and v == v}  # NaN != NaN: missing
        if known and present and present <= set(known):
            words[column] = dict(known)
    return CovariateLabels(columns, words)


def cohort_labels(cohort: Cohort, labels: Mapping[str, str] | None = None) -> CovariateLabels:
    """:func:`covariate_labels` for the covariates of `cohort` (their levels as the data has them).

    Raises
    ------
    InputError
        When `labels` names a column that is not a covariate of `cohort` (a
        typo would otherwise change nothing, unseen): one line naming the table.
    """
    given = check_labels(labels)
    unknown = [c for c in given if c not in cohort.covariates]
    if unknown:
        raise InputError(
            f"{cohort.source}: a label is given for {', '.join(map(repr, unknown))}, not a "
            f"covariate column (covariates: {', '.join(cohort.covariates) or 'none'})"
        )
    frame = cohort.frame
    levels = {
        c: frame[c].dropna().unique().tolist() for c in cohort.covariates if c in LEVEL_LABELS
    }
    return covariate_labels(given, levels)
