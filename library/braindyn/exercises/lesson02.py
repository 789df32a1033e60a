"""Checks for lesson 2 (arrays and backends): the logistic loss.

``check_logistic_loss(fn)`` compares ``fn(w, X, Y)`` with

    L(w) = sum_i log(1 + exp(-y_i x_i . w)),

computed here with NumPy, at several weights on random data; it checks
L(0) = N log 2, that the function gives the same number on the NumPy and the
JAX backends (so it is written with ``bm``), and that its gradient by central
differences equals the lecture's update u = sum_i (sigma(y_i x_i . w) - 1) y_i x_i.
The backend in use before the check is restored afterwards.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true


def _loss(w, X, Y):
    return float(np.sum(np.log1p(np.exp(-Y * (X @ w)))))


def _update_u(w, X, Y):
    """The lecture's u: the gradient of the loss."""
    return ((1.0 / (1.0 + np.exp(-Y * (X @ w))) - 1.0) * Y) @ X


def check_logistic_loss(fn: Callable) -> Verdict:
    """Check ``logistic_loss(w, X, Y)`` on both backends."""
    import braindyn.math as bm

    def test():
        rng = np.random.default_rng(7)
        n, d = 200, 5
        X, Y = rng.random((n, d)), rng.choice([-1.0, 1.0], n) * rng.random(n)
        expect_close(fn(np.zeros(d), X, Y), n * np.log(2.0),
                     "L(0): every term is log(1 + 1)", "L(0)：每一项都是 log(1 + 1)")
        for w in (np.linspace(-1.0, 1.0, d), rng.normal(size=d)):
            expect_close(fn(w, X, Y), _loss(w, X, Y), f"L(w) at w = {np.round(w, 2)}",
                         f"w = {np.round(w, 2)} 时的 L(w)", rtol=1e-10)
        w = np.linspace(-1.0, 1.0, d)
        h = 1e-6
        gradient = [(float(fn(w + h * e, X, Y)) - float(fn(w - h * e, X, Y))) / (2 * h)
                    for e in np.eye(d)]
        expect_close(gradient, _update_u(w, X, Y), "the gradient of your L (central differences)"
                     " against the lecture's u", "你的 L 的梯度（中心差分）与课上的 u 相比",
                     rtol=1e-5, atol=1e-6)
        before = bm.get_backend()
        try:
            bm.use_backend("jax")
            try:
                on_jax = fn(bm.asarray(w), bm.asarray(X), bm.asarray(Y))
            except Exception as exc:    # noqa: BLE001 - reported as a hint
                raise AssertionError(
                    f"on the JAX backend your function raised {type(exc).__name__}: {exc}; "
                    "use bm functions (bm.sum, bm.log, bm.exp, bm.dot), not np\n"
                    f"在 JAX 后端上你的函数出错 {type(exc).__name__}：{exc}；"
                    "请用 bm 的函数（bm.sum、bm.log、bm.exp、bm.dot），不要用 np") from None
            expect_true(type(on_jax).__module__.split(".")[0] in ("jax", "jaxlib"),
                        "on the JAX backend your function returned a NumPy number: use bm "
                        "functions (bm.sum, ...), not np, so that it runs on either backend",
                        "在 JAX 后端上你的函数返回的是 NumPy 数：请用 bm 的函数（bm.sum 等）"
                        "而不是 np，这样它在两种后端上都能运行")
            expect_close(float(on_jax), _loss(w, X, Y), "L(w) on the JAX backend",
                         "JAX 后端上的 L(w)", rtol=1e-12)
        finally:
            bm.use_backend(before)
    return check("the logistic loss", "逻辑斯谛损失函数", test)
