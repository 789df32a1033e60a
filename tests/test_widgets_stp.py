"""The STP explorer (lesson 10) against an independent computation.

The reference integrates the Tsodyks-Markram equations between spikes with scipy's
DOP853 (rtol = atol = 1e-12) and applies the spike rules (u jumps, then A = u x,
then x drops), without the closed forms the widget uses.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import braindyn.widgets as bw
from braindyn import models

DEPRESSION = dict(U=0.45, tau_f=50.0, tau_d=750.0)
FACILITATION = dict(U=0.15, tau_f=1500.0, tau_d=200.0)


def reference(n, interval, U, tau_f, tau_d, probe=None):
    """Efficacies, and (u, x) at ``probe`` ms after each spike (if given)."""
    u, x, A, probes = 0.0, 1.0, [], []
    for k in range(n):
        u = u + U * (1 - u)
        A.append(u * x)
        x = x - u * x
        sol = solve_ivp(lambda t, y: [-y[0] / tau_f, (1 - y[1]) / tau_d], (0.0, interval),
                        [u, x], method="DOP853", rtol=1e-12, atol=1e-12, dense_output=True)
        if probe is not None:
            probes.append(sol.sol(probe))
        u, x = sol.y[:, -1]
    return np.array(A), np.array(probes)


@pytest.mark.parametrize("params", [DEPRESSION, FACILITATION, dict(U=0.6, tau_f=20.0, tau_d=90.0)])
@pytest.mark.parametrize("rate", [5.0, 20.0, 80.0])
def test_efficacies_match_the_integrated_equations(params, rate):
    A, _, _ = bw.tm_efficacies(12, 1000.0 / rate, **params)
    want, _ = reference(12, 1000.0 / rate, **params)
    np.testing.assert_allclose(A, want, rtol=1e-9)


def test_steady_state_is_where_a_long_train_ends():
    for params in (DEPRESSION, FACILITATION):
        want, _ = reference(400, 25.0, **params)
        assert bw.steady_state(25.0, **params) == pytest.approx(want[-1], rel=1e-9)


def test_the_presets_are_the_models_and_the_traces_follow_the_equations():
    assert bw.stp_explorer().result["A"][0] == pytest.approx(DEPRESSION["U"])
    from braindyn.widgets.stp_explorer import PRESETS
    assert PRESETS["depression"] == models.STP_DEPRESSION
    assert PRESETS["facilitation"] == models.STP_FACILITATION

    w = bw.stp_explorer(**FACILITATION, rate=20.0, n_spikes=8, tau_syn=3.0)
    r = w.result
    assert w.error is None
    _, probes = reference(8, 50.0, **FACILITATION, probe=17.3)
    for k, s in enumerate(r["spikes"]):            # u and x 17.3 ms after each spike
        i = np.argmin(np.abs(r["t"] - (s + 17.3)))
        assert r["t"][i] == pytest.approx(s + 17.3, abs=1e-9)
        np.testing.assert_allclose([r["u"][i], r["x"][i]], probes[k], rtol=1e-9)
    # the PSC jumps by A_n at spike n (exponential PSC, tau_syn = 3 ms)
    want, _ = reference(8, 50.0, **FACILITATION)
    for s, a in zip(r["spikes"], want):
        after = np.argmin(np.abs(r["t"] - s))
        jump = r["psc"][after] - r["psc"][after - 1] * np.exp(-0.1 / 3.0)
        assert jump == pytest.approx(a, rel=1e-9)
    assert f"{want[-1] / want[0]:.2f}" in w.readout.value


def test_presets_and_sliders_redraw():
    w = bw.stp_explorer()
    w.preset_buttons.value = "facilitation"
    assert {n: s.value for n, s in w.sliders.items()} == {**FACILITATION, "rate": 20.0}
    assert w.result["A"][1] > w.result["A"][0]            # facilitation: the 2nd is larger
    w.set_values(tau_f=10.0, rate=2.0)     # u forgets within 500 ms: facilitation is gone
    assert 0.9 < w.result["A"][1] / w.result["A"][0] < 1.01
    w.sliders["U"].value = 0.0
    assert w.error is None and "U = 0" in w.readout.value


def test_off_range_values_are_refused():
    with pytest.raises(ValueError, match="tau_d = 5000"):
        bw.stp_explorer(tau_d=5000.0)
