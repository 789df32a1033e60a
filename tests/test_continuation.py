"""analysis.Continuation: pseudo-arclength continuation of equilibria in one parameter.

References:

* FitzHugh-Nagumo (a = 0.7, b = 0.8, tau = 12.5): Hopf where tr J = 1 - V*^2 - b / tau
  = 0, so V* = -+sqrt(1 - b / tau) and I = -(V* - V*^3 / 3 - (V* + a) / b) (closed form);
* the cubic x' = mu + x - x^3 / 3: folds at x = -+1, mu = +-2/3 (closed form), and the
  fold x' = mu - x^2 at mu = 0;
* the Hopf normal form z' = (mu + i) z + s z |z|^2: Hopf at mu = 0 with l1 = 2 s;
* Morris-Lecar (lesson 9's classes I and II): the saddle-node and Hopf points found
  by the brute-force ``Bifurcation`` scan (recomputed here), and the class II Hopf is
  subcritical, as the firing that starts below it in lesson 9 shows (checked here by
  simulation: a cycle coexists with the stable rest just below the Hopf point).
"""
import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn.analysis import Bifurcation, Continuation


def fhn(V, w, t, I, a=0.7, b=0.8, tau=12.5):
    return V - V ** 3 / 3 - w + I, (V + a - b * w) / tau


def morris_lecar(V, w, t, I, gCa=4.0, V3=12.0, V4=17.4, phi=1 / 15, C=20.0, gK=8.0, gL=2.0,
                 VCa=120.0, VK=-84.0, VL=-60.0, V1=-1.2, V2=18.0):
    m_inf = 0.5 * (1 + bm.tanh((V - V1) / V2))
    w_inf = 0.5 * (1 + bm.tanh((V - V3) / V4))
    tau_w = 1 / bm.cosh((V - V3) / (2 * V4))
    dV = (I - gCa * m_inf * (V - VCa) - gK * w * (V - VK) - gL * (V - VL)) / C
    dw = phi * (w_inf - w) / tau_w
    return dV, dw


CLASS_1 = {}
CLASS_2 = {"gCa": 4.4, "V3": 2.0, "V4": 30.0, "phi": 0.04}
ML_BOX = {"V": (-80.0, 50.0), "w": (-0.1, 1.0)}


def test_fitzhugh_nagumo_hopf_points_match_the_closed_form():
    a, b, tau = 0.7, 0.8, 12.5
    cont = Continuation(fhn, {"I": (0.0, 2.0)}, {"V": (-3, 3), "w": (-3, 3)})
    points = cont.bifurcation_points()
    assert [p["type"] for p in points] == ["hopf", "hopf"]
    for point, V in zip(points, (-np.sqrt(1 - b / tau), np.sqrt(1 - b / tau))):
        I = -(V - V ** 3 / 3 - (V + a) / b)
        assert abs(point["I"] - I) < 1e-8 and abs(point["V"] - V) < 1e-8
        assert abs(point["w"] - (V + a) / b) < 1e-8
        assert abs(point["omega"] - np.sqrt((1 - V ** 2) * (-b / tau) + 1 / tau)) < 1e-8
    # one branch; stable below the first Hopf point and above the second, unstable between
    (branch,) = cont.branches()
    inside = (branch["I"] > points[0]["I"] + 1e-3) & (branch["I"] < points[1]["I"] - 1e-3)
    outside = (branch["I"] < points[0]["I"] - 1e-3) | (branch["I"] > points[1]["I"] + 1e-3)
    assert not branch["stable"][inside].any() and branch["stable"][outside].all()
    assert branch["I"].min() == pytest.approx(0.0, abs=0.05)
    assert branch["I"].max() == pytest.approx(2.0, abs=0.05)


def test_the_folds_of_a_cubic_match_the_closed_form():
    def cubic(x, t, mu):
        return mu + x - x ** 3 / 3
    cont = Continuation(cubic, {"mu": (-1.0, 1.0)}, {"x": (-3, 3)})
    points = cont.bifurcation_points()
    assert [p["type"] for p in points] == ["saddle-node", "saddle-node"]
    assert abs(points[0]["mu"] + 2 / 3) < 1e-9 and abs(points[0]["x"] - 1) < 1e-6
    assert abs(points[1]["mu"] - 2 / 3) < 1e-9 and abs(points[1]["x"] + 1) < 1e-6
    # one S-shaped branch, round both folds; the middle part (|x| < 1) is unstable
    (branch,) = cont.branches()
    assert np.all(branch["stable"] == (np.abs(branch["x"]) > 1)
                  | (np.abs(np.abs(branch["x"]) - 1) < 1e-3))


def test_a_branch_born_in_a_fold_inside_the_range_is_found():
    """x' = mu - x^2 has no equilibria for mu < 0: the branch starts at mu > 0."""
    def fold(x, t, mu):
        return mu - x * x
    cont = Continuation(fold, {"mu": (-1.0, 1.0)}, {"x": (-2, 2)})
    (point,) = cont.bifurcation_points()
    assert point["type"] == "saddle-node"
    assert abs(point["mu"]) < 1e-9 and abs(point["x"]) < 1e-5
    (branch,) = cont.branches()
    np.testing.assert_allclose(branch["x"] ** 2, branch["mu"], atol=1e-9)
    np.testing.assert_array_equal(branch["stable"][np.abs(branch["x"]) > 1e-3],
                                  branch["x"][np.abs(branch["x"]) > 1e-3] > 0)


@pytest.mark.parametrize("s", [-1.0, 0.5])
def test_first_lyapunov_coefficient_of_the_hopf_normal_form(s):
    def normal_form(x, y, t, mu, s=-1.0):
        r2 = x * x + y * y
        return mu * x - y + s * x * r2, x + mu * y + s * y * r2
    cont = Continuation(normal_form, {"mu": (-1.0, 1.0)}, {"x": (-1, 1), "y": (-1, 1)},
                        pars_update={"s": s})
    (point,) = cont.bifurcation_points()
    assert point["type"] == "hopf" and abs(point["mu"]) < 1e-9
    assert abs(point["omega"] - 1.0) < 1e-9
    assert abs(point["l1"] - 2 * s) < 1e-6
    assert point["criticality"] == ("supercritical" if s < 0 else "subcritical")


@pytest.mark.parametrize("name, pars", [("class I", CLASS_1), ("class II", CLASS_2)])
def test_morris_lecar_points_match_the_brute_force_scan(name, pars):
    brute = Bifurcation(morris_lecar, target_pars={"I": (0.0, 150.0)}, target_vars=ML_BOX,
                        pars_update=pars, resolutions={"I": 1.0}).bifurcation_points()
    cont = Continuation(morris_lecar, {"I": (0.0, 150.0)}, ML_BOX, pars_update=pars)
    points = cont.bifurcation_points()
    assert [p["type"] for p in points] == [p["type"] for p in brute], (points, brute)
    for got, expected in zip(points, brute):
        assert abs(got["I"] - expected["I"]) < 1e-6, (name, got, expected)
        assert abs(got["V"] - expected["V"]) < 1e-5
    # lesson 9 prints: class I saddle-node at 39.96, Hopf at 97.79; class II Hopf at 93.86
    lesson = {"class I": [39.96, 97.79], "class II": [93.86]}[name]
    np.testing.assert_allclose([p["I"] for p in points], lesson, atol=0.006)


def test_morris_lecar_class_ii_hopf_is_subcritical_as_simulation_shows():
    cont = Continuation(morris_lecar, {"I": (60.0, 120.0)}, ML_BOX, pars_update=CLASS_2)
    (hopf,) = cont.bifurcation_points()
    assert hopf["criticality"] == "subcritical" and hopf["l1"] > 0
    # just below the Hopf point the rest is stable, yet a large cycle exists: started at
    # rest the cell stays there, started depolarised it keeps firing (bistability)
    I = hopf["I"] - 2.0
    rest = [hopf["V"], hopf["w"]]
    start = np.array([[rest[0] + 0.1, 20.0], [rest[1], 0.0]])
    ts, ys = bp.integrate(morris_lecar, start, (0.0, 2000.0), dt=0.1, method="rk4",
                          args=(I, 4.4, 2.0, 30.0, 0.04))
    late = ys[ts > 1000.0, 0]
    assert np.ptp(late[:, 0]) < 1.0            # the rest: stable
    assert np.ptp(late[:, 1]) > 50.0           # the cycle: spikes


def test_the_plot_draws_stable_and_unstable_parts_and_the_points():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cont = Continuation(fhn, {"I": (0.0, 2.0)}, {"V": (-3, 3), "w": (-3, 3)})
    ax = cont.plot("V")
    labels = {line.get_label() for line in ax.get_lines()}
    assert {"stable", "unstable", "hopf"} <= labels
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="one of"):
        cont.plot("x")


def test_wrong_arguments_say_what_to_write():
    with pytest.raises(ValueError, match="one parameter"):
        Continuation(fhn, {"I": (0, 1), "a": (0, 1)}, {"V": (-3, 3), "w": (-3, 3)})
    with pytest.raises(ValueError, match="Did you mean 'I'"):
        Continuation(fhn, {"i": (0, 1)}, {"V": (-3, 3), "w": (-3, 3)})
