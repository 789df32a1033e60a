"""Synapse models against their closed forms: kernels, delays, receptor kinetics,
the Mg2+ block and the Tsodyks-Markram recurrence.

These runs are short and small, so they run in plain Python (jit=False): compiling
each would cost seconds; test_models_jit.py checks that compiled runs agree.

Timing used throughout: a SpikeTimeGroup spike at t_s is flagged at the end of the
step [t_s, t_s + dt); the synapse reads it at the start of the next step, so the
synapse's state first changes in the step recorded at t_on = t_s + 2 dt (plus the delay).
"""
import math

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
import braindyn.models as M
from support import _restore_backend  # noqa: F401


class Clamp(bp.NeuGroup):
    """A neuron held at V that records the synaptic current it receives each step."""

    def __init__(self, size, V=-65.0, **kw):
        super().__init__(size, **kw)
        self.V = bm.Variable(bm.ones(self.num) * V)
        self.input = bm.Variable(bm.zeros(self.num))
        self.I_syn = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.I_syn[:] = self.input
        self.input[:] = 0.


def one_spike(cls, t_spike=10.0, duration=60.0, dt=0.1, V=-65.0, syn_monitors=(), times=None,
              jit=False, **params):
    """A synapse of class cls from one pre neuron (spiking at `times`) onto a clamp."""
    times = [t_spike] if times is None else times
    pre = M.SpikeTimeGroup(1, [0] * len(times), times, name="pre")
    post = Clamp(1, V=V, name="post", monitors=["I_syn", "V"])
    syn = cls(pre, post, bp.connect.All2All(), name="syn", monitors=list(syn_monitors),
              **params)
    net = bp.Network(pre, post, syn=syn)
    net.run(duration, dt=dt, jit=jit)
    return net, syn, post


def test_exponential_synapse_decays_exactly_and_is_current_based_without_E():
    dt, tau, g_max = 0.1, 5.0, 0.7
    net, syn, post = one_spike(M.Exponential, dt=dt, g_max=g_max, tau=tau,
                               syn_monitors=["g"])
    t = net.mon.ts
    t_on = 10.0 + 2 * dt
    expected = np.where(t > t_on - dt / 2, g_max * np.exp(-(t - t_on) / tau), 0.0)
    np.testing.assert_allclose(syn.mon.g[:, 0], expected, rtol=1e-10, atol=1e-14,
                               err_msg="exponential synapse: g(t) != g_max exp(-t / tau)")
    np.testing.assert_allclose(post.mon.I_syn[:, 0], syn.mon.g[:, 0], rtol=1e-12,
                               err_msg="with E=None the current must be g itself")


def test_conductance_based_output_is_g_times_the_driving_force():
    net, syn, post = one_spike(M.Exponential, E=0.0, V=-60.0, g_max=0.5,
                               syn_monitors=["g"])
    np.testing.assert_allclose(post.mon.I_syn[:, 0], syn.mon.g[:, 0] * (0.0 - (-60.0)),
                               rtol=1e-12, err_msg="COBA output must be g (E - V_post)")


@pytest.mark.parametrize("dt", [0.1, 0.05])
def test_delay_shifts_the_response_by_round_delay_over_dt_steps(dt):
    delay = 1.5
    net, syn, post = one_spike(M.Exponential, dt=dt, delay=delay, syn_monitors=["g"])
    onset = net.mon.ts[np.argmax(syn.mon.g[:, 0] > 0)]
    assert abs(onset - (10.0 + 2 * dt + delay)) < 1e-9, (
        f"with delay {delay} ms at dt {dt} the response starts at {onset:.3f} ms, expected "
        f"{10.0 + 2 * dt + delay:.3f}: SpikeDelay's ring buffer or n = round(delay/dt)")


def test_alpha_synapse_follows_the_alpha_function_and_peaks_at_tau():
    dt, tau, g_max = 0.01, 2.0, 1.3
    net, syn, post = one_spike(M.Alpha, dt=dt, tau=tau, g_max=g_max, duration=25.0,
                               method="rk4", syn_monitors=["g"])
    s = net.mon.ts - (10.0 + 2 * dt)          # time since h jumped
    expected = np.where(s > 0, g_max * (s / tau) * np.exp(1 - s / tau), 0.0)
    np.testing.assert_allclose(syn.mon.g[:, 0], expected, atol=1e-8 * g_max,
                               err_msg="alpha synapse: g != g_max (t/tau) exp(1 - t/tau)")
    t_peak = s[np.argmax(syn.mon.g[:, 0])]
    assert abs(t_peak - tau) <= dt and abs(syn.mon.g[:, 0].max() - g_max) < 1e-6, (
        f"alpha synapse peaks at {t_peak:.3f} ms with {syn.mon.g.max():.5f}, expected "
        f"tau = {tau} ms and g_max = {g_max}")


def test_dual_exponential_peak_time_and_value():
    dt, tau_r, tau_d, g_max = 0.01, 1.0, 8.0, 0.9
    net, syn, post = one_spike(M.DualExponential, dt=dt, tau_rise=tau_r, tau_decay=tau_d,
                               g_max=g_max, duration=40.0, method="rk4", syn_monitors=["g"])
    s = net.mon.ts - (10.0 + 2 * dt)
    t_peak = tau_d * tau_r / (tau_d - tau_r) * math.log(tau_d / tau_r)   # 2.376 ms
    shape = np.where(s > 0, np.exp(-s / tau_d) - np.exp(-s / tau_r), 0.0)
    expected = g_max * shape / (math.exp(-t_peak / tau_d) - math.exp(-t_peak / tau_r))
    np.testing.assert_allclose(syn.mon.g[:, 0], expected, atol=1e-8,
                               err_msg="dual exponential: wrong shape or normalisation")
    got = s[np.argmax(syn.mon.g[:, 0])]
    assert abs(got - t_peak) <= dt, f"peak at {got:.3f} ms, closed form {t_peak:.3f} ms"


def test_voltage_jump_moves_v_by_the_weight():
    net, syn, post = one_spike(M.VoltageJump, g_max=2.5, V=-70.0)
    V = post.mon.V[:, 0]
    assert np.allclose(np.unique(V), [-70.0, -67.5]) and V[-1] == -67.5, (
        "VoltageJump: the post potential should jump once by g_max = 2.5 mV")


# Destexhe, Mainen & Sejnowski (1998): alpha (1/(mM ms)), beta (1/ms), E (mV), T (mM),
# pulse duration (ms)
RECEPTOR_RATES = {"AMPA": (M.AMPA, (0.98, 0.18, 0.0, 0.5, 0.5)),
                  "GABAa": (M.GABAa, (0.53, 0.18, -80.0, 1.0, 1.0))}


@pytest.mark.parametrize("receptor", list(RECEPTOR_RATES))
def test_receptor_open_fraction_follows_the_pulse_solution(receptor):
    """During the transmitter pulse of [T] mM, s -> s_inf = alpha T / (alpha T + beta)
    at rate alpha T + beta; afterwards it decays at rate beta (Destexhe et al. 1994)."""
    cls, (a, b, E, T, dur) = RECEPTOR_RATES[receptor]
    dt = 0.01
    net, syn, post = one_spike(cls, dt=dt, duration=40.0, V=-65.0, syn_monitors=["s"])
    assert (syn.alpha, syn.beta, syn.E, syn.T, syn.T_duration) == (a, b, E, T, dur), \
        f"{receptor}'s default rates are not those of Destexhe et al. (1998)"
    t = net.mon.ts - (10.0 + dt)               # time since the pulse began (a step start)
    s_inf, rate = a * T / (a * T + b), a * T + b
    s_end = s_inf * (1 - math.exp(-rate * dur))
    expected = np.where(t <= 0, 0.0, np.where(t <= dur + dt / 2,
                                              s_inf * (1 - np.exp(-rate * t)),
                                              s_end * np.exp(-b * (t - dur))))
    np.testing.assert_allclose(syn.mon.s[:, 0], expected, atol=1e-9,
                               err_msg=f"{receptor}: s differs from the two-state pulse solution")
    np.testing.assert_allclose(post.mon.I_syn[:, 0],
                               syn.g_max * syn.mon.s[:, 0] * (E + 65.0), rtol=1e-12)


def test_mg_block_matches_jahr_and_stevens():
    """B(V) = 1 / (1 + [Mg]/3.57 exp(-0.062 V)), [Mg] = 1.2 mM; values worked by hand."""
    V = np.array([-80.0, -60.0, 0.0, 40.0])
    hand = np.array([1 / (1 + 1.2 / 3.57 * 142.59), 1 / (1 + 1.2 / 3.57 * 41.264),
                     1 / (1 + 1.2 / 3.57), 1 / (1 + 1.2 / 3.57 * 0.083743)])
    np.testing.assert_allclose(M.mg_block(V), hand, rtol=1e-4)
    np.testing.assert_allclose(M.mg_block(V, mg=0.0), 1.0)


@pytest.mark.parametrize("V", [-80.0, -20.0])
def test_nmda_current_is_blocked_by_mg_at_the_clamped_potential(V):
    net, syn, post = one_spike(M.NMDA, duration=60.0, V=V, syn_monitors=["s"])
    expected = syn.g_max * syn.mon.s[:, 0] * M.mg_block(V) * (syn.E - V)
    assert syn.mon.s.max() > 0.1, "one spike should open a sizeable fraction of NMDA channels"
    np.testing.assert_allclose(post.mon.I_syn[:, 0], expected, rtol=1e-12,
                               err_msg=f"NMDA current at V = {V} mV is not g s B(V) (E - V)")


def test_gabab_needs_a_burst():
    """G^4 / (G^4 + K_d): ten spikes give far more than ten times one spike's response."""
    single = one_spike(M.GABAb, duration=400.0, syn_monitors=["G"], g_max=1.0)[2]
    burst_times = list(10.0 + 10.0 * np.arange(10))
    burst = one_spike(M.GABAb, duration=400.0, times=burst_times, syn_monitors=["G"],
                      g_max=1.0)[2]
    ratio = np.abs(burst.mon.I_syn).max() / np.abs(single.mon.I_syn).max()
    assert ratio > 1000, f"GABA_B burst/single response ratio {ratio:.0f}, expected > 1000"


@pytest.mark.parametrize("params,trend", [(M.STP_FACILITATION, "grows"),
                                          (M.STP_DEPRESSION, "falls")])
def test_tsodyks_markram_matches_the_analytical_recurrence(params, trend):
    interval, n, dt = 50.0, 10, 0.1
    times = list(10.0 + interval * np.arange(n))
    net, syn, post = one_spike(M.STP, duration=10.0 + interval * n, dt=dt, times=times,
                               syn_monitors=["u", "x"], **params)
    U, tau_f, tau_d = params["U"], params["tau_f"], params["tau_d"]
    u_minus, x_minus, efficacy = 0.0, 1.0, []
    u_plus_expected, x_plus_expected = [], []
    for _ in range(n):
        u_plus = u_minus + U * (1 - u_minus)
        efficacy.append(u_plus * x_minus)
        x_plus = x_minus - u_plus * x_minus
        u_plus_expected.append(u_plus)
        x_plus_expected.append(x_plus)
        u_minus = u_plus * math.exp(-interval / tau_f)
        x_minus = 1 - (1 - x_plus) * math.exp(-interval / tau_d)
    arrivals = [int(round((t + 2 * dt) / dt)) - 1 for t in times]   # record index
    np.testing.assert_allclose(syn.mon.u[arrivals, 0], u_plus_expected, rtol=1e-9,
                               err_msg="STP: u after each spike")
    np.testing.assert_allclose(syn.mon.x[arrivals, 0], x_plus_expected, rtol=1e-9,
                               err_msg="STP: x after each spike")
    assert (efficacy[-1] > efficacy[0]) == (trend == "grows"), \
        f"the efficacy should {trend} along the train: {np.round(efficacy, 3)}"


from braindyn.models import pre2post_sum  # noqa: E402  (a student imports it by name)


class StudentExpSyn(bp.TwoEndConn):
    """A synapse as a student writes it in a notebook: pre2post_sum by its bare name."""

    def __init__(self, pre, post, conn, g_max=0.5, tau=5.0, **kw):
        super().__init__(pre, post, conn, **kw)
        self.g_max, self.tau = g_max, tau
        c = self.conn
        self.pre_ids, self.post_ids, self.indptr = c.pre_ids, c.post_ids, c.indptr
        self.g = bm.Variable(bm.zeros(post.num))
        self.integral = bp.odeint(self.derivative, method="exponential_euler")

    def derivative(self, g_syn, t):
        return -g_syn / self.tau

    def update(self, _t, _dt):
        g = self.integral(self.g, _t, dt=_dt)
        self.g[:] = g + pre2post_sum(self.pre.spike, self.pre_ids, self.post_ids,
                                     self.indptr, self.g_max, self.post.num)
        self.post.input += self.g


def test_a_synapse_calling_pre2post_sum_by_name_compiles_to_the_closed_form():
    """pre2post_sum has a Numba overload; compiling its Python body instead (which asks
    for the backend) used to fail with "Unknown attribute 'get_backend'"."""
    pre = M.SpikeTimeGroup(1, [0], [10.0], name="pre")
    post = Clamp(1, monitors=["I_syn"], name="post")
    syn = StudentExpSyn(pre, post, bp.connect.All2All(), name="syn")
    bp.Network(pre, post, syn=syn).run(40.0, dt=0.1, jit=True)
    current = post.mon.I_syn[:, 0]
    t = np.arange(1, 401) * 0.1
    t_on = 10.0 + 2 * 0.1          # see the module docstring
    expected = np.where(t >= t_on - 1e-9, 0.5 * np.exp(-(t - t_on) / 5.0), 0.0)
    np.testing.assert_allclose(current, expected, atol=1e-12)


def test_pre2post_add_adds_in_place_and_refuses_what_it_cannot_change():
    from braindyn.models import delivery
    # 3 pre neurons, 4 synapses sorted by pre: 0->1, 0->2, 2->1, 2->3
    pre, post = np.array([0, 0, 2, 2]), np.array([1, 2, 1, 3])
    indptr = np.array([0, 2, 2, 4])
    g = bm.Variable(bm.ones(4))
    delivery.pre2post_add(g, np.array([True, True, True]), pre, post, indptr, 0.5)
    np.testing.assert_allclose(np.asarray(g), [1.0, 2.0, 1.5, 1.5])
    with pytest.raises(TypeError, match="bm.Variable"):
        delivery.pre2post_add([0.0] * 4, np.ones(3, bool), pre, post, indptr, 0.5)
