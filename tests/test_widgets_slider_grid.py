"""Every explorer's sliders hold values that the browser shows, and sends back, unchanged.

A FloatSlider in the browser snaps a value to its step grid in floating-point
percentages and sends the result back when it differs (widgets/slider_grid.py);
tests/test_browser_lesson09.py watches it happen in a real page.  Here, without
a browser: each slider of every explorer, for every model and preset, starts on
its grid (to 1e-12), its readout reads back as the same number, and the
browser's arithmetic (``browser_value``) gives the same number back.  The
explorers' updates are switched off: only their sliders are built, nothing is
compiled.
"""
import math

import pytest

from braindyn.widgets import integrator_lab, neuron_explorer, phase_plane_explorer
from braindyn.widgets.integrator_lab import DT_CHOICES, IntegratorLab
from braindyn.widgets.neuron_explorer import MODELS as NEURON_MODELS
from braindyn.widgets.neuron_explorer import NeuronExplorer
from braindyn.widgets.phase_plane_explorer import MODELS as PLANE_MODELS
from braindyn.widgets.phase_plane_explorer import MORRIS_LECAR_CLASS_2, PhasePlaneExplorer
from braindyn.widgets.problems import PROBLEMS
from braindyn.widgets.slider_grid import GridSlider, browser_value, grid_problems


@pytest.fixture
def no_updates(monkeypatch):
    """Build the explorers' controls only: no analysis, simulation or drawing."""
    monkeypatch.setattr(PhasePlaneExplorer, "_update", lambda self, *a, **k: None)
    monkeypatch.setattr(NeuronExplorer, "_update", lambda self, *a, **k: None)
    monkeypatch.setattr(IntegratorLab, "_update", lambda self, *a, **k: None)
    monkeypatch.setattr(IntegratorLab, "_set_reference", lambda self: None)


def assert_on_grid(sliders, where):
    problems = [p for s in sliders for p in grid_problems(s)]
    assert not problems, f"{where}: " + "; ".join(problems)


def test_browser_value_is_what_the_browser_sent_back():
    # Measured in JupyterLab (lesson 9 after Run All, before the ranges were changed):
    # the values the kernel received back from the browser.
    assert browser_value(0.8, 0.1, 2.0, 0.01) == 0.7999999999999998
    assert browser_value(0.0, -0.1, 0.8, 0.001) == 1.3877787807814457e-17
    assert browser_value(80.0, 0.0, 150.0, 0.5) == 79.99999999999999
    assert browser_value(2.0, 0.0, 15.0, 0.1) == 1.9999999999999998
    assert browser_value(1 / 15, 0.02, 0.1, 0.001) == 0.067
    # and the ones it left alone
    for value, lo, hi, step in [(12.5, 1.0, 30.0, 0.5), (0.7, 0.0, 1.5, 0.01),
                                (-2.0, -2.5, 2.5, 0.01), (17.4, 10.0, 35.0, 0.1)]:
        assert browser_value(value, lo, hi, step) == value
    # the ends, and values beyond them
    assert browser_value(2.0, 0.1, 2.0, 0.01) == 2.0 and browser_value(9.0, 0.1, 2.0, 0.01) == 2.0
    assert browser_value(-1.0, 0.1, 2.0, 0.01) == 0.1


@pytest.mark.parametrize("model", sorted(PLANE_MODELS))
def test_phase_plane_sliders_start_on_their_grids(no_updates, model):
    ex = phase_plane_explorer(model)
    assert_on_grid([*ex.sliders.values(), ex.x0_slider, ex.y0_slider], model)
    for name, (lo, hi, step, value) in PLANE_MODELS[model].params.items():
        assert ex.sliders[name].value == value, "the default is not the slider's value"


@pytest.mark.parametrize("values", [
    {**MORRIS_LECAR_CLASS_2, "I": 80.0},      # lesson 9, cell 23
    {"I": 90.0}, {"I": 100.0}, {"I": 41.0}, {"I": 60.0},   # lesson 9 and the tests
    {"I": 30.0, "gCa": 4.0, "V3": 12.0, "V4": 17.4, "phi": 0.067, "x0": -60.0, "y0": 0.0},
])
def test_the_values_lesson_9_sets_are_on_the_grids(no_updates, values):
    ex = phase_plane_explorer("morris_lecar")
    ex.set_values(**values)
    assert_on_grid([*ex.sliders.values(), ex.x0_slider, ex.y0_slider], values)
    for name, value in values.items():
        slider = {"x0": ex.x0_slider, "y0": ex.y0_slider}.get(name) or ex.sliders[name]
        assert slider.value == value


def test_fhn_values_of_lesson_9_are_on_the_grids(no_updates):
    ex = phase_plane_explorer("fhn")
    for I in [0.0, 0.3, 0.4, 0.5, 1.0, 1.5]:
        ex.set_values(I=I, x0=-2.0, y0=-0.5)
        assert_on_grid([*ex.sliders.values(), ex.x0_slider, ex.y0_slider], f"I = {I}")


def test_an_off_grid_value_becomes_the_browsers_value(no_updates):
    """A default the slider cannot hold (1/15) is replaced from the start by the
    value the browser would send back, so no echo can change it later."""
    def ml(V, w, t, I, phi=1 / 15):
        return -V + I, phi * (V - w)

    ex = phase_plane_explorer(ml, params={"I": (0.0, 1.0, 0.01), "phi": (0.02, 0.1, 0.001)},
                              target_vars={"V": (-1.0, 1.0), "w": (-1.0, 1.0)})
    assert ex.sliders["phi"].value == 0.067
    ex.set_values(phi=0.0401)
    assert ex.sliders["phi"].value == 0.04
    ex.sliders["I"].value = 0.123456
    assert ex.sliders["I"].value == 0.12


def test_a_grid_slider_keeps_the_browsers_value_as_it_is():
    """What the browser sends is stored unchanged (nothing to send back), even where it
    is a rounding error off the decimal grid point."""
    s = GridSlider(min=0.1, max=2.0, step=0.01, value=0.8)
    assert s.value == 0.7999999999999998        # the browser's value of 0.8 there
    for k in range(0, 191):
        shown = browser_value(0.1 + k * 0.01, 0.1, 2.0, 0.01)
        s.value = shown
        assert s.value == shown and browser_value(shown, 0.1, 2.0, 0.01) == shown


@pytest.mark.parametrize("model", list(NEURON_MODELS))
def test_neuron_explorer_sliders_start_on_their_grids(no_updates, model):
    ex = neuron_explorer(model)
    assert_on_grid([*ex.sliders.values(), ex.I_slider, ex.onset_slider], model)
    spec = NEURON_MODELS[model]
    for p in spec.params:
        assert ex.sliders[p.name].value == spec.default(p.name)
    assert ex.I_slider.value == spec.current_default and ex.onset_slider.value == spec.onset


@pytest.mark.parametrize("preset", list(NEURON_MODELS["Izhikevich"].presets))
def test_neuron_explorer_presets_are_on_the_grids(no_updates, preset):
    ex = neuron_explorer("Izhikevich", preset=preset)
    assert_on_grid(ex.sliders.values(), preset)
    for name, value in NEURON_MODELS["Izhikevich"].presets[preset].items():
        assert ex.sliders[name].value == value
    assert ex.preset_menu.value == preset


def test_switching_models_keeps_the_input_sliders_on_their_grids(no_updates):
    ex = neuron_explorer("LIF")
    for key in NEURON_MODELS:
        ex.model_menu.value = key
        assert_on_grid([*ex.sliders.values(), ex.I_slider, ex.onset_slider], key)
        assert ex.I_slider.value == NEURON_MODELS[key].current_default


@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_integrator_lab_sliders_start_on_their_grids(no_updates, problem):
    lab = integrator_lab(problem, methods=["rk4"], dt=0.01)
    if PROBLEMS[problem].input is not None:
        assert_on_grid([lab.input_slider], problem)
        assert lab.input_slider.value == PROBLEMS[problem].input.default
    assert lab.dt_slider.value == 0.01


def test_the_dt_slider_offers_round_values(no_updates):
    lab = integrator_lab("decay_sine", methods=["rk4"], dt=0.2)
    assert lab.dt_slider.value == 0.2
    assert [value for _, value in lab.dt_slider.options] == list(DT_CHOICES)
    for label, value in lab.dt_slider.options:
        assert float(label) == value and value == float(f"{value:.4g}")
    assert {0.001, 0.01, 0.05, 0.2, 0.3, 0.5} <= set(DT_CHOICES)
    ratios = [b / a for a, b in zip(DT_CHOICES, DT_CHOICES[1:])]
    assert max(ratios) <= 1.34 and math.isclose(DT_CHOICES[-1], 0.5)
    with pytest.raises(ValueError, match="0.0012"):
        integrator_lab("decay_sine", dt=0.011)


@pytest.mark.parametrize("preset", ["depression", "facilitation"])
def test_stp_explorer_presets_are_on_the_grids(preset):
    """Lesson 10's presets (models.STP_DEPRESSION, STP_FACILITATION) at 20 Hz are grid points
    the browser gives back unchanged: the kernel holds exactly the preset."""
    from braindyn.widgets.stp_explorer import PRESETS, stp_explorer
    ex = stp_explorer(**PRESETS[preset], rate=20.0)
    assert_on_grid(ex.sliders.values(), preset)
    assert {n: s.value for n, s in ex.sliders.items()} == {**PRESETS[preset], "rate": 20.0}


def test_stdp_explorer_defaults_are_on_the_grids():
    from braindyn.widgets.stdp_explorer import stdp_defaults, stdp_explorer
    ex = stdp_explorer()
    assert_on_grid(ex.sliders.values(), "STDP")
    assert {n: ex.sliders[n].value for n in stdp_defaults()} == stdp_defaults()
