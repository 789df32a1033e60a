"""Phase-plane analysis of one- and two-variable systems.

For dx/dt = F(x, y), dy/dt = G(x, y) the phase plane shows (Strogatz,
*Nonlinear Dynamics and Chaos*, 2nd ed. 2015, chapters 5-6; Izhikevich,
*Dynamical Systems in Neuroscience*, 2007, chapter 4):

* the vector field (F, G): the direction of motion at every point;
* the nullclines F = 0 (the x-nullcline, where motion is vertical) and
  G = 0 (the y-nullcline, motion horizontal);
* the fixed points, where the nullclines cross, and their stability;
* trajectories, found by integrating the equations.

In one dimension, dx/dt = F(x), the "phase plane" is the graph of F(x):
fixed points are its zeros, and the flow goes right where F > 0
(Strogatz 2015, chapter 2).

Each quantity is available as data (``vector_field``, ``nullclines``,
``fixed_points``, ``trajectories``) and as a plot (``plot_*``, each taking an
optional matplotlib ``ax``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from .fixed_points import find_fixed_points
from .stability import MARKERS, FixedPoint
from .system import MAX_POINTS_2D, VectorField, resolution_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Default grid sizes: fine enough for smooth nullclines in a lesson figure,
# small enough to draw in well under a second.
DEFAULT_POINTS_1D = 1001
DEFAULT_POINTS_2D = 201


def new_axes(ax: Axes | None = None) -> Axes:
    """``ax``, or the axes of a new figure (pyplot is imported only to plot)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.subplots()[1]


def label_once(ax: Axes, label: str) -> str | None:
    """A legend label the first time it is used on ``ax``, then None."""
    seen = {line.get_label() for line in ax.get_lines()}
    return None if label in seen else label


def parse_initials(initials: Any, names: tuple) -> np.ndarray:
    """Initial points as an array of shape (len(names), K).

    Accepts one point ``(x0, y0)``, a list of points ``[(x0, y0), ...]``, or a
    dict ``{'x': [...], 'y': [...]}`` (and plain numbers in one dimension).
    """
    n = len(names)
    example = f"[({', '.join('0.0' for _ in names)}), ...]" if n > 1 else "[0.0, 1.0]"
    if isinstance(initials, Mapping):
        if set(initials) != set(names):
            raise ValueError(f"initials as a dict needs exactly the keys {names}; got "
                             f"{tuple(initials)}")
        cols = [np.atleast_1d(np.asarray(initials[v], dtype=float)) for v in names]
        try:
            return np.stack(np.broadcast_arrays(*cols))
        except ValueError:
            raise ValueError("the arrays in initials must have the same length") from None
    try:
        arr = np.asarray(initials, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"initials must be a point or a list of points such as {example}; "
                         f"got {initials!r}") from None
    if n == 1 and arr.ndim <= 1:
        return np.atleast_1d(arr)[None, :]
    if n > 1 and arr.ndim == 1 and arr.size == n:
        return arr[:, None]
    if n > 1 and arr.ndim == 2 and arr.shape[1] == n:
        return arr.T
    raise ValueError(f"initials must be points of {n} value(s) ({', '.join(names)}), e.g. "
                     f"{example}; got an array of shape {arr.shape}")


def parse_duration(duration: Any) -> tuple[float, float]:
    """``T`` means the interval (0, T); ``(t0, t1)`` is taken as it is."""
    if np.ndim(duration) == 0:
        span = (0.0, float(duration))
    else:
        span = tuple(float(t) for t in duration)
    if len(span) != 2 or not span[1] > span[0]:
        raise ValueError(f"duration must be a positive time T or an interval (t0, t1) with "
                         f"t1 > t0; got {duration!r}")
    return span


class PhasePlane:
    """Phase-plane analysis of a model in one or two of its variables.

    Parameters
    ----------
    model : derivative ``f(x, y, ..., t, p1, ...)`` (variables, then t, then
        parameters) or an integral made by ``bp.odeint``
    target_vars : ``{variable: (min, max)}`` for one or two variables: the window
    fixed_vars : ``{variable: value}`` for every other variable (held constant)
    pars_update : ``{parameter: value}``; parameters not named take their defaults
    resolutions : grid step, one number for all variables or
        ``{variable: step}``; default 1001 points (1-D) or 201 per axis (2-D)
    dt, method : step and method for trajectories; default the integral's own
        when ``model`` is an odeint integral, else ``dt=0.1``, ``'rk4'``

    Example (FitzHugh-Nagumo)::

        def fhn(V, w, t, I, a=0.7, b=0.8, tau=12.5):
            return V - V**3 / 3 - w + I, (V + a - b * w) / tau
        pp = PhasePlane(fhn, {'V': (-3, 3), 'w': (-1, 3)}, pars_update={'I': 0.5})
        pp.fixed_points()       # [FixedPoint(V=-0.804848, w=-0.13106: unstable focus)]
        pp.plot(initials=[(-2, 0)], duration=200)
    """

    def __init__(self, model: Any, target_vars: Mapping[str, Sequence[float]],
                 fixed_vars: Mapping[str, float] | None = None,
                 pars_update: Mapping[str, Any] | None = None,
                 resolutions: float | Mapping[str, float] | None = None,
                 dt: float | None = None, method: str | None = None):
        self.field = VectorField(model, target_vars, fixed_vars, pars_update,
                                 max_dims=2, owner="PhasePlane")
        default_n = DEFAULT_POINTS_1D if self.field.ndim == 1 else DEFAULT_POINTS_2D
        self.axes = [resolution_of(resolutions, v, *self.field.ranges[v], default_n)
                     for v in self.field.targets]
        if self.ndim == 2 and self.axes[0].size * self.axes[1].size > MAX_POINTS_2D:
            raise ValueError(f"the grid has {self.axes[0].size} x {self.axes[1].size} points; "
                             f"use larger resolutions steps")
        self.dt = self.field.dt if dt is None else float(dt)
        self.method = self.field.method if method is None else method
        self._fixed_points: list | None = None

    @property
    def ndim(self) -> int:
        """Number of target variables (1 or 2)."""
        return self.field.ndim

    @property
    def variables(self) -> tuple:
        """Names of the target variables, in the order of the plot axes."""
        return self.field.targets

    # -- data ---------------------------------------------------------------
    def vector_field(self) -> dict:
        """The derivatives on the grid.

        2-D: ``{x: X, y: Y, 'dx/dt': U, 'dy/dt': W}`` with 2-D arrays of shape
        (len(y grid), len(x grid)) as ``np.meshgrid`` makes them (rows are y),
        ready for ``plt.streamplot(X, Y, U, W)``.  1-D: ``{x: xs, 'dx/dt': F}``.
        """
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            grids = np.meshgrid(*self.axes, indexing="xy")
            derivs = self.field(*grids)
        out = {v: g for v, g in zip(self.variables, grids)}
        out.update({f"d{v}/dt": d for v, d in zip(self.variables, derivs)})
        return out

    def nullclines(self) -> dict:
        """The nullclines as curves.

        2-D: ``{x: [segment, ...], y: [...]}``, where the list under ``x`` holds
        the pieces of the x-nullcline dx/dt = 0, each an array of shape (n, 2)
        of (x, y) points (a nullcline may have several disconnected pieces).
        1-D: the graph of dx/dt against x, ``{x: xs, 'dx/dt': F}``, whose zeros
        are the fixed points.
        """
        data = self.vector_field()
        if self.ndim == 1:
            return data
        import contourpy   # matplotlib's own contouring library
        x, y = self.variables
        out = {}
        for v in self.variables:
            gen = contourpy.contour_generator(data[x], data[y], data[f"d{v}/dt"],
                                              line_type="Separate")
            out[v] = [np.asarray(seg) for seg in gen.lines(0.0)]
        return out

    def fixed_points(self) -> list[FixedPoint]:
        """The fixed points inside the window, each a ``FixedPoint`` with its
        ``values``, ``stability``, ``eigenvalues`` and ``jacobian``."""
        if self._fixed_points is None:
            self._fixed_points = find_fixed_points(self.field, self.axes)
        return list(self._fixed_points)

    def trajectories(self, initials: Any, duration: float | Sequence[float],
                     dt: float | None = None) -> list[dict]:
        """Integrate from each initial point (all at once, with ``bp.integrate``).

        ``initials``: one point ``(x0, y0)``, a list of points, or
        ``{x: [...], y: [...]}``.  ``duration``: T (from t = 0) or (t0, t1).
        Returns one dict per initial point: ``{'t': ts, x: xs, y: ys}``.
        """
        y0 = parse_initials(initials, self.variables)
        dt = self.dt if dt is None else dt
        ts, ys = self.field.simulate(y0, parse_duration(duration), dt, self.method)
        return [{"t": ts, **{v: ys[:, i, k] for i, v in enumerate(self.variables)}}
                for k in range(y0.shape[1])]

    # -- plots --------------------------------------------------------------
    def plot_vector_field(self, ax: Axes | None = None, plot_method: str = "streamplot",
                          **kwargs) -> Axes:
        """Draw the flow: streamlines (or ``plot_method='quiver'`` arrows).
        In 1-D, arrows on the x-axis point the way x moves."""
        ax = new_axes(ax)
        data = self.vector_field()
        if self.ndim == 1:
            (x,) = self.variables
            xs, F = data[x], data[f"d{x}/dt"]
            idx = np.linspace(0, xs.size - 1, 17)[1:-1].astype(int)
            sign = np.sign(F[idx])
            # Each arrow is 1/25 of the window long and points the way x moves.
            ax.quiver(xs[idx], np.zeros(idx.size), sign, np.zeros(idx.size), color="0.45",
                      angles="xy", scale_units="xy", scale=25 / (xs[-1] - xs[0]),
                      width=0.006, headwidth=4, pivot="middle", **kwargs)
            ax.set_xlabel(x)
            return ax
        x, y = self.variables
        X, Y, U, W = data[x], data[y], data[f"d{x}/dt"], data[f"d{y}/dt"]
        if plot_method == "streamplot":
            kwargs.setdefault("density", 1.0)
            kwargs.setdefault("linewidth", 0.6)
            kwargs.setdefault("color", "0.7")
            ax.streamplot(X, Y, np.nan_to_num(U), np.nan_to_num(W), **kwargs)
        elif plot_method == "quiver":
            step = max(1, X.shape[0] // 20)   # about 20 arrows a side stay readable
            speed = np.hypot(U, W)
            speed[speed == 0] = 1.0
            ax.quiver(X[::step, ::step], Y[::step, ::step], (U / speed)[::step, ::step],
                      (W / speed)[::step, ::step], color="0.6", **kwargs)
        else:
            raise ValueError(f"plot_method must be 'streamplot' or 'quiver', got {plot_method!r}")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        return ax

    def plot_nullcline(self, ax: Axes | None = None,
                       colors: Sequence[str] = ("tab:blue", "tab:red")) -> Axes:
        """Draw the nullclines (2-D) or the graph of dx/dt (1-D), with a legend."""
        ax = new_axes(ax)
        data = self.nullclines()
        if self.ndim == 1:
            (x,) = self.variables
            ax.plot(data[x], data[f"d{x}/dt"], color=colors[0], label=f"d{x}/dt")
            ax.axhline(0.0, color="0.5", linewidth=0.8)
            ax.set_xlabel(x)
            ax.set_ylabel(f"d{x}/dt")
        else:
            for v, color in zip(self.variables, colors):
                label = f"{v}-nullcline (d{v}/dt = 0)"
                for seg in data[v]:
                    ax.plot(seg[:, 0], seg[:, 1], color=color, linewidth=2,
                            label=label_once(ax, label))
            ax.set_xlabel(self.variables[0])
            ax.set_ylabel(self.variables[1])
        ax.legend(loc="best", fontsize="small")
        return ax

    def plot_fixed_point(self, ax: Axes | None = None, markersize: float = 9) -> Axes:
        """Mark the fixed points; filled = stable, open = unstable (legend names the class)."""
        ax = new_axes(ax)
        for fp in self.fixed_points():
            xy = list(fp.values.values()) + ([0.0] if self.ndim == 1 else [])
            ax.plot(*xy, linestyle="none", markersize=markersize, zorder=5,
                    label=label_once(ax, fp.stability), **MARKERS[fp.stability])
        ax.legend(loc="best", fontsize="small")
        return ax

    def plot_trajectory(self, initials: Any, duration: float | Sequence[float],
                        dt: float | None = None, ax: Axes | None = None, **kwargs) -> Axes:
        """Draw trajectories from ``initials`` (see ``trajectories``); the start
        of each is a small dot.  In 1-D they are drawn as x(t) against t."""
        ax = new_axes(ax)
        for k, tr in enumerate(self.trajectories(initials, duration, dt)):
            label = label_once(ax, "trajectory")
            if self.ndim == 1:
                (x,) = self.variables
                ax.plot(tr["t"], tr[x], label=label, **kwargs)
                ax.set_xlabel("t")
                ax.set_ylabel(x)
            else:
                x, y = self.variables
                line, = ax.plot(tr[x], tr[y], label=label, **kwargs)
                ax.plot(tr[x][0], tr[y][0], "o", markersize=4, color=line.get_color())
        ax.legend(loc="best", fontsize="small")
        return ax

    def plot(self, ax: Axes | None = None, initials: Any = None,
             duration: float | Sequence[float] | None = None, dt: float | None = None) -> Axes:
        """The whole picture: vector field, nullclines, fixed points and (if
        ``initials`` and ``duration`` are given, 2-D only) trajectories."""
        ax = new_axes(ax)
        self.plot_vector_field(ax)
        self.plot_nullcline(ax)
        self.plot_fixed_point(ax)
        if initials is not None:
            if duration is None:
                raise ValueError("give duration= together with initials= to draw trajectories")
            if self.ndim == 1:
                raise ValueError("in 1-D the trajectories x(t) need their own axes: call "
                                 "plot_trajectory(initials, duration) separately")
            self.plot_trajectory(initials, duration, dt=dt, ax=ax)
        lo_hi = [self.field.ranges[v] for v in self.variables]
        ax.set_xlim(*lo_hi[0])
        if self.ndim == 2:
            ax.set_ylim(*lo_hi[1])
        return ax
