"""Checks for lesson 4 (Runge-Kutta methods): one stepper for every tableau.

``check_rk_step(fn)`` calls ``fn(f, y, t, dt, tableau)`` with Butcher tableaus written
out here (``tableau.c``, ``tableau.A`` row i = a_i1 ... a_i,i-1, ``tableau.b``,
``tableau.stages``): Euler, the midpoint method, Heun's method, Kutta's third-order
method, the classical RK4 and the 3/8 rule, on a linear and a nonlinear equation
with explicit time dependence, and compares each step with the method's formulas:

    k_i = f(y + dt sum_j a_ij k_j, t + c_i dt),   y_next = y + dt sum_i b_i k_i.

The classical RK4 is also compared with its textbook form (k1 ... k4 written out).
Reference: Hairer, Nørsett & Wanner, Solving ODEs I (1993), §II.1, Table 1.2.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .core import Verdict, check, expect_close


class Tableau(NamedTuple):
    """An explicit Butcher tableau, the same fields as braindyn's."""
    name: str
    c: tuple
    A: tuple
    b: tuple

    @property
    def stages(self) -> int:
        return len(self.b)


TABLEAUS = [
    Tableau("Euler", (0.0,), ((),), (1.0,)),
    Tableau("midpoint", (0.0, 0.5), ((), (0.5,)), (0.0, 1.0)),
    Tableau("Heun", (0.0, 1.0), ((), (1.0,)), (0.5, 0.5)),
    Tableau("Kutta's RK3", (0.0, 0.5, 1.0), ((), (0.5,), (-1.0, 2.0)), (1 / 6, 2 / 3, 1 / 6)),
    Tableau("RK4", (0.0, 0.5, 0.5, 1.0), ((), (0.5,), (0.0, 0.5), (0.0, 0.0, 1.0)),
            (1 / 6, 1 / 3, 1 / 3, 1 / 6)),
    Tableau("3/8 rule", (0.0, 1 / 3, 2 / 3, 1.0), ((), (1 / 3,), (-1 / 3, 1.0), (1.0, -1.0, 1.0)),
            (1 / 8, 3 / 8, 3 / 8, 1 / 8)),
]


def _step(f, y, t, dt, tab):
    k = []
    for i in range(len(tab.b)):
        k.append(f(y + dt * sum(a * kj for a, kj in zip(tab.A[i], k)), t + tab.c[i] * dt))
    return y + dt * sum(b * ki for b, ki in zip(tab.b, k))


def _rk4_textbook(f, y, t, dt):
    k1 = f(y, t)
    k2 = f(y + dt / 2 * k1, t + dt / 2)
    k3 = f(y + dt / 2 * k2, t + dt / 2)
    k4 = f(y + dt * k3, t + dt)
    return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def check_rk_step(fn: Callable) -> Verdict:
    """Check ``rk_step(f, y, t, dt, tableau)`` on six tableaus and two equations."""
    def decay_sine(x, t):
        return -x + np.sin(t)

    def nonlinear(x, t):
        return t * x - x ** 3

    def test():
        expect_close(fn(decay_sine, 1.0, 0.3, 0.1, TABLEAUS[4]),
                     _rk4_textbook(decay_sine, 1.0, 0.3, 0.1),
                     "one RK4 step of dx/dt = -x + sin t from x = 1, t = 0.3, dt = 0.1",
                     "dx/dt = -x + sin t 从 x = 1、t = 0.3 出发、dt = 0.1 的一步 RK4",
                     rtol=1e-13)
        for tab in TABLEAUS:
            for f, y, t, dt, what in [(decay_sine, 1.0, 0.3, 0.1, "-x + sin t"),
                                      (nonlinear, 0.8, 1.0, 0.2, "t x - x^3")]:
                expect_close(fn(f, y, t, dt, tab), _step(f, y, t, dt, tab),
                             f"one step of {tab.name} on dx/dt = {what} (y = {y}, t = {t}, "
                             f"dt = {dt})",
                             f"{tab.name} 在 dx/dt = {what} 上的一步（y = {y}、t = {t}、dt = {dt}）",
                             rtol=1e-13)
    return check("one Runge-Kutta stepper for every tableau", "适用于所有 Butcher 表的龙格-库塔步",
                 test)
