"""Linear stability of fixed points: the Jacobian and what its eigenvalues say.

Near a fixed point x* of dx/dt = F(x), a small deviation u = x - x* obeys
du/dt = J u with the Jacobian J_ij = dF_i/dx_j (x*).  Its eigenvalues
lambda decide the local picture (Strogatz, *Nonlinear Dynamics and Chaos*,
2nd ed. 2015, sections 2.4 and 5.2; Izhikevich, *Dynamical Systems in
Neuroscience*, 2007, chapter 4)::

    1-D: F'(x*) < 0 stable, > 0 unstable, = 0 look at F on both sides
    2-D: both real, < 0        stable node       complex, Re < 0   stable focus
         both real, > 0        unstable node     complex, Re > 0   unstable focus
         real, opposite signs  saddle            purely imaginary  center
         one eigenvalue 0      saddle-node (non-hyperbolic)

J is found by central differences, so any model code works.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# 1-D classes (Strogatz section 2.2: "half-stable" is also called semi-stable)
STABLE, UNSTABLE, SEMI_STABLE = "stable", "unstable", "semi-stable"
# 2-D classes
STABLE_NODE, UNSTABLE_NODE, SADDLE = "stable node", "unstable node", "saddle"
STABLE_FOCUS, UNSTABLE_FOCUS, CENTER = "stable focus", "unstable focus", "center"
SADDLE_NODE, DEGENERATE = "saddle-node", "degenerate"

STABLE_CLASSES = (STABLE, STABLE_NODE, STABLE_FOCUS)

# Eigenvalues smaller than this fraction of the largest |lambda| count as 0:
# the finite-difference Jacobian is accurate to about 1e-10 (relative), so
# this leaves room while still resolving any textbook-sized eigenvalue.
EIG_RTOL = 1e-6

# How the plots draw each class: filled = stable, open = unstable
# (the convention of Izhikevich 2007, chapter 4).
MARKERS = {
    STABLE: dict(marker="o", color="k", markerfacecolor="k"),
    UNSTABLE: dict(marker="o", color="k", markerfacecolor="w"),
    SEMI_STABLE: dict(marker="o", color="tab:orange", markerfacecolor="tab:orange"),
    STABLE_NODE: dict(marker="o", color="k", markerfacecolor="k"),
    UNSTABLE_NODE: dict(marker="o", color="k", markerfacecolor="w"),
    SADDLE: dict(marker="X", color="tab:red", markerfacecolor="tab:red"),
    STABLE_FOCUS: dict(marker="s", color="tab:blue", markerfacecolor="tab:blue"),
    UNSTABLE_FOCUS: dict(marker="s", color="tab:blue", markerfacecolor="w"),
    CENTER: dict(marker="D", color="tab:green", markerfacecolor="w"),
    SADDLE_NODE: dict(marker="o", color="tab:orange", markerfacecolor="tab:orange"),
    DEGENERATE: dict(marker="*", color="tab:purple", markerfacecolor="tab:purple"),
}


def jacobian(fun: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """J_ij = dF_i/dx_j at ``x`` by central differences.

    The step h_j = eps^(1/3) * max(1, |x_j|) balances the truncation error
    (~h^2) against rounding (~eps/h), giving about 10 correct digits.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    J = np.empty((n, n))
    for j in range(n):
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(x[j]))
        e = np.zeros(n)
        e[j] = h
        J[:, j] = (np.asarray(fun(x + e)) - np.asarray(fun(x - e))) / (2 * h)
    return J


def classify_1d(derivative: float, left: float, right: float, tol: float = 1e-9) -> str:
    """Stability of a fixed point x* of dx/dt = F(x) in one dimension.

    ``derivative`` is F'(x*); ``left`` and ``right`` are F just below and
    above x*, used when F'(x*) is (numerically) zero.  Strogatz 2015, 2.4.
    """
    if derivative < -tol:
        return STABLE
    if derivative > tol:
        return UNSTABLE
    # F'(x*) = 0: the flow on both sides decides (dx/dt = -x^3 is stable,
    # dx/dt = x^2 is semi-stable: attracting from one side only).
    if left > 0 > right:
        return STABLE
    if left < 0 < right:
        return UNSTABLE
    return SEMI_STABLE


def classify_2d(eigenvalues: np.ndarray, rtol: float = EIG_RTOL) -> str:
    """Stability class of a fixed point of a planar system from the two
    eigenvalues of its Jacobian (Strogatz 2015, section 5.2, figure 5.2.8)."""
    lam = np.asarray(eigenvalues, dtype=complex)
    scale = float(np.max(np.abs(lam)))
    if scale == 0.0:
        return DEGENERATE
    tol = rtol * scale
    re, im = lam.real, lam.imag
    if np.any(np.abs(im) > tol):          # a complex pair: trajectories turn
        if abs(re[0]) <= tol:
            return CENTER
        return STABLE_FOCUS if re[0] < 0 else UNSTABLE_FOCUS
    zero = np.abs(re) <= tol
    if zero.all():
        return DEGENERATE
    if zero.any():
        return SADDLE_NODE
    if (re < 0).all():
        return STABLE_NODE
    if (re > 0).all():
        return UNSTABLE_NODE
    return SADDLE


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point: where all target derivatives vanish.

    Attributes
    ----------
    values : ``{variable: value}`` at the fixed point (``fp['V']`` reads one)
    stability : its class, e.g. ``'stable focus'`` (see the module docstring)
    eigenvalues : eigenvalues of the Jacobian there
    jacobian : the Jacobian matrix J_ij = dF_i/dx_j
    """

    values: dict
    stability: str
    eigenvalues: np.ndarray
    jacobian: np.ndarray

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    @property
    def is_stable(self) -> bool:
        """True for an attractor (stable, stable node, stable focus)."""
        return self.stability in STABLE_CLASSES

    def __repr__(self) -> str:
        where = ", ".join(f"{k}={v:.6g}" for k, v in self.values.items())
        return f"FixedPoint({where}: {self.stability})"
