"""Embedded Runge-Kutta pairs for adaptive step size, one tableau each.

``b`` is the solution that is propagated, ``b_hat`` its companion; the error
estimate of a step is ``dt * sum((b - b_hat) * k)``.  Step-size control lives
in ``step_size.py``, apart from the methods.
"""
from .butcher import F, embedded

# Runge-Kutta-Fehlberg 4(5). Order 4 propagated (Fehlberg's choice), 5 embedded, 6 stages.
RKF45 = embedded(
    "rkf45", "Runge-Kutta-Fehlberg 4(5)",
    c=(0, F(1, 4), F(3, 8), F(12, 13), 1, F(1, 2)),
    A=((), (F(1, 4),), (F(3, 32), F(9, 32)),
       (F(1932, 2197), F(-7200, 2197), F(7296, 2197)),
       (F(439, 216), -8, F(3680, 513), F(-845, 4104)),
       (F(-8, 27), 2, F(-3544, 2565), F(1859, 4104), F(-11, 40))),
    b=(F(25, 216), 0, F(1408, 2565), F(2197, 4104), F(-1, 5), 0),
    b_hat=(F(16, 135), 0, F(6656, 12825), F(28561, 56430), F(-9, 50), F(2, 55)),
    order=4, error_order=5, aliases=("fehlberg45", "rkf4"),
    reference="E. Fehlberg, NASA TR R-315 (1969)")

# Runge-Kutta-Fehlberg 1(2). Order 2 propagated, 1 embedded, 3 stages.
# We propagate the second-order row, as BrainPy does: the first-order row's error
# is dominated by dt^3 terms that both rows share, so the difference of the rows
# underestimates it, and steps "within tol" would not be.
RKF12 = embedded(
    "rkf12", "Runge-Kutta-Fehlberg 1(2)",
    c=(0, F(1, 2), 1),
    A=((), (F(1, 2),), (F(1, 256), F(255, 256))),
    b=(F(1, 512), F(255, 256), F(1, 512)),
    b_hat=(F(1, 256), F(255, 256), 0),
    order=2, error_order=1, aliases=("fehlberg12",),
    reference="E. Fehlberg, NASA TR R-315 (1969)")

# Dormand-Prince 5(4). Order 5 propagated (local extrapolation), 4 embedded, 7 stages.
# The same pair as scipy's RK45 and MATLAB's ode45.
RKDP = embedded(
    "rkdp", "Dormand-Prince 5(4)",
    c=(0, F(1, 5), F(3, 10), F(4, 5), F(8, 9), 1, 1),
    A=((), (F(1, 5),), (F(3, 40), F(9, 40)),
       (F(44, 45), F(-56, 15), F(32, 9)),
       (F(19372, 6561), F(-25360, 2187), F(64448, 6561), F(-212, 729)),
       (F(9017, 3168), F(-355, 33), F(46732, 5247), F(49, 176), F(-5103, 18656)),
       (F(35, 384), 0, F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84))),
    b=(F(35, 384), 0, F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84), 0),
    b_hat=(F(5179, 57600), 0, F(7571, 16695), F(393, 640), F(-92097, 339200),
           F(187, 2100), F(1, 40)),
    order=5, error_order=4, aliases=("dopri5", "dormand_prince", "dp5", "rk45"),
    reference="J. R. Dormand, P. J. Prince, J. Comput. Appl. Math. 6 (1980) 19-26")

# Cash-Karp 5(4). Order 5 propagated, 4 embedded, 6 stages.
CK = embedded(
    "ck", "Cash-Karp 5(4)",
    c=(0, F(1, 5), F(3, 10), F(3, 5), 1, F(7, 8)),
    A=((), (F(1, 5),), (F(3, 40), F(9, 40)),
       (F(3, 10), F(-9, 10), F(6, 5)),
       (F(-11, 54), F(5, 2), F(-70, 27), F(35, 27)),
       (F(1631, 55296), F(175, 512), F(575, 13824), F(44275, 110592), F(253, 4096))),
    b=(F(37, 378), 0, F(250, 621), F(125, 594), 0, F(512, 1771)),
    b_hat=(F(2825, 27648), 0, F(18575, 48384), F(13525, 55296), F(277, 14336), F(1, 4)),
    order=5, error_order=4, aliases=("cash_karp", "rkck"),
    reference="J. R. Cash, A. H. Karp, ACM Trans. Math. Softw. 16 (1990) 201-222")

# Bogacki-Shampine 3(2). Order 3 propagated, 2 embedded, 4 stages.
BS = embedded(
    "bs", "Bogacki-Shampine 3(2)",
    c=(0, F(1, 2), F(3, 4), 1),
    A=((), (F(1, 2),), (0, F(3, 4)), (F(2, 9), F(1, 3), F(4, 9))),
    b=(F(2, 9), F(1, 3), F(4, 9), 0),
    b_hat=(F(7, 24), F(1, 4), F(1, 3), F(1, 8)),
    order=3, error_order=2, aliases=("bogacki_shampine", "bosh3", "rk23", "ode23"),
    reference="P. Bogacki, L. F. Shampine, Appl. Math. Lett. 2 (1989) 321-325")

# Heun-Euler 2(1). Order 2 propagated (Heun), 1 embedded (Euler), 2 stages.
HEUN_EULER = embedded(
    "heun_euler", "Heun-Euler 2(1)",
    c=(0, 1), A=((), (1,)),
    b=(F(1, 2), F(1, 2)), b_hat=(1, 0),
    order=2, error_order=1, aliases=("heuneuler",),
    reference="Hairer, Norsett, Wanner, Solving ODEs I (1993), section II.4")

EMBEDDED = (RKF45, RKF12, RKDP, CK, BS, HEUN_EULER)
