"""Exponential Euler's linear coefficients, differentiated from the derivative's code
(integrators/linear_part.py): each is compared with the derivative worked out by
hand, or with a central difference of the derivative at tight tolerance."""
import math

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn.integrators import linear_part
from braindyn.integrators.signature import read_signature


def coefficients(f):
    found = linear_part.coefficient_function(f, read_signature(f), "f_linear")
    assert found is not None, f"{f.__name__} should be differentiable"
    return found


def synapse(g_syn, t, tau):
    return -g_syn / tau


def gate(m, t, V):
    alpha = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    beta = 4.0 * np.exp(-(V + 65) / 18)
    return alpha * (1 - m) - beta * m


def nonlinear(x, y, t, a):
    s = a * x * x
    s += bm.exp(x / 3.0) - math.sin(x) * y
    dy = np.tanh(y) ** 3 + bm.log1p(x * x) + np.maximum(y, 0.5 * x)
    return s / (1.0 + y * y), np.where(x > 0, dy, -y / a)


def with_a_branch(x, t):
    if x > 0:
        return -x
    return x


def with_own_function(x, t):
    return -synapse(x, t, 2.0)


def test_a_decay_has_the_coefficient_minus_one_over_tau_and_is_linear():
    text, fA, affine = coefficients(synapse)
    assert fA(3.0, 0.0, 5.0) == -1.0 / 5.0
    assert affine == (True,)
    assert "g_syn" not in text.split("return")[-1]     # nothing of g in A


def test_an_hh_gate_has_minus_alpha_minus_beta_and_is_linear_in_m():
    _, fA, affine = coefficients(gate)
    for V in (-80.0, -65.0, -30.0, 10.0):
        alpha = 0.1 * (V + 40) / (1 - math.exp(-(V + 40) / 10))
        beta = 4.0 * math.exp(-(V + 65) / 18)
        assert fA(0.3, 0.0, V) == pytest.approx(-alpha - beta, rel=1e-14)
    assert affine == (True,)


@pytest.mark.parametrize("x,y", [(0.7, -0.4), (-1.3, 0.9), (2.0, 2.5)])
def test_a_nonlinear_system_against_a_central_difference(x, y):
    _, fA, affine = coefficients(nonlinear)
    assert affine == (False, False)
    A_x, A_y = fA(x, y, 0.0, 1.7)
    h = 1e-6
    dx = (nonlinear(x + h, y, 0.0, 1.7)[0] - nonlinear(x - h, y, 0.0, 1.7)[0]) / (2 * h)
    dy = (nonlinear(x, y + h, 0.0, 1.7)[1] - nonlinear(x, y - h, 0.0, 1.7)[1]) / (2 * h)
    assert A_x == pytest.approx(dx, rel=1e-7)
    assert A_y == pytest.approx(dy, rel=1e-7)


@pytest.mark.parametrize("f,rate", [(with_a_branch, -1.0), (with_own_function, 0.5)])
def test_code_it_cannot_differentiate_keeps_the_central_difference(f, rate):
    assert linear_part.coefficient_function(f, read_signature(f), "f_linear") is None
    integral = bp.odeint(f, method="exponential_euler")
    assert "central difference" in integral.source
    assert integral(1.0, 0.0, dt=0.1) == pytest.approx(math.exp(0.1 * rate), rel=1e-9)


def test_a_linear_equation_takes_its_exact_step():
    # dV/dt = (-(V - E) + R I) / tau: exactly V_inf + (V - V_inf) exp(-dt / tau)
    def lif(V, t, I, E=-65.0, R=2.0, tau=10.0):
        return (-(V - E) + R * I) / tau
    integral = bp.odeint(lif, method="exponential_euler")
    assert "differentiated from the code" in integral.source
    assert "central difference" not in integral.source
    V, I, dt = np.array([-70.0, -50.0, 0.0]), np.array([1.0, 20.0, -3.0]), 0.37
    exact = (-65.0 + 2.0 * I) + (V - (-65.0 + 2.0 * I)) * math.exp(-dt / 10.0)
    np.testing.assert_allclose(integral(V, 0.0, I, dt=dt), exact, rtol=1e-15, atol=1e-13)


def test_the_compiled_synapse_decays_by_the_exact_factor():
    # a group of synapses alone, compiled: g(t) = exp(-t / tau) g(0), exactly per step
    class Decay(bp.NeuGroup):
        def __init__(self):
            super().__init__(3)
            self.tau = 4.0
            self.g = bm.Variable(bm.asarray([1.0, 2.0, 3.0]))
            self.integral = bp.odeint(self.derivative, method="exponential_euler")

        def derivative(self, g_syn, t):
            return -g_syn / self.tau

        def update(self, _t, _dt):
            self.g[:] = self.integral(self.g, _t, dt=_dt)

    for jit in (True, False):
        model = Decay()
        model.run(10.0, dt=0.1, jit=jit)
        np.testing.assert_allclose(np.asarray(model.g), np.array([1.0, 2.0, 3.0]) *
                                   math.exp(-10.0 / 4.0), rtol=1e-13)
