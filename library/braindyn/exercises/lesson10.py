"""Checks for lesson 10 (synapses and short-term plasticity): the Tsodyks-Markram recurrence.

``check_tm_amplitudes(fn)`` compares ``fn(n_spikes, interval, U, tau_f, tau_d)``, the
efficacies A_1 ... A_n of a regular spike train, with an event-driven integration
done here: between spikes scipy's ``solve_ivp`` (DOP853, rtol = atol = 1e-12)
integrates

    du/dt = -u / tau_f,      dx/dt = (1 - x) / tau_d,

and at each spike, in this order (Tsodyks, Pawelzik & Markram, Neural Comput. 10
(1998) 821; braindyn's ``models.STP``):

    u+ = u- + U (1 - u-),    A = u+ x-,    x+ = x- - u+ x-,

from u = 0, x = 1.  No closed form of the decay is used, so a wrong exponent or
an interval in the wrong unit shows.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp

from .core import Verdict, check, expect_close, expect_true


def reference_efficacies(n_spikes: int, interval: float, U: float, tau_f: float,
                         tau_d: float) -> np.ndarray:
    """A_1 ... A_n by integrating u and x numerically between the spikes."""
    u, x, out = 0.0, 1.0, []
    for k in range(n_spikes):
        u = u + U * (1 - u)
        out.append(u * x)
        x = x - u * x
        if k < n_spikes - 1:
            sol = solve_ivp(lambda t, y: [-y[0] / tau_f, (1 - y[1]) / tau_d], (0.0, interval),
                            [u, x], method="DOP853", rtol=1e-12, atol=1e-12)
            u, x = sol.y[:, -1]
    return np.array(out)


def check_tm_amplitudes(fn: Callable) -> Verdict:
    """Check ``tm_amplitudes(n_spikes, interval, U, tau_f, tau_d)``."""
    def test():
        cases = [(10, 50.0, dict(U=0.45, tau_f=50.0, tau_d=750.0), "depression, 20 Hz", "压抑，20 Hz"),
                 (10, 50.0, dict(U=0.15, tau_f=1500.0, tau_d=200.0), "facilitation, 20 Hz",
                  "易化，20 Hz"),
                 (6, 10.0, dict(U=0.15, tau_f=1500.0, tau_d=200.0), "facilitation, 100 Hz",
                  "易化，100 Hz"),
                 (5, 200.0, dict(U=0.5, tau_f=20.0, tau_d=100.0), "U = 0.5, 5 Hz", "U = 0.5，5 Hz"),
                 (1, 50.0, dict(U=0.3, tau_f=100.0, tau_d=100.0), "one spike", "单个发放")]
        for n, interval, pars, en, zh in cases:
            got = np.asarray(fn(n, interval, **pars), dtype=float)
            expect_true(got.shape == (n,), f"{en}: return one efficacy per spike, an array of "
                        f"shape ({n},); got shape {got.shape}",
                        f"{zh}：每个发放返回一个效能，形状应为 ({n},)；得到 {got.shape}")
            expect_close(got, reference_efficacies(n, interval, **pars),
                         f"{en}: the efficacies A_1 ... A_{n}", f"{zh}：效能 A_1 ... A_{n}",
                         rtol=1e-7, atol=1e-12)
    return check("the Tsodyks-Markram recurrence", "Tsodyks-Markram 递推", test)
