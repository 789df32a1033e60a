"""The Pinsky-Rinzel neuron: a CA3 pyramidal cell reduced to two compartments.

P. F. Pinsky, J. Rinzel, "Intrinsic and network rhythmogenesis in a reduced
Traub model for CA3 neurons", J. Comput. Neurosci. 1 (1994) 39-60 (erratum
2 (1995) 275).  Traub's 19-compartment cell reduced to a soma, with the fast
sodium and delayed-rectifier currents that make spikes, and a dendrite,
with a calcium current and two calcium-activated potassium currents, joined
by a coupling conductance gc (p: the soma's fraction of the membrane area)::

    Cm dVs/dt = -I_L(Vs) - I_Na(Vs, h) - I_KDR(Vs, n) + (gc / p) (Vd - Vs) + Is / p
    Cm dVd/dt = -I_L(Vd) - I_Ca(Vd, s) - I_KAHP(Vd, q) - I_KC(Vd, c, Ca)
                + (gc / (1 - p)) (Vs - Vd) + Id / (1 - p)
    dCa/dt    = -0.13 I_Ca - 0.075 Ca
    dx/dt     = alpha_x (1 - x) - beta_x x           x in {h, n} (at Vs), {s, c} (at Vd), q (at Ca)

    I_L = gL (V - VL)                  I_Na  = gNa m_inf(Vs)^2 h (Vs - VNa),  m_inf = a_m / (a_m + b_m)
    I_KDR = gKDR n (Vs - VK)           I_Ca  = gCa s^2 (Vd - VCa)
    I_KAHP = gKAHP q (Vd - VK)         I_KC  = gKC c min(Ca / 250, 1) (Vd - VK)

with the rate functions of the paper's eq. 6 (and the erratum's alpha_c,
beta_c) in the code below.  Voltages are measured **from rest**, as in the
paper (0 mV here is about -60 mV): VNa = 120, VCa = 140, VK = -15, VL = 0.
Is and Id are the currents injected into soma and dendrite (uA/cm^2 of the
whole cell, hence the division by p and 1 - p).

The currents of the coupling are equal and opposite: the soma gains
gc (Vd - Vs) per unit of the whole cell's area, the dendrite loses it, so

    p Cm dVs/dt + (1 - p) Cm dVd/dt = -p I_ion,s - (1 - p) I_ion,d + Is + Id

(charge balance of the whole cell; gc drops out).

The paper's result (its Fig. 4 and 6): with the default gc = 2.1 mS/cm^2 a
steady somatic current (Is of 0.75 to 1.5 uA/cm^2) gives bursts -- a
dendritic calcium spike holds the soma depolarised for several sodium
spikes, until I_KC and the slow I_KAHP end it -- while with strong coupling
(gc above about 10 mS/cm^2) the two compartments move together like one and
the cell fires single spikes.

Units: mV (from rest), ms, mS/cm^2, uA/cm^2, uF/cm^2; Ca in arbitrary units
(the paper's).  A spike is an upward crossing of ``V_th`` by Vs.
"""
from __future__ import annotations

import braindyn as bp
import braindyn.math as bm

# Pinsky & Rinzel (1994), parameters of their Fig. 2-4
PR_G_L, PR_G_NA, PR_G_KDR = 0.1, 30.0, 15.0       # mS/cm^2: leak, fast Na, delayed rectifier
PR_G_CA, PR_G_KAHP, PR_G_KC = 10.0, 0.8, 15.0     # mS/cm^2: Ca, K-AHP, K-C
PR_V_NA, PR_V_CA, PR_V_K, PR_V_L = 120.0, 140.0, -15.0, 0.0   # mV, from rest
PR_C = 3.0                                        # uF/cm^2
PR_GC = 2.1                                       # mS/cm^2: soma-dendrite coupling
PR_P = 0.5                                        # soma's fraction of the membrane area
PR_V_TH = 40.0      # mV from rest: spike detection on Vs (between the spikes of a burst
                    # the soma stays above 20 mV; the spikes peak near 80 mV)
# the paper's initial state: Vs, Vd, h, n, s, c, q, Ca, near the rest under Is = -0.5
# uA/cm^2 (with Is = 0 the sodium window current makes the cell fire slowly)
PR_INITIAL = (-4.6, -4.5, 0.999, 0.001, 0.009, 0.007, 0.01, 0.2)


def pr_rates(Vs, Vd, Ca):
    """The rate functions of Pinsky & Rinzel (1994), eq. 6 with the erratum (1/ms).

    Returns m_inf(Vs) and (alpha, beta) of h, n (at Vs), s, c (at Vd) and q (at Ca).
    """
    a_m = 0.32 * (13.1 - Vs) / (bm.exp((13.1 - Vs) / 4.) - 1.)
    b_m = 0.28 * (Vs - 40.1) / (bm.exp((Vs - 40.1) / 5.) - 1.)
    m_inf = a_m / (a_m + b_m)
    a_h = 0.128 * bm.exp((17. - Vs) / 18.)
    b_h = 4. / (1. + bm.exp((40. - Vs) / 5.))
    a_n = 0.016 * (35.1 - Vs) / (bm.exp((35.1 - Vs) / 5.) - 1.)
    b_n = 0.25 * bm.exp(0.5 - 0.025 * Vs)
    a_s = 1.6 / (1. + bm.exp(-0.072 * (Vd - 65.)))
    b_s = 0.02 * (Vd - 51.1) / (bm.exp((Vd - 51.1) / 5.) - 1.)
    # alpha_c, beta_c: two branches at Vd = 50 mV (the erratum's form)
    a_c_low = bm.exp((Vd - 10.) / 11. - (Vd - 6.5) / 27.) / 18.975
    a_c_high = 2. * bm.exp((6.5 - Vd) / 27.)
    a_c = bm.where(Vd <= 50., a_c_low, a_c_high)
    b_c = bm.where(Vd <= 50., a_c_high - a_c_low, 0.)
    a_q = bm.minimum(0.00002 * Ca, 0.01)
    b_q = 0.001 + 0. * Ca
    return m_inf, a_h, b_h, a_n, b_n, a_s, b_s, a_c, b_c, a_q, b_q


class PinskyRinzel(bp.NeuGroup):
    """The two-compartment Pinsky-Rinzel neuron (equations in the module docstring).

    Parameters
    ----------
    size : number of neurons (or a shape).
    gc : soma-dendrite coupling conductance (mS/cm^2); 2.1 bursts, >= 10 spikes singly.
    p : the soma's fraction of the membrane area (0 < p < 1).
    g_L, g_Na, g_KDR, g_Ca, g_KAHP, g_KC : maximal conductances (mS/cm^2).
    V_Na, V_Ca, V_K, V_L : reversal potentials (mV from rest).
    C : membrane capacitance (uF/cm^2).
    V_th : spike detection threshold on Vs (mV from rest).
    initial : (Vs, Vd, h, n, s, c, q, Ca) at t = 0 (the paper's rest).
    method : integration method; 'rk4' (default) at dt = 0.025 ms gives the spike times
        of dt = 0.005 ms to 0.01 ms over 300 ms.  Exponential Euler is first order here
        (the compartments are coupled): at dt = 0.02 ms spike times are off by up to
        25 ms after 250 ms of single spikes.

    Variables: ``V`` (the soma's Vs, which synapses and gap junctions read), ``Vd``,
    ``h``, ``n``, ``s``, ``c``, ``q``, ``Ca``; ``input`` (Is, injected
    into the soma) and ``input_d`` (Id, into the dendrite), in uA/cm^2, summed each step
    and reset after it; ``spike``, ``t_last_spike`` (ms).
    """

    def __init__(self, size, gc=PR_GC, p=PR_P, g_L=PR_G_L, g_Na=PR_G_NA, g_KDR=PR_G_KDR,
                 g_Ca=PR_G_CA, g_KAHP=PR_G_KAHP, g_KC=PR_G_KC, V_Na=PR_V_NA, V_Ca=PR_V_CA,
                 V_K=PR_V_K, V_L=PR_V_L, C=PR_C, V_th=PR_V_TH, initial=PR_INITIAL,
                 method="rk4", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        if not 0.0 < p < 1.0:
            raise ValueError(f"p is the soma's fraction of the membrane area, 0 < p < 1; "
                             f"got {p!r}")
        self.gc, self.p = gc, p
        self.g_L, self.g_Na, self.g_KDR = g_L, g_Na, g_KDR
        self.g_Ca, self.g_KAHP, self.g_KC = g_Ca, g_KAHP, g_KC
        self.V_Na, self.V_Ca, self.V_K, self.V_L = V_Na, V_Ca, V_K, V_L
        self.C, self.V_th = C, V_th

        Vs0, Vd0, h0, n0, s0, c0, q0, Ca0 = (float(x) for x in initial)
        self.V = bm.Variable(bm.ones(self.num) * Vs0)      # the soma's Vs
        self.Vd = bm.Variable(bm.ones(self.num) * Vd0)
        self.h = bm.Variable(bm.ones(self.num) * h0)
        self.n = bm.Variable(bm.ones(self.num) * n0)
        self.s = bm.Variable(bm.ones(self.num) * s0)
        self.c = bm.Variable(bm.ones(self.num) * c0)
        self.q = bm.Variable(bm.ones(self.num) * q0)
        self.Ca = bm.Variable(bm.ones(self.num) * Ca0)
        self.input = bm.Variable(bm.zeros(self.num))
        self.input_d = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)

        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, Vs, Vd, h, n, s, c, q, Ca, t, Is, Id):
        m_inf, a_h, b_h, a_n, b_n, a_s, b_s, a_c, b_c, a_q, b_q = pr_rates(Vs, Vd, Ca)
        # soma
        I_L_s = self.g_L * (Vs - self.V_L)
        I_Na = self.g_Na * m_inf * m_inf * h * (Vs - self.V_Na)
        I_KDR = self.g_KDR * n * (Vs - self.V_K)
        # dendrite
        I_L_d = self.g_L * (Vd - self.V_L)
        I_Ca = self.g_Ca * s * s * (Vd - self.V_Ca)
        I_KAHP = self.g_KAHP * q * (Vd - self.V_K)
        I_KC = self.g_KC * c * bm.minimum(Ca / 250., 1.) * (Vd - self.V_K)
        # the coupling current, per unit area of the whole cell
        I_c = self.gc * (Vd - Vs)

        dVs = (-I_L_s - I_Na - I_KDR + (I_c + Is) / self.p) / self.C
        dVd = (-I_L_d - I_Ca - I_KAHP - I_KC + (Id - I_c) / (1. - self.p)) / self.C
        dh = a_h * (1. - h) - b_h * h
        dn = a_n * (1. - n) - b_n * n
        ds = a_s * (1. - s) - b_s * s
        dc = a_c * (1. - c) - b_c * c
        dq = a_q * (1. - q) - b_q * q
        dCa = -0.13 * I_Ca - 0.075 * Ca
        return dVs, dVd, dh, dn, ds, dc, dq, dCa

    def update(self, _t, _dt):
        Vs, Vd, h, n, s, c, q, Ca = self.integral(
            self.V, self.Vd, self.h, self.n, self.s, self.c, self.q, self.Ca, _t,
            self.input, self.input_d, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < self.V_th, Vs >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.V[:] = Vs
        self.Vd[:] = Vd
        self.h[:] = h
        self.n[:] = n
        self.s[:] = s
        self.c[:] = c
        self.q[:] = q
        self.Ca[:] = Ca
        self.input[:] = 0.
        self.input_d[:] = 0.
