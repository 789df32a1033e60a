"""Delay differential equations (``bp.ddeint``, ``bp.integrators.integrate_dde``).

References are independent of the solver: the exact piecewise-polynomial solution
of y' = -y(t - 1) built here with numpy.polynomial, a manufactured smooth solution,
and Mackey-Glass by scipy's DOP853 with the method of steps done by hand.
"""
import numpy as np
import pytest
from numpy.polynomial import Polynomial
from scipy.integrate import solve_ivp

import braindyn as bp
import braindyn.math as bm
from braindyn.integrators import Delay, integrate_dde, registry
from support import _restore_backend, backend, empirical_order  # noqa: F401

FIXED = [tab.name for tab in registry.runge_kutta.FIXED_STEP]
ORDER = {tab.name: tab.order for tab in registry.runge_kutta.FIXED_STEP}


def negative_feedback(y, t, tau, y_delay):
    return -y_delay(t - tau)


def exact_pieces(n_pieces: int = 5) -> list:
    """y' = -y(t - 1), y = 1 for t <= 0: on [k, k+1] y is the polynomial
    y(k) - int_k^t y(s - 1) ds, of degree k + 1 (integrating the previous piece)."""
    pieces = [Polynomial([1.0])]                    # the history, on [-1, 0]
    for k in range(n_pieces):
        previous = pieces[-1]
        antiderivative = previous(Polynomial([-1.0, 1.0])).integ()   # of s -> previous(s - 1)
        y_k = previous(k) if k > 0 else 1.0
        pieces.append(Polynomial([y_k]) - (antiderivative - antiderivative(k)))
    return pieces[1:]


PIECES = exact_pieces()


def exact(ts):
    k = np.minimum(np.floor(ts + 1e-12).astype(int), len(PIECES) - 1)
    return np.array([PIECES[i](t) for i, t in zip(k, ts)])


def test_the_exact_solution_is_right():
    # known values: y(1) = 0, y(2) = -1/2, y(3) = -1/6; continuous at the joins
    assert abs(PIECES[0](1.0)) < 1e-15
    assert abs(PIECES[1](2.0) + 0.5) < 1e-14 and abs(PIECES[2](3.0) + 1 / 6) < 1e-14
    for k in range(1, 5):
        assert abs(PIECES[k - 1](k) - PIECES[k](k)) < 1e-14
        assert PIECES[k].degree() == k + 1


@pytest.mark.parametrize("method", FIXED)
def test_negative_feedback_converges_to_the_piecewise_polynomial(method):
    """On this equation a Runge-Kutta step is a quadrature rule of the (interpolated)
    past, so a method's order here is that of its quadrature, at least min(p, 4):
    euler 1, heun2 2, rk4 4 exactly; ralston2 / rk2 (Radau-like nodes) 3, rk3 (Simpson) 4."""
    dts = [1 / 8, 1 / 16, 1 / 32, 1 / 64]
    errors = []
    for dt in dts:
        ts, ys = integrate_dde(negative_feedback, 1.0, (0.0, 5.0), dt, method, args=(1.0,))
        errors.append(np.abs(ys - exact(ts)).max())
    order = empirical_order(dts, errors)
    p = min(ORDER[method], 4)
    assert order > p - 0.15, f"{method}: observed order {order:.2f} < {p} ({errors})"
    if method in ("euler", "heun2", "rk4"):
        assert abs(order - p) < 0.15, f"{method}: observed order {order:.2f}, expected {p}"


def manufactured(y, t, tau, y_delay):
    """y' = -y^3 + y(t - tau) + g(t) with g chosen so that y = sin t (history too):
    a nonlinear equation whose solution has no derivative jumps, so every method
    shows its own order, and the lagged values at the stages fall between steps."""
    return -y ** 3 + y_delay(t - tau) + bm.cos(t) + bm.sin(t) ** 3 - bm.sin(t - tau)


@pytest.mark.parametrize("method", FIXED)
def test_every_method_keeps_its_order_with_hermite_dense_output(method):
    dts = [0.1, 0.05, 0.025, 0.0125]
    errors = []
    for dt in dts:
        ts, ys = integrate_dde(manufactured, np.sin, (0.0, 3.0), dt, method, args=(1.0,))
        errors.append(np.abs(ys - np.sin(ts)).max())
    order = empirical_order(dts, errors)
    p = min(ORDER[method], 4)
    assert abs(order - p) < 0.25, f"{method}: observed order {order:.2f}, expected {p}"


def test_both_backends_agree_with_the_exact_solution(backend):
    ts, ys = integrate_dde(negative_feedback, 1.0, (0.0, 5.0), 1 / 32, "rk4", args=(1.0,))
    assert isinstance(ys, np.ndarray) and ys.shape == (len(ts),)
    assert np.abs(ys - exact(ts)).max() < 2e-8


def test_vector_variables_with_one_lag_per_element(backend):
    taus = bm.array([1.0, 0.5, 0.25])
    hist = lambda t: bm.cos(t) + bm.zeros(3)   # noqa: E731  (bm: runs on both backends)
    ts, ys = integrate_dde(negative_feedback, hist, (0.0, 2.0), 0.05, "rk4", args=(taus,))
    assert ys.shape == (len(ts), 3)
    bm.use_backend("numpy")
    for i, tau in enumerate([1.0, 0.5, 0.25]):
        ts1, y1 = integrate_dde(negative_feedback, np.cos, (0.0, 2.0), 0.05, "rk4",
                                args=(tau,))
        np.testing.assert_allclose(ys[:, i], y1, atol=1e-12)


def mackey_glass(x, t, beta, gamma, n, tau, x_delay):
    xd = x_delay(t - tau)
    return beta * xd / (1 + xd ** n) - gamma * x


MG = dict(beta=0.2, gamma=0.1, n=10, tau=17.0, history=0.5, T=300.0)


def mackey_glass_reference():
    """scipy's DOP853 (rtol = atol = 1e-12) interval by interval (the method of
    steps by hand): on [k tau, (k+1) tau] the delayed term is the previous
    interval's dense output, so the solver never sees a derivative jump."""
    beta, gamma, n, tau = MG["beta"], MG["gamma"], MG["n"], MG["tau"]
    past, x0, pieces = (lambda t: MG["history"]), MG["history"], []
    for k in range(int(np.ceil(MG["T"] / tau))):
        def rhs(t, x, past=past):
            xd = past(t - tau)
            return beta * xd / (1 + xd ** n) - gamma * x
        sol = solve_ivp(rhs, (k * tau, min((k + 1) * tau, MG["T"])), [x0], method="DOP853",
                        rtol=1e-12, atol=1e-12, dense_output=True)
        pieces.append(sol.sol)
        past = (lambda s: lambda t: s(t)[0])(sol.sol)
        x0 = sol.y[0, -1]

    def at(ts):
        return np.array([pieces[min(int(t // tau), len(pieces) - 1)](t)[0] for t in ts])
    return at


@pytest.fixture(scope="module")
def mg_reference():
    return mackey_glass_reference()


def test_mackey_glass_against_an_independent_reference(mg_reference):
    args = (MG["beta"], MG["gamma"], MG["n"], MG["tau"])
    ts, xs = integrate_dde(mackey_glass, MG["history"], (0.0, MG["T"]), 0.1, "rk4", args=args)
    ref = mg_reference(ts)
    assert np.abs(xs - ref).max() < 2e-8        # observed 3e-9
    assert xs.min() < 0.6 and xs.max() > 1.2    # the irregular oscillation, not a fixed point
    errors = []
    for dt in (0.2, 0.1):
        ts, xs = integrate_dde(mackey_glass, MG["history"], (0.0, MG["T"]), dt, "heun2",
                               args=args)
        errors.append(np.abs(xs - mg_reference(ts)).max())
    assert abs(np.log2(errors[0] / errors[1]) - 2) < 0.15


def test_mackey_glass_on_jax_equals_numpy():
    args = (MG["beta"], MG["gamma"], MG["n"], MG["tau"])
    ts, x_np = integrate_dde(mackey_glass, MG["history"], (0.0, 100.0), 0.1, "rk4", args=args)
    bm.use_backend("jax")
    ts, x_jax = integrate_dde(mackey_glass, MG["history"], (0.0, 100.0), 0.1, "rk4",
                              args=args)
    np.testing.assert_allclose(x_jax, x_np, rtol=0, atol=1e-12)


def test_show_code_prints_the_step_that_runs(capsys):
    integral = bp.ddeint(negative_feedback, method="rk4", dt=0.01)
    integral.show_code()
    printed = capsys.readouterr().out
    assert "y_delay.record(t, y, y_k1)" in printed and "def rk4_step" in printed
    assert integral.source in printed
    assert repr(integral) == "<ddeint negative_feedback: rk4, dt=0.01>"


def test_steps_by_hand_equal_integrate_dde(backend):
    integral = bp.ddeint(negative_feedback, method="heun2")
    y_delay = Delay(history=1.0, dt=0.1, max_delay=1.0)
    y, t, ys = 1.0, 0.0, [1.0]
    for i in range(25):
        y = integral(y, t, 1.0, y_delay, dt=0.1)
        t = (i + 1) * 0.1
        ys.append(float(y))
    ts, expected = integrate_dde(negative_feedback, 1.0, (0.0, 2.5), 0.1, "heun2",
                                 args=(1.0,))
    np.testing.assert_allclose(ys, expected, atol=1e-13)


def test_two_variables_and_a_named_delay_parameter():
    """x' = y, y' = -x(t - 0.5): the past of x arrives as 'past' (delays=...)."""
    def f(x, y, t, past):
        return y, -past(t - 0.5)
    integral = bp.ddeint(f, method="rk4", delays={"past": "x"})
    ts, out = integrate_dde(integral, (np.cos, lambda t: -np.sin(t)), (0.0, 2.0), 0.01)
    assert out.shape == (len(ts), 2)
    # up to t = 0.5: x'' = -cos(t - 0.5) with x(0) = 1, x'(0) = 0
    t = ts[ts <= 0.5]
    exact_x = np.cos(t - 0.5) - np.cos(0.5) - np.sin(0.5) * t + 1.0
    np.testing.assert_allclose(out[: len(t), 0], exact_x, atol=1e-10)


class Feedback(bp.NeuGroup):
    """A group with delayed self-feedback x' = -x(t - tau)."""

    def __init__(self, size, tau=1.0, dt=0.1):
        super().__init__(size)
        self.x = bm.Variable(bm.ones(size))
        self.x_delay = Delay(1.0, dt=dt, max_delay=tau, shape=(size,))
        self.tau = tau

    @bp.ddeint(method="rk4")
    def integral(self, x, t, tau, x_delay):
        return -x_delay(t - tau)

    def update(self, _t, _dt):
        self.x[:] = self.integral(self.x, _t, self.tau, self.x_delay, dt=_dt)


def test_a_group_with_delayed_self_feedback_runs_without_jit(backend):
    group = Feedback(3)
    group.run(3.0, dt=0.1, jit=False, monitors=["x"])
    # on [0, 3] the solution is piecewise cubic: Hermite and rk4 (Simpson) are exact
    np.testing.assert_allclose(group.mon.x[-1], -1 / 6, atol=1e-12)


def test_compiled_models_refuse_a_delay_clearly(backend):
    group = Feedback(2)
    # both backends name the two ways out: plain Python, or the compiled DDE driver
    with pytest.raises((bp.CompileError, TypeError), match="jit=False.*integrate_dde"):
        group.run(1.0, dt=0.1, jit=True)


def test_bm_jit_refuses_a_ddeint_integral():
    integral = bp.ddeint(negative_feedback)
    with pytest.raises(TypeError, match="integrate_dde"):
        integral.compiled("numba")


@pytest.mark.parametrize("call,match", [
    (lambda: integrate_dde(negative_feedback, 1.0, (0, 2), 0.1, "rk4", args=(0.05,)),
     "lag is shorter than the step"),
    (lambda: integrate_dde(negative_feedback, lambda t: np.ones(3), (0, 2), 0.1,
                           args=(1.0,), y0=np.ones(2)), "shape"),
    (lambda: integrate_dde(negative_feedback, 1.0, (0, 2), 0.1), "args gives 0"),
    (lambda: integrate_dde(negative_feedback, 1.0, (0, 2), -0.1, args=(1.0,)), "dt must"),
    (lambda: integrate_dde(negative_feedback, 1.0, (2, 0), 0.1, args=(1.0,)), "t_end"),
    (lambda: bp.ddeint(lambda y, t, tau: -y), "no delay parameter"),
    (lambda: bp.ddeint(negative_feedback, method="rkdp"), "fixed-step"),
    (lambda: bp.ddeint(negative_feedback, delays={"tau": "z"}), "not a variable"),
    (lambda: Delay(1.0, dt=0.1, max_delay=0), "max_delay"),
    (lambda: Delay(lambda t: np.ones(3), dt=0.1, max_delay=1, shape=(2,)), "shape"),
])
def test_bad_input_says_what_to_change(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_a_lag_longer_than_the_delay_keeps_is_refused():
    integral = bp.ddeint(negative_feedback, method="rk4")
    y_delay = Delay(1.0, dt=0.1, max_delay=0.5)
    y, t = 1.0, 0.0
    with pytest.raises(ValueError, match="max_delay >= the longest lag"):
        for i in range(20):
            y = integral(y, t, 1.0, y_delay, dt=0.1)
            t = (i + 1) * 0.1


def test_steps_off_the_delays_grid_are_refused():
    integral = bp.ddeint(negative_feedback)
    y_delay = Delay(1.0, dt=0.1, max_delay=1.0)
    with pytest.raises(ValueError, match="delay's dt"):
        integral(1.0, 0.05, 1.0, y_delay, dt=0.1)
    with pytest.raises(ValueError, match="without gaps"):
        integral(1.0, 0.3, 1.0, y_delay, dt=0.1)


def test_jax_reports_a_short_lag_as_nan_with_the_causes():
    bm.use_backend("jax")
    with pytest.raises(ValueError, match="lag was shorter than dt"):
        integrate_dde(negative_feedback, 1.0, (0, 1), 0.1, "euler", args=(0.05,))


def test_jax_asks_for_bm_functions_in_the_history():
    bm.use_backend("jax")
    with pytest.raises(TypeError, match="bm.cos, not np.cos"):
        integrate_dde(negative_feedback, np.cos, (0, 1), 0.1, "euler", args=(0.5,))


def test_a_delay_of_the_wrong_shape_is_refused():
    integral = bp.ddeint(negative_feedback)
    y_delay = Delay(1.0, dt=0.1, max_delay=1.0)
    with pytest.raises(ValueError, match=r"shape=\(3,\)"):
        integral(np.ones(3), 0.0, 1.0, y_delay, dt=0.1)
