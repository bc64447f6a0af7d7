"""Simon's two-stage designs against the published table.

Simon, R. (1989). Optimal two-stage designs for phase II clinical trials.
Controlled Clinical Trials 10:1-10, Tables 1 and 2 (alpha = 0.05 one-sided):
(r1/n1, r/n, EN(p0), PET(p0)) for the optimal and the minimax design.
"""

from __future__ import annotations

import pytest
from scipy.stats import binom

import blina_stats as bs

# p0, p1, beta, optimal (r1, n1, r, n, EN, PET), minimax (r1, n1, r, n, EN, PET)
SIMON_1989 = [
    (0.05, 0.25, 0.2, (0, 9, 2, 17, 12.0, 0.63), (0, 12, 2, 16, 13.8, 0.54)),
    (0.05, 0.25, 0.1, (0, 9, 3, 30, 16.8, 0.63), (0, 15, 3, 25, 20.4, 0.46)),
    (0.10, 0.30, 0.2, (1, 10, 5, 29, 15.0, 0.74), (1, 15, 5, 25, 19.5, 0.55)),
    (0.10, 0.30, 0.1, (2, 18, 6, 35, 22.5, 0.73), (2, 22, 6, 33, 26.2, 0.62)),
    (0.20, 0.40, 0.2, (3, 13, 12, 43, 20.6, 0.75), (4, 18, 10, 33, 22.3, 0.72)),
    (0.20, 0.40, 0.1, (4, 19, 15, 54, 30.4, 0.67), (5, 24, 13, 45, 31.2, 0.66)),
    (0.30, 0.50, 0.2, (5, 15, 18, 46, 23.6, 0.72), (6, 19, 16, 39, 25.7, 0.67)),
    (0.30, 0.50, 0.1, (8, 24, 24, 63, 34.7, 0.73), (7, 24, 21, 53, 36.6, 0.56)),
]


@pytest.mark.parametrize(("p0", "p1", "beta", "optimal", "minimax"), SIMON_1989)
def test_matches_simon_1989(
    p0: float, p1: float, beta: float, optimal: tuple, minimax: tuple
) -> None:
    res = bs.design.simon_two_stage(p0, p1, alpha=0.05, power=1 - beta)
    for got, want in ((res.optimal, optimal), (res.minimax, minimax)):
        assert (got.r1, got.n1, got.r, got.n) == want[:4]
        assert round(got.expected_n0, 1) == pytest.approx(want[4], abs=1e-9)
        assert round(got.pet0, 2) == pytest.approx(want[5], abs=1e-9)


def test_operating_characteristics_by_direct_summation() -> None:
    d = bs.design.simon_two_stage(0.40, 0.60, alpha=0.05, power=0.80).optimal

    def reject(p: float) -> float:
        return sum(
            binom.pmf(x1, d.n1, p) * binom.sf(d.r - x1, d.n - d.n1, p)
            for x1 in range(d.r1 + 1, d.n1 + 1)
        )

    assert d.attained_alpha == pytest.approx(reject(0.40), abs=1e-12) and d.attained_alpha <= 0.05
    assert d.power == pytest.approx(reject(0.60), abs=1e-12) and d.power >= 0.80
    assert d.pet0 == pytest.approx(binom.cdf(d.r1, d.n1, 0.40), abs=1e-12)


def test_frame_and_one_sided_label() -> None:
    res = bs.design.simon_two_stage(0.1, 0.3)
    assert list(res.to_frame().index) == ["optimal", "minimax"]
    assert res.to_dict()["alpha_sides"] == "one-sided"
    assert "one-sided" in res._repr_html_()
