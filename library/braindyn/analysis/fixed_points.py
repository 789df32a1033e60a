"""Find the fixed points of a 1-D or 2-D vector field inside a box.

The field is first evaluated on a grid (cheap: one vectorised call); the grid
says where roots can be, and ``scipy.optimize`` then finds them precisely.

* 1-D: F changes sign between two grid points -> ``brentq`` in that
  interval.  A root where F only touches zero (dx/dt = x^2) has no sign
  change, so local minima of |F| are also refined (``minimize_scalar``) and
  kept when |F| vanishes there.
* 2-D: a fixed point is where the nullclines F_x = 0 and F_y = 0 cross, so
  the candidates are the grid cells in which *both* components change sign;
  ``scipy.optimize.root`` (Powell's hybrid method) starts in each such cell.

Roots closer than a tiny fraction of the box are the same point.
Reference: Press et al., *Numerical Recipes*, 3rd ed. 2007, sections 9.1-9.7.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage, optimize

from .stability import FixedPoint, classify_1d, classify_2d, jacobian
from .system import VectorField

# Two roots nearer than this fraction of the box size are one fixed point.
SAME_POINT = 1e-6
# |F| below this (times the typical |F| on the grid) counts as zero.
F_TOL = 1e-9


def _evaluate(field: VectorField, axes: list, free: dict) -> list:
    grids = np.meshgrid(*axes, indexing="ij")
    # Models may have removable singularities on the grid (the HH rate
    # alpha_m is 0/0 at V = -40 mV): those points become NaN, not warnings.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return list(field(*grids, **free))


def _deduplicate(points: list, spans: np.ndarray) -> list:
    kept = []
    for p in points:
        if all(np.max(np.abs(p - q) / spans) > SAME_POINT for q in kept):
            kept.append(p)
    return kept


def _inside(p: np.ndarray, field: VectorField) -> bool:
    return all(lo - 1e-9 * (hi - lo) <= x <= hi + 1e-9 * (hi - lo)
               for x, (lo, hi) in zip(p, field.ranges.values()))


def roots_1d(field: VectorField, xs: np.ndarray, free: dict) -> list:
    """Roots of F(x) = 0 in [xs[0], xs[-1]], sorted."""
    (fx,) = _evaluate(field, [xs], free)
    ftol = F_TOL * (1.0 + np.nanmax(np.abs(fx), initial=0.0))

    def F(x):
        return field.rhs(np.array([x]), **free)[0]

    roots = [np.array([x]) for x in xs[fx == 0.0]]
    for i in np.flatnonzero(fx[:-1] * fx[1:] < 0):
        roots.append(np.array([optimize.brentq(F, xs[i], xs[i + 1], xtol=1e-14)]))
    # Touching roots: |F| has a local minimum and F keeps its sign around it.
    a = np.abs(fx)
    touch = np.flatnonzero((a[1:-1] <= a[:-2]) & (a[1:-1] <= a[2:]) & (fx[1:-1] != 0)
                           & (fx[:-2] * fx[1:-1] > 0) & (fx[1:-1] * fx[2:] > 0)) + 1
    for i in touch:
        res = optimize.minimize_scalar(lambda x: abs(F(x)), bounds=(xs[i - 1], xs[i + 1]),
                                       method="bounded", options={"xatol": 1e-13})
        if abs(F(res.x)) <= ftol:
            roots.append(np.array([res.x]))
    roots = [r for r in roots if np.isfinite(r).all()]
    roots.sort(key=lambda r: r[0])
    return _deduplicate(roots, np.array([xs[-1] - xs[0]]))


def _candidate_cells(U: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid cells that may hold a crossing of the nullclines U = 0 and W = 0.

    Both components must change sign over the cell's corners.  That alone
    also accepts every cell of a band where the two nullclines run close
    together without crossing, so a cell must in addition either contain the
    crossing of the *linearised* nullclines (one Newton step from its centre
    lands within a cell of it), or be nearer to both nullclines than its
    neighbours are (which catches crossings at a tangency, near a saddle-node).
    Lengths are in cells, so the two axes may have any units.
    """
    def cell_stats(Z):
        c = np.stack([Z[:-1, :-1], Z[1:, :-1], Z[:-1, 1:], Z[1:, 1:]])
        centre = c.mean(axis=0)
        dx = (c[1] + c[3] - c[0] - c[2]) / 2      # change across one cell in x
        dy = (c[2] + c[3] - c[0] - c[1]) / 2      # ... and in y
        sign_change = (c.min(axis=0) <= 0) & (c.max(axis=0) >= 0)
        return centre, dx, dy, sign_change

    with np.errstate(divide="ignore", invalid="ignore"):
        u, ux, uy, su = cell_stats(U)
        w, wx, wy, sw = cell_stats(W)
        det = ux * wy - uy * wx
        step_x = (-u * wy + w * uy) / det          # Newton step from the centre (Cramer)
        step_y = (-w * ux + u * wx) / det
        crossing = (np.abs(step_x) <= 1) & (np.abs(step_y) <= 1)
        # Distance (in cells) from the centre to each linearised nullcline.
        dist = u ** 2 / (ux ** 2 + uy ** 2) + w ** 2 / (wx ** 2 + wy ** 2)
    dist = np.where(np.isfinite(dist), dist, np.inf)
    nearest = dist <= ndimage.minimum_filter(dist, size=3, mode="nearest")
    return np.nonzero(su & sw & (crossing | nearest))


def roots_2d(field: VectorField, xs: np.ndarray, ys: np.ndarray, free: dict) -> list:
    """Roots of (F_x, F_y) = 0 in the box spanned by ``xs`` and ``ys``."""
    U, W = _evaluate(field, [xs, ys], free)
    spans = np.array([xs[-1] - xs[0], ys[-1] - ys[0]])
    ftol = F_TOL * (1.0 + np.nanmax(np.abs(U), initial=0.0) + np.nanmax(np.abs(W), initial=0.0))
    cell = np.array([xs[1] - xs[0], ys[1] - ys[0]])
    roots: list = []
    for i, j in zip(*_candidate_cells(U, W)):
        start = np.array([xs[i], ys[j]]) + cell / 2
        # Neighbouring candidate cells lead to the same root: skip them.
        if any(np.all(np.abs(start - r) <= 2 * cell) for r in roots):
            continue
        sol = optimize.root(lambda p: field.rhs(p, **free), start, method="hybr",
                            options={"xtol": 1e-13})
        if np.isfinite(sol.x).all() and np.max(np.abs(sol.fun)) <= ftol \
                and _inside(sol.x, field):
            roots.append(sol.x)
    roots = _deduplicate(roots, spans)
    roots.sort(key=lambda r: tuple(r))
    return roots


def classify(field: VectorField, x: np.ndarray, free: dict) -> FixedPoint:
    """The FixedPoint at ``x`` with its Jacobian, eigenvalues and class."""
    J = jacobian(lambda p: field.rhs(p, **free), x)
    lam = np.linalg.eigvals(J)
    if field.ndim == 1:
        lo, hi = field.ranges[field.targets[0]]
        d = 1e-4 * (hi - lo)
        left = field.rhs(x - d, **free)[0]
        right = field.rhs(x + d, **free)[0]
        scale = max(1.0, abs(left) / d, abs(right) / d)
        kind = classify_1d(J[0, 0], left, right, tol=1e-7 * scale)
    else:
        kind = classify_2d(lam)
    return FixedPoint(values={v: float(xi) for v, xi in zip(field.targets, x)},
                      stability=kind, eigenvalues=lam, jacobian=J)


def find_fixed_points(field: VectorField, axes: list, free: dict | None = None) -> list:
    """All fixed points of ``field`` on the grid ``axes`` (one array per
    target), classified, as a list of FixedPoint."""
    free = free or {}
    roots = roots_1d(field, axes[0], free) if field.ndim == 1 else \
        roots_2d(field, axes[0], axes[1], free)
    return [classify(field, r, free) for r in roots]
