"""Numerical integration: ``odeint``, ``sdeint``, ``integrate`` and the method tables.

See ``README.md`` in this folder for how the pieces fit together.
"""
from .butcher import ButcherTableau
from .integrate import integrate
from .odeint import Integrator, odeint, sdeint
from .registry import MethodInfo, get_method, methods

__all__ = ["odeint", "sdeint", "integrate", "methods", "get_method", "Integrator",
           "ButcherTableau", "MethodInfo"]
