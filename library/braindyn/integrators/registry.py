"""The names of the integration methods, their aliases, and ``methods()``.

``methods()`` lists the ODE methods (what ``odeint`` and the widgets use);
``methods(equation='dde')`` the methods of ``ddeint`` (the fixed-step tableaus,
``delay.py``) and ``methods(equation='fde')`` those of ``fdeint``
(``fractional.py``); ``equation='all'`` lists all three.

Names are lower-case; ``'RK4'``, ``'rk-4'`` and ``'Dormand-Prince'`` are read
as ``rk4``, ``rk_4`` and ``dormand_prince``.  An unknown name is an error that
lists the closest valid names (as Brian2's and scipy's registries do).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from . import adaptive, runge_kutta
from .butcher import ButcherTableau


@dataclass(frozen=True)
class MethodInfo:
    """One row of ``methods()``: what the widgets build their menus from."""
    name: str
    long_name: str
    order: int | str        # fractional methods: a formula in alpha, e.g. '1 + alpha'
    stages: int
    adaptive: bool
    description: str
    aliases: tuple
    tableau: ButcherTableau | None = None
    equation: str = "ode"   # 'ode' (odeint), 'dde' (ddeint) or 'fde' (fdeint)


# What a student should know about a method beyond its table.
NOTES = {
    "rkf12": "; its error estimate is weak (both rows share their dt^3 error), so steps "
             "can exceed tol near inflection points: a lesson in poor embedded pairs",
    "rk2": "; with beta = 2/3 it is the same method as ralston2",
}


def _rk_info(tab: ButcherTableau) -> MethodInfo:
    if tab.adaptive:
        desc = (f"{tab.long_name}: order {tab.order} with an order-{tab.error_order} "
                f"error estimate, {tab.stages} stages")
    else:
        desc = f"{tab.long_name}: order {tab.order}, {tab.stages} stage" + \
            ("s" if tab.stages > 1 else "")
    return MethodInfo(tab.name, tab.long_name, tab.order, tab.stages, tab.adaptive,
                      desc + NOTES.get(tab.name, ""), tab.aliases, tab)


EXPONENTIAL_EULER = MethodInfo(
    "exponential_euler", "exponential Euler", 1, 1, False,
    "exponential Euler: each variable's equation solved exactly when linear in it; "
    "stable at large dt for HH-type gates, order 1",
    ("exp_euler", "exponential", "expeuler"))

METHODS: dict[str, MethodInfo] = {}
for _tab in runge_kutta.FIXED_STEP + adaptive.EMBEDDED:
    METHODS[_tab.name] = _rk_info(_tab)
METHODS[EXPONENTIAL_EULER.name] = EXPONENTIAL_EULER

ALIASES: dict[str, str] = {}
for _info in METHODS.values():
    for _alias in _info.aliases:
        ALIASES[_alias] = _info.name


def normalise(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_").replace("'", "")


def get_method(name: str) -> MethodInfo:
    """The method called ``name`` (or one of its aliases), or a ValueError that
    names the closest valid names."""
    if not isinstance(name, str):
        raise TypeError(f"method must be a name such as 'rk4', got {type(name).__name__}")
    key = normalise(name)
    key = ALIASES.get(key, key)
    if key in METHODS:
        return METHODS[key]
    close = difflib.get_close_matches(key, list(METHODS) + list(ALIASES), n=4, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(ALIASES.get(c, c)) for c in close)}?" if close else ""
    raise ValueError(f"unknown integration method {name!r}{hint} "
                     f"Valid names: {', '.join(METHODS)}")


class MethodTable(list):
    """A list of ``MethodInfo`` that prints as a table."""

    def __repr__(self):
        kinds = {m.equation for m in self}
        w = max([5] + [len(str(m.order)) for m in self])
        eq = len(kinds) > 1
        rows = [("equation  " if eq else "") +
                f"{'name':<18}{'order':>{w}}{'stages':>7}  {'adaptive':<9}description"]
        for m in self:
            rows.append((f"{m.equation:<10}" if eq else "") +
                        f"{m.name:<18}{str(m.order):>{w}}{m.stages:>7}  "
                        f"{'yes' if m.adaptive else '':<9}{m.long_name}")
        if kinds == {"ode"}:
            rows.append("delay equations (bp.ddeint): methods(equation='dde'); fractional "
                        "(bp.fdeint): methods(equation='fde')")
        return "\n".join(rows)


def _dde_info(tab: ButcherTableau) -> MethodInfo:
    return MethodInfo(tab.name, tab.long_name, min(tab.order, 4), tab.stages, False,
                      f"{tab.long_name} by the method of steps, cubic Hermite dense output "
                      f"for the delayed values: order {min(tab.order, 4)} with dt dividing "
                      f"the lags", tab.aliases, tab, "dde")


def _fde_rows() -> list:
    from . import fractional   # imported here: fractional imports odeint, which imports us
    return [MethodInfo(name, long_name, order, fractional.EVALUATIONS[name], False,
                       f"{long_name} for Caputo derivatives of order 0 < alpha <= 1: order "
                       f"{order}{fractional.ORDER_NOTES.get(name, '')}"
                       + (" (short memory: memory=L)" if memory else "") +
                       f"; {fractional.REFERENCES[name]}", aliases, None, "fde")
            for name, (long_name, order, aliases, memory) in fractional.FDE_METHODS.items()]


EQUATIONS = ("ode", "dde", "fde", "all")


def methods(adaptive: bool | None = None, equation: str = "ode") -> MethodTable:
    """Every method with its order, stages, adaptivity and a description.

    ``methods()`` lists the ODE methods, ``methods(adaptive=True)`` only the
    embedded pairs; ``equation='dde'`` the methods of ``bp.ddeint`` (delay
    equations), ``equation='fde'`` those of ``bp.fdeint`` (fractional
    equations), ``equation='all'`` all of them.
    """
    if equation not in EQUATIONS:
        raise ValueError(f"equation must be one of {', '.join(map(repr, EQUATIONS))}, "
                         f"got {equation!r}")
    rows: list = []
    if equation in ("ode", "all"):
        rows += METHODS.values()
    if equation in ("dde", "all"):
        rows += [_dde_info(tab) for tab in runge_kutta.FIXED_STEP]
    if equation in ("fde", "all"):
        rows += _fde_rows()
    return MethodTable(m for m in rows if adaptive is None or m.adaptive == adaptive)
