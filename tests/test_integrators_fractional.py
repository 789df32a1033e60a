"""Fractional differential equations (``bp.fdeint``, ``bp.integrators.integrate_fde``).

The reference for D^alpha y = -y, y(0) = 1 (Caputo) is the Mittag-Leffler function
E_alpha(-t^alpha), summed here from its power series (checked against its closed
forms at alpha = 1/2 and 1); a second reference is a manufactured smooth solution.
"""
import math

import numpy as np
import pytest
from scipy.special import erfcx

import braindyn as bp
import braindyn.math as bm
from braindyn.integrators import integrate_fde
from support import _restore_backend, backend, empirical_order  # noqa: F401


def mittag_leffler(alpha: float, z: float) -> float:
    """E_alpha(z) = sum_k z^k / Gamma(alpha k + 1), for z <= 0 and |z| <= ~3.

    Each term is formed from logarithms (no overflow), the sum stops when the
    terms fall below 1e-20 after they have peaked; with |z| <= 3 the largest
    term is below ~10, so cancellation costs at most one digit."""
    if z == 0.0:
        return 1.0
    total, k, log_z = 0.0, 0, math.log(abs(z))
    while True:
        term = math.exp(k * log_z - math.lgamma(alpha * k + 1.0))
        total += -term if (z < 0 and k % 2) else term
        if k > 5 and term < 1e-20:
            return total
        k += 1


def relaxation(alpha: float, ts) -> np.ndarray:
    """y(t) = E_alpha(-t^alpha), the solution of D^alpha y = -y, y(0) = 1."""
    return np.array([mittag_leffler(alpha, -t ** alpha) for t in np.atleast_1d(ts)])


def decay(y, t):
    return -y


def test_the_series_matches_the_closed_forms():
    for t in (0.1, 0.7, 1.5, 3.0):
        # E_1/2(-sqrt t) = exp(t) erfc(sqrt t);  E_1(-t) = exp(-t)
        assert abs(mittag_leffler(0.5, -math.sqrt(t)) - erfcx(math.sqrt(t))) < 1e-14
        assert abs(mittag_leffler(1.0, -t) - math.exp(-t)) < 1e-13


def final_errors(method, alpha, dts, T=1.0):
    exact = relaxation(alpha, T)[0]
    return [abs(integrate_fde(decay, alpha, 1.0, (0.0, T), dt, method)[1][-1] - exact)
            for dt in dts]


DTS = [1 / 40, 1 / 80, 1 / 160, 1 / 320]


@pytest.mark.parametrize("alpha", [0.5, 0.8])
def test_adams_bashforth_moulton_converges_at_order_one_plus_alpha(alpha):
    """E_alpha(-t^alpha) behaves like 1 - t^alpha / Gamma(1 + alpha) at 0, so
    D^alpha y is not smooth; the Adams method keeps the rate 1 + alpha
    (Diethelm, Ford & Freed 2004) at a fixed time."""
    order = empirical_order(DTS, final_errors("abm", alpha, DTS))
    assert abs(order - (1 + alpha)) < 0.12, f"observed {order:.2f}, expected {1 + alpha}"


@pytest.mark.parametrize("method", ["gl", "l1"])
def test_gl_and_l1_converge_at_order_one_on_the_relaxation(method):
    """gl is first order; l1 is 2 - alpha only for smooth solutions, and first
    order at a fixed time for this one (Jin, Lazarov & Zhou 2016)."""
    order = empirical_order(DTS, final_errors(method, 0.5, DTS))
    assert abs(order - 1.0) < 0.1, f"{method}: observed {order:.2f}, expected 1"


def smooth(y, t, alpha):
    """D^alpha y = -y + t^2 + 2 t^(2-alpha) / Gamma(3-alpha): y = t^2 (D^alpha t^2 =
    2 t^(2-alpha) / Gamma(3-alpha)), a solution in C^2."""
    return -y + t ** 2 + 2 * t ** (2 - alpha) / math.gamma(3 - alpha)


@pytest.mark.parametrize("alpha", [0.3, 0.5, 0.8])
def test_l1_converges_at_order_two_minus_alpha_on_a_smooth_solution(alpha):
    errors = []
    for dt in DTS:
        ts, ys = integrate_fde(smooth, alpha, 0.0, (0.0, 1.0), dt, "l1", args=(alpha,))
        errors.append(np.abs(ys - ts ** 2).max())
    order = empirical_order(DTS, errors)
    assert abs(order - (2 - alpha)) < 0.1, f"observed {order:.2f}, expected {2 - alpha}"


def test_the_solution_on_zero_to_three_on_both_backends(backend):
    """The largest error is at the first step, where y ~ 1 - t^alpha / Gamma(1 + alpha)
    is least smooth (observed at dt = 0.01: abm 3.5e-4, l1 1.4e-2, gl 4.1e-3; at
    t = 3: 1.1e-5, 2.3e-4, 4.1e-4)."""
    results = {}
    exact = relaxation(0.6, np.linspace(0.0, 3.0, 301))
    for method, tol, tol_end in (("abm", 5e-4, 2e-5), ("l1", 2e-2, 4e-4), ("gl", 6e-3, 6e-4)):
        ts, ys = integrate_fde(decay, 0.6, 1.0, (0.0, 3.0), 0.01, method)
        assert isinstance(ys, np.ndarray) and ys.shape == (301,)
        err = np.abs(ys - exact)
        assert err.max() < tol and err[-1] < tol_end, \
            f"{method}: max error {err.max():.2e}, at t = 3 {err[-1]:.2e}"
        results[method] = ys
    if backend == "jax":   # the same numbers as NumPy, to rounding
        bm.use_backend("numpy")
        for method, ys in results.items():
            ts, ref = integrate_fde(decay, 0.6, 1.0, (0.0, 3.0), 0.01, method)
            np.testing.assert_allclose(ys, ref, atol=1e-13)


def test_alpha_one_is_the_ode():
    dt, n = 0.01, 200
    ts, gl = integrate_fde(decay, 1.0, 1.0, (0.0, 2.0), dt, "gl")
    euler = bp.odeint(decay, method="euler")
    y, expected = 1.0, [1.0]
    for i in range(n):
        y = euler(y, i * dt, dt=dt)
        expected.append(y)
    np.testing.assert_allclose(gl, expected, rtol=1e-12)                 # forward Euler
    ts, l1 = integrate_fde(decay, 1.0, 1.0, (0.0, 2.0), dt, "l1")
    np.testing.assert_allclose(l1, (1 + dt) ** -np.arange(n + 1), rtol=1e-10)  # backward Euler
    errors = [np.abs(integrate_fde(decay, 1.0, 1.0, (0.0, 2.0), h, "abm")[1][-1]
                     - math.exp(-2.0)) for h in (0.02, 0.01, 0.005)]
    assert abs(empirical_order([0.02, 0.01, 0.005], errors) - 2) < 0.05
    assert errors[-1] < 1e-5


def test_several_variables_and_parameters():
    def pair(x, y, t, kx, ky=2.0):
        return -kx * x, -ky * y
    integral = bp.fdeint(pair, alpha=0.7, method="abm", dt=0.01)
    ts, out = integral.run([1.0, 1.0], (0.0, 1.0), args=(1.0,))
    assert out.shape == (101, 2)
    np.testing.assert_allclose(out[:, 0], relaxation(0.7, ts), atol=2e-4)
    exact_y = [mittag_leffler(0.7, -2.0 * t ** 0.7) for t in ts]
    np.testing.assert_allclose(out[:, 1], exact_y, atol=5e-4)


@pytest.mark.parametrize("method", ["gl", "l1"])
def test_short_memory_error_shrinks_with_the_window_within_the_bound(method):
    """Dropping the terms older than L steps changes D^alpha y by at most
    |y(t - L dt) - y0| (L dt)^-alpha / Gamma(1 - alpha) (Podlubny 1999, 7.3); for
    this stable linear equation the solution moves by no more."""
    alpha, dt = 0.5, 0.05
    ts, full = integrate_fde(decay, alpha, 1.0, (0.0, 20.0), dt, method)
    errors = []
    for L in (10, 40, 160):
        ts, short = integrate_fde(decay, alpha, 1.0, (0.0, 20.0), dt, method, memory=L)
        errors.append(np.abs(short - full).max())
        bound = (1 - full.min()) * (L * dt) ** -alpha / math.gamma(1 - alpha)
        assert errors[-1] <= bound
    assert errors[0] > errors[1] > errors[2]
    ts, same = integrate_fde(decay, alpha, 1.0, (0.0, 20.0), dt, method, memory=401)
    np.testing.assert_array_equal(same, full)      # a window longer than the run: no change


def test_show_code_prints_the_memory_sum_and_the_step(capsys):
    integral = bp.fdeint(decay, alpha=0.5, method="abm")
    integral.show_code()
    out = capsys.readouterr().out
    assert "def memory_sum" in out and "def abm_step" in out and "predictor" in out
    assert repr(integral) == "<fdeint decay: abm, alpha=0.5, dt=0.1>"


def test_methods_lists_the_new_solvers():
    assert [m.name for m in bp.integrators.methods(equation="fde")] == ["gl", "l1", "abm"]
    dde = bp.integrators.methods(equation="dde")
    assert "rk4" in {m.name for m in dde} and all(not m.adaptive for m in dde)
    assert "methods(equation='fde')" in repr(bp.integrators.methods())
    assert len(bp.integrators.methods(equation="all")) == \
        len(bp.integrators.methods()) + len(dde) + 3


@pytest.mark.parametrize("call,match", [
    (lambda: bp.fdeint(decay, alpha=0.0), "0 < alpha <= 1"),
    (lambda: bp.fdeint(decay, alpha=1.5), "0 < alpha <= 1"),
    (lambda: bp.fdeint(decay, alpha=True), "0 < alpha <= 1"),
    (lambda: bp.fdeint(decay), "needs the order alpha"),
    (lambda: bp.fdeint(0.5), "first argument is the derivative"),
    (lambda: bp.fdeint(decay, alpha=0.5, method="adm"), "did you mean 'abm'"),
    (lambda: bp.fdeint(decay, alpha=0.5, method="abm", memory=10), "no short-memory"),
    (lambda: bp.fdeint(decay, alpha=0.5, method="l1", memory=0), "memory must be"),
    (lambda: bp.fdeint(decay, alpha=0.5, dt=0), "dt must"),
    (lambda: integrate_fde(decay, 0.5, 1.0, (0.0, 1.0), 0.3), "does not divide"),
    (lambda: integrate_fde(decay, 0.5, 1.0, (0.0, 1.0), 0.1, args=(1.0,)), "args gives 1"),
    (lambda: integrate_fde(lambda x, y, t: (-x, -y), 0.5, 1.0, (0.0, 1.0), 0.1),
     "sequence of 2 values"),
    (lambda: bp.fdeint(decay, alpha=0.5)(1.0, 0.0), "has memory"),
])
def test_bad_input_says_what_to_change(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
