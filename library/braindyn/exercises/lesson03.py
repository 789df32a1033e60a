"""Checks for lesson 3 (ODEs and Euler's method): your own ``euler``.

``check_euler(fn)`` calls ``fn(f, x0, t0, t1, dt)`` and compares

* the times ``ts`` with t0 + dt * arange(n + 1), n = (t1 - t0) / dt;
* on dx/dt = -lam x, the values with Euler's closed form x_n = (1 - lam dt)^n x0
  (exact for this equation, including the unstable case lam dt > 2);
* on dx/dt = -x + sin t from t0 = 2 (so that t matters), the values with an Euler loop
  written here.

Reference: Hairer, Nørsett & Wanner, Solving Ordinary Differential Equations I (1993), §I.7.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true


def _euler(f, x0, t0, t1, dt):
    n = int(round((t1 - t0) / dt))
    ts = t0 + dt * np.arange(n + 1)
    xs = np.empty(n + 1)
    xs[0] = x0
    for i in range(n):
        xs[i + 1] = xs[i] + dt * f(xs[i], ts[i])
    return ts, xs


def check_euler(fn: Callable) -> Verdict:
    """Check ``euler(f, x0, t0, t1, dt) -> (ts, xs)``."""
    def test():
        out = fn(lambda x, t: -10.0 * x, 1.0, 0.0, 1.0, 0.05)
        expect_true(isinstance(out, tuple) and len(out) == 2,
                    "euler must return two arrays, ts and xs (return ts, xs)",
                    "euler 应返回两个数组 ts 和 xs（return ts, xs）")
        for lam, dt, x0 in [(10.0, 0.05, 1.0), (10.0, 0.25, 2.0), (0.5, 0.1, -3.0)]:
            ts, xs = fn(lambda x, t: -lam * x, x0, 0.0, 2.0, dt)
            n = int(round(2.0 / dt))
            expect_close(ts, dt * np.arange(n + 1), f"ts for dt = {dt}",
                         f"dt = {dt} 时的 ts", rtol=1e-12, atol=1e-12)
            expect_close(xs, x0 * (1.0 - lam * dt) ** np.arange(n + 1),
                         f"xs for dx/dt = -{lam} x, x0 = {x0}, dt = {dt} "
                         "(Euler gives x_n = (1 - lam dt)^n x0)",
                         f"dx/dt = -{lam} x、x0 = {x0}、dt = {dt} 时的 xs"
                         "（欧拉法给出 x_n = (1 - lam dt)^n x0）", rtol=1e-10, atol=1e-12)

        def decay_sine(x, t):
            return -x + np.sin(t)
        ts, xs = fn(decay_sine, 1.0, 2.0, 6.0, 0.1)
        want_ts, want_xs = _euler(decay_sine, 1.0, 2.0, 6.0, 0.1)
        expect_close(ts, want_ts, "ts from t0 = 2 to t1 = 6", "从 t0 = 2 到 t1 = 6 的 ts",
                     rtol=1e-12, atol=1e-12)
        expect_close(xs, want_xs, "xs for dx/dt = -x + sin t from t0 = 2 (use f(xs[i], ts[i]))",
                     "从 t0 = 2 开始 dx/dt = -x + sin t 的 xs（用 f(xs[i], ts[i])）",
                     rtol=1e-12, atol=1e-12)
    return check("Euler's method", "欧拉法", test)
