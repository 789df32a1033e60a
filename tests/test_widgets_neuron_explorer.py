"""The neuron-model explorer: set slider values from code, then check what it drew.

References that do not come from the explorer: the closed-form LIF rate
(Gerstner et al., *Neuronal Dynamics* (2014), ch. 1.3), the resting
potential of Izhikevich's model (a root of its quadratic), the firing
classes of Izhikevich (2003), Fig. 2, and spike trains built by hand for the
pattern rule.  Each model compiles once (seconds); parameter values are read by the
compiled code at each run, so one explorer per model is shared by the tests of this
module and nothing compiles after its first display.
"""
import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from braindyn.models import CELL_TYPES
from braindyn.widgets import firing_pattern, neuron_explorer
from braindyn.widgets.neuron_explorer import MODELS

LIF_V_REST, LIF_V_RESET, LIF_V_TH = -70.0, -65.0, -50.0   # mV, the LIF defaults
LIF_R, LIF_TAU, LIF_T_REF = 10.0, 8.0, 2.0                 # MOhm, ms, ms


def lif_interval(I, R=LIF_R, tau=LIF_TAU, t_ref=LIF_T_REF):
    """Closed-form inter-spike interval (ms) of the LIF neuron at constant input I (nA)."""
    return t_ref + tau * math.log((R * I + LIF_V_REST - LIF_V_RESET) /
                                  (R * I + LIF_V_REST - LIF_V_TH))


def shown_rate(ex) -> float:
    """The rate the figure shows (the text in the corner of the V axis)."""
    match = re.search(r"([\d.]+) Hz", ex.pattern_text.get_text())
    assert match, f"no rate in the figure's text {ex.pattern_text.get_text()!r}"
    return float(match.group(1))


@pytest.fixture(scope="module")
def izh():
    ex = neuron_explorer("Izhikevich")
    assert ex.error is None, ex.error
    return ex


@pytest.fixture(scope="module")
def lif():
    ex = neuron_explorer("LIF")
    assert ex.error is None, ex.error
    return ex


# -- LIF against its closed form --------------------------------------------------------

@pytest.mark.parametrize("I", [2.5, 4.0, 8.0])
def test_lif_rate_is_the_closed_form_f_I_rate(lif, I):
    lif.set_values(I=I, tau=LIF_TAU, t_ref=LIF_T_REF, R=LIF_R, V_th=LIF_V_TH,
                   V_reset=LIF_V_RESET)
    assert lif.error is None, lif.error
    T = lif_interval(I)
    dt = MODELS["LIF"].dt
    # On the grid a spike is seen at the end of its step and the reset holds for
    # t_ref / dt steps, so each interval is T rounded up to whole steps: [T, T + dt).
    isi = 1000.0 / lif.firing.rate
    assert T - 1e-9 <= isi < T + dt + 1e-9, (
        f"LIF at I = {I} nA: interval {isi:.4f} ms, closed form {T:.4f} ms (dt = {dt})")
    assert abs(shown_rate(lif) - 1000.0 / T) <= 1000.0 / T - 1000.0 / (T + dt) + 0.05, \
        "the rate written on the figure is not the closed-form rate"
    assert lif.firing.pattern == "regular"
    # the figure: V stays below threshold (reset at V_th), one tick per spike
    t, V = lif.V_line.get_data()
    assert V.max() < LIF_V_TH and V.min() >= LIF_V_REST - 1e-9
    assert len(lif.spike_ticks.get_xdata()) == lif.firing.count


def test_lif_parameter_change_compiles_nothing_and_follows_the_closed_form(lif):
    lif.set_values(I=4.0, tau=LIF_TAU, t_ref=LIF_T_REF)
    before = lif._neuron().compile_count
    lif.set_values(tau=15.0, t_ref=5.0)
    assert lif.error is None, lif.error
    # parameters are run-time values of the compiled code: a new one compiles nothing
    assert lif._neuron().compile_count == before and not lif.last_compiled
    assert all(s.continuous_update for s in lif.sliders.values()), \
        "parameter sliders must update while dragged"
    T = lif_interval(4.0, tau=15.0, t_ref=5.0)
    assert T - 1e-9 <= 1000.0 / lif.firing.rate < T + MODELS["LIF"].dt + 1e-9


def test_lif_below_rheobase_is_silent(lif):
    # R I = 19 mV < V_th - V_rest = 20 mV: V settles below threshold
    lif.set_values(I=1.9, tau=LIF_TAU, t_ref=LIF_T_REF, R=LIF_R)
    assert lif.firing.count == 0 and lif.firing.pattern == "silent"
    assert "silent" in lif.pattern_text.get_text()
    t, V = lif.V_line.get_data()
    assert V[-1] == pytest.approx(LIF_V_REST + LIF_R * 1.9, abs=1e-3)


# -- Izhikevich's cell classes ------------------------------------------------------------

@pytest.mark.parametrize("preset, patterns", [
    ("RS", {"adapting", "regular"}),     # regular spiking: tonic with adaptation
    ("IB", {"initial burst"}),           # intrinsically bursting: a burst, then single spikes
    ("CH", {"bursting"}),                # chattering: repeated bursts
])
def test_izhikevich_presets_fire_as_in_the_paper(izh, preset, patterns):
    izh.set_values(I=10.0, onset=50.0)   # the step of the paper's Fig. 2
    izh.preset_menu.value = preset
    assert izh.error is None, izh.error
    assert izh.values == pytest.approx(CELL_TYPES[preset]), "the preset did not set the sliders"
    assert izh.firing.pattern in patterns, (
        f"{preset}: intervals {np.round(izh.firing.isis[:8], 1)} labelled "
        f"{izh.firing.pattern!r}, expected {patterns} (Izhikevich 2003, Fig. 2)")
    assert izh.firing.pattern in izh.pattern_text.get_text()


def test_moving_a_slider_off_a_preset_shows_custom(izh):
    izh.preset_menu.value = "RS"
    izh.set_values(d=2.0)
    assert izh.preset_menu.value == "custom"
    izh.set_values(c=-50.0)          # a = 0.02, b = 0.2, c = -50, d = 2: the CH cell
    assert izh.preset_menu.value == "CH"


def test_zero_input_is_silent_and_rests_at_the_stable_root(izh):
    izh.preset_menu.value = "RS"
    izh.set_values(I=0.0)
    assert izh.firing.count == 0 and izh.firing.pattern == "silent"
    # rest: 0.04 V^2 + 5 V + 140 - b V = 0, the lower (stable) root
    b = CELL_TYPES["RS"]["b"]
    V_rest = min(np.roots([0.04, 5.0 - b, 140.0]).real)
    t, V = izh.V_line.get_data()
    assert V[-1] == pytest.approx(V_rest, abs=0.05)
    t, u = izh.second_line.get_data()
    assert u[-1] == pytest.approx(b * V_rest, abs=0.05), "u is not drawn on the second axis"
    lo, hi = izh.ax_second.get_ylim()
    assert lo <= u.min() and u.max() <= hi


def test_input_change_does_not_recompile_and_redraws(izh):
    izh.preset_menu.value = "RS"
    izh.set_values(I=10.0, onset=50.0)
    picture, spikes = izh.view.image.value, izh.firing.count
    before = izh._neuron().compile_count
    izh.set_values(I=15.0, onset=120.0)
    izh.I_slider.value = 14.0                # as a student's drag does
    assert izh._neuron().compile_count == before, "an input change must reuse the program"
    assert not izh.last_compiled and izh.error is None
    assert izh.view.image.value != picture and izh.view.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert izh.firing.count != spikes
    assert izh.firing.spike_times.min() > 120.0
    t, I = izh.input_line.get_data()
    assert np.all(I[t < 120.0 - 1e-9] == 0.0) and np.all(I[t > 120.0 + 1e-9] == 14.0), \
        "the input axis does not show the step"


def test_parameter_change_changes_the_firing(izh):
    izh.set_values(I=10.0, onset=50.0, **CELL_TYPES["RS"])
    slow = izh.firing.rate
    izh.set_values(d=2.0)        # less spike-triggered recovery: faster firing
    assert izh.error is None and izh.firing.rate > 1.5 * slow


# -- switching the model ------------------------------------------------------------------------

def test_switching_the_model_replaces_lines_without_new_figures(izh):
    plt.close("all")
    figure, lines = izh.figure, {ax: list(ax.lines) for ax in izh.figure.axes}
    izh.model_menu.value = "LIF"
    assert izh.error is None, izh.error
    assert plt.get_fignums() == [] and izh.figure is figure
    assert {ax: list(ax.lines) for ax in izh.figure.axes} == lines, \
        "switching the model must reuse the lines, not add new ones"
    assert list(izh.sliders) == [p.name for p in MODELS["LIF"].params]
    assert izh.preset_menu.layout.display == "none"
    t, V = izh.V_line.get_data()
    assert V.max() < LIF_V_TH, "the V line does not hold the LIF trace"
    assert len(izh.second_line.get_xdata()) == 0      # LIF has no second variable
    assert izh.ax_V.get_ylim() == MODELS["LIF"].v_lim
    izh.model_menu.value = "Izhikevich"
    assert izh.preset_menu.layout.display is None and "RS" in [v for _, v in izh.preset_menu.options]
    assert V.max() < izh.V_line.get_ydata().max()


def test_adex_default_adapts_and_draws_w():
    ex = neuron_explorer("AdExIF")
    assert ex.error is None, ex.error
    # Brette & Gerstner (2005): spike-frequency adaptation at a 1 nA step
    assert ex.firing.pattern == "adapting"
    assert ex.firing.isis[-1] > 2 * ex.firing.isis[0]
    t, w = ex.second_line.get_data()
    assert w.max() > 0.1, "w should grow by b = 0.08 nA at each spike"
    lo, hi = ex.ax_second.get_ylim()
    assert lo <= w.min() and w.max() <= hi


# -- the pattern rule on spike trains built by hand ----------------------------------------------

def test_pattern_rule_on_known_spike_trains():
    assert firing_pattern([]) == "silent"
    assert firing_pattern([10.0, 20.0]) == "few spikes"
    assert firing_pattern(np.arange(10) * 20.0) == "regular"
    assert firing_pattern(np.cumsum(10.0 * 1.1 ** np.arange(12))) == "adapting"
    bursts = np.concatenate([start + 3.0 * np.arange(4) for start in (0, 60, 120, 180)])
    assert firing_pattern(bursts) == "bursting"
    assert firing_pattern(np.concatenate([[0, 2, 4.5], 30 + 25 * np.arange(8)])) == \
        "initial burst"
    # one long first interval, then tonic (a latency): not a burst
    assert firing_pattern(np.concatenate([[0], 30 + 5.0 * np.arange(10)])) == "regular"


# -- bad arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    (dict(model="izhikevic"), "did you mean 'Izhikevich'"),
    (dict(model="lorenz"), "write one of"),
    (dict(model="LIF", d=2.0), "its parameters are"),
    (dict(model="LIF", I=1000.0), "outside its slider's range"),
    (dict(model="LIF", tau=0.0), "outside its slider's range"),
    (dict(model="LIF", preset="RS"), "only Izhikevich"),
    (dict(model="Izhikevich", preset="XX"), "write one of"),
])
def test_bad_arguments_say_what_to_write(kwargs, match):
    with pytest.raises(ValueError, match=match):
        neuron_explorer(**kwargs)


def test_set_values_checks_names_and_ranges(izh):
    izh.model_menu.value = "Izhikevich"
    with pytest.raises(ValueError, match="sliders are"):
        izh.set_values(tau=1.0)
    with pytest.raises(ValueError, match=r"outside its slider's range \[0.0, 40.0\]"):
        izh.set_values(I=100.0)
    with pytest.raises(TypeError, match="must be a number"):
        izh.set_values(I="big")


# -- Hodgkin-Huxley (compiling it takes tens of seconds) -------------------------------------------

@pytest.mark.slow
def test_hh_fires_regularly_at_the_rate_of_the_reference():
    from support import hh_reference
    reference = np.diff(hh_reference()["spike_times_ms"])[-3:].mean()   # I = 10 uA/cm^2
    ex = neuron_explorer("HH", I=10.0)
    assert ex.error is None, ex.error
    assert ex.firing.pattern == "regular"
    # exponential Euler (first order) at dt = 0.05 ms: the steady interval within 3 %
    # of the reference's (scipy DOP853 at tight tolerance)
    assert ex.firing.isis[-3:].mean() == pytest.approx(reference, rel=0.03)
    ex.set_values(I=0.0)
    assert ex.firing.pattern == "silent"
