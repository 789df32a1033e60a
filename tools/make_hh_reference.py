"""Make ``tests/data/hh_reference.json``: the reference solution of the slides' HH model.

    python tools/make_hh_reference.py            # writes tests/data/hh_reference.json

The model is the lecture's Hodgkin-Huxley neuron (ENa = 50, gNa = 120, EK = -77,
gK = 36, EL = -54.387, gL = 0.03 mS/cm^2, C = 1 uF/cm^2; V, m, h, n start at -65, 0.5,
0.6, 0.32; I = 10 uA/cm^2; 100 ms), written out here again, independently of
braindyn, and solved with scipy's DOP853 at rtol = atol = 1e-12.  Radau (an implicit
method of another family) at the same tolerance cross-checks it; the largest
difference of V on the grid is stored as ``radau_max_abs_dV``.

Keys: ``spike_times_ms`` (upward crossings of 20 mV, linearly interpolated on a
1e-4 ms grid of the dense output), ``V_grid`` (V at t = 0, 0.1, ..., 100 ms), ``y_end``
(V, m, h, n at 100 ms).  ``tests/test_hh_reference_data.py`` solves the first 20 ms
again and compares, so the stored numbers can be trusted without running this script.
"""
from __future__ import annotations

import json
import math
import pathlib

import numpy as np
from scipy.integrate import solve_ivp

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "data" / "hh_reference.json"
ENa, gNa, EK, gK, EL, gL, C = 50.0, 120.0, -77.0, 36.0, -54.387, 0.03, 1.0
Y0 = (-65.0, 0.5, 0.6, 0.32)
I_EXT, T_END, GRID_DT, FINE_DT, THRESHOLD = 10.0, 100.0, 0.1, 1e-4, 20.0


def hh(t: float, y, I: float = I_EXT) -> list:
    """dV/dt, dm/dt, dh/dt, dn/dt (mV/ms and 1/ms), the slides' rate functions."""
    V, m, h, n = y
    am = 0.1 * (V + 40) / (1 - math.exp(-(V + 40) / 10))
    bm = 4.0 * math.exp(-(V + 65) / 18)
    ah = 0.07 * math.exp(-(V + 65) / 20)
    bh = 1 / (1 + math.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - math.exp(-(V + 55) / 10))
    bn = 0.125 * math.exp(-(V + 65) / 80)
    dV = (-gNa * m ** 3 * h * (V - ENa) - gK * n ** 4 * (V - EK) - gL * (V - EL) + I) / C
    return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]


def solve(t_end: float = T_END, method: str = "DOP853", tol: float = 1e-12):
    """The dense solution on [0, t_end]."""
    return solve_ivp(hh, (0.0, t_end), Y0, method=method, rtol=tol, atol=tol,
                     dense_output=True)


def spike_times(sol, t_end: float) -> list:
    """Upward crossings of THRESHOLD, interpolated linearly on a FINE_DT grid."""
    t = np.linspace(0.0, t_end, int(round(t_end / FINE_DT)) + 1)
    V = sol.sol(t)[0]
    i = np.flatnonzero((V[:-1] < THRESHOLD) & (V[1:] >= THRESHOLD))
    return (t[i] + (THRESHOLD - V[i]) / (V[i + 1] - V[i]) * (t[i + 1] - t[i])).tolist()


def grid(t_end: float) -> np.ndarray:
    return np.arange(int(round(t_end / GRID_DT)) + 1) * GRID_DT


def reference(t_end: float = T_END, tol: float = 1e-12) -> dict:
    sol = solve(t_end, tol=tol)
    return {"spike_times_ms": spike_times(sol, t_end),
            "V_grid": sol.sol(grid(t_end))[0].tolist(),
            "y_end": sol.sol(t_end).tolist()}


def main() -> None:
    ref = reference()
    radau = solve(method="Radau")
    dV = float(np.max(np.abs(radau.sol(grid(T_END))[0] - np.asarray(ref["V_grid"]))))
    data = {"model": "HH of the course slides (tools/make_hh_reference.py)", "I": I_EXT,
            "t_end": T_END, "grid_dt": GRID_DT, **ref, "radau_max_abs_dV": dV}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(ref['spike_times_ms'])} spikes, Radau agrees to {dV:.1e} mV")


if __name__ == "__main__":
    main()
