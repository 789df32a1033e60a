"""Checks for lesson 6 (exponential Euler): how late is the 7th spike?

``check_spike_lag(fn)`` calls ``fn(method, dt)`` for Euler and exponential Euler
and compares it with a reference computed here:

* the slides' HH (gL = 0.03 mS/cm^2, I = 10 uA/cm^2, initial state -65 mV, m = 0.5,
  h = 0.6, n = 0.32) integrated for 100 ms by a plain-Python Euler loop, and by
  exponential Euler written out for the conditionally linear HH equations:
  x_next = x + dt phi1(A_x dt) f_x(x) with phi1(z) = (e^z - 1)/z and
  A_V = -(gNa m^3 h + gK n^4 + gL)/C, A_x = -(alpha_x + beta_x) for the gates;
* the 7th spike: the 7th upward crossing of 20 mV, counting the initial state as
  the sample at t = 0, its time read off the straight line between two samples;
* the reference's 7th spike: scipy's DOP853 at rtol = atol = 1e-10, its crossing
  found with brentq on the dense output.

Reference for exponential Euler: M. Hochbruck, A. Ostermann, Acta Numerica 19 (2010)
209-286, eq. (2.9); for the HH equations: Hodgkin & Huxley, J. Physiol. 117 (1952).
"""
from __future__ import annotations

import functools
import math
from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close

G_NA, G_K, G_L, E_NA, E_K, E_L, C, I_EXT = 120.0, 36.0, 0.03, 50.0, -77.0, -54.387, 1.0, 10.0
Y0 = (-65.0, 0.5, 0.6, 0.32)
T_END = 100.0


def _rates(V):
    am = 0.1 * (V + 40) / (1 - math.exp(-(V + 40) / 10))
    bm = 4.0 * math.exp(-(V + 65) / 18)
    ah = 0.07 * math.exp(-(V + 65) / 20)
    bh = 1 / (1 + math.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - math.exp(-(V + 55) / 10))
    bn = 0.125 * math.exp(-(V + 65) / 80)
    return am, bm, ah, bh, an, bn


def _f(V, m, h, n):
    am, bm, ah, bh, an, bn = _rates(V)
    g = G_NA * m ** 3 * h + G_K * n ** 4 + G_L
    dV = (-G_NA * m ** 3 * h * (V - E_NA) - G_K * n ** 4 * (V - E_K) - G_L * (V - E_L) + I_EXT) / C
    slopes = (dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n)
    diagonal = (-g / C, -(am + bm), -(ah + bh), -(an + bn))
    return slopes, diagonal


def _phi1(z):
    return math.expm1(z) / z if z != 0.0 else 1.0


def _seventh_crossing(ts, Vs):
    k = 0
    for i in range(1, len(Vs)):
        if Vs[i - 1] < 20.0 <= Vs[i]:
            k += 1
            if k == 7:
                return ts[i - 1] + (20.0 - Vs[i - 1]) / (Vs[i] - Vs[i - 1]) * (ts[i] - ts[i - 1])
    raise RuntimeError("fewer than 7 spikes")


def _run(method, dt):
    y = list(Y0)
    n_steps = int(round(T_END / dt))
    Vs = [y[0]]
    for _ in range(n_steps):
        slopes, diagonal = _f(*y)
        if method == "euler":
            y = [x + dt * s for x, s in zip(y, slopes)]
        else:
            y = [x + dt * _phi1(a * dt) * s for x, s, a in zip(y, slopes, diagonal)]
        Vs.append(y[0])
    return dt * np.arange(n_steps + 1), Vs


@functools.lru_cache(maxsize=None)
def reference_seventh_spike() -> float:
    """The 7th spike (ms) of the slides' HH at I = 10, by DOP853 at tolerance 1e-10."""
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    sol = solve_ivp(lambda t, y: _f(*y)[0], (0.0, T_END), Y0, method="DOP853",
                    rtol=1e-10, atol=1e-10, dense_output=True)
    grid = np.linspace(0.0, T_END, 200_001)
    V = sol.sol(grid)[0]
    up = np.flatnonzero((V[:-1] < 20.0) & (V[1:] >= 20.0))
    i = up[6]
    return brentq(lambda t: sol.sol(t)[0] - 20.0, grid[i], grid[i + 1], xtol=1e-12)


def reference_lag(method: str, dt: float) -> float:
    """How late (ms) the 7th spike of ``method`` ('euler' or 'exponential_euler') is."""
    return _seventh_crossing(*_run(method, dt)) - reference_seventh_spike()


def check_spike_lag(fn: Callable) -> Verdict:
    """Check ``spike_lag(method, dt)`` for Euler and exponential Euler at dt = 0.02 ms."""
    def test():
        for method in ("exponential_euler", "euler"):
            expect_close(fn(method, 0.02), reference_lag(method, 0.02),
                         f"spike_lag('{method}', 0.02): the 7th spike's time minus the "
                         "reference's 7th (ms; the first spike, at 0.14 ms, counts)",
                         f"spike_lag('{method}', 0.02)：第 7 个动作电位的时刻减去参考解的第 7 个"
                         "（ms；0.14 ms 处的第一个动作电位也算）",
                         rtol=1e-4, atol=1e-6)
    return check("order and error constant", "收敛阶与误差常数", test)
