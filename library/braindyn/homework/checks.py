"""Self-checks of the Hodgkin-Huxley homework, to call from the notebook.

    from braindyn.homework import checks
    checks.part1(HHEuler)                     # the class of part 1
    checks.part2(HH)                          # the odeint class, with a `method` argument
    checks.part3(firing_rates, threshold)     # the f-I curve (Hz) and the threshold current
    checks.summary()                          # every part at a glance

Each call prints "... passed" or what is wrong with a hint (in Chinese and
English; what the model did, never the expected numbers), and never raises:
the notebook goes on.  ``braindyn check NOTEBOOK``
runs the whole notebook and collects the same verdicts.  The checks
themselves live in ``hh.py``.
"""
from __future__ import annotations

from .hh import ASSIGNMENT


def part1(HH) -> None:
    """Check part 1: the HH class with a hand-written Euler update."""
    ASSIGNMENT.check("part1", HH)


def part2(HH) -> None:
    """Check part 2: the HH class with bp.odeint and a ``method`` argument."""
    ASSIGNMENT.check("part2", HH)


def part3(firing_rates, threshold) -> None:
    """Check part 3: the function giving the firing rates (Hz) at input currents, and the
    threshold current.  Without expected numbers: the curve is checked for being a curve
    of rates in Hz by the protocol, plausible, and consistent with the threshold."""
    ASSIGNMENT.check("part3", firing_rates, threshold)


def summary() -> None:
    """Print the state of every part."""
    print(ASSIGNMENT.summary())
