"""The short-term plasticity explorer (lesson 10): Tsodyks-Markram U, tau_f, tau_d, rate.

A regular presynaptic train (``rate`` in Hz, ``n_spikes`` spikes) drives one
Tsodyks-Markram synapse (Tsodyks, Pawelzik & Markram, Neural Comput. 10 (1998)
821; braindyn's ``models.STP``).  Between spikes

    du/dt = -u / tau_f,    dx/dt = (1 - x) / tau_d,

and at each spike, in this order: u+ = u- + U (1 - u-), A = u+ x-, x+ = x- - u+ x-.
The efficacy A_n of spike n is the fraction of the resources released; the
postsynaptic current (PSC, in units of g_max, an exponential synapse with
``tau_syn``) jumps by A_n.  For a regular train the state just before the next
spike has a closed form (``tm_efficacies``), and so has the steady state
(``steady_state``: the fixed point of that map).

The figure: the PSC with its jumps A_n marked, and u(t), x(t).  The readout
gives A_n / A_1 and the steady-state efficacy.  Attributes: ``sliders`` (U,
tau_f, tau_d, rate) and ``result`` (``t``, ``psc``, ``u``, ``x``, ``spikes``,
``A``, ``A_inf``).
"""
from __future__ import annotations

import html
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .figure_view import FigureView
from .i18n import tr
from .slider_grid import GridSlider

PRESETS = {"depression": dict(U=0.45, tau_f=50.0, tau_d=750.0),     # models.STP_DEPRESSION
           "facilitation": dict(U=0.15, tau_f=1500.0, tau_d=200.0)}  # models.STP_FACILITATION
# name: (min, max, step); tau in ms, rate in Hz.  Ranges whose presets are grid points the
# browser reproduces exactly (slider_grid.py): from 10 ms, not 1 ms (1500 came back as
# 1499.9999999999998), and the rate from 0.5 Hz to 100.5 Hz in steps of 0.5.
SLIDERS = {"U": (0.0, 1.0, 0.01), "tau_f": (10.0, 3000.0, 10.0), "tau_d": (10.0, 3000.0, 10.0),
           "rate": (0.5, 100.5, 0.5)}


def tm_efficacies(n_spikes: int, interval: float, U: float, tau_f: float,
                  tau_d: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Efficacies A_n, and u+ and x+ just after each spike, of a regular train
    (``interval`` in ms), from u = 0, x = 1; the decay between spikes in closed form."""
    if n_spikes < 1 or interval <= 0 or tau_f <= 0 or tau_d <= 0 or not 0 <= U <= 1:
        raise ValueError("need n_spikes >= 1, interval > 0, tau_f > 0, tau_d > 0, 0 <= U <= 1")
    u, x = 0.0, 1.0
    A, u_after, x_after = np.empty(n_spikes), np.empty(n_spikes), np.empty(n_spikes)
    for k in range(n_spikes):
        u = u + U * (1 - u)
        A[k] = u * x
        x = x - u * x
        u_after[k], x_after[k] = u, x
        u = u * np.exp(-interval / tau_f)
        x = 1 - (1 - x) * np.exp(-interval / tau_d)
    return A, u_after, x_after


def steady_state(interval: float, U: float, tau_f: float, tau_d: float) -> float:
    """The efficacy a long regular train settles to: the fixed point of the spike-to-spike map,
    u+ = U / (1 - (1 - U) e^(-D/tau_f)),  x- = (1 - e^(-D/tau_d)) / (1 - (1 - u+) e^(-D/tau_d))."""
    ef, ed = np.exp(-interval / tau_f), np.exp(-interval / tau_d)
    u = U / (1 - (1 - U) * ef)
    x = (1 - ed) / (1 - (1 - u) * ed)
    return float(u * x)


def stp_run(U: float, tau_f: float, tau_d: float, rate: float, n_spikes: int = 10,
            tau_syn: float = 3.0, dt: float = 0.1) -> dict:
    """The train, the efficacies, and u(t), x(t), PSC(t) on a grid of ``dt`` ms."""
    interval = 1000.0 / rate
    A, u_after, x_after = tm_efficacies(n_spikes, interval, U, tau_f, tau_d)
    spikes = 10.0 + interval * np.arange(n_spikes)
    t = np.arange(0.0, spikes[-1] + max(interval, 5 * tau_syn) + dt / 2, dt)
    k = np.searchsorted(spikes, t, side="right") - 1        # the last spike at or before t
    since = np.where(k >= 0, t - spikes[np.maximum(k, 0)], 0.0)
    u = np.where(k >= 0, u_after[np.maximum(k, 0)] * np.exp(-since / tau_f), 0.0)
    x = np.where(k >= 0, 1 - (1 - x_after[np.maximum(k, 0)]) * np.exp(-since / tau_d), 1.0)
    psc = np.zeros_like(t)
    for s, a in zip(spikes, A):
        on = t >= s
        psc[on] += a * np.exp(-(t[on] - s) / tau_syn)
    return {"t": t, "u": u, "x": x, "psc": psc, "spikes": spikes, "A": A,
            "A_inf": steady_state(interval, U, tau_f, tau_d), "interval": interval}


class STPExplorer(widgets.VBox):
    """Sliders U, tau_f, tau_d and rate over one Tsodyks-Markram synapse (module docstring)."""

    def __init__(self, U: float = 0.45, tau_f: float = 50.0, tau_d: float = 750.0,
                 rate: float = 20.0, n_spikes: int = 10, tau_syn: float = 3.0):
        super().__init__()
        if not 2 <= int(n_spikes) <= 50:
            raise ValueError(f"n_spikes = {n_spikes}: choose 2 to 50 spikes")
        self.n_spikes, self.tau_syn = int(n_spikes), float(tau_syn)
        self.result: dict = {}
        self.error: Exception | None = None
        labels = {"U": "U", "tau_f": "tau_f (ms)", "tau_d": "tau_d (ms)",
                  "rate": tr("rate (Hz)", "频率 (Hz)")}
        self.sliders: dict[str, GridSlider] = {}
        for name, value in (("U", U), ("tau_f", tau_f), ("tau_d", tau_d), ("rate", rate)):
            lo, hi, step = SLIDERS[name]
            if not lo <= value <= hi:
                raise ValueError(f"{name} = {value} is outside its slider's range [{lo}, {hi}]")
            self.sliders[name] = GridSlider(
                value=value, min=lo, max=hi, step=step, description=labels[name],
                readout_format={"U": ".2f", "rate": ".1f"}.get(name, ".0f"), continuous_update=True,
                style={"description_width": "90px"}, layout=widgets.Layout(width="360px"))
        self.preset_buttons = widgets.ToggleButtons(
            options=[(tr("depression", "压抑"), "depression"),
                     (tr("facilitation", "易化"), "facilitation")],
            value=None, description=tr("preset", "预设"), style={"button_width": "90px"})
        self.readout = widgets.HTML()

        self.figure = Figure(figsize=(9, 4.8), dpi=80)
        self.view = FigureView(self.figure)
        self.ax_psc, self.ax_ux = self.figure.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": (1.6, 1)})
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.1, top=0.9, hspace=0.1)
        for ax in (self.ax_psc, self.ax_ux):
            ax.grid(alpha=0.3)
        (self.psc_line,) = self.ax_psc.plot([], [], color="tab:blue", lw=1.2)
        (self.A_marks,) = self.ax_psc.plot([], [], "o", color="tab:red", ms=5,
                                           label=tr("jump A_n", "跳变 A_n"))
        (self.u_line,) = self.ax_ux.plot([], [], color="tab:orange", lw=1.5,
                                         label=tr("u (release probability)", "u (释放概率)"))
        (self.x_line,) = self.ax_ux.plot([], [], color="tab:green", lw=1.5,
                                         label=tr("x (resources)", "x (可用资源)"))
        self.ax_psc.set_ylabel(tr("PSC / g_max", "突触后电流 / g_max"))
        self.ax_ux.set_ylabel("u, x")
        self.ax_ux.set_ylim(-0.02, 1.05)
        self.ax_ux.set_xlabel("t (ms)")
        self.ax_psc.set_title(tr("Tsodyks-Markram synapse: PSC of a regular train",
                                 "Tsodyks-Markram 突触: 规则发放序列的突触后电流"),
                              loc="left", fontsize=10)
        # legends above the axes' right end and in the u-x panel's gap: never on a curve
        self.ax_psc.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False,
                           fontsize=9)
        self.ax_ux.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        self.figure.subplots_adjust(right=0.74)

        self.children = [widgets.HBox([widgets.VBox(list(self.sliders.values())),
                                       widgets.VBox([self.preset_buttons, self.readout])]),
                         self.view.image]
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self.preset_buttons.observe(self._on_preset, names="value")
        self._quiet = False
        self._update()

    def _on_preset(self, change) -> None:
        if change["new"] is None:
            return
        self.set_values(**PRESETS[change["new"]])

    def set_values(self, **values: float) -> None:
        """Set several sliders (U, tau_f, tau_d, rate) with one redraw."""
        unknown = [n for n in values if n not in self.sliders]
        if unknown:
            raise ValueError(f"no slider {unknown}; the sliders are {list(self.sliders)}")
        self._quiet = True
        try:
            for name, value in values.items():
                self.sliders[name].value = float(value)
        finally:
            self._quiet = False
        self._update()

    def _on_change(self, change) -> None:
        if not self._quiet:
            self._update()

    def _update(self) -> None:
        start = time.perf_counter()
        try:
            v = {n: float(s.value) for n, s in self.sliders.items()}
            r = stp_run(v["U"], v["tau_f"], v["tau_d"], v["rate"], self.n_spikes, self.tau_syn)
            self.result = r
            self.psc_line.set_data(r["t"], r["psc"])
            # the PSC just after spike n is its value before plus A_n
            self.A_marks.set_data(r["spikes"], np.interp(r["spikes"], r["t"], r["psc"]))
            self.u_line.set_data(r["t"], r["u"])
            self.x_line.set_data(r["t"], r["x"])
            self.ax_psc.set_xlim(0.0, r["t"][-1])
            self.ax_psc.set_ylim(0.0, max(1e-3, float(r["psc"].max())) * 1.15)
            self.view.redraw_all()
            self.readout.value = self._readout(r)
            self.error = None
        except Exception as err:   # show it in the widget rather than in a log no one reads
            self.error = err
            self.readout.value = (f"<span style='color:#b00'>{type(err).__name__}: "
                                  f"{html.escape(str(err))}</span>")
        self.last_update_seconds = time.perf_counter() - start


    @staticmethod
    def _readout(r: dict) -> str:
        A = r["A"]
        if A[0] == 0.0:
            return tr("U = 0: no spike releases anything (A_n = 0)", "U = 0: 没有任何释放 (A_n = 0)")
        ratios = ", ".join(f"{a / A[0]:.2f}" for a in A[:6]) + (", ..." if len(A) > 6 else "")
        last = f"<br>A_{len(A)} / A_1 = <b>{A[-1] / A[0]:.2f}</b>; "
        return (f"A_1 = <b>{A[0]:.3f}</b>; A_n / A_1 = {ratios}{last}"
                + tr("steady state", "稳态") + f" A_inf / A_1 = <b>{r['A_inf'] / A[0]:.2f}</b>")


def stp_explorer(U: float = 0.45, tau_f: float = 50.0, tau_d: float = 750.0, rate: float = 20.0,
                 n_spikes: int = 10, tau_syn: float = 3.0) -> STPExplorer:
    """Explore depression and facilitation in the Tsodyks-Markram model.

    Parameters
    ----------
    U : release increment (0-1); tau_f, tau_d : facilitation and recovery time constants (ms)
    rate : of the regular presynaptic train (Hz); n_spikes : its length (2-50)
    tau_syn : decay of the postsynaptic current (ms)
    Defaults: ``models.STP_DEPRESSION`` at 20 Hz; the preset buttons switch to facilitation.
    """
    return STPExplorer(U, tau_f, tau_d, rate, n_spikes, tau_syn)
