"""Plots for simulation results: traces, spike rasters, phase planes, bump movies.

Each function draws on a matplotlib ``ax`` (a new figure if none is given),
labels its axes with units, and returns what it drew on (or the animation),
so a lesson can add to the figure or test what is in it.  ``show=True``
calls ``plt.show()`` at the end.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from matplotlib.axes import Axes

# Beyond this many traces a line plot is unreadable: without plot_ids only the
# first ones are drawn (and the legend says which).
MAX_DEFAULT_LINES = 10


def _axes(ax: Axes | None) -> Axes:
    return plt.subplots()[1] if ax is None else ax


def _finish(ax: Axes, xlabel, ylabel, title, xlim=None, ylim=None, show=False) -> None:
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if show:
        plt.show()


def line_plot(ts: Sequence[float], values: Any, plot_ids: Sequence[int] | int | None = None,
              xlabel: str = "Time (ms)", ylabel: str = "Value",
              legend: str | Sequence[str] | None = None, title: str | None = None,
              xlim: tuple | None = None, ylim: tuple | None = None,
              ax: Axes | None = None, show: bool = False, **kwargs) -> Axes:
    """Plot one or several traces against time.

    Parameters
    ----------
    ts : times, shape (T,)
    values : shape (T,) for one trace or (T, N) for N (e.g. the membrane
        potential of N neurons recorded by a monitor)
    plot_ids : which columns to draw; default all of them when N <= 10, else
        the first 10
    xlabel, ylabel : axis labels; give units, e.g. ``ylabel='V (mV)'``
    legend : a name (labels become ``'V[3]'``) or one label per drawn trace;
        with several traces and no legend they are labelled ``'#3'``
    kwargs : passed to ``ax.plot`` (color, linewidth, ...)

    Returns the axes.
    """
    ts = np.asarray(ts)
    vals = np.asarray(values)
    if vals.ndim == 1:
        vals = vals[:, None]
    if vals.ndim != 2 or vals.shape[0] != ts.shape[0]:
        raise ValueError(f"values must have shape (T,) or (T, N) with T = len(ts) = "
                         f"{ts.shape[0]}; got {np.shape(values)} (transpose it if time "
                         f"runs along the second axis)")
    n = vals.shape[1]
    if plot_ids is None:
        ids = list(range(min(n, MAX_DEFAULT_LINES)))
    else:
        ids = [int(i) for i in np.atleast_1d(plot_ids)]
        bad = [i for i in ids if not -n <= i < n]
        if bad:
            raise ValueError(f"plot_ids {bad} are out of range: values has {n} column(s), "
                             f"indices 0..{n - 1}")
    if legend is None:
        labels = [f"#{i}" for i in ids] if len(ids) > 1 else [None]
    elif isinstance(legend, str):
        labels = [f"{legend}[{i}]" for i in ids] if n > 1 else [legend]
    else:
        labels = list(legend)
        if len(labels) != len(ids):
            raise ValueError(f"legend has {len(labels)} label(s) for {len(ids)} trace(s); "
                             f"give one per trace or a single name")
    ax = _axes(ax)
    for i, label in zip(ids, labels):
        ax.plot(ts, vals[:, i], label=label, **kwargs)
    if any(label is not None for label in labels):
        ax.legend(loc="best", fontsize="small")
    _finish(ax, xlabel, ylabel, title, xlim, ylim, show)
    return ax


def spike_events(ts: Sequence[float], spikes: Any) -> tuple[np.ndarray, np.ndarray]:
    """Spike times and neuron indices from a boolean (T, N) spike matrix:
    ``spikes[k, i]`` is True when neuron i fired in time step k (as a
    spike monitor records it)."""
    ts = np.asarray(ts)
    sp = np.asarray(spikes)
    if sp.ndim == 1:
        sp = sp[:, None]
    if sp.ndim != 2 or sp.shape[0] != ts.shape[0]:
        raise ValueError(f"the spike matrix must have shape (T, N) with T = len(ts) = "
                         f"{ts.shape[0]}; got {np.shape(spikes)}")
    steps, neurons = np.nonzero(sp)
    return ts[steps], neurons


def raster_plot(ts: Sequence[float] | None = None, spikes: Any = None, *,
                times: Sequence[float] | None = None, indices: Sequence[int] | None = None,
                xlabel: str = "Time (ms)", ylabel: str = "Neuron index",
                title: str | None = None, xlim: tuple | None = None, ylim: tuple | None = None,
                marker: str = ".", markersize: float = 2, color: str = "k",
                ax: Axes | None = None, show: bool = False) -> Axes:
    """A spike raster: one dot per spike at (time, neuron index).

    Either ``raster_plot(ts, spikes)`` with a boolean spike matrix of shape
    (T, N), or ``raster_plot(times=..., indices=...)`` with one entry per
    spike.  Returns the axes; the dots are ``ax.lines[0]``.
    """
    if spikes is not None:
        if ts is None:
            raise ValueError("give the times ts with the spike matrix: raster_plot(ts, spikes)")
        if times is not None or indices is not None:
            raise ValueError("give either (ts, spikes) or (times=, indices=), not both")
        times, indices = spike_events(ts, spikes)
    elif times is None or indices is None:
        raise ValueError("raster_plot needs (ts, spikes) with a (T, N) spike matrix, or "
                         "times= and indices= with one entry per spike")
    times, indices = np.asarray(times, dtype=float), np.asarray(indices)
    if times.shape != indices.shape:
        raise ValueError(f"times and indices need one entry per spike: got shapes "
                         f"{times.shape} and {indices.shape}")
    ax = _axes(ax)
    ax.plot(times, indices, linestyle="none", marker=marker, markersize=markersize,
            color=color)
    _finish(ax, xlabel, ylabel, title, xlim, ylim, show)
    return ax


def phase_plane(model: Any, target_vars: Mapping[str, Sequence[float]],
                fixed_vars: Mapping[str, float] | None = None,
                pars_update: Mapping[str, Any] | None = None,
                initials: Any = None, duration: float | None = None,
                resolutions: float | Mapping[str, float] | None = None,
                dt: float | None = None, title: str | None = None,
                ax: Axes | None = None, show: bool = False) -> Axes:
    """A phase-plane figure in one call: vector field, nullclines, fixed
    points (filled = stable) and, with ``initials`` and ``duration``,
    trajectories.  The arguments are those of ``analysis.PhasePlane``
    (Strogatz, *Nonlinear Dynamics and Chaos*, 2015, chapter 5).

    Returns the axes.  For the numbers behind the figure (fixed points,
    nullclines) use ``analysis.PhasePlane`` with the same arguments.
    """
    from ..analysis import PhasePlane
    pp = PhasePlane(model, target_vars, fixed_vars=fixed_vars, pars_update=pars_update,
                    resolutions=resolutions, dt=dt)
    ax = _axes(ax)
    pp.plot(ax=ax, initials=initials, duration=duration)
    _finish(ax, None, None, title, show=show)
    return ax


def _series(values: Any) -> dict:
    """``{label: (T, N) array}`` from one array, a list of arrays or a dict."""
    if isinstance(values, Mapping):
        items = list(values.items())
    elif isinstance(values, (list, tuple)):
        items = [(None, v) for v in values]
    else:
        items = [(None, values)]
    out = {}
    for k, (label, v) in enumerate(items):
        arr = np.asarray(v, dtype=float)
        if arr.ndim != 2:
            raise ValueError(f"animate_1D needs values of shape (T, N) (time steps x "
                             f"positions); got shape {arr.shape}")
        out[label if label is not None else (f"#{k}" if len(items) > 1 else None)] = arr
    shapes = {a.shape for a in out.values()}
    if len(shapes) != 1:
        raise ValueError(f"all series must have the same shape (T, N); got {sorted(shapes)}")
    return out


def animate_1D(values: Any, positions: Sequence[float] | None = None,
               ts: Sequence[float] | None = None, frame_step: int = 1,
               frame_delay: float = 50.0, xlabel: str = "Position",
               ylabel: str = "Activity", title_format: str = "t = {t:.1f} ms",
               ylim: tuple | None = None, save_path: str | None = None,
               ax: Axes | None = None, show: bool = False) -> animation.FuncAnimation:
    """Animate activity along a line, e.g. the moving bump of a continuous
    attractor neural network (CANN; Wu, Hamaguchi & Amari, Neural Comput. 20
    (2008) 994-1025).

    Parameters
    ----------
    values : shape (T, N), activity of N units over T time steps; or a dict
        ``{label: (T, N)}`` / list of such arrays to overlay (e.g. the
        firing rate and the input)
    positions : the N positions (default 0..N-1), e.g. preferred angles
    ts : times of the T steps, for the title (default: the step number)
    frame_step : draw every frame_step-th time step
    frame_delay : milliseconds between frames when played or saved
    title_format : title of each frame; ``{t}`` is the time, ``{i}`` the step
    ylim : fixed y-limits (default: the range of all values, 5 % margin)
    save_path : also write the movie: ``.gif`` (Pillow) or ``.mp4`` (ffmpeg)

    Returns the ``FuncAnimation``; it has ``len(range(0, T, frame_step))``
    frames.  Keep a reference to it while it plays (matplotlib's rule).
    """
    series = _series(values)
    T, N = next(iter(series.values())).shape
    if isinstance(frame_step, bool) or not isinstance(frame_step, (int, np.integer)) \
            or frame_step < 1:
        raise ValueError(f"frame_step must be a positive integer; got {frame_step!r}")
    if not frame_delay > 0:
        raise ValueError(f"frame_delay is the time between frames in ms; got {frame_delay!r}")
    x = np.arange(N) if positions is None else np.asarray(positions, dtype=float)
    if x.shape != (N,):
        raise ValueError(f"positions must have one entry per unit (N = {N}); got shape "
                         f"{x.shape}")
    times = np.arange(T) if ts is None else np.asarray(ts, dtype=float)
    if times.shape != (T,):
        raise ValueError(f"ts must have one entry per time step (T = {T}); got shape "
                         f"{times.shape}")
    frames = list(range(0, T, frame_step))

    ax = _axes(ax)
    fig = ax.figure
    lines = [ax.plot(x, arr[0], label=label)[0] for label, arr in series.items()]
    if ylim is None:
        lo = min(float(np.nanmin(a)) for a in series.values())
        hi = max(float(np.nanmax(a)) for a in series.values())
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        ylim = (lo - pad, hi + pad)
    ax.set_ylim(*ylim)
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if any(label is not None for label in series):
        ax.legend(loc="upper right", fontsize="small")
    title = ax.set_title("")

    def draw(i):
        for line, arr in zip(lines, series.values()):
            line.set_ydata(arr[i])
        title.set_text(title_format.format(t=times[i], i=i))
        return (*lines, title)

    draw(0)
    anim = animation.FuncAnimation(fig, draw, frames=frames, interval=frame_delay,
                                   blit=False, repeat=True, cache_frame_data=False)
    anim.frame_indices = frames     # which time steps the frames show
    if save_path is not None:
        save_animation(anim, save_path, fps=1000.0 / frame_delay)
    if show:
        plt.show()
    return anim


def save_animation(anim: animation.FuncAnimation, path: str, fps: float = 20.0) -> None:
    """Write an animation to ``.gif`` (needs Pillow, installed with matplotlib)
    or ``.mp4`` (needs the ffmpeg program)."""
    path = str(path)
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if ext == "gif":
        writer = animation.PillowWriter(fps=fps)
    elif ext == "mp4":
        if not animation.writers.is_available("ffmpeg"):
            raise ValueError("saving .mp4 needs the ffmpeg program, which was not found; "
                             "install it (conda install ffmpeg) or save as .gif")
        writer = animation.FFMpegWriter(fps=fps)
    else:
        raise ValueError(f"cannot save an animation as {path!r}: use a .gif or .mp4 file name")
    anim.save(path, writer=writer)
