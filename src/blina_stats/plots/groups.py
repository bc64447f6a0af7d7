"""Several results on one figure: their labels, their legend entries, and the test between them.

A plot function takes one result, a mapping ``{label: result}`` or a list of
results with ``labels=``; each group keeps its colour in the curve, the legend
and its row of the numbers-at-risk table.  The p-value in the corner is the
package's own test (:func:`~blina_stats.compare.logrank_test`,
:func:`~blina_stats.compare.gray_test`), given as its result or a number: a
figure reads what it is given and computes no test (:meth:`Cohort.plot` with
``pvalue=True`` runs the test on the data it drew).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, Union

import numpy as np

from .style import plain_text

if TYPE_CHECKING:
    from ..compare import GrayResult, LogrankResult

R = TypeVar("R")

#: what ``pvalue=`` takes: a test result, a number, or one Gray result a cause
PValue = Union[float, "LogrankResult", "GrayResult", Sequence["GrayResult"], None]


def is_survival(result: object) -> bool:
    """A Kaplan-Meier result (read by its attributes: figures import no estimator)."""
    return hasattr(result, "_table") and hasattr(result, "estimate") and not is_incidence(result)


def is_incidence(result: object) -> bool:
    """A cumulative-incidence result (a step table with causes)."""
    return hasattr(result, "_table") and hasattr(result, "causes")


def as_groups(
    results: R | Mapping[str, R] | Sequence[R],
    labels: Sequence[str] | None,
    kind: str,
    is_kind: Callable[[object], bool],
) -> list[tuple[str | None, R]]:
    """``[(label, result), ...]``: one unlabelled result, or every labelled group in order.

    Raises
    ------
    TypeError
        When a result is not a `kind` (by `is_kind`).
    ValueError
        For a list without one label a result, or a mapping with ``labels=``.
    """
    if not isinstance(results, Mapping | list | tuple):
        if not is_kind(results):
            raise TypeError(f"expected a {kind} or a mapping of them, got {results!r}")
        if labels is not None:
            raise ValueError("labels= names the results of a list; give label= for one result")
        return [(None, results)]  # type: ignore[list-item]
    if isinstance(results, Mapping):
        if labels is not None:
            raise ValueError("labels= is for a list of results; a mapping's keys are its labels")
        groups: list[tuple[str | None, R]] = [(str(k), v) for k, v in results.items()]
    else:
        if labels is None or len(labels) != len(results):
            raise ValueError(
                f"a list of {len(results)} results needs labels= with one label each, "
                f"got {labels!r}"
            )
        groups = [(str(name), r) for name, r in zip(labels, results, strict=True)]
    if not groups:
        raise ValueError("no results to plot: the mapping or list is empty")
    for name, r in groups:
        if not is_kind(r):
            raise TypeError(f"group {name!r}: expected a {kind}, got {type(r).__name__}")
    return groups


def legend_label(name: str, n: int, events: int, what: str | None = None) -> str:
    """``"MRD-negative (n=40, 12 events)"``; with `what`, ``"Relapse, MRD-negative (...)"``."""
    head = plain_text(name if what is None else f"{what}, {name}")  # the user's levels: no mathtext
    return f"{head} (n={n}, {events} event{'' if events == 1 else 's'})"


def format_pvalue(p: float) -> str:
    """``p = 0.041``, ``p < 0.001`` (the report's convention); ``p = NA`` when not computable."""
    if not np.isfinite(p):
        return "p = NA"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def pvalue_text(pvalue: PValue, cause_names: Mapping[int, str] | None = None) -> str | None:
    """The corner text for `pvalue`: ``"Log-rank p = 0.041"``, ``"Gray's test p < 0.001"``; several
    Gray results give one line a cause, named by `cause_names`."""
    if pvalue is None:
        return None
    if isinstance(pvalue, bool):
        raise TypeError(
            "pvalue= takes a test result or a number; a figure computes no test: give "
            "compare.logrank_test / gray_test's result, or use Cohort.plot(..., pvalue=True)"
        )
    if isinstance(pvalue, int | float | np.floating):
        return format_pvalue(float(pvalue))
    tests: list[Any] = list(pvalue) if isinstance(pvalue, Sequence) else [pvalue]
    if len(tests) == 1 and not hasattr(tests[0], "cause"):  # a LogrankResult
        return f"Log-rank {format_pvalue(tests[0].pvalue)}"
    if len(tests) == 1:
        return f"Gray's test {format_pvalue(tests[0].pvalue)}"
    names = cause_names or {}
    lines = [f"{names.get(g.cause, f'cause {g.cause}')}: {format_pvalue(g.pvalue)}" for g in tests]
    return "Gray's test\n" + "\n".join(lines)
