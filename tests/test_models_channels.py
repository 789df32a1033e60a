"""Channels composed into a point neuron (CondNeuGroup): HH rebuilt, and channels added."""
import numpy as np

import braindyn.models as M
from support import _restore_backend, empirical_order, hh_reference, spike_times  # noqa: F401


def slides_hh(**kw):
    """The slides' HH neuron made of channels, from the slides' initial state."""
    return M.CondNeuGroup(1, channels=[M.INa(m_initial=0.5, h_initial=0.6),
                                       M.IK(n_initial=0.32), M.IL()], **kw)


def test_hh_from_channels_fires_like_the_reference_and_converges_at_first_order():
    ref = np.asarray(hh_reference()["spike_times_ms"])
    errors = []
    dts = [0.01, 0.005, 0.0025]
    for dt in dts:
        hh = slides_hh(monitors=["V"])
        hh.run(100.0, inputs=("input", 10.0), dt=dt)
        got = spike_times(hh.mon.ts, hh.mon.V[:, 0])
        assert len(got) == 8, (
            f"HH made of INa + IK + IL fired {len(got)} times at dt = {dt} (the slides' HH: "
            f"8): a channel's rates or the summed conductances changed")
        errors.append(np.max(np.abs(got - ref)))
    assert errors[0] < 0.02, f"spike times off by {errors[0]:.3f} ms at dt = 0.01"
    order = empirical_order(dts, errors)
    assert 0.8 < order < 1.3, (
        f"spike-time error {errors} for dt {dts}: observed order {order:.2f}; the "
        f"gates-then-V splitting is first order (did the update order change?)")


def test_adding_ih_raises_the_resting_potential():
    """Ih reverses at -43 mV and is partly open at rest: it depolarises the cell."""
    plain = M.CondNeuGroup(1, channels=[M.INa(), M.IK(), M.IL()], monitors=["V"])
    with_h = M.CondNeuGroup(1, channels=[M.INa(), M.IK(), M.IL(), M.Ih()], monitors=["V"])
    for neuron in (plain, with_h):
        neuron.run(4000.0, dt=0.05)     # Ih opens slowly: tau_p ~ 0.7 s near -69 mV
    rest, rest_h = plain.mon.V[-1, 0], with_h.mon.V[-1, 0]
    assert abs(rest + 70.676) < 0.01, f"the slides' HH rests at {rest:.3f} mV, not -70.676"
    assert rest_h > rest + 0.5, (
        f"with Ih the rest is {rest_h:.2f} mV, without {rest:.2f} mV: Ih should depolarise "
        f"(check its sign convention: g (E - V) with E = -43 mV)")
    # at the new rest the currents balance: sum g_k (E_k - V) = 0
    assert abs(with_h.gE_sum.value[0] - with_h.g_sum.value[0] * rest_h) < 1e-5


def test_t_current_gives_a_rebound_burst_and_fills_the_calcium_pool():
    """After a hyperpolarising step, de-inactivated T channels fire a rebound burst
    (Huguenard & McCormick 1992); the Ca it lets in raises [Ca] (Destexhe et al. 1994)."""
    dt = 0.02
    current = np.zeros(int(400 / dt))
    current[int(50 / dt):int(250 / dt)] = -1.5
    counts, calcium = [], None
    for extra in ([], [M.ICaT(), M.CalciumDecay(), M.ICaN()]):
        neuron = M.CondNeuGroup(1, channels=[M.INa(), M.IK(), M.IL()] + extra,
                                monitors=["spike", "Ca"])
        neuron.run(400.0, inputs=("input", current, "iter"), dt=dt)
        counts.append(int(neuron.mon.spike[neuron.mon.ts > 250].sum()))
        calcium = neuron.mon.Ca[:, 0]
    assert counts[0] == 0 and counts[1] >= 2, (
        f"spikes after the hyperpolarising step without / with ICaT: {counts}; expected "
        f"none / a rebound burst")
    assert calcium.max() > 10 * M.channels.CA_REST, "the T current did not raise [Ca]"
    assert abs(calcium[-1] - M.channels.CA_REST) < 0.5 * M.channels.CA_REST, \
        "[Ca] does not relax back to rest (tau = 5 ms)"


def test_ican_sets_the_resting_potential_where_its_current_balances_the_leak():
    """A cell with a leak and I_CaN only, [Ca] held at K_Ca (so M = 1/2): V settles at the
    root of g_L (E_L - V) + g_CaN M p_inf(V) (E_CaN - V) = 0, solved here by scipy."""
    from scipy.optimize import brentq
    g_L, E_L, g_CaN, E_CaN, K_Ca = 0.1, -70.0, 0.3, 10.0, 0.2
    cell = M.CondNeuGroup(1, channels=[M.IL(g_max=g_L, E=E_L), M.ICaN(g_max=g_CaN, E=E_CaN,
                                                                     K_Ca=K_Ca)],
                          V_initial=-70.0)
    cell.Ca[:] = K_Ca                      # no CalciumDecay: nothing changes [Ca]
    cell.run(400.0, dt=0.05)

    def p_inf(V):
        return 1.0 / (1.0 + np.exp(-(V + 43.0) / 5.2))

    def current(V):
        return g_L * (E_L - V) + g_CaN * 0.5 * p_inf(V) * (E_CaN - V)
    expected = brentq(current, -80.0, -55.0)
    assert abs(cell.V[0] - expected) < 1e-3, (
        f"V settled at {cell.V[0]:.4f} mV, the current balance gives {expected:.4f} mV: "
        f"check I_CaN's sign, its M([Ca]) = Ca / (Ca + K_Ca) or p_inf")
    assert expected > -70.0 + 0.05, "the test needs I_CaN to depolarise visibly"
