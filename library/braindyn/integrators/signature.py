"""Read a derivative function's signature: variables, then ``t``, then parameters.

The convention of the course (and of BrainPy)::

    def f(x, y, t, p1, p2):        # plain function
    def f(self, V, m, t, Iext):     # method of a model class
        return dx, dy
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass

# Names the generated step code uses itself; a derivative may not use them.
RESERVED = frozenset({"dt", "f", "g", "xp", "phi1", "noise", "tol", "attempt", "f_linear"})


@dataclass(frozen=True)
class Signature:
    variables: tuple
    params: tuple          # names after t
    defaults: dict         # param name -> default value
    has_self: bool

    def head(self, dt_default: float) -> str:
        """The parameter list of a step function: ``x, y, t, p1, p2=..., dt=0.1``."""
        parts = (["self"] if self.has_self else []) + list(self.variables) + ["t"]
        for p in self.params:
            if p not in self.defaults:
                parts.append(p)
            elif isinstance(self.defaults[p], (int, float, bool, str, type(None))):
                parts.append(f"{p}={self.defaults[p]!r}")
            else:  # an object: the step's namespace holds it under this name
                parts.append(f"{p}=_default_{p}")
        parts.append(f"dt={dt_default!r}")
        return ", ".join(parts)

    def call(self, fname: str, variables=None, t: str = "t") -> str:
        """A call of the derivative: ``f(x + ..., y + ..., t + ..., p1, p2)``."""
        variables = self.variables if variables is None else variables
        args = (["self"] if self.has_self else []) + list(variables) + [t] + list(self.params)
        return f"{fname}({', '.join(args)})"


def read_signature(f, role: str = "derivative") -> Signature:
    """Split ``f``'s parameters into variables, ``t`` and parameters, or say what is wrong."""
    if not callable(f):
        raise TypeError(f"the {role} must be a function, got {type(f).__name__}")
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError) as err:
        raise TypeError(f"cannot read the signature of the {role} {f!r}") from err
    for p in params:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise TypeError(f"the {role} {f.__name__}() may only have plain parameters "
                            f"(variables, t, parameters); remove *{p.name} / keyword-only "
                            f"'{p.name}'")
    names = [p.name for p in params]
    has_self = bool(names) and names[0] == "self"
    if has_self:
        names = names[1:]
        params = params[1:]
    if "t" not in names:
        raise ValueError(f"the {role} {f.__name__}({', '.join(names)}) has no parameter "
                         f"named 't': write the variables first, then t, then the "
                         f"parameters, e.g. def {f.__name__}(x, y, t, p1)")
    i = names.index("t")
    variables, rest = tuple(names[:i]), params[i + 1:]
    if not variables:
        raise ValueError(f"the {role} {f.__name__}({', '.join(names)}) has no variables "
                         f"before t: write them first, e.g. def {f.__name__}(x, t)")
    for n in names:
        if n in RESERVED:
            raise ValueError(f"the {role} {f.__name__}() uses the name {n!r}, which the "
                             f"integrator's own code needs; rename it")
    for p in params[:i]:
        if p.default is not p.empty:
            raise ValueError(f"variable {p.name!r} of {f.__name__}() has a default value; "
                             f"only the parameters after t may have defaults")
    defaults = {p.name: p.default for p in rest if p.default is not p.empty}
    return Signature(variables=variables, params=tuple(p.name for p in rest),
                     defaults=defaults, has_self=has_self)
