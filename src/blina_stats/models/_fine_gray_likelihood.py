"""The Fine-Gray weighted risk sets, likelihood, score, information and sandwich variance.

The arithmetic of ``cmprsk::crr`` (Fortran ``crrfsv``, ``crrvv``), vectorised;
`blina_stats.models.fine_gray` fits the model with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = [
    "WeightedData",
    "cox_robust_variance",
    "loglik",
    "prepare",
    "risk_sums",
    "sandwich_variance",
    "score_info",
]


def censoring_survival(
    time: FloatArray,
    censored: npt.NDArray[np.bool_],
    query: FloatArray,
    events_first: bool = False,
) -> FloatArray:
    """Kaplan-Meier of the censoring distribution just before `query`, G(t-).

    Zero beyond the group's last time, as the ``approx`` call in ``crr``.
    `events_first`: events tied with a censoring leave its risk set first,
    as in ``survival::finegray`` (``crr`` keeps them in).
    """
    ct, cnt = np.unique(time[censored], return_counts=True)
    ts = np.sort(time)
    at_risk = ts.size - np.searchsorted(ts, ct, side="left")
    if events_first:
        te = np.sort(time[~censored])
        at_risk = at_risk - (
            np.searchsorted(te, ct, side="right") - np.searchsorted(te, ct, side="left")
        )
    g = np.concatenate(([1.0], np.cumprod(1.0 - cnt / at_risk)))
    out = g[np.searchsorted(ct, query, side="left")]
    return np.where(query > ts[-1], 0.0, out)


@dataclass(frozen=True)
class WeightedData:
    """Sorted data and the quantities that do not depend on the coefficients."""

    time: FloatArray
    ici: IntArray  # 0 censored, 1 cause, 2 competing
    x: FloatArray
    cg: IntArray  # censoring group codes
    ncg: int
    ut: FloatArray  # distinct event times of the cause
    d: FloatArray  # events at each
    pos: IntArray  # first index with time >= ut[k]
    g_own: FloatArray  # G_{g(i)}(t_i-)
    g_ut: FloatArray  # (ncg, m): G_g(ut_k-)
    w: FloatArray | None = None  # case weights (None: all 1); `d` then sums them


def prepare(
    time: FloatArray, ici: IntArray, x: FloatArray, cg: IntArray, w: FloatArray | None = None
) -> WeightedData:
    order = np.argsort(time, kind="stable")
    time, ici, x, cg = time[order], ici[order], x[order], cg[order]
    ncg = int(cg.max()) + 1
    ut, d = np.unique(time[ici == 1], return_counts=True)
    if w is not None:
        # case weights multiply each patient's terms; the censoring weights G stay
        # unweighted, as survival::finegray(weights=) computes them
        w = w[order]
        d = np.bincount(np.searchsorted(ut, time[ici == 1]), weights=w[ici == 1], minlength=ut.size)
    g_own = np.empty(time.size)
    g_ut = np.empty((ncg, ut.size))
    for h in range(ncg):
        sel = cg == h
        # weighted: survival::finegray's conventions, since crr takes no weights
        first = w is not None
        g_own[sel] = censoring_survival(time[sel], ici[sel] == 0, time[sel], first)
        g_ut[h] = censoring_survival(time[sel], ici[sel] == 0, ut, first)
    return WeightedData(
        time=time,
        ici=ici,
        x=x,
        cg=cg,
        ncg=ncg,
        ut=ut,
        d=d.astype(np.float64),
        pos=np.searchsorted(time, ut, side="left"),
        g_own=g_own,
        g_ut=g_ut,
        w=w,
    )


def risk_sums(
    data: WeightedData, r: FloatArray, second: bool
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """S0, S1 (and S2) over the weighted risk set at each event time of the cause.

    At risk at u: everyone with ``t >= u`` (weight 1) and everyone with a
    competing event before u, weighted by ``G(u-) / G(t-)`` of their censoring group.
    """
    x = data.x
    n, p = x.shape
    r = r if data.w is None else r * data.w
    parts: list[FloatArray] = [r[:, None], r[:, None] * x]
    if second:
        parts.append((r[:, None, None] * x[:, :, None] * x[:, None, :]).reshape(n, p * p))
    z = np.hstack(parts)
    tail = np.vstack([np.cumsum(z[::-1], axis=0)[::-1], np.zeros((1, z.shape[1]))])
    sums = tail[data.pos]
    comp = data.ici == 2
    for h in range(data.ncg):
        w = np.where(comp & (data.cg == h), 1.0 / np.where(data.g_own > 0, data.g_own, 1.0), 0.0)
        head = np.vstack([np.zeros((1, z.shape[1])), np.cumsum(w[:, None] * z, axis=0)])
        sums = sums + data.g_ut[h][:, None] * head[data.pos]
    s0 = sums[:, 0]
    s1 = sums[:, 1 : 1 + p]
    s2 = sums[:, 1 + p :].reshape(-1, p, p) if second else None
    return s0, s1, s2


def loglik(data: WeightedData, beta: FloatArray) -> float:
    eta = data.x @ beta
    s0, _, _ = risk_sums(data, np.exp(eta), second=False)
    return float(_event_sum(data, eta) - (data.d * np.log(s0)).sum())


def _event_sum(data: WeightedData, v: FloatArray) -> FloatArray:
    """Sum of `v` over the events of the cause, weighted by the case weights."""
    ev = data.ici == 1
    return v[ev].sum(axis=0) if data.w is None else (data.w[ev] * v[ev].T).T.sum(axis=0)


def score_info(data: WeightedData, beta: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    eta = data.x @ beta
    s0, s1, s2 = risk_sums(data, np.exp(eta), second=True)
    if s2 is None:  # pragma: no cover - second=True always returns S2
        raise RuntimeError("S2 missing")
    xbar = s1 / s0[:, None]
    ll = float(_event_sum(data, eta) - (data.d * np.log(s0)).sum())
    score = _event_sum(data, data.x) - (data.d[:, None] * xbar).sum(axis=0)
    info = np.einsum("k,kij->ij", data.d / s0, s2) - np.einsum("k,ki,kj->ij", data.d, xbar, xbar)
    return ll, score, info


def sandwich_variance(data: WeightedData, beta: FloatArray, info: FloatArray) -> FloatArray:
    """Sandwich variance of ``cmprsk``'s Fortran ``crrvv``, vectorised.

    Each patient's influence is eta_i (the score's martingale residual) plus
    psi_i (the effect of estimating the censoring distribution).
    """
    eta, r, a, b = _eta(data, beta)
    x, t, ici, cg = data.x, data.time, data.ici, data.cg
    n, p = x.shape
    comp = ici == 2
    # psi: q(t) at each distinct time with a censoring
    psi = np.zeros((n, p))
    cens = ici == 0
    if cens.any():
        uc = np.unique(t[cens])
        k_ge = np.searchsorted(data.ut, uc, side="left")  # event times >= c
        before = np.searchsorted(t, uc, side="left")  # patients with t < c
        for h in range(data.ncg):
            # q_h(c): how the weights of group h's competing events depend on its
            # censoring hazard at c (cmprsk >= 2.2-11 keeps one q per censoring group)
            w = np.where(comp & (cg == h), r / np.where(data.g_own > 0, data.g_own, 1.0), 0.0)
            head0 = np.concatenate(([0.0], np.cumsum(w)))[before]
            head1 = np.vstack([np.zeros((1, p)), np.cumsum(w[:, None] * x, axis=0)])[before]
            ga, gb = a * data.g_ut[h], b * data.g_ut[h][:, None]
            ta = np.concatenate((np.cumsum(ga[::-1])[::-1], [0.0]))[k_ge]
            tb = np.vstack([np.cumsum(gb[::-1], axis=0)[::-1], np.zeros((1, p))])[k_ge]
            q = head1 * ta[:, None] - head0[:, None] * tb
            sel_h = cg == h
            th = t[sel_h]
            y = (th.size - np.searchsorted(np.sort(th), uc, side="left")).astype(np.float64)
            nc = np.zeros(uc.size)
            np.add.at(nc, np.searchsorted(uc, t[cens & sel_h]), 1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = np.where(nc > 0, nc / y**2, 0.0)[:, None] * q
                per = np.where(y > 0, 1.0 / y, 0.0)[:, None] * q
            ss2 = -np.cumsum(step, axis=0)
            kc = np.searchsorted(uc, th, side="right") - 1  # last censoring time <= t_i
            psi_h = np.where(kc[:, None] >= 0, ss2[np.maximum(kc, 0)], 0.0)
            own = cens[sel_h]
            psi_h[own] += per[np.searchsorted(uc, th[own])]
            psi[sel_h] = psi_h
    u = eta + psi
    inv = np.linalg.inv(info)
    return inv @ (u.T @ u) @ inv


def _eta(
    data: WeightedData, beta: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Score residuals eta_i (per unit case weight), exp(x beta), dLambda_0 and its x-bar part."""
    x, t, ici, cg = data.x, data.time, data.ici, data.cg
    p = x.shape[1]
    r = np.exp(x @ beta)
    s0, s1, _ = risk_sums(data, r, second=False)
    xbar = s1 / s0[:, None]
    a = data.d / s0  # dLambda_0 jumps
    b = a[:, None] * xbar
    # event times <= t_i
    k_le = np.searchsorted(data.ut, t, side="right")
    ca = np.concatenate(([0.0], np.cumsum(a)))[k_le]
    cb = np.vstack([np.zeros((1, p)), np.cumsum(b, axis=0)])[k_le]
    eta = -r[:, None] * (x * ca[:, None] - cb)
    # competing events: tail sums over event times > t_i, weighted by G(u-)/G(t_i-)
    comp = ici == 2
    for h in range(data.ncg):
        sel = comp & (cg == h)
        if not sel.any():
            continue
        ga, gb = a * data.g_ut[h], b * data.g_ut[h][:, None]
        ta = np.concatenate((np.cumsum(ga[::-1])[::-1], [0.0]))[k_le[sel]]
        tb = np.vstack([np.cumsum(gb[::-1], axis=0)[::-1], np.zeros((1, p))])[k_le[sel]]
        eta[sel] -= (r[sel] / data.g_own[sel])[:, None] * (x[sel] * ta[:, None] - tb)
    ev = ici == 1
    k_ev = np.searchsorted(data.ut, t[ev], side="left")
    eta[ev] += x[ev] - xbar[k_ev]
    return eta, r, a, b


def cox_robust_variance(data: WeightedData, beta: FloatArray, info: FloatArray) -> FloatArray:
    """Robust variance of a weighted Fine-Gray fit, as ``coxph(robust = TRUE)`` on ``finegray``.

    The sandwich of the weighted score residuals ``w_i eta_i`` clustered by
    patient; unlike `sandwich_variance` it treats the censoring weights as
    known (no psi term), which is what R reports for ``finegray`` + ``coxph``.
    """
    eta, _, _, _ = _eta(data, beta)
    u = eta if data.w is None else eta * data.w[:, None]
    inv = np.linalg.inv(info)
    return np.asarray(inv @ (u.T @ u) @ inv, dtype=np.float64)
