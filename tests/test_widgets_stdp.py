"""The STDP-window explorer (lesson 12) against independent computations: the window
measured by simulating ``models.STDP`` (one pre/post pair per synapse, two
``SpikeTimeGroup``s, its online traces), and the area by scipy's quadrature."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

import braindyn as bp
import braindyn.math as bm
import braindyn.widgets as bw
from braindyn import models


@pytest.fixture(scope="module")
def measured():
    bm.use_backend("numpy")
    delta_ts = np.array([-57.5, -30.0, -12.0, -2.5, 2.5, 12.0, 30.0, 57.5])
    n, t_pre = len(delta_ts), 70.0
    pre = models.SpikeTimeGroup(n, indices=np.arange(n), times=np.full(n, t_pre))
    post = models.SpikeTimeGroup(n, indices=np.arange(n), times=t_pre + delta_ts)
    stdp = models.STDP(pre, post, bp.connect.One2One(), w_initial=0.5, A_plus=0.012,
                       A_minus=0.008, tau_plus=15.0, tau_minus=35.0, monitors=["w"])
    bp.Network(pre=pre, post=post, stdp=stdp).run(150.0, dt=0.1, jit=False)
    return delta_ts, stdp.mon.w[-1] - 0.5


def test_the_window_is_what_models_stdp_does(measured):
    delta_ts, dw = measured
    w = bw.stdp_explorer(A_plus=0.012, A_minus=0.008, tau_plus=15.0, tau_minus=35.0)
    assert w.error is None
    shown = np.interp(delta_ts, w.result["delta_t"], w.result["dw"])   # the drawn curve
    np.testing.assert_allclose(bw.stdp_window(delta_ts, 0.012, 0.008, 15.0, 35.0), dw,
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(shown, dw, rtol=2e-3)     # the curve's grid is 0.25 ms


def test_the_area_is_the_integral_of_the_window():
    for pars in [dict(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0),
                 dict(A_plus=0.012, A_minus=0.008, tau_plus=15.0, tau_minus=35.0)]:
        area = quad(lambda d: float(bw.stdp_window(d, **pars)), -2000, 0, limit=200)[0] \
            + quad(lambda d: float(bw.stdp_window(d, **pars)), 0, 2000, limit=200)[0]
        assert bw.window_integral(**pars) == pytest.approx(area, rel=1e-8)


def test_defaults_probe_and_drift():
    w = bw.stdp_explorer()
    assert {k: w.sliders[k].value for k in ("A_plus", "A_minus", "tau_plus", "tau_minus")} == \
        {"A_plus": 0.01, "A_minus": 0.0105, "tau_plus": 20.0, "tau_minus": 20.0}
    assert w.result["probe"] == pytest.approx(0.01 * np.exp(-10.0 / 20.0), rel=1e-12)
    # Song et al.'s choice: net depression, -0.01 ms; at 10 Hz each, 1e-4 /ms^2 x -0.01 ms x 1000
    assert w.result["integral"] == pytest.approx(-0.01)
    assert w.result["drift_per_s"] == pytest.approx(-1e-3)
    assert "-1.00e-03" in w.readout.value
    w.sliders["delta_t"].value = 0.0
    assert w.result["probe"] == 0.0
    w.sliders["A_minus"].value = 0.005
    assert w.result["integral"] > 0 and w.result["probe"] == 0.0


def test_off_range_values_are_refused():
    with pytest.raises(ValueError, match="tau_plus = 500"):
        bw.stdp_explorer(tau_plus=500.0)
