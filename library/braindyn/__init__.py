"""braindyn: brain-dynamics modelling in Python, for teaching.

``import braindyn as bp; import braindyn.math as bm``
"""
import importlib

from . import integrators, math
from .integrators import ddeint, fdeint, integrate, odeint, sdeint
from .simulation import (CompileError, DynamicalSystem, Network, NeuGroup, SimulationError,
                         TwoEndConn, connect)

from ._version import __version__

__all__ = ["math", "integrators", "analysis", "visualize", "inputs", "measure", "odeint",
           "sdeint", "ddeint", "fdeint", "integrate", "DynamicalSystem", "NeuGroup", "TwoEndConn",
           "Network", "connect", "CompileError", "SimulationError"]


_LAZY = ("analysis", "visualize", "models", "widgets", "inputs", "measure")


def __getattr__(name):
    # Heavier subpackages (matplotlib, scipy, ipywidgets) load on first use,
    # so that ``import braindyn`` stays fast.
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'braindyn' has no attribute {name!r}")
