"""Tests of braindyn.analysis against textbook results computed here, independently.

FitzHugh-Nagumo (Izhikevich 2007, section 4.1.4):
    dV/dt = V - V^3/3 - w + I,   dw/dt = (V + a - b w) / tau
Its fixed point is the real root of a cubic, its Jacobian is known in
closed form, and its Hopf points solve tr J = 0 (Strogatz 2015, 8.2).
QIF (Strogatz 2015, 3.1): dV/dt = V^2 + I, fixed points +-sqrt(-I), saddle-node at I = 0.
Linear systems dx/dt = A (x - x0): the classes of Strogatz 2015, 5.2.
Hindmarsh-Rose fast subsystem: its fixed points satisfy z = I + 1 - x^3 - 2 x^2
(with a=1, b=3, c=1, d=5), whose folds at x = 0 and x = -4/3 are the saddle-nodes.
"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import braindyn as bp  # noqa: E402
from braindyn.analysis import (Bifurcation, FastSlow, PhasePlane, classify_1d,  # noqa: E402
                               classify_2d)

A, B, TAU = 0.7, 0.8, 12.5
FHN_WINDOW = {"V": (-3.0, 3.0), "w": (-3.0, 3.0)}


def fhn(V, w, t, I, a=A, b=B, tau=TAU):
    return V - V ** 3 / 3 - w + I, (V + a - b * w) / tau


def fhn_fixed_point(I):
    """w = (V + a)/b on the w-nullcline, put into dV/dt = 0:
    -V^3/3 + (1 - 1/b) V + (I - a/b) = 0 (one real root for b < 1)."""
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / B, I - A / B])
    V = roots[np.abs(roots.imag) < 1e-9].real
    assert V.size == 1
    return V[0], (V[0] + A) / B


def fhn_jacobian(V):
    return np.array([[1 - V ** 2, -1.0], [1 / TAU, -B / TAU]])


def textbook_class(J):
    """Strogatz's trace-determinant classification (2015, figure 5.2.8)."""
    tr, det = np.trace(J), np.linalg.det(J)
    if det < 0:
        return "saddle"
    if tr ** 2 - 4 * det < 0:
        return "center" if tr == 0 else ("stable focus" if tr < 0 else "unstable focus")
    return "stable node" if tr < 0 else "unstable node"


def fhn_hopf_points():
    """tr J = 1 - V^2 - b/tau = 0  ->  V = +-sqrt(1 - b/tau); I from dV/dt = dw/dt = 0."""
    out = []
    for V in (-np.sqrt(1 - B / TAU), np.sqrt(1 - B / TAU)):
        w = (V + A) / B
        out.append((w - V + V ** 3 / 3, V, w))
    return out


def qif(V, t, I):
    return V ** 2 + I


# -- FitzHugh-Nagumo ------------------------------------------------------------

@pytest.mark.parametrize("I", [0.0, 0.5, 1.0, 1.6])
def test_fhn_fixed_point_and_stability_match_closed_form(I):
    fps = PhasePlane(fhn, FHN_WINDOW, pars_update={"I": I}).fixed_points()
    assert len(fps) == 1, f"FHN has exactly one fixed point at I={I}; found {fps}"
    V, w = fhn_fixed_point(I)
    assert fps[0]["V"] == pytest.approx(V, abs=1e-9)
    assert fps[0]["w"] == pytest.approx(w, abs=1e-9)
    J = fhn_jacobian(V)
    assert np.allclose(fps[0].jacobian, J, atol=1e-7)
    assert np.allclose(np.sort_complex(fps[0].eigenvalues), np.sort_complex(np.linalg.eigvals(J)),
                       atol=1e-7)
    assert fps[0].stability == textbook_class(J), f"I={I}: J={J}"


def test_fhn_classes_cover_focus_and_node():
    # I=0: tr<0, tr^2<4det (stable focus); I=0.5: tr>0 (unstable focus).
    assert PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.0}).fixed_points()[0].stability \
        == "stable focus"
    assert PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.5}).fixed_points()[0].stability \
        == "unstable focus"


def test_fhn_nullclines_lie_on_the_textbook_curves():
    pp = PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.5})
    nc = pp.nullclines()
    V_pts = np.concatenate(nc["V"])
    w_pts = np.concatenate(nc["w"])
    assert len(V_pts) > 50 and len(w_pts) > 50
    # V-nullcline: w = V - V^3/3 + I;  w-nullcline: w = (V + a)/b
    assert np.max(np.abs(V_pts[:, 1] - (V_pts[:, 0] - V_pts[:, 0] ** 3 / 3 + 0.5))) < 2e-3
    assert np.max(np.abs(w_pts[:, 1] - (w_pts[:, 0] + A) / B)) < 1e-9


def test_fhn_vector_field_equals_the_equations():
    data = PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.3}, resolutions=0.1).vector_field()
    V, w = data["V"], data["w"]
    assert V.shape == (61, 61)
    assert np.allclose(data["dV/dt"], V - V ** 3 / 3 - w + 0.3)
    assert np.allclose(data["dw/dt"], (V + A - B * w) / TAU)


def test_fhn_hopf_points_solve_trace_zero():
    bif = Bifurcation(fhn, {"I": (0.0, 2.0)}, FHN_WINDOW)
    points = bif.bifurcation_points()
    assert [p["type"] for p in points] == ["hopf", "hopf"], points
    for found, (I_h, V_h, w_h) in zip(points, fhn_hopf_points()):
        assert found["I"] == pytest.approx(I_h, abs=1e-7)
        assert found["V"] == pytest.approx(V_h, abs=1e-7)
        assert found["w"] == pytest.approx(w_h, abs=1e-7)
    # Between the Hopf points the fixed point is unstable, outside stable.
    data = bif.fixed_points()
    (I1, _, _), (I2, _, _) = fhn_hopf_points()
    stable = np.isin(data["stability"], ["stable node", "stable focus"])
    assert np.array_equal(stable, (data["I"] < I1) | (data["I"] > I2))


def test_fhn_limit_cycle_exists_above_hopf_only():
    I_h = fhn_hopf_points()[0][0]
    bif = Bifurcation(fhn, {"I": np.array([0.1, 0.5])}, FHN_WINDOW, dt=0.05)
    assert 0.1 < I_h < 0.5
    lc = bif.limit_cycles(duration=300.0)
    assert lc["oscillates"].tolist() == [False, True]
    assert lc["amplitude"]["V"][0] < 1e-6, "below the Hopf point V should settle"
    V_star, _ = fhn_fixed_point(0.1)
    assert lc["V"]["max"][0] == pytest.approx(V_star, abs=1e-5)
    assert lc["amplitude"]["V"][1] > 1.0, "above the Hopf point FHN spikes (V swings ~4)"


# -- one dimension: the saddle-node of the QIF ---------------------------------

@pytest.mark.parametrize("I", [-1.0, -0.25, -0.01])
def test_qif_fixed_points_below_threshold(I):
    fps = PhasePlane(qif, {"V": (-2.0, 2.0)}, pars_update={"I": I}).fixed_points()
    r = np.sqrt(-I)
    assert [fp["V"] for fp in fps] == pytest.approx([-r, r], abs=1e-10)
    assert [fp.stability for fp in fps] == ["stable", "unstable"]


def test_qif_at_and_above_threshold():
    fps = PhasePlane(qif, {"V": (-2.0, 2.0)}, pars_update={"I": 0.0}).fixed_points()
    assert len(fps) == 1 and fps[0]["V"] == pytest.approx(0.0, abs=1e-6)
    assert fps[0].stability == "semi-stable"
    for I in (1e-3, 0.5):
        assert PhasePlane(qif, {"V": (-2.0, 2.0)}, pars_update={"I": I}).fixed_points() == []


def test_qif_bifurcation_is_a_saddle_node_at_zero():
    bif = Bifurcation(qif, {"I": (-1.0, 1.0)}, {"V": (-2.0, 2.0)})
    data = bif.fixed_points()
    assert np.all(data["I"] <= 1e-12), "no fixed points for I > 0"
    assert np.allclose(data["V"] ** 2, -data["I"], atol=1e-9)
    neg = data["V"] < -1e-6
    pos = data["V"] > 1e-6
    assert np.all(data["stability"][neg] == "stable")
    assert np.all(data["stability"][pos] == "unstable")
    (sn,) = bif.bifurcation_points()
    assert sn["type"] == "saddle-node"
    assert sn["I"] == pytest.approx(0.0, abs=1e-8)
    assert sn["V"] == pytest.approx(0.0, abs=1e-6)


def test_non_hyperbolic_1d_points_use_the_flow_around_them():
    # Strogatz 2015, 2.4: dx/dt = -x^3 is stable, x^3 unstable, x^2 semi-stable.
    def cube(x, t, s):
        return s * x ** 3
    assert PhasePlane(cube, {"x": (-1, 1.3)}, pars_update={"s": -1.0}).fixed_points()[0] \
        .stability == "stable"
    assert PhasePlane(cube, {"x": (-1, 1.3)}, pars_update={"s": 1.0}).fixed_points()[0] \
        .stability == "unstable"
    assert classify_1d(0.0, 1.0, 1.0) == "semi-stable"


# -- linear systems: every class ----------------------------------------------

LINEAR_CASES = [
    (np.diag([-1.0, -2.0]), "stable node"),
    (np.array([[-3.0, 1.0], [1.0, -3.0]]), "stable node"),
    (np.diag([1.0, 2.0]), "unstable node"),
    (np.diag([1.0, -1.0]), "saddle"),
    (np.array([[1.0, 2.0], [3.0, -1.0]]), "saddle"),
    (np.array([[-0.1, 1.0], [-1.0, -0.1]]), "stable focus"),
    (np.array([[0.2, -2.0], [1.0, 0.2]]), "unstable focus"),
    (np.array([[0.0, 1.0], [-1.0, 0.0]]), "center"),
]
X0 = (0.3, -0.2)


def linear(x, y, t, a11, a12, a21, a22):
    dx, dy = x - X0[0], y - X0[1]
    return a11 * dx + a12 * dy, a21 * dx + a22 * dy


@pytest.mark.parametrize("matrix,expected", LINEAR_CASES)
def test_linear_system_classes(matrix, expected):
    pars = dict(zip(["a11", "a12", "a21", "a22"], matrix.ravel()))
    fps = PhasePlane(linear, {"x": (-1.0, 1.0), "y": (-1.0, 1.0)},
                     pars_update=pars).fixed_points()
    assert len(fps) == 1
    assert (fps[0]["x"], fps[0]["y"]) == pytest.approx(X0, abs=1e-10)
    assert np.allclose(np.sort_complex(fps[0].eigenvalues),
                       np.sort_complex(np.linalg.eigvals(matrix)), atol=1e-8)
    assert fps[0].stability == expected
    assert classify_2d(np.linalg.eigvals(matrix)) == expected


def test_trajectory_of_a_linear_system_is_exponential():
    pp = PhasePlane(linear, {"x": (-1.0, 1.0), "y": (-1.0, 1.0)}, dt=0.01,
                    pars_update=dict(a11=-1.0, a12=0.0, a21=0.0, a22=-2.0))
    tr1, tr2 = pp.trajectories([(1.3, 0.8), (0.3, -1.2)], duration=2.0)
    assert tr1["t"][-1] == pytest.approx(2.0)
    assert np.allclose(tr1["x"], X0[0] + (1.3 - X0[0]) * np.exp(-tr1["t"]), atol=1e-8)
    assert np.allclose(tr2["y"], X0[1] + (-1.2 - X0[1]) * np.exp(-2 * tr2["t"]), atol=1e-8)


# -- models written as odeint integrals, methods and held variables -------------

def test_accepts_odeint_integrals_and_bound_methods():
    integral = bp.odeint(fhn, method="rk4", dt=0.05)
    pp = PhasePlane(integral, FHN_WINDOW, pars_update={"I": 0.0})
    assert pp.dt == 0.05 and pp.method == "rk4"
    assert pp.fixed_points()[0]["V"] == pytest.approx(fhn_fixed_point(0.0)[0], abs=1e-9)

    class Neuron:
        def __init__(self, a):
            self.a = a

        @bp.odeint(method="rk4", dt=0.05)
        def integral(self, V, w, t, I):
            return V - V ** 3 / 3 - w + I, (V + self.a - B * w) / TAU

    fp = PhasePlane(Neuron(A).integral, FHN_WINDOW, pars_update={"I": 0.0}).fixed_points()[0]
    assert fp["V"] == pytest.approx(fhn_fixed_point(0.0)[0], abs=1e-9)


def test_variables_outside_the_plane_are_held_fixed():
    def three(x, y, z, t):
        return -x + z, -y, -z

    fps = PhasePlane(three, {"x": (-1, 1), "y": (-1, 1)}, fixed_vars={"z": 0.5}).fixed_points()
    assert (fps[0]["x"], fps[0]["y"]) == pytest.approx((0.5, 0.0), abs=1e-10)


# -- fast-slow analysis of Hindmarsh-Rose ----------------------------------------

def hindmarsh_rose(x, y, z, t, I=2.0, a=1.0, b=3.0, c=1.0, d=5.0, r=0.005, s=4.0, x_r=-1.6):
    return y - a * x ** 3 + b * x ** 2 - z + I, c - d * x ** 2 - y, r * (s * (x - x_r) - z)


def test_hindmarsh_rose_fast_subsystem_folds():
    I = 2.0
    fs = FastSlow(hindmarsh_rose, {"x": (-3, 3), "y": (-45, 5)}, {"z": (1.0, 3.5)},
                  pars_update={"I": I}, resolutions={"z": 0.05}, dt=0.05)
    data = fs.fixed_points()
    # y = 1 - 5 x^2 on the y-nullcline; z = I + 1 - x^3 - 2 x^2 on the x-nullcline
    assert np.allclose(data["y"], 1 - 5 * data["x"] ** 2, atol=1e-8)
    assert np.allclose(data["z"], I + 1 - data["x"] ** 3 - 2 * data["x"] ** 2, atol=1e-8)
    sn = [p for p in fs.bifurcation_points() if p["type"] == "saddle-node"]
    assert [p["z"] for p in sn] == pytest.approx([I + 1 - 32 / 27, I + 1], abs=1e-7)
    assert [p["x"] for p in sn] == pytest.approx([-4 / 3, 0.0], abs=1e-6)
    tr = fs.trajectory((-1.6, -12.0, 1.8), duration=100.0)
    assert tr["t"].shape == tr["x"].shape == tr["z"].shape
    assert np.all(np.isfinite(tr["x"]))


# -- plots ---------------------------------------------------------------------

def test_phase_plane_plots(tmp_path):
    pp = PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.5})
    ax = pp.plot(initials=[(-2.0, 0.0)], duration=50.0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "V-nullcline (dV/dt = 0)" in labels and "unstable focus" in labels
    marker = [ln for ln in ax.get_lines() if ln.get_label() == "unstable focus"][0]
    assert marker.get_xdata()[0] == pytest.approx(fhn_fixed_point(0.5)[0], abs=1e-9)
    ax.figure.savefig(tmp_path / "pp.png")
    assert (tmp_path / "pp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax1 = PhasePlane(qif, {"V": (-2, 2)}, pars_update={"I": -1.0}).plot()
    assert {ln.get_label() for ln in ax1.get_lines()} >= {"stable", "unstable"}
    plt.close("all")


def test_bifurcation_plots(tmp_path):
    bif = Bifurcation(fhn, {"I": (0.0, 2.0)}, FHN_WINDOW, resolutions={"I": 0.1}, dt=0.1)
    axes = bif.plot_bifurcation()
    bif.plot_limit_cycle(duration=200.0, axes=axes)
    assert len(axes) == 2
    assert any(ln.get_label() == "limit cycle (max/min)" for ln in axes[0].get_lines())
    axes[0].figure.savefig(tmp_path / "bif.png")
    plt.close("all")
    with pytest.raises(ValueError, match="both target_pars and target_vars"):
        Bifurcation(qif, {"I": (-1.0, 1.0), "V": (0.0, 1.0)}, {"V": (-2, 2)})


def test_two_parameter_map():
    def cusp(x, t, h, r):   # dx/dt = h + r x - x^3 (Strogatz 2015, 3.6)
        return h + r * x - x ** 3
    bif = Bifurcation(cusp, {"h": (-1.0, 1.0), "r": (-1.0, 2.0)}, {"x": (-3, 3)},
                      resolutions={"h": 0.1, "r": 0.25})
    ax = bif.plot_bifurcation()[0]
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    # Inside the cusp 27 h^2 < 4 r^3 there are three fixed points, two stable.
    assert "3 fixed point(s), 2 stable" in labels and "1 fixed point(s), 1 stable" in labels
    plt.close("all")


# -- bad input -----------------------------------------------------------------

def test_bad_input_says_what_to_change():
    with pytest.raises(ValueError, match=r"'v' is not a variable.*Did you mean 'V'"):
        PhasePlane(fhn, {"v": (-3, 3), "w": (-3, 3)}, pars_update={"I": 0.5})
    with pytest.raises(ValueError, match=r"'II' is not a parameter.*Did you mean 'I'"):
        PhasePlane(fhn, FHN_WINDOW, pars_update={"II": 0.5})
    with pytest.raises(ValueError, match=r"min < max"):
        PhasePlane(fhn, {"V": (3, -3), "w": (-3, 3)}, pars_update={"I": 0.5})
    with pytest.raises(ValueError, match=r"min < max"):
        Bifurcation(fhn, {"I": (1.0, 1.0)}, FHN_WINDOW)
    with pytest.raises(ValueError, match=r"at most 2 variables.*fixed_vars"):
        PhasePlane(hindmarsh_rose, {"x": (-3, 3), "y": (-9, 2), "z": (0, 3)})
    with pytest.raises(ValueError, match=r"add fixed_vars=\{'z'"):
        PhasePlane(hindmarsh_rose, {"x": (-3, 3), "y": (-9, 2)})
    with pytest.raises(ValueError, match=r"'I' .* has no default value: give it in pars_update"):
        PhasePlane(fhn, FHN_WINDOW)
    with pytest.raises(ValueError, match=r"parameter: vary it with Bifurcation"):
        PhasePlane(fhn, {"I": (0, 1)}, fixed_vars={"V": 0.0, "w": 0.0})
    with pytest.raises(ValueError, match=r"target_pars: 'J' is not a parameter"):
        Bifurcation(fhn, {"J": (0, 1)}, FHN_WINDOW)
    with pytest.raises(ValueError, match=r"one or two parameters"):
        Bifurcation(fhn, {"I": (0, 1), "a": (0, 1), "b": (0, 1)}, FHN_WINDOW)
    with pytest.raises(ValueError, match=r"must be a \(min, max\) pair"):
        PhasePlane(fhn, {"V": 3, "w": (-3, 3)}, pars_update={"I": 0.5})
    with pytest.raises(ValueError, match=r"positive grid step"):
        PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.5}, resolutions=-0.1)
    pp = PhasePlane(fhn, FHN_WINDOW, pars_update={"I": 0.5})
    with pytest.raises(ValueError, match=r"points of 2 value"):
        pp.trajectories([(0.0, 1.0, 2.0)], duration=10.0)
    with pytest.raises(ValueError, match=r"duration must be a positive time"):
        pp.trajectories([(0.0, 1.0)], duration=-1.0)
    with pytest.raises(TypeError, match=r"derivative function"):
        PhasePlane("fhn", FHN_WINDOW)
