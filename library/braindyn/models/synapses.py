"""Phenomenological synapses: exponential, dual-exponential, alpha and voltage-jump.

A spike of pre-synaptic neuron i reaches its synapses ``delay`` ms later
(``delivery.SpikeDelay``) and increments the conductance g of each
post-synaptic neuron j it contacts by the synapse's weight ``g_max``
(one number, or one value per synapse in the order of ``self.conn``).  The
kinetics are linear, so the conductances of all synapses onto one neuron add
up to one variable per post-synaptic neuron (what is stored here)::

    Exponential      dg/dt = -g / tau                                 g -> g + g_max
    DualExponential  dh/dt = -h / tau_rise,  dg/dt = -g / tau_decay + h,   h -> h + g_max A
    Alpha            DualExponential with tau_rise = tau_decay = tau
    VoltageJump      no conductance: V_post -> V_post + g_max at each arriving spike

For one spike at t = 0 (A. Roth, M. C. W. van Rossum, "Modeling synapses",
in *Computational Modeling Methods for Neuroscientists* (2009), ch. 6)::

    Exponential      g(t) = g_max exp(-t / tau)
    DualExponential  g(t) = g_max A tau_d tau_r / (tau_d - tau_r) (exp(-t/tau_d) - exp(-t/tau_r)),
                     peak at t* = tau_d tau_r / (tau_d - tau_r) ln(tau_d / tau_r);
                     A is chosen so that the peak value is g_max
    Alpha            g(t) = g_max (t / tau) exp(1 - t / tau), peak g_max at t = tau

Output to the post-synaptic neuron (its ``input`` Variable):

* ``E=None`` (current-based, "CUBA"): ``I = g``, so g is in the units of the
  neuron's input current (nA for the LIF family, uA/cm^2 for HH);
* ``E`` a number (conductance-based, "COBA"): ``I = g (E - V_post)``, E in mV
  and g in the matching conductance units (uS for nA and mV).

Time step: the synapses of a network update before its neurons, so a spike
flagged at the end of step k changes g at the start of step k + 1 (plus
round(delay / dt) steps), and the neurons integrate the new input in that
same step.
"""
from __future__ import annotations

import math

import braindyn as bp
import braindyn.math as bm

from . import delivery
from .delivery import DT_MIN, SpikeDelay

EXP_TAU = 8.0                 # ms: decay of the exponential synapse (BrainPy's default)
DUAL_TAU_RISE = 1.0           # ms
DUAL_TAU_DECAY = 10.0         # ms
ALPHA_TAU = 2.0               # ms


class Synapse(bp.TwoEndConn):
    """Base class of the synapses of this package: connection arrays, delay, output.

    Contract for a synapse model:

    1. call ``super().__init__(pre, post, conn, delay, E, dt_min, monitors, name)``;
       then ``self.pre_ids``, ``self.post_ids`` (one entry per synapse, sorted
       by pre neuron) and ``self.indptr`` (CSR pointers) describe the synapses;
    2. in ``update``, ``spike = self.delay_line.transmit(self.pre.spike, _dt)``
       gives the pre-synaptic spikes arriving now;
    3. ``delivery.pre2post_sum(values, self.pre_ids, self.post_ids, self.indptr, weight,
       self.post.num)`` sums a per-pre-neuron quantity over each post neuron's
       synapses;
    4. ``self.output(g)`` adds the current of conductance ``g`` (one value per
       post neuron) to ``post.input``: ``g`` itself when ``E`` is None,
       ``g (E - post.V)`` otherwise; ``self.deliver()`` does it for ``self.g``.
    ``delivery.pre2post_add(self.g, ...)`` adds the sums of 3. into ``self.g`` in
    place, as a hand-written event-driven loop does.
    """

    def __init__(self, pre, post, conn, delay=0.0, E=None, dt_min=DT_MIN, monitors=None,
                 name=None):
        super().__init__(pre, post, conn, delay=delay, monitors=monitors, name=name)
        self.pre_ids = self.conn.pre_ids
        self.post_ids = self.conn.post_ids
        self.indptr = self.conn.indptr
        self.delay_line = SpikeDelay(pre.num, delay, dt_min, name=f"{self.name}_delay")
        self.E = 0.0 if E is None else float(E)
        # the method that delivers the current, chosen once here (compiled code
        # calls the chosen one; no test at every step)
        self.output = self.current_output if E is None else self.conductance_output
        self.deliver = self.deliver_current if E is None else self.deliver_conductance

    def current_output(self, g):
        self.post.input += g

    def conductance_output(self, g):
        self.post.input += g * (self.E - self.post.V)

    # self.output(self.g) as methods that read only Variables of the post group's
    # length: compiled, each is one loop over the post neurons with no temporary
    # array (simulation/scalarize.py); for synapses that keep g as a Variable
    def deliver_current(self):
        self.post.input += self.g

    def deliver_conductance(self):
        self.post.input += self.g * (self.E - self.post.V)


class Exponential(Synapse):
    """Exponential synapse: g jumps by ``g_max`` at each arriving spike and decays with ``tau``.

    Parameters
    ----------
    pre, post, conn : the pre and post groups and a connector (``bp.connect``).
    g_max : weight, one number or an array with one value per synapse.
    tau : decay time constant (ms).
    E : reversal potential (mV) for a conductance-based synapse, None for a
        current-based one.
    delay : ms.  dt_min : smallest dt the delay buffer is built for (ms).
    method : integration method (exponential Euler is exact here).

    Variables: ``g`` (one per post neuron).
    """

    def __init__(self, pre, post, conn, g_max=1.0, tau=EXP_TAU, E=None, delay=0.0,
                 dt_min=DT_MIN, method="exponential_euler", monitors=None, name=None):
        super().__init__(pre, post, conn, delay, E, dt_min, monitors, name)
        self.g_max, self.tau = g_max, tau
        self.g = bm.Variable(bm.zeros(post.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, g_syn, t):     # ('g' is a name the integrators reserve)
        return -g_syn / self.tau

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        self.decay(_t, _dt)
        delivery.pre2post_add(self.g, spike, self.pre_ids, self.post_ids, self.indptr,
                              self.g_max)
        self.deliver()

    def decay(self, _t, _dt):
        """One step of dg/dt = -g / tau for every post neuron.  A method of its own
        reading only ``g``: compiled, it is a loop over the post neurons on numbers,
        with no temporary arrays (simulation/scalarize.py)."""
        self.g[:] = self.integral(self.g, _t, dt=_dt)


def dual_exponential_peak(tau_rise: float, tau_decay: float) -> tuple[float, float]:
    """(t_peak, peak value) of (exp(-t/tau_d) - exp(-t/tau_r)) tau_d tau_r / (tau_d - tau_r)."""
    if math.isclose(tau_rise, tau_decay):
        return tau_decay, tau_decay / math.e          # the alpha function t exp(-t / tau)
    factor = tau_decay * tau_rise / (tau_decay - tau_rise)
    t_peak = factor * math.log(tau_decay / tau_rise)
    return t_peak, factor * (math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise))


class DualExponential(Synapse):
    """Dual-exponential synapse: rise ``tau_rise``, decay ``tau_decay``, peak ``g_max``.

    Parameters: as ``Exponential``, with ``tau_rise`` and ``tau_decay`` (ms)
    instead of ``tau``.  Variables: ``h`` (the rising drive) and ``g``, one per
    post neuron.
    """

    def __init__(self, pre, post, conn, g_max=1.0, tau_rise=DUAL_TAU_RISE,
                 tau_decay=DUAL_TAU_DECAY, E=None, delay=0.0, dt_min=DT_MIN,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(pre, post, conn, delay, E, dt_min, monitors, name)
        self.g_max, self.tau_rise, self.tau_decay = g_max, tau_rise, tau_decay
        # A: the factor that makes one spike's peak equal to g_max
        self.A = 1.0 / dual_exponential_peak(tau_rise, tau_decay)[1]
        self.h = bm.Variable(bm.zeros(post.num))
        self.g = bm.Variable(bm.zeros(post.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, h, g_syn, t):
        dhdt = -h / self.tau_rise
        dgdt = -g_syn / self.tau_decay + h
        return dhdt, dgdt

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        self.decay(_t, _dt)
        delivery.pre2post_add(self.h, spike, self.pre_ids, self.post_ids, self.indptr,
                              self.A * self.g_max)
        self.deliver()

    def decay(self, _t, _dt):
        """One step of the kinetics of h and g for every post neuron (a loop on
        numbers when compiled, as Exponential.decay)."""
        h, g = self.integral(self.h, self.g, _t, dt=_dt)
        self.h[:] = h
        self.g[:] = g


class Alpha(DualExponential):
    """Alpha synapse: ``g(t) = g_max (t / tau) exp(1 - t / tau)`` after one spike.

    The dual-exponential synapse with equal rise and decay times; the peak
    ``g_max`` comes at ``t = tau``.  Parameters: as ``Exponential``.
    """

    def __init__(self, pre, post, conn, g_max=1.0, tau=ALPHA_TAU, E=None, delay=0.0,
                 dt_min=DT_MIN, method="exponential_euler", monitors=None, name=None):
        super().__init__(pre, post, conn, g_max=g_max, tau_rise=tau, tau_decay=tau, E=E,
                         delay=delay, dt_min=dt_min, method=method, monitors=monitors,
                         name=name)


class VoltageJump(Synapse):
    """Delta synapse: each arriving spike moves the post neuron's V by ``g_max`` mV.

    The jump is applied before the post neuron integrates its step (so a jump
    across threshold gives a spike in that step).  Parameters: pre, post,
    conn, g_max (mV, one number or one per synapse), delay, dt_min.
    """

    def __init__(self, pre, post, conn, g_max=1.0, delay=0.0, dt_min=DT_MIN, monitors=None,
                 name=None):
        super().__init__(pre, post, conn, delay, None, dt_min, monitors, name)
        self.g_max = g_max

    def update(self, _t, _dt):
        spike = self.delay_line.transmit(self.pre.spike, _dt)
        self.post.V += delivery.pre2post_sum(spike, self.pre_ids, self.post_ids, self.indptr,
                                    self.g_max, self.post.num)
