"""The independent reference for the HH homework checks: scipy's DOP853.

The check functions compare a student's numbers with the slides' HH model
solved by ``scipy.integrate.solve_ivp`` (DOP853, rtol = atol = 1e-10), never
with numbers produced by braindyn's own integrators: a bug in the kit must not
become the expected answer.  The equations are written out again here, on
purpose, instead of importing ``braindyn.models.hh_derivatives``.

    C dV/dt = -gNa m^3 h (V - ENa) - gK n^4 (V - EK) - gL (V - EL) + I
    dx/dt   = alpha_x(V) (1 - x) - beta_x(V) x,         x in {m, h, n}

Units: mV, ms, mS/cm^2, uA/cm^2, uF/cm^2.

Runs are solved when a check needs them and cached.  The reference f-I curve
(part 3) is not here: students get no reference rates.  The grader's data
(``homework/hh/instructor/grading/hh_fi_reference.json``) is made from
:func:`solve` by ``_make_fi_reference.py`` beside it, in the instructors'
folder.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import measure

# The slides' parameters ("Implement a Hodgkin-Huxley neuron model").
ENA, GNA = 50.0, 120.0          # mV, mS/cm^2
EK, GK = -77.0, 36.0            # mV, mS/cm^2
EL, GL = -54.387, 0.03          # mV, mS/cm^2
C = 1.0                         # uF/cm^2
INITIAL_STATE = (-65.0, 0.5, 0.6, 0.32)   # V, m, h, n
V_SPIKE = 20.0                  # mV: a spike is an upward crossing of this value
RTOL = ATOL = 1e-10             # tolerances of the reference solver

# The f-I protocol of part 3: start from INITIAL_STATE, simulate FI_T_END ms,
# count the spikes after the transient (t >= FI_T_START) and divide by the
# counting window in seconds.
FI_T_START, FI_T_END = 100.0, 500.0   # ms


def currents(V, m, h, n):
    """The ionic currents I_Na, I_K, I_L (uA/cm^2) of the slides' model."""
    I_Na = GNA * m ** 3 * h * (V - ENA)
    I_K = GK * n ** 4 * (V - EK)
    I_L = GL * (V - EL)
    return I_Na, I_K, I_L


def gate_rates(V):
    """(alpha, beta) of the gates m, h, n at membrane potential V (1/ms)."""
    alpha_m = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    beta_m = 4.0 * np.exp(-(V + 65) / 18)
    alpha_h = 0.07 * np.exp(-(V + 65) / 20)
    beta_h = 1 / (1 + np.exp(-(V + 35) / 10))
    alpha_n = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    beta_n = 0.125 * np.exp(-(V + 65) / 80)
    return (alpha_m, beta_m), (alpha_h, beta_h), (alpha_n, beta_n)


def derivatives(V, m, h, n, I):
    """(dV/dt, dm/dt, dh/dt, dn/dt) at input current I (uA/cm^2)."""
    I_Na, I_K, I_L = currents(V, m, h, n)
    (am, bm), (ah, bh), (an, bn) = gate_rates(V)
    return ((-I_Na - I_K - I_L + I) / C,
            am * (1 - m) - bm * m,
            ah * (1 - h) - bh * h,
            an * (1 - n) - bn * n)


def _rhs(t, y, I):
    return derivatives(*y, I)


@functools.lru_cache(maxsize=32)
def solve(I: float, t_end: float, y0: tuple = INITIAL_STATE):
    """Dense reference solution on [0, t_end] ms; ``solve(...).sol(t)`` gives (4, len(t))."""
    from scipy.integrate import solve_ivp

    sol = solve_ivp(_rhs, (0.0, float(t_end)), list(y0), method="DOP853", rtol=RTOL, atol=ATOL,
                    args=(float(I),), dense_output=True)
    if not sol.success:     # pragma: no cover - the HH model is smooth
        raise RuntimeError(f"the reference solver failed at I = {I}: {sol.message}")
    return sol


def spike_times(ts, V, threshold: float = V_SPIKE, initial=None) -> np.ndarray:
    """Upward crossings of ``threshold``, linearly interpolated between samples
    (``braindyn.measure.spike_times``; ``initial``: the value before ``ts[0]``)."""
    return measure.spike_times(ts, np.ravel(V), threshold, initial=initial)


@functools.lru_cache(maxsize=32)
def reference_spike_times(I: float, t_end: float) -> np.ndarray:
    """Spike times (ms) of the reference, found on a 1e-3 ms grid of its dense output."""
    ts = np.linspace(0.0, t_end, int(round(t_end / 1e-3)) + 1)
    return spike_times(ts, solve(I, t_end).sol(ts)[0])


def spike_time_error(ts, V, reference_spikes, initial: float = INITIAL_STATE[0]
                     ) -> tuple[float, int]:
    """How far a run's spikes are from the reference's: (error in ms, number of spikes).

    The run's spike times count the initial state as the sample at t = 0 (a
    monitor records after each step, so a crossing in the first step would
    otherwise be missed: the slides' HH crosses 20 mV at 0.14 ms).  Each spike is
    matched to the **nearest** reference spike, and the error is the largest of
    those distances; the count is reported separately, since a missing or an
    extra spike does not show in the distances.  No spikes: error NaN; spikes but
    none in the reference: inf.  (Once spikes drift by more than half an
    interval, about 7 ms here, the nearest reference spike is the next one: the
    error saturates there, while the drift by spike order keeps growing.)
    """
    spikes = np.asarray(spike_times(ts, V, initial=initial), dtype=float)
    reference_spikes = np.asarray(reference_spikes, dtype=float).ravel()
    if spikes.size == 0:
        return float("nan"), 0
    if reference_spikes.size == 0:
        return float("inf"), int(spikes.size)
    distance = np.abs(spikes[:, None] - reference_spikes[None, :]).min(axis=1)
    return float(distance.max()), int(spikes.size)
