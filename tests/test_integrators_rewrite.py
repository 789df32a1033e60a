"""integrators/rewrite.py: the JAX step runs the derivative with whole-number float
exponents written as integers (m ** 3.0 -> m ** 3); the numbers stay those of the
code as written, to rounding."""
import inspect

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn.integrators import rewrite
from support import _restore_backend  # noqa: F401


def currents(m, n, t, V):
    return -120.0 * m ** 3.0 * (V - 50.0), -36.0 * n ** 4.0 * (V + 77.0) + m ** 2.5


class Gates:
    scale = 2.0

    def derivative(self, m, t):
        return -self.scale * m ** 2.0


def test_whole_number_exponents_become_integers_and_others_stay():
    new = rewrite.integer_powers(currents)
    text = inspect.getsource(currents)
    assert "** 3.0" in text and new is not currents
    code = new.__code__.co_consts
    ints = {c for c in code if type(c) is int}
    floats = {c for c in code if type(c) is float}
    assert {3, 4} <= ints and 2.5 in floats and not {3.0, 4.0} & floats
    m, n = np.linspace(0.01, 1.0, 7), np.linspace(0.02, 0.9, 7)
    for a, b in zip(new(m, n, 0.0, -30.0), currents(m, n, 0.0, -30.0)):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_a_bound_method_stays_bound_and_a_closure_is_left_alone():
    gates = Gates()
    new = rewrite.integer_powers(gates.derivative)
    assert new.__self__ is gates and new(0.5, 0.0) == -2.0 * 0.25
    k = 3.0

    def closure(x, t):
        return -k * x ** 2.0
    assert rewrite.integer_powers(closure) is closure
    same = lambda x, t: x ** 2.0  # noqa: E731  (a lambda: its source is not a def)
    assert rewrite.integer_powers(same) is same


def test_the_jax_step_matches_numpy_on_the_slides_powers(_restore_backend):
    integral = bp.odeint(currents, method="rk4")
    m, n = np.linspace(0.05, 0.95, 5), np.linspace(0.1, 0.8, 5)
    bm.use_backend("numpy")
    expected = integral(m, n, 0.0, -40.0, dt=0.01)
    bm.use_backend("jax")
    got = integral(bm.asarray(m), bm.asarray(n), 0.0, -40.0, dt=0.01)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-12)
