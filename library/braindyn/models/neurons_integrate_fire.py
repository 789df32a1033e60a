"""Integrate-and-fire neurons: LIF, QuaIF, ExpIF, AdExIF and GIF.

Each integrates its membrane potential V until V reaches a threshold, then
emits a spike, resets V and (where ``t_ref > 0``) holds it there for a
refractory period.  Equations (W. Gerstner, W. M. Kistler, R. Naud,
L. Paninski, *Neuronal Dynamics* (2014), ch. 1.3, 5.2-5.3, 6.1)::

    LIF     tau dV/dt = -(V - V_rest) + R I
    QuaIF   tau dV/dt = a0 (V - V_rest)(V - V_c) + R I
    ExpIF   tau dV/dt = -(V - V_rest) + Delta_T exp((V - V_T) / Delta_T) + R I
    AdExIF  tau dV/dt = -(V - V_rest) + Delta_T exp((V - V_T) / Delta_T) - R w + R I
            tau_w dw/dt = a (V - V_rest) - w,          at a spike w -> w + b
    GIF     (Mihalas & Niebur 2009, see the class)

Units: mV, ms, MOhm and nA (R I in mV).  At a spike V -> V_reset.

Time stepping (the same in every class): within a step of dt starting at
``_t``, V is integrated with the input of this step; if it reaches ``V_th``
the neuron spikes, ``spike`` is True for this step and ``t_last_spike`` is the
step's end ``_t + dt`` (the time ``mon.ts`` shows for it).  The neuron is
refractory in the steps that start less than ``t_ref`` after the spike
(compared with half a step of slack, so that rounding of t never adds or
drops a step): V is held at its reset value for exactly round(t_ref / dt)
steps.  A ``t_last_spike`` later than ``_t`` comes from an earlier run (a new
run starts again at t = 0 unless given ``(t_start, t_end)``) and is ignored.
"""
from __future__ import annotations

import braindyn as bp
import braindyn.math as bm

# LIF: the defaults of neurodynex3 (Gerstner et al. 2014, ch. 1 exercises)
LIF_V_REST = -70.0      # mV: resting potential
LIF_V_RESET = -65.0     # mV: potential after a spike
LIF_V_TH = -50.0        # mV: firing threshold
LIF_R = 10.0            # MOhm: membrane resistance (R I in mV for I in nA)
LIF_TAU = 8.0           # ms: membrane time constant
LIF_T_REF = 2.0         # ms: absolute refractory period

# QuaIF and ExpIF: the values of BrainPy's model zoo, after Latham et al. (2000) and
# Fourcaud-Trocme et al. (2003)
NL_V_REST = -65.0       # mV
NL_V_RESET = -68.0      # mV
NL_V_TH = -30.0         # mV: the numerical "peak" at which a spike is declared
NL_R, NL_TAU = 1.0, 10.0   # MOhm, ms
QIF_A0 = 0.07           # 1/mV: curvature of the quadratic term
QIF_V_C = -50.0         # mV: critical voltage (unstable fixed point at I = 0)
EIF_V_T = -59.9         # mV: soft threshold (rheobase potential)
EIF_DELTA_T = 3.48      # mV: spike slope factor

# AdExIF: Brette & Gerstner (2005), Table 1 (C = 281 pF, g_L = 30 nS)
ADEX_V_REST = -70.6     # mV: E_L
ADEX_V_RESET = -70.6    # mV: V_r = E_L
ADEX_V_TH = 20.0        # mV: where the upswing is cut (the paper's spike detection)
ADEX_V_T = -50.4        # mV
ADEX_DELTA_T = 2.0      # mV
ADEX_R = 1000.0 / 30.0  # MOhm: 1 / g_L
ADEX_TAU = 281.0 / 30.0  # ms: C / g_L
ADEX_A = 0.004          # uS (4 nS): subthreshold adaptation
ADEX_B = 0.0805         # nA: spike-triggered adaptation
ADEX_TAU_W = 144.0      # ms

# GIF: Mihalas & Niebur (2009), Table 1 and the tonic-spiking column of Table 2
GIF_V_REST = -70.0      # mV: E_L
GIF_V_RESET = -70.0     # mV
GIF_TH_INF = -50.0      # mV: threshold at rest
GIF_TH_RESET = -60.0    # mV: lower bound of the threshold after a spike
GIF_R, GIF_TAU = 20.0, 20.0   # 1/G (G = 0.05), C/G (C = 1)
GIF_K1, GIF_K2 = 0.2, 0.02    # 1/ms: decay rates of the spike-induced currents
GIF_A, GIF_B = 0.0, 0.01      # 1/ms: threshold adaptation to V, threshold relaxation
GIF_R1, GIF_R2 = 0.0, 1.0     # fraction of I1, I2 kept at a spike
GIF_A1, GIF_A2 = 0.0, 0.0     # nA: increments of I1, I2 at a spike


def _spike_state(group, V_initial):
    """The Variables every integrate-and-fire group has."""
    group.V = bm.Variable(bm.ones(group.num) * V_initial)
    group.input = bm.Variable(bm.zeros(group.num))
    group.spike = bm.Variable(bm.zeros(group.num, dtype=bool))
    group.refractory = bm.Variable(bm.zeros(group.num, dtype=bool))
    group.t_last_spike = bm.Variable(bm.ones(group.num) * -1e7)


class LIF(bp.NeuGroup):
    """Leaky integrate-and-fire neuron with an absolute refractory period.

    ``tau dV/dt = -(V - V_rest) + R I``; at V >= V_th: spike, V -> V_reset,
    held for ``t_ref``.  For a constant input with R I > V_th - V_rest the
    neuron fires periodically with the closed-form rate::

        f = 1 / (t_ref + tau ln((V_rest + R I - V_reset) / (V_rest + R I - V_th)))

    Parameters
    ----------
    V_rest, V_reset, V_th : mV.  R : MOhm.  tau, t_ref : ms.
    V_initial : initial V (mV), V_rest when not given.
    method : integration method (exponential Euler is exact for this
        linear equation at constant input).

    Variables: ``V``, ``input`` (nA), ``spike``, ``refractory``, ``t_last_spike``.
    """

    def __init__(self, size, V_rest=LIF_V_REST, V_reset=LIF_V_RESET, V_th=LIF_V_TH, R=LIF_R,
                 tau=LIF_TAU, t_ref=LIF_T_REF, V_initial=None, method="exponential_euler",
                 monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.V_rest, self.V_reset, self.V_th = V_rest, V_reset, V_th
        self.R, self.tau, self.t_ref = R, tau, t_ref
        _spike_state(self, V_rest if V_initial is None else V_initial)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, t, Iext):
        return (-(V - self.V_rest) + self.R * Iext) / self.tau

    def update(self, _t, _dt):
        elapsed = _t - self.t_last_spike
        refractory = bm.logical_and(elapsed > -0.5 * _dt, elapsed < self.t_ref - 0.5 * _dt)
        V = self.integral(self.V, _t, self.input, dt=_dt)
        V = bm.where(refractory, self.V, V)
        spike = V >= self.V_th
        self.spike[:] = spike
        self.t_last_spike[:] = bm.where(spike, _t + _dt, self.t_last_spike)
        self.refractory[:] = bm.logical_or(refractory, spike)
        self.V[:] = bm.where(spike, self.V_reset, V)
        self.input[:] = 0.


class QuaIF(bp.NeuGroup):
    """Quadratic integrate-and-fire neuron (Gerstner et al. 2014, ch. 5.3;
    P. E. Latham et al., J. Neurophysiol. 83 (2000) 808-827).

    ``tau dV/dt = a0 (V - V_rest)(V - V_c) + R I``: V_rest is the stable and
    V_c the unstable fixed point at I = 0; they merge in a saddle-node
    bifurcation at the rheobase ``R I = a0 (V_c - V_rest)^2 / 4``.  A spike is
    declared at ``V_th`` (the numerical peak), then V -> V_reset.

    Parameters: V_rest, V_reset, V_th, V_c (mV); a0 (1/mV); R (MOhm); tau,
    t_ref (ms); method.  Variables as ``LIF``.
    """

    def __init__(self, size, V_rest=NL_V_REST, V_reset=NL_V_RESET, V_th=NL_V_TH, V_c=QIF_V_C,
                 a0=QIF_A0, R=NL_R, tau=NL_TAU, t_ref=0.0, V_initial=None,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.V_rest, self.V_reset, self.V_th, self.V_c = V_rest, V_reset, V_th, V_c
        self.a0, self.R, self.tau, self.t_ref = a0, R, tau, t_ref
        _spike_state(self, V_rest if V_initial is None else V_initial)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, t, Iext):
        return (self.a0 * (V - self.V_rest) * (V - self.V_c) + self.R * Iext) / self.tau

    # the same threshold, reset and refractory rule as the LIF (see LIF.update)
    update = LIF.update


class ExpIF(bp.NeuGroup):
    """Exponential integrate-and-fire neuron (N. Fourcaud-Trocme et al.,
    J. Neurosci. 23 (2003) 11628-11640; Gerstner et al. 2014, ch. 5.2).

    ``tau dV/dt = -(V - V_rest) + Delta_T exp((V - V_T) / Delta_T) + R I``.
    The exponential term is the sodium current's activation; V_T is the soft
    threshold.  Rheobase (saddle-node at V = V_T): ``R I = V_T - V_rest - Delta_T``.

    Parameters: V_rest, V_reset, V_th (peak), V_T, delta_T (mV); R (MOhm);
    tau, t_ref (ms); method.  Variables as ``LIF``.
    """

    def __init__(self, size, V_rest=NL_V_REST, V_reset=NL_V_RESET, V_th=NL_V_TH, V_T=EIF_V_T,
                 delta_T=EIF_DELTA_T, R=NL_R, tau=NL_TAU, t_ref=0.0, V_initial=None,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.V_rest, self.V_reset, self.V_th = V_rest, V_reset, V_th
        self.V_T, self.delta_T = V_T, delta_T
        self.R, self.tau, self.t_ref = R, tau, t_ref
        _spike_state(self, V_rest if V_initial is None else V_initial)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, t, Iext):
        exp_term = self.delta_T * bm.exp((V - self.V_T) / self.delta_T)
        return (-(V - self.V_rest) + exp_term + self.R * Iext) / self.tau

    # the same threshold, reset and refractory rule as the LIF (see LIF.update)
    update = LIF.update


class AdExIF(bp.NeuGroup):
    """Adaptive exponential integrate-and-fire neuron (R. Brette, W. Gerstner,
    J. Neurophysiol. 94 (2005) 3637-3642; Gerstner et al. 2014, ch. 6.1).

    ``tau dV/dt = -(V - V_rest) + Delta_T exp((V - V_T)/Delta_T) - R w + R I``,
    ``tau_w dw/dt = a (V - V_rest) - w``; at a spike V -> V_reset, w -> w + b.
    The adaptation current w grows with every spike, so under a constant
    input the inter-spike intervals lengthen (spike-frequency adaptation).
    The defaults are the paper's fit to a pyramidal cell (its Table 1).

    Parameters: V_rest, V_reset, V_th (the cut-off), V_T, delta_T (mV); a
    (subthreshold adaptation, uS); b (nA); R (MOhm); tau, tau_w, t_ref (ms);
    method.
    Variables: those of ``LIF`` and ``w`` (nA).
    """

    def __init__(self, size, V_rest=ADEX_V_REST, V_reset=ADEX_V_RESET, V_th=ADEX_V_TH,
                 V_T=ADEX_V_T, delta_T=ADEX_DELTA_T, a=ADEX_A, b=ADEX_B, R=ADEX_R, tau=ADEX_TAU,
                 tau_w=ADEX_TAU_W, t_ref=0.0, V_initial=None, method="exponential_euler",
                 monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.V_rest, self.V_reset, self.V_th = V_rest, V_reset, V_th
        self.V_T, self.delta_T = V_T, delta_T
        self.a, self.b, self.tau_w = a, b, tau_w
        self.R, self.tau, self.t_ref = R, tau, t_ref
        _spike_state(self, V_rest if V_initial is None else V_initial)
        self.w = bm.Variable(bm.zeros(self.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, w, t, Iext):
        exp_term = self.delta_T * bm.exp((V - self.V_T) / self.delta_T)
        dVdt = (-(V - self.V_rest) + exp_term - self.R * w + self.R * Iext) / self.tau
        dwdt = (self.a * (V - self.V_rest) - w) / self.tau_w
        return dVdt, dwdt

    def update(self, _t, _dt):
        elapsed = _t - self.t_last_spike
        refractory = bm.logical_and(elapsed > -0.5 * _dt, elapsed < self.t_ref - 0.5 * _dt)
        V, w = self.integral(self.V, self.w, _t, self.input, dt=_dt)
        V = bm.where(refractory, self.V, V)
        spike = V >= self.V_th
        self.spike[:] = spike
        self.t_last_spike[:] = bm.where(spike, _t + _dt, self.t_last_spike)
        self.refractory[:] = bm.logical_or(refractory, spike)
        self.V[:] = bm.where(spike, self.V_reset, V)
        self.w[:] = bm.where(spike, w + self.b, w)
        self.input[:] = 0.


class GIF(bp.NeuGroup):
    """Generalized integrate-and-fire neuron of S. Mihalas and E. Niebur,
    Neural Comput. 21 (2009) 704-718::

        dI1/dt = -k1 I1,     dI2/dt = -k2 I2                (spike-induced currents)
        tau dV/dt = -(V - V_rest) + R (I1 + I2 + I)
        dV_th/dt = a (V - V_rest) - b (V_th - V_th_inf)     (adaptive threshold)

    At V >= V_th: I1 -> R1 I1 + A1, I2 -> R2 I2 + A2, V -> V_reset,
    V_th -> max(V_th_reset, V_th).  The defaults are the paper's tonic
    spiking set; other rows of its Table 2 (a, A1, A2, I) give adaptation,
    bursting, rebound spiking and more.  At a = 0, A1 = A2 = 0 the threshold
    stays at V_th_inf and the neuron fires with the LIF interval
    ``tau ln((R I + V_rest - V_reset) / (R I + V_rest - V_th_inf))``.

    Parameters: V_rest, V_reset, V_th_inf, V_th_reset (mV); R (MOhm,
    1 / G); tau (ms, C / G); a, b, k1, k2 (1/ms); R1, R2; A1, A2 (nA); method.
    Variables: ``V``, ``I1``, ``I2``, ``V_th``, ``input``, ``spike``,
    ``t_last_spike``.
    """

    def __init__(self, size, V_rest=GIF_V_REST, V_reset=GIF_V_RESET, V_th_inf=GIF_TH_INF,
                 V_th_reset=GIF_TH_RESET, R=GIF_R, tau=GIF_TAU, a=GIF_A, b=GIF_B, k1=GIF_K1,
                 k2=GIF_K2, R1=GIF_R1, R2=GIF_R2, A1=GIF_A1, A2=GIF_A2, V_initial=None,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.V_rest, self.V_reset = V_rest, V_reset
        self.V_th_inf, self.V_th_reset = V_th_inf, V_th_reset
        self.R, self.tau, self.a, self.b = R, tau, a, b
        self.k1, self.k2, self.R1, self.R2, self.A1, self.A2 = k1, k2, R1, R2, A1, A2

        self.V = bm.Variable(bm.ones(self.num) * (V_rest if V_initial is None else V_initial))
        self.I1 = bm.Variable(bm.zeros(self.num))
        self.I2 = bm.Variable(bm.zeros(self.num))
        self.V_th = bm.Variable(bm.ones(self.num) * V_th_inf)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, I1, I2, V_th, V, t, Iext):
        dI1dt = -self.k1 * I1
        dI2dt = -self.k2 * I2
        dVthdt = self.a * (V - self.V_rest) - self.b * (V_th - self.V_th_inf)
        dVdt = (-(V - self.V_rest) + self.R * (I1 + I2 + Iext)) / self.tau
        return dI1dt, dI2dt, dVthdt, dVdt

    def update(self, _t, _dt):
        I1, I2, V_th, V = self.integral(self.I1, self.I2, self.V_th, self.V, _t, self.input,
                                        dt=_dt)
        spike = V >= V_th
        self.spike[:] = spike
        self.t_last_spike[:] = bm.where(spike, _t + _dt, self.t_last_spike)
        self.I1[:] = bm.where(spike, self.R1 * I1 + self.A1, I1)
        self.I2[:] = bm.where(spike, self.R2 * I2 + self.A2, I2)
        self.V_th[:] = bm.where(spike, bm.maximum(self.V_th_reset, V_th), V_th)
        self.V[:] = bm.where(spike, self.V_reset, V)
        self.input[:] = 0.
