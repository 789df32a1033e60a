"""Ion channels, composable into a conductance-based point neuron (``CondNeuGroup``).

A point neuron is a capacitor with ionic currents in parallel::

    C dV/dt = sum_k g_k (E_k - V) + I,       g_k = g_max,k * (gates of channel k)

so adding a channel is adding a term.  ``CondNeuGroup(size, channels=[...])``
does it in two half-steps per time step (the scheme of P. Dayan and
L. F. Abbott, *Theoretical Neuroscience* (2001), ch. 5.6, and of NEURON):

1. every channel advances its gates over dt at the present V (each gate obeys
   ``dx/dt = (x_inf(V) - x) / tau_x(V)``, linear in x, so exponential Euler
   is exact for it) and adds its conductance to ``g_sum`` and ``g_sum * E`` to
   ``gE_sum``;
2. with the conductances frozen, V obeys the linear equation
   ``C dV/dt = gE_sum - g_sum V + I`` and relaxes towards
   ``gE_sum / g_sum``; exponential Euler solves it exactly.

The result is first order in dt (the gates lag V by half a step).  Adding
an h-current to the Hodgkin-Huxley neuron is one more list entry::

    hh = CondNeuGroup(1, channels=[INa(), IK(), IL()])
    hh_h = CondNeuGroup(1, channels=[INa(), IK(), IL(), Ih()])

How it compiles: the channels are kept in a ``bp.Network`` (``self.channels``),
and ``self.channels.update(_t, _dt)`` calls each channel's ``update`` in the
order of the list (the compiled code writes these calls out one by one).  A
channel reads the neuron's V through ``self.host.V`` and adds to
``self.host.g_sum``; these are Variables of the neuron, so the compiled code
passes the same arrays to every channel.

Calcium: a Ca channel also adds its current to ``host.I_Ca``; the
``CalciumDecay`` mechanism (put it after the Ca channels in the list) turns
it into the intracellular concentration ``host.Ca`` (mM), which
Ca-dependent channels (``ICaN``) read.  ``E_Ca`` is a constant here (a
simplification: in cells it follows [Ca] by the Nernst equation).

Channels and sources (units: mV, ms, mS/cm^2, uA/cm^2, mM):
    INa, IK, IL  Hodgkin & Huxley (1952), the course slides' rates (``hodgkin_huxley.py``)
    ICaT  low-threshold T-type Ca current, J. R. Huguenard, D. A. McCormick,
          J. Neurophysiol. 68 (1992) 1373-1383
    ICaN  Ca-activated non-selective cation current, after R. Inoue,
          B. W. Strowbridge (2008), in the form of A. Destexhe et al. (1994)
    Ih    hyperpolarisation-activated cation current, Huguenard & McCormick (1992)
    CalciumDecay  A. Destexhe et al., J. Neurophysiol. 72 (1994) 803-818
"""
from __future__ import annotations


import numpy as np

import braindyn as bp
import braindyn.math as bm

from . import hodgkin_huxley as hh

CA_REST = 2.4e-4        # mM: resting intracellular calcium (Destexhe et al. 1994)
FARADAY = 96489.0       # C/mol
E_CA = 120.0            # mV: calcium reversal potential, held constant here
T_CELSIUS = 36.0        # temperature of the Ca channels' Q10 factors


class Channel(bp.DynamicalSystem):
    """Base class of the channels of a ``CondNeuGroup``.

    Contract for a new channel:

    1. ``__init__`` stores the parameters (numbers) and calls
       ``super().__init__(name=name)``;
    2. ``attach(self, host)`` calls ``super().attach(host)`` (which stores
       ``self.host`` and ``self.num``) and creates the
       gate Variables with one value per neuron (``host.num``), at their
       steady state for ``host.V`` when no initial value is given;
    3. ``update(self, _t, _dt)`` advances the gates at ``V = self.host.V`` and
       adds the channel's conductance to ``self.host.g_sum`` and conductance
       times reversal potential to ``self.host.gE_sum``.
    """

    def attach(self, host) -> None:
        self.host = host
        self.num = host.num   # one value per neuron: compiled code loops over neurons

    def update(self, _t, _dt):
        raise NotImplementedError


def _ones(host, value):
    return bm.Variable(bm.ones(host.num) * value)


class INa(Channel):
    """Hodgkin-Huxley sodium current ``g_max m^3 h (E - V)``.

    Parameters: g_max (mS/cm^2), E (mV), m_initial, h_initial (steady state
    at the neuron's initial V when None), method.
    """

    def __init__(self, g_max=hh.gNa, E=hh.ENa, m_initial=None, h_initial=None,
                 method="exponential_euler", name=None):
        super().__init__(name=name)
        self.g_max, self.E = g_max, E
        self.m_initial, self.h_initial = m_initial, h_initial
        self.integral = bp.odeint(self.derivative, method=method)

    def attach(self, host):
        super().attach(host)
        V = np.asarray(bm.as_numpy(host.V.value), dtype=float)
        am, bm_ = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)), 4.0 * np.exp(-(V + 65) / 18)
        ah, bh = 0.07 * np.exp(-(V + 65) / 20.), 1 / (1 + np.exp(-(V + 35) / 10))
        self.m = _ones(host, am / (am + bm_) if self.m_initial is None else self.m_initial)
        self.h = _ones(host, ah / (ah + bh) if self.h_initial is None else self.h_initial)

    def derivative(self, m, h, t, V):
        alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        beta = 4.0 * bm.exp(-(V + 65) / 18)
        dmdt = alpha * (1 - m) - beta * m
        alpha = 0.07 * bm.exp(-(V + 65) / 20.)
        beta = 1 / (1 + bm.exp(-(V + 35) / 10))
        dhdt = alpha * (1 - h) - beta * h
        return dmdt, dhdt

    def update(self, _t, _dt):
        V = self.host.V
        m, h = self.integral(self.m, self.h, _t, V, dt=_dt)
        self.m[:] = m
        self.h[:] = h
        g = self.g_max * m ** 3 * h
        self.host.g_sum += g
        self.host.gE_sum += g * self.E


class IK(Channel):
    """Hodgkin-Huxley delayed-rectifier potassium current ``g_max n^4 (E - V)``.

    Parameters: g_max (mS/cm^2), E (mV), n_initial, method.
    """

    def __init__(self, g_max=hh.gK, E=hh.EK, n_initial=None, method="exponential_euler",
                 name=None):
        super().__init__(name=name)
        self.g_max, self.E, self.n_initial = g_max, E, n_initial
        self.integral = bp.odeint(self.derivative, method=method)

    def attach(self, host):
        super().attach(host)
        V = np.asarray(bm.as_numpy(host.V.value), dtype=float)
        an, bn = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10)), 0.125 * np.exp(-(V + 65) / 80)
        self.n = _ones(host, an / (an + bn) if self.n_initial is None else self.n_initial)

    def derivative(self, n, t, V):
        alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        beta = 0.125 * bm.exp(-(V + 65) / 80)
        return alpha * (1 - n) - beta * n

    def update(self, _t, _dt):
        V = self.host.V
        n = self.integral(self.n, _t, V, dt=_dt)
        self.n[:] = n
        g = self.g_max * n ** 4
        self.host.g_sum += g
        self.host.gE_sum += g * self.E


class IL(Channel):
    """Leak current ``g_max (E - V)`` (no gates).  Parameters: g_max (mS/cm^2), E (mV)."""

    def __init__(self, g_max=hh.gL, E=hh.EL, name=None):
        super().__init__(name=name)
        self.g_max, self.E = g_max, E

    def update(self, _t, _dt):
        self.host.g_sum += self.g_max
        self.host.gE_sum += self.g_max * self.E


class Ih(Channel):
    """Hyperpolarisation-activated cation current ``g_max p (E - V)``
    (Huguenard & McCormick 1992)::

        dp/dt = (p_inf - p) / tau_p,   p_inf = 1 / (1 + exp((V + 75) / 5.5))
        tau_p = 1 / (exp(-0.086 V - 14.59) + exp(0.0701 V - 1.87))

    It opens when the cell is hyperpolarised and, reversing at -43 mV,
    depolarises it: it raises the resting potential and shortens the
    response to hyperpolarising input ("sag").

    Parameters: g_max (mS/cm^2; an illustrative default, thalamic cells have
    0.01-0.1), E (mV), p_initial, method.
    """

    def __init__(self, g_max=0.1, E=-43.0, p_initial=None, method="exponential_euler",
                 name=None):
        super().__init__(name=name)
        self.g_max, self.E, self.p_initial = g_max, E, p_initial
        self.integral = bp.odeint(self.derivative, method=method)

    def attach(self, host):
        super().attach(host)
        V = np.asarray(bm.as_numpy(host.V.value), dtype=float)
        self.p = _ones(host, 1. / (1. + np.exp((V + 75.) / 5.5))
                       if self.p_initial is None else self.p_initial)

    def derivative(self, p, t, V):
        p_inf = 1. / (1. + bm.exp((V + 75.) / 5.5))
        tau_p = 1. / (bm.exp(-0.086 * V - 14.59) + bm.exp(0.0701 * V - 1.87))
        return (p_inf - p) / tau_p

    def update(self, _t, _dt):
        V = self.host.V
        p = self.integral(self.p, _t, V, dt=_dt)
        self.p[:] = p
        g = self.g_max * p
        self.host.g_sum += g
        self.host.gE_sum += g * self.E


class ICaT(Channel):
    """Low-threshold T-type calcium current ``g_max p^2 q (E_Ca - V)``
    (Huguenard & McCormick 1992)::

        dp/dt = phi_p (p_inf - p) / tau_p,   dq/dt = phi_q (q_inf - q) / tau_q
        p_inf = 1 / (1 + exp(-(V + 59 - V_sh) / 6.2))
        tau_p = 0.612 + 1 / (exp(-(V + 132 - V_sh) / 16.7) + exp((V + 16.8 - V_sh) / 18.2))
        q_inf = 1 / (1 + exp((V + 83 - V_sh) / 4))
        tau_q = exp((V + 467 - V_sh) / 66.6)            if V < -80 + V_sh
                exp(-(V + 22 - V_sh) / 10.5) + 28       otherwise
        phi_p = 3.55^((T - 24) / 10),  phi_q = 3^((T - 24) / 10)

    It is de-inactivated (q -> 1) by hyperpolarisation and then gives the
    low-threshold spike behind rebound bursts.  Its current also goes to
    ``host.I_Ca`` (membrane convention: negative = inward).

    Parameters: g_max (mS/cm^2), E (mV), V_sh (mV, shift of the rate
    functions), T (Celsius), p_initial, q_initial, method.
    """

    def __init__(self, g_max=2.0, E=E_CA, V_sh=-3.0, T=T_CELSIUS, p_initial=None,
                 q_initial=None, method="exponential_euler", name=None):
        super().__init__(name=name)
        self.g_max, self.E, self.V_sh = g_max, E, V_sh
        self.phi_p = 3.55 ** ((T - 24.) / 10.)
        self.phi_q = 3.0 ** ((T - 24.) / 10.)
        self.p_initial, self.q_initial = p_initial, q_initial
        self.integral = bp.odeint(self.derivative, method=method)

    def attach(self, host):
        super().attach(host)
        V = np.asarray(bm.as_numpy(host.V.value), dtype=float)
        p_inf = 1. / (1. + np.exp(-(V + 59. - self.V_sh) / 6.2))
        q_inf = 1. / (1. + np.exp((V + 83. - self.V_sh) / 4.))
        self.p = _ones(host, p_inf if self.p_initial is None else self.p_initial)
        self.q = _ones(host, q_inf if self.q_initial is None else self.q_initial)

    def derivative(self, p, q, t, V):
        p_inf = 1. / (1. + bm.exp(-(V + 59. - self.V_sh) / 6.2))
        tau_p = 0.612 + 1. / (bm.exp(-(V + 132. - self.V_sh) / 16.7) +
                              bm.exp((V + 16.8 - self.V_sh) / 18.2))
        q_inf = 1. / (1. + bm.exp((V + 83. - self.V_sh) / 4.))
        tau_q = bm.where(V < -80. + self.V_sh,
                         bm.exp((V + 467. - self.V_sh) / 66.6),
                         bm.exp(-(V + 22. - self.V_sh) / 10.5) + 28.)
        dpdt = self.phi_p * (p_inf - p) / tau_p
        dqdt = self.phi_q * (q_inf - q) / tau_q
        return dpdt, dqdt

    def update(self, _t, _dt):
        V = self.host.V
        p, q = self.integral(self.p, self.q, _t, V, dt=_dt)
        self.p[:] = p
        self.q[:] = q
        g = self.g_max * p * p * q
        self.host.g_sum += g
        self.host.gE_sum += g * self.E
        self.host.I_Ca += g * (V - self.E)


class ICaN(Channel):
    """Calcium-activated non-selective cation current ``g_max M([Ca]) p (E - V)``::

        M = [Ca] / ([Ca] + K_Ca),     dp/dt = phi (p_inf - p) / tau_p
        p_inf = 1 / (1 + exp(-(V + 43) / 5.2))
        tau_p = 2.7 / (exp(-(V + 55) / 15) + exp((V + 55) / 15)) + 1.6

    [Ca] is the neuron's ``Ca`` Variable (kept by ``CalciumDecay``).

    Parameters: g_max (mS/cm^2), E (mV), K_Ca (mM, half-activation), phi
    (temperature factor), p_initial, method.
    """

    def __init__(self, g_max=1.0, E=10.0, K_Ca=0.2, phi=1.0, p_initial=None,
                 method="exponential_euler", name=None):
        super().__init__(name=name)
        self.g_max, self.E, self.K_Ca, self.phi = g_max, E, K_Ca, phi
        self.p_initial = p_initial
        self.integral = bp.odeint(self.derivative, method=method)

    def attach(self, host):
        super().attach(host)
        V = np.asarray(bm.as_numpy(host.V.value), dtype=float)
        self.p = _ones(host, 1. / (1. + np.exp(-(V + 43.) / 5.2))
                       if self.p_initial is None else self.p_initial)

    def derivative(self, p, t, V):
        p_inf = 1. / (1. + bm.exp(-(V + 43.) / 5.2))
        tau_p = 2.7 / (bm.exp(-(V + 55.) / 15.) + bm.exp((V + 55.) / 15.)) + 1.6
        return self.phi * (p_inf - p) / tau_p

    def update(self, _t, _dt):
        V = self.host.V
        p = self.integral(self.p, _t, V, dt=_dt)
        self.p[:] = p
        Ca = self.host.Ca
        g = self.g_max * Ca / (Ca + self.K_Ca) * p
        self.host.g_sum += g
        self.host.gE_sum += g * self.E


class CalciumDecay(Channel):
    """Intracellular calcium in a shell below the membrane (Destexhe et al. 1994)::

        d[Ca]/dt = max(-10 I_Ca / (2 F d), 0) + (Ca_rest - [Ca]) / tau

    I_Ca (uA/cm^2, negative = inward) is what the Ca channels before this one
    in the list added this step; the factor 10 / (2 F d) turns it into mM/ms
    for a shell of depth d (um).  Only inward current fills the shell; the
    pump is the relaxation to Ca_rest.

    Parameters: d (um), tau (ms), Ca_rest (mM), method.
    """

    def __init__(self, d=1.0, tau=5.0, Ca_rest=CA_REST, method="exponential_euler", name=None):
        super().__init__(name=name)
        self.d, self.tau, self.Ca_rest = d, tau, Ca_rest
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, Ca, t, I_Ca):
        influx = bm.maximum(-10. * I_Ca / (2. * FARADAY * self.d), 0.)
        return influx + (self.Ca_rest - Ca) / self.tau

    def update(self, _t, _dt):
        self.host.Ca[:] = self.integral(self.host.Ca, _t, self.host.I_Ca, dt=_dt)


class CondNeuGroup(bp.NeuGroup):
    """A conductance-based point neuron made of the given channels (see the module docstring).

    Parameters
    ----------
    size : number of neurons.
    channels : list of channel objects (``INa()``, ``IK()``, ...), each used
        by one group only; they are updated in this order.
    C : membrane capacitance (uF/cm^2).
    V_th : spike detection threshold (mV), upward crossing.
    V_initial : initial membrane potential (mV); gates without an initial
        value start at their steady state for it.
    method : integration method of V (given the frozen conductances).

    Variables: ``V``, ``input`` (uA/cm^2), ``spike``, ``t_last_spike``,
    ``g_sum`` and ``gE_sum`` (the channels' total conductance and its
    reversal-weighted sum, this step), ``I_Ca`` (uA/cm^2) and ``Ca`` (mM).
    The channels are ``self.channels`` (a ``bp.Network``; ``hh.channels.members``).
    """

    def __init__(self, size, channels, C=hh.C, V_th=hh.V_TH, V_initial=hh.INITIAL_STATE[0],
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.C, self.V_th = C, V_th
        self.V = bm.Variable(bm.ones(self.num) * V_initial)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.g_sum = bm.Variable(bm.zeros(self.num))
        self.gE_sum = bm.Variable(bm.zeros(self.num))
        self.I_Ca = bm.Variable(bm.zeros(self.num))
        self.Ca = bm.Variable(bm.ones(self.num) * CA_REST)
        for channel in channels:
            if getattr(channel, "host", None) is not None:
                raise ValueError(f"{channel.name} already belongs to {channel.host.name}; "
                                 f"make a new channel object for each neuron group")
            channel.attach(self)
        self.channels = bp.Network(*channels, name=f"{self.name}_channels")
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, t, g_sum, gE_sum, Iext):
        return (gE_sum - g_sum * V + Iext) / self.C

    def update(self, _t, _dt):
        # 1. the channels advance their gates and add up their conductances
        self.g_sum[:] = 0.
        self.gE_sum[:] = 0.
        self.I_Ca[:] = 0.
        self.channels.update(_t, _dt)
        # 2. V relaxes towards gE_sum / g_sum with the conductances frozen
        V = self.integral(self.V, _t, self.g_sum, self.gE_sum, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.V[:] = V
        self.input[:] = 0.
