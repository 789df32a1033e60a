"""The slides' HH model against the independent reference (scipy DOP853, 1e-12)."""
import numpy as np
import pytest

import braindyn as bp
from braindyn.models import hh_derivatives, hodgkin_huxley
from support import _restore_backend, hh_reference, spike_times  # noqa: F401


def test_rk4_at_dt_0_01_gives_the_reference_spikes():
    ref = hh_reference()
    ts, ys = bp.integrate(hh_derivatives, hodgkin_huxley.INITIAL_STATE, (0.0, 100.0), dt=0.01,
                          method="rk4", args=(10.0,), jit=True)
    got = spike_times(ts, ys[:, 0])
    want = np.asarray(ref["spike_times_ms"])
    assert len(got) == len(want) == 8, f"{len(got)} spikes, the reference has {len(want)}"
    assert np.max(np.abs(got - want)) < 1e-3, f"spike times off by {np.abs(got - want).max()} ms"
    V_grid = np.asarray(ref["V_grid"])
    assert np.max(np.abs(ys[::10, 0] - V_grid)) < 0.05


def test_exponential_euler_is_stable_at_dt_0_2_where_euler_is_not():
    """The lecture's lesson: exp. Euler keeps spiking at dt = 0.2, Euler does not."""
    ref = hh_reference()
    ts, ys = bp.integrate(hh_derivatives, hodgkin_huxley.INITIAL_STATE, (0.0, 100.0), dt=0.2,
                          method="exponential_euler", args=(10.0,), jit=True)
    assert np.all(np.isfinite(ys))
    assert abs(len(spike_times(ts, ys[:, 0])) - len(ref["spike_times_ms"])) <= 1
    with np.errstate(all="ignore"):
        ts, ys = bp.integrate(hh_derivatives, hodgkin_huxley.INITIAL_STATE, (0.0, 100.0),
                              dt=0.2, method="euler", args=(10.0,), jit=True)
    # explicit Euler at dt = 0.2 leaves the physiological range (or overflows)
    assert not np.all(np.isfinite(ys)) or np.nanmax(np.abs(ys[:, 0])) > 200


@pytest.mark.parametrize("method", ["rkdp", "ck"])
def test_adaptive_methods_reach_the_reference_end_state(method):
    ref = hh_reference()
    ts, ys = bp.integrate(hh_derivatives, hodgkin_huxley.INITIAL_STATE, (0.0, 100.0), dt=0.01,
                          method=method, adaptive=True, tol=1e-9, args=(10.0,))
    np.testing.assert_allclose(ys[-1], ref["y_end"], atol=1e-4)
