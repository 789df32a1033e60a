"""Measurements on simulated activity: ``braindyn.measure``.

From a run's records to numbers::

    import braindyn.measure as measure

    trains = measure.spike_times(net.mon.ts, net.mon['E.spike'])   # one array per neuron
    measure.firing_rate(trains, (200., 800.))      # Hz per neuron, spikes in (200, 800] ms
    measure.cv(trains)                             # CV of each neuron's intervals
    measure.population_rate(net.mon['E.spike'], dt=0.1, width=5.)  # Hz, per step

Conventions, the same for every function:

* times in ms, rates in Hz (spikes per second);
* a **spike train** is a 1-D array of spike times; several neurons (or trials,
  or channels) are a list of such arrays, as :func:`spike_times` returns them;
* a **spike record** is a monitor's ``spike``: a boolean array (n_steps, num),
  True in the steps where a neuron spiked (the monitor records each step's end,
  ``ts[i]``, so a spike recorded at ``ts[i]`` happened in ``(ts[i] - dt, ts[i]]``);
* a window ``duration`` is a number T of ms, meaning (0, T], or ``(t_start, t_end)``,
  meaning ``(t_start, t_end]``: a spike recorded at the end of a step belongs to
  that step;
* NumPy and JAX arrays are both accepted; results are NumPy arrays or floats.

Each function's docstring gives its formula, units and a reference;
``tests/test_measure.py`` checks each against a closed form or a small example
worked out by hand.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

__all__ = ["spike_times", "firing_rate", "population_rate", "spike_counts", "isi", "cv",
           "fano_factor", "spike_count_correlation", "synchrony", "cross_correlogram",
           "SpikeTimeError", "spike_time_error", "van_rossum_distance",
           "victor_purpura_distance", "firing_pattern"]

Train = Union[np.ndarray, Sequence[float]]          # one neuron's spike times (ms)
Trains = Union[Train, Sequence[Train]]              # one train, or one per neuron


def _trains(trains) -> tuple[list[np.ndarray], bool]:
    """(list of 1-D float arrays, whether a single train was given)."""
    if isinstance(trains, (list, tuple)) and len(trains) and \
            all(np.ndim(x) == 1 for x in trains):
        return [np.sort(np.asarray(x, dtype=float)) for x in trains], False
    x = np.asarray(trains, dtype=float)
    if x.ndim == 0 and x.size == 1:
        x = x.reshape(1)
    if x.ndim != 1:
        raise ValueError(f"a spike train is a 1-D array of times (ms), several are a list of "
                         f"them (measure.spike_times(ts, spike) makes them); got shape "
                         f"{x.shape}")
    return [np.sort(x)], True


def _window(duration) -> tuple[float, float]:
    if duration is None:
        raise ValueError("give the window: duration=T (ms) for (0, T], or (t_start, t_end)")
    if isinstance(duration, (tuple, list)):
        if len(duration) != 2:
            raise ValueError(f"duration is a number of ms or (t_start, t_end), got {duration!r}")
        t0, t1 = float(duration[0]), float(duration[1])
    else:
        t0, t1 = 0.0, float(duration)
    if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0):
        raise ValueError(f"the window must have t_end > t_start, got ({t0:g}, {t1:g}) ms")
    return t0, t1


def _single(values: np.ndarray, single: bool):
    return float(values[0]) if single else values


# -- spike times --------------------------------------------------------------------------

def spike_times(ts, x, threshold: float | None = None, initial=None, slopes=None):
    """Spike times (ms) from a spike record, or from a voltage trace and a threshold.

    * ``threshold=None``: ``x`` is a spike record (boolean, or 0/1), and the spike
      times are ``ts[i]`` for the steps i where it is True.
    * ``threshold`` given: ``x`` is a trace (e.g. V in mV) and the spikes are its
      upward crossings, ``x[i-1] < threshold <= x[i]``, at the time read from the
      straight line between the two samples:
      ``t = t[i-1] + (threshold - x[i-1]) / (x[i] - x[i-1]) (t[i] - t[i-1])``.
      A monitor records after each step, so the initial state is not in ``x``: pass
      it as ``initial`` (one value or one per neuron; it is taken at
      ``ts[0] - (ts[1] - ts[0])``) and a crossing within the first step counts, as in
      the course's HH reference, which starts its grid at t = 0.
    * ``slopes`` given too (dx/dt at each sample, the shape of ``x``, e.g. the model's
      derivative evaluated on the trace): the time is read from the cubic that matches
      x and dx/dt at both ends of the step (cubic Hermite interpolation).  With
      ``h = t[i] - t[i-1]`` and ``s = (t - t[i-1]) / h`` in [0, 1],
      ``p(s) = (2s^3 - 3s^2 + 1) x[i-1] + (s^3 - 2s^2 + s) h x'[i-1]
      + (-2s^3 + 3s^2) x[i] + (s^3 - s^2) h x'[i]``,
      and the crossing is the root of ``p(s) = threshold`` in the step (Newton's method
      from the straight line's s, kept inside the step by bisection), ``t = t[i-1] + s h``.
      Its error is O(h^4) for a smooth trace, against O(h^2) for the straight line, so
      that reading the times does not limit a fourth-order integrator; a cubic trace
      is read exactly.  The crossings found are the same steps as without slopes;
      ``initial`` cannot be combined with ``slopes`` (the slope there is not known).

    ``x``: shape (T,) for one neuron (returns one array) or (T, n) (returns a list
    of n arrays); ``ts``: shape (T,).  Reference: the threshold-crossing definition
    of a spike time, P. Dayan, L. F. Abbott, *Theoretical Neuroscience* (2001), ch. 1.2;
    Hermite interpolation as dense output of an integrator, E. Hairer, S. P. Norsett,
    G. Wanner, *Solving Ordinary Differential Equations I* (2nd ed., 1993), sec. II.6.
    """
    ts = np.asarray(ts, dtype=float)
    x = np.asarray(x)
    if ts.ndim != 1 or x.ndim not in (1, 2) or x.shape[0] != ts.shape[0]:
        raise ValueError(f"ts must have shape (T,) and x shape (T,) or (T, n); got {ts.shape} "
                         f"and {x.shape}")
    single = x.ndim == 1
    x2 = x.reshape(len(ts), -1)
    if threshold is None:
        if slopes is not None:
            raise ValueError("slopes= goes with a trace and its threshold=, not with a "
                             "spike record")
        if x2.dtype != bool and not np.isin(x2, (0, 1)).all():
            raise ValueError("x holds values other than 0 and 1: for a voltage trace give "
                             "threshold= (e.g. threshold=20. for HH in mV)")
        out = [ts[np.flatnonzero(col)] for col in x2.T.astype(bool)]
        return out[0] if single else out
    x2 = x2.astype(float)
    if slopes is not None:
        if initial is not None:
            raise ValueError("initial= and slopes= cannot go together (the slope of the "
                             "initial state is not given): put the initial state in ts and "
                             "x, with its slope in slopes")
        slopes = np.asarray(slopes, dtype=float)
        if slopes.shape != x.shape:
            raise ValueError(f"slopes must have the shape of x, {x.shape}; got {slopes.shape}")
        slopes = slopes.reshape(x2.shape)
    if initial is not None:
        if len(ts) < 2:
            raise ValueError("with initial=, ts needs two samples or more (its step gives "
                             "the time of the initial state)")
        first = np.broadcast_to(np.asarray(initial, dtype=float).ravel(), (x2.shape[1],))
        x2 = np.vstack([first, x2])
        ts = np.concatenate([[2 * ts[0] - ts[1]], ts])
    out = []
    for k, col in enumerate(x2.T):
        i = np.flatnonzero((col[:-1] < threshold) & (col[1:] >= threshold))
        h = ts[i + 1] - ts[i]
        s = (threshold - col[i]) / (col[i + 1] - col[i])      # on the straight line
        if slopes is not None and len(i):
            s = _hermite_root(s, col[i], col[i + 1], h * slopes[i, k], h * slopes[i + 1, k],
                              threshold)
        out.append(ts[i] + s * h)
    return out[0] if single else out


def _hermite_root(s, x0, x1, d0, d1, threshold):
    """The root in [0, 1] of the Hermite cubic p(s) = threshold with p(0) = x0 < threshold
    <= x1 = p(1) and p'(0) = d0, p'(1) = d1 (slopes per unit s): Newton's method from
    s, with a bisection step wherever Newton would leave the bracket [lo, hi] where p
    goes from below the threshold to at or above it."""
    lo, hi = np.zeros_like(s), np.ones_like(s)
    for _ in range(100):
        s2, s3 = s * s, s * s * s
        p = (2 * s3 - 3 * s2 + 1) * x0 + (s3 - 2 * s2 + s) * d0 \
            + (-2 * s3 + 3 * s2) * x1 + (s3 - s2) * d1 - threshold
        dp = (6 * s2 - 6 * s) * x0 + (3 * s2 - 4 * s + 1) * d0 \
            + (-6 * s2 + 6 * s) * x1 + (3 * s2 - 2 * s) * d1
        lo, hi = np.where(p < 0, s, lo), np.where(p < 0, hi, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = s - p / dp
        inside = np.isfinite(newton) & (newton > lo) & (newton < hi)
        new = np.where(p == 0, s, np.where(inside, newton, 0.5 * (lo + hi)))
        if np.all(np.abs(new - s) <= 4 * np.finfo(float).eps):
            return new
        s = new
    return s


# -- rates and counts --------------------------------------------------------------------------

def spike_counts(trains: Trains, duration, bin: float | None = None) -> np.ndarray:
    """Spike counts of each train in a window, or in consecutive bins of it.

    ``bin=None``: ``N_k``, the number of spikes of train k with ``t_0 < t <= t_1``,
    shape (n,).  ``bin`` (ms): counts in ``(t_0 + j bin, t_0 + (j + 1) bin]`` for
    ``j = 0, ..., floor((t_1 - t_0) / bin) - 1``, shape (n, n_bins) (a last partial bin
    is left out).  One train gives shape () or (n_bins,).
    Reference: P. Dayan, L. F. Abbott, *Theoretical Neuroscience* (2001), ch. 1.2.
    """
    trains, single = _trains(trains)
    t0, t1 = _window(duration)
    if bin is None:
        edges = np.array([t0, t1])
    else:
        if not bin > 0:
            raise ValueError(f"bin must be a positive number of ms, got {bin!r}")
        n_bins = int(math.floor((t1 - t0) / bin + 1e-9))
        if n_bins < 1:
            raise ValueError(f"the window ({t1 - t0:g} ms) is shorter than one bin of "
                             f"{bin:g} ms: use a smaller bin")
        edges = t0 + bin * np.arange(n_bins + 1)
    counts = np.zeros((len(trains), len(edges) - 1), dtype=np.int64)
    for k, t in enumerate(trains):
        j = np.searchsorted(edges, t, side="left") - 1      # t in (e_j, e_(j+1)]
        j = j[(j >= 0) & (j < len(edges) - 1)]
        counts[k] = np.bincount(j, minlength=len(edges) - 1)
    if bin is None:
        counts = counts[:, 0]
    return counts[0] if single else counts


def firing_rate(trains: Trains, duration):
    """Mean firing rate of each train (Hz): ``nu_k = N_k / (t_1 - t_0)``, with ``N_k`` the
    spikes in the window ``(t_0, t_1]`` (ms) and the time converted to seconds.

    One train gives a float, a list of trains an array (n,); the mean over
    neurons, ``firing_rate(...).mean()``, is the population's mean rate.
    Reference: P. Dayan, L. F. Abbott, *Theoretical Neuroscience* (2001), ch. 1.2 (eq. 1.3).
    """
    t0, t1 = _window(duration)
    trains, single = _trains(trains)
    counts = spike_counts(trains, (t0, t1))
    return _single(counts / ((t1 - t0) / 1000.0), single)


def population_rate(spikes, dt: float, width: float | None = None, window: str = "flat",
                    per_neuron: bool = False) -> np.ndarray:
    """Population rate (Hz) per time step from a spike record (n_steps, num).

    ``r_i = (1 / num) sum_k s_ik / dt``: the fraction of the neurons that spike in
    step i, divided by the step (in seconds), as Brian2's ``PopulationRateMonitor``;
    this is what the ``'rate'`` monitor records.  With ``width`` (ms) it is smoothed,
    ``r_smooth = (r * K) / (1 * K)`` with a kernel K normalised to sum 1:
    ``window='flat'``, a moving average over the odd number of steps nearest to
    ``width / dt``; ``window='gaussian'``, ``K(s) ~ exp(-s^2 / (2 width^2))`` (width is
    the standard deviation, cut at 4 widths).  Dividing by ``1 * K`` corrects the
    first and last steps, where the kernel sticks out of the run, so a constant
    rate stays constant.  ``per_neuron=True``: each neuron's rate, (n_steps, num).
    Reference: P. Dayan, L. F. Abbott, *Theoretical Neuroscience* (2001), ch. 1.2;
    M. Stimberg, R. Brette, D. Goodman, eLife 8 (2019) e47314 (Brian2).
    """
    s = np.asarray(spikes)
    if s.ndim not in (1, 2):
        raise ValueError(f"spikes must be a record of shape (n_steps, num), got {s.shape}")
    s = s.reshape(s.shape[0], -1).astype(float)
    if not dt > 0:
        raise ValueError(f"dt must be the record's step in ms (> 0), got {dt!r}")
    rate = (s if per_neuron else s.mean(axis=1)) / (dt / 1000.0)
    if width is None:
        return rate
    if not width > 0:
        raise ValueError(f"width must be a positive number of ms, got {width!r}")
    if window == "flat":
        half = int(round(width / dt)) // 2
        kernel = np.ones(2 * half + 1)
    elif window == "gaussian":
        half = int(math.ceil(4 * width / dt))
        kernel = np.exp(-0.5 * (np.arange(-half, half + 1) * dt / width) ** 2)
    else:
        raise ValueError(f"window must be 'flat' or 'gaussian', got {window!r}")
    kernel /= kernel.sum()

    def smooth(v):
        return np.convolve(v, kernel, mode="same")

    norm = smooth(np.ones(len(rate)))
    if rate.ndim == 1:
        return smooth(rate) / norm
    return np.stack([smooth(c) for c in rate.T], axis=1) / norm[:, None]


# -- intervals and variability -----------------------------------------------------------------

def isi(trains: Trains):
    """Inter-spike intervals (ms): ``ISI_j = t_(j+1) - t_j``; one array per train.
    Reference: Dayan & Abbott (2001), ch. 1.4."""
    trains, single = _trains(trains)
    out = [np.diff(t) for t in trains]
    return out[0] if single else out


def cv(trains: Trains, min_intervals: int = 2):
    """Coefficient of variation of the inter-spike intervals: ``CV = sigma_ISI / mu_ISI``
    (standard deviation with 1/n, over the mean; dimensionless).

    0 for a clock, 1 for a Poisson process.  A train with fewer than
    ``min_intervals`` intervals gets NaN (drop them with ``cvs[~np.isnan(cvs)]``).
    One train gives a float, a list an array (n,).
    Reference: Dayan & Abbott (2001), ch. 1.4 (eq. 1.30); G. R. Holt et al.,
    J. Neurophysiol. 75 (1996) 1806.
    """
    trains, single = _trains(trains)
    out = np.full(len(trains), np.nan)
    for k, t in enumerate(trains):
        d = np.diff(t)
        if len(d) >= max(1, min_intervals) and d.mean() > 0:
            out[k] = d.std() / d.mean()
    return _single(out, single)


def fano_factor(trains: Trains, duration, bin: float | None = None):
    """Fano factor of spike counts: ``F = Var[N] / E[N]`` (variance with 1/n; dimensionless).

    ``bin=None``: ``N`` is each train's count in the window and the statistics run
    over the trains (repeated trials): one float.  ``bin`` (ms): ``N`` is a train's
    count in each bin of the window and the statistics run over its bins: one value
    per train.  1 for a Poisson process at any bin; NaN where no spike was counted.
    Reference: U. Fano, Phys. Rev. 72 (1947) 26; Dayan & Abbott (2001), ch. 1.4.
    """
    counts = np.atleast_1d(spike_counts(trains, duration, bin)).astype(float)
    if bin is None:
        m = counts.mean()
        return float(counts.var() / m) if m > 0 else float("nan")
    counts = counts.reshape(-1, counts.shape[-1])
    m = counts.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(m > 0, counts.var(axis=1) / np.where(m > 0, m, 1.0), np.nan)
    return _single(out, _trains(trains)[1])


def spike_count_correlation(trains: Sequence[Train], duration, bin: float) -> np.ndarray:
    """Pearson correlation of spike counts in bins, for every pair of trains:
    ``rho_kl = Cov[N_k, N_l] / sqrt(Var[N_k] Var[N_l])`` over the bins (dimensionless).

    Returns the (n, n) matrix (1 on the diagonal; NaN for a train without a count
    that varies).  The mean over distinct pairs,
    ``np.nanmean(rho[np.triu_indices(n, 1)])``, is near 0 in an asynchronous network.
    Reference: M. R. Cohen, A. Kohn, Nat. Neurosci. 14 (2011) 811.
    """
    counts = np.atleast_2d(spike_counts(trains, duration, bin)).astype(float)
    centred = counts - counts.mean(axis=1, keepdims=True)
    cov = centred @ centred.T / counts.shape[1]
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = cov / np.outer(sd, sd)
    rho[sd == 0, :] = np.nan
    rho[:, sd == 0] = np.nan
    return rho


def synchrony(traces) -> float:
    """Golomb's synchrony index ``chi`` of traces (n_steps, num), e.g. the membrane potentials:

    ``chi^2 = Var_t[V_bar(t)] / ((1 / N) sum_i Var_t[V_i(t)])``, with
    ``V_bar(t) = (1 / N) sum_i V_i(t)`` the population mean and ``Var_t`` the
    variance over time.  ``chi`` is in [0, 1]: 1 when all traces are the same,
    about ``1 / sqrt(N)`` for independent ones; for N sinusoids of equal amplitude
    and phases ``phi_i`` it is the order parameter ``|(1 / N) sum_i exp(i phi_i)|``.
    Reference: D. Golomb, J. Rinzel, Physica D 72 (1994) 259; D. Golomb,
    Scholarpedia 2 (2007) 1347.
    """
    V = np.asarray(traces, dtype=float)
    if V.ndim != 2 or V.shape[1] < 2 or V.shape[0] < 2:
        raise ValueError(f"traces must have shape (n_steps, num) with at least 2 of each, got "
                         f"{V.shape}")
    each = V.var(axis=0).mean()
    if each == 0:
        return float("nan")
    return float(math.sqrt(V.mean(axis=1).var() / each))


def cross_correlogram(a: Trains, b: Trains, bin: float, max_lag: float,
                      normalize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Cross-correlogram: how often ``b`` spikes at a lag ``tau = t_b - t_a`` after ``a``.

    ``C(tau_j) = #{(t_a, t_b) : |t_b - t_a - tau_j| < bin / 2}`` for lags
    ``tau_j = j bin`` with ``|tau_j| <= max_lag`` (ms); a peak at ``tau > 0`` means
    that b tends to follow a.  Lists of trains (the same length) are pairs
    (a[k], b[k]) whose counts are summed.  ``normalize=True`` divides by
    ``N_a bin / 1000``: the rate of b (Hz) at each lag after a spike of a, which is
    flat at b's mean rate for independent trains.  Returns ``(lags, C)``.
    Reference: D. H. Perkel, G. L. Gerstein, G. P. Moore, Biophys. J. 7 (1967) 419.
    """
    A, B = _trains(a)[0], _trains(b)[0]
    if len(A) != len(B):
        raise ValueError(f"a and b must pair up: {len(A)} and {len(B)} trains")
    if not bin > 0 or not max_lag >= 0:
        raise ValueError(f"bin must be > 0 and max_lag >= 0 ms, got {bin!r} and {max_lag!r}")
    n_side = int(math.floor(max_lag / bin + 1e-9))
    lags = bin * np.arange(-n_side, n_side + 1)
    reach = (n_side + 0.5) * bin
    counts = np.zeros(len(lags))
    n_a = 0
    for ta, tb in zip(A, B):
        n_a += len(ta)
        lo = np.searchsorted(tb, ta - reach, side="left")
        hi = np.searchsorted(tb, ta + reach, side="left")
        if not len(ta):
            continue
        diffs = np.concatenate([tb[l:h] - t for t, l, h in zip(ta, lo, hi)])
        j = np.floor(diffs / bin + 0.5).astype(np.int64) + n_side
        j = j[(j >= 0) & (j < len(lags))]
        counts += np.bincount(j, minlength=len(lags))
    if normalize:
        counts = counts / (n_a * bin / 1000.0) if n_a else np.full(len(lags), np.nan)
    return lags, counts


# -- comparing spike trains -------------------------------------------------------------------

@dataclass(frozen=True)
class SpikeTimeError:
    """Spike-time error between a train and a reference train (ms), with the counts.

    ``pairing='nearest'`` (the default): every spike is paired with its nearest
    neighbour in the other train.
    ``max_error``: ``max(max_i min_j |t_i - r_j|, max_j min_i |t_i - r_j|)`` (ms),
    the Hausdorff distance of the two sets of times: every spike has a partner
    within it, in both directions (0 when both are empty, inf when one is);
    ``mean_error``: the mean over the reference spikes of ``min_i |t_i - r_j|``.

    ``pairing='order'``: the k-th spike with the k-th reference spike, for
    ``k < K = min(count, count_reference)``: ``max_error = max_k |t_k - r_k|`` and
    ``mean_error = (1 / K) sum_k |t_k - r_k|`` (0 when both are empty, inf when there is
    no pair).  This is the drift of a simulation whose spikes come later and later:
    once a spike is late by more than half an interval, its nearest neighbour is the
    next reference spike, and a spike missing at the end of the window would count
    as an error of a whole interval.

    ``count``, ``count_reference``: the numbers of spikes (a missing or an extra
    spike shows here even when the times agree).
    """
    max_error: float
    mean_error: float
    count: int
    count_reference: int
    pairing: str = "nearest"

    @property
    def same_count(self) -> bool:
        return self.count == self.count_reference

    def __str__(self) -> str:
        how = ("nearest-neighbour error" if self.pairing == "nearest"
               else "error of the k-th spike against the k-th")
        return (f"{self.count} spikes (reference {self.count_reference}), {how} "
                f"{self.max_error:.3g} ms at most, {self.mean_error:.3g} ms on average")


_PAIRINGS = ("nearest", "order")


def spike_time_error(times: Train, reference: Train, pairing: str = "nearest") -> SpikeTimeError:
    """Compare spike times with reference times (ms), spike by spike.

    ``pairing='nearest'``: by nearest neighbours; ``'order'``: the k-th spike with the
    k-th reference spike (the drift of an integrator).  See :class:`SpikeTimeError`
    for the formulas.  With the same count and errors smaller than half the shortest
    interval, the two agree: the nearest neighbour of spike k is reference spike k,
    so ``max_error = max_k |t_k - r_k|``.
    Reference: F. Hausdorff, *Grundzuege der Mengenlehre* (1914) (the distance of two
    sets); the course's HH homework compares spike times this way.
    """
    if pairing not in _PAIRINGS:
        raise ValueError(f"pairing must be 'nearest' or 'order', got {pairing!r}")
    t = np.sort(np.ravel(np.asarray(times, dtype=float)))
    r = np.sort(np.ravel(np.asarray(reference, dtype=float)))
    if not len(t) and not len(r):
        return SpikeTimeError(0.0, 0.0, 0, 0, pairing)
    if not len(t) or not len(r):
        return SpikeTimeError(math.inf, math.inf, len(t), len(r), pairing)
    if pairing == "order":
        k = min(len(t), len(r))
        d = np.abs(t[:k] - r[:k])
        return SpikeTimeError(float(d.max()), float(d.mean()), len(t), len(r), pairing)

    def nearest(x, y):      # for each x, the distance to the nearest y (y sorted)
        j = np.clip(np.searchsorted(y, x), 1, len(y) - 1) if len(y) > 1 else np.zeros(
            len(x), dtype=int)
        d = np.abs(x - y[j])
        if len(y) > 1:
            d = np.minimum(d, np.abs(x - y[j - 1]))
        return d

    to_ref, from_ref = nearest(t, r), nearest(r, t)
    return SpikeTimeError(float(max(to_ref.max(), from_ref.max())), float(from_ref.mean()),
                          len(t), len(r), pairing)


def _channels(a, b) -> list[tuple[np.ndarray, np.ndarray]]:
    A, B = _trains(a)[0], _trains(b)[0]
    if len(A) != len(B):
        raise ValueError(f"a and b must have the same number of channels: {len(A)} and {len(B)}")
    return list(zip(A, B))


def van_rossum_distance(a: Trains, b: Trains, tau: float) -> float:
    """Van Rossum distance between two spike trains (dimensionless).

    Each train is filtered, ``f(t) = sum_i exp(-(t - t_i) / tau) H(t - t_i)``, and
    ``D^2 = (1 / tau) int (f_a - f_b)^2 dt``, which in closed form is
    ``D^2 = 1/2 [sum_ij e^(-|a_i - a_j| / tau) + sum_ij e^(-|b_i - b_j| / tau)
    - 2 sum_ij e^(-|a_i - b_j| / tau)]``.  One spike against none: ``D = sqrt(1/2)``;
    two single spikes ``s`` ms apart: ``D^2 = 1 - e^(-s / tau)``.  ``tau`` (ms) sets
    the precision that counts: shifts much shorter than tau cost little.  Lists of
    trains are channels: ``D^2`` is summed over them (a labelled line per channel).
    Reference: M. C. W. van Rossum, Neural Comput. 13 (2001) 751.
    """
    if not tau > 0:
        raise ValueError(f"tau must be a positive number of ms, got {tau!r}")

    def kernel_sum(x, y):
        return float(np.exp(-np.abs(x[:, None] - y[None, :]) / tau).sum())

    total = 0.0
    for x, y in _channels(a, b):
        total += 0.5 * (kernel_sum(x, x) + kernel_sum(y, y) - 2 * kernel_sum(x, y))
    return math.sqrt(max(total, 0.0))


def victor_purpura_distance(a: Trains, b: Trains, q: float) -> float:
    """Victor-Purpura spike-time distance (dimensionless): the cheapest way to turn
    train a into train b, where deleting or inserting a spike costs 1 and moving a
    spike by ``dt`` ms costs ``q |dt|`` (q in 1/ms).

    Computed by the dynamic program ``G_ij = min(G_(i-1)j + 1, G_i(j-1) + 1,
    G_(i-1)(j-1) + q |a_i - b_j|)`` with ``G_i0 = i``, ``G_0j = j``; D = G_(n_a n_b).
    ``q = 0``: the count difference ``|n_a - n_b|``; large q: ``n_a + n_b`` minus twice
    the coincident spikes; moving pays only for shifts under ``2 / q`` ms.  Lists of
    trains are channels whose distances are summed.
    Reference: J. D. Victor, K. P. Purpura, J. Neurophysiol. 76 (1996) 1310.
    """
    if not q >= 0:
        raise ValueError(f"q must be >= 0 (cost per ms of shift), got {q!r}")
    total = 0.0
    for x, y in _channels(a, b):
        previous = np.arange(len(y) + 1, dtype=float)
        for i, xi in enumerate(x, start=1):
            row = np.empty(len(y) + 1)
            row[0] = i
            shift = previous[:-1] + q * np.abs(xi - y)
            for j in range(1, len(y) + 1):
                row[j] = min(previous[j] + 1, row[j - 1] + 1, shift[j - 1])
            previous = row
        total += previous[-1]
    return float(total)


# -- firing patterns --------------------------------------------------------------------------

MIN_SPIKES = 3           # fewer spikes than this are not classified
BURST_RATIO = 3.0        # sorted intervals jumping by more than this: short and long ones
ADAPTATION_RATIO = 1.5   # last / first interval above this: the neuron adapts


def firing_pattern(spike_times: Train) -> str:
    """A label for a spike train under a step current: 'silent', 'few spikes', 'bursting',
    'initial burst', 'adapting' or 'regular'.

    From the intervals ``ISI_1, ..., ISI_(n-1)`` of the spike times (ms):

    * fewer than ``MIN_SPIKES`` (3) spikes: 'silent' (none) or 'few spikes';
    * the intervals fall into *short* ones (within a burst) and *long* ones (pauses
      between bursts) when, sorted, two neighbours differ by more than a factor
      ``BURST_RATIO`` (3); "long" is every interval above that gap.  Then
      'bursting': two pauses or more, and a short interval after the first pause
      (bursts repeat); 'initial burst': two short intervals or more, all before the
      first pause (one burst at the onset, then single spikes);
    * 'adapting': the last interval is more than ``ADAPTATION_RATIO`` (1.5) times the
      first (spike-frequency adaptation);
    * 'regular': otherwise (tonic firing at a steady rate).

    Reference: the classes of E. M. Izhikevich, IEEE Trans. Neural Netw. 14 (2003)
    1569, Fig. 2: RS adapts, IB starts with a burst, CH bursts again and again.
    The thresholds are a teaching rule, not a standard (fast-spiking cells, whose
    first interval is the shortest, come out as 'adapting').
    """
    t = np.sort(np.asarray(spike_times, dtype=float).ravel())
    if len(t) == 0:
        return "silent"
    if len(t) < MIN_SPIKES:
        return "few spikes"
    intervals = np.diff(t)
    ordered = np.sort(intervals)
    gaps = ordered[1:] / np.maximum(ordered[:-1], 1e-12)
    k = int(np.argmax(gaps)) if len(gaps) else 0
    if len(gaps) and gaps[k] > BURST_RATIO:
        long = intervals > math.sqrt(ordered[k] * ordered[k + 1])   # above the gap: pauses
        first_long = int(np.argmax(long))
        if long.sum() >= 2 and (~long[first_long:]).any():   # a new burst after a pause
            return "bursting"
        if first_long >= 2 and not (~long[first_long:]).any():
            return "initial burst"
    if intervals[-1] > ADAPTATION_RATIO * intervals[0]:
        return "adapting"
    return "regular"
