"""Test problems for the integrator widgets: an ODE, where it starts, and its true solution.

Three problems, each an ``odeint``-style derivative ``f(*variables, t, *params)``:

* ``decay_sine``: ``dx/dt = -x + A sin t``, x(0) = 1, whose exact solution is
  ``x(t) = A (sin t - cos t) / 2 + (1 + A/2) exp(-t)``.
* ``damped_oscillator``: ``dx/dt = v, dv/dt = -w^2 x - 2 z w v`` with w = 2,
  z = 0.1, x(0) = 1, v(0) = 0, whose exact solution is
  ``x(t) = exp(-z w t) (cos(wd t) + (z w / wd) sin(wd t))``, ``wd = w sqrt(1 - z^2)``.
  Forward Euler spirals outwards on it unless dt < 4 z / w = 0.2.
* ``hh``: the Hodgkin-Huxley model of the slides (``braindyn.models``) at input
  current I, 100 ms.  It has no closed-form solution; its reference is
  computed once per I by scipy's DOP853 at rtol = atol = 1e-10 (an integrator
  independent of braindyn) and agrees with ``tests/data/hh_reference.json``
  to about 1e-8 ms in the spike times (``tests/test_widgets.py`` checks this).

A problem's *input* (A or I) is the one parameter the integrator lab's slider
changes; ``problem.reference(value)`` gives the true solution for that input.
"""
from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

import braindyn.math as bm
from braindyn.models import hh_derivatives, hodgkin_huxley

@contextlib.contextmanager
def numpy_backend():
    """Compute on the NumPy backend (compiled by Numba), whichever backend a
    lesson has switched to, and switch back afterwards: the widgets measure
    methods, not backends."""
    previous = bm.get_backend()
    bm.use_backend("numpy")
    try:
        yield
    finally:
        bm.use_backend(previous)


# -- the derivatives -----------------------------------------------------------


def decay_sine(x, t, A):
    """dx/dt = -x + A sin t: a decay towards a sine wave."""
    return -x + A * bm.sin(t)


OMEGA, ZETA = 2.0, 0.1    # natural angular frequency (rad per unit time), damping ratio


def damped_oscillator(x, v, t, omega=OMEGA, zeta=ZETA):
    """x'' + 2 zeta omega x' + omega^2 x = 0, written as two first-order equations."""
    return v, -omega ** 2 * x - 2.0 * zeta * omega * v


# -- the true solutions ----------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The true solution of a problem at one input value.

    ``evaluate(ts)`` returns an array of shape ``(len(ts), n_variables)``;
    ``spike_times`` lists the upward threshold crossings (spiking models only).
    """
    evaluate: Callable[[np.ndarray], np.ndarray]
    label: str
    spike_times: np.ndarray | None = None


def decay_sine_exact(ts, A=1.0, x0=1.0):
    ts = np.asarray(ts, dtype=float)
    x = A * (np.sin(ts) - np.cos(ts)) / 2 + (x0 + A / 2) * np.exp(-ts)
    return x[:, None]


def damped_oscillator_exact(ts, x0=1.0, omega=OMEGA, zeta=ZETA):
    ts = np.asarray(ts, dtype=float)
    a = zeta * omega                       # decay rate of the envelope
    wd = omega * np.sqrt(1 - zeta ** 2)    # frequency of the damped oscillation
    envelope = x0 * np.exp(-a * ts)
    x = envelope * (np.cos(wd * ts) + a / wd * np.sin(wd * ts))
    v = -envelope * omega ** 2 / wd * np.sin(wd * ts)
    return np.stack([x, v], axis=1)


HH_REFERENCE_TOL = 1e-10       # rtol = atol of scipy's DOP853 for the HH reference
HH_REFERENCE_GRID = 1e-3       # ms: spacing of the stored reference samples


@functools.lru_cache(maxsize=16)
def hh_reference(I: float, t_end: float = 100.0) -> Reference:
    """The HH solution at input current I, by scipy's DOP853 (computed once per I).

    The solution is sampled every 1 us together with its derivative, and read
    between samples by cubic Hermite interpolation (error ~1e-7 mV), which is
    much faster than scipy's dense output when a slider asks for it again.
    """
    from scipy.integrate import solve_ivp
    from scipy.interpolate import CubicHermiteSpline

    def rhs(t, y):
        return np.array(hh_derivatives(*y, t, I))

    def crossing(t, y):
        return y[0] - hodgkin_huxley.V_TH
    crossing.direction = 1.0    # upward crossings only

    sol = solve_ivp(rhs, (0.0, t_end), hodgkin_huxley.INITIAL_STATE, method="DOP853",
                    rtol=HH_REFERENCE_TOL, atol=HH_REFERENCE_TOL, dense_output=True,
                    events=crossing)
    if not sol.success:  # pragma: no cover - DOP853 does not fail on HH
        raise RuntimeError(f"the HH reference failed at I={I}: {sol.message}")
    grid = np.linspace(0.0, t_end, int(round(t_end / HH_REFERENCE_GRID)) + 1)
    ys = sol.sol(grid)                          # shape (4, len(grid))
    slopes = np.array(hh_derivatives(*ys, grid, I))
    spline = CubicHermiteSpline(grid, ys.T, slopes.T, axis=0)
    return Reference(evaluate=spline, label="scipy DOP853, rtol = atol = 1e-10",
                     spike_times=np.asarray(sol.t_events[0]))


# -- the problems ------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """The one parameter of a problem that the lab's slider changes."""
    name: str
    units: str
    default: float
    min: float
    max: float
    step: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.units})" if self.units else self.name


@dataclass(frozen=True)
class Problem:
    """An ODE with its initial state, time span, plot ranges and true solution.

    ``params(value)`` are the arguments after ``t`` for input ``value``;
    ``reference(value)`` is the true solution for that input.
    """
    name: str
    title: str                      # the equation, for menus and plot titles
    f: Callable
    y0: tuple
    t_span: tuple
    variables: tuple
    ylim: tuple                     # plot range of the first variable
    bound: float                    # |first variable| beyond this: the run diverged
    exact: Callable                 # exact(ts, input_value) -> (len(ts), n_variables)
    input: Input | None = None
    threshold: float | None = None  # spike threshold of the first variable, if any
    error_ylim: tuple = (1e-14, 1e2)
    units: str = ""                 # of the first variable
    time_units: str = ""
    jit: bool = False               # compile runs by default (worth it for long, costly runs)

    def params(self, value: float | None = None) -> tuple:
        if self.input is None:
            return ()
        return (float(self.input.default if value is None else value),)

    def reference(self, value: float | None = None) -> Reference:
        if self.input is not None:
            value = float(self.input.default if value is None else value)
        with numpy_backend():
            return self.exact(value)


def _closed_form(fn, with_input=True):
    label = "exact (closed form)"
    if with_input:
        return lambda value: Reference(lambda ts: fn(ts, value), label)
    return lambda value: Reference(fn, label)


PROBLEMS = {
    "hh": Problem(
        name="hh", title="Hodgkin-Huxley, 100 ms", f=hh_derivatives,
        y0=hodgkin_huxley.INITIAL_STATE, t_span=(0.0, 100.0), variables=("V", "m", "h", "n"),
        ylim=(-90.0, 60.0), bound=1e3, exact=hh_reference,
        input=Input("I", "uA/cm^2", 10.0, 0.0, 20.0, 0.5),
        threshold=hodgkin_huxley.V_TH, error_ylim=(1e-8, 1e3), units="mV", time_units="ms",
        jit=True),
    "decay_sine": Problem(
        name="decay_sine", title="dx/dt = -x + A sin t", f=decay_sine, y0=(1.0,),
        t_span=(0.0, 10.0), variables=("x",), ylim=(-1.5, 1.5), bound=1e3,
        exact=_closed_form(decay_sine_exact), input=Input("A", "", 1.0, 0.0, 2.0, 0.1)),
    "damped_oscillator": Problem(
        name="damped_oscillator", title="x'' = -4 x - 0.4 x' (damped oscillator)",
        f=damped_oscillator, y0=(1.0, 0.0), t_span=(0.0, 20.0), variables=("x", "v"),
        ylim=(-1.5, 1.5), bound=1e3, exact=_closed_form(damped_oscillator_exact, False)),
}


def get_problem(problem: str | Problem) -> Problem:
    """A problem by name (``'hh'``, ``'decay_sine'``, ``'damped_oscillator'``)."""
    if isinstance(problem, Problem):
        return problem
    if problem not in PROBLEMS:
        raise ValueError(f"unknown problem {problem!r}; choose one of "
                         f"{', '.join(map(repr, PROBLEMS))}")
    return PROBLEMS[problem]
