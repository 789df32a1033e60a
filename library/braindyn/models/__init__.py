"""Ready-made models (``braindyn.models``), each readable as a worked example."""
from . import hodgkin_huxley
from .hodgkin_huxley import hh_derivatives

__all__ = ["hodgkin_huxley", "hh_derivatives"]
