"""Neuron models against independent references: closed forms, published patterns.

Each test says in its message what a failure most likely means.
"""
import math

import numpy as np
import pytest

import braindyn.math as bm
import braindyn.models as M
from support import _restore_backend, hh_reference, spike_times  # noqa: F401


def intervals(model, k=0):
    """Inter-spike intervals (ms) of neuron k from the monitored spike flags."""
    return np.diff(model.mon.ts[model.mon.spike[:, k]])


# -- conductance-based ----------------------------------------------------------------

def test_hh_fires_8_spikes_at_the_reference_times():
    hh = M.HH(1, monitors=["V", "spike"], method="rk4")
    hh.run(100.0, inputs=("input", 10.0), dt=0.01)
    ref = np.asarray(hh_reference()["spike_times_ms"])
    got = spike_times(hh.mon.ts, hh.mon.V[:, 0])
    assert len(got) == 8 and hh.mon.spike.sum() == 8, (
        f"HH at I = 10 uA/cm^2 fired {len(got)} times in 100 ms (the slides: 8): the "
        f"parameters, the initial state (-65, 0.5, 0.6, 0.32) or hh_derivatives changed")
    assert np.max(np.abs(got - ref)) < 1e-3, (
        f"HH spike times differ from the DOP853 reference by up to "
        f"{np.max(np.abs(got - ref)):.2e} ms (rk4 at dt = 0.01 gives < 1e-4): the equations "
        f"or the rk4 step changed")


def test_morris_lecar_rests_then_fires_at_a_nonzero_rate():
    """Class II excitability (Rinzel & Ermentrout 1998, Hopf set): at rest near -60.9 mV,
    no sustained firing at I = 80, and firing at about 10 Hz, not arbitrarily slowly,
    just above the onset."""
    ml = M.MorrisLecar(3, monitors=["V", "spike"])
    ml.run(1000.0, inputs=("input", np.array([0.0, 80.0, 90.0])), dt=0.05)
    assert abs(ml.mon.V[-1, 0] + 60.855) < 0.05, (
        f"Morris-Lecar rests at {ml.mon.V[-1, 0]:.3f} mV, expected -60.855: the leak or "
        f"Ca parameters changed")
    late = ml.mon.ts > 300
    assert ml.mon.spike[late, 1].sum() == 0, "Morris-Lecar fires repetitively at I = 80 "
    rate = ml.mon.spike[late, 2].sum() / 0.7
    assert 7.0 < rate < 13.0, (
        f"Morris-Lecar at I = 90 fires at {rate:.1f} Hz; class II onset gives about 10 Hz")


# -- integrate-and-fire -----------------------------------------------------------------

def test_lif_intervals_match_the_closed_form_f_i_curve():
    currents = np.array([2.1, 2.5, 3.0, 4.0, 6.0])          # nA, above rheobase 2.0
    lif = M.LIF(len(currents), monitors=["spike"])
    dt = 0.01
    lif.run(500.0, inputs=("input", currents), dt=dt)
    RI = lif.R * currents
    T = lif.t_ref + lif.tau * np.log((lif.V_rest + RI - lif.V_reset) /
                                     (lif.V_rest + RI - lif.V_th))
    for k in range(len(currents)):
        isi = intervals(lif, k)[1:]        # the first starts from V_rest, not V_reset
        assert len(isi) > 5
        # threshold crossings are seen at the end of a step: late by less than dt
        assert np.all((isi - T[k] > -1e-9) & (isi - T[k] < dt + 1e-9)), (
            f"LIF at I = {currents[k]} nA: intervals {isi[:3]} ms, closed form "
            f"t_ref + tau ln(...) = {T[k]:.4f} ms: the refractory handling or the "
            f"reset changed")


def test_quadratic_if_intervals_match_the_arctan_closed_form():
    """tau dV/dt = a0 (V - m)^2 + a0 k^2 integrates to an arctan between reset and peak."""
    currents = np.array([5.0, 10.0, 20.0])
    qif = M.QuaIF(len(currents), monitors=["spike"])
    dt = 0.01
    qif.run(400.0, inputs=("input", currents), dt=dt)
    m = 0.5 * (qif.V_rest + qif.V_c)
    k = np.sqrt((qif.R * currents - qif.a0 * (qif.V_c - qif.V_rest) ** 2 / 4) / qif.a0)
    T = qif.tau / (qif.a0 * k) * (np.arctan((qif.V_th - m) / k) -
                                  np.arctan((qif.V_reset - m) / k))
    for j in range(len(currents)):
        isi = intervals(qif, j)[1:]
        assert np.all(np.abs(isi - T[j]) < 2 * dt), (
            f"QuaIF at I = {currents[j]}: intervals {isi[:3]}, closed form {T[j]:.3f} ms")


def test_exponential_if_starts_firing_at_its_rheobase():
    """Saddle-node at V = V_T: R I_rh = V_T - V_rest - Delta_T (Fourcaud-Trocme et al. 2003)."""
    eif = M.ExpIF(2, monitors=["spike"])
    rheobase = (eif.V_T - eif.V_rest - eif.delta_T) / eif.R
    eif.run(2000.0, inputs=("input", np.array([0.98, 1.02]) * rheobase), dt=0.01)
    counts = eif.mon.spike.sum(0)
    assert counts[0] == 0 and counts[1] > 0, (
        f"ExpIF spikes at 0.98 and 1.02 times the rheobase {rheobase:.3f} nA: {counts}; "
        f"expected none and some: the exponential term or V_T changed")


def test_adex_intervals_lengthen_then_settle():
    """Spike-frequency adaptation with Brette & Gerstner's (2005) parameters."""
    adex = M.AdExIF(1, monitors=["spike", "w"])
    adex.run(1000.0, inputs=("input", 1.0), dt=0.01)
    isi = intervals(adex)
    assert len(isi) > 10 and isi[-1] / isi[0] > 2.0, (
        f"AdEx intervals {np.round(isi[:4], 1)} ... {np.round(isi[-2:], 1)} ms: no "
        f"adaptation; the w reset (w += b) or tau_w changed")
    assert abs(isi[-1] - isi[-2]) < 0.1, "AdEx intervals do not settle to a steady rate"


def test_gif_tonic_spiking_interval_matches_the_lif_formula():
    """Mihalas & Niebur's tonic set: the threshold stays at V_th_inf, so the interval
    is the LIF one, tau ln((RI + V_rest - V_reset) / (RI + V_rest - V_th_inf))."""
    gif = M.GIF(1, monitors=["spike", "V_th"])
    dt = 0.01
    gif.run(300.0, inputs=("input", 1.5), dt=dt)
    expected = gif.tau * math.log((gif.R * 1.5 + gif.V_rest - gif.V_reset) /
                                  (gif.R * 1.5 + gif.V_rest - gif.V_th_inf))
    isi = intervals(gif)
    assert len(isi) > 5 and np.all(np.abs(isi - expected) < dt + 1e-9), (
        f"GIF intervals {isi[:3]} ms, expected {expected:.3f} ms: the threshold dynamics "
        f"or the reset rules changed")


# -- Izhikevich ---------------------------------------------------------------------------

def izhikevich(cell_type, current=10.0, duration=600.0):
    neuron = M.Izhikevich(1, monitors=["spike"], **M.CELL_TYPES[cell_type])
    neuron.run(duration, inputs=("input", current), dt=0.01)
    return intervals(neuron)


def test_izhikevich_regular_spiking_adapts():
    isi = izhikevich("RS")
    assert isi[0] < 0.6 * isi[-1] and isi[-1] > 25.0, (
        f"RS intervals {np.round(isi[:4], 1)} ms: regular spiking should start fast and "
        f"slow down to < 40 Hz (d = 8 adds adaptation)")


def test_izhikevich_fast_spiking_is_fast_and_regular():
    isi = izhikevich("FS")
    steady = isi[5:]
    assert np.all(steady < 10.0) and np.std(steady) / np.mean(steady) < 0.05, (
        f"FS intervals {np.round(isi[:8], 1)} ms: fast spiking should settle to short, "
        f"constant intervals (> 100 Hz); a (0.1) or d (2) changed")


def test_izhikevich_chattering_fires_bursts():
    isi = izhikevich("CH")
    short, long_ = isi < 8.0, isi > 30.0
    assert short.sum() > 3 * long_.sum() and long_.sum() >= 4 and \
        np.all(short | long_), (
        f"CH intervals {np.round(isi[:14], 1)} ms: chattering cells fire bursts (intervals "
        f"< 8 ms) separated by pauses (> 30 ms) and nothing in between; c = -50 changed?")


def test_izhikevich_intrinsically_bursting_bursts_once_then_spikes():
    isi = izhikevich("IB")
    assert np.all(isi[:2] < 8.0) and np.all(isi[3:] > 20.0), (
        f"IB intervals {np.round(isi[:6], 1)} ms: an initial burst, then single spikes")


def test_resonate_and_fire_prefers_pulses_at_its_eigenperiod():
    """Izhikevich (2001): two sub-threshold pulses fire the neuron only when spaced
    by the eigenperiod 2 pi / omega; at half that spacing they cancel."""
    rf = M.ResonateFire(3, monitors=["spike"])
    period = 2 * math.pi / rf.omega
    dt = 0.01
    current = np.zeros((int(100 / dt), 3))
    kick = 0.9 / 0.5           # 0.5 ms pulses moving x by 0.9 (below threshold alone)
    for k, gap in enumerate([None, period, period / 2]):
        for start in [10.0] if gap is None else [10.0, 10.0 + gap]:
            i = int(round(start / dt))
            current[i:i + 50, k] += kick
    rf.run(100.0, inputs=("input", current, "iter"), dt=dt)
    assert list(rf.mon.spike.sum(0)) == [0, 1, 0], (
        f"resonate-and-fire spikes for (one pulse, pulses one period apart, half a period "
        f"apart): {rf.mon.spike.sum(0)}, expected [0, 1, 0]")


# -- reduced oscillators ---------------------------------------------------------------

def test_fitzhugh_nagumo_has_a_limit_cycle_at_the_textbook_input():
    """I = 0.5 lies between the Hopf points (I ~ 0.33 and 1.42): every start converges to
    the same closed orbit (same amplitude and period)."""
    fhn = M.FitzHughNagumo(3, monitors=["V"])
    fhn.V[:] = [-1.2, 0.0, 2.0]
    fhn.w[:] = [-0.6, 0.0, 1.0]
    fhn.run(500.0, inputs=("input", 0.5), dt=0.01)
    late = fhn.mon.ts > 300
    V = fhn.mon.V[late]
    assert np.all(np.ptp(V, axis=0) > 3.0), "FitzHugh-Nagumo does not oscillate at I = 0.5"
    assert np.ptp(V.max(0)) < 1e-4 and np.ptp(V.min(0)) < 1e-4, \
        "the three trajectories reach different orbits: not a single limit cycle"
    t = fhn.mon.ts[late]
    periods = [np.diff(t[1:][(V[:-1, k] < 0) & (V[1:, k] >= 0)]) for k in range(3)]
    assert all(np.ptp(p) < 0.05 for p in periods) and \
        abs(periods[0].mean() - periods[2].mean()) < 0.05, f"periods differ: {periods}"


def test_fitzhugh_nagumo_settles_on_the_fixed_point_below_the_hopf_point():
    fhn = M.FitzHughNagumo(2, monitors=["V", "w"])
    fhn.V[:] = [-1.2, 2.0]
    fhn.w[:] = [-0.6, 1.0]
    fhn.run(500.0, dt=0.01)
    # fixed point at I = 0: V - V^3/3 - (V + a)/b = 0
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / fhn.b, -fhn.a / fhn.b])
    V_star = roots[np.abs(roots.imag) < 1e-12].real[0]
    assert np.all(np.abs(fhn.mon.V[-1] - V_star) < 1e-4), (
        f"FitzHugh-Nagumo at I = 0 ends at V = {fhn.mon.V[-1]}, the fixed point is "
        f"{V_star:.5f}")


def test_hindmarsh_rose_bursts():
    hr = M.HindmarshRose(1, monitors=["spike"])
    hr.run(4000.0, inputs=("input", 2.0), dt=0.02)
    isi = intervals(hr)[10:]           # after the first, long transient burst
    pauses = isi > 100.0
    assert pauses.sum() >= 3 and (~pauses).sum() >= 4 * pauses.sum(), (
        f"Hindmarsh-Rose intervals {np.round(isi[:12], 1)}: expected bursts of several "
        f"spikes separated by pauses > 100 ms (r = 0.001 makes z slow)")
    assert isi[~pauses].max() < 0.2 * isi[pauses].min()


def test_wilson_cowan_oscillates_with_drive_and_rests_without():
    """Wilson & Cowan (1972): P = 1.25 gives a limit cycle; P = 0 keeps E = I = 0."""
    wc = M.WilsonCowan(2, monitors=["E", "I"])
    wc.run(200.0, inputs=("input", np.array([1.25, 0.0])), dt=0.01)
    late = wc.mon.ts > 100
    assert np.ptp(wc.mon.E[late, 0]) > 0.1, (
        f"Wilson-Cowan with P = 1.25: E varies by {np.ptp(wc.mon.E[late, 0]):.3f}, "
        f"expected sustained oscillations (c1..c4, a, theta of the paper's Fig. 9)")
    assert np.all(np.abs(wc.mon.E[-1, 1]) < 1e-12) and np.all(np.abs(wc.mon.I[-1, 1]) < 1e-12), \
        "Wilson-Cowan without drive leaves 0: S(0) must be 0 (the shifted sigmoid)"


def test_poisson_group_fires_at_its_rates_with_exponential_intervals():
    """1000 independent Poisson trains, half at 10 Hz and half at 40 Hz, for 2 s: the
    counts match the rates within 5 standard deviations of the binomial count, and the
    intervals have a coefficient of variation of 1 (exponential)."""
    bm.random.seed(3)
    dt, duration = 0.1, 2000.0
    rates = np.r_[np.full(500, 10.0), np.full(500, 40.0)]
    group = M.PoissonGroup(1000, rates, monitors=["spike"])
    group.run(duration, dt=dt, jit=False)
    spikes = group.mon.spike
    steps = spikes.shape[0]
    for half, rate in ((slice(0, 500), 10.0), (slice(500, 1000), 40.0)):
        p = rate * dt / 1000.0
        n = steps * 500
        count = spikes[:, half].sum()
        assert abs(count - n * p) < 5 * np.sqrt(n * p * (1 - p)), (
            f"{count} spikes at {rate} Hz, expected {n * p:.0f} +- {np.sqrt(n * p):.0f}")
    isi = np.concatenate([np.diff(np.flatnonzero(spikes[:, i])) for i in range(500, 1000)])
    cv = isi.std() / isi.mean()
    assert abs(cv - 1.0) < 0.05, f"interval CV {cv:.3f}; a Poisson train has CV 1"
