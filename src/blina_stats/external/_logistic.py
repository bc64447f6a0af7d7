"""Logistic regression by Newton-Raphson (IRLS), for one weight vector or a batch of them.

The propensity model is refitted in every bootstrap replicate; with the
replicate's resampling counts as case weights, all replicates are one batch:
each Newton step is a few matrix products over a (replicates, patients)
array and a batched solve of the (replicates, p, p) information matrices.
statsmodels is not a dependency of the package; these iterations give
R's ``glm(family = binomial, weights = w)`` to 1e-8
(``tests/reference/external_propensity.R``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Newton iterations at most, and the change in every coefficient that ends them
MAX_ITER = 50
TOL = 1e-11


def fit_logistic(
    x: FloatArray, y: FloatArray, weights: FloatArray, start: FloatArray | None = None
) -> tuple[FloatArray, bool]:
    """Maximum-likelihood coefficients of ``logit P(y = 1) = x @ beta`` with case weights.

    Parameters
    ----------
    x : ndarray, shape (n, p)
        Design matrix, intercept included.
    y : ndarray, shape (n,)
        0/1 outcome.
    weights : ndarray, shape (n,) or (b, n)
        Case weights (resampling counts in the bootstrap); one fit per row.
    start : ndarray, shape (p,) or (b, p), optional
        Starting coefficients (zeros by default).

    Returns
    -------
    beta : ndarray, shape (p,) or (b, p)
    converged : bool
        Every fit met the tolerance within :data:`MAX_ITER` steps.

    Notes
    -----
    Newton's step on the weighted log-likelihood
    :math:`\\ell(\\beta) = \\sum_i w_i \\{y_i \\eta_i - \\log(1 + e^{\\eta_i})\\}` is
    :math:`\\Delta = (X^\\top W V X)^{-1} X^\\top W (y - \\pi)` with
    :math:`V = \\mathrm{diag}\\{\\pi_i (1 - \\pi_i)\\}`: iteratively reweighted
    least squares (McCullagh & Nelder 1989, section 4.4).
    """
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    b, p = w.shape[0], x.shape[1]
    beta = np.zeros((b, p)) if start is None else np.broadcast_to(start, (b, p)).copy()
    # x_i x_i' flattened once: each information matrix is then one matrix product
    outer = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], p * p)
    ridge = 1e-9 * np.eye(p)
    active = np.arange(b)  # fits still moving: a separated resample does not hold up the rest
    for _ in range(MAX_ITER):
        wa, ba = w[active], beta[active]
        pi = _expit(ba @ x.T)
        grad = (wa * (y[None, :] - pi)) @ x
        info = ((wa * pi * (1.0 - pi)) @ outer).reshape(-1, p, p)
        # a ridge on the step only (the fixed point, score 0, is unchanged): a resample
        # without a level leaves its column empty, and the matrix singular
        step = np.linalg.solve(info + ridge, grad[:, :, None])[:, :, 0]
        beta[active] = ba + step
        moving = ~np.all(np.abs(step) < TOL * (1.0 + np.abs(beta[active])), axis=1)
        active = active[moving]
        if active.size == 0:
            break
    converged = active.size == 0
    if np.ndim(weights) == 1:
        return beta[0], converged
    return beta, converged


def predict(x: FloatArray, beta: FloatArray) -> FloatArray:
    """Fitted probabilities, shape (n,) or (b, n) as `beta` is (p,) or (b, p)."""
    return _expit(beta @ x.T)


def _expit(eta: FloatArray) -> FloatArray:
    # the two branches keep exp() from overflowing for large |eta|
    out = np.empty_like(eta)
    pos = eta >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-eta[pos]))
    e = np.exp(eta[~pos])
    out[~pos] = e / (1.0 + e)
    return out
