"""braindyn: brain-dynamics modelling in Python, for teaching.

``import braindyn as bp; import braindyn.math as bm``
"""
from . import integrators, math
from .integrators import integrate, odeint, sdeint

__version__ = "0.1.0"

__all__ = ["math", "integrators", "odeint", "sdeint", "integrate"]
