"""Class-based models and their simulation (see ``README.md`` in this folder)."""
from . import connect
from .base import DynamicalSystem, NeuGroup, Network, TwoEndConn
from .monitor import Monitor
from .errors import CompileError, SimulationError

__all__ = ["DynamicalSystem", "NeuGroup", "TwoEndConn", "Network", "Monitor", "connect",
           "CompileError", "SimulationError"]
