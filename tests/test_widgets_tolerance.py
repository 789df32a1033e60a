"""The adaptive-tolerance explorer (lesson 7) against an independent computation.

The reference is computed here, by scipy's DOP853 at rtol = atol = 1e-11 with dense
output and an event for the upward 0 mV crossings, not by the widget's problems.py.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import braindyn.widgets as bw
from braindyn.models import hh_derivatives

Y0 = (-65.0, 0.5, 0.6, 0.32)    # the slides' initial state (V, m, h, n)
I = 10.0


@pytest.fixture(scope="module")
def reference():
    def rhs(t, y):
        return np.array(hh_derivatives(*y, t, I))

    def up(t, y):
        return y[0]
    up.direction = 1.0
    return solve_ivp(rhs, (0.0, 60.0), Y0, method="DOP853", rtol=1e-11, atol=1e-11,
                     dense_output=True, events=up)


def test_error_and_steps_match_an_independent_reference(reference):
    w = bw.tolerance_explorer(rtol=1e-4, atol=1e-6, I=I, duration=60.0)
    r = w.result
    assert w.error is None
    assert r["ts"][0] == 0.0 and r["ts"][-1] == pytest.approx(60.0, abs=1e-12)
    np.testing.assert_allclose(r["steps"], np.diff(r["ts"]), rtol=0, atol=0)
    true_error = np.abs(r["V"] - reference.sol(r["ts"])[0])
    np.testing.assert_allclose(r["error"], true_error, rtol=0, atol=1e-5)
    # the spikes: as many as the reference has, each within the shown error of its partner
    ref_spikes = reference.t_events[0]
    assert len(r["spikes"]) == len(ref_spikes) == 5
    np.testing.assert_allclose(r["spikes"], ref_spikes, atol=r["spike_error"].max_error + 1e-12)
    assert r["spike_error"].max_error < 0.2
    assert f"<b>{len(r['steps'])}</b>" in w.readout.value


def test_tighter_rtol_takes_more_steps_and_errs_less(reference):
    w = bw.tolerance_explorer(rtol=1e-3, atol=1e-6, I=I, duration=60.0)
    loose = w.result
    w.rtol_slider.value = 1e-7
    tight = w.result
    assert len(tight["steps"]) > 2 * len(loose["steps"])
    assert tight["nfev"] > loose["nfev"]
    # the error shrinks about like rtol^(5/5) for a fifth-order method's per-step control
    assert tight["error"].max() < loose["error"].max() / 100


def test_atol_matters_for_the_gates_only_when_it_dominates():
    """With rtol loose, a tight atol changes little for V (|V| ~ 60 mV: rtol rules) but the
    run still changes, because the gates (0 ... 1) are measured by atol."""
    a = bw.run_tolerance(1e-3, 1e-1)
    b = bw.run_tolerance(1e-3, 1e-8)
    assert len(b["steps"]) > len(a["steps"])


def test_a_tolerance_off_the_slider_is_refused():
    with pytest.raises(ValueError, match="rtol = 0.5"):
        bw.tolerance_explorer(rtol=0.5)
