"""Polynomial reduced models: FitzHugh-Nagumo (2-D) and Hindmarsh-Rose (3-D).

FitzHugh-Nagumo (``FitzHughNagumo``; R. FitzHugh, Biophys. J. 1 (1961)
445-466; J. Nagumo et al., Proc. IRE 50 (1962) 2061-2070; Gerstner et al.,
*Neuronal Dynamics* (2014), ch. 4.3)::

    dV/dt = V - V^3 / 3 - w + I
    tau dw/dt = V + a - b w

With FitzHugh's a = 0.7, b = 0.8, tau = 12.5 the fixed point is stable for
small I and loses stability in a Hopf bifurcation at I ~ 0.331 (where
1 - V*^2 = b / tau); between that and the upper Hopf point (I ~ 1.42) the
system has a stable limit cycle (tonic spiking).  I = 0.5 is the textbook
oscillating input.

Hindmarsh-Rose (``HindmarshRose``; J. L. Hindmarsh, R. M. Rose, Proc. R.
Soc. Lond. B 221 (1984) 87-102)::

    dx/dt = y - a x^3 + b x^2 - z + I        (membrane potential)
    dy/dt = c - d x^2 - y                    (fast recovery)
    dz/dt = r (s (x - x_rest) - z)           (slow adaptation, r << 1)

The slow variable z switches the fast (x, y) subsystem between rest and
spiking: bursts of spikes separated by quiescence (fast-slow analysis:
``braindyn.analysis``).

Both models are dimensionless; time is read as ms.  A spike is an upward
crossing of ``V_th`` by the first variable.
"""
from __future__ import annotations

import braindyn as bp
import braindyn.math as bm

FHN_A, FHN_B, FHN_TAU = 0.7, 0.8, 12.5   # FitzHugh (1961)
FHN_V_TH = 1.0                           # spike detection threshold

# Hindmarsh & Rose (1984); r = 0.001 makes z about 1000 times slower than x, so that
# a constant I of 1.5-3 gives bursts of several spikes separated by long pauses
HR_A, HR_B, HR_C, HR_D = 1.0, 3.0, 1.0, 5.0
HR_R, HR_S, HR_X_REST = 0.001, 4.0, -1.6
HR_V_TH = 1.0


class FitzHughNagumo(bp.NeuGroup):
    """The FitzHugh-Nagumo model (equations in the module docstring).

    Parameters: a, b, tau (ms); V_th (spike detection); V_initial, w_initial;
    method ('rk4' by default).
    Variables: ``V``, ``w``, ``input`` (I), ``spike``, ``t_last_spike``.
    """

    def __init__(self, size, a=FHN_A, b=FHN_B, tau=FHN_TAU, V_th=FHN_V_TH, V_initial=-1.2,
                 w_initial=-0.6, method="rk4", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.a, self.b, self.tau, self.V_th = a, b, tau, V_th
        self.V = bm.Variable(bm.ones(self.num) * V_initial)
        self.w = bm.Variable(bm.ones(self.num) * w_initial)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, w, t, Iext):
        dVdt = V - V * V * V / 3. - w + Iext
        dwdt = (V + self.a - self.b * w) / self.tau
        return dVdt, dwdt

    def update(self, _t, _dt):
        V, w = self.integral(self.V, self.w, _t, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.V[:] = V
        self.w[:] = w
        self.input[:] = 0.


class HindmarshRose(bp.NeuGroup):
    """The Hindmarsh-Rose burster (equations in the module docstring).

    Parameters: a, b, c, d (shape of the fast subsystem); r (slow rate,
    1/ms); s, x_rest (adaptation gain and reference); V_th; method.
    Variables: ``V`` (the paper's x), ``y``, ``z``, ``input``, ``spike``,
    ``t_last_spike``.
    """

    def __init__(self, size, a=HR_A, b=HR_B, c=HR_C, d=HR_D, r=HR_R, s=HR_S,
                 x_rest=HR_X_REST, V_th=HR_V_TH, V_initial=-1.6, y_initial=-10.0,
                 z_initial=0.0, method="rk4", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.a, self.b, self.c, self.d = a, b, c, d
        self.r, self.s, self.x_rest, self.V_th = r, s, x_rest, V_th
        self.V = bm.Variable(bm.ones(self.num) * V_initial)
        self.y = bm.Variable(bm.ones(self.num) * y_initial)
        self.z = bm.Variable(bm.ones(self.num) * z_initial)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, y, z, t, Iext):
        dVdt = y - self.a * V * V * V + self.b * V * V - z + Iext
        dydt = self.c - self.d * V * V - y
        dzdt = self.r * (self.s * (V - self.x_rest) - z)
        return dVdt, dydt, dzdt

    def update(self, _t, _dt):
        V, y, z = self.integral(self.V, self.y, self.z, _t, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.V[:] = V
        self.y[:] = y
        self.z[:] = z
        self.input[:] = 0.
