"""models.PinskyRinzel: the two-compartment CA3 neuron of Pinsky & Rinzel (1994).

Checked here:

* the paper's qualitative result: under a steady somatic current the cell bursts at
  weak coupling (gc = 2.1 mS/cm^2) and fires single spikes at strong coupling
  (gc = 10.5 and 20), classified by ``braindyn.measure.firing_pattern``;
* current balance: the coupling current leaves the dendrite and enters the soma
  (p Cm dVs/dt + (1 - p) Cm dVd/dt does not depend on gc; injected current adds
  Is + Id), and at the resting state the soma's ionic current, computed here from the
  paper's formulas, is carried by the coupling and Is: p I_ion,s = gc (Vd - Vs) + Is;
* with only the leak left, the two compartments against the closed form of a passive
  two-compartment cell;
* compiled (NumPy and JAX) and plain Python agree.
"""
import numpy as np
import pytest
from scipy import optimize

import braindyn as bp
import braindyn.math as bm
import braindyn.models as M
from braindyn import measure
from braindyn.models.pinsky_rinzel import PR_INITIAL
from support import _restore_backend  # noqa: F401

DT = 0.025      # ms: rk4 at this step gives the spike times of dt = 0.005 to 0.01 ms
IS = 1.5        # uA/cm^2 into the soma
GCS = (2.1, 10.5, 20.0)


@pytest.fixture(scope="module")
def spike_trains():
    pr = M.PinskyRinzel(len(GCS), gc=np.array(GCS), name="pr")
    pr.run(300.0, dt=DT, jit=True, monitors=["V", "spike"], inputs=[("input", IS)])
    return [pr.mon.ts[pr.mon.spike[:, k]] for k in range(len(GCS))]


@pytest.mark.slow   # compiling the model costs 10-40 s on a cold cache
def test_weak_coupling_bursts(spike_trains):
    times = spike_trains[0]
    assert measure.firing_pattern(times) == "bursting", np.round(times, 1)
    intervals = np.diff(times)
    within, between = intervals[intervals < 10.0], intervals[intervals > 20.0]
    # bursts of 2-4 spikes a few ms apart (riding a dendritic Ca spike), tens of ms apart
    assert len(within) >= 5 and len(between) >= 3, np.round(intervals, 1)
    assert np.all(within > 2.0)


@pytest.mark.slow   # compiling the model costs 10-40 s on a cold cache
@pytest.mark.parametrize("k", [1, 2])
def test_strong_coupling_fires_single_spikes(spike_trains, k):
    times = spike_trains[k]
    assert measure.firing_pattern(times) in ("regular", "adapting"), np.round(times, 1)
    assert len(times) >= 4 and np.diff(times).min() > 20.0, (GCS[k], np.round(times, 1))


def random_states(rng, num):
    return dict(Vs=rng.uniform(-10, 90, num), Vd=rng.uniform(-10, 90, num),
                h=rng.random(num), n=rng.random(num), s=rng.random(num), c=rng.random(num),
                q=rng.random(num), Ca=rng.uniform(0, 400, num))


def test_the_coupling_current_moves_charge_from_dendrite_to_soma():
    x = random_states(np.random.default_rng(0), 50)
    p, C = 0.5, 3.0

    def membrane_charge(gc, Is=0.0, Id=0.0):
        cell = M.PinskyRinzel(1, gc=gc)
        dVs, dVd = cell.derivative(*x.values(), 0.0, Is, Id)[:2]
        return p * C * dVs + (1 - p) * C * dVd

    reference = membrane_charge(0.0)
    for gc in (2.1, 10.5):
        np.testing.assert_allclose(membrane_charge(gc), reference, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(membrane_charge(2.1, Is=0.7, Id=-0.3), reference + 0.4,
                               rtol=1e-12, atol=1e-9)


def test_at_rest_the_coupling_carries_the_somas_ionic_current():
    """Under Is = -0.5 uA/cm^2 (the paper's rest; at Is = 0 the sodium window current
    makes the cell fire slowly) the soma's ionic current, from the paper's formulas
    written out here, is the coupling current plus Is: p I_ion,s = gc (Vd - Vs) + Is."""
    Is = -0.5
    cell = M.PinskyRinzel(1)
    rest = optimize.root(lambda y: np.array(cell.derivative(*y, 0.0, Is, 0.0)),
                         np.array(PR_INITIAL), method="hybr", options={"xtol": 1e-13})
    assert rest.success and np.abs(rest.fun).max() < 1e-12
    Vs, Vd, h, n = rest.x[:4]
    assert abs(Vs - PR_INITIAL[0]) < 0.3         # the paper's initial state is this rest
    a_m = 0.32 * (13.1 - Vs) / (np.exp((13.1 - Vs) / 4) - 1)
    b_m = 0.28 * (Vs - 40.1) / (np.exp((Vs - 40.1) / 5) - 1)
    m = a_m / (a_m + b_m)
    I_ion_s = 0.1 * Vs + 30 * m ** 2 * h * (Vs - 120) + 15 * n * (Vs + 15)
    assert abs(2.1 * (Vd - Vs)) > 1e-2           # the coupling current is not nothing
    assert abs(0.5 * I_ion_s - (2.1 * (Vd - Vs) + Is)) < 1e-12
    # and the simulated cell, started next to it, stays there (a stable rest)
    cell = M.PinskyRinzel(1, initial=rest.x * 1.001)
    cell.run(200.0, dt=DT, jit=False, inputs=[("input", Is)])
    assert abs(cell.V.value[0] - Vs) < 1e-3 and abs(cell.Vd.value[0] - Vd) < 1e-3


def test_with_only_the_leak_the_compartments_follow_the_passive_solution():
    """p Vs + (1 - p) Vd relaxes with gL / C; Vs - Vd with (gL + gc / p + gc / (1 - p)) / C."""
    p, gc, gL, C = 0.3, 2.1, 0.1, 3.0
    cell = M.PinskyRinzel(1, p=p, gc=gc, g_Na=0.0, g_KDR=0.0, g_Ca=0.0, g_KAHP=0.0, g_KC=0.0,
                          initial=(10.0, -5.0) + PR_INITIAL[2:])
    cell.run(10.0, dt=DT, jit=False, monitors=["V", "Vd"])
    ts, Vs, Vd = cell.mon.ts, cell.mon.V[:, 0], cell.mon.Vd[:, 0]
    mean0, diff0 = p * 10.0 + (1 - p) * -5.0, 15.0
    np.testing.assert_allclose(p * Vs + (1 - p) * Vd, mean0 * np.exp(-gL * ts / C), atol=1e-9)
    rate = (gL + gc / p + gc / (1 - p)) / C
    # rk4 at rate * dt = 0.084: a relative error of a few 1e-7
    np.testing.assert_allclose(Vs - Vd, diff0 * np.exp(-rate * ts), atol=1e-5)


@pytest.mark.slow   # compiling the model costs 10-40 s on a cold cache
def test_compiled_plain_and_jax_agree():
    def final(jit):
        cell = M.PinskyRinzel(2, gc=np.array([2.1, 10.5]))
        cell.run(40.0, dt=DT, jit=jit, inputs=[("input", IS), ("input_d", 0.2)])
        return np.array([bm.as_numpy(v.value) for v in cell.vars().values()], dtype=float)
    plain = final(False)
    np.testing.assert_allclose(final(True), plain, rtol=1e-12, atol=1e-10)
    bm.use_backend("jax")
    traced = final(True)
    bm.use_backend("numpy")
    np.testing.assert_allclose(traced, plain, rtol=1e-12, atol=1e-10)
    assert plain[list(M.PinskyRinzel(1).vars()).index("t_last_spike")].max() > 0


def test_p_outside_0_1_is_refused():
    with pytest.raises(ValueError, match="0 < p < 1"):
        M.PinskyRinzel(1, p=1.0)
