"""Learning rules: spike-timing-dependent plasticity, Oja's rule and BCM.

STDP (pair-based, all-to-all, in trace form; S. Song, K. D. Miller,
L. F. Abbott, Nat. Neurosci. 3 (2000) 919-926; A. Morrison, M. Diesmann,
W. Gerstner, Biol. Cybern. 98 (2008) 459-478)::

    dx_pre/dt = -x_pre / tau_plus,     x_pre -> x_pre + 1 at each pre spike
    dy_post/dt = -y_post / tau_minus,  y_post -> y_post + 1 at each post spike
    at a post spike:  w -> w + A_plus x_pre      (pre before post: potentiation)
    at a pre spike:   w -> w - A_minus y_post    (post before pre: depression)
    w is kept in [w_min, w_max]

so one pair with t_post - t_pre = dt changes w by A_plus exp(-dt / tau_plus)
for dt > 0 and by -A_minus exp(dt / tau_minus) for dt < 0.  The synapse
also transmits: an exponential current g (tau) jumps by w at a pre spike.

Oja's rule (E. Oja, J. Math. Biol. 15 (1982) 267-273) for linear units
y = W^T x::

    dW/dt = eta (x y^T - W y^2)

makes each column of W converge to the unit-norm principal eigenvector of
the input covariance (for one output unit).

BCM (E. L. Bienenstock, L. N. Cooper, P. W. Munro, J. Neurosci. 2 (1982)
32-48; sliding threshold of N. Intrator, L. N. Cooper, Neural Netw. 5
(1992) 3-17)::

    dW/dt = eta x y (y - theta),    tau_theta dtheta/dt = y^2 - theta

With k equally frequent orthogonal unit input patterns the stable fixed
points are selective: the unit responds with y = k to one pattern
(theta = <y^2> = k^2 / k) and with 0 to the others.

The rate rules read the pre-synaptic rates ``pre.r`` (e.g. ``LinearRate``)
and compute the post-synaptic rate y = W^T x themselves (so x and y belong to
the same step); they add y to ``post.input``.
"""
from __future__ import annotations

import numpy as np

import braindyn as bp
import braindyn.math as bm

from . import delivery
from .delivery import DT_MIN
from .synapses import Synapse

# Song, Miller & Abbott (2000): A_minus slightly larger than A_plus (depression wins)
STDP_A_PLUS = 0.01
STDP_A_MINUS = 0.0105
STDP_TAU_PLUS = 20.0    # ms
STDP_TAU_MINUS = 20.0   # ms


class STDP(Synapse):
    """Pair-based STDP on a current-based exponential synapse (equations in the module docstring).

    Parameters
    ----------
    w_initial : initial weights (one number or one per synapse).
    A_plus, A_minus : amplitudes of potentiation and depression.
    tau_plus, tau_minus : widths of the STDP window (ms).
    w_min, w_max : bounds of the weights.
    tau : decay of the transmitted current (ms).
    delay : axonal delay (ms): the pre spike reaches the synapse (and its
        trace) after it.  dt_min, method : as for ``Exponential``.

    Variables: ``w`` (one per synapse, in the order of ``self.conn``),
    ``x_pre`` (per pre neuron), ``y_post`` and ``g`` (per post neuron).
    Post spikes are read from ``post.spike`` at the start of the next step,
    as pre spikes are: both are seen one step after they happen, so their
    time difference is exact.
    """

    def __init__(self, pre, post, conn, w_initial=0.5, A_plus=STDP_A_PLUS,
                 A_minus=STDP_A_MINUS, tau_plus=STDP_TAU_PLUS, tau_minus=STDP_TAU_MINUS,
                 w_min=0.0, w_max=1.0, tau=5.0, delay=0.0, dt_min=DT_MIN,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(pre, post, conn, delay, None, dt_min, monitors, name)
        self.A_plus, self.A_minus = A_plus, A_minus
        self.tau_plus, self.tau_minus, self.tau = tau_plus, tau_minus, tau
        self.w_min, self.w_max = w_min, w_max
        self.w = bm.Variable(bm.ones(self.conn.num) * w_initial)
        self.x_pre = bm.Variable(bm.zeros(pre.num))
        self.y_post = bm.Variable(bm.zeros(post.num))
        self.g = bm.Variable(bm.zeros(post.num))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, x_pre, y_post, g_syn, t):
        return -x_pre / self.tau_plus, -y_post / self.tau_minus, -g_syn / self.tau

    def update(self, _t, _dt):
        pre_spike = self.delay_line.transmit(self.pre.spike, _dt)
        post_spike = self.post.spike
        x_pre, y_post, g = self.integral(self.x_pre, self.y_post, self.g, _t, dt=_dt)
        # each synapse s sees the traces of its own pre and post neurons
        potentiation = self.A_plus * x_pre[self.pre_ids] * post_spike[self.post_ids]
        depression = self.A_minus * y_post[self.post_ids] * pre_spike[self.pre_ids]
        self.w[:] = bm.clip(self.w + potentiation - depression, self.w_min, self.w_max)
        self.x_pre[:] = x_pre + pre_spike
        self.y_post[:] = y_post + post_spike
        self.g[:] = g + delivery.pre2post_sum(pre_spike, self.pre_ids, self.post_ids, self.indptr,
                                     self.w, self.post.num)
        self.output(self.g)


def _initial_weights(conn, w_initial, seed):
    mask = conn.conn_mat.astype(float)
    if w_initial is None:
        w = np.random.default_rng(seed).uniform(0.0, 1.0, mask.shape)
    else:
        w = np.broadcast_to(np.asarray(w_initial, dtype=float), mask.shape)
    return mask, w * mask


class Oja(bp.TwoEndConn):
    """Oja's Hebbian rule on a dense weight matrix W (pre x post).

    Parameters
    ----------
    pre : a group with a rate Variable ``r``.  post : any group with ``input``.
    conn : which weights exist (absent ones stay 0).
    eta : learning rate (1/ms).
    w_initial : initial weights (a number, an array of shape (pre, post), or
        None for uniform random values in [0, 1) drawn with ``seed``).
    method : integration method of dW/dt (Euler is the classic rule).

    Variables: ``W``.
    """

    def __init__(self, pre, post, conn, eta=0.01, w_initial=None, seed=None, method="euler",
                 monitors=None, name=None):
        super().__init__(pre, post, conn, monitors=monitors, name=name)
        self.eta = eta
        self.mask, w = _initial_weights(self.conn, w_initial, seed)
        self.W = bm.Variable(bm.asarray(w))
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, W, t, x, y):
        return self.eta * (bm.outer(x, y) - W * y * y) * self.mask

    def update(self, _t, _dt):
        x = self.pre.r
        y = bm.dot(x, self.W)
        self.W[:] = self.integral(self.W, _t, x, y, dt=_dt)
        self.post.input += y


class BCM(bp.TwoEndConn):
    """The BCM rule with a sliding threshold, on a dense weight matrix W (pre x post).

    Parameters
    ----------
    pre, post, conn, w_initial, seed : as for ``Oja``.
    eta : learning rate.  tau_theta : time constant of the threshold (ms).
    theta_initial : initial threshold.
    method : integration method.

    Variables: ``W``, ``theta`` (one per post neuron).
    """

    def __init__(self, pre, post, conn, eta=0.01, tau_theta=10.0, w_initial=None,
                 theta_initial=0.0, seed=None, method="euler", monitors=None, name=None):
        super().__init__(pre, post, conn, monitors=monitors, name=name)
        self.eta, self.tau_theta = eta, tau_theta
        self.mask, w = _initial_weights(self.conn, w_initial, seed)
        self.W = bm.Variable(bm.asarray(w))
        self.theta = bm.Variable(bm.ones(post.num) * theta_initial)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, W, theta, t, x, y):
        dWdt = self.eta * bm.outer(x, y * (y - theta)) * self.mask
        dthetadt = (y * y - theta) / self.tau_theta
        return dWdt, dthetadt

    def update(self, _t, _dt):
        x = self.pre.r
        y = bm.dot(x, self.W)
        W, theta = self.integral(self.W, self.theta, _t, x, y, dt=_dt)
        self.W[:] = W
        self.theta[:] = theta
        self.post.input += y
