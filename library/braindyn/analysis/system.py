"""A model's vector field restricted to the variables under study.

Phase-plane and bifurcation analysis look at a few variables of a model
(the *targets*) while everything else is held at given values::

    dx/dt = f(x, y, t, p)          all variables (x, y), parameters p
    d(x_T)/dt = f_T(x_T; x_F, p)   targets x_T; the other variables x_F are frozen

``VectorField`` reads the derivative's signature (variables first, then
``t``, then parameters, as for ``bp.odeint``), checks the names and ranges
the user gave, and evaluates ``f_T`` on whole NumPy grids at once.  It also
writes a small derivative of the targets alone, so trajectories are
simulated with ``bp.integrate`` like any other model.

The analysis assumes an autonomous system: ``t`` is passed as 0 when the
vector field is evaluated (trajectories pass the true time).
"""
from __future__ import annotations

import difflib
import functools
import inspect
import math
from dataclasses import replace
from typing import Any, Callable, Mapping

import numpy as np

from ..integrators.integrate import integrate
from ..integrators.odeint import DEFAULT_DT, BoundIntegral, Integrator
from ..integrators.signature import read_signature

# Largest grids the analysis builds: beyond these a grid costs seconds and
# hundreds of MB without showing more (the root finder refines between points).
MAX_POINTS_1D = 100_001
MAX_POINTS_2D = 4_000_000


def _suggest(name: str, options) -> str:
    """' Did you mean ...?' for a misspelt name (same letters in another case first)."""
    same = [o for o in options if o.lower() == str(name).lower()]
    close = same or difflib.get_close_matches(str(name), list(options), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def resolve_model(model: Any) -> tuple[Callable, Any, str, str, float]:
    """The derivative, its signature, its name, and the integration method and
    step the model suggests (its own, when it is an ``odeint`` integral)."""
    method, dt = "rk4", DEFAULT_DT
    if isinstance(model, BoundIntegral):
        integ = model.integrator
        f = functools.partial(integ.f, model.obj)   # the model instance is `self`
        sig = replace(integ.sig, has_self=False)
    elif isinstance(model, Integrator):
        integ = model
        if integ.sig.has_self:
            raise TypeError(f"{integ.__name__} is a method of a model class (it takes self): "
                            f"pass it through an instance, e.g. PhasePlane(neuron.integral, ...)")
        f, sig = integ.f, integ.sig
    elif callable(model):
        integ = None
        f, sig = model, read_signature(model)
        if sig.has_self:
            raise TypeError(f"{model.__name__}() takes self: pass the bound method of a "
                            f"model instance, e.g. PhasePlane(neuron.derivative, ...)")
    else:
        raise TypeError(f"the model must be a derivative function def f(x, y, t, p): ... or "
                        f"an integral made by bp.odeint; got {type(model).__name__}")
    if integ is not None:
        dt = integ.dt
        # An SDE's drift f is analysed; its own stochastic method does not apply.
        method = integ.info.name if integ.info is not None else "rk4"
    name = getattr(f, "__name__", None) or getattr(getattr(f, "func", None), "__name__", "f")
    return f, sig, name, method, dt


def as_range(role: str, name: str, value: Any) -> tuple[float, float]:
    """``(min, max)`` as two floats with min < max, or a ValueError saying what to write."""
    try:
        lo, hi = value
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        raise ValueError(f"{role}[{name!r}] must be a (min, max) pair of numbers, e.g. "
                         f"{role}={{{name!r}: (-1.0, 1.0)}}; got {value!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{role}[{name!r}] = {value!r}: the range must be finite")
    if lo >= hi:
        raise ValueError(f"{role}[{name!r}] = {value!r}: a range is (min, max) with "
                         f"min < max; write it as ({min(lo, hi)}, {max(lo, hi)}) or widen it")
    return lo, hi


def resolution_of(resolutions: Any, name: str, lo: float, hi: float, default_n: int) -> np.ndarray:
    """The grid of one axis: ``default_n`` points, or points ``resolutions`` apart."""
    if resolutions is None:
        return np.linspace(lo, hi, default_n)
    step = resolutions.get(name) if isinstance(resolutions, Mapping) else resolutions
    if step is None:
        return np.linspace(lo, hi, default_n)
    if isinstance(step, bool) or not isinstance(step, (int, float, np.number)) \
            or not math.isfinite(step) or step <= 0:
        raise ValueError(f"resolutions for {name!r} must be a positive grid step such as "
                         f"{(hi - lo) / 100:g}; got {step!r}")
    n = int(round((hi - lo) / step)) + 1
    if n < 3:
        raise ValueError(f"the step {step} for {name!r} leaves fewer than 3 grid points in "
                         f"({lo}, {hi}); use a step below {(hi - lo) / 2:g}")
    if n > MAX_POINTS_1D:
        raise ValueError(f"the step {step} for {name!r} gives {n} grid points in ({lo}, {hi}); "
                         f"use a step of at least {(hi - lo) / 1000:g}")
    return np.linspace(lo, hi, n)


class VectorField:
    """The derivatives of the target variables, with everything else held fixed.

    Parameters
    ----------
    model : a derivative ``f(x, y, ..., t, p1, p2, ...)`` or a ``bp.odeint`` integral
    target_vars : ``{variable: (min, max)}`` for the variables under study
    fixed_vars : values of the other variables, ``{variable: value}``
    pars_update : parameter values, ``{parameter: value}``; others take their defaults
    free : names (parameters or other variables) given anew at each evaluation,
        e.g. the bifurcation parameter; they need no value here
    max_dims, owner : how many target variables the caller handles, and its
        name, for the error messages
    """

    def __init__(self, model: Any, target_vars: Mapping, fixed_vars: Mapping | None = None,
                 pars_update: Mapping | None = None, free: tuple = (),
                 max_dims: int = 2, owner: str = "PhasePlane"):
        self.f, self.sig, self.name, self.method, self.dt = resolve_model(model)
        variables, params = self.sig.variables, self.sig.params
        head = f"{self.name}({', '.join(variables + ('t',) + params)})"
        fixed_vars = dict(fixed_vars or {})
        pars_update = dict(pars_update or {})
        if not isinstance(target_vars, Mapping) or not target_vars:
            raise ValueError(f"{owner} needs target_vars as a dict {{variable: (min, max)}}, "
                             f"e.g. {{{variables[0]!r}: (-2.0, 2.0)}}; got {target_vars!r}")
        if len(target_vars) > max_dims:
            raise ValueError(f"{owner} studies at most {max_dims} variables, but target_vars "
                             f"names {len(target_vars)} ({', '.join(target_vars)}): keep "
                             f"{'one or two' if max_dims == 2 else max_dims} of them and give "
                             f"the others values in fixed_vars={{...}}")

        def check_variable(name, role):
            if name in variables:
                return
            if name in params:
                hint = (" It is a parameter: vary it with Bifurcation(target_pars=...)"
                        if role == "target_vars" else " It is a parameter: give it in pars_update.")
                raise ValueError(f"{role}: {name!r} is not a variable of {head}.{hint}")
            raise ValueError(f"{role}: {name!r} is not a variable of {head}; the variables "
                             f"are {variables}.{_suggest(name, variables)}")

        for name in target_vars:
            check_variable(name, "target_vars")
        self.targets = tuple(target_vars)
        self.ranges = {v: as_range("target_vars", v, target_vars[v]) for v in self.targets}
        self.free = tuple(free)

        for name in fixed_vars:
            check_variable(name, "fixed_vars")
            if name in self.targets:
                raise ValueError(f"{name!r} is in both target_vars and fixed_vars: a variable "
                                 f"is either studied or held fixed; remove it from one")
            if name in self.free:
                raise ValueError(f"{name!r} is varied (target_pars), so it cannot also be "
                                 f"in fixed_vars; remove it from fixed_vars")
        for name in pars_update:
            if name not in params:
                if name in variables:
                    raise ValueError(f"pars_update: {name!r} is a variable of {head}; give "
                                     f"its value in fixed_vars instead")
                raise ValueError(f"pars_update: {name!r} is not a parameter of {head}; the "
                                 f"parameters are {params}.{_suggest(name, params)}")
            if name in self.free:
                raise ValueError(f"{name!r} is varied (target_pars), so it cannot also be "
                                 f"in pars_update; remove it from pars_update")

        self.fixed = {}
        for v in variables:
            if v in self.targets or v in self.free:
                continue
            if v not in fixed_vars:
                raise ValueError(f"variable {v!r} of {head} is not in target_vars, so it "
                                 f"needs a value: add fixed_vars={{{v!r}: ...}}")
            try:
                self.fixed[v] = float(fixed_vars[v])
            except (TypeError, ValueError):
                raise ValueError(f"fixed_vars[{v!r}] must be a number (the value the variable "
                                 f"is held at); got {fixed_vars[v]!r}") from None
        self.pars = {}
        for p in params:
            if p in self.free:
                continue
            if p in pars_update:
                self.pars[p] = pars_update[p]
            elif p in self.sig.defaults:
                self.pars[p] = self.sig.defaults[p]
            else:
                raise ValueError(f"parameter {p!r} of {head} has no default value: give it "
                                 f"in pars_update={{{p!r}: ...}}")
        self.reduced = self._reduced_derivative()

    @property
    def ndim(self) -> int:
        return len(self.targets)

    def _full_args(self, xs, t, free_values: Mapping) -> list:
        values = dict(zip(self.targets, xs))
        args = []
        for v in self.sig.variables:
            if v in values:
                args.append(values[v])
            elif v in self.free:
                args.append(free_values[v])
            else:
                args.append(self.fixed[v])
        args.append(t)
        for p in self.sig.params:
            args.append(free_values[p] if p in self.free else self.pars[p])
        return args

    def _targets_of(self, out) -> tuple:
        n = len(self.sig.variables)
        outs = out if n > 1 else (out,)
        if n > 1 and (not isinstance(out, (tuple, list)) or len(out) != n):
            raise ValueError(f"{self.name}() must return {n} derivatives, one per variable "
                             f"{self.sig.variables}")
        return tuple(outs[self.sig.variables.index(v)] for v in self.targets)

    def __call__(self, *xs, **free_values) -> tuple:
        """The derivatives of the targets at ``xs`` (arrays broadcast together),
        each as a NumPy array of the broadcast shape."""
        missing = [n for n in self.free if n not in free_values]
        if missing:
            raise ValueError(f"the field needs values for {missing} at each evaluation")
        xs = [np.asarray(x, dtype=float) for x in xs]
        shape = np.broadcast_shapes(*(x.shape for x in xs),
                                    *(np.shape(free_values[n]) for n in self.free))
        out = self.f(*self._full_args(xs, 0.0, free_values))
        # A derivative may be a constant (dw/dt = 0.1): broadcast it to the grid.
        return tuple(np.broadcast_to(np.asarray(d, dtype=float), shape)
                     for d in self._targets_of(out))

    def rhs(self, x: np.ndarray, **free_values) -> np.ndarray:
        """The derivatives at one point ``x`` (shape (ndim,)), as a vector."""
        # Called thousands of times by the root finders: plain floats, no broadcasting.
        args = self._full_args([float(xi) for xi in np.ravel(x)], 0.0, free_values)
        return np.array([float(d) for d in self._targets_of(self.f(*args))])

    def simulate(self, y0: np.ndarray, t_span: tuple, dt: float, method: str,
                 **free_values) -> tuple[np.ndarray, np.ndarray]:
        """Integrate the targets from ``y0`` (shape (ndim, K): K starts at once).

        Returns ``(ts, ys)`` with ``ys.shape == (len(ts), ndim, K)``.  The K
        starts are one array each, so a batch costs about as much as one run.
        """
        y0 = np.asarray(y0, dtype=float)
        args = tuple(free_values[n] for n in self.free)
        # Runs that leave the range may overflow; they are reported as NaN, not warned.
        with np.errstate(over="ignore", invalid="ignore"):
            ts, ys = integrate(self.reduced, y0 if self.ndim > 1 else y0[0], t_span,
                               dt=dt, method=method, args=args)
        return ts, ys.reshape(len(ts), self.ndim, -1)

    def _reduced_derivative(self) -> Callable:
        """``g(x_T..., t, free...)``: the targets' derivative in the odeint convention."""
        names = self.targets + ("t",) + self.free
        k = len(self.targets)

        def reduced(*args):
            xs, t, free = args[:k], args[k], dict(zip(self.free, args[k + 1:]))
            derivs = self._targets_of(self.f(*self._full_args(xs, t, free)))
            return derivs if k > 1 else derivs[0]

        # bp.odeint reads the variable names from the signature, as for a def.
        reduced.__signature__ = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
        reduced.__name__ = f"{self.name}_{'_'.join(self.targets)}"
        return reduced
