"""The neuron-model explorer: move a parameter, see the firing pattern change.

``neuron_explorer()`` runs one neuron of a model from ``braindyn.models``
under a step current and shows

* V(t), with a tick at every spike, and the model's second variable (the
  adaptation current w of AdEx, the recovery variable u of Izhikevich, the
  gate n of Hodgkin-Huxley, ...) on the axis below it, and the input I(t);
* the number of spikes during the step, the mean rate and a *pattern label*
  (rule below), in the corner of the V axis and in ``ex.firing``.

The menu holds LIF, QuaIF, ExpIF, AdExIF, Izhikevich (with the cell classes
of ``CELL_TYPES`` as presets), HH, MorrisLecar, HindmarshRose and
FitzHughNagumo; the sliders are each model's main parameters and the step
current (onset and amplitude).  Every control can be set from code, which
is how lessons and tests use it::

    ex = neuron_explorer('Izhikevich', preset='CH')
    ex.firing.pattern          # 'bursting'
    ex.set_values(I=0.0)       # one redraw; ex.firing.pattern == 'silent'

Cost.  One model object per menu entry is compiled once and reused: the
input is an array with one value per step (an ``'iter'`` input of
``model.run``), and a parameter is a value the compiled code reads when each
run starts (``simulation/state.py``), so neither a new input nor a new
parameter value compiles anything and a redraw takes a few milliseconds.
Every slider therefore updates while it is dragged (``benchmarks/bench_widgets.py``
measures parameter against input redraws).

Pattern label, from the spikes during the step: ``braindyn.measure.firing_pattern``
(silent, few spikes, bursting, initial burst, adapting, regular; the rule is in
its docstring, after the classes of E. M. Izhikevich, IEEE Trans. Neural Netw. 14
(2003) 1569-1572, Fig. 2).  The step current is ``braindyn.inputs.step``.
"""
from __future__ import annotations

import difflib
import html
import inspect
import math
import time
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .. import inputs, measure, models
from ..measure import firing_pattern  # noqa: F401  (its old home: braindyn.widgets.firing_pattern)
from .figure_view import FigureView
from .i18n import term, tr
from .slider_grid import GridSlider

MAX_POINTS = 4000        # points per curve on screen (the run keeps all its steps)
CUSTOM = "custom"        # the preset menu's entry when the sliders match no preset


@dataclass(frozen=True)
class Param:
    """A slider: the model's attribute ``name``, its label with unit, its range."""
    name: str
    label: str
    min: float
    max: float
    step: float


@dataclass(frozen=True)
class NeuronModel:
    """One menu entry: which class, which sliders, how long to run and how to draw.

    Parameter defaults are read from the class's constructor, so that the
    explorer starts from the model's documented values.
    """
    title: str
    cls: type
    params: tuple
    current: Param             # the step's amplitude (the model's ``input``)
    current_default: float
    dt: float                  # ms
    duration: float            # ms
    onset: float               # ms: default start of the step
    v_label: str
    v_lim: tuple
    second: str | None = None  # the second Variable drawn, or None
    second_label: str = ""
    presets: dict = field(default_factory=dict)
    time_note: str = ""        # e.g. that time is dimensionless

    def default(self, name: str) -> float:
        return float(inspect.signature(self.cls.__init__).parameters[name].default)


def _mv(name, lo, hi, step=0.5):
    return Param(name, f"{name} (mV)", lo, hi, step)


NA = "I (nA)"
UA_CM2 = "I (uA/cm^2)"
MS_CM2 = "(mS/cm^2)"

# Each slider's range holds the model's default, its presets and its step current
# as grid points that the browser reproduces exactly (slider_grid.py): LIF's R
# from 0, the tau of QuaIF and ExpIF up to 41 ms, AdEx's I up to 4 nA,
# Izhikevich's I up to 40 and Morris-Lecar's V4 up to 50 mV (on the ranges before,
# 10.0, 1.0 and 30.0 came back from the browser a rounding error away).
MODELS = {
    "LIF": NeuronModel(
        "LIF - leaky integrate-and-fire", models.LIF,
        (Param("tau", "tau (ms)", 1.0, 50.0, 0.5), Param("R", "R (MOhm)", 0.0, 50.0, 0.5),
         _mv("V_th", -65.0, -40.0), _mv("V_reset", -80.0, -50.0),
         Param("t_ref", "t_ref (ms)", 0.0, 20.0, 0.5)),
        Param("I", NA, 0.0, 10.0, 0.05), 2.5, dt=0.1, duration=500.0, onset=50.0,
        v_label="V (mV)", v_lim=(-80.0, -40.0)),
    "QuaIF": NeuronModel(
        "QuaIF - quadratic integrate-and-fire", models.QuaIF,
        (Param("a0", "a0 (1/mV)", 0.01, 0.2, 0.005), _mv("V_c", -60.0, -35.0),
         Param("tau", "tau (ms)", 1.0, 41.0, 0.5), _mv("V_reset", -80.0, -50.0)),
        Param("I", NA, 0.0, 20.0, 0.1), 6.0, dt=0.05, duration=500.0, onset=50.0,
        v_label="V (mV)", v_lim=(-75.0, -25.0)),
    "ExpIF": NeuronModel(
        "ExpIF - exponential integrate-and-fire", models.ExpIF,
        (Param("delta_T", "Delta_T (mV)", 0.5, 8.0, 0.01), _mv("V_T", -65.0, -45.0, 0.1),
         Param("tau", "tau (ms)", 1.0, 41.0, 0.5), _mv("V_reset", -80.0, -50.0)),
        Param("I", NA, 0.0, 10.0, 0.05), 3.0, dt=0.05, duration=500.0, onset=50.0,
        v_label="V (mV)", v_lim=(-75.0, -25.0)),
    "AdExIF": NeuronModel(
        "AdExIF - adaptive exponential IF", models.AdExIF,
        (Param("a", "a (uS)", 0.0, 0.1, 0.001), Param("b", "b (nA)", 0.0, 0.5, 0.0005),
         Param("tau_w", "tau_w (ms)", 1.0, 500.0, 1.0), _mv("V_reset", -75.0, -40.0, 0.1)),
        Param("I", NA, 0.0, 4.0, 0.01), 1.0, dt=0.05, duration=500.0, onset=50.0,
        v_label="V (mV)", v_lim=(-80.0, 25.0), second="w", second_label="w (nA)"),
    "Izhikevich": NeuronModel(
        "Izhikevich - simple model (2003)", models.Izhikevich,
        (Param("a", "a (1/ms)", 0.005, 0.15, 0.005), Param("b", "b", 0.1, 0.3, 0.005),
         _mv("c", -75.0, -40.0), Param("d", "d", 0.0, 10.0, 0.05)),
        Param("I", "I (mV/ms)", 0.0, 40.0, 0.1), 10.0, dt=0.1, duration=500.0, onset=50.0,
        v_label="V (mV)", v_lim=(-90.0, 40.0), second="u", second_label="u (mV/ms)",
        presets=models.CELL_TYPES),
    "HH": NeuronModel(
        "HH - Hodgkin-Huxley", models.HH,
        (Param("gNa", f"gNa {MS_CM2}", 0.0, 200.0, 1.0),
         Param("gK", f"gK {MS_CM2}", 0.0, 60.0, 0.5),
         Param("gL", f"gL {MS_CM2}", 0.0, 0.5, 0.005), _mv("EK", -100.0, -60.0)),
        Param("I", UA_CM2, 0.0, 50.0, 0.1), 10.0, dt=0.05, duration=200.0, onset=20.0,
        v_label="V (mV)", v_lim=(-90.0, 60.0), second="n", second_label="n (K+ gate)"),
    "MorrisLecar": NeuronModel(
        "MorrisLecar - Morris-Lecar", models.MorrisLecar,
        (Param("g_Ca", f"g_Ca {MS_CM2}", 3.0, 6.0, 0.05),
         Param("g_K", f"g_K {MS_CM2}", 4.0, 12.0, 0.1),
         Param("phi", "phi (1/ms)", 0.01, 0.1, 0.001), _mv("V3", -10.0, 20.0, 0.1),
         _mv("V4", 10.0, 50.0, 0.1)),
        Param("I", UA_CM2, 0.0, 200.0, 0.5), 100.0, dt=0.05, duration=1000.0, onset=100.0,
        v_label="V (mV)", v_lim=(-80.0, 50.0), second="W", second_label="W (K+ gate)"),
    "HindmarshRose": NeuronModel(
        "HindmarshRose - Hindmarsh-Rose burster", models.HindmarshRose,
        (Param("b", "b", 2.0, 4.0, 0.05), Param("r", "r (1/ms)", 0.0001, 0.01, 0.0001),
         Param("s", "s", 1.0, 6.0, 0.1)),
        Param("I", "I", 0.0, 5.0, 0.05), 2.0, dt=0.05, duration=2000.0, onset=100.0,
        v_label="V (the paper's x)", v_lim=(-2.5, 2.5), second="z", second_label="z (slow)",
        time_note="dimensionless model, time read as ms"),
    "FitzHughNagumo": NeuronModel(
        "FitzHughNagumo - FitzHugh-Nagumo", models.FitzHughNagumo,
        (Param("a", "a", 0.0, 1.5, 0.01), Param("b", "b", 0.0, 2.0, 0.01),
         Param("tau", "tau (ms)", 1.0, 30.0, 0.1)),
        Param("I", "I", 0.0, 2.0, 0.01), 0.5, dt=0.1, duration=500.0, onset=50.0,
        v_label="V", v_lim=(-2.5, 2.5), second="w", second_label="w (recovery)",
        time_note="dimensionless model, time read as ms"),
}


def get_model(name: str) -> str:
    """The key of ``MODELS`` for ``name`` (any case), or an error listing them."""
    keys = {k.lower(): k for k in MODELS}
    if isinstance(name, str) and name.lower() in keys:
        return keys[name.lower()]
    close = difflib.get_close_matches(str(name), list(MODELS), n=2, cutoff=0.5)
    hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
    raise ValueError(f"unknown model {name!r}{hint}: write one of "
                     f"{', '.join(map(repr, MODELS))}")


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


# -- the firing pattern --------------------------------------------------------------

@dataclass
class Firing:
    """What the neuron did during the step current."""
    spike_times: np.ndarray     # ms, spikes after the onset
    window: float               # ms: length of the step
    pattern: str

    @property
    def count(self) -> int:
        return len(self.spike_times)

    @property
    def isis(self) -> np.ndarray:
        return measure.isi(self.spike_times)

    @property
    def rate(self) -> float:
        """Mean rate (Hz): 1000 / mean ISI with two spikes or more (the rate of a
        periodic neuron, whatever the window), else spikes per second of the step."""
        if self.count >= 2:
            return 1000.0 / float(np.mean(self.isis))
        return 1000.0 * self.count / self.window

    def summary(self) -> str:
        return f"{self.count} spikes, {self.rate:.1f} Hz: {self.pattern}"


# -- the widget -------------------------------------------------------------------------

class NeuronExplorer(widgets.VBox):
    """The explorer's widget.

    Controls: ``model_menu``, ``preset_menu`` (Izhikevich's cell classes; hidden
    for other models), ``sliders`` (parameter name -> FloatSlider), ``I_slider``
    (the step's amplitude) and ``onset_slider``; a slider holds the grid point
    nearest to what it is given, as the browser computes it (``GridSlider``), so
    that the browser never sends back another value.  Results of the last redraw:
    ``firing`` (a ``Firing``: spike times, count, rate, pattern), ``values``
    (the parameters used), ``trace`` (``{'t', 'V', second, 'I'}``), the
    ``figure`` with ``V_line``, ``second_line``, ``input_line``,
    ``spike_ticks`` and ``pattern_text``; ``status`` and ``readout`` (HTML),
    ``last_update_seconds``, ``last_compiled`` (whether that update built a
    program) and ``error`` (the last exception, or None).
    """

    def __init__(self, model: str = "Izhikevich", preset: str | None = None,
                 I: float | None = None, onset: float | None = None, **params: float):
        super().__init__()
        key = get_model(model)
        self.error: Exception | None = None
        self.last_update_seconds = float("nan")
        self.last_compiled = False
        self.firing: Firing | None = None
        self.values: dict = {}
        self.trace: dict = {}
        self._neurons: dict = {}     # model key -> its one (compiled) model object
        self._quiet = False          # True while the explorer sets its own controls

        # -- controls --
        self.model_menu = widgets.Dropdown(
            options=[(term(spec.title), k) for k, spec in MODELS.items()], value=key,
            description=tr("model", "模型"), layout=widgets.Layout(width="330px"))
        self.preset_menu = widgets.Dropdown(description=tr("cell type", "细胞类型"),
                                            layout=widgets.Layout(width="330px"))
        self.I_slider = GridSlider(continuous_update=True, layout=widgets.Layout(width="330px"))
        self.onset_slider = GridSlider(description=tr("onset (ms)", "开始 (ms)"), continuous_update=True,
                                       layout=widgets.Layout(width="330px"))
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self._param_box = widgets.VBox()
        self.status = widgets.HTML()
        self.readout = widgets.HTML()

        # -- figure: V on top, the second variable, the input current below --
        self.figure = Figure(figsize=(9, 5.6), dpi=80)
        self.view = FigureView(self.figure)
        self.ax_V, self.ax_second, self.ax_input = self.figure.subplots(
            3, 1, sharex=True, gridspec_kw={"height_ratios": (3, 1.6, 0.9)})
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.09, top=0.93, hspace=0.1)
        for ax in (self.ax_V, self.ax_second, self.ax_input):
            ax.grid(alpha=0.3)
        animate = self.view.animate
        self.V_line = animate(self.ax_V.plot([], [], color="black", lw=1.0)[0])
        self.spike_ticks = animate(self.ax_V.plot([], [], "|", color="tab:red", ms=8, mew=1.5)[0])
        self.second_line = animate(self.ax_second.plot([], [], color="tab:purple", lw=1.2)[0])
        self.input_line = animate(self.ax_input.plot([], [], color="tab:orange", lw=1.5)[0])
        # above the axes, right of the title: inside them it covered the spike ticks
        self.pattern_text = animate(self.ax_V.text(
            1.0, 1.015, "", transform=self.ax_V.transAxes, ha="right", va="bottom", fontsize=11,
            fontweight="bold"))
        self.no_second_text = self.ax_second.text(
            0.5, 0.5, tr("(no second variable)", "(无第二个变量)"), transform=self.ax_second.transAxes,
            ha="center", va="center", color="0.5")
        self.ax_input.set_xlabel("t (ms)")

        inputs = widgets.VBox([self.model_menu, self.preset_menu, self.I_slider,
                               self.onset_slider, self.readout, self.status])
        self.children = [widgets.HBox([inputs, self._param_box]), self.view.image]
        self.model_menu.observe(self._on_model, names="value")
        self.preset_menu.observe(self._on_preset, names="value")
        self.I_slider.observe(self._on_input, names="value")
        self.onset_slider.observe(self._on_input, names="value")
        self._set_model(preset=preset, I=I, onset=onset, params=params)

    # -- reading the controls --------------------------------------------------------------
    @property
    def spec(self) -> NeuronModel:
        return MODELS[self.model_menu.value]

    def _slider_value(self, name: str) -> float:
        """A slider's value, as the browser holds it (``GridSlider``)."""
        return float(self.sliders[name].value)

    # -- what the controls do ----------------------------------------------------------------
    def _on_model(self, change) -> None:
        if not self._quiet:
            self._set_model()

    def _on_preset(self, change) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        self._quiet = True
        try:
            for name, value in self.spec.presets[change["new"]].items():
                self.sliders[name].value = value
        finally:
            self._quiet = False
        self._update(full=False)

    def _on_parameter(self, change) -> None:
        if not self._quiet:
            self._match_preset()
            self._update(full=False)

    def _on_input(self, change) -> None:
        if not self._quiet:
            self._update(full=False)

    def _match_preset(self) -> None:
        """Show the preset whose values the sliders hold, or 'custom'."""
        if not self.spec.presets:
            return
        now = {n: self._slider_value(n) for n in self.sliders}
        name = next((p for p, vals in self.spec.presets.items()
                     if all(math.isclose(now[k], v) for k, v in vals.items())), CUSTOM)
        self._quiet = True
        try:
            self.preset_menu.value = name
        finally:
            self._quiet = False

    def set_values(self, **values: float) -> None:
        """Set several sliders at once, with one redraw: parameters by name,
        ``I`` (the step's amplitude) and ``onset`` (ms)."""
        targets = {**self.sliders, "I": self.I_slider, "onset": self.onset_slider}
        unknown = [n for n in values if n not in targets]
        if unknown:
            raise ValueError(f"{self.model_menu.value} has no slider named {unknown}; its "
                             f"sliders are {list(targets)}")
        for name, value in values.items():
            s = targets[name]
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise TypeError(f"{name} must be a number, got {value!r}")
            if not s.min <= value <= s.max:
                raise ValueError(f"{name} = {value} is outside its slider's range "
                                 f"[{s.min}, {s.max}] ({s.description})")
        self._quiet = True
        try:
            for name, value in values.items():
                targets[name].value = float(value)
        finally:
            self._quiet = False
        self._match_preset()
        self._update(full=False)

    # -- switching the model ------------------------------------------------------------------
    def _set_model(self, preset=None, I=None, onset=None, params=None) -> None:
        """Make the sliders of the chosen model and set its axes; then run and draw.
        The lines stay the same artists: only their data, the limits and labels change."""
        spec = self.spec
        params = dict(params or {})
        names = [p.name for p in spec.params]
        unknown = [n for n in params if n not in names]
        if unknown:
            raise ValueError(f"{self.model_menu.value} has no slider parameter {unknown}; "
                             f"its parameters are {names} (and I, onset for the input)")
        if preset is not None:
            if not spec.presets:
                raise ValueError(f"preset={preset!r}: only Izhikevich has presets "
                                 f"(models.CELL_TYPES); {self.model_menu.value} has none")
            if preset not in spec.presets:
                raise ValueError(f"unknown preset {preset!r}: write one of "
                                 f"{list(spec.presets)}")
            params = {**spec.presets[preset], **params}
        self._quiet = True
        try:
            self.sliders = {}
            for p in spec.params:
                value = params.get(p.name, spec.default(p.name))
                if not p.min <= value <= p.max:
                    raise ValueError(f"{p.name} = {value} is outside its slider's range "
                                     f"[{p.min}, {p.max}] ({p.label})")
                s = GridSlider(value=value, min=p.min, max=p.max, step=p.step,
                               description=p.label,
                               readout_format=f".{_decimals(p.step)}f",
                               continuous_update=True,   # a new value compiles nothing
                               style={"description_width": "110px"},
                               layout=widgets.Layout(width="360px"))
                s.observe(self._on_parameter, names="value")
                self.sliders[p.name] = s
            self._param_box.children = list(self.sliders.values())
            c = spec.current
            amp = spec.current_default if I is None else I
            start = spec.onset if onset is None else onset
            for name, value, lo, hi in (("I", amp, c.min, c.max),
                                        ("onset", start, 0.0, spec.duration / 2)):
                if not lo <= value <= hi:
                    raise ValueError(f"{name} = {value} is outside its slider's range "
                                     f"[{lo}, {hi}]")
            # one message per slider: the browser never sees the widened range
            s = self.I_slider
            with s.hold_sync():
                s.min, s.max = -1e9, 1e9    # widen first, so that no old bound clips the value
                s.min, s.max, s.step, s.value = c.min, c.max, c.step, amp
                s.description, s.readout_format = c.label, f".{_decimals(c.step)}f"
            s = self.onset_slider
            with s.hold_sync():
                s.min, s.max = -1e9, 1e9
                s.min, s.max, s.step, s.value = 0.0, spec.duration / 2, spec.dt * 10, start
            self.preset_menu.options = [(term(CUSTOM), CUSTOM)] + [(k, k) for k in spec.presets]
            self.preset_menu.layout.display = None if spec.presets else "none"
        finally:
            self._quiet = False
        self._match_preset()
        self._set_axes()
        self._update(full=True)

    def _set_axes(self) -> None:
        spec = self.spec
        self.ax_V.set_xlim(0.0, spec.duration)
        self.ax_V.set_ylim(*spec.v_lim)
        self.ax_V.set_ylabel(term(spec.v_label))
        self.ax_second.set_ylabel(term(spec.second_label))
        self.no_second_text.set_visible(spec.second is None)
        if spec.second is None:
            self.ax_second.set_ylim(0.0, 1.0)
        c = spec.current
        self.ax_input.set_ylim(c.min - 0.05 * (c.max - c.min), c.max * 1.05)
        self.ax_input.set_ylabel(c.label)
        # the time note goes with the time axis: the title's line holds the pattern on its right
        note = f"   ({term(spec.time_note)})" if spec.time_note else ""
        self.ax_input.set_xlabel(f"t (ms){note}")
        self.ax_V.set_title(term(spec.title), loc="left", fontsize=10)

    # -- running and drawing ---------------------------------------------------------------------
    def _neuron(self):
        """The model object of the chosen menu entry, made once and kept (its
        compiled program lives on it)."""
        key = self.model_menu.value
        if key not in self._neurons:
            spec = self.spec
            monitors = ["V", "spike"] + ([spec.second] if spec.second else [])
            self._neurons[key] = spec.cls(1, monitors=monitors, name=f"explorer_{key}")
        return self._neurons[key]

    def _simulate(self) -> None:
        spec = self.spec
        neuron = self._neuron()
        self.values = {n: self._slider_value(n) for n in self.sliders}
        for name, value in self.values.items():
            setattr(neuron, name, value)   # read by the compiled code when the run starts
        # Every run starts from the model's initial state for these parameters (a
        # fresh object knows it: Izhikevich starts u at b * V, for instance).
        fresh = spec.cls(1, **self.values)
        for attr, var in neuron.vars().items():
            var.value = fresh.vars()[attr].value
        onset, amp = float(self.onset_slider.value), float(self.I_slider.value)
        current = inputs.step(amp, spec.duration, spec.dt, onset=onset)   # on from onset
        before = neuron.compile_count
        with np.errstate(all="ignore"):
            neuron.run(spec.duration, inputs=("input", current, "iter"), dt=spec.dt)
        self.last_compiled = neuron.compile_count > before
        ts = neuron.mon.ts
        self.trace = {"t": ts, "V": neuron.mon.V[:, 0], "I": current}
        if spec.second:
            self.trace[spec.second] = getattr(neuron.mon, spec.second)[:, 0]
        spikes = measure.spike_times(ts, neuron.mon.spike[:, 0])
        spikes = spikes[spikes > onset]     # before the step: the initial state settling
        self.firing = Firing(spikes, spec.duration - onset, firing_pattern(spikes))

    def _update(self, full: bool) -> None:
        start = time.perf_counter()
        try:
            key = self.model_menu.value
            if key not in self._neurons:
                self.status.value = "<i>" + tr(f"compiling {key} (once per model; seconds, HH longer)...",
                                                f"正在编译 {key} (每个模型一次; 数秒, HH 更久)...") + "</i>"
            self._simulate()
            full = self._draw() or full
            if full:
                self.view.redraw_all()
            else:
                self.view.update()
            f = self.firing
            self.readout.value = tr(f"<b>{f.count}</b> spikes during the step, mean rate "
                                    f"<b>{f.rate:.1f} Hz</b>, pattern <b>{f.pattern}</b>",
                                    f"阶跃电流期间发放 <b>{f.count}</b> 次, 平均发放率 "
                                    f"<b>{f.rate:.1f} Hz</b>, 发放模式 <b>{term(f.pattern)}</b>")
            self.status.value = ""
            self.error = None
        except Exception as err:   # show it in the widget rather than in a log no one reads
            self.error = err
            self.status.value = (f"<span style='color:#b00'>{type(err).__name__}: "
                                 f"{html.escape(str(err))}</span>")
        self.last_update_seconds = time.perf_counter() - start

    def _draw(self) -> bool:
        """Put the new data into the lines; True when an axis had to be rescaled
        (then the still parts are drawn again)."""
        spec, traj = self.spec, self.trace
        every = max(1, len(traj["t"]) // MAX_POINTS)
        t = traj["t"][::every]
        self.V_line.set_data(t, np.clip(traj["V"][::every], *spec.v_lim))
        top = spec.v_lim[1] - 0.04 * (spec.v_lim[1] - spec.v_lim[0])
        self.spike_ticks.set_data(self.firing.spike_times,
                                  np.full(self.firing.count, top))
        # the input as steps: I(t) holds from the start of each step to its end
        t_in = np.concatenate([[0.0], spec.dt * np.arange(1, len(traj["I"]) + 1)])
        self.input_line.set_data(t_in, np.append(traj["I"], traj["I"][-1]))
        f = self.firing
        self.pattern_text.set_text(tr(f.summary(), f"发放 {f.count} 次, {f.rate:.1f} Hz: "
                                                   f"{term(f.pattern)}"))
        if spec.second is None:
            self.second_line.set_data([], [])
            return False
        y = traj[spec.second][::every]
        self.second_line.set_data(t, y)
        return self._rescale(y)

    def _rescale(self, y) -> bool:
        """Fit the second axis to the data when it leaves the limits or fills less
        than a third of them (a rescale redraws the ticks: ~60 ms)."""
        y = y[np.isfinite(y)]
        if not len(y):
            return False
        lo, hi = float(y.min()), float(y.max())
        span = max(hi - lo, 1e-6 * max(1.0, abs(hi)))
        a, b = self.ax_second.get_ylim()
        if lo >= a and hi <= b and span >= (b - a) / 3:
            return False
        self.ax_second.set_ylim(lo - 0.1 * span, hi + 0.1 * span)
        return True

    # -- for lessons and tests -----------------------------------------------------------------
    def summary(self) -> str:
        """The model, its parameters, the input and what the neuron did, as text."""
        pars = ", ".join(f"{n} = {v:g}" for n, v in self.values.items())
        return (f"{self.model_menu.value}: {pars}; step of I = {self.I_slider.value:g} from "
                f"t = {self.onset_slider.value:g} ms\n  {self.firing.summary()}")


def neuron_explorer(model: str = "Izhikevich", preset: str | None = None,
                    I: float | None = None, onset: float | None = None,
                    **params: float) -> NeuronExplorer:
    """Explore how a neuron model's parameters shape its firing pattern.

    Parameters
    ----------
    model : a name of ``MODELS``: 'LIF', 'QuaIF', 'ExpIF', 'AdExIF',
        'Izhikevich', 'HH', 'MorrisLecar', 'HindmarshRose', 'FitzHughNagumo'
        (the classes of ``braindyn.models``; the menu switches later)
    preset : for Izhikevich, a cell class of ``models.CELL_TYPES`` ('RS',
        'IB', 'CH', 'FS', 'LTS', 'TC', 'RZ')
    I : the step current's amplitude (the model's input units, e.g. nA for
        the integrate-and-fire models, uA/cm^2 for HH and Morris-Lecar)
    onset : when the step starts (ms); it lasts to the end of the run
    **params : starting values of the model's sliders, e.g. ``tau=10.0`` for
        LIF (the others start at the class's defaults)

    Returns the widget (an ``ipywidgets.VBox``); leave it as the last line of
    a cell to show it.  Its controls are attributes (``ex.sliders['d'].value
    = 2.0``, ``ex.set_values(I=5.0, onset=100.0)``) and so are its results
    (``ex.firing.pattern``, ``ex.firing.rate``, ``ex.firing.count``).
    """
    return NeuronExplorer(model, preset, I, onset, **params)
