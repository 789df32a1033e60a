"""Izhikevich's two spiking models: the simple model (2003) and resonate-and-fire (2001).

Simple model (``Izhikevich``; E. M. Izhikevich, IEEE Trans. Neural Netw. 14
(2003) 1569-1572)::

    dV/dt = 0.04 V^2 + 5 V + 140 - u + I
    du/dt = a (b V - u)
    if V >= 30 mV:  V -> c,  u -> u + d

V in mV, t in ms; a (1/ms), b, c (mV) and d are dimensionless in the paper.
Four parameter sets give the cortical cell classes of the paper's Fig. 2
(``CELL_TYPES``): regular spiking (RS, adapting), intrinsically bursting
(IB, an initial burst then single spikes), chattering (CH, repeated
bursts) and fast spiking (FS, high rate without adaptation); LTS, TC and RZ
are there too.

Resonate-and-fire (``ResonateFire``; E. M. Izhikevich, Neural Netw. 14 (2001)
883-894): a damped oscillator below threshold::

    dx/dt = b x - omega V + I          (current-like variable)
    dV/dt = omega x + b V              (voltage-like variable)
    if V crosses V_th upwards:  x -> x_reset,  V -> V_reset

i.e. z = x + iV obeys dz/dt = (b + i omega) z + I.  The neuron responds to
input pulses timed at its eigenperiod 2 pi / omega (resonance) and not to
the same pulses at half that period.
"""
from __future__ import annotations

import math

import braindyn as bp
import braindyn.math as bm

IZH_V_PEAK = 30.0   # mV: spike cut-off of the simple model

# Izhikevich (2003), Fig. 2: a (1/ms), b, c (mV), d
CELL_TYPES = {
    "RS": dict(a=0.02, b=0.2, c=-65.0, d=8.0),    # regular spiking (excitatory, adapting)
    "IB": dict(a=0.02, b=0.2, c=-55.0, d=4.0),    # intrinsically bursting
    "CH": dict(a=0.02, b=0.2, c=-50.0, d=2.0),    # chattering (fast rhythmic bursting)
    "FS": dict(a=0.1, b=0.2, c=-65.0, d=2.0),     # fast spiking (inhibitory)
    "LTS": dict(a=0.02, b=0.25, c=-65.0, d=2.0),  # low-threshold spiking
    "TC": dict(a=0.02, b=0.25, c=-65.0, d=0.05),  # thalamo-cortical
    "RZ": dict(a=0.1, b=0.26, c=-65.0, d=2.0),    # resonator
}

# Resonate-and-fire: a 40 Hz resonance, damped with a 50 ms time constant
RF_B = -0.02                    # 1/ms: damping (the real part of the eigenvalue)
RF_OMEGA = 2 * math.pi * 0.04   # rad/ms: eigenfrequency (40 Hz)
RF_V_TH = 1.0                   # threshold of the voltage-like variable
RF_X_RESET, RF_V_RESET = 0.0, 1.0   # the paper's reset z -> i


class Izhikevich(bp.NeuGroup):
    """Izhikevich's simple model (equations in the module docstring).

    The defaults are the regular-spiking cell; for another class write
    ``Izhikevich(n, **CELL_TYPES['FS'])``.  a, b, c, d may be arrays of one
    value per neuron (as in the paper's network of 1000 neurons).

    Parameters
    ----------
    a : time scale of the recovery variable u (1/ms).
    b : sensitivity of u to sub-threshold V.
    c : reset potential after a spike (mV).
    d : increment of u at a spike.
    V_th : spike cut-off (mV), 30 in the paper.
    V_initial : initial V (mV); u starts at b * V.
    method : integration method.

    Variables: ``V``, ``u``, ``input`` (the paper's I), ``spike``, ``t_last_spike``.
    """

    def __init__(self, size, a=0.02, b=0.2, c=-65.0, d=8.0, V_th=IZH_V_PEAK, V_initial=-65.0,
                 method="exponential_euler", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.a, self.b, self.c, self.d, self.V_th = a, b, c, d, V_th
        self.V = bm.Variable(bm.ones(self.num) * V_initial)
        self.u = bm.Variable(self.V.value * b)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, u, t, Iext):
        dVdt = 0.04 * V * V + 5. * V + 140. - u + Iext
        dudt = self.a * (self.b * V - u)
        return dVdt, dudt

    def update(self, _t, _dt):
        V, u = self.integral(self.V, self.u, _t, self.input, dt=_dt)
        spike = V >= self.V_th
        self.spike[:] = spike
        self.t_last_spike[:] = bm.where(spike, _t + _dt, self.t_last_spike)
        self.V[:] = bm.where(spike, self.c, V)
        self.u[:] = bm.where(spike, u + self.d, u)
        self.input[:] = 0.


class ResonateFire(bp.NeuGroup):
    """Izhikevich's resonate-and-fire neuron (equations in the module docstring).

    Parameters
    ----------
    b : damping rate (1/ms, negative: the rest state is a stable focus).
    omega : eigenfrequency (rad/ms); the eigenperiod is 2 pi / omega.
    V_th : threshold of the voltage-like variable V.
    x_reset, V_reset : the state after a spike (the paper's z -> i).
    method : integration method ('rk4' by default: the oscillation must
        not be damped or amplified by the method).

    Variables: ``x``, ``V``, ``input`` (drives x), ``spike``, ``t_last_spike``.
    """

    def __init__(self, size, b=RF_B, omega=RF_OMEGA, V_th=RF_V_TH, x_reset=RF_X_RESET,
                 V_reset=RF_V_RESET, method="rk4", monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.b, self.omega, self.V_th = b, omega, V_th
        self.x_reset, self.V_reset = x_reset, V_reset
        self.x = bm.Variable(bm.zeros(self.num))
        self.V = bm.Variable(bm.zeros(self.num))
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, x, V, t, Iext):
        dxdt = self.b * x - self.omega * V + Iext
        dVdt = self.omega * x + self.b * V
        return dxdt, dVdt

    def update(self, _t, _dt):
        x, V = self.integral(self.x, self.V, _t, self.input, dt=_dt)
        spike = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.spike[:] = spike
        self.t_last_spike[:] = bm.where(spike, _t + _dt, self.t_last_spike)
        self.x[:] = bm.where(spike, self.x_reset, x)
        self.V[:] = bm.where(spike, self.V_reset, V)
        self.input[:] = 0.
