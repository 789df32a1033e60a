"""Order of convergence: error against dt on log-log axes, with fitted slopes.

A method of order p has a global error ``E(dt) ~ C dt^p`` for small dt, so
``log E = log C + p log dt``: on log-log axes its errors lie on a line of
slope p.  ``convergence_plot`` runs each method at a series of step sizes on
a problem with a known solution, plots the errors and fits that slope.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.ticker import NullFormatter

import braindyn as bp

from .i18n import term, tr
from .integrator_lab import color_of
from .problems import get_problem
from .runs import run_method

DEFAULT_METHODS = ("euler", "midpoint", "rk3", "rk4")
DEFAULT_DTS = tuple(2.0 ** -np.arange(1, 9))   # 0.5, 0.25, ..., 1/256
ROUND_OFF = 1e-11     # errors below this are mostly rounding, not truncation: not fitted
FIT_POINTS = 4        # fit the slope on the (at most) 4 smallest usable dt


def measure_error(run, kind: str) -> float:
    """The error of one run: 'max' (max over the steps of |first variable -
    reference|), 'final' (at the last step) or 'spike_time' (max spike-time
    error); NaN if the run diverged."""
    if run.diverged:
        return float("nan")
    if kind == "max":
        return run.max_error
    if kind == "final":
        return float(run.error[-1])
    if kind == "spike_time":
        return float("nan") if run.spike_time_error is None else run.spike_time_error
    raise ValueError(f"error must be 'max', 'final' or 'spike_time', got {kind!r}")


def fitted_order(dts, errors, round_off: float = ROUND_OFF, points: int = FIT_POINTS) -> float:
    """Slope of log(error) against log(dt), fitted on the smallest ``points``
    step sizes whose error is finite and above ``round_off``; NaN if fewer
    than two such points."""
    dts, errors = np.asarray(dts, float), np.asarray(errors, float)
    usable = np.isfinite(errors) & (errors > round_off)
    order = np.argsort(dts[usable])[:points]
    x, y = np.log(dts[usable][order]), np.log(errors[usable][order])
    if len(x) < 2:
        return float("nan")
    return float(np.polyfit(x, y, 1)[0])


@dataclass
class Convergence:
    """Errors and fitted slopes of ``convergence_plot``; prints as a table."""
    problem: str
    dts: np.ndarray
    errors: dict            # method -> array of errors, one per dt
    slopes: dict            # method -> fitted slope
    figure: object = field(repr=False, default=None)
    ax: object = field(repr=False, default=None)

    def __repr__(self):
        rows = [f"{'method':<18}{'order':>6}{'fitted slope':>14}"]
        for m, s in self.slopes.items():
            rows.append(f"{m:<18}{bp.integrators.get_method(m).order:>6}{s:>14.2f}")
        return "\n".join(rows)


def convergence_data(problem="decay_sine", methods=DEFAULT_METHODS, dts=DEFAULT_DTS,
                     error: str = "max", input: float | None = None) -> Convergence:
    """Run every method at every dt; return the errors and fitted slopes."""
    name = get_problem(problem).name
    dts = np.asarray(dts, dtype=float)
    errors, slopes = {}, {}
    for m in methods:
        m = bp.integrators.get_method(m).name
        errors[m] = np.array([measure_error(run_method(name, m, dt, input), error)
                              for dt in dts])
        slopes[m] = fitted_order(dts, errors[m])
    return Convergence(name, dts, errors, slopes)


def convergence_plot(problem="decay_sine", methods=DEFAULT_METHODS, dts=DEFAULT_DTS,
                     error: str = "max", input: float | None = None, ax=None) -> Convergence:
    """Plot error against dt on log-log axes, one line per method, with the
    fitted slope (the observed order) in the legend.

    Parameters
    ----------
    problem : 'decay_sine', 'damped_oscillator' or 'hh'
    methods : names from ``bp.integrators.methods()``
    dts : the step sizes
    error : 'max', 'final' or 'spike_time' (see ``measure_error``)
    ax : matplotlib axes to draw on (a new figure if None)

    Returns a ``Convergence`` (errors, slopes, figure), which prints as a
    table of declared order and fitted slope.  Runs that diverge are left out.
    """
    result = convergence_data(problem, methods, dts, error, input)
    if ax is None:
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
    else:
        fig = ax.figure
    for m, errs in result.errors.items():
        order = bp.integrators.get_method(m).order
        ax.loglog(result.dts, errs, "o-", color=color_of(m),
                  label=tr(f"{m} (order {order}): slope {result.slopes[m]:.2f}",
                           f"{m} ({order} 阶): 斜率 {result.slopes[m]:.2f}"))
    ax.set_xlabel("dt")
    ax.set_ylabel({"max": tr("max error", "最大误差"), "final": tr("error at the end", "终点误差"),
                   "spike_time": tr("spike-time error", "发放时刻误差")}[error])
    p = get_problem(problem)
    title = term(p.title)
    if p.input is not None:
        title += f", {p.input.name} = {p.params(input)[0]:g}"
    ax.set_title(title, loc="left", fontsize=11)
    ax.xaxis.set_minor_formatter(NullFormatter())   # minor labels crowd a short range
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    result.figure, result.ax = fig, ax
    return result
