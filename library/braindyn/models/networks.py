"""Two classic networks: the E/I balanced benchmark and a continuous attractor (CANN).

E/I balanced network (``EINet``; T. P. Vogels, L. F. Abbott, J. Neurosci. 25
(2005) 10786-10795; benchmarks 1 and 2 of R. Brette et al., J. Comput.
Neurosci. 23 (2007) 349-398).  4000 LIF neurons, 3200 excitatory (E) and
800 inhibitory (I), every ordered pair connected with probability 2 %;
tau_m = 20 ms, V_th = -50 mV, V_reset = -60 mV, t_ref = 5 ms, and
exponential synapses with tau_E = 5 ms, tau_I = 10 ms.

* ``mode='COBA'`` (conductance-based)::

      tau_m dV/dt = (E_L - V) + g_E (E_E - V) + g_I (E_I - V) + I_bg

  E_L = -60 mV, E_E = 0 mV, E_I = -80 mV; g in units of the leak conductance
  (jumps 0.6 and 6.7: 6 nS and 67 nS for g_L = 10 nS), and the constant drive
  I_bg = 20 mV of the BrainPy and ANNarchy versions of the benchmark.
* ``mode='CUBA'`` (current-based)::

      tau_m dV/dt = (E_L - V) + g_E + g_I

  E_L = -49 mV (above threshold: the drive), jumps 1.62 mV and -9 mV
  (Brette et al. 2007, as in Brian's example).

Inhibition balances excitation and the network settles into asynchronous
irregular firing: low rates, irregular spike trains (CV of the inter-spike
intervals near 1) and weak synchrony.

Continuous attractor network (``CANN1D``; S. Wu, K. Y. M. Wong, C. C. A. Fung,
Y. Mi, W. Zhang, "Continuous attractor neural networks", F1000Research 5
(2016) 156; S. Amari, Biol. Cybern. 27 (1977) 77-87).  Neurons tile a
feature x in (-pi, pi] (periodic, e.g. a direction)::

    tau du(x)/dt = -u(x) + rho int J(x, x') r(x') dx' + I_ext(x)
    r(x) = [u(x)]_+^2 / (1 + k rho int [u(x')]_+^2 dx')      (divisive global inhibition)
    J(x, x') = J0 / (sqrt(2 pi) a) exp(-|x - x'|^2 / (2 a^2))

rho = N / (2 pi) is the neuron density.  For 0 < k < k_c = rho J0^2 /
(8 sqrt(2 pi) a) a Gaussian bump of activity is a stationary state at every
position: the bump stays where a transient input put it (a memory) and
follows an input that moves (tracking).
"""
from __future__ import annotations

import math

import numpy as np

import braindyn as bp
import braindyn.math as bm

from .neurons_integrate_fire import LIF
from .synapses import Exponential

# Vogels & Abbott (2005), Brette et al. (2007)
EI_NUM_EXC, EI_NUM_INH = 3200, 800
EI_PROB = 0.02
EI_TAU_M, EI_V_TH, EI_V_RESET, EI_T_REF = 20.0, -50.0, -60.0, 5.0   # ms, mV, mV, ms
EI_TAU_E, EI_TAU_I = 5.0, 10.0                                      # ms
COBA = dict(E_L=-60.0, E_E=0.0, E_I=-80.0, w_E=0.6, w_I=6.7, I_bg=20.0)
CUBA = dict(E_L=-49.0, w_E=1.62, w_I=-9.0)

# Wu et al. (2016) / BrainPy's CANN example
CANN_TAU = 1.0      # ms
CANN_K = 8.1        # strength of the global inhibition
CANN_A = 0.5        # rad: width of the connection profile
CANN_J0 = 4.0       # strength of the recurrent excitation
CANN_STIM_A = 10.0  # amplitude of a stimulus made by stimulus()


class EINet(bp.Network):
    """The Vogels-Abbott / Brette et al. E/I network (see the module docstring).

    Parameters
    ----------
    num_exc, num_inh : sizes of the two populations (scale both to shrink the
        network; the weights are not rescaled).
    mode : 'COBA' or 'CUBA'.
    prob : connection probability.
    seed : seed of the connectivity and of the initial potentials (uniform
        in [V_reset, V_th)).
    method : integration method of the neurons and synapses.

    Members: ``E``, ``I`` (``LIF`` groups) and the synapses ``E2E``, ``E2I``,
    ``I2E``, ``I2I`` (``Exponential``).  Run with the background drive of
    the mode::

        net = EINet(monitors=...)   # then
        net.run(1000., inputs=net.background, dt=0.1)
    """

    def __init__(self, num_exc=EI_NUM_EXC, num_inh=EI_NUM_INH, mode="COBA", prob=EI_PROB,
                 seed=0, method="exponential_euler", monitors=None, name=None):
        if mode not in ("COBA", "CUBA"):
            raise ValueError(f"mode must be 'COBA' or 'CUBA', got {mode!r}")
        p = COBA if mode == "COBA" else CUBA
        neuron = dict(V_rest=p["E_L"], V_reset=EI_V_RESET, V_th=EI_V_TH, R=1.0, tau=EI_TAU_M,
                      t_ref=EI_T_REF, method=method)
        E = LIF(num_exc, **neuron)
        I = LIF(num_inh, **neuron)
        rng = np.random.default_rng(seed)
        E.V[:] = rng.uniform(EI_V_RESET, EI_V_TH, num_exc)
        I.V[:] = rng.uniform(EI_V_RESET, EI_V_TH, num_inh)
        E_E = p.get("E_E")     # None in CUBA: current-based synapses
        E_I = p.get("E_I")

        def connect(k):
            return bp.connect.FixedProb(prob, seed=seed + 1 + k)

        syn = dict(method=method)
        super().__init__(
            E=E, I=I,
            E2E=Exponential(E, E, connect(0), g_max=p["w_E"], tau=EI_TAU_E, E=E_E, **syn),
            E2I=Exponential(E, I, connect(1), g_max=p["w_E"], tau=EI_TAU_E, E=E_E, **syn),
            I2E=Exponential(I, E, connect(2), g_max=p["w_I"], tau=EI_TAU_I, E=E_I, **syn),
            I2I=Exponential(I, I, connect(3), g_max=p["w_I"], tau=EI_TAU_I, E=E_I, **syn),
            monitors=monitors, name=name)
        self.mode = mode
        bg = p.get("I_bg", 0.0)
        self.background = [("E.input", bg), ("I.input", bg)] if bg else []


class CANN1D(bp.NeuGroup):
    """A one-dimensional continuous attractor network on a ring (see the module docstring).

    Parameters
    ----------
    num : number of neurons, spread evenly over (-pi, pi].
    tau : time constant (ms).  k : global inhibition.  a : width of J (rad).
    J0 : recurrent excitation.  A : amplitude of ``stimulus(pos)``.
    method : integration method.

    Variables: ``u`` (synaptic input), ``r`` (firing rate), ``input``.
    Helpers: ``x`` (the preferred features), ``stimulus(pos)`` (a Gaussian
    input centred at pos), ``bump_position(u)`` (the centre of a bump).
    """

    def __init__(self, num=256, tau=CANN_TAU, k=CANN_K, a=CANN_A, J0=CANN_J0, A=CANN_STIM_A,
                 method="rk4", monitors=None, name=None):
        super().__init__(num, monitors=monitors, name=name)
        self.tau, self.k, self.a, self.J0, self.A = tau, k, a, J0, A
        self.z_range = 2 * math.pi
        self.x = np.linspace(-math.pi, math.pi, num, endpoint=False) + math.pi / num
        self.rho = num / self.z_range
        d = self.distance(self.x[:, None] - self.x[None, :])
        # rho dx' = 1: the integral over x' is a sum over neurons
        self.J = J0 / (math.sqrt(2 * math.pi) * a) * np.exp(-0.5 * (d / a) ** 2)
        self.u = bm.Variable(bm.zeros(self.num))
        self.r = bm.Variable(bm.zeros(self.num))
        self.input = bm.Variable(bm.zeros(self.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def distance(self, d):
        """The signed distance on the ring, in [-pi, pi)."""
        return np.remainder(d + math.pi, self.z_range) - math.pi

    def stimulus(self, pos):
        """A Gaussian input centred at ``pos`` (rad): ``A exp(-(x - pos)^2 / (4 a^2))``."""
        return self.A * np.exp(-0.25 * (self.distance(self.x - pos) / self.a) ** 2)

    def bump_position(self, u):
        """Centre of the bump(s) in u (rows of u are times): the population-vector angle."""
        u = np.maximum(np.asarray(u), 0.0)
        return np.angle(np.sum(u * np.exp(1j * self.x), axis=-1))

    def critical_k(self) -> float:
        """k_c = rho J0^2 / (8 sqrt(2 pi) a): above it no bump survives without input."""
        return self.rho * self.J0 ** 2 / (8 * math.sqrt(2 * math.pi) * self.a)

    def derivative(self, u, t, Iext):
        u_plus = bm.maximum(u, 0.)
        r = u_plus * u_plus / (1. + self.k * bm.sum(u_plus * u_plus))
        return (-u + bm.dot(self.J, r) + Iext) / self.tau

    def update(self, _t, _dt):
        u = self.integral(self.u, _t, self.input, dt=_dt)
        u_plus = bm.maximum(u, 0.)
        self.u[:] = u
        self.r[:] = u_plus * u_plus / (1. + self.k * bm.sum(u_plus * u_plus))
        self.input[:] = 0.
