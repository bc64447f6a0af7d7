"""Which test compares an endpoint between groups: log-rank for survival, Gray's for incidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..endpoints import AALEN_JOHANSEN, ENDPOINTS, derive
from ..errors import InputError
from .gray import GrayResult, gray_test
from .groups import Bins, bin_values, check_levels
from .logrank import LogrankResult, logrank_test

if TYPE_CHECKING:
    from ..data.cohort import Cohort
    from ..endpoints import EndpointData


def compare_endpoint(
    cohort: Cohort,
    endpoint: str,
    by: str,
    strata: str | None = None,
    *,
    bins: Bins = None,
    **options: Any,
) -> LogrankResult | GrayResult:
    """Compare an endpoint between the groups of covariate `by`.

    Kaplan-Meier endpoints use the (stratified) log-rank test, with delayed
    entry at enrollment when the table has it; cumulative-incidence
    endpoints use Gray's test.  Gray's test has no delayed entry: when the
    table gives enrollment it compares time since the first dose
    (``origin="enrollment"``) among patients free of the endpoint's events then.

    Parameters
    ----------
    cohort : Cohort
        A validated cohort.
    endpoint : str
        A key of :data:`blina_stats.ENDPOINTS`.
    by, strata : str
        Covariate columns: the groups compared, and optional strata.  More
        than :data:`~blina_stats.compare.groups.MAX_LEVELS` (10) groups of
        `by` are refused: give `bins`.
    bins : int or sequence of float, optional
        Group a numeric `by` first: cut points (``[40, 55]`` gives ``"<40"``,
        ``"40-54"``, ``">=55"``) or a number of quantile groups
        (:func:`~blina_stats.compare.groups.bin_values`).
    **options
        Those of :func:`blina_stats.endpoints.derive` (``origin``,
        ``gvhd_competing``, ``delayed_entry``, ...).

    Returns
    -------
    LogrankResult or GrayResult
        With ``statistic``, ``df`` and ``pvalue``.

    Raises
    ------
    InputError
        When `by` or `strata` is not a covariate, or is missing for a patient
        the endpoint uses; when `by` has more than 10 levels (one line that
        suggests ``bins=``).

    References
    ----------
    Gray, R. J. (1988). A class of K-sample tests for comparing the cumulative
    incidence of a competing risk. Annals of Statistics 16:1141-1154.

    Examples
    --------
    >>> import blina_stats as bs
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct").df
    1
    """
    _check_columns(cohort, by, strata)
    data = derive(cohort, endpoint, **comparison_options(cohort, endpoint, **options))
    return compare_groups(data, cohort, by, strata, bins=bins)


def comparison_options(cohort: Cohort, endpoint: str, **options: Any) -> dict[str, Any]:
    """The derivation options the comparison of `endpoint` uses: `options`, with time from the
    first dose for an incidence when the table gives enrollment (Gray's test has no delayed
    entry)."""
    competing = ENDPOINTS[endpoint].kind == AALEN_JOHANSEN if endpoint in ENDPOINTS else False
    if competing and cohort.has_enrollment and options.get("delayed_entry", True):
        return {**options, "origin": "enrollment"}
    return dict(options)


def compare_groups(
    data: EndpointData,
    cohort: Cohort,
    by: str,
    strata: str | None = None,
    *,
    bins: Bins = None,
) -> LogrankResult | GrayResult:
    """The test of an endpoint already derived (with :func:`comparison_options`) between the
    groups of covariate `by` (binned by `bins`, as in :func:`compare_endpoint`): log-rank
    for survival, Gray's for a cumulative incidence."""
    _check_columns(cohort, by, strata)
    columns = (by,) if strata is None else (by, strata)
    frame = cohort.frame.set_index("patient_id")
    if bins is not None:
        frame = frame.assign(**{by: bin_values(frame[by], bins, by, cohort.source)})
    check_levels(frame[by], by, cohort.source)
    rows = frame.loc[list(data.patient_id)]
    labels = {}
    for col in columns:
        values = rows[col]
        absent = values.index[values.isna()].tolist()
        if absent:
            raise InputError(
                f"{cohort.source}: column {col!r} is missing for patient(s) "
                f"{', '.join(map(repr, absent[:5]))}" + (" ..." if len(absent) > 5 else "")
            )
        labels[col] = values.astype(str).to_numpy()
    group, stratum = labels[by], labels.get(strata or "")
    if data.endpoint.kind == AALEN_JOHANSEN:
        return gray_test(data.time, data.status, group, cause=1, strata=stratum)
    return logrank_test(data.time, data.status, group, strata=stratum, entry=data.entry)


def _check_columns(cohort: Cohort, by: str, strata: str | None) -> None:
    for col in (by,) if strata is None else (by, strata):
        if col not in cohort.covariates:
            raise InputError(
                f"{cohort.source}: {col!r} is not a covariate column "
                f"(covariates: {', '.join(cohort.covariates)})"
            )
