"""Checks for lesson 8 (simplified neurons): the quadratic integrate-and-fire group.

``check_quaif(cls)`` builds the student's ``QuaIF`` group, runs it with a
constant input per neuron, and compares V and the spikes with a loop written
here: the classical Runge-Kutta step (RK4, the class's default method) of

    tau dV/dt = a_0 (V - V_rest)(V - V_c) + R I           (mV, ms; Latham et al. 2000;
                                                            Gerstner et al., Neuronal
                                                            Dynamics, eq. 5.16)

followed by the rule: V >= V_th is a spike, and V is reset to V_reset.  It
tries the defaults and other parameters, and neurons below and above rheobase.
"""
from __future__ import annotations

import numpy as np

from .core import Verdict, check, expect_close, expect_true

DEFAULTS = dict(V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_c=-50.0, a_0=0.07, R=1.0, tau=10.0)


def reference_qif(I, duration, dt, V_rest=-65.0, V_reset=-68.0, V_th=-30.0, V_c=-50.0,
                  a_0=0.07, R=1.0, tau=10.0):
    """V after each step (steps x neurons) and the spike flags, by RK4 and reset."""
    I = np.asarray(I, dtype=float)

    def f(V):
        return (a_0 * (V - V_rest) * (V - V_c) + R * I) / tau

    V = np.full(I.shape, V_rest)
    n = int(round(duration / dt))
    Vs, spikes = np.empty((n,) + I.shape), np.empty((n,) + I.shape, dtype=bool)
    for i in range(n):
        k1 = f(V)
        k2 = f(V + dt / 2 * k1)
        k3 = f(V + dt / 2 * k2)
        k4 = f(V + dt * k3)
        V = V + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        spikes[i] = V >= V_th
        V = np.where(spikes[i], V_reset, V)
        Vs[i] = V
    return Vs, spikes


def check_quaif(cls) -> Verdict:
    """Check the ``QuaIF(size, V_rest, V_reset, V_th, V_c, a_0, R, tau, method='rk4')`` group."""
    def test():
        cases = [({}, [3.0, 12.0], "the defaults, I = 3 (below rheobase) and 12",
                  "默认参数，I = 3（低于基强度）和 12"),
                 (dict(V_c=-45.0, a_0=0.05, tau=15.0, V_reset=-60.0), [10.0, 30.0],
                  "V_c = -45, a_0 = 0.05, tau = 15, V_reset = -60; I = 10 and 30",
                  "V_c = -45、a_0 = 0.05、tau = 15、V_reset = -60；I = 10 和 30")]
        for params, I, en, zh in cases:
            group = cls(len(I), monitors=["V", "spike"], **params)
            for name in ("V", "input", "spike"):
                expect_true(hasattr(group, name),
                            f"the group has no Variable '{name}': make self.{name} a bm.Variable",
                            f"这个群体没有变量 '{name}'：请把 self.{name} 设为 bm.Variable")
            group.run(100.0, inputs=("input", np.array(I)), dt=0.05, jit=False)
            V_want, spike_want = reference_qif(I, 100.0, 0.05, **{**DEFAULTS, **params})
            V_got = np.asarray(group.mon.V, dtype=float)
            spikes = np.asarray(group.mon.spike, dtype=bool)
            expect_close(spikes.sum(axis=0), spike_want.sum(axis=0),
                         f"{en}: number of spikes in 100 ms", f"{zh}：100 ms 内的发放次数",
                         rtol=0)
            expect_close(np.flatnonzero(spikes.any(axis=1)), np.flatnonzero(spike_want.any(axis=1)),
                         f"{en}: the steps with a spike", f"{zh}：有发放的时间步", rtol=0)
            expect_close(V_got, V_want, f"{en}: V after each step (after the reset)",
                         f"{zh}：每一步之后的 V（重置之后）", rtol=1e-7, atol=1e-7)
    return check("the QIF neuron", "二次积分发放神经元", test)
