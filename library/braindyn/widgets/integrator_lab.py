"""The integrator lab: methods and step sizes side by side on one problem.

``integrator_lab()`` returns a widget with a model menu, a method menu (built
from ``bp.integrators.methods()``), a dt slider over round step sizes from
0.001 to 0.5 (``DT_CHOICES``) and an input slider.  It plots each method's
trace over the reference solution, the error along the way, and a table of
what each run cost and how wrong it was.
On the Hodgkin-Huxley model it shows the classic lessons of the course:

* forward Euler blows up at dt = 0.2 ms ("diverged at t = 0.6 ms");
* RK4 holds at dt = 0.05 ms, and at dt = 0.01 ms its spike times are off by
  less than 1e-5 ms;
* exponential Euler stays stable at dt = 0.2 ms (but is not accurate there).

Every control can be set from code, which is how the lessons and the tests
drive it::

    lab = integrator_lab(methods=['euler', 'rk4'])
    lab.dt_slider.value = 0.2
    lab.runs['euler'].diverged        # True

Each method is compiled once per model (about a second, on first use); after
that a slider move re-runs the compiled loops and redraws only the curves
(``figure_view.py``), so it takes a few tens of milliseconds.
"""
from __future__ import annotations

import html
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import braindyn as bp

from .figure_view import FigureView
from .i18n import term, tr
from .problems import PROBLEMS, get_problem
from .runs import Run, is_compiled, run_method
from .slider_grid import GridSlider

DEFAULT_METHODS = ("euler", "rk4", "exponential_euler")
DT_RANGE = (1e-3, 0.5)     # range of the dt slider
# The dt slider's values: round numbers, ten per decade.  A slider of choices
# (its index travels, not the number) computes with the dt its readout shows;
# the FloatLogSlider before showed dt = 0.2 as 10 ** -0.7 = 0.1995, and sent that
# back to the kernel, which then ran at 0.1995.
DT_CHOICES = tuple(round(m * 10.0 ** e, 12) for e in (-3, -2, -1)
                   for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
                   if DT_RANGE[0] <= m * 10.0 ** e <= DT_RANGE[1])
MAX_POINTS = 4000          # points per curve on screen (runs keep all their steps)
LEGEND_COLUMNS = 5
COLORS = {"euler": "tab:red", "rk4": "tab:blue", "exponential_euler": "tab:green",
          "midpoint": "tab:orange", "rkdp": "tab:purple", "heun2": "tab:brown",
          "rk3": "tab:pink", "rkf45": "tab:olive", "ralston2": "tab:cyan"}
OTHER_COLORS = ("#7f7f7f", "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#1f77b4",
                "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")


def method_options() -> list:
    """``(label, name)`` pairs for the method menu: every ODE method of
    ``bp.integrators.methods()``; embedded pairs run with fixed steps here."""
    options = []
    for m in bp.integrators.methods():
        note = tr(", run with fixed dt", ", 此处用固定 dt") if m.adaptive else ""
        order = tr(f"order {m.order}", f"{m.order} 阶")
        options.append((f"{m.name} - {term(m.long_name)} ({order}{note})", m.name))
    return options


def color_of(method: str) -> str:
    names = [m.name for m in bp.integrators.methods()]
    return COLORS.get(method, OTHER_COLORS[names.index(method) % len(OTHER_COLORS)])


class IntegratorLab(widgets.VBox):
    """The lab's widget.  Controls: ``problem_menu``, ``method_menu``,
    ``dt_slider``, ``input_slider``.  Results: ``runs`` (method name ->
    ``Run``), the matplotlib ``figure`` with ``lines`` and ``error_lines``
    (method name -> Line2D), ``table`` and ``status`` (HTML widgets),
    ``last_update_seconds`` and ``error`` (the last exception, or None).
    """

    def __init__(self, problem: str = "hh", methods=DEFAULT_METHODS, dt: float = 0.01,
                 input: float | None = None):
        super().__init__()
        problem = get_problem(problem)
        names = [bp.integrators.get_method(m).name for m in methods]
        self.runs: dict[str, Run] = {}
        self.error: Exception | None = None
        self.last_update_seconds = float("nan")
        self._quiet = False   # True while the lab sets its own controls

        # -- controls --
        self.problem_menu = widgets.Dropdown(
            options=[(term(p.title), name) for name, p in PROBLEMS.items()], value=problem.name,
            description=tr("model", "模型"), layout=widgets.Layout(width="330px"))
        self.method_menu = widgets.SelectMultiple(
            options=method_options(), value=tuple(names), rows=9, description=tr("methods", "方法"),
            layout=widgets.Layout(width="470px"))
        if dt not in DT_CHOICES:
            raise ValueError(f"dt = {dt!r}: the lab's dt slider offers "
                             f"{', '.join(f'{c:g}' for c in DT_CHOICES)}")
        self.dt_slider = widgets.SelectionSlider(
            options=[(f"{c:g}", c) for c in DT_CHOICES], value=dt, description="dt",
            continuous_update=True, layout=widgets.Layout(width="330px"))
        self.input_slider = GridSlider(
            description=tr("input", "输入"), continuous_update=False, layout=widgets.Layout(width="330px"))
        self.status = widgets.HTML()
        self.table = widgets.HTML()

        # -- figure: traces on top, errors below --
        self.figure = Figure(figsize=(9, 5.4), dpi=80)
        self.view = FigureView(self.figure)
        self.ax_trace, self.ax_error = self.figure.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": (2, 1)})
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.09, hspace=0.08)
        self.ax_error.set_yscale("log")
        self.ax_trace.grid(alpha=0.3)
        self.ax_error.grid(alpha=0.3)
        (self.reference_line,) = self.ax_trace.plot([], [], color="black", lw=3, alpha=0.3)
        self.blowup_text = self.view.animate(self.ax_trace.text(
            0.99, 0.96, "", transform=self.ax_trace.transAxes, ha="right", va="top",
            color="tab:red", fontsize=11, fontweight="bold", multialignment="left",
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"}))
        self.lines: dict[str, Line2D] = {}
        self.error_lines: dict[str, Line2D] = {}
        self.blowup_markers: dict[str, Line2D] = {}
        self._legend = None

        sliders = widgets.VBox([self.problem_menu, self.dt_slider, self.input_slider,
                                self.status])
        self.children = [widgets.HBox([sliders, self.method_menu]), self.view.image,
                         self.table]
        self.problem_menu.observe(self._on_problem, names="value")
        self.method_menu.observe(self._on_methods, names="value")
        self.dt_slider.observe(self._on_dt, names="value")
        self.input_slider.observe(self._on_input, names="value")
        self._set_problem(input)

    # -- what the controls do ---------------------------------------------------
    @property
    def problem(self):
        return get_problem(self.problem_menu.value)

    @property
    def input_value(self) -> float | None:
        return None if self.problem.input is None else float(self.input_slider.value)

    def _on_problem(self, change):
        self._set_problem(None)

    def _on_methods(self, change):
        if not self._quiet:
            self._update(full=True)    # the legend changes

    def _on_dt(self, change):
        if not self._quiet:
            self._update(full=False)   # only the curves change

    def _on_input(self, change):
        if not self._quiet:
            self._set_reference()
            self._update(full=True)

    def _set_problem(self, input_value):
        """Configure the input slider and the axes for the chosen problem."""
        p = self.problem
        self._quiet = True
        try:
            s = self.input_slider
            if p.input is None:
                s.disabled, s.description = True, tr("no input", "无输入")
            else:
                s.disabled, s.description = False, p.input.name
                with s.hold_sync():        # one message: the browser never sees the wide range
                    s.min, s.max = -1e9, 1e9   # widen first, so that no bound clips the value
                    s.min, s.max, s.step = p.input.min, p.input.max, p.input.step
                    s.value = p.input.default if input_value is None else input_value
                s.tooltip = p.input.label
        finally:
            self._quiet = False
        t_unit = f" ({p.time_units})" if p.time_units else ""
        y_unit = f" ({p.units})" if p.units else ""
        self.ax_trace.set_xlim(*p.t_span)
        self.ax_trace.set_ylim(*p.ylim)
        self.ax_trace.set_ylabel(p.variables[0] + y_unit)
        self.ax_error.set_ylim(*p.error_ylim)
        self.ax_error.set_ylabel(f"|{p.variables[0]} - " + tr("reference|", "参考解|"))
        self.ax_error.set_xlabel("t" + t_unit)
        self._set_reference()
        self._update(full=True)

    def _set_reference(self):
        p = self.problem
        reference = p.reference(self.input_value)
        ts = np.linspace(*p.t_span, MAX_POINTS)
        self.reference_line.set_data(ts, reference.evaluate(ts)[:, 0])
        inp = "" if p.input is None else f", {p.input.name} = {self.input_value:g}"
        self.ax_trace.set_title(f"{term(p.title)}{inp}    ("
                                + tr("reference: ", "参考解: ") + f"{term(reference.label)})",
                                loc="left", fontsize=10)

    # -- running and drawing -----------------------------------------------------
    def _update(self, full: bool):
        start = time.perf_counter()
        try:
            p, dt = self.problem, float(self.dt_slider.value)
            selected = list(self.method_menu.value)
            new = [m for m in selected if not is_compiled(p, m)]
            if new:
                self.status.value = "<i>" + tr(f"compiling {', '.join(new)} for this model "
                                                f"(once, about a second each)...",
                                                f"正在为此模型编译 {', '.join(new)} "
                                                f"(只编译一次, 每个约一秒)...") + "</i>"
            self.runs = {m: run_method(p, m, dt, self.input_value, jit=True)
                         for m in selected}
            self._draw(full)
            self.table.value = self._table_html()
            self.status.value = ""
            self.error = None
        except Exception as err:   # show it in the lab rather than in a log no one reads
            self.error = err
            self.status.value = (f"<span style='color:#b00'>{type(err).__name__}: "
                                 f"{html.escape(str(err))}</span>")
        self.last_update_seconds = time.perf_counter() - start

    def _artists_for(self, method: str):
        if method not in self.lines:
            c = color_of(method)
            (line,) = self.ax_trace.plot([], [], color=c, lw=1.5)
            (err,) = self.ax_error.plot([], [], color=c, lw=1.2)
            (mark,) = self.ax_trace.plot([], [], "X", color=c, ms=12, mec="black")
            self.lines[method] = self.view.animate(line)
            self.error_lines[method] = self.view.animate(err)
            self.blowup_markers[method] = self.view.animate(mark)
        return self.lines[method], self.error_lines[method], self.blowup_markers[method]

    def _draw(self, full: bool):
        p = self.problem
        floor = p.error_ylim[0]
        for m in list(self.lines) + [m for m in self.runs if m not in self.lines]:
            line, err, mark = self._artists_for(m)
            shown = m in self.runs
            for artist in (line, err, mark):
                artist.set_visible(shown)
            if not shown:
                continue
            run = self.runs[m]
            every = max(1, len(run.ts) // MAX_POINTS)
            line.set_data(run.ts[::every], run.ys[::every, 0])
            err.set_data(run.ts[::every], np.maximum(run.error[::every], floor))
            mark.set_visible(run.diverged)
            if run.diverged:
                last = run.ys[-1, 0] if len(run.ys) else p.y0[0]
                mark.set_data([run.t_diverged], [np.clip(last, *p.ylim)])
        self.blowup_text.set_text("\n".join(
            f"{m}: " + tr("diverged at t = ", "发散于 t = ") + f"{r.t_diverged:.3g}" for m, r in self.runs.items() if r.diverged))
        if full:
            self._set_legend()
            self.view.redraw_all()
        else:
            self.view.update()

    def _set_legend(self):
        if self._legend is not None:
            self._legend.remove()
        handles = [Line2D([], [], color="black", lw=3, alpha=0.3)]
        labels = [tr("reference", "参考解")]
        for m in self.runs:   # stand-ins: the real lines are animated, legends skip those
            handles.append(Line2D([], [], color=color_of(m), lw=2))
            labels.append(m)
        rows = -(-len(handles) // LEGEND_COLUMNS)
        self.figure.subplots_adjust(top=0.92 - 0.05 * rows)   # room for the legend
        self._legend = self.figure.legend(handles, labels, loc="upper center",
                                          ncol=LEGEND_COLUMNS, frameon=False, fontsize=10)

    def _table_html(self) -> str:
        p = self.problem
        spiking = p.threshold is not None
        unit = p.time_units or tr("time units", "时间单位")
        head = [tr("method", "方法"), tr("order", "阶数"), tr("steps", "步数"),
                tr("f evaluations", "f 求值次数"), tr("loop time", "循环耗时"),
                f"max |{p.variables[0]} - ref|"]
        if spiking:
            head += [tr("spikes (ref)", "发放次数 (参考)"),
                     tr(f"spike-time error ({unit})", f"发放时刻误差 ({unit})")]
        rows = []
        for m, r in self.runs.items():
            info = bp.integrators.get_method(m)
            swatch = f"<span style='color:{color_of(m)}'>&#9632;</span> {m}"
            cells = [swatch, str(info.order), f"{r.steps:,}", f"{r.evaluations:,}",
                     f"{r.wall_time * 1e3:.1f} ms"]
            if r.diverged:
                cells.append("<b style='color:#b00'>" + tr("diverged at t = ", "发散于 t = ")
                             + f"{r.t_diverged:.3g}</b>")
                if spiking:
                    cells += ["-", "-"]
            else:
                cells.append(f"{r.max_error:.2e} {p.units}")
                if spiking:
                    n = len(r.spike_times)
                    cells.append(f"{n} ({r.n_spikes_reference})")
                    cells.append("-" if r.spike_time_error is None
                                 else f"{r.spike_time_error:.1e}")
            rows.append(cells)
        style = "padding:2px 10px;text-align:right"
        out = ["<table style='border-collapse:collapse;font-size:13px'>",
               "<tr>" + "".join(f"<th style='{style}'>{h}</th>" for h in head) + "</tr>"]
        for cells in rows:
            out.append("<tr>" + "".join(f"<td style='{style}'>{c}</td>" for c in cells)
                       + "</tr>")
        out.append("</table>")
        return "\n".join(out)

    # -- for lessons and tests ----------------------------------------------------
    def summary(self) -> str:
        """One line per selected method (what the table shows, as text)."""
        return "\n".join(r.summary() for r in self.runs.values())


def integrator_lab(problem: str = "hh", methods=DEFAULT_METHODS, dt: float = 0.01,
                   input: float | None = None) -> IntegratorLab:
    """Compare integration methods and step sizes on one problem.

    Parameters
    ----------
    problem : 'hh' (Hodgkin-Huxley, 100 ms), 'decay_sine' or 'damped_oscillator'
    methods : names from ``bp.integrators.methods()`` selected at the start
    dt : the starting step size, one of ``DT_CHOICES`` (round values from
        0.001 to 0.5: 0.001, 0.0012, 0.0015, 0.002, 0.0025, 0.003, 0.004, ...)
    input : the input current I for 'hh' (uA/cm^2; default 10), the amplitude A
        for 'decay_sine'

    Returns the widget (an ``ipywidgets.VBox``); show it by leaving it as the
    last line of a cell.  Its controls are attributes (``lab.dt_slider.value =
    0.2``) and its results too (``lab.runs['euler'].diverged``).
    """
    return IntegratorLab(problem, methods, dt, input)
