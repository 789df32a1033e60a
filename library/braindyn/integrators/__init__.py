"""Numerical integration: ``odeint``, ``sdeint``, ``ddeint``, ``fdeint``, ``integrate`` and
the method tables.

See ``README.md`` in this folder for how the pieces fit together.
"""
from .butcher import ButcherTableau
from .delay import DDEIntegrator, Delay, ddeint, integrate_dde
from .fractional import FDEIntegrator, fdeint, integrate_fde
from .integrate import integrate
from .odeint import Integrator, odeint, sdeint
from .registry import MethodInfo, get_method, methods

__all__ = ["odeint", "sdeint", "integrate", "methods", "get_method", "Integrator",
           "ButcherTableau", "MethodInfo", "ddeint", "Delay", "integrate_dde", "DDEIntegrator",
           "fdeint", "integrate_fde", "FDEIntegrator"]
