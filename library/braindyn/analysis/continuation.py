"""Continuation of equilibria in one parameter (pseudo-arclength), with fold and Hopf points.

``Bifurcation`` finds the fixed points again at every value of a parameter grid.
Continuation instead *follows* one branch of equilibria x*(p) of dx/dt = F(x, p)
step by step, as AUTO, MATCONT and XPPAUT do (W. J. F. Govaerts, *Numerical
Methods for Bifurcations of Dynamical Equilibria*, SIAM 2000; Yu. A.
Kuznetsov, *Elements of Applied Bifurcation Theory*, 3rd ed. 2004, ch. 10)::

    unknowns z = (x, p), n + 1 of them, on the curve F(z) = 0 (n equations)
    tangent   t: F_z t = 0, |t| = 1, oriented like the previous tangent
    predictor z~ = z_k + ds t
    corrector Newton on  F(z) = 0,  t . (z - z~) = 0      (the pseudo-arclength condition)

Because the step is along the curve and not along p, the branch goes round a fold
(where p turns back) without trouble, which a scan in p cannot do.  The step ds
grows when Newton converges quickly and shrinks when it does not.  All of this runs
in coordinates scaled by the ranges given (a range becomes length 1), so that mV
and a gating variable count alike.

Along the branch, with the Jacobian J = F_x:

* stability from the eigenvalues of J (the classes of ``stability.py``);
* a **fold** (saddle-node) where the p-component of the tangent changes sign,
  refined by solving F = 0, det J = 0 for (x, p);
* a **Hopf** point (2-D) where tr J changes sign with det J > 0, refined by
  solving F = 0, tr J = 0, with its frequency omega = sqrt(det J) and its
  **first Lyapunov coefficient** l1 (Kuznetsov 2004, eq. 3.20, the multilinear
  forms by finite differences): l1 < 0 supercritical (a small stable cycle is
  born), l1 > 0 subcritical (an unstable cycle; the cell jumps to a large one).
  The sign does not depend on the coordinates; the value is that of the model's
  own coordinates with the eigenvector q normalised to |q| = 1 (MATCONT's
  convention): for z' = (mu + i omega) z + c z |z|^2 in x = Re z, y = Im z it is
  l1 = 2 Re(c) / omega.

Limit-cycle branches are not continued (``Bifurcation.limit_cycles`` finds
cycles by simulation).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
from scipy import optimize

from .fixed_points import find_fixed_points
from .phase_plane import new_axes
from .stability import SADDLE_NODE, STABLE_CLASSES, classify_1d, classify_2d, jacobian
from .system import VectorField, _suggest, as_range, resolution_of, resolve_model

if TYPE_CHECKING:
    from matplotlib.axes import Axes

HOPF = "hopf"
DS = 0.01            # first step, in scaled units (the ranges have length 1)
DS_MIN, DS_MAX = 1e-6, 0.02
MAX_STEPS = 5000
NEWTON_ITER = 8
NEWTON_TOL = 1e-10   # scaled units
START_VALUES = 5     # parameter values where starting equilibria are looked for


def _jacobian_rect(fun, u: np.ndarray) -> np.ndarray:
    """dF_i/du_j (n x m) by central differences, as ``stability.jacobian`` for m != n."""
    u = np.asarray(u, dtype=float)
    cols = []
    for j in range(u.size):
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(u[j]))
        e = np.zeros(u.size)
        e[j] = h
        cols.append((np.asarray(fun(u + e)) - np.asarray(fun(u - e))) / (2 * h))
    return np.array(cols).T


class Continuation:
    """Branches of equilibria as one parameter varies, with folds and Hopf points.

    Parameters
    ----------
    model : derivative ``f(x, y, t, p1, ...)`` or a ``bp.odeint`` integral (as for
        ``PhasePlane`` and ``Bifurcation``)
    target_pars : ``{name: (min, max)}``: the one parameter to follow
    target_vars : ``{variable: (min, max)}`` for one or two variables: the box the
        branches are followed in (and where starting points are looked for)
    fixed_vars, pars_update : values of the other variables and parameters
    ds : first step along the branch, as a fraction of the ranges (it adapts
        between 1e-6 and ``ds_max``)
    ds_max : largest step (default 0.02: at least 50 steps across a range)
    max_steps : most steps per branch and direction

    Example (the Hopf points of FitzHugh-Nagumo)::

        cont = Continuation(fhn, {'I': (0., 2.)}, {'V': (-3, 3), 'w': (-3, 3)})
        cont.bifurcation_points()  # [{'type': 'hopf', 'I': 0.3313, ..., 'l1': ...}, ...]
        cont.plot()

    ``branches()`` gives the curves, ``bifurcation_points()`` the special points.
    """

    def __init__(self, model: Any, target_pars: Mapping[str, Any],
                 target_vars: Mapping[str, Sequence[float]],
                 fixed_vars: Mapping[str, float] | None = None,
                 pars_update: Mapping[str, Any] | None = None,
                 ds: float = DS, ds_max: float = DS_MAX, max_steps: int = MAX_STEPS):
        if not isinstance(target_pars, Mapping) or len(target_pars) != 1:
            raise ValueError("Continuation follows one parameter: give target_pars as "
                             "{name: (min, max)} with one entry; hold the others fixed with "
                             "pars_update")
        _, sig, fname, _, _ = resolve_model(model)
        (p,) = target_pars
        if p not in sig.params + sig.variables:
            raise ValueError(f"target_pars: {p!r} is not a parameter of {fname}(); the "
                             f"parameters are {sig.params}.{_suggest(p, sig.params)}")
        if p in (target_vars or {}):
            raise ValueError(f"{p!r} is in both target_pars and target_vars")
        self.field = VectorField(model, target_vars, fixed_vars, pars_update, free=(p,),
                                 max_dims=2, owner="Continuation")
        self.parameter = p
        self.par_range = as_range("target_pars", p, target_pars[p])
        self.ds, self.ds_max, self.max_steps = float(ds), float(ds_max), int(max_steps)
        n = self.field.ndim
        self._lo = np.array([lo for lo, _ in self.field.ranges.values()] + [self.par_range[0]])
        self._span = np.array([hi - lo for lo, hi in self.field.ranges.values()]
                              + [self.par_range[1] - self.par_range[0]])
        self._n = n
        self._branches: list | None = None
        self._points: list | None = None

    @property
    def variables(self) -> tuple:
        return self.field.targets

    # -- the curve in scaled coordinates u = (z - lo) / span ---------------------------
    def _z(self, u):
        return self._lo + self._span * u

    def _F(self, u):
        z = self._z(u)
        return self.field.rhs(z[:self._n], **{self.parameter: float(z[self._n])})

    def _J(self, x, par):
        return jacobian(lambda y: self.field.rhs(y, **{self.parameter: par}), x)

    def _tangent(self, u, previous):
        A = _jacobian_rect(self._F, u)              # n x (n + 1)
        t = np.linalg.svd(A)[2][-1]                 # its null vector
        if previous is not None and t @ previous < 0:
            t = -t
        return t

    def _correct(self, u_pred, t):
        u = u_pred.copy()
        for k in range(NEWTON_ITER):
            G = np.append(self._F(u), t @ (u - u_pred))
            if not np.isfinite(G).all():
                return None, k
            A = np.vstack([_jacobian_rect(self._F, u), t])
            try:
                du = np.linalg.solve(A, -G)
            except np.linalg.LinAlgError:
                return None, k
            u = u + du
            if np.max(np.abs(du)) < NEWTON_TOL:
                return u, k + 1
        return None, NEWTON_ITER

    def _inside(self, u, margin=0.0):
        return bool(np.all(u >= -margin) and np.all(u <= 1 + margin))

    def _follow(self, u0, direction):
        """Points of the branch through u0, in one direction (+1: p grows at first)."""
        t = self._tangent(u0, None)
        if t[-1] * direction < 0 or (t[-1] == 0 and direction < 0):
            t = -t
        points, ds = [u0], self.ds
        for _ in range(self.max_steps):
            u, iters = self._correct(points[-1] + ds * t, t)
            if u is None or np.max(np.abs(u - points[-1])) > 3 * ds:
                ds /= 2                                # Newton failed, or jumped branches
                if ds < DS_MIN:
                    break
                continue
            points.append(u)
            if not self._inside(u):
                break
            if len(points) > 10 and np.max(np.abs(u - u0)) < ds / 2:
                break                                  # a closed curve: back at the start
            t = self._tangent(u, t)
            if iters <= 3:
                ds = min(ds * 1.5, self.ds_max)
        return points

    # -- data ----------------------------------------------------------------------------
    def _starts(self) -> list:
        lo, hi = self.par_range
        axes = [resolution_of(None, v, *self.field.ranges[v], 1001 if self._n == 1 else 121)
                for v in self.variables]
        starts = []
        for par in np.linspace(lo, hi, START_VALUES):
            for fp in find_fixed_points(self.field, axes, {self.parameter: float(par)}):
                x = np.array([fp[v] for v in self.variables])
                starts.append((np.append(x, par) - self._lo) / self._span)
        return starts

    def _compute(self):
        if self._branches is not None:
            return
        branches = []
        for u0 in self._starts():
            if any(self._on_branch(u0, b) for b in branches):
                continue
            back = self._follow(u0, -1)
            forth = self._follow(u0, +1)
            branches.append(np.array(back[::-1] + forth[1:]))
        self._branches = [self._describe(b) for b in branches]
        self._points = sorted((pt for b in self._branches for pt in b.pop("_points")),
                              key=lambda d: d[self.parameter])

    def _on_branch(self, u, branch) -> bool:
        d = np.sqrt(((branch[1:] - branch[:-1]) ** 2).sum(axis=1))
        near = np.sqrt(((branch - u) ** 2).sum(axis=1))
        return bool(near.min() <= max(2 * self.ds_max, d.max(initial=0.0)))

    def _describe(self, us: np.ndarray) -> dict:
        zs = self._z(us)
        keep = np.array([self._inside(u, 1e-9) for u in us])
        n, p = self._n, self.parameter
        eig, kinds, det, tr = [], [], [], []
        for z in zs:
            J = self._J(z[:n], float(z[n]))
            lam = np.linalg.eigvals(J)
            eig.append(lam)
            det.append(np.linalg.det(J))
            tr.append(np.trace(J))
            kinds.append(classify_2d(lam) if n == 2 else
                         classify_1d(J[0, 0], -J[0, 0], J[0, 0]))
        tangents_p = np.diff(us[:, -1])
        found = []
        for k in range(len(us) - 1):
            if not (keep[k] or keep[k + 1]):
                continue
            if k > 0 and tangents_p[k - 1] * tangents_p[k] < 0:
                found.append(self._refine(SADDLE_NODE, zs[k]))
            if n == 2 and tr[k] * tr[k + 1] < 0 and det[k] > 0 and det[k + 1] > 0:
                found.append(self._refine(HOPF, (zs[k] + zs[k + 1]) / 2))
        out = {p: zs[keep, n], **{v: zs[keep, i] for i, v in enumerate(self.variables)}}
        out["stability"] = np.array(kinds, dtype=object)[keep]
        out["stable"] = np.array([k in STABLE_CLASSES for k in kinds])[keep]
        out["eigenvalues"] = np.array(eig, dtype=complex).reshape(len(zs), n)[keep]
        out["_points"] = [f for f in found if f is not None]
        return out

    def _refine(self, kind: str, z0: np.ndarray) -> dict | None:
        """Solve F = 0 with det J = 0 (fold) or tr J = 0 (Hopf), in scaled coordinates."""
        n, p = self._n, self.parameter

        def augmented(u):
            z = self._z(u)
            x, par = z[:n], float(z[n])
            J = self._J(x, par)
            cond = np.linalg.det(J) if kind == SADDLE_NODE else np.trace(J)
            return np.append(self.field.rhs(x, **{p: par}), cond)

        u0 = (z0 - self._lo) / self._span
        sol = optimize.root(augmented, u0, method="hybr",
                            options={"xtol": 1e-12, "eps": 1e-10})
        z = self._z(sol.x)
        x, par = z[:n], float(z[n])
        if not (np.isfinite(sol.x).all() and np.max(np.abs(sol.x - u0)) < 0.05
                and np.max(np.abs(self.field.rhs(x, **{p: par}))) < 1e-7):
            return None
        J = self._J(x, par)
        point = {"type": kind, p: par, **{v: float(xi) for v, xi in zip(self.variables, x)},
                 "eigenvalues": np.linalg.eigvals(J)}
        if kind == HOPF:
            if np.linalg.det(J) <= 0:
                return None                       # tr J = 0 at a saddle: no Hopf point
            point["omega"] = float(np.sqrt(np.linalg.det(J)))
            point["l1"] = self.lyapunov_coefficient(x, par)
            point["criticality"] = "supercritical" if point["l1"] < 0 else "subcritical"
        return point

    def lyapunov_coefficient(self, x: np.ndarray, par: float) -> float:
        """The first Lyapunov coefficient l1 at a Hopf point (x, par) of a 2-D model.

        Kuznetsov (2004), eq. 3.20: with A = J, A q = i omega q, A^T p = -i omega p,
        <p, q> = 1 and B, C the second and third derivatives of F as multilinear forms::

            l1 = Re[<p, C(q, q, qbar)> - 2 <p, B(q, A^-1 B(q, qbar))>
                    + <p, B(qbar, (2 i omega - A)^-1 B(q, q))>] / (2 omega)
        """
        x = np.asarray(x, dtype=float)
        par = float(par)
        F = lambda y: self.field.rhs(y, **{self.parameter: par})  # noqa: E731
        A = self._J(x, par)
        lam, vecs = np.linalg.eig(A)
        k = int(np.argmax(lam.imag))
        omega, q = lam[k].imag, vecs[:, k]
        lamT, vecsT = np.linalg.eig(A.T)
        pv = vecsT[:, int(np.argmin(np.abs(lamT + 1j * omega)))]
        pv = pv / np.conj(np.vdot(pv, q))                       # <p, q> = conj(p) . q = 1
        scale = self._span[:self._n]
        h2, h3 = 1e-4, 2e-3                                      # scaled steps

        def B_real(a, b):
            a, b = a * h2 * scale, b * h2 * scale
            return (F(x + a + b) - F(x + a - b) - F(x - a + b) + F(x - a - b)) / 4

        def C_real(a, b, c):
            a, b, c = a * h3 * scale, b * h3 * scale, c * h3 * scale
            total = 0.0
            for s1 in (1, -1):
                for s2 in (1, -1):
                    for s3 in (1, -1):
                        total = total + s1 * s2 * s3 * F(x + s1 * a + s2 * b + s3 * c)
            return total / 8

        def B(u, v):        # complex bilinear, in the model's coordinates
            u, v = u / scale, v / scale
            re = B_real(u.real, v.real) - B_real(u.imag, v.imag)
            im = B_real(u.real, v.imag) + B_real(u.imag, v.real)
            return (re + 1j * im) / h2 ** 2

        def C(u, v, w):
            u, v, w = u / scale, v / scale, w / scale
            parts = [(u.real, 1), (u.imag, 1j)]
            out = 0j
            for ua, ca in parts:
                for vb, cb in [(v.real, 1), (v.imag, 1j)]:
                    for wc, cc in [(w.real, 1), (w.imag, 1j)]:
                        out = out + ca * cb * cc * C_real(ua, vb, wc)
            return out / h3 ** 3

        qb = np.conj(q)
        term = (np.vdot(pv, C(q, q, qb))
                - 2 * np.vdot(pv, B(q, np.linalg.solve(A, B(q, qb))))
                + np.vdot(pv, B(qb, np.linalg.solve(2j * omega * np.eye(len(x)) - A,
                                                    B(q, q)))))
        return float(term.real / (2 * omega))

    def branches(self) -> list[dict]:
        """The branches followed, each ``{par: (k,), var: (k,), 'stability': (k,) str,
        'stable': (k,) bool, 'eigenvalues': (k, n)}`` for its k points in order along
        the curve (inside the ranges)."""
        self._compute()
        return [dict(b) for b in self._branches]

    def bifurcation_points(self) -> list[dict]:
        """Folds and Hopf points on the branches, sorted by the parameter:
        ``{'type': 'saddle-node' | 'hopf', par: value, var: value, 'eigenvalues': ...}``,
        Hopf points also with ``'omega'`` (rad/ms), ``'l1'`` and ``'criticality'``."""
        self._compute()
        return [dict(pt) for pt in self._points]

    # -- plot ------------------------------------------------------------------------------
    def plot(self, variable: str | None = None, ax: Axes | None = None) -> Axes:
        """The branches in the (parameter, variable) plane: solid where stable, dashed
        where not; folds as orange dots, Hopf points as blue squares."""
        variable = variable or self.variables[0]
        if variable not in self.variables:
            raise ValueError(f"variable must be one of {self.variables}, got {variable!r}"
                             f"{_suggest(variable, self.variables)}")
        ax = ax or new_axes()
        p = self.parameter
        labelled = set()
        for b in self.branches():
            x, y, stable = b[p], b[variable], b["stable"]
            for flag, style, label in ((True, "-", "stable"), (False, "--", "unstable")):
                # join each run with its neighbour so that the line has no gaps
                edge = np.convolve((stable == flag).astype(float), [1, 1, 1], "same") > 0
                ys = np.where(edge, y, np.nan)
                ax.plot(x, ys, style, color="k",
                        label=None if label in labelled else label)
                labelled.add(label)
        for pt in self.bifurcation_points():
            style = dict(marker="o", color="tab:orange") if pt["type"] == SADDLE_NODE else \
                dict(marker="s", color="tab:blue")
            label = pt["type"] if pt["type"] not in labelled else None
            labelled.add(pt["type"])
            ax.plot([pt[p]], [pt[variable]], linestyle="none", label=label, **style)
        ax.set_xlabel(p)
        ax.set_ylabel(variable)
        ax.legend(loc="best", fontsize="small")
        return ax
