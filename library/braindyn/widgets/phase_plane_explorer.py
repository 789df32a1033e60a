"""The phase-plane explorer: move a parameter, watch the phase plane change.

``phase_plane_explorer()`` shows a two-variable model (FitzHugh-Nagumo,
Morris-Lecar or your own derivative) with one slider per parameter and two
for the start of a trajectory.  On every move it redraws

* the nullclines (dx/dt = 0 and dy/dt = 0),
* the fixed points, coloured by stability (green: stable, red: unstable,
  orange: saddle; filled = attracting, open = repelling; circles are nodes,
  squares foci), with their eigenvalues in the table below,
* the vector field (arrows of equal length: the direction of motion),
* a trajectory from the start point, in the plane and as x(t).

It is how one *sees* a bifurcation: move I of FitzHugh-Nagumo across 0.33
and the fixed point turns from a filled into an open square while the
trajectory grows into a limit cycle (a Hopf bifurcation).

Every control can be set from code, which is how lessons and tests use it::

    ex = phase_plane_explorer('fhn')
    ex.sliders['I'].value = 0.5
    ex.fixed_points            # [FixedPoint(V=-0.804848, w=-0.13106: unstable focus)]
    ex.set_values(I=1.0, a=0.8)  # several at once, one redraw

The analysis is ``braindyn.analysis.PhasePlane`` (nullclines by contouring the
field on a grid, fixed points by root finding, stability from the Jacobian);
the trajectory is ``bp.integrate`` compiled once per model, so a move costs
a few tens of milliseconds.  Drawing follows ``figure_view.py``: axes, labels
and legend are drawn once, only the curves are redrawn.

Model equations (defaults are the textbook parameter sets):

* FitzHugh-Nagumo (R. FitzHugh, Biophys. J. 1 (1961) 445-466)::

      dV/dt = V - V^3/3 - w + I,     dw/dt = (V + a - b w) / tau

* Morris-Lecar (C. Morris, H. Lecar, Biophys. J. 35 (1981) 193-213), with
  the parameters of J. Rinzel and G. B. Ermentrout, "Analysis of neural
  excitability and oscillations" (in *Methods in Neuronal Modeling*, 2nd ed.
  1998); the defaults are their class I set (saddle-node on the limit cycle),
  ``MORRIS_LECAR_CLASS_2`` their class II set (Hopf)::

      C dV/dt = I - gCa m_inf(V) (V - VCa) - gK w (V - VK) - gL (V - VL)
      dw/dt   = phi (w_inf(V) - w) / tau_w(V)
      m_inf = (1 + tanh((V - V1) / V2)) / 2,   w_inf = (1 + tanh((V - V3) / V4)) / 2
      tau_w = 1 / cosh((V - V3) / (2 V4))

  Units: mV, ms, uA/cm^2, mS/cm^2, uF/cm^2.
"""
from __future__ import annotations

import html
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import braindyn as bp
import braindyn.math as bm

from ..analysis import PhasePlane
from ..analysis.stability import (CENTER, DEGENERATE, SADDLE, SADDLE_NODE, STABLE,
                                  STABLE_FOCUS, STABLE_NODE, UNSTABLE, UNSTABLE_FOCUS,
                                  UNSTABLE_NODE)
from ..integrators.signature import read_signature
from .. import measure
from .figure_view import FigureView
from .i18n import term, tr
from .slider_grid import GridSlider

GRID_POINTS = 151      # per axis, for nullclines and fixed points: smooth curves, ~10 ms
ARROWS = 19            # arrows per axis of the vector field
MAX_POINTS = 4000      # points per trajectory curve on screen
# A trajectory whose x swings over more than this fraction of the window in
# its second half is oscillating (a limit cycle) rather than settling.
OSCILLATION_RTOL = 0.02

# How each stability class is drawn: colour says stable / unstable / saddle,
# a filled marker attracts, an open one repels; circles are nodes, squares foci.
GREEN, RED, ORANGE, PURPLE = "#2ca02c", "#d62728", "#ff7f0e", "#9467bd"
STYLES = {
    STABLE_NODE: dict(marker="o", color=GREEN, markerfacecolor=GREEN),
    STABLE_FOCUS: dict(marker="s", color=GREEN, markerfacecolor=GREEN),
    STABLE: dict(marker="o", color=GREEN, markerfacecolor=GREEN),
    UNSTABLE_NODE: dict(marker="o", color=RED, markerfacecolor="white"),
    UNSTABLE_FOCUS: dict(marker="s", color=RED, markerfacecolor="white"),
    UNSTABLE: dict(marker="o", color=RED, markerfacecolor="white"),
    SADDLE: dict(marker="X", color=ORANGE, markerfacecolor=ORANGE),
    SADDLE_NODE: dict(marker="D", color=PURPLE, markerfacecolor=PURPLE),
    CENTER: dict(marker="D", color=PURPLE, markerfacecolor="white"),
    DEGENERATE: dict(marker="*", color=PURPLE, markerfacecolor=PURPLE),
}


# -- the two built-in models -----------------------------------------------------------

def fitzhugh_nagumo(V, w, t, I, a=0.7, b=0.8, tau=12.5):
    """FitzHugh-Nagumo: dV/dt, dw/dt (dimensionless; FitzHugh 1961)."""
    dV = V - V ** 3 / 3 - w + I
    dw = (V + a - b * w) / tau
    return dV, dw


def morris_lecar(V, w, t, I, gCa=4.0, V3=12.0, V4=17.4, phi=0.067, C=20.0, gK=8.0, gL=2.0,
                 VCa=120.0, VK=-84.0, VL=-60.0, V1=-1.2, V2=18.0):
    """Morris-Lecar: dV/dt (mV/ms), dw/dt (1/ms); defaults: Rinzel & Ermentrout's class I."""
    m_inf = 0.5 * (1 + bm.tanh((V - V1) / V2))     # calcium activation, instantaneous
    w_inf = 0.5 * (1 + bm.tanh((V - V3) / V4))     # potassium activation at steady state
    tau_w = 1 / bm.cosh((V - V3) / (2 * V4))
    dV = (I - gCa * m_inf * (V - VCa) - gK * w * (V - VK) - gL * (V - VL)) / C
    dw = phi * (w_inf - w) / tau_w
    return dV, dw


# Rinzel & Ermentrout (1998): the set whose rest state ends in a Hopf bifurcation
MORRIS_LECAR_CLASS_2 = {"gCa": 4.4, "V3": 2.0, "V4": 30.0, "phi": 0.04}


@dataclass(frozen=True)
class ExplorerModel:
    """A built-in model: derivative, window, sliders, trajectory start and length."""
    title: str
    f: Callable
    window: dict                 # {variable: (min, max)}
    params: dict                 # {parameter: (min, max, step, value)}, see below
    initial: tuple
    duration: float
    dt: float
    units: dict = field(default_factory=dict)   # variable or "t" -> unit


# Each slider's range holds its default (and lesson 9's class II values) as a
# grid point that the browser reproduces exactly (slider_grid.py): b from 0 rather
# than 0.1 (0.8 would come back as 0.7999999999999998), I of Morris-Lecar up to 160
# rather than 150 (80.0), V3 up to 20 rather than 15 (2.0), w's window up to 0.9
# rather than 0.8 (the start w = 0.0), and phi = 0.067, Rinzel & Ermentrout's
# value, rather than 1/15, which no slider of decimal steps holds.
MODELS = {
    "fhn": ExplorerModel(
        title="FitzHugh-Nagumo", f=fitzhugh_nagumo,
        window={"V": (-2.5, 2.5), "w": (-1.0, 3.0)},
        params={"I": (0.0, 2.0, 0.01, 0.0), "a": (0.0, 1.5, 0.01, 0.7),
                "b": (0.0, 2.0, 0.01, 0.8), "tau": (1.0, 30.0, 0.5, 12.5)},
        initial=(-2.0, -0.5), duration=200.0, dt=0.1),
    "morris_lecar": ExplorerModel(
        title="Morris-Lecar", f=morris_lecar,
        window={"V": (-80.0, 50.0), "w": (-0.1, 0.9)},
        params={"I": (0.0, 160.0, 0.5, 30.0), "gCa": (3.0, 5.0, 0.05, 4.0),
                "V3": (0.0, 20.0, 0.1, 12.0), "V4": (10.0, 35.0, 0.1, 17.4),
                "phi": (0.02, 0.1, 0.001, 0.067)},
        initial=(-10.0, 0.0), duration=500.0, dt=0.1,
        units={"V": "mV", "t": "ms"}),
}
ALIASES = {"fitzhugh_nagumo": "fhn", "fitzhugh-nagumo": "fhn", "morris-lecar": "morris_lecar",
           "ml": "morris_lecar"}


def _nice_step(span: float) -> float:
    """A round slider step of about 1/100 of the range (0.01, 0.1, 1, ...)."""
    return 10.0 ** math.floor(math.log10(span / 100.0))


def _slider_spec(name: str, spec: Any, default: Any) -> tuple | float:
    """(min, max, step, value) for a slider, or a plain number for a fixed value."""
    if isinstance(spec, (int, float, np.number)) and not isinstance(spec, bool):
        return float(spec)
    try:
        numbers = [float(x) for x in spec]
    except (TypeError, ValueError):
        numbers = []
    if not 2 <= len(numbers) <= 4 or not all(map(math.isfinite, numbers)):
        raise ValueError(f"params[{name!r}] must be (min, max), (min, max, step), "
                         f"(min, max, step, value) or a number (a fixed value); got {spec!r}")
    lo, hi = numbers[:2]
    if not lo < hi:
        raise ValueError(f"params[{name!r}] = {spec!r}: write the range as (min, max) "
                         f"with min < max")
    step = numbers[2] if len(numbers) > 2 else _nice_step(hi - lo)
    if step <= 0:
        raise ValueError(f"params[{name!r}]: the step must be positive, got {step}")
    if len(numbers) > 3:
        value = numbers[3]
    elif isinstance(default, (int, float)) and lo <= default <= hi:
        value = float(default)
    else:
        value = (lo + hi) / 2
    if not lo <= value <= hi:
        raise ValueError(f"params[{name!r}]: the starting value {value} is outside "
                         f"({lo}, {hi})")
    return lo, hi, step, value


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _segments(pieces: list) -> tuple[np.ndarray, np.ndarray]:
    """Contour pieces as one x and one y array, NaN between pieces (one Line2D)."""
    if not pieces:
        return np.array([]), np.array([])
    xs, ys = [], []
    for seg in pieces:
        xs += [seg[:, 0], [np.nan]]
        ys += [seg[:, 1], [np.nan]]
    return np.concatenate(xs[:-1]), np.concatenate(ys[:-1])


class PhasePlaneExplorer(widgets.VBox):
    """The explorer's widget.

    Controls: ``sliders`` (parameter name -> FloatSlider), ``x0_slider`` and
    ``y0_slider`` (start of the trajectory); each holds the grid point nearest
    to what it is given, computed as the browser computes it (``GridSlider``),
    so that the browser never sends back another value.  Results of the last redraw:
    ``fixed_points`` (list of ``FixedPoint``), ``values`` (all parameter
    values used), ``trajectory`` (``{'t': ..., x: ..., y: ...}``),
    ``oscillating`` and ``period``, the ``figure`` with ``nullcline_lines``
    (variable -> Line2D), ``fixed_point_markers`` (stability class -> Line2D),
    ``quiver``, ``trajectory_line`` and ``trace_line``; ``table`` and
    ``status`` (HTML), ``last_update_seconds`` and ``error`` (or None).
    """

    def __init__(self, model: Any = "fhn", params: Mapping | None = None,
                 target_vars: Mapping | None = None, initial: tuple | None = None,
                 duration: float | None = None, dt: float | None = None,
                 method: str = "rk4", title: str | None = None):
        super().__init__()
        spec = self._model_spec(model, params, target_vars, initial, duration, dt, title)
        self.title, self.f, self.window = spec.title, spec.f, dict(spec.window)
        self.duration, self.dt, self.method, self.units = spec.duration, spec.dt, method, spec.units
        self.sig = read_signature(self.f)
        if len(self.sig.variables) != 2:
            raise ValueError(f"the phase-plane explorer draws two variables; "
                             f"{self.f.__name__}() has {len(self.sig.variables)} "
                             f"{self.sig.variables}: hold the others fixed with "
                             f"bp.analysis.PhasePlane(..., fixed_vars=...) instead")
        self.x, self.y = self.sig.variables
        missing = [v for v in (self.x, self.y) if v not in self.window]
        if missing:
            raise ValueError(f"target_vars needs a (min, max) window for {missing}, e.g. "
                             f"target_vars={{{self.x!r}: (-2, 2), {self.y!r}: (-2, 2)}}")
        self._check_params(spec.params)

        self.fixed_points: list = []
        self.values: dict = {}
        self.trajectory: dict = {}
        self.oscillating, self.period = False, None
        self.phase_plane: PhasePlane | None = None
        self.error: Exception | None = None
        self.last_update_seconds = float("nan")
        self._jit = True      # compiled trajectories; falls back to Python if Numba fails
        self._quiet = False   # True while set_values moves several sliders

        # -- controls --
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self._fixed_values: dict[str, float] = {}
        for name, s in spec.params.items():
            if isinstance(s, float):
                self._fixed_values[name] = s
                continue
            lo, hi, step, value = s
            self.sliders[name] = GridSlider(
                value=value, min=lo, max=hi, step=step, description=name,
                readout_format=f".{_decimals(step)}f", continuous_update=True,
                layout=widgets.Layout(width="330px"))
        (xlo, xhi), (ylo, yhi) = self.window[self.x], self.window[self.y]
        x0, y0 = spec.initial
        self.x0_slider = GridSlider(
            value=x0, min=xlo, max=xhi, step=_nice_step(xhi - xlo),
            description=tr(f"start {self.x}", f"初值 {self.x}"), readout_format=f".{_decimals(_nice_step(xhi - xlo))}f",
            continuous_update=True, layout=widgets.Layout(width="330px"))
        self.y0_slider = GridSlider(
            value=y0, min=ylo, max=yhi, step=_nice_step(yhi - ylo),
            description=tr(f"start {self.y}", f"初值 {self.y}"), readout_format=f".{_decimals(_nice_step(yhi - ylo))}f",
            continuous_update=True, layout=widgets.Layout(width="330px"))
        self.status = widgets.HTML()
        self.table = widgets.HTML()

        # -- figure: the phase plane on the left, x(t) on the right --
        self.figure = Figure(figsize=(10, 4.3), dpi=80)
        self.view = FigureView(self.figure)
        self.ax_plane, self.ax_trace = self.figure.subplots(
            1, 2, gridspec_kw={"width_ratios": (1.15, 1)})
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.84, wspace=0.22)
        self._setup_axes()
        self._make_artists()

        controls = widgets.VBox(list(self.sliders.values()))
        start = widgets.VBox([self.x0_slider, self.y0_slider, self.status])
        self.children = [widgets.HBox([controls, start]), self.view.image, self.table]
        for s in self.sliders.values():
            s.observe(self._on_parameter, names="value")
        self.x0_slider.observe(self._on_start, names="value")
        self.y0_slider.observe(self._on_start, names="value")
        self._update(analysis=True, full=True)

    # -- reading the arguments -----------------------------------------------------------
    @staticmethod
    def _model_spec(model, params, target_vars, initial, duration, dt, title) -> ExplorerModel:
        if isinstance(model, str):
            key = ALIASES.get(model.lower(), model.lower())
            if key not in MODELS:
                raise ValueError(f"unknown model {model!r}: use 'fhn', 'morris_lecar' or a "
                                 f"derivative function def f(x, y, t, p1, ...)")
            base = MODELS[key]
            defaults = read_signature(base.f).defaults
            pars = base.params if params is None else {
                n: _slider_spec(n, s, defaults.get(n)) for n, s in params.items()}
            window = dict(base.window)
            window.update(target_vars or {})
            return ExplorerModel(title or base.title, base.f, window, pars,
                                 base.initial if initial is None else tuple(initial),
                                 base.duration if duration is None else float(duration),
                                 base.dt if dt is None else float(dt), base.units)
        if not callable(model):
            raise TypeError(f"model must be 'fhn', 'morris_lecar' or a derivative function; "
                            f"got {type(model).__name__}")
        sig = read_signature(model)
        if target_vars is None:
            raise ValueError(f"give the window to draw for your model: target_vars="
                             f"{{{sig.variables[0]!r}: (min, max), ...}}")
        window = {v: tuple(map(float, r)) for v, r in target_vars.items()}
        pars = {n: _slider_spec(n, s, sig.defaults.get(n)) for n, s in (params or {}).items()}
        if initial is None:
            initial = tuple(lo + 0.25 * (hi - lo) for lo, hi in
                            (window.get(v, (0.0, 0.0)) for v in sig.variables[:2]))
        return ExplorerModel(title or getattr(model, "__name__", "model"), model, window, pars,
                             tuple(initial), 100.0 if duration is None else float(duration),
                             0.1 if dt is None else float(dt))

    def _check_params(self, params: Mapping) -> None:
        names = self.sig.params
        for n in params:
            if n not in names:
                raise ValueError(f"params: {n!r} is not a parameter of {self.f.__name__}(); "
                                 f"its parameters are {names}")
        need = [n for n in names if n not in params and n not in self.sig.defaults]
        if need:
            raise ValueError(f"parameter(s) {need} of {self.f.__name__}() have no default: "
                             f"give them in params, as a range (min, max) or a number")

    # -- the figure ------------------------------------------------------------------------
    def _label(self, var: str) -> str:
        unit = self.units.get(var)
        return f"{var} ({unit})" if unit else var

    def _setup_axes(self) -> None:
        ax, tax = self.ax_plane, self.ax_trace
        ax.set_xlim(*self.window[self.x])
        ax.set_ylim(*self.window[self.y])
        ax.set_xlabel(self._label(self.x))
        ax.set_ylabel(self._label(self.y))
        ax.grid(alpha=0.25)
        tax.set_xlim(0.0, self.duration)
        tax.set_ylim(*self.window[self.x])
        tax.set_xlabel(self._label("t"))
        tax.set_ylabel(self._label(self.x))
        tax.grid(alpha=0.3)
        self.figure.suptitle(self.title, x=0.07, ha="left", fontsize=11)

    def _make_artists(self) -> None:
        ax, animate = self.ax_plane, self.view.animate
        (xlo, xhi), (ylo, yhi) = self.window[self.x], self.window[self.y]
        gx, gy = np.meshgrid(np.linspace(xlo, xhi, ARROWS + 2)[1:-1],
                             np.linspace(ylo, yhi, ARROWS + 2)[1:-1])
        self._arrow_grid = (gx, gy)
        # arrows all of one length (1/2 of the spacing): the field's direction
        self.quiver = animate(ax.quiver(gx, gy, np.zeros_like(gx), np.zeros_like(gy),
                                        color="0.6", angles="xy", scale_units="xy", scale=1,
                                        pivot="middle", width=0.003, headwidth=4, zorder=1))
        self.nullcline_lines = {
            self.x: animate(ax.plot([], [], color="tab:blue", lw=2, zorder=2)[0]),
            self.y: animate(ax.plot([], [], color="tab:purple", lw=2, zorder=2)[0])}
        self.trajectory_line = animate(ax.plot([], [], color="black", lw=1.2, zorder=3)[0])
        self.start_marker = animate(ax.plot([], [], "o", color="black", ms=5, zorder=4)[0])
        self.fixed_point_markers = {
            kind: animate(ax.plot([], [], linestyle="none", ms=10, mew=2, zorder=5,
                                  **style)[0]) for kind, style in STYLES.items()}
        self.trace_line = animate(self.ax_trace.plot([], [], color="black", lw=1.2)[0])
        self.trace_text = animate(self.ax_trace.text(
            0.98, 0.96, "", transform=self.ax_trace.transAxes, ha="right", va="top",
            fontsize=10, bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"}))
        self._legend = None
        self._legend_kinds: tuple = ()

    def _set_legend(self) -> None:
        kinds = tuple(dict.fromkeys(fp.stability for fp in self.fixed_points))
        if self._legend is not None and kinds == self._legend_kinds:
            return
        if self._legend is not None:
            self._legend.remove()
        # stand-ins: the real artists are animated, and legends skip those
        handles = [Line2D([], [], color="tab:blue", lw=2), Line2D([], [], color="tab:purple", lw=2),
                   Line2D([], [], color="black", lw=1.2)]
        labels = [tr(f"{self.x}-nullcline", f"{self.x} 零斜线"), tr(f"{self.y}-nullcline", f"{self.y} 零斜线"),
                  tr("trajectory", "轨迹")]
        for kind in kinds:
            handles.append(Line2D([], [], linestyle="none", ms=9, mew=2, **STYLES[kind]))
            labels.append(term(kind))
        self._legend = self.figure.legend(handles, labels, loc="upper right", ncol=4,
                                          frameon=False, fontsize=9)
        self._legend_kinds = kinds
        self._full = True

    # -- what the controls do --------------------------------------------------------------
    def _on_parameter(self, change) -> None:
        if not self._quiet:
            self._update(analysis=True, full=False)

    def _on_start(self, change) -> None:
        if not self._quiet:
            self._update(analysis=False, full=False)

    def set_values(self, **values: float) -> None:
        """Set several sliders (parameters, or ``x0``/``y0`` for the start) with one redraw;
        each takes the grid point of its slider nearest to the value (as a drag would)."""
        unknown = [n for n in values if n not in self.sliders and n not in ("x0", "y0")]
        if unknown:
            raise ValueError(f"no slider named {unknown}; the sliders are "
                             f"{list(self.sliders)} and 'x0', 'y0' (the start)")
        self._quiet = True
        try:
            for name, value in values.items():
                slider = {"x0": self.x0_slider, "y0": self.y0_slider}.get(name) \
                    or self.sliders[name]
                if not slider.min <= value <= slider.max:
                    raise ValueError(f"{name} = {value} is outside its slider's range "
                                     f"({slider.min}, {slider.max})")
                slider.value = value
        finally:
            self._quiet = False
        self._update(analysis=True, full=False)

    # -- computing and drawing --------------------------------------------------------------
    def _update(self, analysis: bool, full: bool) -> None:
        start = time.perf_counter()
        self._full = full
        try:
            if analysis:
                self._analyse()
            self._simulate()
            self._draw()
            self.table.value = self._table_html()
            self.error = None
            if not self.status.value.startswith("<i>"):
                self.status.value = ""
        except Exception as err:   # show it in the widget rather than in a log no one reads
            self.error = err
            self.status.value = (f"<span style='color:#b00'>{type(err).__name__}: "
                                 f"{html.escape(str(err))}</span>")
        self.last_update_seconds = time.perf_counter() - start

    def _analyse(self) -> None:
        self.values = {**{n: s.value for n, s in self.sliders.items()}, **self._fixed_values}
        steps = {v: (hi - lo) / (GRID_POINTS - 1) for v, (lo, hi) in self.window.items()}
        self.phase_plane = PhasePlane(self.f, target_vars=self.window, pars_update=self.values,
                                      resolutions=steps)
        self.nullclines = self.phase_plane.nullclines()
        self.fixed_points = self.phase_plane.fixed_points()
        gx, gy = self._arrow_grid
        with np.errstate(all="ignore"):
            u, w = self.phase_plane.field(gx, gy)
        # Arrows of one length (half their spacing), measured in fractions of
        # the window so that both axes count alike; they show the direction only.
        (xlo, xhi), (ylo, yhi) = self.window[self.x], self.window[self.y]
        u, w = u / (xhi - xlo), w / (yhi - ylo)
        norm = np.hypot(u, w)
        norm[~(norm > 0)] = np.inf        # no arrow where the field vanishes or is NaN
        length = 0.5 / (ARROWS + 1)
        self.quiver.set_UVC(u / norm * length * (xhi - xlo), w / norm * length * (yhi - ylo))

    def _simulate(self) -> None:
        args = tuple(self.values.get(p, self.sig.defaults.get(p)) for p in self.sig.params)
        y0 = np.array([self.x0_slider.value, self.y0_slider.value])
        span = (0.0, self.duration)
        with np.errstate(all="ignore"):
            if self._jit:
                try:
                    ts, ys = bp.integrate(self.f, y0, span, dt=self.dt, method=self.method,
                                          args=args, jit=True)
                except Exception:   # a derivative Numba cannot compile: run it in Python
                    self._jit = False
                    self.status.value = "<i>" + tr("trajectories run in plain Python (not compiled)",
                                                    "轨迹用纯 Python 计算 (未编译)") + "</i>"
            if not self._jit:
                ts, ys = bp.integrate(self.f, y0, span, dt=self.dt, method=self.method,
                                      args=args)
        bad = ~np.isfinite(ys).all(axis=1)
        if bad.any():            # cut a run that left the window for good
            ts, ys = ts[:np.argmax(bad)], ys[:np.argmax(bad)]
        self.trajectory = {"t": ts, self.x: ys[:, 0], self.y: ys[:, 1]}
        self.oscillating, self.period = self._oscillation(ts, ys[:, 0])

    def _oscillation(self, ts, xs) -> tuple[bool, float | None]:
        """Does x keep swinging in the second half of the run?  Its period if so."""
        if len(ts) < 10 or ts[-1] < self.duration * 0.999:
            return False, None
        late = ts >= ts[-1] / 2
        x = xs[late]
        lo, hi = self.window[self.x]
        if x.max() - x.min() <= OSCILLATION_RTOL * (hi - lo):
            return False, None
        # upward crossings of the middle of the late swing, over the whole run:
        # a slow cycle (class I near onset) may fit only once into the late half
        mid = (x.max() + x.min()) / 2
        crossings = measure.spike_times(ts, xs, threshold=mid)   # upward, interpolated
        periods = np.diff(crossings)[1:] if len(crossings) > 2 else np.diff(crossings)
        return True, (float(np.mean(periods)) if len(periods) else None)

    def _draw(self) -> None:
        for v, line in self.nullcline_lines.items():
            line.set_data(*_segments(self.nullclines[v]))
        for kind, marker in self.fixed_point_markers.items():
            pts = [fp for fp in self.fixed_points if fp.stability == kind]
            marker.set_data([fp[self.x] for fp in pts], [fp[self.y] for fp in pts])
        traj = self.trajectory
        every = max(1, len(traj["t"]) // MAX_POINTS)
        self.trajectory_line.set_data(traj[self.x][::every], traj[self.y][::every])
        self.start_marker.set_data([self.x0_slider.value], [self.y0_slider.value])
        self.trace_line.set_data(traj["t"][::every], traj[self.x][::every])
        if self.oscillating:
            unit = f" {self.units['t']}" if "t" in self.units else ""
            text = tr("limit cycle", "极限环") + (tr(f", period {self.period:.3g}{unit}",
                                                     f", 周期 {self.period:.3g}{unit}")
                                                  if self.period else "")
        else:
            text = tr("settles", "趋于稳定") if len(traj["t"]) and traj["t"][-1] >= self.duration * 0.999 \
                else tr("leaves the window", "离开窗口")
        self.trace_text.set_text(text)
        self._set_legend()
        if self._full:
            self.view.redraw_all()
        else:
            self.view.update()

    def _table_html(self) -> str:
        style = "padding:2px 10px;text-align:right"
        head = [self.x, self.y, tr("stability", "稳定性"), tr("eigenvalues of the Jacobian", "雅可比矩阵的特征值")]
        rows = []
        for fp in self.fixed_points:
            color = STYLES[fp.stability]["color"]
            lam = ", ".join(_complex(z) for z in fp.eigenvalues)
            rows.append([f"{fp[self.x]:.4g}", f"{fp[self.y]:.4g}",
                         f"<span style='color:{color}'>&#9679;</span> {term(fp.stability)}", lam])
        if not rows:
            rows.append(["-", "-", tr("no fixed point in the window", "窗口内没有不动点"), ""])
        out = ["<table style='border-collapse:collapse;font-size:13px'>",
               "<tr>" + "".join(f"<th style='{style}'>{h}</th>" for h in head) + "</tr>"]
        out += ["<tr>" + "".join(f"<td style='{style}'>{c}</td>" for c in r) + "</tr>"
                for r in rows]
        out.append("</table>")
        return "\n".join(out)

    # -- for lessons and tests -----------------------------------------------------------
    def summary(self) -> str:
        """The parameter values, the fixed points and what the trajectory does, as text."""
        pars = ", ".join(f"{n} = {self.values[n]:g}" for n in self.sliders)
        lines = [f"{self.title}: {pars}"]
        lines += [f"  fixed point {self.x} = {fp[self.x]:.4g}, {self.y} = {fp[self.y]:.4g}: "
                  f"{fp.stability}" for fp in self.fixed_points]
        lines.append(f"  trajectory: {self.trace_text.get_text()}")
        return "\n".join(lines)


def _complex(z: complex) -> str:
    if abs(z.imag) < 1e-12 * max(1.0, abs(z.real)):
        return f"{z.real:.3g}"
    return f"{z.real:.3g} {'+' if z.imag >= 0 else '-'} {abs(z.imag):.3g}i"


def phase_plane_explorer(model: Any = "fhn", params: Mapping | None = None,
                         target_vars: Mapping | None = None, initial: tuple | None = None,
                         duration: float | None = None, dt: float | None = None,
                         method: str = "rk4", title: str | None = None) -> PhasePlaneExplorer:
    """Explore a two-variable model's phase plane with parameter sliders.

    Parameters
    ----------
    model : 'fhn' (FitzHugh-Nagumo), 'morris_lecar', or your derivative
        ``f(x, y, t, p1, p2=..., ...)`` written as for ``bp.odeint``
    params : ``{parameter: spec}``, one slider per entry, where spec is
        ``(min, max)``, ``(min, max, step)`` or ``(min, max, step, value)``;
        a plain number holds that parameter fixed without a slider.  Other
        parameters keep their defaults.  For the built-in models it replaces
        their sliders (FitzHugh-Nagumo: I, a, b, tau; Morris-Lecar: I, gCa,
        V3, V4, phi).
    target_vars : the window ``{x: (min, max), y: (min, max)}``; needed for
        your own model, optional for the built-in ones
    initial : the trajectory's start ``(x0, y0)`` (sliders move it later)
    duration, dt, method : the trajectory's length, step and method
        (default 200, 0.1 for FitzHugh-Nagumo; 500 ms, 0.1 ms for
        Morris-Lecar; 100, 0.1 for your model; RK4)

    Returns the widget (an ``ipywidgets.VBox``); leave it as the last line of
    a cell to show it.  Its controls are attributes (``ex.sliders['I'].value
    = 0.5``, ``ex.set_values(I=0.5, a=0.8)``) and so are its results
    (``ex.fixed_points``, ``ex.oscillating``, ``ex.period``).
    """
    return PhasePlaneExplorer(model, params, target_vars, initial, duration, dt, method, title)
