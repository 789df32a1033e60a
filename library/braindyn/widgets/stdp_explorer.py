"""The STDP-window explorer (lesson 12): A+, A-, tau+, tau- against the weight change.

The pair-based STDP window (Bi & Poo 1998; Song, Miller & Abbott, Nat. Neurosci. 3
(2000) 919; braindyn's ``models.STDP``), for one pre/post pair with
dt = t_post - t_pre (ms):

    dw(dt) =  A+ exp(-dt / tau+)    dt > 0   (pre before post: potentiation)
    dw(dt) = -A- exp( dt / tau-)    dt < 0   (post before pre: depression)
    dw(0)  =  0                     (a pre and a post spike in the same step do not
                                     see each other's trace in models.STDP)

Its integral, A+ tau+ - A- tau- (ms), decides what uncorrelated spikes do: for
independent Poisson trains at rates r_pre and r_post the weight drifts by
r_pre r_post (A+ tau+ - A- tau-) per unit time (Kempter, Gerstner & van Hemmen,
Phys. Rev. E 59 (1999) 4498).  Song et al. choose A- tau- > A+ tau+ (net depression),
so only inputs that *cause* postsynaptic spikes (dt > 0 more often) grow.

The figure: the window, its two areas, and a probe at one dt.  Attributes:
``sliders`` (A_plus, A_minus, tau_plus, tau_minus, delta_t) and ``result``
(``delta_t``, ``dw``, ``integral``, ``probe``, ``drift_per_s``).
"""
from __future__ import annotations

import html
import inspect
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .figure_view import FigureView
from .i18n import tr
from .slider_grid import GridSlider

# name: (min, max, step); ranges whose defaults the browser reproduces exactly (slider_grid.py)
SLIDERS = {"A_plus": (0.0, 0.02, 0.0005), "A_minus": (0.0, 0.02, 0.0005),
           "tau_plus": (1.0, 101.0, 1.0), "tau_minus": (1.0, 101.0, 1.0),
           "delta_t": (-100.0, 100.0, 0.5)}
RATE_HZ = 10.0      # the rate of the uncorrelated pre and post trains of the drift readout


def stdp_defaults() -> dict:
    """A+, A-, tau+, tau- of ``models.STDP`` (Song et al.'s A- = 1.05 A+)."""
    from ..models import STDP
    sig = inspect.signature(STDP.__init__).parameters
    return {k: float(sig[k].default) for k in ("A_plus", "A_minus", "tau_plus", "tau_minus")}


def stdp_window(delta_t, A_plus: float, A_minus: float, tau_plus: float,
                tau_minus: float) -> np.ndarray:
    """The weight change of one pre/post pair, dt = t_post - t_pre (ms); 0 at dt = 0."""
    d = np.asarray(delta_t, dtype=float)
    return np.where(d > 0, A_plus * np.exp(-np.abs(d) / tau_plus),
                    np.where(d < 0, -A_minus * np.exp(-np.abs(d) / tau_minus), 0.0))


def window_integral(A_plus: float, A_minus: float, tau_plus: float, tau_minus: float) -> float:
    """The area under the window, A+ tau+ - A- tau- (weight x ms)."""
    return A_plus * tau_plus - A_minus * tau_minus


class STDPExplorer(widgets.VBox):
    """Sliders A+, A-, tau+, tau- and a probe dt over the STDP window (module docstring)."""

    def __init__(self, A_plus: float | None = None, A_minus: float | None = None,
                 tau_plus: float | None = None, tau_minus: float | None = None,
                 delta_t: float = 10.0):
        super().__init__()
        values = {**stdp_defaults(), "delta_t": delta_t}
        given = dict(A_plus=A_plus, A_minus=A_minus, tau_plus=tau_plus, tau_minus=tau_minus)
        values.update({k: float(v) for k, v in given.items() if v is not None})
        labels = {"A_plus": "A+", "A_minus": "A-", "tau_plus": "tau+ (ms)",
                  "tau_minus": "tau- (ms)", "delta_t": "dt (ms)"}
        formats = {"A_plus": ".4f", "A_minus": ".4f", "tau_plus": ".0f", "tau_minus": ".0f",
                   "delta_t": ".1f"}
        self.result: dict = {}
        self.error: Exception | None = None
        self.sliders: dict[str, GridSlider] = {}
        for name, (lo, hi, step) in SLIDERS.items():
            value = values[name]
            if not lo <= value <= hi:
                raise ValueError(f"{name} = {value} is outside its slider's range [{lo}, {hi}]")
            self.sliders[name] = GridSlider(
                value=value, min=lo, max=hi, step=step, description=labels[name],
                readout_format=formats[name], continuous_update=True,
                style={"description_width": "80px"}, layout=widgets.Layout(width="340px"))
        self.readout = widgets.HTML()

        self.figure = Figure(figsize=(9, 4.2), dpi=80)
        self.view = FigureView(self.figure)
        self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.88)
        self.ax.grid(alpha=0.3)
        self.ax.axhline(0.0, color="0.5", lw=0.8)
        self.ax.axvline(0.0, color="0.5", lw=0.8)
        self.ax.set_xlim(-100.0, 100.0)
        self.ax.set_xlabel(tr("dt = t_post - t_pre (ms)", "dt = t_post - t_pre (ms), 突触后减突触前"))
        self.ax.set_ylabel(tr("weight change dw", "权重变化 dw"))
        self.ax.set_title(tr("Pair-based STDP window", "成对 STDP 时间窗"), loc="left", fontsize=10)
        self._fills = []
        (self.line,) = self.ax.plot([], [], color="black", lw=1.5)
        (self.probe_mark,) = self.ax.plot([], [], "o", color="tab:purple", ms=8)
        self.ax.text(0.99, 0.97, tr("LTP: pre before post", "长时程增强 (LTP): 突触前先于突触后"),
                     transform=self.ax.transAxes, ha="right", va="top", color="tab:red", fontsize=9)
        self.ax.text(0.01, 0.03, tr("LTD: post before pre", "长时程抑制 (LTD): 突触后先于突触前"),
                     transform=self.ax.transAxes, ha="left", va="bottom", color="tab:blue",
                     fontsize=9)

        self.children = [widgets.HBox([widgets.VBox(list(self.sliders.values())), self.readout]),
                         self.view.image]
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self._update()

    def _on_change(self, change) -> None:
        self._update()

    def _update(self) -> None:
        start = time.perf_counter()
        try:
            v = {n: float(s.value) for n, s in self.sliders.items()}
            pars = {k: v[k] for k in ("A_plus", "A_minus", "tau_plus", "tau_minus")}
            if pars["tau_plus"] <= 0 or pars["tau_minus"] <= 0:
                raise ValueError("tau+ and tau- must be positive")
            d = np.linspace(-100.0, 100.0, 801)
            dw = stdp_window(d, **pars)
            integral = window_integral(**pars)
            rate = RATE_HZ / 1000.0                      # per ms
            drift = rate * rate * integral * 1000.0      # per second
            probe = float(stdp_window(v["delta_t"], **pars))
            self.result = {"delta_t": d, "dw": dw, "integral": integral, "probe": probe,
                           "drift_per_s": drift}
            for f in self._fills:
                f.remove()
            self._fills = [self.ax.fill_between(d, dw, 0, where=d > 0, color="tab:red", alpha=0.25,
                                                lw=0),
                           self.ax.fill_between(d, dw, 0, where=d < 0, color="tab:blue",
                                                alpha=0.25, lw=0)]
            self.line.set_data(d, dw)
            self.probe_mark.set_data([v["delta_t"]], [probe])
            top = max(pars["A_plus"], pars["A_minus"], 1e-4) * 1.2
            self.ax.set_ylim(-top, top)
            self.view.redraw_all()
            sign = tr("net depression", "净抑制") if integral < 0 else \
                tr("net potentiation", "净增强") if integral > 0 else tr("balanced", "平衡")
            self.readout.value = (
                f"dw({v['delta_t']:g} ms) = <b>{probe:+.5f}</b><br>"
                + tr("area A+ tau+ - A- tau- = ", "面积 A+ tau+ - A- tau- = ")
                + f"<b>{integral:+.4f}</b> ms ({sign})<br>"
                + tr(f"uncorrelated {RATE_HZ:g} Hz pre and post: dw/dt = ",
                     f"互不相关的 {RATE_HZ:g} Hz 突触前与突触后发放: dw/dt = ")
                + f"<b>{drift:+.2e}</b> / s")
            self.error = None
        except Exception as err:   # show it in the widget rather than in a log no one reads
            self.error = err
            self.readout.value = (f"<span style='color:#b00'>{type(err).__name__}: "
                                  f"{html.escape(str(err))}</span>")
        self.last_update_seconds = time.perf_counter() - start


def stdp_explorer(A_plus: float | None = None, A_minus: float | None = None,
                  tau_plus: float | None = None, tau_minus: float | None = None,
                  delta_t: float = 10.0) -> STDPExplorer:
    """Explore the pair-based STDP window; the defaults are those of ``models.STDP``.

    Parameters: A_plus, A_minus (0-0.02), tau_plus, tau_minus (1-101 ms), and the probe
    delta_t = t_post - t_pre (-100 to 100 ms)."""
    return STDPExplorer(A_plus, A_minus, tau_plus, tau_minus, delta_t)
