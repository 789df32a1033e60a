"""Receptor kinetics: AMPA, GABA_A, GABA_B and NMDA (with its Mg2+ block).

A spike arriving at a terminal releases transmitter: its concentration
[T] is ``T`` mM for ``T_duration`` ms, then 0 (the pulse approximation of
A. Destexhe, Z. F. Mainen, T. J. Sejnowski, Neural Comput. 6 (1994) 14-18;
"Kinetic models of synaptic transmission", in *Methods in Neuronal
Modeling*, 2nd ed. (1998), ch. 1).  Every synapse of one pre-synaptic neuron
sees the same pulse, so the receptor states are kept once per pre-synaptic
neuron; each post neuron then receives ``sum_s g_max,s * gate(pre(s))``.

AMPA, GABA_A (two-state receptors)::

    ds/dt = alpha [T] (1 - s) - beta s,       I = g_max s (E - V)

    During a pulse s relaxes to alpha T / (alpha T + beta) with rate
    alpha T + beta; afterwards it decays with rate beta.

GABA_B (G-protein cascade; A. Destexhe, T. J. Sejnowski, PNAS 92 (1995) 9515)::

    dR/dt = K1 [T] (1 - R) - K2 R,   dG/dt = K3 R - K4 G
    I = g_max G^4 / (G^4 + K_d) (E - V)

    The fourth power makes it respond to bursts far more than to single spikes.

NMDA (the second-order form of BrainPy's model zoo; Mg block of C. E. Jahr,
C. F. Stevens, J. Neurosci. 10 (1990) 3178-3182)::

    dx/dt = -x / tau_rise  (x -> x + 1 at a spike),   ds/dt = -s / tau_decay + a x (1 - s)
    I = g_max s B(V) (E - V),      B(V) = 1 / (1 + [Mg] / 3.57 exp(-0.062 V))

Units: mV, ms, mM (G in uM); g_max in the post neuron's conductance units.
"""
from __future__ import annotations

import braindyn as bp
import braindyn.math as bm

from . import delivery
from .delivery import DT_MIN
from .synapses import Synapse

MG_CONCENTRATION = 1.2      # mM: extracellular magnesium
MG_K = 3.57                 # mM: Jahr & Stevens' dissociation constant at 0 mV
MG_SLOPE = 0.062            # 1/mV: voltage dependence of the block


def mg_block(V, mg=MG_CONCENTRATION):
    """Fraction of NMDA channels not blocked by Mg2+ at V (mV): Jahr & Stevens (1990)."""
    return 1. / (1. + mg / MG_K * bm.exp(-MG_SLOPE * V))


class _ReceptorSynapse(Synapse):
    """A ``Synapse`` (see ``synapses.py``) with a transmitter pulse:
    ``self.transmitter(spike, _t, _dt)`` is [T] at each pre terminal this step
    (T while less than T_duration has passed since the last arrival).
    """

    def __init__(self, pre, post, conn, E, T, T_duration, delay, dt_min, monitors, name):
        super().__init__(pre, post, conn, delay, E, dt_min, monitors, name)
        self.T, self.T_duration = T, T_duration
        self.t_arrival = bm.Variable(bm.ones(pre.num) * -1e7)

    def transmitter(self, spike, _t, _dt):
        self.t_arrival[:] = bm.where(spike, _t, self.t_arrival)
        # half a step of slack: the pulse lasts round(T_duration / dt) steps; an
        # arrival later than _t is from an earlier run (runs restart at t = 0)
        elapsed = _t - self.t_arrival
        releasing = bm.logical_and(elapsed > -0.5 * _dt, elapsed < self.T_duration - 0.5 * _dt)
        return bm.where(releasing, self.T, 0.)


class AMPA(_ReceptorSynapse):
    """AMPA receptor synapse (two-state kinetics; defaults of Destexhe et al. 1998).

    Parameters
    ----------
    g_max : maximal conductance (one number or one per synapse).
    E : reversal potential (mV).
    alpha : binding rate (1/(mM ms)).  beta : unbinding rate (1/ms).
    T : transmitter concentration in a pulse (mM).  T_duration : ms.
    delay, dt_min : ms.  method : integration method.

    Variables: ``s`` (open fraction, one per pre neuron), ``t_arrival``.
    """

    def __init__(self, pre, post, conn, g_max=0.42, E=0.0, alpha=0.98, beta=0.18, T=0.5,
                 T_duration=0.5, delay=0.0, dt_min=DT_MIN, method="exponential_euler",
                 monitors=None, name=None):
        super().__init__(pre, post, conn, E, T, T_duration, delay, dt_min, monitors, name)
        self.g_max, self.alpha, self.beta = g_max, alpha, beta
        self.s = bm.Variable(bm.zeros(pre.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, s, t, TT):
        return self.alpha * TT * (1 - s) - self.beta * s

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        TT = self.transmitter(spike, _t, _dt)
        self.s[:] = self.integral(self.s, _t, TT, dt=_dt)
        g = delivery.pre2post_sum(self.s, self.pre_ids, self.post_ids, self.indptr, self.g_max,
                         self.post.num)
        self.output(g)


class GABAa(AMPA):
    """GABA_A receptor synapse: the AMPA kinetics with GABA_A's rates and
    reversal potential (Destexhe et al. 1998): alpha = 0.53 /(mM ms),
    beta = 0.18 /ms, E = -80 mV, pulses of 1 mM for 1 ms.
    """

    def __init__(self, pre, post, conn, g_max=0.04, E=-80.0, alpha=0.53, beta=0.18, T=1.0,
                 T_duration=1.0, delay=0.0, dt_min=DT_MIN, method="exponential_euler",
                 monitors=None, name=None):
        super().__init__(pre, post, conn, g_max=g_max, E=E, alpha=alpha, beta=beta, T=T,
                         T_duration=T_duration, delay=delay, dt_min=dt_min, method=method,
                         monitors=monitors, name=name)


class GABAb(_ReceptorSynapse):
    """GABA_B receptor synapse (Destexhe & Sejnowski 1995; rates of Destexhe et al. 1998).

    Parameters
    ----------
    g_max : maximal conductance.  E : reversal potential (mV, potassium).
    K1 (1/(mM ms)), K2, K3, K4 (1/ms) : receptor activation/deactivation,
        G-protein production/decay.
    K_d : dissociation constant of G on the K+ channels (uM^4).
    T, T_duration : the transmitter pulse (mM, ms).
    delay, dt_min, method : as for AMPA.

    Variables: ``R`` (activated receptors), ``G`` (G-protein, uM), one per
    pre neuron; ``t_arrival``.
    """

    def __init__(self, pre, post, conn, g_max=1.0, E=-95.0, K1=0.09, K2=0.0012, K3=0.18,
                 K4=0.034, K_d=100.0, T=0.5, T_duration=0.3, delay=0.0, dt_min=DT_MIN,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(pre, post, conn, E, T, T_duration, delay, dt_min, monitors, name)
        self.g_max = g_max
        self.K1, self.K2, self.K3, self.K4, self.K_d = K1, K2, K3, K4, K_d
        self.R = bm.Variable(bm.zeros(pre.num))
        self.G = bm.Variable(bm.zeros(pre.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, R, G, t, TT):
        dRdt = self.K1 * TT * (1 - R) - self.K2 * R
        dGdt = self.K3 * R - self.K4 * G
        return dRdt, dGdt

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        TT = self.transmitter(spike, _t, _dt)
        R, G = self.integral(self.R, self.G, _t, TT, dt=_dt)
        self.R[:] = R
        self.G[:] = G
        G4 = G ** 4
        g = delivery.pre2post_sum(G4 / (G4 + self.K_d), self.pre_ids, self.post_ids, self.indptr,
                         self.g_max, self.post.num)
        self.output(g)


class NMDA(Synapse):
    """NMDA receptor synapse with the Jahr-Stevens Mg2+ block (equations in the module docstring).

    Parameters
    ----------
    g_max : maximal conductance.  E : reversal potential (mV).
    tau_rise, tau_decay : ms.  a : binding rate (1/ms).
    mg : extracellular Mg2+ (mM).
    delay, dt_min, method : as for AMPA.

    Variables: ``x`` (glutamate drive), ``s`` (open fraction), one per pre neuron.
    """

    def __init__(self, pre, post, conn, g_max=0.15, E=0.0, tau_rise=2.0, tau_decay=100.0,
                 a=0.5, mg=MG_CONCENTRATION, delay=0.0, dt_min=DT_MIN,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(pre, post, conn, delay, E, dt_min, monitors, name)
        self.g_max, self.mg = g_max, mg
        self.tau_rise, self.tau_decay, self.a = tau_rise, tau_decay, a
        self.x = bm.Variable(bm.zeros(pre.num))
        self.s = bm.Variable(bm.zeros(pre.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, s, x, t):
        dsdt = -s / self.tau_decay + self.a * x * (1 - s)
        dxdt = -x / self.tau_rise
        return dsdt, dxdt

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        s, x = self.integral(self.s, self.x, _t, dt=_dt)
        self.s[:] = s
        self.x[:] = x + spike
        g = delivery.pre2post_sum(self.s, self.pre_ids, self.post_ids, self.indptr, self.g_max,
                         self.post.num)
        V = self.post.V
        self.post.input += g * mg_block(V, self.mg) * (self.E - V)
