"""braindyn.widgets: drive the integrator lab by setting control values, then
check what it holds (curves, numbers, picture); check the convergence slopes.

The Hodgkin-Huxley lab compiles three methods (about 5 s), once per test
session: the tests that use it are marked slow.
"""
import warnings

import numpy as np
import pytest

from braindyn.widgets import (PROBLEMS, convergence_data, convergence_plot, crossing_times,
                              evaluations_per_step, fitted_order, get_problem, integrator_lab,
                              run_method)
from braindyn.widgets.problems import hh_reference as computed_hh_reference
from support import _restore_backend, hh_reference  # noqa: F401


# -- the problems and their solutions -----------------------------------------------

@pytest.mark.parametrize("name", ["decay_sine", "damped_oscillator"])
def test_exact_solutions_solve_their_equations(name):
    """The closed forms start at y0 and their derivative is f (central differences)."""
    p = get_problem(name)
    ts = np.linspace(*p.t_span, 401)
    h = 1e-5
    exact = p.reference().evaluate
    slope = (exact(ts + h) - exact(ts - h)) / (2 * h)
    f = np.stack(p.f(*exact(ts).T, ts, *p.params()), axis=-1).reshape(slope.shape)
    np.testing.assert_allclose(exact(np.array([p.t_span[0]]))[0], p.y0, atol=1e-14)
    np.testing.assert_allclose(slope, f, atol=1e-8,
                               err_msg=f"the closed form of {name} does not solve its ODE")


def test_computed_hh_reference_agrees_with_the_shared_one():
    ours = computed_hh_reference(10.0)
    shared = hh_reference()
    want = np.asarray(shared["spike_times_ms"])
    assert len(ours.spike_times) == len(want)
    assert np.max(np.abs(ours.spike_times - want)) < 1e-6, \
        "the widgets' HH reference (scipy DOP853) moved away from tests/data/hh_reference.json"
    grid = np.arange(len(shared["V_grid"])) * shared["grid_dt"]
    assert np.max(np.abs(ours.evaluate(grid)[:, 0] - shared["V_grid"])) < 1e-4


def test_unknown_problem_lists_the_valid_ones():
    with pytest.raises(ValueError, match="decay_sine"):
        get_problem("lorenz")


# -- measuring one run ------------------------------------------------------------------

@pytest.mark.parametrize("method, stages", [("euler", 1), ("midpoint", 2), ("rk4", 4),
                                            ("rkdp", 7)])
def test_runge_kutta_methods_call_f_once_per_stage(method, stages):
    assert evaluations_per_step("decay_sine", method) == stages


def test_exponential_euler_counts_its_real_evaluations():
    # the coefficients A come from the differentiated code (f_linear, not a call of f);
    # each equation linear in its variable costs one call of f for B, its value at x = 0
    # (exponential.py, linear_part.py): one variable, one call; HH's four, four
    assert evaluations_per_step("decay_sine", "exponential_euler") == 1
    assert evaluations_per_step("hh", "exponential_euler") == 4


def test_hermite_crossings_beat_straight_lines():
    ts = np.arange(0.0, 13.0, 0.1)
    v = np.sin(ts)
    want = np.array([np.pi / 6, np.pi / 6 + 2 * np.pi])     # sin t = 1/2, rising
    line = crossing_times(ts, v, 0.5)
    cubic = crossing_times(ts, v, 0.5, slopes_at=lambda i: np.cos(ts[i]))
    assert np.max(np.abs(line - want)) > 1e-4
    assert np.max(np.abs(cubic - want)) < 1e-6


def test_euler_blowing_up_is_reported_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # any overflow warning fails the test
        run = run_method("hh", "euler", 0.2, jit=False)
    assert run.diverged and run.t_diverged == pytest.approx(0.6)
    assert np.all(np.isfinite(run.ys)), "the trace must be cut before the blow-up"
    assert run.max_error == np.inf and run.spike_times is None
    assert "diverged at t = 0.6" in run.summary()


def test_damped_oscillator_euler_spirals_out_rk4_does_not():
    assert run_method("damped_oscillator", "euler", 0.3).diverged
    rk4 = run_method("damped_oscillator", "rk4", 0.3)
    assert not rk4.diverged and rk4.max_error < 0.05


# -- convergence --------------------------------------------------------------------------

def test_fitted_order_ignores_round_off_and_blow_ups():
    dts = np.array([0.4, 0.2, 0.1, 0.05, 0.025])
    errors = 3.0 * dts ** 2
    errors[0] = np.nan           # a run that diverged
    errors[-1] = 1e-15           # rounding noise
    assert fitted_order(dts, errors) == pytest.approx(2.0)
    assert np.isnan(fitted_order(dts[:2], [np.nan, 1.0]))


def test_convergence_slopes_match_the_declared_orders():
    result = convergence_data("decay_sine", ["euler", "midpoint", "rk3", "rk4",
                                             "exponential_euler"])
    for method, order in [("euler", 1), ("midpoint", 2), ("rk3", 3), ("rk4", 4),
                          ("exponential_euler", 1)]:
        assert result.slopes[method] == pytest.approx(order, abs=0.15), \
            f"{method}: slope {result.slopes[method]:.2f}, declared order {order}"


def test_convergence_plot_puts_the_slopes_in_the_legend():
    import matplotlib.pyplot as plt
    result = convergence_plot("damped_oscillator", ["euler", "rk4"])
    try:
        labels = [t.get_text() for t in result.ax.get_legend().get_texts()]
        assert labels[0].startswith("euler (order 1): slope 1.0")
        assert labels[1].startswith("rk4 (order 4): slope 4.0")
        assert result.ax.get_xscale() == result.ax.get_yscale() == "log"
        assert "fitted slope" in repr(result)
    finally:
        plt.close(result.figure)


@pytest.mark.slow
def test_spike_times_converge_at_the_declared_order_on_hh():
    result = convergence_data("hh", ["midpoint", "rk4"], dts=[0.02, 0.01, 0.005, 0.0025],
                              error="spike_time")
    assert result.slopes["midpoint"] == pytest.approx(2, abs=0.2)
    assert result.slopes["rk4"] == pytest.approx(4, abs=0.3)


# -- the integrator lab ---------------------------------------------------------------------

def test_lab_on_a_test_ode_follows_its_sliders():
    lab = integrator_lab("damped_oscillator", methods=["euler", "rk4"], dt=0.05)
    assert lab.error is None
    assert lab.input_slider.disabled, "the damped oscillator has no input to change"
    x_before = lab.lines["euler"].get_ydata().copy()
    picture = lab.view.image.value
    background = lab.view._background

    lab.dt_slider.value = 0.3
    assert lab.runs["euler"].dt == 0.3
    assert lab.runs["euler"].diverged and not lab.runs["rk4"].diverged
    assert lab.blowup_markers["euler"].get_visible()
    assert "euler: diverged" in lab.blowup_text.get_text()
    assert "diverged at t" in lab.table.value
    assert not np.array_equal(lab.lines["euler"].get_ydata(), x_before)
    assert lab.view.image.value != picture and lab.view.image.value[:4] == b"\x89PNG"
    assert lab.view._background is background, "a dt change must not redraw the axes"

    lab.method_menu.value = ("rk4", "midpoint")
    assert set(lab.runs) == {"rk4", "midpoint"}
    assert not lab.lines["euler"].get_visible() and lab.lines["midpoint"].get_visible()
    legend = [t.get_text() for t in lab._legend.get_texts()]
    assert legend == ["reference", "rk4", "midpoint"]


def test_lab_input_slider_changes_the_reference():
    lab = integrator_lab("decay_sine", methods=["rk4"], dt=0.1)
    reference_before = lab.reference_line.get_ydata().copy()
    lab.input_slider.value = 2.0
    assert not np.allclose(lab.reference_line.get_ydata(), reference_before)
    assert lab.runs["rk4"].max_error < 1e-5   # compared with the new reference


def test_lab_menus_come_from_the_method_registry():
    import braindyn as bp
    lab = integrator_lab("decay_sine", methods=["rk4"], dt=0.1)
    assert [v for _, v in lab.method_menu.options] == [m.name for m in bp.integrators.methods()]
    assert set(v for _, v in lab.problem_menu.options) == set(PROBLEMS)


@pytest.fixture(scope="module")
def hh_lab():
    """The lab as a lesson opens it: HH, Euler, RK4 and exponential Euler at dt = 0.01."""
    return integrator_lab("hh", methods=["euler", "rk4", "exponential_euler"], dt=0.01)


@pytest.mark.slow
def test_hh_lab_rk4_at_dt_0_01_matches_the_reference_spikes(hh_lab):
    hh_lab.dt_slider.value = 0.01
    rk4 = hh_lab.runs["rk4"]
    assert len(rk4.spike_times) == rk4.n_spikes_reference == 8
    assert rk4.spike_time_error < 1e-3, f"RK4 spike times off by {rk4.spike_time_error} ms"
    assert rk4.steps == 10_000 and rk4.evaluations == 40_000


@pytest.mark.slow
def test_hh_lab_shows_the_classic_lessons_at_dt_0_2(hh_lab):
    hh_lab.dt_slider.value = 0.2
    runs = hh_lab.runs
    assert hh_lab.error is None
    assert runs["euler"].diverged, "Euler at dt = 0.2 ms should blow up on HH"
    assert not runs["exponential_euler"].diverged
    assert np.all(np.isfinite(runs["exponential_euler"].ys))
    assert len(runs["exponential_euler"].spike_times) >= 6, "exp. Euler should keep spiking"
    assert "euler: diverged at t = 0.6" in hh_lab.blowup_text.get_text()
    # RK4 holds at a dt where Euler has already gone wrong
    hh_lab.dt_slider.value = 0.05
    assert not hh_lab.runs["rk4"].diverged and hh_lab.runs["rk4"].spike_time_error < 0.01
    assert len(hh_lab.runs["euler"].spike_times) != 8   # Euler: a spurious spike


@pytest.mark.slow
def test_hh_lab_moves_dt_without_compiling_or_redrawing_the_axes(hh_lab):
    """What keeps a dt move fast, counted rather than timed (the time is measured by
    benchmarks/bench_widgets.py): after the first display nothing is compiled (Numba's
    compile events), and only the curves are drawn again (the axes' bitmap is kept)."""
    from numba.core import event

    hh_lab.dt_slider.value = 0.01
    background = hh_lab.view._background
    with event.install_recorder("numba:compile") as compiles:
        for dt in [0.012, 0.008, 0.015, 0.006, 0.01]:
            hh_lab.dt_slider.value = dt
            assert hh_lab.error is None
            assert {run.dt for run in hh_lab.runs.values()} == {dt}
    assert compiles.buffer == [], f"a dt change compiled {len(compiles.buffer) // 2} function(s)"
    assert hh_lab.view._background is background, "a dt change redrew the axes"
