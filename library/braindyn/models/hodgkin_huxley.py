"""The Hodgkin-Huxley equations of the course slides, as a plain derivative.

    C dV/dt = -gNa m^3 h (V - ENa) - gK n^4 (V - EK) - gL (V - EL) + I
    dx/dt   = alpha_x(V) (1 - x) - beta_x(V) x,         x in {m, h, n}

Units: mV, ms, mS/cm^2, uA/cm^2, uF/cm^2.  Parameters and the initial state
(V, m, h, n) = (-65, 0.5, 0.6, 0.32) are the slides' (lecture
"Implement a Hodgkin-Huxley neuron model"), after A. L. Hodgkin and
A. F. Huxley, J. Physiol. 117 (1952) 500-544, with the resting potential
shifted to -65 mV.
"""
from __future__ import annotations

import braindyn.math as bm

ENa, gNa = 50.0, 120.0      # mV, mS/cm^2
EK, gK = -77.0, 36.0        # mV, mS/cm^2
EL, gL = -54.387, 0.03      # mV, mS/cm^2
C = 1.0                     # uF/cm^2
V_TH = 20.0                 # mV: a spike is an upward crossing of this value
INITIAL_STATE = (-65.0, 0.5, 0.6, 0.32)   # V, m, h, n


def hh_derivatives(V, m, h, n, t, I, gNa=gNa, ENa=ENa, gK=gK, EK=EK, gL=gL, EL=EL, C=C):
    """dV/dt, dm/dt, dh/dt, dn/dt of the HH model at input current I (uA/cm^2)."""
    alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
    beta = 4.0 * bm.exp(-(V + 65) / 18)
    dmdt = alpha * (1 - m) - beta * m

    alpha = 0.07 * bm.exp(-(V + 65) / 20.)
    beta = 1 / (1 + bm.exp(-(V + 35) / 10))
    dhdt = alpha * (1 - h) - beta * h

    alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
    beta = 0.125 * bm.exp(-(V + 65) / 80)
    dndt = alpha * (1 - n) - beta * n

    I_Na = (gNa * m ** 3.0 * h) * (V - ENa)
    I_K = (gK * n ** 4.0) * (V - EK)
    I_leak = gL * (V - EL)
    dVdt = (- I_Na - I_K - I_leak + I) / C
    return dVdt, dmdt, dhdt, dndt
