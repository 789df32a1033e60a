"""Plots for lessons: ``line_plot``, ``raster_plot``, ``phase_plane``, ``animate_1D``.

``from braindyn import visualize`` then e.g.
``visualize.line_plot(ts, V, ylabel='V (mV)', legend='V')``.
Chinese characters in titles render through a CJK font fallback
(``fonts.py``; ``use_cjk_fonts()`` runs on import).
Each function takes an optional matplotlib ``ax`` and returns what it drew on.
"""
from .fonts import CJK_FONTS, cjk_font, use_cjk_fonts
from .plots import animate_1D, line_plot, phase_plane, raster_plot, save_animation, spike_events

__all__ = ["line_plot", "raster_plot", "spike_events", "phase_plane", "animate_1D",
           "save_animation", "use_cjk_fonts", "cjk_font", "CJK_FONTS"]

use_cjk_fonts()
