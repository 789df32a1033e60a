"""The shipped HH reference (tests/data/hh_reference.json) is what its script makes.

The whole file takes the script half a minute (DOP853 and Radau at 1e-12); here the
first 20 ms are solved again with the script's own equations and compared, and the
equations are checked against braindyn's independently written ones at one state.
"""
import json
import sys

import numpy as np

from support import REFERENCE, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import make_hh_reference as maker  # noqa: E402


def test_the_stored_reference_is_what_the_script_computes():
    stored = json.loads(REFERENCE.read_text())
    again = maker.reference(t_end=20.0, tol=1e-11)
    n = len(again["V_grid"])
    np.testing.assert_allclose(stored["V_grid"][:n], again["V_grid"], atol=1e-6)
    early = [t for t in stored["spike_times_ms"] if t < 20.0 - 1e-3]
    assert len(early) == len(again["spike_times_ms"]) >= 1
    np.testing.assert_allclose(early, again["spike_times_ms"], atol=1e-6)
    assert len(stored["spike_times_ms"]) == 8 and len(stored["V_grid"]) == 1001
    assert stored["radau_max_abs_dV"] < 1e-6, "DOP853 and Radau must agree"


def test_the_script_solves_the_model_of_the_kit():
    from braindyn.models import hh_derivatives
    y = (-60.0, 0.1, 0.5, 0.4)
    np.testing.assert_allclose(maker.hh(0.0, y, I=10.0),
                               hh_derivatives(*y, 0.0, 10.0), rtol=1e-13)
