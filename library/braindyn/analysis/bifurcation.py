"""Bifurcation analysis in one or two parameters.

A bifurcation is a parameter value where the phase portrait changes
qualitatively (Strogatz, *Nonlinear Dynamics and Chaos*, 2nd ed. 2015,
chapters 3 and 8; Izhikevich, *Dynamical Systems in Neuroscience*, 2007,
chapter 6).  This module scans the parameter(s) over a grid and, at each
value, finds the fixed points and their stability (as ``PhasePlane`` does).
Two codimension-one bifurcations of fixed points are then located precisely
by solving the fixed-point equations together with a condition on the
Jacobian J, with the parameter p as one more unknown::

    saddle-node:  F(x, p) = 0  and  det J(x, p) = 0   (an eigenvalue is 0)
    Hopf:         F(x, p) = 0  and  tr J(x, p) = 0, with det J > 0
                  (a pair of eigenvalues +-i*omega, in 2-D)

Limit cycles, which fixed-point analysis cannot see, are found by
simulation: after a transient, the maximum and minimum of each variable
(equal at a fixed point, apart at an oscillation).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
from scipy import optimize

from .fixed_points import find_fixed_points
from .phase_plane import label_once, new_axes, parse_duration, parse_initials
from .stability import (CENTER, MARKERS, SADDLE, SADDLE_NODE, STABLE_CLASSES, FixedPoint,
                        jacobian)
from .system import VectorField, _suggest, as_range, resolution_of, resolve_model

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Default grid sizes.  Every parameter value needs its own fixed-point search,
# so two-parameter scans and their variable grids are kept coarser.
DEFAULT_PAR_POINTS = (101, 31)        # one parameter, each of two parameters
DEFAULT_VAR_POINTS = {1: 1001, 2: 121}
# An oscillation is a max - min larger than this fraction of the variable's range.
AMPLITUDE_RTOL = 1e-3


def _parameter_values(name: str, spec: Any, resolutions: Any, default_n: int) -> np.ndarray:
    """The values of one bifurcation parameter: a (min, max) range on a grid, or
    exactly the values of a NumPy array."""
    if isinstance(spec, np.ndarray):
        values = np.asarray(spec, dtype=float).ravel()
        if values.size == 0 or not np.isfinite(values).all():
            raise ValueError(f"target_pars[{name!r}] must hold finite values; got {spec!r}")
        return values
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        return resolution_of(resolutions, name, *as_range("target_pars", name, spec), default_n)
    raise ValueError(f"target_pars[{name!r}] must be a (min, max) range such as (0.0, 1.0) "
                     f"or a NumPy array of the values to use; got {spec!r}")


class Bifurcation:
    """Fixed points, their stability and limit cycles as parameters vary.

    Parameters
    ----------
    model : derivative ``f(x, y, ..., t, p1, ...)`` or a ``bp.odeint`` integral
    target_pars : ``{name: (min, max)}`` or ``{name: np.array([...])}`` for one
        or two parameters.  A name may also be a variable that is not in
        target_vars: it is then frozen at each value (as in fast-slow analysis).
    target_vars : ``{variable: (min, max)}`` for one or two variables: where
        fixed points are looked for
    fixed_vars : ``{variable: value}`` for the remaining variables
    pars_update : ``{parameter: value}`` for the other parameters (else defaults)
    resolutions : grid step, one number or ``{name: step}`` for parameters and
        variables; defaults: 101 values of one parameter (31 each of two), and
        1001 (1-D) or 121 x 121 (2-D) grid points for the variables
    dt, method : step and method for the limit-cycle simulations; default the
        integral's own when ``model`` is an odeint integral, else 0.1 and 'rk4'

    Example (the Hopf bifurcation of FitzHugh-Nagumo)::

        bif = Bifurcation(fhn, {'I': (0., 2.)}, {'V': (-3, 3), 'w': (-3, 3)})
        bif.bifurcation_points()   # [{'type': 'hopf', 'I': 0.331..., ...}, ...]
        bif.plot_bifurcation(); bif.plot_limit_cycle(duration=400)
    """

    def __init__(self, model: Any, target_pars: Mapping[str, Any],
                 target_vars: Mapping[str, Sequence[float]],
                 fixed_vars: Mapping[str, float] | None = None,
                 pars_update: Mapping[str, Any] | None = None,
                 resolutions: float | Mapping[str, float] | None = None,
                 dt: float | None = None, method: str | None = None):
        if not isinstance(target_pars, Mapping) or not 1 <= len(target_pars) <= 2:
            n = len(target_pars) if isinstance(target_pars, Mapping) else "no"
            raise ValueError(f"Bifurcation varies one or two parameters: give target_pars as "
                             f"{{name: (min, max)}} with 1 or 2 entries (got {n}); hold the "
                             f"others fixed with pars_update")
        both = [name for name in target_pars if name in (target_vars or {})]
        if both:
            raise ValueError(f"{both[0]!r} is in both target_pars and target_vars; a name is "
                             f"either varied as a parameter or studied as a variable")
        _, sig, fname, _, _ = resolve_model(model)
        for name in target_pars:
            if name not in sig.params + sig.variables:
                raise ValueError(f"target_pars: {name!r} is not a parameter of {fname}(); "
                                 f"the parameters are {sig.params}."
                                 f"{_suggest(name, sig.params + sig.variables)}")
        self.field = VectorField(model, target_vars, fixed_vars, pars_update,
                                 free=tuple(target_pars), max_dims=2, owner="Bifurcation")
        self.parameters = tuple(target_pars)
        n_default = DEFAULT_PAR_POINTS[len(target_pars) - 1]
        self.par_values = {p: _parameter_values(p, target_pars[p], resolutions, n_default)
                           for p in self.parameters}
        n_var = DEFAULT_VAR_POINTS[self.field.ndim]
        self.axes = [resolution_of(resolutions, v, *self.field.ranges[v], n_var)
                     for v in self.field.targets]
        self.dt = self.field.dt if dt is None else float(dt)
        self.method = self.field.method if method is None else method
        self._scan: list | None = None

    @property
    def variables(self) -> tuple:
        return self.field.targets

    def _grid(self) -> list[dict]:
        """Every parameter combination, as dicts; two parameters vary 'ij' style."""
        grids = np.meshgrid(*self.par_values.values(), indexing="ij")
        return [dict(zip(self.parameters, map(float, combo)))
                for combo in zip(*(g.ravel() for g in grids))]

    def _scan_fixed_points(self) -> list[tuple[dict, list[FixedPoint]]]:
        if self._scan is None:
            self._scan = [(pars, find_fixed_points(self.field, self.axes, pars))
                          for pars in self._grid()]
        return self._scan

    # -- data ---------------------------------------------------------------
    def fixed_points(self) -> dict:
        """All fixed points over the parameter grid, one entry per point found.

        Returns ``{par: (k,), var: (k,), 'stability': (k,) str, 'eigenvalues': (k, n)}``
        for the k fixed points, so ``d['V'][d['stability'] == 'saddle']`` picks
        the saddles and ``d['I']`` says at which parameter value each lies.
        """
        rows = [(pars, fp) for pars, fps in self._scan_fixed_points() for fp in fps]
        n = self.field.ndim
        out = {p: np.array([pars[p] for pars, _ in rows]) for p in self.parameters}
        out.update({v: np.array([fp[v] for _, fp in rows]) for v in self.variables})
        out["stability"] = np.array([fp.stability for _, fp in rows], dtype=object)
        out["eigenvalues"] = np.array([fp.eigenvalues for _, fp in rows],
                                      dtype=complex).reshape(len(rows), n)
        return out

    def bifurcation_points(self) -> list[dict]:
        """Saddle-node and Hopf points of the fixed points (one parameter only).

        Where the number of fixed points changes between two grid values (a
        saddle-node: two points meet and vanish) or a fixed point changes
        stability with det J > 0 (Hopf, 2-D), the point is refined by solving
        the augmented system in the module docstring.  Returns dicts
        ``{'type': 'saddle-node' | 'hopf', par: value, var: value, ...}``.
        """
        if len(self.parameters) != 1:
            raise ValueError("bifurcation_points() follows one parameter: make a "
                             "Bifurcation with a single entry in target_pars")
        (p,) = self.parameters
        scan = self._scan_fixed_points()
        values = self.par_values[p]
        step = np.max(np.abs(np.diff(values))) if values.size > 1 else 0.0
        found: list[dict] = []
        for (pa, A), (pb, B) in zip(scan[:-1], scan[1:]):
            bracket = sorted([pa[p], pb[p]])
            if len(A) != len(B):
                more, p_more = (A, pa[p]) if len(A) > len(B) else (B, pb[p])
                x0 = self._closest_pair_midpoint(more)
                found.append(self._refine("saddle-node", x0, p_more, bracket, step))
            if self.field.ndim == 2:
                for fa in A:
                    fb = self._nearest(fa, B)
                    if fb is not None and self._crosses_hopf(fa, fb):
                        x0 = (self._vec(fa) + self._vec(fb)) / 2
                        found.append(self._refine("hopf", x0, (pa[p] + pb[p]) / 2, bracket,
                                                  step))
        return self._unique([f for f in found if f is not None])

    def limit_cycles(self, duration: float | Sequence[float], transient: float | None = None,
                     initials: Any = None, dt: float | None = None) -> dict:
        """Extrema of each variable after a transient, from one simulation per
        parameter value (all run together with ``bp.integrate``).

        ``initials``: one point used for every parameter value; by default each
        run starts next to an unstable fixed point (where cycles are born in a
        Hopf bifurcation) or, if there is none, at the centre of the window.
        ``transient``: time discarded first (default: the first half).

        Returns ``{par: values, var: {'max': ..., 'min': ...}, 'amplitude': ...,
        'oscillates': bool array}`` with arrays shaped like the parameter grid.
        ``oscillates`` is True where max - min of some variable exceeds
        1e-3 of its range: an oscillation, not a fixed point.  A decaying
        oscillation needs a long enough transient to count as a fixed point.
        """
        t0, t1 = parse_duration(duration)
        transient = (t1 - t0) / 2 if transient is None else float(transient)
        if not 0 <= transient < t1 - t0:
            raise ValueError(f"transient must be in [0, duration); got {transient}")
        combos = self._grid()
        y0 = self._cycle_starts(combos, initials)
        free = {p: np.array([c[p] for c in combos]) for p in self.parameters}
        ts, ys = self.field.simulate(y0, (t0, t1), self.dt if dt is None else dt,
                                     self.method, **free)
        after = ys[ts >= t0 + transient]
        shape = tuple(v.size for v in self.par_values.values())
        grids = np.meshgrid(*self.par_values.values(), indexing="ij")
        out: dict = {p: g.reshape(shape) for p, g in zip(self.parameters, grids)}
        oscillates = np.zeros(len(combos), dtype=bool)
        amplitude = {}
        for i, v in enumerate(self.variables):
            vmax, vmin = after[:, i].max(axis=0), after[:, i].min(axis=0)
            lo, hi = self.field.ranges[v]
            oscillates |= (vmax - vmin) > AMPLITUDE_RTOL * (hi - lo)
            out[v] = {"max": vmax.reshape(shape), "min": vmin.reshape(shape)}
            amplitude[v] = (vmax - vmin).reshape(shape)
        out["amplitude"] = amplitude
        out["oscillates"] = (oscillates & np.isfinite(after).all(axis=(0, 1))).reshape(shape)
        return out

    # -- plots --------------------------------------------------------------
    def plot_bifurcation(self, axes: Axes | Sequence[Axes] | None = None,
                         markersize: float = 3) -> list[Axes]:
        """One parameter: each variable's fixed points against the parameter,
        marked by stability, with saddle-node (SN) and Hopf (H) points.
        Two parameters: a map of the parameter plane coloured by how many
        fixed points there are and how many are stable.
        Returns the list of axes (one per variable, or one map)."""
        if len(self.parameters) == 2:
            return [self._plot_map(axes[0] if isinstance(axes, (list, tuple)) else axes)]
        axes = self._axes_per_variable(axes)
        (p,) = self.parameters
        data = self.fixed_points()
        points = self.bifurcation_points()
        for ax, v in zip(axes, self.variables):
            for kind in dict.fromkeys(data["stability"]):
                sel = data["stability"] == kind
                style = dict(MARKERS[kind])
                ax.plot(data[p][sel], data[v][sel], linestyle="none", markersize=markersize,
                        label=label_once(ax, kind), **style)
            for b in points:
                tag = "SN" if b["type"] == SADDLE_NODE else "H"
                ax.plot(b[p], b[v], "k*", markersize=10, zorder=6)
                # beside the star, not on the branch through it
                ax.annotate(tag, (b[p], b[v]), xytext=(6, 7), textcoords="offset points",
                            fontsize="small", bbox=dict(facecolor="white", edgecolor="none",
                                                        alpha=0.8, pad=0.5), zorder=7)
            ax.set_xlabel(p)
            ax.set_ylabel(v)
            ax.legend(loc="best", fontsize="small")
        return axes

    def plot_limit_cycle(self, duration: float | Sequence[float], transient: float | None = None,
                         initials: Any = None, dt: float | None = None,
                         axes: Axes | Sequence[Axes] | None = None) -> list[Axes]:
        """Add the max and min of each variable on oscillating runs (one parameter)."""
        if len(self.parameters) != 1:
            raise ValueError("plot_limit_cycle draws one parameter; use limit_cycles() "
                             "for the data of a two-parameter scan")
        axes = self._axes_per_variable(axes)
        (p,) = self.parameters
        data = self.limit_cycles(duration, transient, initials, dt)
        osc = data["oscillates"]
        for ax, v in zip(axes, self.variables):
            for which in ("max", "min"):
                y = np.where(osc, data[v][which], np.nan)
                # Dots, not a line: where a cycle appears with a jump (a
                # subcritical Hopf) a line would invent a branch in between.
                ax.plot(data[p], y, linestyle="none", marker=".", color="tab:green",
                        label=label_once(ax, "limit cycle (max/min)"))
            ax.set_xlabel(p)
            ax.set_ylabel(v)
            ax.legend(loc="best", fontsize="small")
        return axes

    # -- helpers ------------------------------------------------------------
    def _axes_per_variable(self, axes):
        if axes is None:
            import matplotlib.pyplot as plt
            fig, axes = plt.subplots(1, len(self.variables),
                                     figsize=(5 * len(self.variables), 4))
        axes = list(np.atleast_1d(axes))
        if len(axes) != len(self.variables):
            raise ValueError(f"give one axes per variable {self.variables}; got {len(axes)}")
        return axes

    def _plot_map(self, ax):
        ax = new_axes(ax)
        p1, p2 = self.parameters
        labels = []
        for _, fps in self._scan_fixed_points():
            stable = sum(fp.stability in STABLE_CLASSES for fp in fps)
            labels.append(f"{len(fps)} fixed point(s), {stable} stable")
        kinds = sorted(set(labels))
        codes = np.array([kinds.index(lab) for lab in labels], dtype=float)
        shape = (self.par_values[p1].size, self.par_values[p2].size)
        import matplotlib.pyplot as plt
        cmap = plt.get_cmap("tab10", max(len(kinds), 1))
        ax.pcolormesh(self.par_values[p1], self.par_values[p2], codes.reshape(shape).T,
                      cmap=cmap, vmin=-0.5, vmax=len(kinds) - 0.5, shading="nearest")
        for k, kind in enumerate(kinds):
            ax.plot([], [], "s", color=cmap(k), label=kind)
        ax.set_xlabel(p1)
        ax.set_ylabel(p2)
        ax.legend(loc="best", fontsize="small")
        return ax

    def _vec(self, fp: FixedPoint) -> np.ndarray:
        return np.array([fp[v] for v in self.variables])

    def _spans(self) -> np.ndarray:
        return np.array([hi - lo for lo, hi in self.field.ranges.values()])

    def _closest_pair_midpoint(self, fps: list) -> np.ndarray:
        pts = [self._vec(fp) for fp in fps]
        if len(pts) == 1:
            return pts[0]
        spans = self._spans()
        pairs = [(np.max(np.abs(a - b) / spans), (a + b) / 2)
                 for i, a in enumerate(pts) for b in pts[i + 1:]]
        return min(pairs, key=lambda d: d[0])[1]

    def _nearest(self, fp: FixedPoint, others: list) -> FixedPoint | None:
        # The same fixed point one grid step later moves little; 5 % of the
        # window is generous for a smooth branch and rules out jumping branches.
        if not others:
            return None
        spans = self._spans()
        d = [np.max(np.abs(self._vec(fp) - self._vec(o)) / spans) for o in others]
        k = int(np.argmin(d))
        return others[k] if d[k] < 0.05 else None

    @staticmethod
    def _crosses_hopf(a: FixedPoint, b: FixedPoint) -> bool:
        if SADDLE in (a.stability, b.stability) or np.linalg.det(a.jacobian) <= 0 \
                or np.linalg.det(b.jacobian) <= 0:
            return False
        ta, tb = np.trace(a.jacobian), np.trace(b.jacobian)
        return ta * tb < 0 or (CENTER in (a.stability, b.stability) and ta != tb)

    def _refine(self, kind: str, x0: np.ndarray, p0: float, bracket: list,
                step: float) -> dict | None:
        """Solve F(x, p) = 0 with det J = 0 (saddle-node) or tr J = 0 (Hopf)."""
        (p,) = self.parameters
        n = self.field.ndim

        def augmented(z):
            x, par = z[:n], {p: z[n]}
            F = self.field.rhs(x, **par)
            J = jacobian(lambda y: self.field.rhs(y, **par), x)
            return np.append(F, np.linalg.det(J) if kind == SADDLE_NODE else np.trace(J))

        # eps: the inner Jacobian is exact to ~1e-10, so the outer finite
        # difference uses steps of ~1e-5 rather than ~1e-8 to stay above that noise.
        sol = optimize.root(augmented, np.append(x0, p0), method="hybr",
                            options={"xtol": 1e-12, "eps": 1e-10})
        x, par = sol.x[:n], float(sol.x[n])
        lo, hi = bracket[0] - step, bracket[1] + step
        if not (np.isfinite(sol.x).all() and lo <= par <= hi
                and np.max(np.abs(self.field.rhs(x, **{p: par}))) < 1e-7
                and all(a <= xi <= b for xi, (a, b) in zip(x, self.field.ranges.values()))):
            return None
        if kind == "hopf":
            J = jacobian(lambda y: self.field.rhs(y, **{p: par}), x)
            if np.linalg.det(J) <= 0:      # tr J = 0 at a saddle is no Hopf point
                return None
        return {"type": kind, p: par, **{v: float(xi) for v, xi in zip(self.variables, x)}}

    def _unique(self, points: list) -> list:
        (p,) = self.parameters
        spans = self._spans()
        out: list = []
        for b in points:
            same = [o for o in out if o["type"] == b["type"]
                    and abs(o[p] - b[p]) <= 1e-6 * (1 + abs(b[p]))
                    and all(abs(o[v] - b[v]) <= 1e-6 * s for v, s in zip(self.variables, spans))]
            if not same:
                out.append(b)
        return sorted(out, key=lambda b: b[p])

    def _cycle_starts(self, combos: list, initials: Any) -> np.ndarray:
        if initials is not None:
            y0 = parse_initials(initials, self.variables)
            if y0.shape[1] != 1:
                raise ValueError("limit_cycles takes one initial point (used for every "
                                 "parameter value); call it again for other starts")
            return np.repeat(y0, len(combos), axis=1)
        centre = np.array([(lo + hi) / 2 for lo, hi in self.field.ranges.values()])
        spans = self._spans()
        starts = []
        for _, fps in self._scan_fixed_points():
            unstable = [fp for fp in fps if not fp.is_stable and fp.stability != SADDLE]
            # 1 % of the window off the unstable point: on its unstable manifold soon.
            starts.append(self._vec(unstable[0]) + 0.01 * spans if unstable else centre)
        return np.array(starts).T
