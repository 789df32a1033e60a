"""Checks for lesson 1 (why Python models): the leaky membrane.

``check_lif_membrane(fn)`` compares ``fn(V, t, I, tau, V_rest, R)`` with the
closed form of the leaky integrate-and-fire membrane below threshold,

    dV/dt = (-(V - V_rest) + R I) / tau          (mV/ms; mV, nA, MΩ, ms),

at several states and parameters, with the defaults tau = 10 ms,
V_rest = -65 mV, R = 1 MΩ, and on arrays (a population in one call).
Reference: Gerstner et al., Neuronal Dynamics (2014), eq. (1.5).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close


def _dVdt(V, I, tau=10.0, V_rest=-65.0, R=1.0):
    return (-(np.asarray(V) - V_rest) + R * np.asarray(I)) / tau


def check_lif_membrane(fn: Callable) -> Verdict:
    """Check ``lif_membrane(V, t, I, tau=10.0, V_rest=-65.0, R=1.0)``."""
    def test():
        for V, I in [(-60.0, 20.0), (-65.0, 0.0), (-50.0, 0.0), (-70.0, 5.0)]:
            expect_close(fn(V, 0.0, I), _dVdt(V, I),
                         f"dV/dt at V = {V} mV, I = {I} nA (default tau, V_rest, R)",
                         f"V = {V} mV、I = {I} nA 时的 dV/dt（tau、V_rest、R 取默认值）")
        expect_close(fn(-60.0, 5.0, 20.0), _dVdt(-60.0, 20.0),
                     "dV/dt at t = 5 ms (t only comes along: it does not enter the equation)",
                     "t = 5 ms 时的 dV/dt（t 只是传进来，方程里没有它）")
        for tau, V_rest, R in [(20.0, -65.0, 1.0), (10.0, -70.0, 1.0), (10.0, -65.0, 2.5)]:
            expect_close(fn(-60.0, 0.0, 4.0, tau, V_rest, R), _dVdt(-60.0, 4.0, tau, V_rest, R),
                         f"dV/dt with tau = {tau}, V_rest = {V_rest}, R = {R}",
                         f"tau = {tau}、V_rest = {V_rest}、R = {R} 时的 dV/dt")
        V = np.array([-70.0, -65.0, -60.0, -55.0])
        expect_close(fn(V, 0.0, 10.0), _dVdt(V, 10.0),
                     "dV/dt of four neurons at once (V an array)",
                     "同时计算四个神经元（V 是数组）的 dV/dt")
    return check("the leaky membrane", "漏电膜方程", test)
