"""Bad input gets a clear error that says what to change (never a wrong answer)."""
import math

import numpy as np
import pytest

import braindyn as bp


def f(x, y, t, a):
    return -a * x, x - y


def test_unknown_method_names_the_closest():
    with pytest.raises(ValueError, match=r"unknown integration method 'rk5'.*did you mean.*'rk4'"):
        bp.odeint(f, method="rk5")
    with pytest.raises(ValueError, match="'exponential_euler'"):
        bp.odeint(f, method="exponential_eular")
    with pytest.raises(TypeError, match="method must be a name"):
        bp.odeint(f, method=4)


@pytest.mark.parametrize("dt", [0.0, -0.1, math.nan, math.inf])
def test_dt_must_be_finite_and_positive(dt):
    integral = bp.odeint(f, method="rk4")
    with pytest.raises(ValueError, match="dt must be a finite positive number"):
        integral(1.0, 0.0, 0.0, 1.0, dt=dt)
    with pytest.raises(ValueError, match="dt must be a finite positive number"):
        bp.odeint(f, method="rk4", dt=dt)
    with pytest.raises(ValueError, match="dt must be a finite positive number"):
        bp.integrate(f, [1.0, 0.0], (0, 1), dt=dt, args=(1.0,))


def test_dt_must_be_a_number():
    with pytest.raises(TypeError, match="dt must be a number"):
        bp.odeint(f, method="rk4")(1.0, 0.0, 0.0, 1.0, dt="0.1")


def test_wrong_number_of_derivatives():
    integral = bp.odeint(lambda x, y, t: (-x, -y, 0.0), method="rk4")
    with pytest.raises(ValueError, match=r"returned 3 values, but it has 2 variables \(x, y\)"):
        integral(1.0, 1.0, 0.0)
    single = bp.odeint(lambda x, t: (-x, 1.0), method="euler")
    with pytest.raises(ValueError, match="has one variable"):
        single(1.0, 0.0)


def test_derivative_of_the_wrong_shape():
    integral = bp.odeint(lambda x, t: np.ones(3), method="euler")
    with pytest.raises(ValueError, match=r"shape \(3,\) for variable 'x', which has shape \(5,\)"):
        integral(np.zeros(5), 0.0)


@pytest.mark.parametrize("tol", [0.0, -1e-3, math.nan, "1e-3"])
def test_tol_must_be_positive(tol):
    with pytest.raises(ValueError, match="tol must be a finite positive number"):
        bp.odeint(f, method="rkdp", adaptive=True, tol=tol)


def test_derivative_signature_problems_are_explained():
    with pytest.raises(ValueError, match="no parameter named 't'"):
        bp.odeint(lambda x, time: -x)
    with pytest.raises(ValueError, match="no variables before t"):
        bp.odeint(lambda t, a: -a)
    with pytest.raises(ValueError, match="uses the name 'dt'"):
        bp.odeint(lambda x, t, dt: -x)
    with pytest.raises(TypeError, match="derivative must be a function"):
        bp.odeint(3.0)
    with pytest.raises(TypeError, match=r"odeint\(method='rk4'\)"):
        bp.odeint("rk4")


def test_integrate_checks_its_arguments():
    with pytest.raises(ValueError, match="t_end > t_start"):
        bp.integrate(f, [1.0, 0.0], (1, 0), args=(1.0,))
    with pytest.raises(ValueError, match="give y0 as a sequence of 2 values"):
        bp.integrate(f, 1.0, (0, 1), args=(1.0,))
    with pytest.raises(ValueError, match=r"parameters \('a',\) after t"):
        bp.integrate(f, [1.0, 0.0], (0, 1))
