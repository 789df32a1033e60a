"""odeint's interface: shapes, methods of classes, show_code, exponential Euler, SDEs."""
import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from support import _restore_backend  # noqa: F401


def test_decorator_forms_and_default_dt():
    @bp.odeint
    def a(x, t):
        return -x

    @bp.odeint(method="rk4", dt=0.05)
    def b(x, t):
        return -x

    assert a.method == "euler" and a.dt == 0.1
    assert abs(a(1.0, 0.0) - 0.9) < 1e-15  # Euler with the default dt = 0.1
    assert abs(b(1.0, 0.0) - np.exp(-0.05)) < 1e-8
    assert abs(b(1.0, 0.0, dt=0.1) - bp.odeint(lambda x, t: -x, method="rk4")(1.0, 0.0)) < 1e-15


def test_scalars_vectors_and_matrices():
    integral = bp.odeint(lambda x, y, t, a: (-a * x, a * x - y), method="rk4")
    for shape in [(), (3,), (2, 4)]:
        x0, y0 = np.ones(shape), np.zeros(shape)
        x1, y1 = integral(x0, y0, 0.0, 2.0, dt=0.01)
        assert np.shape(x1) == shape and np.shape(y1) == shape
        np.testing.assert_allclose(x1, np.exp(-0.02), rtol=1e-9)


def test_parameters_keep_their_defaults():
    integral = bp.odeint(lambda x, t, tau=10.0: -x / tau, method="rk4")
    assert abs(integral(1.0, 0.0, dt=1.0) - np.exp(-0.1)) < 1e-6
    assert abs(integral(1.0, 0.0, 5.0, dt=1.0) - np.exp(-0.2)) < 1e-5


def test_integral_as_a_method_of_a_class():
    class Decay:
        def __init__(self, tau):
            self.tau = tau

        @bp.odeint(method="rk4")
        def integral(self, x, t):
            return -x / self.tau

    d = Decay(tau=2.0)
    assert abs(d.integral(1.0, 0.0, dt=0.1) - np.exp(-0.05)) < 1e-8
    assert "rk4_step(self, x, t" in d.integral.source


def test_show_code_prints_the_code_that_runs(capsys):
    integral = bp.odeint(lambda v, w, t, I: (v - v ** 3 / 3 - w + I, 0.08 * (v + 0.7 - 0.8 * w)),
                         method="heun2", show_code=True)
    out = capsys.readouterr().out
    assert "def heun2_step(v, w, t, I, dt=0.1):" in out
    assert "v_new = v + dt * (1/2 * v_k1 + 1/2 * v_k2)" in out
    # the printed code is the code that runs: executing it gives the integral's answer
    ns = {"f": integral.f, "xp": np}
    exec(integral.source, ns)
    assert ns["heun2_step"](0.1, 0.2, 0.0, 0.5) == integral(0.1, 0.2, 0.0, 0.5)


def test_exponential_euler_is_exact_for_linear_equations():
    """x' = a x + b: exp. Euler gives x(t) exactly, on each variable of a system."""
    a, b = -3.0, 2.0

    @bp.odeint(method="exponential_euler")
    def lin(x, y, t):
        return a * x + b, -0.5 * y + 1.0

    x, y, t, dt = 1.0, -2.0, 0.0, 0.7
    for _ in range(10):
        x, y = lin(x, y, t, dt=dt)
        t += dt
    x_exact = -b / a + (1.0 + b / a) * np.exp(a * t)
    y_exact = 2.0 + (-2.0 - 2.0) * np.exp(-0.5 * t)
    assert abs(x - x_exact) < 1e-12 and abs(y - y_exact) < 1e-12
    # a derivative independent of x (A = 0) gives the plain Euler update, not 0/0
    flat = bp.odeint(lambda x, t: 2.0, method="exponential_euler")
    assert flat(1.0, 0.0, dt=0.5) == 2.0


def test_exponential_euler_uses_the_true_linearisation():
    """For a nonlinear x' = -x^3 the linear coefficient is -3x^2 (checked on one step)."""
    integral = bp.odeint(lambda x, t: -x ** 3, method="exp_euler")
    x0, dt = 2.0, 0.1
    A = -3 * x0 ** 2
    expected = x0 + (np.expm1(A * dt) / A) * (-x0 ** 3)
    assert abs(integral(x0, 0.0, dt=dt) - expected) < 1e-8


def test_sde_euler_maruyama_ornstein_uhlenbeck_statistics(backend_numpy_and_jax):
    """dx = -theta x dt + sigma dW: stationary mean 0 and variance sigma^2 / (2 theta)."""
    theta, sigma = 1.0, 0.5
    integral = bp.sdeint(lambda x, t: -theta * x, lambda x, t: sigma, method="euler")
    bm.random.seed(3)
    x, dt = bm.zeros(20000), 0.01
    for i in range(600):
        x = integral(x, i * dt, dt=dt)
    x = bm.as_numpy(x)
    # Euler-Maruyama's stationary variance is sigma^2 / (2 theta - theta^2 dt)
    var = sigma ** 2 / (2 * theta - theta ** 2 * dt)
    assert abs(x.mean()) < 4 * np.sqrt(var / x.size)
    assert abs(x.var() - var) < 0.03 * var


@pytest.fixture(params=["numpy", "jax"])
def backend_numpy_and_jax(request):
    bm.use_backend(request.param)
    yield request.param
    bm.use_backend("numpy")


def test_sde_milstein_beats_euler_on_geometric_brownian_motion():
    """dX = mu X dt + s X dW has X_T = X_0 exp((mu - s^2/2) T + s W_T).  With the
    same Brownian increments Milstein's strong error is much smaller (order 1 vs 1/2)."""
    mu, s, T, n, paths = 0.5, 0.8, 1.0, 64, 4000
    dt = T / n
    errors = {}
    for method in ("euler", "milstein"):
        integral = bp.sdeint(lambda x, t: mu * x, lambda x, t: s * x, method=method)
        bm.random.seed(11)
        x, W = np.ones(paths), np.zeros(paths)
        for i in range(n):
            state = np.random.get_state()
            dW = np.sqrt(dt) * np.random.standard_normal(paths)  # the draw the step will make
            np.random.set_state(state)
            x = integral(x, i * dt, dt=dt)
            W += dW
        exact = np.exp((mu - s ** 2 / 2) * T + s * W)
        errors[method] = np.mean(np.abs(x - exact))
    assert errors["milstein"] < 0.35 * errors["euler"], errors


def test_sde_needs_both_functions():
    with pytest.raises(TypeError, match="drift f and the diffusion g"):
        bp.sdeint(lambda x, t: -x)
    with pytest.raises(ValueError, match="unknown SDE method 'milstien'.*'milstein'"):
        bp.sdeint(lambda x, t: -x, lambda x, t: 1.0, method="milstien")
