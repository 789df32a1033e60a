"""Checks for lesson 11 (networks): the population vector of a bump on a ring.

``check_bump_position(fn)`` gives ``fn(u, x)`` activity bumps whose centre is known
by construction, von Mises profiles u_j = exp(kappa (cos(x_j - z) - 1)) and Gaussian
bumps of the ring's distance, both symmetric about z, so that their population vector
angle arg sum_j u_j e^(i x_j) is exactly z (Georgopoulos et al., Science 233 (1986)
1416; Wu et al., F1000Research 5 (2016) 156).  It tries centres on both sides of
+-pi, where a plain weighted mean sum u x / sum u fails, one profile of shape (N,)
and a record of shape (T, N) (one centre per row).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import Verdict, check, expect_close, expect_true


def _ring(n: int) -> np.ndarray:
    return np.linspace(-np.pi, np.pi, n, endpoint=False)


def _wrap(d):
    return (np.asarray(d) + np.pi) % (2 * np.pi) - np.pi


def von_mises_bump(x, z, kappa=4.0):
    return np.exp(kappa * (np.cos(x - z) - 1))


def gaussian_bump(x, z, a=0.5):
    return np.exp(-_wrap(x - z) ** 2 / (4 * a ** 2))


def check_bump_position(fn: Callable) -> Verdict:
    """Check ``bump_position(u, x)`` (radians in (-pi, pi], one per row of u)."""
    def test():
        x = _ring(256)
        for z in (0.5, 2.0, -1.2, 3.1, -3.1, np.pi):
            for name_en, name_zh, bump in (("a von Mises bump", "von Mises 峰", von_mises_bump),
                                           ("a Gaussian bump", "高斯峰", gaussian_bump)):
                got = np.asarray(fn(bump(x, z), x), dtype=float)
                expect_true(got.size == 1, f"{name_en} of shape (256,): return one angle, got "
                            f"shape {got.shape}", f"形状为 (256,) 的{name_zh}：应返回一个角度，"
                            f"得到形状 {got.shape}")
                # compare around the ring: +pi and -pi are the same place
                expect_close(_wrap(got.ravel()[0] - z), 0.0,
                             f"{name_en} centred at {z:.3f} rad: your angle minus the centre "
                             "(around the ring)",
                             f"中心在 {z:.3f} rad 的{name_zh}：你的角度减去中心（沿环计算）",
                             atol=1e-9)
        centres = np.array([-3.0, -1.0, 0.0, 1.5, 3.0])
        record = np.array([von_mises_bump(x, z, 2.0) * (1 + k) for k, z in enumerate(centres)])
        got = np.asarray(fn(record, x), dtype=float)
        expect_true(got.shape == (5,), f"a record of shape (5, 256): return one angle per row, "
                    f"shape (5,); got {got.shape} (sum over the last axis)",
                    f"形状为 (5, 256) 的记录：每行返回一个角度，形状 (5,)；得到 {got.shape}"
                    "（对最后一个轴求和）")
        expect_close(_wrap(got - centres), np.zeros(5), "a record of 5 bumps: angle minus centre",
                     "5 个峰的记录：角度减去中心", atol=1e-9)
    return check("the population vector", "群体向量", test)
