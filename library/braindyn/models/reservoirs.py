"""Reservoir computing: an echo-state network and a liquid-state machine.

A fixed random recurrent network (the reservoir) turns an input stream into
a high-dimensional state; only a linear readout is trained, here by ridge
regression (``ridge_readout``) on recorded states.

Echo-state network (``EchoStateNetwork``; H. Jaeger, GMD Report 148 (2001);
leaky units of H. Jaeger, M. Lukosevicius, D. Popovici, U. Siewert, Neural
Netw. 20 (2007) 335-352)::

    tau dx/dt = -x + tanh(W_in u + W x + b)

With Euler steps of dt = tau this is the classic map
x(n+1) = tanh(W_in u(n) + W x(n) + b); dt < tau gives leaky units with
leak rate dt / tau.  W is random and scaled to a spectral radius below 1,
so the state forgets its initial value and becomes a function of the recent
input (the echo-state property).

Liquid-state machine (``LiquidStateMachine``; W. Maass, T. Natschlaeger,
H. Markram, Neural Comput. 14 (2002) 2531-2560): a reservoir of spiking
LIF neurons (80 % excitatory) driven by input spike trains.  The readout
sees the spike trains low-pass filtered with tau = 30 ms
(``exponential_filter``).  Simplified from the paper: uniform random
connectivity instead of distance-dependent, static instead of dynamic
synapses, hence smaller weights; the neuron parameters (tau_m = 30 ms,
V_th = 15 mV, V_reset = 13.5 mV, refractory 3/2 ms, input resistance
1 MOhm, background 13.5 nA folded into V_rest) and synaptic time constants
(3 ms E, 6 ms I) and delays (1.5 ms E->E, 0.8 ms otherwise) are the paper's.
"""
from __future__ import annotations

import numpy as np

import braindyn as bp
import braindyn.math as bm

from .neurons_input import SpikeInput
from .neurons_integrate_fire import LIF
from .synapses import Exponential

ESN_SPECTRAL_RADIUS = 0.9   # < 1: the echo-state property holds in practice
ESN_INPUT_SCALING = 1.0
ESN_TAU = 1.0               # ms: one Euler step of dt = tau is one ESN update

LSM_TAU_M = 30.0            # ms
LSM_V_TH, LSM_V_RESET, LSM_V_REST = 15.0, 13.5, 13.5     # mV
LSM_T_REF_E, LSM_T_REF_I = 3.0, 2.0                      # ms
LSM_TAU_E, LSM_TAU_I = 3.0, 6.0                          # ms: synaptic decay
LSM_DELAY_EE, LSM_DELAY = 1.5, 0.8                       # ms
LSM_READOUT_TAU = 30.0      # ms: the readout's filter
# Weights (nA): the paper's E->E : E->I : I->E : I->I amplitudes (30 : 60 : -19 : -19)
# scaled by 0.1, which with uniform 10 % connectivity and static synapses makes the
# liquid fire at tens of Hz while input arrives and fall silent without it
LSM_W_EE, LSM_W_EI, LSM_W_IE, LSM_W_II = 3.0, 6.0, -1.9, -1.9
LSM_W_IN = 18.0             # nA: input -> liquid (a few input spikes fire a neuron)
LSM_P_REC, LSM_P_IN = 0.1, 0.3


def ridge_readout(states, targets, ridge=1e-6):
    """Weights W_out (with a last row for the bias) minimising
    |[states, 1] W_out - targets|^2 + ridge |W_out|^2 (plain NumPy)."""
    X = np.hstack([np.asarray(states), np.ones((len(states), 1))])
    Y = np.asarray(targets)
    return np.linalg.solve(X.T @ X + ridge * np.eye(X.shape[1]), X.T @ Y)


def apply_readout(states, W_out):
    """The readout's output for recorded states: [states, 1] W_out."""
    return np.hstack([np.asarray(states), np.ones((len(states), 1))]) @ W_out


def exponential_filter(spikes, dt, tau=LSM_READOUT_TAU):
    """Spike trains (steps x neurons, 0/1) filtered by exp(-t / tau): the LSM readout's view."""
    spikes = np.asarray(spikes, dtype=float)
    out = np.empty_like(spikes)
    decay, acc = np.exp(-dt / tau), np.zeros(spikes.shape[1:])
    for i, s in enumerate(spikes):
        acc = acc * decay + s
        out[i] = acc
    return out


class EchoStateNetwork(bp.NeuGroup):
    """A leaky echo-state network (equations in the module docstring).

    Parameters
    ----------
    num : reservoir size.  num_input : input dimension.
    spectral_radius : largest |eigenvalue| of W.
    input_scaling : W_in and b are uniform in [-input_scaling, input_scaling].
    density : fraction of non-zero entries of W.
    tau : ms (run with dt = tau for the classic map).
    seed : seed of W, W_in, b.
    method : integration method ('euler' gives the ESN map).

    Variables: ``x`` (reservoir state), ``input`` (u, shape (num_input,)).
    """

    def __init__(self, num, num_input=1, spectral_radius=ESN_SPECTRAL_RADIUS,
                 input_scaling=ESN_INPUT_SCALING, density=1.0, tau=ESN_TAU, seed=0,
                 method="euler", monitors=None, name=None):
        super().__init__(num, monitors=monitors, name=name)
        rng = np.random.default_rng(seed)
        W = rng.normal(0.0, 1.0, (num, num)) * (rng.random((num, num)) < density)
        self.W = W * spectral_radius / np.max(np.abs(np.linalg.eigvals(W)))
        self.W_in = rng.uniform(-input_scaling, input_scaling, (num, num_input))
        self.b = rng.uniform(-input_scaling, input_scaling, num)
        self.tau = tau
        self.x = bm.Variable(bm.zeros(self.num))
        self.input = bm.Variable(bm.zeros(num_input))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, x, t, u):
        return (-x + bm.tanh(bm.dot(self.W_in, u) + bm.dot(self.W, x) + self.b)) / self.tau

    def update(self, _t, _dt):
        self.x[:] = self.integral(self.x, _t, self.input, dt=_dt)
        self.input[:] = 0.


class LiquidStateMachine(bp.Network):
    """A small liquid-state machine (see the module docstring).

    Parameters
    ----------
    num_input : number of input spike trains (the member ``inp``, a ``SpikeInput``:
        run with ``inputs=('inp.input', S, 'iter')``, S of shape (n_steps, num_input)).
    num_liquid : number of LIF neurons, 80 % excitatory.
    p_rec : connection probability inside the liquid.  p_in : input -> liquid.
    w_EE, w_EI, w_IE, w_II, w_in : synaptic current jumps (nA; the sign is the
        effect), see ``LSM_W_EE`` and the others for the defaults' origin.
    seed : seed of the connectivity.  method : integration method.

    Members: ``inp``, ``E``, ``I`` and the synapses ``inp2E``, ``inp2I``, ``E2E``,
    ``E2I``, ``I2E``, ``I2I``.
    """

    def __init__(self, num_input=4, num_liquid=135, p_rec=LSM_P_REC, p_in=LSM_P_IN,
                 w_EE=LSM_W_EE, w_EI=LSM_W_EI, w_IE=LSM_W_IE, w_II=LSM_W_II, w_in=LSM_W_IN,
                 seed=0, method="exponential_euler", monitors=None, name=None):
        n_exc = int(round(0.8 * num_liquid))
        n_inh = num_liquid - n_exc
        neuron = dict(V_rest=LSM_V_REST, V_reset=LSM_V_RESET, V_th=LSM_V_TH, R=1.0,
                      tau=LSM_TAU_M, method=method)
        inp = SpikeInput(num_input)
        E = LIF(n_exc, t_ref=LSM_T_REF_E, **neuron)
        I = LIF(n_inh, t_ref=LSM_T_REF_I, **neuron)
        rng = np.random.default_rng(seed)
        E.V[:] = rng.uniform(LSM_V_RESET, LSM_V_TH, n_exc)
        I.V[:] = rng.uniform(LSM_V_RESET, LSM_V_TH, n_inh)

        def syn(pre, post, p, k, w, tau, delay):
            conn = bp.connect.FixedProb(p, include_self=pre is not post, seed=seed + 1 + k)
            return Exponential(pre, post, conn, g_max=w, tau=tau, delay=delay, method=method)

        super().__init__(
            inp=inp, E=E, I=I,
            inp2E=syn(inp, E, p_in, 0, w_in, LSM_TAU_E, LSM_DELAY),
            inp2I=syn(inp, I, p_in, 1, w_in, LSM_TAU_E, LSM_DELAY),
            E2E=syn(E, E, p_rec, 2, w_EE, LSM_TAU_E, LSM_DELAY_EE),
            E2I=syn(E, I, p_rec, 3, w_EI, LSM_TAU_E, LSM_DELAY),
            I2E=syn(I, E, p_rec, 4, w_IE, LSM_TAU_I, LSM_DELAY),
            I2I=syn(I, I, p_rec, 5, w_II, LSM_TAU_I, LSM_DELAY),
            monitors=monitors, name=name)
