"""Why an endpoint cannot be estimated from a table, as data (a code and a reason).

Raised by :func:`blina_stats.endpoints.derive` (and re-exported there).
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

__all__ = ["NOT_ESTIMABLE_CODES", "NotEstimable"]

#: the codes of :attr:`NotEstimable.code`
NOT_ESTIMABLE_CODES = ("missing_column", "no_patient_left")


class NotEstimable(InputError):
    """The event table cannot support this endpoint (a column is missing, no patient left).

    The message reads ``"{source}: {endpoint} is not estimable: {reason}"``.

    Attributes
    ----------
    source : str
        The cohort's source.
    endpoint : str
        The endpoint's name.
    code : str
        ``"missing_column"`` or ``"no_patient_left"``.
    reason : str
        In words: ``"no agvhd_grade column"``, ``"no patient left"``.
    horizon : float
        The horizon asked for, days from the origin.
    n_patients : int
        Patients in the cohort (all of them left out).
    origin : str
        The origin asked for (``"transplant"`` or ``"enrollment"``): day 0 of `horizon`.
    """

    def __init__(
        self,
        source: str,
        endpoint: str,
        code: str,
        reason: str,
        horizon: float,
        n_patients: int,
        origin: str = "transplant",
    ) -> None:
        super().__init__(f"{source}: {endpoint} is not estimable: {reason}")
        self.source, self.endpoint, self.code, self.reason = source, endpoint, code, reason
        self.horizon, self.n_patients, self.origin = horizon, n_patients, origin

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self.source, self.endpoint, self.code, self.reason, self.horizon, self.n_patients)
        return (type(self), (*args, self.origin))
