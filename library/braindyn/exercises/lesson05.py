"""Checks for lesson 5 (the Hodgkin-Huxley model): the f-I curve of a population.

``check_firing_rates(fn)`` calls ``fn(currents)`` (300 ms, the first 100 ms
ignored, RK4 at dt = 0.02 ms, the slides' HH: gL = 0.03 mS/cm^2, initial state
-65 mV, m = 0.5, h = 0.6, n = 0.32) and compares the rates with a reference written
here: the same equations integrated by a vectorised NumPy RK4 at the same step,
spikes counted as upward crossings of 20 mV after 100 ms.  The rates may differ by one
spike in the 200 ms counted (5 Hz), for a crossing on the edge of the window.

Equations: Hodgkin & Huxley, J. Physiol. 117 (1952) 500-544, with the course
slides' parameters (gNa 120, gK 36, gL 0.03 mS/cm^2; ENa 50, EK -77, EL -54.387 mV;
C 1 uF/cm^2).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true

G_NA, G_K, G_L = 120.0, 36.0, 0.03
E_NA, E_K, E_L = 50.0, -77.0, -54.387
C = 1.0
V_TH = 20.0
INITIAL = (-65.0, 0.5, 0.6, 0.32)


def _derivative(y, I):
    V, m, h, n = y
    am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    bm = 4.0 * np.exp(-(V + 65) / 18)
    ah = 0.07 * np.exp(-(V + 65) / 20)
    bh = 1 / (1 + np.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    bn = 0.125 * np.exp(-(V + 65) / 80)
    dV = (-G_NA * m ** 3 * h * (V - E_NA) - G_K * n ** 4 * (V - E_K) - G_L * (V - E_L) + I) / C
    return np.array([dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n])


def reference_rates(currents, duration=300.0, transient=100.0, dt=0.02) -> np.ndarray:
    """Rates (Hz) of the slides' HH neurons, one per current, by RK4 in NumPy."""
    I = np.asarray(currents, dtype=float)
    y = np.array([np.full(I.shape, x) for x in INITIAL])
    count = np.zeros(I.shape)
    n_steps = int(round(duration / dt))
    for i in range(n_steps):
        k1 = _derivative(y, I)
        k2 = _derivative(y + dt / 2 * k1, I)
        k3 = _derivative(y + dt / 2 * k2, I)
        k4 = _derivative(y + dt * k3, I)
        new = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if (i + 1) * dt > transient:
            count += (y[0] < V_TH) & (new[0] >= V_TH)
        y = new
    return count / ((duration - transient) / 1000.0)


CURRENTS = np.array([0.0, 2.0, 5.0, 10.0, 20.0])


def check_firing_rates(fn: Callable) -> Verdict:
    """Check ``firing_rates(currents) -> rates in Hz``, one per current."""
    def test():
        got = fn(CURRENTS.copy())
        expect_true(np.shape(got) == CURRENTS.shape,
                    f"firing_rates of {len(CURRENTS)} currents must return {len(CURRENTS)} "
                    f"rates, one per neuron; got shape {np.shape(got)}",
                    f"{len(CURRENTS)} 个电流的 firing_rates 应返回 {len(CURRENTS)} 个发放率，"
                    f"每个神经元一个；得到的形状是 {np.shape(got)}")
        expect_close(got, reference_rates(CURRENTS),
                     f"rates (Hz) at I = {CURRENTS.tolist()} µA/cm² (spikes after 100 ms, "
                     "per second: count / 0.2 s)",
                     f"I = {CURRENTS.tolist()} µA/cm² 时的发放率（Hz；100 ms 之后的发放次数除以 0.2 s）",
                     rtol=0.0, atol=5.0 + 1e-9)
    return check("the f-I curve of a population", "群体的 f-I 曲线", test)
