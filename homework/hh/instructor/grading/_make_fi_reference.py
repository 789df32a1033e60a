"""Make ``hh_fi_reference.json``: the f-I data the hidden tests compare with (instructors only).

    python homework/hh/instructor/grading/_make_fi_reference.py      # about four minutes

The reference is the kit's scipy solution of the slides' equations
(``braindyn.homework.reference.solve``: DOP853, rtol = atol = 1e-10), counted by
the protocol of part 3: from the initial state, spikes (upward crossings of
20 mV on a 1e-3 ms grid of the dense output) in [100, 500) ms, divided by
0.4 s.  Written: the curve at 0, 0.5, ..., 20 uA/cm^2 (for the figures'
rubric), the rates at the hidden currents of ``test_hh.py`` and the threshold
current (bisection to 1e-3).  None of it is shipped to students: this folder
stays out of the student release, and the file name starts with ``_`` so that
``braindyn grade`` does not take it for a test file.
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np

from braindyn.homework import reference

HERE = pathlib.Path(__file__).resolve().parent
TARGET = HERE / "hh_fi_reference.json"
CURVE = tuple(round(0.5 * k, 1) for k in range(41))       # 0, 0.5, ..., 20 uA/cm^2


def hidden_currents() -> list[float]:
    """HIDDEN_CURRENTS of test_hh.py (which reads the data this script makes only when
    it grades)."""
    import runpy

    return [float(I) for I in runpy.run_path(str(HERE / "test_hh.py"))["HIDDEN_CURRENTS"]]


def rate(I: float) -> float:
    """Rate (Hz) of the reference at constant input I, by the part-3 protocol."""
    ts = np.arange(0.0, reference.FI_T_END + 1e-9, 1e-3)
    V = reference.solve(float(I), reference.FI_T_END).sol(ts)[0]
    s = reference.spike_times(ts, V)
    n = np.count_nonzero((s >= reference.FI_T_START) & (s < reference.FI_T_END))
    return n / ((reference.FI_T_END - reference.FI_T_START) / 1000.0)


def threshold(lo: float = 0.0, hi: float = 20.0, tol: float = 1e-3) -> float:
    """The smallest current (uA/cm^2) with repetitive firing, by bisection."""
    if rate(lo) > 0 or rate(hi) == 0:
        raise RuntimeError("the bisection bracket does not contain the threshold")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if rate(mid) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def main() -> int:
    hidden = hidden_currents()
    data = {"about": "scipy DOP853 (rtol = atol = 1e-10), spikes in [100, 500) ms / 0.4 s; "
                     "made by _make_fi_reference.py",
            "curve": {"currents": list(CURVE), "rates": [rate(I) for I in CURVE]},
            "hidden": {"currents": hidden, "rates": [rate(I) for I in hidden]},
            "threshold": round(threshold(), 4)}
    TARGET.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
