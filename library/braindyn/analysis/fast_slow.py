"""Fast-slow analysis of bursting neurons.

A burster such as the Hindmarsh-Rose model has fast variables (x, y: the
spikes) and a slow one (z: an adaptation current)::

    dx/dt = y - a x^3 + b x^2 - z + I
    dy/dt = c - d x^2 - y
    dz/dt = r (s (x - x_R) - z)          r << 1

Because z changes slowly, the fast subsystem (x, y) sees it as a parameter.
Its bifurcation diagram against z (fixed points, their stability and its
limit cycles) is the landscape over which the full trajectory drifts: the
neuron spikes while z sits where the fast subsystem oscillates, and rests
while z sits on a stable branch of fixed points.  Overlaying the full
trajectory (z(t), x(t)) on that diagram shows how the burst starts and ends
(Rinzel 1985; Izhikevich, *Dynamical Systems in Neuroscience*, 2007,
chapter 9; Hindmarsh & Rose, Proc. R. Soc. Lond. B 221 (1984) 87-102).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .bifurcation import Bifurcation
from .phase_plane import label_once, parse_duration, parse_initials
from .system import VectorField, resolve_model

if TYPE_CHECKING:
    from matplotlib.axes import Axes


class FastSlow:
    """The fast subsystem's bifurcations in the slow variable, with the full trajectory.

    Parameters
    ----------
    model : derivative ``f(x, y, z, t, p...)`` or a ``bp.odeint`` integral
    fast_vars : ``{variable: (min, max)}`` for the one or two fast variables
    slow_vars : ``{variable: (min, max)}`` for the one slow variable; its range
        is the axis of the bifurcation diagram
    fixed_vars, pars_update, resolutions, dt, method : as for ``Bifurcation``

    Example (Hindmarsh-Rose)::

        fs = FastSlow(hindmarsh_rose, {'x': (-3, 3), 'y': (-45, 5)}, {'z': (1.0, 3.5)},
                      pars_update={'I': 2.0, 'r': 0.001})
        fs.plot(initials=(-1.6, -12, 1.8), duration=2000, cycle_duration=200)
    """

    def __init__(self, model: Any, fast_vars: Mapping[str, Sequence[float]],
                 slow_vars: Mapping[str, Sequence[float]],
                 fixed_vars: Mapping[str, float] | None = None,
                 pars_update: Mapping[str, Any] | None = None,
                 resolutions: float | Mapping[str, float] | None = None,
                 dt: float | None = None, method: str | None = None):
        if not isinstance(slow_vars, Mapping) or len(slow_vars) != 1:
            raise ValueError(f"FastSlow follows one slow variable: give slow_vars as "
                             f"{{name: (min, max)}} with one entry; got {slow_vars!r}")
        _, sig, name, _, _ = resolve_model(model)
        for v in slow_vars:
            if v not in sig.variables:
                raise ValueError(f"slow_vars: {v!r} is not a variable of {name}(); the "
                                 f"variables are {sig.variables}")
        # The full system: fast and slow variables all move.
        self.full = VectorField(model, {**fast_vars, **slow_vars}, fixed_vars, pars_update,
                                max_dims=len(fast_vars) + 1, owner="FastSlow")
        (self.slow,) = tuple(slow_vars)
        if self.slow in fast_vars:
            raise ValueError(f"{self.slow!r} is in both fast_vars and slow_vars; put it in one")
        # The fast subsystem: the slow variable frozen at each value of its range.
        self.bifurcation = Bifurcation(model, target_pars=slow_vars, target_vars=fast_vars,
                                       fixed_vars=fixed_vars, pars_update=pars_update,
                                       resolutions=resolutions, dt=dt, method=method)
        self.fast = self.bifurcation.variables
        self.dt = self.bifurcation.dt
        self.method = self.bifurcation.method

    def fixed_points(self) -> dict:
        """Fixed points of the fast subsystem against the slow variable
        (``Bifurcation.fixed_points``)."""
        return self.bifurcation.fixed_points()

    def bifurcation_points(self) -> list[dict]:
        """Saddle-node and Hopf points of the fast subsystem in the slow variable."""
        return self.bifurcation.bifurcation_points()

    def limit_cycles(self, duration: float | Sequence[float], transient: float | None = None,
                     dt: float | None = None) -> dict:
        """Max/min of the fast subsystem's oscillations at each slow value."""
        return self.bifurcation.limit_cycles(duration, transient, dt=dt)

    def trajectory(self, initials: Any, duration: float | Sequence[float],
                   dt: float | None = None) -> dict:
        """The full system from one initial point (fast variables, then the
        slow one, e.g. ``(x0, y0, z0)``): ``{'t': ts, x: ..., y: ..., z: ...}``."""
        names = self.full.targets
        y0 = parse_initials(initials, names)
        if y0.shape[1] != 1:
            raise ValueError(f"trajectory takes one initial point {names}; got {y0.shape[1]}")
        ts, ys = self.full.simulate(y0, parse_duration(duration),
                                    self.dt if dt is None else dt, self.method)
        return {"t": ts, **{v: ys[:, i, 0] for i, v in enumerate(names)}}

    def plot(self, initials: Any = None, duration: float | Sequence[float] | None = None,
             cycle_duration: float | None = None, dt: float | None = None,
             axes: Sequence[Axes] | None = None) -> list[Axes]:
        """Bifurcation diagram of the fast subsystem against the slow variable,
        one panel per fast variable; with ``cycle_duration`` the extrema of its
        limit cycles; with ``initials`` and ``duration`` the full trajectory on
        top (grey).  Returns the axes."""
        axes = self.bifurcation.plot_bifurcation(axes)
        if cycle_duration is not None:
            self.bifurcation.plot_limit_cycle(cycle_duration, axes=axes)
        if initials is not None:
            if duration is None:
                raise ValueError("give duration= together with initials= to draw the trajectory")
            tr = self.trajectory(initials, duration, dt)
            for ax, v in zip(axes, self.fast):
                ax.plot(tr[self.slow], tr[v], color="0.4", linewidth=0.7, alpha=0.8,
                        label=label_once(ax, "full trajectory"), zorder=1)
                ax.legend(loc="best", fontsize="small")
        lo, hi = self.full.ranges[self.slow]
        for ax in axes:
            ax.set_xlim(lo, hi)
            ax.set_xlabel(f"{self.slow} (slow variable, frozen)")
        return axes
