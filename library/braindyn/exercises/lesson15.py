"""Checks for lesson 15 (delays and continuation): where delayed feedback starts to oscillate.

``check_delay_hopf(fn)`` compares ``fn(k, tau) -> (D_c, period)`` for the linear
delayed negative feedback

    tau dx/dt = -x(t) - k x(t - D)          (k > 1),

whose solutions x ~ exp(lambda t) obey the characteristic equation
``lambda tau + 1 + k exp(-lambda D) = 0``.  At the smallest delay D_c where a pair
of roots reaches the imaginary axis, lambda = i omega, the equilibrium loses its
stability (a Hopf bifurcation) and the oscillation starts with the period
2 pi / omega.  The reference here solves the real and imaginary parts of the
characteristic equation, ``1 + k cos(omega D) = 0`` and ``omega tau - k sin(omega D) = 0``,
numerically with ``scipy.optimize.root`` (no closed form), taking the crossing with
the smallest D > 0.
Reference: T. Erneux, *Applied Delay Differential Equations*, Springer 2009, ch. 2;
K. L. Cooke, Z. Grossman, J. Math. Anal. Appl. 86 (1982) 592-627.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy import optimize

from .core import Verdict, check, expect_close, expect_true


def _reference(k: float, tau: float) -> tuple[float, float]:
    """(D_c, period) from the characteristic equation, solved by scipy."""
    def equations(z):
        omega, D = z
        return [1.0 + k * math.cos(omega * D), omega * tau - k * math.sin(omega * D)]

    best = None
    for start in np.linspace(0.2, 1.0, 5):      # omega below its bound k / tau
        omega0 = start * k / tau
        sol = optimize.root(equations, [omega0, 2.0 / omega0], method="hybr",
                            options={"xtol": 1e-14})
        omega, D = sol.x
        if sol.success and omega > 0 and D > 0 and max(map(abs, equations(sol.x))) < 1e-10:
            if best is None or D < best[0]:
                best = (D, omega)
    if best is None:                             # pragma: no cover - the cases below converge
        raise RuntimeError(f"the reference did not converge for k = {k}, tau = {tau}")
    D, omega = best
    # the smallest D on this branch: omega D in (pi/2, pi)
    D = (omega * D % (2 * math.pi)) / omega
    return D, 2 * math.pi / omega


def check_delay_hopf(fn: Callable) -> Verdict:
    """Check ``delay_hopf(k, tau) -> (D_c, period)`` (see the module docstring)."""
    def test():
        for k, tau in [(2.5, 2.0), (4.0, 10.0), (1.5, 5.0), (10.0, 1.0)]:
            got = fn(k, tau)
            expect_true(np.ndim(got) == 1 and len(got) == 2,
                        "return two numbers: return D_c, period",
                        "返回两个数：return D_c, period")
            D_c, period = _reference(k, tau)
            expect_close(got[1], period,
                         f"the period at the onset for k = {k}, tau = {tau} ms "
                         f"(2 pi / omega, where lambda = i omega solves the equation)",
                         f"k = {k}、tau = {tau} ms 时起振处的周期"
                         f"（2 pi / omega，lambda = i omega 满足特征方程）", rtol=1e-6)
            expect_close(got[0], D_c,
                         f"the critical delay D_c for k = {k}, tau = {tau} ms (the smallest "
                         f"D with cos(omega D) = -1/k; arccos gives it)",
                         f"k = {k}、tau = {tau} ms 时的临界时滞 D_c（满足 cos(omega D) = -1/k "
                         f"的最小 D；用 arccos 求）", rtol=1e-6)
    return check("the onset of delayed oscillation", "时滞振荡的起点", test)
