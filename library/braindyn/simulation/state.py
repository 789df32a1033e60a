"""The state and the parameters of a model, as the compiled runs see them.

* State: every ``bm.Variable`` of every system (``state_variables``).
* Parameters: every other value that compiled code reads (numbers, arrays and
  tuples of numbers, at any depth: ``self.tau``, ``self._gain``, ``self.p.tau``
  with ``self.p`` a plain object, a module-level ``V_TH``).  They are read again
  when each run starts and handed to the compiled code as arguments, so a new
  value always takes effect and never recompiles; only a new *kind* of value
  (``kind``: int/float/bool, an array's shape and dtype) builds a new program.
"""
from __future__ import annotations

import numpy as np

from ..math.plain_functions import kind  # noqa: F401  (what a program is specialised on)
from ..math.variable import Variable


def state_variables(root) -> list:
    """(system, attribute, Variable) for every Variable of every system, once."""
    out, seen = [], set()
    for node in root.nodes():
        for attr, var in node.vars().items():
            if id(var) not in seen:
                seen.add(id(var))
                out.append((node, attr, var))
    return out


def as_argument(value):
    """The value as compiled code receives it: a C-contiguous array as it is (Numba
    is given C arrays; np.ascontiguousarray would make a 0-d array 1-d)."""
    if isinstance(value, np.ndarray) and not value.flags.c_contiguous:
        return np.ascontiguousarray(value)
    return value


def read(start, chain: tuple):
    """``start.a.b...`` for chain ('a', 'b', ...); start may be a module's dict."""
    obj = start
    for i, attr in enumerate(chain):
        obj = obj[attr] if (i == 0 and isinstance(obj, dict)) else getattr(obj, attr)
    return obj


def check_still_variables(root, variables) -> None:
    for node, attr, var in variables:
        if vars(node).get(attr) is not var:
            raise TypeError(f"{node.name}.update replaced the Variable {attr!r} by assigning "
                            f"self.{attr} = ...; update it in place instead: "
                            f"self.{attr}[:] = ... or self.{attr}.value = ...")


def apply_input(var: Variable, op: str, value) -> None:
    if op == "+":
        var += value
    elif op == "-":
        var -= value
    elif op == "*":
        var *= value
    elif op == "/":
        var /= value
    else:
        var[...] = value


def record_array(var: Variable, index, n_records: int) -> np.ndarray:
    """Where a monitor writes: (n_records, n) in the Variable's dtype."""
    shape = (len(index),) if index is not None else tuple(var.shape)
    return np.empty((n_records,) + shape, dtype=np.dtype(var.dtype))
