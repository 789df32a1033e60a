"""Input currents and spike trains, one value per time step: ``braindyn.inputs``.

Every function here returns a NumPy array with one row per step of a run,
shape ``(n_steps,)`` for one value per step or ``(n_steps, num)`` for one per
neuron: exactly what ``model.run`` takes as an ``'iter'`` input::

    import braindyn as bp
    from braindyn import inputs

    I = inputs.section([(0., 50.), (10., 100.), (0., 50.)], dt=0.1)   # a 100 ms step
    neuron.run(200., inputs=('input', I, 'iter'), dt=0.1)
    inputs.plot(I, dt=0.1)

Conventions, the same for every function:

* times in ms, rates and frequencies in Hz; ``duration`` is a number of ms or
  ``(t_start, t_end)``, as for ``run``;
* step ``i`` runs from ``t_i = t_start + i * dt`` to ``t_i + dt``, and its value
  is the function at ``t_i`` (the start of the step: ``run`` adds it before the
  step's update); there are ``floor(duration / dt)`` steps, as in ``run``;
* random inputs draw from ``bm.random``: ``bm.random.seed(s)`` makes them
  reproducible, on either backend.

Reference: the ``brainpy.inputs`` module (C. Wang et al., eLife 12 (2023)
e86365), whose section, ramp, sinusoidal, square, Wiener and
Ornstein-Uhlenbeck currents these follow.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from . import math as bm

__all__ = ["n_steps", "step_times", "section", "step", "ramp", "sinusoid", "square",
           "wiener", "ou", "poisson", "spike_train", "plot"]

_EPS = 1e-9   # relative tolerance when a time is compared with the grid of dt


# -- the time grid -----------------------------------------------------------------

def _check_dt(dt) -> float:
    if isinstance(dt, (bool, np.bool_)) or not isinstance(dt, (int, float, np.number)):
        raise TypeError(f"dt must be a number of ms such as dt=0.1, got {dt!r}")
    if not math.isfinite(float(dt)) or float(dt) <= 0:
        raise ValueError(f"dt must be a finite positive number of ms (e.g. dt=0.1), got {dt!r}")
    return float(dt)


def _span(duration) -> tuple[float, float]:
    if isinstance(duration, (tuple, list)):
        if len(duration) != 2:
            raise ValueError(f"duration is a number of ms or (t_start, t_end), got {duration!r}")
        t0, t1 = float(duration[0]), float(duration[1])
    elif isinstance(duration, bool) or not isinstance(duration, (int, float, np.number)):
        raise TypeError(f"duration must be a number of ms or (t_start, t_end), got {duration!r}")
    else:
        t0, t1 = 0.0, float(duration)
    if not (math.isfinite(t0) and math.isfinite(t1)):
        raise ValueError(f"duration must be finite, got {duration!r}")
    return t0, t1


def n_steps(duration, dt: float) -> int:
    """Number of steps of a run of ``duration`` ms at step ``dt`` ms: ``floor(duration / dt)``
    (a tolerance of 1e-9 steps absorbs rounding), as ``model.run`` counts them
    (``simulation/runner.py``); an error if that is less than one step.
    Reference: the run loop of ``braindyn.simulation.runner``."""
    dt = _check_dt(dt)
    t0, t1 = _span(duration)
    n = int(math.floor((t1 - t0) / dt + _EPS))
    if n < 1:
        raise ValueError(f"the duration ({t1 - t0:g} ms) is shorter than one step dt = {dt:g} ms: "
                         f"make the duration longer or dt smaller")
    return n


def step_times(duration, dt: float) -> np.ndarray:
    """Start times ``t_i = t_start + i dt`` (ms), ``i = 0, ..., n_steps - 1``, of the steps of
    a run: the times at which every function of this module evaluates its input (``run``
    applies an input before the update of step i, which starts at ``t_i``).
    Reference: the run loop of ``braindyn.simulation.runner``."""
    t0, _ = _span(duration)
    return t0 + dt * np.arange(n_steps(duration, dt))


def _columns(values, n: int | None, what: str) -> np.ndarray:
    """A value per neuron: ``values`` broadcast to (num,), or left a scalar."""
    values = np.asarray(values, dtype=float)
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n (the number of neurons) must be a positive integer, got {n!r}")
        try:
            values = np.broadcast_to(values, (int(n),))
        except ValueError:
            raise ValueError(f"{what} has shape {values.shape}, which does not fit n = {n} "
                             f"neurons: give one value or {n}") from None
    elif values.ndim > 1:
        raise ValueError(f"{what} must be one value or one per neuron (1-D), got shape "
                         f"{values.shape}")
    return values


def _window(t: np.ndarray, t_start, t_end, dt: float) -> np.ndarray:
    """Steps whose start time lies in [t_start, t_end)."""
    on = np.ones(t.shape, dtype=bool)
    if t_start is not None:
        on &= t >= t_start - _EPS * dt
    if t_end is not None:
        on &= t < t_end - _EPS * dt
    return on


def _shape_like(trace: np.ndarray, value: np.ndarray) -> np.ndarray:
    """(n_steps,) times a per-neuron value of shape (num,): (n_steps, num)."""
    return trace[:, None] * value if value.ndim else trace * value


# -- deterministic currents ---------------------------------------------------------

def section(pieces: Sequence[tuple], dt: float) -> np.ndarray:
    """A piecewise-constant current: ``pieces = [(value, duration), ...]``.

    ``I(t) = value_k`` for ``T_k <= t < T_k + duration_k``, with
    ``T_k = duration_0 + ... + duration_(k-1)`` (ms); a value is one number or one
    per neuron (then the result has shape (n_steps, num)).  Each duration must be a
    whole number of steps of ``dt`` (a piece of 2.55 ms at dt = 0.1 would be cut
    silently otherwise); the run's duration is the sum of the durations.

    Example: ``section([(0., 10.), (5., 80.), (0., 10.)], dt=0.1)`` is a step of
    5 from 10 to 90 ms in a 100 ms run.  Reference: ``brainpy.inputs.section_input``.
    """
    dt = _check_dt(dt)
    if isinstance(pieces, np.ndarray) or not isinstance(pieces, (list, tuple)) or not pieces:
        raise TypeError(f"pieces must be a list of (value, duration) pairs such as "
                        f"[(0., 10.), (5., 80.)], got {pieces!r}")
    values, counts = [], []
    for k, piece in enumerate(pieces):
        if not isinstance(piece, (list, tuple)) or len(piece) != 2:
            raise ValueError(f"piece {k} must be a (value, duration) pair, got {piece!r}")
        value, duration = piece
        if isinstance(duration, bool) or not isinstance(duration, (int, float, np.number)) \
                or not math.isfinite(float(duration)) or duration < 0:
            raise ValueError(f"piece {k}: the duration must be a number of ms >= 0, got "
                             f"{duration!r}")
        steps = float(duration) / dt
        if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
            raise ValueError(f"piece {k}: {duration:g} ms is not a whole number of steps of "
                             f"dt = {dt:g} ms ({steps:.3f} steps): make it a multiple of dt, "
                             f"or choose a dt that divides it")
        values.append(np.asarray(value, dtype=float))
        counts.append(int(round(steps)))
    if sum(counts) < 1:
        raise ValueError("the pieces last less than one step: give them a duration >= dt")
    shapes = {v.shape for v in values}
    if len({s for s in shapes if s != ()}) > 1 or any(len(s) > 1 for s in shapes):
        raise ValueError(f"every value must be one number or one per neuron (the same "
                         f"number of neurons), got shapes {sorted(shapes)}")
    width = max(shapes, key=len)
    return np.concatenate([np.broadcast_to(v, (c,) + width) for v, c in zip(values, counts)])


def step(amplitude, duration, dt: float, onset: float = 0.0, offset: float | None = None,
         baseline: float = 0.0) -> np.ndarray:
    """A step current: ``I(t) = amplitude`` for ``onset <= t < offset`` (ms), else ``baseline``.

    ``offset=None`` keeps the step on to the end.  ``amplitude`` is one value or
    one per neuron.  Unlike :func:`section`, onset and offset need not lie on the
    grid: a step is on when its start time is in ``[onset, offset)``.  Reference:
    ``brainpy.inputs.section_input`` (a step is a section of three pieces).
    """
    dt = _check_dt(dt)
    t = step_times(duration, dt)
    amplitude = _columns(amplitude, None, "amplitude")
    on = _window(t, onset, offset, dt).astype(float)
    return baseline + _shape_like(on, amplitude - baseline)


def ramp(start, end, duration, dt: float, t_start: float | None = None,
         t_end: float | None = None) -> np.ndarray:
    """A linear ramp: ``I(t) = start + (end - start) (t - t_start) / (t_end - t_start)``
    for ``t_start <= t < t_end`` (ms), 0 outside.

    ``t_start`` and ``t_end`` default to the start and the end of the run.  Units
    of ``start`` and ``end``: those of the input (nA, uA/cm^2, ...).  Reference:
    ``brainpy.inputs.ramp_input``.
    """
    dt = _check_dt(dt)
    t = step_times(duration, dt)
    t0, t1 = _span(duration)
    a = t0 if t_start is None else float(t_start)
    b = t1 if t_end is None else float(t_end)
    if not b > a:
        raise ValueError(f"the ramp needs t_end > t_start, got t_start = {a:g} ms and "
                         f"t_end = {b:g} ms")
    start, end = _columns(start, None, "start"), _columns(end, None, "end")
    frac, on = (t - a) / (b - a), _window(t, a, b, dt)
    if start.ndim or end.ndim:      # one ramp per neuron: (n_steps, num)
        frac, on = frac[:, None], on[:, None]
    return np.where(on, start + (end - start) * frac, 0.0)


def sinusoid(amplitude, frequency: float, duration, dt: float, phase: float = 0.0,
             bias: float = 0.0, t_start: float | None = None, t_end: float | None = None
             ) -> np.ndarray:
    """A sinusoidal current: ``I(t) = bias + amplitude sin(2 pi f (t - t_start) / 1000 + phase)``
    for ``t_start <= t < t_end`` (ms), ``bias`` outside.

    ``frequency`` f in Hz (t in ms, hence the 1000), ``phase`` in radians.  One
    period lasts ``1000 / f`` ms: choose ``dt`` at least ten times smaller.
    Reference: ``brainpy.inputs.sinusoidal_input``.
    """
    dt = _check_dt(dt)
    t = step_times(duration, dt)
    t0 = _span(duration)[0] if t_start is None else float(t_start)
    if not frequency > 0:
        raise ValueError(f"frequency must be > 0 Hz, got {frequency!r}")
    if 1000.0 / frequency < 2 * dt:
        raise ValueError(f"a sinusoid of {frequency:g} Hz has a period of {1000 / frequency:g} "
                         f"ms, less than two steps of dt = {dt:g} ms: use a smaller dt")
    amplitude = _columns(amplitude, None, "amplitude")
    wave = np.sin(2 * np.pi * frequency * (t - t0) / 1000.0 + phase)
    wave = np.where(_window(t, t_start, t_end, dt), wave, 0.0)
    return bias + _shape_like(wave, amplitude)


def square(amplitude, frequency: float, duration, dt: float, duty: float = 0.5,
           baseline: float = 0.0, t_start: float | None = None, t_end: float | None = None
           ) -> np.ndarray:
    """Square pulses: ``amplitude`` during the first ``duty`` fraction of each period
    ``P = 1000 / frequency`` ms, ``baseline`` otherwise:
    ``I(t) = amplitude if ((t - t_start) mod P) < duty P``, for ``t_start <= t < t_end``.

    Pulses of 2 ms every 50 ms: ``square(1., 20., 500., dt, duty=2 / 50)``.
    Reference: ``brainpy.inputs.square_input`` (which alternates +-amplitude: that is
    ``square(2 A, f, ..., baseline=-A)`` here).
    """
    dt = _check_dt(dt)
    t = step_times(duration, dt)
    t0 = _span(duration)[0] if t_start is None else float(t_start)
    if not frequency > 0:
        raise ValueError(f"frequency must be > 0 Hz, got {frequency!r}")
    if not 0 < duty <= 1:
        raise ValueError(f"duty (the fraction of each period that is on) must be in (0, 1], "
                         f"got {duty!r}")
    period = 1000.0 / frequency
    if duty * period < dt * (1 - 1e-6):
        raise ValueError(f"pulses of {duty * period:g} ms are shorter than one step of dt = "
                         f"{dt:g} ms: use a smaller dt, a larger duty or a lower frequency")
    phase = np.mod(t - t0 + _EPS * dt, period)
    on = (phase < duty * period) & _window(t, t_start, t_end, dt)
    amplitude = _columns(amplitude, None, "amplitude")
    return baseline + _shape_like(on.astype(float), amplitude - baseline)


# -- random currents -----------------------------------------------------------------

def _normal(shape) -> np.ndarray:
    return np.asarray(bm.random.normal(0.0, 1.0, shape), dtype=float)


def wiener(duration, dt: float, sigma: float = 1.0, n: int | None = None,
           increments: bool = False) -> np.ndarray:
    """A Wiener process (Brownian motion) ``W(t)`` sampled at the step starts.

    ``W(t_0) = 0`` and ``W(t_(i+1)) = W(t_i) + sigma sqrt(dt) xi_i`` with independent
    standard normal ``xi_i``: ``E[W(t)] = 0``, ``Var[W(t)] = sigma^2 (t - t_0)``
    (sigma in input units per sqrt(ms)).  ``increments=True`` returns the increments
    ``dW_i = sigma sqrt(dt) xi_i`` instead (what ``brainpy.inputs.wiener_process``
    returns; ``Var = sigma^2 dt``).  ``n`` neurons: shape (n_steps, n), independent.
    Reference: C. W. Gardiner, *Stochastic Methods* (4th ed. 2009), ch. 3.8.1.
    """
    dt = _check_dt(dt)
    steps = n_steps(duration, dt)
    shape = (steps,) if n is None else (steps, int(_columns(0.0, n, "n").shape[0]))
    dW = sigma * math.sqrt(dt) * _normal(shape)
    if increments:
        return dW
    path = np.cumsum(dW, axis=0)
    return np.concatenate([np.zeros((1,) + shape[1:]), path[:-1]])


def ou(mean, sigma: float, tau: float, duration, dt: float, n: int | None = None,
       x0=None) -> np.ndarray:
    """An Ornstein-Uhlenbeck current: ``dx = (mean - x) / tau dt + sigma dW``.

    Convention: t and tau in ms, ``W`` a standard Wiener process in ms (Var W(t) = t),
    so ``sigma`` is in input units per sqrt(ms).  Then, in the stationary state,

    * ``E[x] = mean`` and ``Var[x] = sigma^2 tau / 2`` (a standard deviation ``s``
      needs ``sigma = s sqrt(2 / tau)``),
    * the autocorrelation is ``Corr[x(t), x(t + s)] = exp(-|s| / tau)``, i.e. a
      Lorentzian power spectrum ``S(f) = sigma^2 tau^2 / (1 + (2 pi f tau)^2)``.

    Each step uses the exact update (no error for any dt):
    ``x_(i+1) = mean + (x_i - mean) e^(-dt/tau) + sigma sqrt(tau (1 - e^(-2 dt/tau)) / 2) xi_i``.
    ``x0=None`` draws the first value from the stationary distribution (the trace is
    stationary from its first step); give a number (e.g. ``x0=mean``) to start there.
    ``mean``, ``x0``: one value or one per neuron; ``n`` neurons are independent.
    Reference: G. E. Uhlenbeck, L. S. Ornstein, Phys. Rev. 36 (1930) 823; D. T. Gillespie,
    Phys. Rev. E 54 (1996) 2084 (the exact update).
    """
    dt = _check_dt(dt)
    if not tau > 0:
        raise ValueError(f"tau must be > 0 ms, got {tau!r}")
    if not sigma >= 0:
        raise ValueError(f"sigma must be >= 0, got {sigma!r}")
    steps = n_steps(duration, dt)
    mean = _columns(mean, n, "mean")
    width = mean.shape
    decay = math.exp(-dt / tau)
    spread = sigma * math.sqrt(tau * (1 - decay * decay) / 2)
    noise = _normal((steps,) + width)
    kicks = spread * noise
    kicks[0] = (sigma * math.sqrt(tau / 2) * noise[0] if x0 is None
                else np.broadcast_to(np.asarray(x0, dtype=float), width) - mean)
    # y_i = x_i - mean obeys y_i = decay * y_(i-1) + kicks_i: a first-order linear filter
    from scipy.signal import lfilter
    return mean + lfilter([1.0], [1.0, -decay], kicks, axis=0)


# -- spike trains ---------------------------------------------------------------------

def poisson(rate, duration, dt: float, n: int | None = None) -> np.ndarray:
    """Poisson spike trains as a boolean array (True: a spike in that step), for ``models.SpikeInput`` (``'iter'`` input).

    In each step a neuron spikes with probability ``p = rate dt / 1000`` (rate in Hz,
    dt in ms), independently: a Bernoulli approximation of a Poisson process of
    ``rate`` whose spike count in T ms has mean ``N p`` (N = T / dt steps) and variance
    ``N p (1 - p)``, and whose intervals have CV ``sqrt(1 - p)``: both tend to the
    Poisson values (Fano factor 1, CV 1) as dt -> 0; ``models.PoissonGroup`` draws the
    same way.  ``rate``: one value or one per neuron.  Reference: P. Dayan,
    L. F. Abbott, *Theoretical Neuroscience* (2001), ch. 1.4.
    """
    dt = _check_dt(dt)
    rate = _columns(rate, n, "rate")
    p = rate * dt / 1000.0
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError(f"rate * dt / 1000 is the spike probability per step and must be in "
                         f"[0, 1]; got up to {np.max(p):g}: use a smaller dt or a lower rate")
    steps = n_steps(duration, dt)
    draws = np.asarray(bm.random.random((steps,) + rate.shape), dtype=float)
    return draws < p


def spike_train(times, duration, dt: float, indices=None, n: int | None = None) -> np.ndarray:
    """Given spike times (ms) as a boolean array (True: a spike in that step), for ``models.SpikeInput`` (``'iter'`` input).

    A spike at ``t`` goes into the step whose start is nearest to ``t``,
    ``i = round((t - t_start) / dt)``, as ``models.SpikeTimeGroup`` places it, so both
    spike in the same steps.  One train: ``times`` alone, shape (n_steps,).  Several
    neurons: ``indices[k]`` is the neuron of spike k (and ``n`` the number of neurons,
    default ``max(indices) + 1``), or ``times`` is a list of trains, one per neuron;
    then the shape is (n_steps, n).  Times outside the run, or two spikes of one
    neuron in one step, are errors that say what to change.  Reference:
    ``brainpy.inputs.spike_input``; ``models.SpikeTimeGroup`` for the rounding.
    """
    dt = _check_dt(dt)
    steps = n_steps(duration, dt)
    t0, _ = _span(duration)
    if indices is None and isinstance(times, (list, tuple)) and times and \
            all(np.ndim(x) == 1 for x in times):
        indices = np.concatenate([np.full(len(x), k) for k, x in enumerate(times)])
        n = len(times) if n is None else n
        times = np.concatenate([np.asarray(x, dtype=float) for x in times])
    times = np.asarray(times, dtype=float).ravel()
    if indices is None:
        columns = None
        indices = np.zeros(times.shape, dtype=int)
    else:
        indices = np.asarray(indices).ravel()
        if indices.shape != times.shape or indices.dtype.kind not in "iu":
            raise ValueError(f"indices must be integers, one per spike time: got {indices.shape}"
                             f" indices for {times.shape} times")
        columns = int(n) if n is not None else int(indices.max(initial=-1)) + 1
        if indices.size and (indices.min() < 0 or indices.max() >= columns):
            raise ValueError(f"indices must lie in [0, {columns}), got "
                             f"{indices.min()}..{indices.max()}")
    k = np.floor((times - t0) / dt + 0.5).astype(np.int64) if times.size else \
        np.zeros(0, dtype=np.int64)
    outside = (k < 0) | (k >= steps)
    if outside.any():
        bad = times[outside][0]
        raise ValueError(f"spike time {bad:g} ms lies outside the run [{t0:g}, "
                         f"{t0 + steps * dt:g}) ms: drop it or run longer")
    out = np.zeros((steps, 1 if columns is None else columns))
    np.add.at(out, (k, indices), 1.0)
    if out.max(initial=0.0) > 1:
        i, j = np.argwhere(out > 1)[0]
        same = times[(k == i) & (indices == j)]
        raise ValueError(f"two spikes of neuron {j} fall into the step starting at "
                         f"{t0 + i * dt:g} ms (times {', '.join(f'{s:g}' for s in same)} ms): "
                         f"use a smaller dt")
    out = out > 0
    return out[:, 0] if columns is None else out


# -- a look at an input ------------------------------------------------------------------

def plot(trace, dt: float, t_start: float = 0.0, ax=None, ylabel: str = "input",
         xlabel: str | None = "time (ms)", **kwargs):
    """One line: ``inputs.plot(I, dt)`` draws a trace of this module against time.

    A current is drawn as steps (each value held for its step), a boolean spike
    array (:func:`poisson`, :func:`spike_train`, a monitor's ``spike``) as a raster
    (one row per neuron).  ``kwargs`` go to ``ax.step`` or ``ax.plot`` (color, ...);
    ``xlabel=None`` leaves the time axis unlabelled (panels above others).
    Returns the matplotlib axes.  Reference: ``matplotlib.axes.Axes.step`` (held values).
    """
    import matplotlib.pyplot as plt

    dt = _check_dt(dt)
    trace = np.asarray(trace)
    if trace.ndim not in (1, 2) or trace.shape[0] < 1:
        raise ValueError(f"plot takes an array of shape (n_steps,) or (n_steps, num), got "
                         f"{trace.shape}")
    ax = plt.subplots(figsize=(6, 2.5))[1] if ax is None else ax
    t = t_start + dt * np.arange(trace.shape[0])
    if trace.dtype == bool:
        steps, neurons = np.nonzero(trace.reshape(len(t), -1))
        ax.plot(t[steps], neurons, "|", markersize=kwargs.pop("markersize", 6), **kwargs)
        ax.set_ylabel("neuron")
    else:
        ax.step(np.append(t, t[-1] + dt), np.concatenate([trace, trace[-1:]]), where="post",
                **kwargs)
        ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    return ax
