"""Checks for lesson 9 (phase plane and bifurcation): FitzHugh-Nagumo's eigenvalues.

``check_fhn_eigenvalues(fn)`` compares ``fn(I, a, b, tau)`` with the eigenvalues
of the Jacobian at the fixed point of

    dV/dt = V - V^3/3 - w + I,    dw/dt = (V + a - b w) / tau,

    J = [[1 - V*^2, -1], [1/tau, -b/tau]],
    lambda = tr J / 2 +- sqrt((tr J / 2)^2 - det J)      (closed form of a 2x2 matrix),

the fixed point V* being the real root of V - V^3/3 - (V + a)/b + I = 0, found here by
bisection (scipy's brentq) on a bracket (the cubic is monotone for b < 1).
Reference: FitzHugh (1961); Izhikevich, Dynamical Systems in Neuroscience (2007), ch. 4.
"""
from __future__ import annotations

import cmath
from typing import Callable

import numpy as np
from scipy.optimize import brentq

from .core import Verdict, check, expect_close, expect_true


def fixed_point_V(I: float, a: float = 0.7, b: float = 0.8) -> float:
    """The V of the fixed point (for b < 1 there is exactly one)."""
    def g(V):
        return V - V ** 3 / 3 - (V + a) / b + I
    return brentq(g, -10.0, 10.0, xtol=1e-14)


def reference_eigenvalues(I: float, a: float = 0.7, b: float = 0.8,
                          tau: float = 12.5) -> np.ndarray:
    """The two eigenvalues, sorted by real part, then imaginary part."""
    V = fixed_point_V(I, a, b)
    tr = 1 - V ** 2 - b / tau
    det = (1 - V ** 2) * (-b / tau) + 1 / tau
    root = cmath.sqrt((tr / 2) ** 2 - det)
    return _sorted([tr / 2 + root, tr / 2 - root])


def _sorted(values) -> np.ndarray:
    z = np.asarray(values, dtype=complex).ravel()
    return z[np.lexsort((z.imag, z.real))]


def check_fhn_eigenvalues(fn: Callable) -> Verdict:
    """Check ``fhn_eigenvalues(I, a=0.7, b=0.8, tau=12.5)``."""
    def test():
        cases = [(0.0, {}), (0.5, {}), (0.3313, {}), (1.0, {}), (1.6, {}),
                 (0.2, dict(a=0.5, b=0.5, tau=5.0))]
        for I, pars in cases:
            got = np.asarray(fn(I, **pars))
            where_en = f"I = {I}" + "".join(f", {k} = {v}" for k, v in pars.items())
            where_zh = where_en.replace(", ", "，")
            expect_true(got.size == 2, f"{where_en}: return the two eigenvalues (got {got.size} "
                        "values)", f"{where_zh}：应返回两个特征值（得到 {got.size} 个）")
            expect_close(_sorted(got).real, reference_eigenvalues(I, **pars).real,
                         f"{where_en}: real parts of the eigenvalues", f"{where_zh}：特征值的实部",
                         rtol=1e-6, atol=1e-9)
            expect_close(np.abs(_sorted(got).imag), np.abs(reference_eigenvalues(I, **pars).imag),
                         f"{where_en}: imaginary parts of the eigenvalues",
                         f"{where_zh}：特征值的虚部", rtol=1e-6, atol=1e-9)
    return check("FitzHugh-Nagumo's eigenvalues", "FitzHugh-Nagumo 模型的特征值", test)
