"""Short-term plasticity: the Tsodyks-Markram synapse.

M. Tsodyks, K. Pawelzik, H. Markram, Neural Comput. 10 (1998) 821-835;
in the form of G. Mongillo, O. Barak, M. Tsodyks, Science 319 (2008) 1543.
u is the release probability (utilisation), x the fraction of available
resources, both per pre-synaptic neuron::

    du/dt = -u / tau_f,           dx/dt = (1 - x) / tau_d
    at a spike:  u+ = u- + U (1 - u-)        (facilitation: calcium builds up)
                 efficacy = u+ x-            (what is released)
                 x+ = x- - u+ x-             (depression: resources are used)
    dg/dt = -g / tau,  g -> g + g_max * efficacy,   I_post = g

For a regular train with interval D the values just before spike n + 1
follow from those just after spike n (the test's analytical recurrence)::

    u-_{n+1} = u+_n exp(-D / tau_f),    x-_{n+1} = 1 - (1 - x+_n) exp(-D / tau_d)

``STP_FACILITATION`` (U = 0.15, tau_f = 1500 ms, tau_d = 200 ms) makes the
efficacy grow along a train; ``STP_DEPRESSION`` (U = 0.45, tau_f = 50 ms,
tau_d = 750 ms) makes it fall (Tsodyks et al. 1998; Markram et al., PNAS 95
(1998) 5323).
"""
from __future__ import annotations

import braindyn as bp
import braindyn.math as bm

from . import delivery
from .delivery import DT_MIN
from .synapses import Synapse

STP_FACILITATION = dict(U=0.15, tau_f=1500.0, tau_d=200.0)
STP_DEPRESSION = dict(U=0.45, tau_f=50.0, tau_d=750.0)


class STP(Synapse):
    """Tsodyks-Markram synapse with an exponential current (equations in the module docstring).

    Parameters
    ----------
    U : utilisation increment at a spike.
    tau_f, tau_d : facilitation and depression (recovery) time constants (ms).
    g_max : absolute efficacy (one number or one per synapse).
    tau : decay of the synaptic current or conductance (ms).
    E : None (current-based) or a reversal potential (mV).
    delay, dt_min, method : as for ``Exponential``.

    Variables: ``u``, ``x`` (one per pre neuron), ``g`` (one per post neuron).
    """

    def __init__(self, pre, post, conn, U=0.15, tau_f=1500.0, tau_d=200.0, g_max=1.0, tau=8.0,
                 E=None, delay=0.0, dt_min=DT_MIN, method="exponential_euler", monitors=None,
                 name=None):
        super().__init__(pre, post, conn, delay, E, dt_min, monitors, name)
        self.U, self.tau_f, self.tau_d = U, tau_f, tau_d
        self.g_max, self.tau = g_max, tau
        self.u = bm.Variable(bm.zeros(pre.num))
        self.x = bm.Variable(bm.ones(pre.num))
        self.g = bm.Variable(bm.zeros(post.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, u, x, g_syn, t):
        dudt = -u / self.tau_f
        dxdt = (1 - x) / self.tau_d
        dgdt = -g_syn / self.tau
        return dudt, dxdt, dgdt

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        u, x, g = self.integral(self.u, self.x, self.g, _t, dt=_dt)
        u = bm.where(spike, u + self.U * (1 - u), u)
        efficacy = bm.where(spike, u * x, 0.)
        self.u[:] = u
        self.x[:] = x - efficacy
        self.g[:] = g + delivery.pre2post_sum(efficacy, self.pre_ids, self.post_ids, self.indptr,
                                     self.g_max, self.post.num)
        self.output(self.g)
