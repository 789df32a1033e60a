"""Conductance-based point neurons: Hodgkin-Huxley and Morris-Lecar.

Hodgkin-Huxley (``HH``; A. L. Hodgkin, A. F. Huxley, J. Physiol. 117 (1952)
500-544; Gerstner et al., *Neuronal Dynamics* (2014), ch. 2.2)::

    C dV/dt = -gNa m^3 h (V - ENa) - gK n^4 (V - EK) - gL (V - EL) + I
    dx/dt   = alpha_x(V) (1 - x) - beta_x(V) x,          x in {m, h, n}

with the course slides' rate functions, parameters and initial state
(``hodgkin_huxley.py`` holds the derivative; this class reuses it).

Morris-Lecar (``MorrisLecar``; C. Morris, H. Lecar, Biophys. J. 35 (1981)
193-213; parameters of J. Rinzel, G. B. Ermentrout, "Analysis of neural
excitability and oscillations", in *Methods in Neuronal Modeling*, 2nd ed.
(1998), ch. 7, Hopf set)::

    C dV/dt = -gCa M_inf(V) (V - VCa) - gK W (V - VK) - gL (V - VL) + I
    dW/dt   = phi (W_inf(V) - W) / tau_W(V)
    M_inf = (1 + tanh((V - V1) / V2)) / 2,   W_inf = (1 + tanh((V - V3) / V4)) / 2
    tau_W = 1 / cosh((V - V3) / (2 V4))

Units: mV, ms, mS/cm^2, uA/cm^2, uF/cm^2.  A spike is an upward crossing
of ``V_th``; ``spike`` is True at the end of the step in which V crossed.
"""
from __future__ import annotations

import braindyn as bp
import braindyn.math as bm

from . import hodgkin_huxley as hh
from .hodgkin_huxley import hh_derivatives   # by name: compiled code calls it as a helper

# Morris-Lecar, Rinzel & Ermentrout (1998) Table 7.1, "Hopf" column
ML_V_CA, ML_G_CA = 120.0, 4.4     # mV, mS/cm^2: calcium reversal potential, conductance
ML_V_K, ML_G_K = -84.0, 8.0       # mV, mS/cm^2: potassium
ML_V_L, ML_G_L = -60.0, 2.0       # mV, mS/cm^2: leak
ML_C = 20.0                       # uF/cm^2: membrane capacitance
ML_V1, ML_V2 = -1.2, 18.0         # mV: half-activation and slope of M_inf (fast Ca gate)
ML_V3, ML_V4 = 2.0, 30.0          # mV: half-activation and slope of W_inf (K gate)
ML_PHI = 0.04                     # 1/ms: rate scale of the K gate
ML_V_TH = 10.0                    # mV: spike detection threshold


class HH(bp.NeuGroup):
    """The Hodgkin-Huxley neuron of the course slides (equations in the module docstring).

    Which HH this is (lesson 5, section 7, computes the numbers below):

    * Leak.  The slides use gL = 0.03 mS/cm^2.  Hodgkin & Huxley (1952), Dayan &
      Abbott (2001) and Gerstner et al. (2014) use gL = 0.3 mS/cm^2; EL = -54.387 mV
      is the 1952 leak reversal (10.613 mV above rest) shifted to a rest of -65 mV,
      chosen for gL = 0.3.  Pass ``gL=0.3`` for the textbook neuron.
    * Rest (where the steady-state currents cancel): -70.7 mV with gL = 0.03,
      -65.0 mV with gL = 0.3.
    * Repetitive firing (started at rest, spikes still coming after 200 ms) starts
      between 3.4 and 3.5 uA/cm^2 with gL = 0.03, at about 6.3 uA/cm^2 with gL = 0.3.
    * The initial state (-65 mV, m = 0.5, h = 0.6, n = 0.32) is not a rest (at
      -65 mV, m_inf = 0.05): every run starts with a spike at t = 0.14 ms, whatever
      the input.  Start from rest with ``V_initial`` and the gates' steady states
      x_inf = alpha_x / (alpha_x + beta_x) to avoid it.

    Parameters
    ----------
    size : number of neurons (or a shape).
    ENa, gNa, EK, gK, EL, gL : reversal potentials (mV) and maximal
        conductances (mS/cm^2) of the sodium, potassium and leak currents.
    C : membrane capacitance (uF/cm^2).
    V_th : spike detection threshold (mV), upward crossing.
    V_initial, m_initial, h_initial, n_initial : the initial state (the
        slides' -65 mV, 0.5, 0.6, 0.32).
    method : integration method of ``bp.odeint`` (exponential Euler is
        stable at dt = 0.05 ms; 'rk4' at dt = 0.01 ms matches the reference
        solution to 1e-3 ms in spike times).

    Variables: ``V``, ``m``, ``h``, ``n``, ``input`` (uA/cm^2, summed each step
    and reset after it), ``spike``, ``t_last_spike`` (ms).
    """

    def __init__(self, size, ENa=hh.ENa, gNa=hh.gNa, EK=hh.EK, gK=hh.gK, EL=hh.EL,
                 gL=hh.gL, C=hh.C, V_th=hh.V_TH, V_initial=hh.INITIAL_STATE[0],
                 m_initial=hh.INITIAL_STATE[1], h_initial=hh.INITIAL_STATE[2],
                 n_initial=hh.INITIAL_STATE[3], method="exponential_euler",
                 monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.ENa, self.gNa = ENa, gNa
        self.EK, self.gK = EK, gK
        self.EL, self.gL = EL, gL
        self.C, self.V_th = C, V_th

        self.V = bm.Variable(bm.ones(self.num) * V_initial)
        self.m = bm.Variable(bm.ones(self.num) * m_initial)
        self.h = bm.Variable(bm.ones(self.num) * h_initial)
        self.n = bm.Variable(bm.ones(self.num) * n_initial)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)

        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, m, h, n, t, Iext):
        return hh_derivatives(V, m, h, n, t, Iext, self.gNa, self.ENa, self.gK, self.EK,
                              self.gL, self.EL, self.C)

    def update(self, _t, _dt):
        V, m, h, n = self.integral(self.V, self.m, self.h, self.n, _t, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.V[:] = V
        self.m[:] = m
        self.h[:] = h
        self.n[:] = n
        self.input[:] = 0.


class MorrisLecar(bp.NeuGroup):
    """The Morris-Lecar neuron (equations in the module docstring).

    With the default ("Hopf") parameters the resting state near -60.9 mV
    loses stability in a subcritical Hopf bifurcation; repetitive firing
    starts at I of about 90-100 uA/cm^2 with a non-zero frequency (class II).

    Parameters
    ----------
    V_Ca, g_Ca, V_K, g_K, V_leak, g_leak : reversal potentials (mV) and
        conductances (mS/cm^2).
    C : capacitance (uF/cm^2).
    V1, V2, V3, V4 : half-activations and slopes (mV) of M_inf and W_inf.
    phi : rate scale of W (1/ms).
    V_th : spike detection threshold (mV).
    method : integration method.

    Variables: ``V``, ``W``, ``input`` (uA/cm^2), ``spike``, ``t_last_spike``.
    """

    def __init__(self, size, V_Ca=ML_V_CA, g_Ca=ML_G_CA, V_K=ML_V_K, g_K=ML_G_K,
                 V_leak=ML_V_L, g_leak=ML_G_L, C=ML_C, V1=ML_V1, V2=ML_V2, V3=ML_V3,
                 V4=ML_V4, phi=ML_PHI, V_th=ML_V_TH, V_initial=-60.9, W_initial=0.0149,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.V_Ca, self.g_Ca = V_Ca, g_Ca
        self.V_K, self.g_K = V_K, g_K
        self.V_leak, self.g_leak = V_leak, g_leak
        self.C = C
        self.V1, self.V2, self.V3, self.V4 = V1, V2, V3, V4
        self.phi, self.V_th = phi, V_th

        self.V = bm.Variable(bm.ones(self.num) * V_initial)
        self.W = bm.Variable(bm.ones(self.num) * W_initial)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)

        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, W, t, Iext):
        M_inf = 0.5 * (1. + bm.tanh((V - self.V1) / self.V2))
        I_Ca = self.g_Ca * M_inf * (V - self.V_Ca)
        I_K = self.g_K * W * (V - self.V_K)
        I_leak = self.g_leak * (V - self.V_leak)
        dVdt = (-I_Ca - I_K - I_leak + Iext) / self.C

        W_inf = 0.5 * (1. + bm.tanh((V - self.V3) / self.V4))
        tau_W = 1. / bm.cosh((V - self.V3) / (2. * self.V4))
        dWdt = self.phi * (W_inf - W) / tau_W
        return dVdt, dWdt

    def update(self, _t, _dt):
        V, W = self.integral(self.V, self.W, _t, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.V[:] = V
        self.W[:] = W
        self.input[:] = 0.
