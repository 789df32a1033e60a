"""Checks for lesson 12 (learning rules): the pair-based STDP window.

``check_stdp_window(fn)`` compares ``fn(delta_t, A_plus, A_minus, tau_plus, tau_minus)``
with the weight change that the two online traces of ``models.STDP`` (Morrison,
Diesmann & Gerstner, Biol. Cybern. 98 (2008) 459) produce for one pre spike at 0
and one post spike at delta_t (ms), computed here event by event:

* the presynaptic trace jumps by 1 at the pre spike and decays with tau_plus; at a
  post spike the weight grows by A_plus times it;
* the postsynaptic trace jumps by 1 at the post spike and decays with tau_minus; at a
  pre spike the weight falls by A_minus times it;
* spikes in the same step (delta_t = 0) do not see each other's trace: no change.

It tries both signs, zero, asymmetric amplitudes and time constants (a swapped
tau_plus and tau_minus shows), and an array of any shape.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true


def pair_by_traces(delta_t: float, A_plus: float, A_minus: float, tau_plus: float,
                   tau_minus: float) -> float:
    """The weight change of a pre spike at 0 and a post spike at delta_t, from the traces."""
    if float(delta_t) == 0.0:
        return 0.0            # same time: the two spikes do not see each other
    events = sorted([(0.0, "pre"), (float(delta_t), "post")], key=lambda e: e[0])
    x_pre = y_post = 0.0      # the traces, just after the last event
    t_last, w = events[0][0], 0.0
    for t, kind in events:
        x_pre *= np.exp(-(t - t_last) / tau_plus)
        y_post *= np.exp(-(t - t_last) / tau_minus)
        if kind == "post":
            w += A_plus * x_pre
            y_post += 1.0
        else:
            w -= A_minus * y_post
            x_pre += 1.0
        t_last = t
    return w


def check_stdp_window(fn: Callable) -> Verdict:
    """Check ``stdp_window(delta_t, A_plus, A_minus, tau_plus, tau_minus)``."""
    def test():
        d = np.array([-80.0, -25.0, -5.0, -0.5, 0.0, 0.5, 5.0, 25.0, 80.0])
        for pars in (dict(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0),
                     dict(A_plus=0.012, A_minus=0.004, tau_plus=10.0, tau_minus=40.0)):
            want = np.array([pair_by_traces(x, **pars) for x in d])
            got = np.asarray(fn(d, **pars), dtype=float)
            what = ", ".join(f"{k} = {v}" for k, v in pars.items())
            expect_true(got.shape == d.shape, f"{what}: return one value per delta_t, shape "
                        f"{d.shape}; got {got.shape}",
                        f"{what}：每个 delta_t 返回一个值，形状 {d.shape}；得到 {got.shape}")
            expect_close(got, want, f"{what}: dw at delta_t = {d.tolist()} ms",
                         f"{what}：delta_t = {d.tolist()} ms 时的 dw", rtol=1e-9, atol=1e-15)
        grid = np.array([[-10.0, 10.0], [0.0, 30.0]])
        got = np.asarray(fn(grid, 0.01, 0.0105, 20.0, 20.0), dtype=float)
        expect_close(got, [[pair_by_traces(x, 0.01, 0.0105, 20.0, 20.0) for x in row]
                           for row in grid],
                     "a 2 x 2 array of delta_t (keep its shape)", "2 x 2 的 delta_t 数组（保持形状）",
                     rtol=1e-9, atol=1e-15)
    return check("the STDP window", "STDP 时间窗", test)
