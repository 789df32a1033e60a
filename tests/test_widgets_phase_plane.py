"""The phase-plane explorer: set slider values from code, then check what it drew.

FitzHugh-Nagumo has one fixed point whose V is a root of a cubic, so the
explorer's fixed point, its marker and its stability can be checked against
the algebra; Morris-Lecar checks the class I / class II pictures of lesson 9.
Each explorer compiles its trajectory once (about a second), so the explorers
are made once per module.
"""
import numpy as np
import pytest

from braindyn.widgets import phase_plane_explorer
from braindyn.widgets.phase_plane_explorer import MORRIS_LECAR_CLASS_2, STYLES

A, B, TAU = 0.7, 0.8, 12.5      # FitzHugh-Nagumo defaults
HOPF_I = (0.3313, 1.4187)       # its Hopf points: tr J = 0 at V* = +-sqrt(1 - b / tau)


def fhn_fixed_point(I, a=A, b=B):
    """The real root V of V - V^3/3 - (V + a)/b + I = 0, and w = (V + a)/b."""
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / b, I - a / b])
    V = roots[np.abs(roots.imag) < 1e-9].real
    assert V.size == 1, "with b < 1 the FitzHugh-Nagumo cubic has one real root"
    return V[0], (V[0] + a) / b


@pytest.fixture(scope="module")
def fhn():
    return phase_plane_explorer("fhn")


@pytest.fixture(scope="module")
def ml():
    return phase_plane_explorer("morris_lecar")


def marker_points(ex):
    """(stability class, x, y) of every fixed point the figure shows."""
    out = []
    for kind, line in ex.fixed_point_markers.items():
        for x, y in zip(*line.get_data()):
            out.append((kind, x, y))
    return out


@pytest.mark.parametrize("I", [0.0, 0.2, 0.5, 1.0, 1.6])
def test_fhn_fixed_point_is_the_root_of_the_cubic(fhn, I):
    fhn.set_values(I=I, a=A, b=B, tau=TAU)
    assert fhn.error is None, fhn.error
    V, w = fhn_fixed_point(I)
    assert len(fhn.fixed_points) == 1
    fp = fhn.fixed_points[0]
    assert fp["V"] == pytest.approx(V, abs=1e-8) and fp["w"] == pytest.approx(w, abs=1e-8)
    # stable iff tr J = 1 - V^2 - b/tau < 0 (det J > 0 always here)
    stable = 1 - V ** 2 - B / TAU < 0
    assert fp.is_stable == stable, f"I = {I}: V* = {V:.4f} should be {'' if stable else 'un'}stable"
    (kind, x, y), = marker_points(fhn)
    assert kind == fp.stability and (x, y) == pytest.approx((V, w), abs=1e-8), \
        "the marker on the figure is not at the fixed point"


def test_fhn_slider_moves_the_fixed_point_and_the_picture(fhn):
    fhn.set_values(I=0.0, a=A, b=B, tau=TAU)
    before_png, before_V = fhn.view.image.value, fhn.fixed_points[0]["V"]
    fhn.sliders["I"].value = 0.8            # as a student's drag does
    assert fhn.values["I"] == 0.8
    assert fhn.fixed_points[0]["V"] == pytest.approx(fhn_fixed_point(0.8)[0], abs=1e-8)
    assert fhn.fixed_points[0]["V"] > before_V
    assert fhn.view.image.value != before_png, "moving I did not redraw the picture"
    assert fhn.view.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_fhn_hopf_onset_turns_rest_into_a_limit_cycle(fhn):
    # (just below the Hopf point the focus attracts so weakly, Re(lambda) ~ -0.01,
    # that a trajectory still swings after 200 time units: test a little further away)
    fhn.set_values(I=0.2, a=A, b=B, tau=TAU, x0=-1.0, y0=-0.5)
    assert fhn.fixed_points[0].stability == "stable focus"
    assert not fhn.oscillating
    # values on the slider's grid of 0.01 (a slider holds grid points only)
    fhn.sliders["I"].value = 0.32               # just below HOPF_I[0]
    assert fhn.values["I"] == 0.32 and fhn.fixed_points[0].stability == "stable focus"
    fhn.sliders["I"].value = 0.38               # HOPF_I[0] + 0.05
    assert fhn.fixed_points[0].stability == "unstable focus"
    assert fhn.oscillating and 30 < fhn.period < 50, fhn.period
    assert "limit cycle" in fhn.summary()
    fhn.sliders["I"].value = 1.47               # HOPF_I[1] + 0.05
    assert fhn.fixed_points[0].stability == "stable focus"


def test_fhn_nullclines_are_the_analytic_curves(fhn):
    I = 0.4
    fhn.set_values(I=I, a=A, b=B, tau=TAU)
    V, w = fhn.nullcline_lines["V"].get_data()
    ok = np.isfinite(V)
    assert ok.sum() > 100
    np.testing.assert_allclose(w[ok], V[ok] - V[ok] ** 3 / 3 + I, atol=2e-3)
    V, w = fhn.nullcline_lines["w"].get_data()
    ok = np.isfinite(V)
    np.testing.assert_allclose(w[ok], (V[ok] + A) / B, atol=1e-9)


def test_arrows_point_along_the_field(fhn):
    fhn.set_values(I=0.5, a=A, b=B, tau=TAU)
    X, Y = fhn.quiver.X, fhn.quiver.Y
    dV = X - X ** 3 / 3 - Y + 0.5
    dw = (X + A - B * Y) / TAU
    big = (np.abs(dV) > 1e-3) & (np.abs(dw) > 1e-3)
    assert np.all(np.sign(fhn.quiver.U[big]) == np.sign(dV[big]))
    assert np.all(np.sign(fhn.quiver.V[big]) == np.sign(dw[big]))


def test_start_sliders_move_the_trajectory_only(fhn):
    fhn.set_values(I=0.0, a=A, b=B, tau=TAU, x0=-2.0, y0=-0.5)
    fixed = fhn.fixed_points
    fhn.x0_slider.value = 1.5
    assert fhn.fixed_points == fixed
    x, y = fhn.trajectory_line.get_data()
    assert (x[0], y[0]) == (1.5, -0.5)
    t, V = fhn.trace_line.get_data()
    assert t[0] == 0.0 and V[0] == 1.5 and t[-1] == pytest.approx(fhn.duration)
    # it ends at the stable fixed point
    assert (x[-1], y[-1]) == pytest.approx((fixed[0]["V"], fixed[0]["w"]), abs=1e-3)


def test_legend_names_the_stability_classes_on_show(ml):
    ml.set_values(I=30.0, gCa=4.0, V3=12.0, V4=17.4, phi=0.067)
    labels = [t.get_text() for t in ml._legend.get_texts()]
    for kind in {fp.stability for fp in ml.fixed_points}:
        assert kind in labels
    assert set(STYLES) >= {fp.stability for fp in ml.fixed_points}


def test_morris_lecar_class_1_excitable_then_firing_slowly(ml):
    ml.set_values(I=30.0, gCa=4.0, V3=12.0, V4=17.4, phi=0.067, x0=-60.0, y0=0.0)
    kinds = [fp.stability for fp in sorted(ml.fixed_points, key=lambda fp: fp["V"])]
    assert kinds == ["stable node", "saddle", "unstable focus"], \
        "class I Morris-Lecar at I = 30 rests on a node beside a saddle"
    assert not ml.oscillating
    ml.sliders["I"].value = 41.0            # just past the saddle-node at I ~ 39.96
    assert [fp.stability for fp in ml.fixed_points] == ["unstable focus"]
    slow = ml.period
    ml.sliders["I"].value = 60.0
    assert ml.oscillating and slow > 2 * ml.period, \
        f"class I: the period near onset ({slow:.0f} ms) should be long"


def test_morris_lecar_class_2_rests_on_a_focus_until_the_hopf_point(ml):
    ml.set_values(I=60.0, x0=-60.0, y0=0.0, **MORRIS_LECAR_CLASS_2)
    (fp,) = ml.fixed_points
    assert fp.stability == "stable focus" and not ml.oscillating
    ml.sliders["I"].value = 100.0           # past the Hopf point at I ~ 93.86
    (fp,) = ml.fixed_points
    assert fp.stability == "unstable focus"
    assert ml.oscillating and 50 < ml.period < 150, ml.period


def van_der_pol(x, y, t, mu=1.0):
    return y, mu * (1 - x ** 2) * y - x


def test_your_own_model_with_a_fixed_parameter_and_a_slider():
    ex = phase_plane_explorer(van_der_pol, params={"mu": (-1.0, 2.0, 0.1, -0.5)},
                              target_vars={"x": (-3, 3), "y": (-4, 4)}, initial=(0.5, 0.0),
                              duration=50.0)
    assert ex.error is None, ex.error
    assert list(ex.sliders) == ["mu"]
    assert ex.sliders["mu"].value == -0.5
    (fp,) = ex.fixed_points
    assert (fp["x"], fp["y"]) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert fp.stability == "stable focus" and not ex.oscillating
    ex.sliders["mu"].value = 1.0
    assert ex.fixed_points[0].stability == "unstable focus"
    assert ex.oscillating and ex.period == pytest.approx(6.66, abs=0.1)   # van der Pol, mu = 1

    fixed = phase_plane_explorer(van_der_pol, params={"mu": 1.0},
                                 target_vars={"x": (-3, 3), "y": (-4, 4)})
    assert fixed.sliders == {} and fixed.values == {"mu": 1.0}


class Scale:                      # a Python object: Numba cannot compile a model using it
    factor = 1.0


def damped(x, y, t, k=0.5):
    return y, -x * Scale.factor - k * y


def test_a_model_numba_cannot_compile_runs_in_python():
    ex = phase_plane_explorer(damped, params={"k": (0.0, 1.0)},
                              target_vars={"x": (-2, 2), "y": (-2, 2)}, duration=20.0)
    assert ex.error is None, ex.error
    assert "plain Python" in ex.status.value
    assert ex.fixed_points[0].stability == "stable focus"
    assert len(ex.trajectory["t"]) == 201


@pytest.mark.parametrize("kwargs, match", [
    (dict(model="lorenz"), "fhn"),
    (dict(model=van_der_pol), "target_vars"),
    (dict(model="fhn", params={"J": (0, 1)}), "not a parameter"),
    (dict(model="fhn", params={"I": (1, 0)}), "min < max"),
    (dict(model="fhn", params={"I": "big"}), "min, max"),
    (dict(model=lambda x, y, z, t: (x, y, z), target_vars={"x": (0, 1), "y": (0, 1)}),
     "two variables"),
    (dict(model=lambda x, y, t, k: (x, y), target_vars={"x": (0, 1), "y": (0, 1)}),
     "no default"),
])
def test_bad_arguments_say_what_to_write(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        phase_plane_explorer(**kwargs)


def test_set_values_checks_names_and_ranges(fhn):
    with pytest.raises(ValueError, match="sliders are"):
        fhn.set_values(J=1.0)
    with pytest.raises(ValueError, match="outside"):
        fhn.set_values(I=5.0)
