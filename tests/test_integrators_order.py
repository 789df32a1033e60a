"""Every method converges at its declared order (STYLE.md: test the order, not closeness)."""
from fractions import Fraction

import numpy as np
import pytest

import braindyn as bp
from braindyn.integrators import registry
from support import _restore_backend, empirical_order  # noqa: F401


def nonlinear(x, y, t):
    """x' = x cos t, y' = -y^2: a non-autonomous, nonlinear pair with closed forms."""
    return x * np.cos(t), -y * y


def exact(t, x0=1.0, y0=1.0):
    return x0 * np.exp(np.sin(t)), y0 / (1.0 + y0 * t)


def error_at(method: str, dt: float, T: float = 2.0) -> float:
    integral = bp.odeint(nonlinear, method=method)
    x, y, t = 1.0, 1.0, 0.0
    for _ in range(int(round(T / dt))):
        x, y = integral(x, y, t, dt=dt)
        t += dt
    xe, ye = exact(T)
    return max(abs(x - xe), abs(y - ye))


ALL = [m for m in registry.METHODS.values()]
FIXED = [m for m in ALL if not m.adaptive]


@pytest.mark.parametrize("info", FIXED, ids=[m.name for m in FIXED])
def test_global_error_converges_at_the_declared_order(info):
    # small enough to be in the asymptotic regime, large enough to stay above rounding
    first = {4: 0.1, 5: 0.2}.get(info.order, 0.05)
    dts = [first / 2 ** k for k in range(4)]
    errors = [error_at(info.name, dt) for dt in dts]
    order = empirical_order(dts, errors)
    assert abs(order - info.order) < 0.25, (
        f"{info.name}: observed order {order:.2f}, declared {info.order} "
        f"(errors {errors}); a coefficient of its tableau is probably wrong")


def local_error(method: str, dt: float, t0: float = 0.5) -> float:
    """Error of one step started on the exact solution."""
    x0, y0 = np.exp(np.sin(t0)), 1.0 / (1.0 + t0)
    x, y = bp.odeint(nonlinear, method=method)(x0, y0, t0, dt=dt)
    xe, ye = np.exp(np.sin(t0 + dt)), 1.0 / (1.0 + t0 + dt)
    return float(np.hypot(x - xe, y - ye))


@pytest.mark.parametrize("info", ALL, ids=[m.name for m in ALL])
def test_local_error_scales_as_dt_to_the_order_plus_one(info):
    """Every method, the propagated solution of the embedded pairs included.
    The Dormand-Prince pair's principal error coefficients are also minimised,
    which keeps its observed slope a little above 6 down to rounding."""
    first = {"rkdp": 0.1}.get(info.name, {4: 0.2, 5: 0.4}.get(info.order, 0.1))
    dts = [first / 2 ** k for k in range(4)]
    slope = empirical_order(dts, [local_error(info.name, dt) for dt in dts])
    assert abs(slope - (info.order + 1)) < 0.4, (
        f"{info.name}: local error slope {slope:.2f}, expected {info.order + 1}")


TABLEAUS = [m.tableau for m in ALL if m.tableau is not None]


@pytest.mark.parametrize("tab", TABLEAUS, ids=[t.name for t in TABLEAUS])
def test_tableau_consistency_and_order_conditions(tab):
    """Rows of A sum to c, weights sum to 1, and the classical order conditions
    (Hairer-Norsett-Wanner I, Table II.2.1) hold up to the declared order."""
    c = np.array([float(x) for x in tab.c])
    A = np.zeros((tab.stages, tab.stages))
    for i, row in enumerate(tab.A):
        A[i, :i] = [float(x) for x in row]
    b = np.array([float(x) for x in tab.b])
    np.testing.assert_allclose(A.sum(axis=1), c, atol=1e-14)
    assert abs(b.sum() - 1) < 1e-14
    conditions = {2: [(b @ c, 1 / 2)],
                  3: [(b @ c ** 2, 1 / 3), (b @ A @ c, 1 / 6)],
                  4: [(b @ c ** 3, 1 / 4), (b @ (c * (A @ c)), 1 / 8),
                      (b @ A @ c ** 2, 1 / 12), (b @ A @ A @ c, 1 / 24)]}
    for p in range(2, min(tab.order, 4) + 1):
        for got, want in conditions[p]:
            assert abs(got - want) < 1e-12, f"{tab.name}: an order-{p} condition fails"
    if tab.order < 4:  # and it is not of higher order than it says
        nxt = conditions[tab.order + 1]
        assert any(abs(got - want) > 1e-12 for got, want in nxt)
    if tab.b_error is not None:
        assert abs(sum(float(e) for e in tab.b_error)) < 1e-14
        b_hat = b - np.array([float(e) for e in tab.b_error])
        for p in range(2, min(tab.error_order, 4) + 1):
            for got, want in [(g, w) for g, w in
                              {2: [(b_hat @ c, 1 / 2)],
                               3: [(b_hat @ c ** 2, 1 / 3), (b_hat @ A @ c, 1 / 6)],
                               4: [(b_hat @ c ** 3, 1 / 4), (b_hat @ (c * (A @ c)), 1 / 8),
                                   (b_hat @ A @ c ** 2, 1 / 12),
                                   (b_hat @ A @ A @ c, 1 / 24)]}[p]]:
                assert abs(got - want) < 1e-12, f"{tab.name}: embedded order {p} fails"


def test_a_typo_in_a_tableau_fails_when_it_is_built():
    from braindyn.integrators.butcher import ButcherTableau
    with pytest.raises(ValueError, match="row 1 of A sums"):
        ButcherTableau(name="bad", long_name="bad", c=(0, Fraction(1, 2)),
                       A=((), (Fraction(1, 3),)), b=(0, 1), order=2, reference="-")
    with pytest.raises(ValueError, match="weights b sum"):
        ButcherTableau(name="bad", long_name="bad", c=(0, 1), A=((), (1,)),
                       b=(Fraction(1, 2), Fraction(1, 3)), order=2, reference="-")


def test_rk4_is_the_classical_method_not_the_38_rule():
    tab = registry.get_method("rk4").tableau
    assert tab.b == (Fraction(1, 6), Fraction(1, 3), Fraction(1, 3), Fraction(1, 6))


def test_methods_table_lists_every_method_with_its_properties():
    table = bp.integrators.methods()
    names = {m.name for m in table}
    assert names == {"euler", "midpoint", "heun2", "ralston2", "rk2", "rk3", "rk4", "heun3",
                     "ralston3", "ssprk3", "ralston4", "rk4_38rule", "rkf45", "rkf12",
                     "rkdp", "ck", "bs", "heun_euler", "exponential_euler"}
    for m in table:
        assert m.order >= 1 and m.stages >= 1 and m.description
    assert {m.name for m in bp.integrators.methods(adaptive=True)} == {
        "rkf45", "rkf12", "rkdp", "ck", "bs", "heun_euler"}
    assert "rkdp" in repr(table)


@pytest.mark.parametrize("alias,name", [("exp_euler", "exponential_euler"),
                                        ("dopri5", "rkdp"), ("RK4", "rk4"),
                                        ("Dormand-Prince", "rkdp"), ("heun", "heun2")])
def test_aliases(alias, name):
    assert bp.integrators.get_method(alias).name == name
