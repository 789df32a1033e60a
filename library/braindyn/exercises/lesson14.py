"""Checks for lesson 14 (dendrites and channels): two passive cells joined by a gap junction.

``check_passive_pair(fn)`` compares ``fn(t, u1_0, u2_0, tau, R, g)`` -- the voltages
(mV from rest) of two identical passive cells joined by an electrical synapse,

    tau du1/dt = -u1 + R g (u2 - u1),      tau du2/dt = -u2 + R g (u1 - u2),

at the times ``t`` (ms) -- with the solution of these equations computed here by
scipy's ``solve_ivp`` (DOP853, rtol = atol = 1e-12), not from a closed form, at
several couplings and starting voltages, for one time and for an array of times.
Units: tau in ms, R in MOhm, g in uS (R g dimensionless).
Reference: M. V. L. Bennett, R. S. Zukin, Neuron 41 (2004) 495-511 (electrical
coupling); the two-compartment reduction of P. Dayan, L. F. Abbott, *Theoretical
Neuroscience* (2001), ch. 6.3.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp

from .core import Verdict, check, expect_close, expect_true


def _reference(t, u1_0, u2_0, tau, R, g):
    t = np.atleast_1d(np.asarray(t, dtype=float))

    def rhs(_, u):
        u1, u2 = u
        return [(-u1 + R * g * (u2 - u1)) / tau, (-u2 + R * g * (u1 - u2)) / tau]

    sol = solve_ivp(rhs, (0.0, float(t.max())), [u1_0, u2_0], method="DOP853",
                    t_eval=np.sort(t), rtol=1e-12, atol=1e-12)
    order = np.argsort(np.argsort(t))
    return sol.y[0][order], sol.y[1][order]


def check_passive_pair(fn: Callable) -> Verdict:
    """Check ``passive_pair(t, u1_0, u2_0, tau=8.0, R=10.0, g=0.05) -> (u1, u2)``."""
    def test():
        for t, u1_0, u2_0, tau, R, g in [(3.0, 10.0, 0.0, 8.0, 10.0, 0.05),
                                         (10.0, 10.0, 0.0, 8.0, 10.0, 0.05),
                                         (5.0, -4.0, 6.0, 20.0, 5.0, 0.2),
                                         (7.0, 3.0, 1.0, 10.0, 10.0, 0.0)]:
            got = fn(t, u1_0, u2_0, tau, R, g)
            expect_true(np.ndim(got) >= 1 and len(got) == 2,
                        "return the two voltages as a pair: return u1, u2",
                        "把两个电压作为一对返回：return u1, u2")
            want = _reference(t, u1_0, u2_0, tau, R, g)
            where_en = (f"at t = {t} ms from u1 = {u1_0}, u2 = {u2_0} mV "
                        f"(tau = {tau} ms, R = {R} MOhm, g = {g} uS)")
            where_zh = (f"从 u1 = {u1_0}、u2 = {u2_0} mV 出发，t = {t} ms 时"
                        f"（tau = {tau} ms，R = {R} MOhm，g = {g} uS）")
            sum_got = float(np.squeeze(got[0])) + float(np.squeeze(got[1]))
            expect_close(sum_got, want[0][0] + want[1][0],
                         f"u1 + u2 {where_en}: the sum feels no coupling, it decays with tau",
                         f"{where_zh}的 u1 + u2：总和不受耦合影响，按 tau 衰减", rtol=1e-8,
                         atol=1e-10)
            expect_close(np.squeeze(got[0]), want[0][0], f"u1 {where_en}", f"{where_zh}的 u1",
                         rtol=1e-8, atol=1e-10)
            expect_close(np.squeeze(got[1]), want[1][0], f"u2 {where_en}", f"{where_zh}的 u2",
                         rtol=1e-8, atol=1e-10)
        t = np.array([0.0, 1.0, 2.5, 5.0, 20.0])
        u1, u2 = fn(t, 10.0, 0.0, 8.0, 10.0, 0.05)
        want = _reference(t, 10.0, 0.0, 8.0, 10.0, 0.05)
        expect_close(u1, want[0], "u1 at five times (t an array)", "五个时刻的 u1（t 是数组）",
                     rtol=1e-8, atol=1e-10)
        expect_close(u2, want[1], "u2 at five times (t an array)", "五个时刻的 u2（t 是数组）",
                     rtol=1e-8, atol=1e-10)
    return check("two cells joined by a gap junction", "由缝隙连接相连的两个细胞", test)
