"""The same integration agrees on NumPy, JAX, and compiled (Numba / jax.jit)."""
import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn.models import hh_derivatives, hodgkin_huxley
from support import _restore_backend  # noqa: F401

METHODS = ["euler", "rk4", "ralston4", "rkf45", "exponential_euler"]


def run(method, backend, compiled, t_end=20.0):
    bm.use_backend(backend)
    ts, ys = bp.integrate(hh_derivatives, hodgkin_huxley.INITIAL_STATE, (0.0, t_end), dt=0.02,
                          method=method, args=(10.0,), jit=compiled)
    bm.use_backend("numpy")
    return ys


@pytest.mark.parametrize("method", METHODS)
def test_numpy_jax_and_compiled_agree(method):
    ref = run(method, "numpy", False)
    assert np.all(np.isfinite(ref)) and ref[:, 0].max() > 0, "no spike: a void comparison"
    # JAX without jit dispatches every operation from Python (about 10 s for the whole
    # run): its first 4 ms, the upstroke of the first spike, are compared
    for backend, compiled, t_end in [("jax", False, 4.0), ("numpy", True, 20.0),
                                     ("jax", True, 20.0)]:
        got = run(method, backend, compiled, t_end)
        np.testing.assert_allclose(got, ref[:len(got)], rtol=0, atol=1e-10,
                                   err_msg=f"{method} on {backend}, compiled={compiled}")


@pytest.mark.parametrize("backend_name", ["numpy", "jax"])
def test_integral_inside_bm_jit_and_for_loop(backend_name):
    """The integral is callable in compiled code; bm.for_loop runs the time loop."""
    integral = bp.odeint(hh_derivatives, method="rk4")

    def body(i, state):
        V, m, h, n = state
        return integral(V, m, h, n, i * 0.01, 10.0, dt=0.01)

    bm.use_backend(backend_name)
    V, m, h, n = bm.for_loop(body, 2000, tuple(float(x) for x in hodgkin_huxley.INITIAL_STATE))
    bm.use_backend("numpy")
    _, ys = bp.integrate(hh_derivatives, hodgkin_huxley.INITIAL_STATE, (0.0, 20.0), dt=0.01,
                         method="rk4", args=(10.0,))
    np.testing.assert_allclose([float(V), float(m), float(h), float(n)], ys[-1], atol=1e-10)


def test_adaptive_integral_under_jax_jit_matches_python():
    import jax
    integral = bp.odeint(lambda x, y, t, a: (-a * y, a * x), method="rkdp", adaptive=True,
                         tol=1e-9)
    py = integral(1.0, 0.0, 0.0, 2.0, dt=0.7)
    bm.use_backend("jax")
    jitted = jax.jit(lambda x, y: integral(x, y, 0.0, 2.0, dt=0.7))(1.0, 0.0)
    np.testing.assert_allclose([float(v) for v in jitted], [float(v) for v in py], atol=1e-12)
    np.testing.assert_allclose([float(jitted[0]), float(jitted[1])],
                               [np.cos(1.4), np.sin(1.4)], atol=1e-8)
