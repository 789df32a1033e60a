"""The adaptive-tolerance explorer (lesson 7): rtol and atol against step sizes and error.

Two sliders, ``rtol`` and ``atol``, run scipy's ``solve_ivp(method='RK45')`` (the
Dormand-Prince 5(4) pair of lesson 7) on Hodgkin-Huxley over a spike train.  The
step is accepted when the RMS over the components of

    err_j / (atol + rtol * max(|y_n,j|, |y_n+1,j|))

is at most 1 (Hairer, Norsett & Wanner, *Solving ODEs I*, eq. II.4.11; scipy's
``rk.py``).  For V (about -70 ... 40 mV) the relative part dominates; for the
gates (0 ... 1) the absolute part does.  The figure shows V over the reference
(scipy DOP853 at 1e-10, ``problems.hh_reference``), the accepted step sizes, and
the error |V - reference| at the accepted times; the readout counts steps and
evaluations of f and gives the spike-time error.

Attributes for lessons and tests: ``rtol_slider``, ``atol_slider`` and ``result``
(``ts``, ``V``, ``steps``, ``error``, ``nfev``, ``spikes``, ``spike_error``).
"""
from __future__ import annotations

import html
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .. import measure
from ..models import hh_derivatives
from .figure_view import FigureView
from .i18n import tr
from .problems import PROBLEMS

RTOL_CHOICES = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)
ATOL_CHOICES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)
V_TH = 0.0     # mV: a spike is an upward crossing of 0 mV (as the integrator lab counts)


def run_tolerance(rtol: float, atol: float, I: float = 10.0, duration: float = 60.0) -> dict:
    """HH by scipy's RK45 at ``rtol``/``atol``: accepted times, V, steps, error, cost.

    The error is |V - reference| at the accepted times, the reference being
    scipy's DOP853 at rtol = atol = 1e-10 (computed once per current)."""
    from scipy.integrate import solve_ivp
    hh = PROBLEMS["hh"]
    if not 0.0 < duration <= hh.t_span[1]:
        raise ValueError(f"duration = {duration}: choose 0 < duration <= {hh.t_span[1]} ms")
    reference = hh.reference(I)
    with np.errstate(all="ignore"):   # a loose tolerance may try a wild trial step; it is rejected
        sol = solve_ivp(lambda t, y: np.array(hh_derivatives(*y, t, I)), (0.0, duration),
                        hh.y0, method="RK45", rtol=rtol, atol=atol)
    ts, V = sol.t, sol.y[0]
    error = np.abs(V - reference.evaluate(ts)[:, 0])
    slopes = np.array(hh_derivatives(*sol.y, ts, I))[0]
    spikes = measure.spike_times(ts, V, threshold=V_TH, slopes=slopes)
    ref_spikes = reference.spike_times[reference.spike_times <= duration]
    spike_error = measure.spike_time_error(spikes, ref_spikes)
    return {"ts": ts, "V": V, "steps": np.diff(ts), "error": error, "nfev": sol.nfev,
            "spikes": spikes, "reference_spikes": ref_spikes, "spike_error": spike_error,
            "reference": reference}


class ToleranceExplorer(widgets.VBox):
    """rtol and atol sliders over one HH run of scipy's RK45; see the module docstring."""

    def __init__(self, rtol: float = 1e-4, atol: float = 1e-6, I: float = 10.0,
                 duration: float = 60.0):
        super().__init__()
        for name, value, choices in (("rtol", rtol, RTOL_CHOICES), ("atol", atol, ATOL_CHOICES)):
            if value not in choices:
                raise ValueError(f"{name} = {value!r}: the slider offers "
                                 f"{', '.join(f'{c:g}' for c in choices)}")
        self.I, self.duration = float(I), float(duration)
        self.result: dict = {}
        self.error: Exception | None = None
        self.rtol_slider = widgets.SelectionSlider(
            options=[(f"{c:g}", c) for c in RTOL_CHOICES], value=rtol, description="rtol",
            continuous_update=False, layout=widgets.Layout(width="360px"))
        self.atol_slider = widgets.SelectionSlider(
            options=[(f"{c:g}", c) for c in ATOL_CHOICES], value=atol, description="atol",
            continuous_update=False, layout=widgets.Layout(width="360px"))
        self.readout = widgets.HTML()

        self.figure = Figure(figsize=(9, 5.4), dpi=80)
        self.view = FigureView(self.figure)
        self.ax_V, self.ax_step, self.ax_err = self.figure.subplots(
            3, 1, sharex=True, gridspec_kw={"height_ratios": (2, 1.2, 1.2)})
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.09, top=0.93, hspace=0.12)
        for ax in (self.ax_V, self.ax_step, self.ax_err):
            ax.grid(alpha=0.3)
        ts = np.linspace(0.0, self.duration, 3001)
        self.ax_V.plot(ts, PROBLEMS["hh"].reference(self.I).evaluate(ts)[:, 0], color="black",
                       lw=3, alpha=0.3, label=tr("reference", "参考解"))
        (self.V_line,) = self.ax_V.plot([], [], ".-", color="tab:purple", ms=3, lw=0.8,
                                        label="RK45")
        (self.step_line,) = self.ax_step.plot([], [], ".", color="tab:purple", ms=3)
        (self.err_line,) = self.ax_err.plot([], [], color="tab:red", lw=1)
        self.ax_V.set_xlim(0.0, self.duration)
        self.ax_V.set_ylim(-90.0, 60.0)
        self.ax_V.set_ylabel("V (mV)")
        self.ax_step.set_yscale("log")
        self.ax_step.set_ylim(1e-4, 2.0)
        self.ax_step.set_ylabel(tr("step (ms)", "步长 (ms)"))
        self.ax_err.set_yscale("log")
        self.ax_err.set_ylim(1e-9, 1e3)
        self.ax_err.set_ylabel("|V - ref| (mV)")
        self.ax_err.set_xlabel("t (ms)")
        # above the axes, right of the title: inside it would cover a spike
        self.ax_V.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=9, ncol=2,
                         frameon=False, borderaxespad=0.1)
        self.ax_V.set_title(tr(f"HH at I = {self.I:g} uA/cm^2, scipy RK45 (Dormand-Prince 5(4))",
                               f"HH, I = {self.I:g} uA/cm^2, scipy RK45 (Dormand-Prince 5(4))"),
                            loc="left", fontsize=10)

        self.children = [widgets.HBox([widgets.VBox([self.rtol_slider, self.atol_slider]),
                                       self.readout]), self.view.image]
        self.rtol_slider.observe(self._on_change, names="value")
        self.atol_slider.observe(self._on_change, names="value")
        self._update()

    def _on_change(self, change) -> None:
        self._update()

    def _update(self) -> None:
        start = time.perf_counter()
        try:
            r = run_tolerance(float(self.rtol_slider.value), float(self.atol_slider.value),
                              self.I, self.duration)
            self.result = r
            self.V_line.set_data(r["ts"], r["V"])
            self.step_line.set_data(r["ts"][1:], np.maximum(r["steps"], 1e-4))
            self.err_line.set_data(r["ts"], np.maximum(r["error"], 1e-9))
            self.view.redraw_all()
            e = r["spike_error"]
            worst = "-" if not len(r["spikes"]) or not len(r["reference_spikes"]) \
                else f"{e.max_error:.2g} ms"
            n, n_ref = len(r["spikes"]), len(r["reference_spikes"])
            self.readout.value = tr(
                f"<b>{len(r['steps'])}</b> steps ({r['steps'].min():.2g} to "
                f"{r['steps'].max():.2g} ms), <b>{r['nfev']}</b> evaluations of f<br>"
                f"max |V - ref| <b>{r['error'].max():.2g} mV</b>; spikes {n} (reference {n_ref}),"
                f" largest spike-time error <b>{worst}</b>",
                f"<b>{len(r['steps'])}</b> 步 (步长 {r['steps'].min():.2g} 到 "
                f"{r['steps'].max():.2g} ms), f 求值 <b>{r['nfev']}</b> 次<br>"
                f"max |V - ref| <b>{r['error'].max():.2g} mV</b>; 发放 {n} 次 (参考解 {n_ref} 次),"
                f" 最大发放时刻误差 <b>{worst}</b>")
            self.error = None
        except Exception as err:   # show it in the widget rather than in a log no one reads
            self.error = err
            self.readout.value = (f"<span style='color:#b00'>{type(err).__name__}: "
                                  f"{html.escape(str(err))}</span>")
        self.last_update_seconds = time.perf_counter() - start


def tolerance_explorer(rtol: float = 1e-4, atol: float = 1e-6, I: float = 10.0,
                       duration: float = 60.0) -> ToleranceExplorer:
    """Explore how ``rtol`` and ``atol`` set an adaptive method's steps and error.

    Parameters
    ----------
    rtol, atol : the starting tolerances (decades: rtol 1e-2 ... 1e-9, atol 1e-1 ... 1e-10)
    I : the HH input current (uA/cm^2)
    duration : ms of the run (at most 100)
    """
    return ToleranceExplorer(rtol, atol, I, duration)
