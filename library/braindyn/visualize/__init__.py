"""Plots for lessons: ``line_plot``, ``raster_plot``, ``phase_plane``, ``animate_1D``.

``from braindyn import visualize`` then e.g.
``visualize.line_plot(ts, V, ylabel='V (mV)', legend='V')``.
Each function takes an optional matplotlib ``ax`` and returns what it drew on.
"""
from .plots import animate_1D, line_plot, phase_plane, raster_plot, save_animation, spike_events

__all__ = ["line_plot", "raster_plot", "spike_events", "phase_plane", "animate_1D",
           "save_animation"]
