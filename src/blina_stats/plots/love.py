"""Love plot: absolute standardised mean differences before and after weighting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .covariates import covariate_text
from .style import PALETTE, new_axes, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..external import PropensityWeights

#: the usual balance threshold, drawn as a dashed line
THRESHOLD = 0.1


def love_plot(
    weights: PropensityWeights,
    ax: Axes | None = None,
    threshold: float = THRESHOLD,
    *,
    labels: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Axes:
    """|SMD| of every covariate (and level) before (open) and after (filled) weighting.

    Parameters
    ----------
    weights : PropensityWeights
        From :func:`blina_stats.external.propensity_weights`.
    ax : Axes, optional
        Drawn on a new figure otherwise.
    threshold : float
        The dashed line (0.1).
    labels : mapping of str to str, optional
        Display labels of the covariates, ``{"mrd_pre_hsct": "MRD before HSCT"}``
        (or :func:`blina_stats.data.labels.covariate_labels`, which also gives
        the words of levels); a covariate without one is shown by its name.
    **kwargs
        Passed to the markers (matplotlib ``scatter`` keywords).

    Returns
    -------
    Axes

    References
    ----------
    Ahmed, A. et al. (2006). Heart failure, chronic diuretic use, and increase in
    mortality and hospitalization. European Heart Journal 27:1431-1439 (the
    plot's first use; named after Thomas E. Love).
    """
    bal = weights.balance
    rows = [plain_text(covariate_text(labels, c, lv or None)) for c, lv in bal.index]
    before = np.abs(bal["smd_before"].to_numpy())
    after = np.abs(bal["smd_after"].to_numpy())
    if ax is None:
        ax = new_axes(height=max(2.0, 0.25 * len(rows) + 0.8))
    y = np.arange(len(rows))[::-1]
    with style():
        ax.scatter(
            before, y, facecolors="none", edgecolors=PALETTE[1], label="unweighted", **kwargs
        )
        ax.scatter(after, y, color=PALETTE[0], label=f"weighted ({weights.estimand})", **kwargs)
        ax.axvline(threshold, color="0.5", linestyle="--", linewidth=0.8)
        ax.set_yticks(y, rows)
        ax.set_xlabel("absolute standardised mean difference")
        ax.set_xlim(0, max(float(np.nanmax(np.r_[before, after, threshold])) * 1.1, 0.2))
        ax.legend(loc="best", frameon=False)
    return ax
