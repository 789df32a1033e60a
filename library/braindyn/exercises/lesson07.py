"""Checks for lesson 7 (adaptive step size): the step-size controller.

``check_my_adaptive(fn)`` runs the student's ``my_adaptive(f, y0, t0, t1, dt, tol,
args, method='rkdp', q=4)`` and a controller written here, with its own
Dormand-Prince 5(4) tableau (Dormand & Prince 1980; Hairer, Norsett & Wanner,
*Solving ODEs I*, Table II.5.2), on two problems, and compares the accepted times,
the states and the number of rejected steps.  The rules (lesson 7, section 2;
Hairer et al. eq. II.4.13):

    r = sqrt(mean_j (err_j / (tol (1 + max(|y_n,j|, |y_n+1,j|))))^2)
    accept if r <= 1:  dt <- dt min(10, 0.9 r^(-1/(q+1)))   (at most dt after a rejection)
    reject if r > 1:   dt <- dt max(0.2, 0.9 r^(-1/(q+1)))
    the last step is shortened to land on t1.
"""
from __future__ import annotations

from fractions import Fraction as F
from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true

# Dormand-Prince 5(4): nodes c, stages a, fifth-order weights b, fourth-order weights b_hat
_C = [0, F(1, 5), F(3, 10), F(4, 5), F(8, 9), 1, 1]
_A = [[],
      [F(1, 5)],
      [F(3, 40), F(9, 40)],
      [F(44, 45), F(-56, 15), F(32, 9)],
      [F(19372, 6561), F(-25360, 2187), F(64448, 6561), F(-212, 729)],
      [F(9017, 3168), F(-355, 33), F(46732, 5247), F(49, 176), F(-5103, 18656)],
      [F(35, 384), 0, F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84)]]
_B = [F(35, 384), 0, F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84), 0]
_B_HAT = [F(5179, 57600), 0, F(7571, 16695), F(393, 640), F(-92097, 339200), F(187, 2100),
          F(1, 40)]


def _dp_trial(f, y, t, h, tol, args):
    """One Dormand-Prince trial step: the fifth-order value and the error ratio r."""
    y = np.asarray(y, dtype=float)
    k = []
    for i in range(7):
        yi = y + h * sum((float(a) * kj for a, kj in zip(_A[i], k)), np.zeros_like(y))
        k.append(np.asarray(f(*yi, t + float(_C[i]) * h, *args), dtype=float))
    y_new = y + h * sum(float(b) * kj for b, kj in zip(_B, k))
    err = h * sum(float(b - bh) * kj for b, bh, kj in zip(_B, _B_HAT, k))
    scale = tol * (1.0 + np.maximum(np.abs(y), np.abs(y_new)))
    return y_new, float(np.sqrt(np.mean((err / scale) ** 2)))


def reference_adaptive(f, y0, t0, t1, dt, tol, args=(), q=4):
    """The controller of lesson 7 around ``_dp_trial``: (times, states, rejected)."""
    ts, ys, rejected = [t0], [np.asarray(y0, dtype=float)], 0
    y, t, h, after_reject = np.asarray(y0, dtype=float), t0, dt, False
    while t < t1:
        last = h >= t1 - t
        if last:
            h = t1 - t
        y_new, r = _dp_trial(f, y, t, h, tol, args)
        factor = 0.9 * r ** (-1 / (q + 1)) if r > 0 else 10.0
        if r <= 1:
            y, t = y_new, (t1 if last else t + h)
            ts.append(t)
            ys.append(y)
            h *= min(1.0, factor) if after_reject else min(10.0, factor)
            after_reject = False
        else:
            rejected += 1
            h *= max(0.2, factor)
            after_reject = True
    return np.array(ts), np.array(ys), rejected


def _decay_sine(x, t, A=1.0):
    return -x + A * np.sin(t)


def _hh(V, m, h, n, t, I):
    """Hodgkin-Huxley (1952) with the slides' parameters, written out (mV, ms, uA/cm^2)."""
    am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    bm = 4.0 * np.exp(-(V + 65) / 18)
    ah = 0.07 * np.exp(-(V + 65) / 20)
    bh = 1 / (1 + np.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    bn = 0.125 * np.exp(-(V + 65) / 80)
    I_Na = 120.0 * m ** 3 * h * (V - 50.0)
    I_K = 36.0 * n ** 4 * (V + 77.0)
    I_L = 0.03 * (V + 54.387)
    return ((-I_Na - I_K - I_L + I) / 1.0, am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
            an * (1 - n) - bn * n)


def check_my_adaptive(fn: Callable) -> Verdict:
    """Check ``my_adaptive(f, y0, t0, t1, dt, tol, args=(), method='rkdp', q=4)``."""
    def test():
        cases = [("dx/dt = -x + sin t, tol = 1e-5", "dx/dt = -x + sin t，tol = 1e-5",
                  _decay_sine, (1.0,), 0.0, 10.0, 0.1, 1e-5, (1.0,)),
                 ("HH at I = 10, 0-20 ms, tol = 1e-6", "HH，I = 10，0-20 ms，tol = 1e-6",
                  _hh, (-65.0, 0.5, 0.6, 0.32), 0.0, 20.0, 0.01, 1e-6, (10.0,))]
        for en, zh, f, y0, t0, t1, dt, tol, args in cases:
            out = fn(f, y0, t0, t1, dt, tol, args)
            expect_true(isinstance(out, tuple) and len(out) == 3,
                        f"{en}: return (times, states, rejected), three things",
                        f"{zh}：应返回 (时间, 状态, 拒绝步数) 三项")
            ts, ys, rejected = out
            ts = np.asarray(ts, dtype=float)
            ys = np.asarray(ys, dtype=float).reshape(len(ts), -1)
            want_t, want_y, want_rej = reference_adaptive(f, y0, t0, t1, dt, tol, args)
            expect_close(ts[-1], t1, f"{en}: the last time (land exactly on t1)",
                         f"{zh}：最后一个时刻（应正好落在 t1）", rtol=0, atol=1e-12)
            expect_close(len(ts), len(want_t), f"{en}: number of accepted times (with t0)",
                         f"{zh}：接受的时刻数（含 t0）", rtol=0)
            expect_close(ts, want_t, f"{en}: the accepted times", f"{zh}：接受步的时刻",
                         rtol=0, atol=1e-9)
            expect_close(ys, want_y.reshape(ys.shape), f"{en}: the states at those times",
                         f"{zh}：这些时刻的状态", rtol=1e-8, atol=1e-10)
            expect_close(rejected, want_rej, f"{en}: the number of rejected steps",
                         f"{zh}：拒绝步的个数", rtol=0)
    return check("the step-size controller", "步长控制器", test)
