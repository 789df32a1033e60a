"""Checks for lesson 13 (noise and stochastic differential equations): one Milstein step.

``check_milstein_step(fn)`` compares ``fn(x, dt, dW, f, g, dg)`` with the Milstein
step of the Ito SDE ``dx = f(x) dt + g(x) dW`` (scalar noise),

    x_new = x + f(x) dt + g(x) dW + 1/2 g(x) g'(x) (dW**2 - dt),

written out here, on geometric Brownian motion (g = s x), on additive noise (g
constant, where the step is Euler-Maruyama's), on square-root noise
(g = s sqrt(x)), and on arrays (many paths in one call).
Reference: P. E. Kloeden, E. Platen, *Numerical Solution of Stochastic
Differential Equations*, Springer 1992, section 10.3, eq. (3.1); D. J. Higham,
SIAM Review 43 (2001) 525-546, section 7.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true


def _milstein(x, dt, dW, f, g, dg):
    x, dW = np.asarray(x, dtype=float), np.asarray(dW, dtype=float)
    return x + f(x) * dt + g(x) * dW + 0.5 * g(x) * dg(x) * (dW ** 2 - dt)


def _euler_maruyama(x, dt, dW, f, g):
    x, dW = np.asarray(x, dtype=float), np.asarray(dW, dtype=float)
    return x + f(x) * dt + g(x) * dW


def check_milstein_step(fn: Callable) -> Verdict:
    """Check ``milstein_step(x, dt, dW, f, g, dg)``: one Milstein step (see the module)."""
    mu, s = 0.5, 0.8
    gbm = (lambda x: mu * x, lambda x: s * x, lambda x: s + 0.0 * x)
    additive = (lambda x: -x, lambda x: 0.5 + 0.0 * x, lambda x: 0.0 * x)
    sqrt_noise = (lambda x: 1.0 - x, lambda x: 0.3 * np.sqrt(x), lambda x: 0.15 / np.sqrt(x))

    def test():
        for x, dt, dW in [(1.0, 0.01, 0.05), (2.0, 0.1, -0.3), (0.5, 0.25, 0.9)]:
            got = fn(x, dt, dW, *gbm)
            em = _euler_maruyama(x, dt, dW, *gbm[:2])
            # (dW**2 != dt in these cases, so Milstein's step differs from Euler-Maruyama's)
            expect_true(not np.isclose(got, em, rtol=1e-12, atol=0.0),
                        f"at x = {x}, dt = {dt}, dW = {dW} you return the Euler-Maruyama step "
                        f"x + f dt + g dW: add the Milstein term 1/2 g g' (dW^2 - dt)",
                        f"在 x = {x}、dt = {dt}、dW = {dW} 时你返回的是 Euler-Maruyama 的一步 "
                        f"x + f dt + g dW：还要加上 Milstein 项 1/2 g g' (dW^2 - dt)")
            expect_true(not np.isclose(got, em + 0.5 * s * x * s * dW ** 2, rtol=1e-12),
                        "the Milstein term is 1/2 g g' (dW^2 - dt), with '- dt': the Ito "
                        "integral of W dW is (W^2 - t) / 2",
                        "Milstein 项是 1/2 g g' (dW^2 - dt)，要减去 dt：W dW 的伊藤积分是 "
                        "(W^2 - t) / 2")
            expect_close(got, _milstein(x, dt, dW, *gbm),
                         f"one step of geometric Brownian motion dx = {mu} x dt + {s} x dW "
                         f"from x = {x} (dt = {dt}, dW = {dW})",
                         f"几何布朗运动 dx = {mu} x dt + {s} x dW 从 x = {x} 出发的一步"
                         f"（dt = {dt}，dW = {dW}）", rtol=1e-10)
        expect_close(fn(1.5, 0.1, 0.2, *additive), _euler_maruyama(1.5, 0.1, 0.2, *additive[:2]),
                     "additive noise (g = 0.5 constant, g' = 0): the step must equal "
                     "Euler-Maruyama's",
                     "加性噪声（g = 0.5 为常数，g' = 0）：这一步应与 Euler-Maruyama 相同",
                     rtol=1e-10)
        expect_close(fn(0.8, 0.05, -0.1, *sqrt_noise), _milstein(0.8, 0.05, -0.1, *sqrt_noise),
                     "square-root noise dx = (1 - x) dt + 0.3 sqrt(x) dW from x = 0.8",
                     "平方根噪声 dx = (1 - x) dt + 0.3 sqrt(x) dW 从 x = 0.8 出发", rtol=1e-10)
        x = np.array([0.5, 1.0, 2.0, 4.0])
        dW = np.array([0.1, -0.2, 0.05, 0.3])
        expect_close(fn(x, 0.02, dW, *gbm), _milstein(x, 0.02, dW, *gbm),
                     "four paths at once (x and dW arrays)",
                     "同时计算四条路径（x 和 dW 是数组）", rtol=1e-10)
    return check("one Milstein step", "Milstein 法的一步", test)
