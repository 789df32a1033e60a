"""Fixed-step explicit Runge-Kutta methods, one Butcher tableau each.

Every entry below follows one template: textbook name, order, stages, other
names, reference.  The stepper that runs them is ``codegen.rk_step_source``.
"""
import math

from .butcher import F, ButcherTableau

# Euler (forward Euler). Order 1, 1 stage.  y_new = y + dt * f(y, t).
# Reference: L. Euler, Institutionum calculi integralis, 1768; Hairer et al. I.7.
EULER = ButcherTableau(
    name="euler", long_name="forward Euler", order=1,
    c=(0,), A=((),), b=(1,),
    aliases=("forward_euler", "explicit_euler"),
    reference="Hairer, Norsett, Wanner, Solving ODEs I (1993), section I.7")

# Explicit midpoint. Order 2, 2 stages.
MIDPOINT = ButcherTableau(
    name="midpoint", long_name="explicit midpoint", order=2,
    c=(0, F(1, 2)), A=((), (F(1, 2),)), b=(0, 1),
    aliases=("explicit_midpoint", "modified_euler"),
    reference="Hairer, Norsett, Wanner, Solving ODEs I (1993), eq. II.1.3")

# Heun's second-order method (explicit trapezoid). Order 2, 2 stages.
HEUN2 = ButcherTableau(
    name="heun2", long_name="Heun's second-order method", order=2,
    c=(0, 1), A=((), (1,)), b=(F(1, 2), F(1, 2)),
    aliases=("heun", "explicit_trapezoid", "improved_euler"),
    reference="K. Heun, Z. Math. Phys. 45 (1900) 23-38")

# Ralston's second-order method: minimal error bound among 2-stage methods.
RALSTON2 = ButcherTableau(
    name="ralston2", long_name="Ralston's second-order method", order=2,
    c=(0, F(2, 3)), A=((), (F(2, 3),)), b=(F(1, 4), F(3, 4)),
    aliases=("ralston",),
    reference="A. Ralston, Math. Comp. 16 (1962) 431-437")

# The generic second-order family c2 = a21 = beta, b = (1 - 1/(2 beta), 1/(2 beta)).
# BrainPy's 'rk2' takes beta = 2/3 by default, which is Ralston's method; we keep
# that name and choice so code from the course runs the same.
RK2 = ButcherTableau(
    name="rk2", long_name="generic second-order Runge-Kutta (beta = 2/3)", order=2,
    c=(0, F(2, 3)), A=((), (F(2, 3),)), b=(F(1, 4), F(3, 4)),
    reference="Hairer, Norsett, Wanner, Solving ODEs I (1993), eq. II.1.14; "
              "BrainPy's rk2 with beta = 2/3")

# Kutta's third-order method. Order 3, 3 stages.
RK3 = ButcherTableau(
    name="rk3", long_name="Kutta's third-order method", order=3,
    c=(0, F(1, 2), 1), A=((), (F(1, 2),), (-1, 2)), b=(F(1, 6), F(2, 3), F(1, 6)),
    aliases=("kutta3",),
    reference="W. Kutta, Z. Math. Phys. 46 (1901) 435-453")

# Heun's third-order method. Order 3, 3 stages.
HEUN3 = ButcherTableau(
    name="heun3", long_name="Heun's third-order method", order=3,
    c=(0, F(1, 3), F(2, 3)), A=((), (F(1, 3),), (0, F(2, 3))), b=(F(1, 4), 0, F(3, 4)),
    reference="K. Heun, Z. Math. Phys. 45 (1900) 23-38")

# Ralston's third-order method. Order 3, 3 stages.
RALSTON3 = ButcherTableau(
    name="ralston3", long_name="Ralston's third-order method", order=3,
    c=(0, F(1, 2), F(3, 4)), A=((), (F(1, 2),), (0, F(3, 4))), b=(F(2, 9), F(1, 3), F(4, 9)),
    reference="A. Ralston, Math. Comp. 16 (1962) 431-437")

# Third-order strong-stability-preserving Runge-Kutta (Shu-Osher). Order 3, 3 stages.
SSPRK3 = ButcherTableau(
    name="ssprk3", long_name="third-order strong stability preserving Runge-Kutta", order=3,
    c=(0, 1, F(1, 2)), A=((), (1,), (F(1, 4), F(1, 4))), b=(F(1, 6), F(1, 6), F(2, 3)),
    aliases=("ssp_rk3", "tvd_rk3", "shu_osher"),
    reference="C.-W. Shu, S. Osher, J. Comput. Phys. 77 (1988) 439-471")

# The classical Runge-Kutta method. Order 4, 4 stages.
RK4 = ButcherTableau(
    name="rk4", long_name="classical Runge-Kutta", order=4,
    c=(0, F(1, 2), F(1, 2), 1), A=((), (F(1, 2),), (0, F(1, 2)), (0, 0, 1)),
    b=(F(1, 6), F(1, 3), F(1, 3), F(1, 6)),
    aliases=("classical_rk4", "runge_kutta4"),
    reference="W. Kutta, Z. Math. Phys. 46 (1901) 435-453")

# Ralston's fourth-order method: minimal truncation error bound. Order 4, 4 stages.
# Exact coefficients from Ralston (1962); they involve sqrt(5).
_S5 = math.sqrt(5.0)
RALSTON4 = ButcherTableau(
    name="ralston4", long_name="Ralston's fourth-order method", order=4,
    c=(0, 0.4, 7 / 8 - 3 * _S5 / 16, 1),
    A=((),
       (0.4,),
       ((-2889 + 1428 * _S5) / 1024, (3785 - 1620 * _S5) / 1024),
       ((-3365 + 2094 * _S5) / 6040, (-975 - 3046 * _S5) / 2552,
        (467040 + 203968 * _S5) / 240845)),
    b=((263 + 24 * _S5) / 1812, (125 - 1000 * _S5) / 3828,
       1024 * (3346 + 1623 * _S5) / 5924787, (30 - 4 * _S5) / 123),
    reference="A. Ralston, Math. Comp. 16 (1962) 431-437")

# Kutta's 3/8-rule fourth-order method. Order 4, 4 stages.
RK4_38RULE = ButcherTableau(
    name="rk4_38rule", long_name="Runge-Kutta 3/8-rule", order=4,
    c=(0, F(1, 3), F(2, 3), 1), A=((), (F(1, 3),), (F(-1, 3), 1), (1, -1, 1)),
    b=(F(1, 8), F(3, 8), F(3, 8), F(1, 8)),
    aliases=("rk38", "three_eighths"),
    reference="W. Kutta, Z. Math. Phys. 46 (1901) 435-453")

FIXED_STEP = (EULER, MIDPOINT, HEUN2, RALSTON2, RK2, RK3, HEUN3, RALSTON3, SSPRK3, RK4,
              RALSTON4, RK4_38RULE)
