"""Run one method on one problem and measure it: error, spikes, cost, blow-up.

``run_method(problem, method, dt)`` is what the integrator lab calls for
every selected method, and what a lesson calls to print one line of numbers::

    >>> print(run_method('hh', 'euler', dt=0.2).summary())
    euler              dt=0.2     diverged at t = 0.6; 500 steps, 500 evaluations of f

A run *diverges* when a value becomes inf or NaN, or when the first variable
leaves the problem's physical range (``problem.bound``, e.g. |V| > 1000 mV):
the trace is then cut at that time and no error is computed.
"""
from __future__ import annotations

import functools
import time
import warnings
from dataclasses import dataclass

import numpy as np

import braindyn as bp
from braindyn import measure
from braindyn.integrators import get_method

from .problems import Problem, get_problem, numpy_backend


@dataclass
class Run:
    """One method, one step size, one problem: the trace and its numbers."""
    method: str
    dt: float
    ts: np.ndarray                  # times of the steps (cut where the run diverged)
    ys: np.ndarray                  # values, shape (len(ts), n_variables)
    error: np.ndarray               # |first variable - reference| at ts
    steps: int                      # steps taken
    evaluations: int                # calls of the derivative f
    wall_time: float                # seconds of the (compiled) time loop
    diverged: bool
    t_diverged: float | None        # first time of an inf, NaN or out-of-range value
    max_error: float                # max |first variable - reference| (inf if diverged)
    spike_times: np.ndarray | None = None   # upward crossings of the threshold (ms)
    n_spikes_reference: int | None = None
    # max |t - nearest reference spike| (ms), in both directions: spike_error.max_error
    # (None when there is no spike on one side)
    spike_time_error: float | None = None
    # the spikes against the reference's, each paired with its nearest neighbour, with the
    # counts: measure.spike_time_error(spike_times, reference spike times)
    spike_error: measure.SpikeTimeError | None = None

    def summary(self) -> str:
        """One line: method, dt, error or 'diverged', cost."""
        if self.diverged:
            what = f"diverged at t = {self.t_diverged:.3g}"
        else:
            what = f"max error {self.max_error:.2e}"
            if self.spike_times is not None:
                what += (f", {len(self.spike_times)} spikes (reference "
                         f"{self.n_spikes_reference})")
                if self.spike_time_error is not None:
                    what += f", spike-time error {self.spike_time_error:.1e}"
        return (f"{self.method:<18} dt={self.dt:<7g} {what}; {self.steps} steps, "
                f"{self.evaluations} evaluations of f")


# -- cost -------------------------------------------------------------------------

_evaluations_per_step: dict = {}


def evaluations_per_step(problem: str | Problem, method: str) -> int:
    """How many times one step of ``method`` calls the derivative, counted by
    taking one step in plain Python with a counting wrapper around f.

    Runge-Kutta methods call it once per stage; exponential Euler calls it
    once, plus twice per variable for its central-difference slopes.
    """
    problem = get_problem(problem)
    key = (problem.name, get_method(method).name)
    if key not in _evaluations_per_step:
        calls = [0]

        @functools.wraps(problem.f)     # keeps f's signature: variables, t, parameters
        def counting(*args):
            calls[0] += 1
            return problem.f(*args)
        with numpy_backend():
            step = bp.odeint(counting, method=method)
            step(*problem.y0, problem.t_span[0], *problem.params(), dt=1e-3)
        _evaluations_per_step[key] = calls[0]
    return _evaluations_per_step[key]


# -- spikes -------------------------------------------------------------------------


def crossing_times(ts, v, threshold, slopes_at=None):
    """Times where ``v`` crosses ``threshold`` upwards: ``measure.spike_times(ts, v,
    threshold)``, read from the straight line between the two steps around a
    crossing, or, when ``slopes_at(i)`` gives dv/dt at steps ``i`` (an index array),
    from the cubic that matches v and dv/dt at both ends (Hermite interpolation,
    ``slopes=``), whose error is O(dt^4) instead of the line's O(dt^2).
    """
    ts, v = np.asarray(ts, dtype=float), np.asarray(v, dtype=float)
    slopes = None if slopes_at is None else np.asarray(slopes_at(np.arange(len(ts))))
    return measure.spike_times(ts, v, threshold, slopes=slopes)


# -- running --------------------------------------------------------------------------

_compiled: set = set()


def integrate_quietly(problem: Problem, method: str, dt: float, params: tuple,
                      jit: bool = True):
    """``bp.integrate`` on the problem, with overflow warnings silenced (a run
    that blows up is reported by ``run_method``, not by a screen of warnings).
    Returns ``(ts, ys, seconds)``; the first call per method compiles first, so
    that the time is that of the compiled loop alone."""
    key = (problem.f, method, jit)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if jit and key not in _compiled:   # compile on a two-step run, untimed
            bp.integrate(problem.f, problem.y0, (problem.t_span[0], problem.t_span[0] + 2 * dt),
                         dt=dt, method=method, args=params, jit=True)
            _compiled.add(key)
        start = time.perf_counter()
        ts, ys = bp.integrate(problem.f, problem.y0, problem.t_span, dt=dt, method=method,
                              args=params, jit=jit)
        seconds = time.perf_counter() - start
    ys = ys.reshape(len(ts), -1)
    return ts, ys, seconds


def is_compiled(problem: str | Problem, method: str) -> bool:
    """Whether ``run_method`` has already compiled this method for this problem."""
    return (get_problem(problem).f, get_method(method).name, True) in _compiled


def run_method(problem: str | Problem, method: str, dt: float, input: float | None = None,
               jit: bool | None = None) -> Run:
    """Integrate ``problem`` with ``method`` at fixed step ``dt`` and compare with
    its true solution.

    Parameters
    ----------
    problem : a name from ``PROBLEMS`` ('hh', 'decay_sine', 'damped_oscillator')
    method : a name from ``bp.integrators.methods()``; embedded pairs such as
        'rkdp' run with fixed steps (their higher-weight solution, no control)
    dt : the step size
    input : the problem's input (I for 'hh', A for 'decay_sine'); its default if None
    jit : run the compiled loop (``bp.integrate(..., jit=True)``); if None, the
        problem's choice (``problem.jit``: yes for HH, no for the small test
        ODEs, which run faster in Python than it takes to compile them)
    """
    problem = get_problem(problem)
    jit = problem.jit if jit is None else bool(jit)
    with numpy_backend():
        return _run(problem, get_method(method).name, float(dt), input, jit)


def _run(problem: Problem, name: str, dt: float, input, jit: bool) -> Run:
    params = problem.params(input)
    ts, ys, seconds = integrate_quietly(problem, name, dt, params, jit)
    steps = len(ts) - 1

    bad = ~np.isfinite(ys).all(axis=1) | (np.abs(ys[:, 0]) > problem.bound)
    diverged = bool(bad.any())
    t_diverged = None
    if diverged:
        first_bad = int(np.argmax(bad))
        t_diverged = float(ts[first_bad])
        ts, ys = ts[:first_bad], ys[:first_bad]

    reference = problem.reference(input)
    error = np.abs(ys[:, 0] - reference.evaluate(ts)[:, 0])
    run = Run(method=name, dt=dt, ts=ts, ys=ys, error=error, steps=steps,
              evaluations=steps * evaluations_per_step(problem, name), wall_time=seconds,
              diverged=diverged, t_diverged=t_diverged,
              max_error=float("inf") if diverged else float(error.max()))
    if problem.threshold is not None and reference.spike_times is not None:
        run.n_spikes_reference = len(reference.spike_times)
        if not diverged:
            with np.errstate(all="ignore"):     # dV/dt at every step, for the cubic reading
                slopes = np.asarray(problem.f(*ys.T, ts, *params)[0], dtype=float)
            run.spike_times = measure.spike_times(ts, ys[:, 0], problem.threshold,
                                                  slopes=np.broadcast_to(slopes, ts.shape))
            run.spike_error = measure.spike_time_error(run.spike_times, reference.spike_times)
            if len(run.spike_times) and len(reference.spike_times):
                run.spike_time_error = run.spike_error.max_error
    return run
