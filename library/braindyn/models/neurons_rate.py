"""Rate models: the Wilson-Cowan E-I population model and a linear rate unit.

Wilson-Cowan (``WilsonCowan``; H. R. Wilson, J. D. Cowan, Biophys. J. 12
(1972) 1-24; Gerstner et al., *Neuronal Dynamics* (2014), ch. 15.3).  E and I
are the fractions of active excitatory and inhibitory cells of one local
population::

    tau_E dE/dt = -E + (k_E - r_E E) S_E(c1 E - c2 I + P)
    tau_I dI/dt = -I + (k_I - r_I I) S_I(c3 E - c4 I + Q)
    S(x) = 1 / (1 + exp(-a (x - theta))) - 1 / (1 + exp(a theta))

S is shifted so that S(0) = 0; k = 1 - 1 / (1 + exp(a theta)) is its
maximum.  With the paper's limit-cycle parameters (its Fig. 9: c1 = 16,
c2 = 12, c3 = 15, c4 = 3, a_E = 1.3, theta_E = 4, a_I = 2, theta_I = 3.7,
r = 1) a constant drive P = 1.25 gives sustained E-I oscillations, while
P = 0 leaves the population at rest (E = I = 0).  Time is in units of
tau (1 ms here).

Linear rate unit (``LinearRate``): ``r = input``, each step.  The
post-synaptic cell of the rate-based learning rules (``learning.py``), and a
way to feed a rate pattern into a network.
"""
from __future__ import annotations

import math

import braindyn as bp
import braindyn.math as bm

WC_C1, WC_C2, WC_C3, WC_C4 = 16.0, 12.0, 15.0, 3.0   # coupling strengths E->E, I->E, E->I, I->I
WC_A_E, WC_THETA_E = 1.3, 4.0     # slope and threshold of S_E
WC_A_I, WC_THETA_I = 2.0, 3.7     # slope and threshold of S_I
WC_R_E, WC_R_I = 1.0, 1.0         # refractoriness
WC_TAU_E, WC_TAU_I = 1.0, 1.0     # ms


class WilsonCowan(bp.NeuGroup):
    """The Wilson-Cowan model; each of ``size`` units is one E-I population pair.

    Parameters
    ----------
    c1, c2, c3, c4 : couplings E->E, I->E, E->I, I->I.
    a_E, theta_E, a_I, theta_I : slopes and thresholds of the sigmoids.
    r_E, r_I : refractory factors.  tau_E, tau_I : time constants (ms).
    E_initial, I_initial : initial activities.
    method : integration method.

    Variables: ``E``, ``I``, ``input`` (the drive P of E), ``input_I`` (the
    drive Q of I); both inputs are reset after each step.
    """

    def __init__(self, size, c1=WC_C1, c2=WC_C2, c3=WC_C3, c4=WC_C4, a_E=WC_A_E,
                 theta_E=WC_THETA_E, a_I=WC_A_I, theta_I=WC_THETA_I, r_E=WC_R_E, r_I=WC_R_I,
                 tau_E=WC_TAU_E, tau_I=WC_TAU_I, E_initial=0.0, I_initial=0.0, method="rk4",
                 monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.c1, self.c2, self.c3, self.c4 = c1, c2, c3, c4
        self.a_E, self.theta_E, self.a_I, self.theta_I = a_E, theta_E, a_I, theta_I
        self.r_E, self.r_I, self.tau_E, self.tau_I = r_E, r_I, tau_E, tau_I
        self.k_E = 1. - 1. / (1. + math.exp(a_E * theta_E))   # the maximum of S_E
        self.k_I = 1. - 1. / (1. + math.exp(a_I * theta_I))
        self.E = bm.Variable(bm.ones(self.num) * E_initial)
        self.I = bm.Variable(bm.ones(self.num) * I_initial)
        self.input = bm.Variable(bm.zeros(self.num))
        self.input_I = bm.Variable(bm.zeros(self.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, E, I, t, P, Q):
        x_E = self.c1 * E - self.c2 * I + P
        S_E = 1. / (1. + bm.exp(-self.a_E * (x_E - self.theta_E))) - \
            1. / (1. + bm.exp(self.a_E * self.theta_E))
        x_I = self.c3 * E - self.c4 * I + Q
        S_I = 1. / (1. + bm.exp(-self.a_I * (x_I - self.theta_I))) - \
            1. / (1. + bm.exp(self.a_I * self.theta_I))
        dEdt = (-E + (self.k_E - self.r_E * E) * S_E) / self.tau_E
        dIdt = (-I + (self.k_I - self.r_I * I) * S_I) / self.tau_I
        return dEdt, dIdt

    def update(self, _t, _dt):
        E, I = self.integral(self.E, self.I, _t, self.input, self.input_I, dt=_dt)
        self.E[:] = E
        self.I[:] = I
        self.input[:] = 0.
        self.input_I[:] = 0.


class LinearRate(bp.NeuGroup):
    """Linear rate units: ``r = input`` at every step (then input is reset).

    Variables: ``r`` (rate, arbitrary units), ``input``.
    """

    def __init__(self, size, monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.r = bm.Variable(bm.zeros(self.num))
        self.input = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.r[:] = self.input
        self.input[:] = 0.
