"""Reading a derivative's source, and the one rewrite compiled code makes of it.

``read_function(f)`` gives the plain function behind f (a bound method's
function) and its parsed ``def``, or None when the source cannot be read (a
lambda in a string, a closure whose values are not in the source, a builtin).
``build_function`` turns a rewritten ``def`` back into a function with f's
globals, bound to the same object when f was a bound method.

``IntegerPowers``: ``x ** 3.0`` becomes ``x ** 3`` (a whole-number float
exponent from 1 to 8).  The slides write the HH currents as ``m ** 3.0`` and
``n ** 4.0``; with a float exponent NumPy, Numba and JAX compute
``exp(3 log m)``, with an integer one two or three multiplications (results move
by about 1e-14 mV).  Compiled code (Numba, JAX) runs the rewritten derivative;
``jit=False`` runs the student's code as written.
"""
from __future__ import annotations

import ast
import inspect
import textwrap
import types
from typing import Callable


class IntegerPowers(ast.NodeTransformer):
    """x ** 3.0 -> x ** 3 (a whole-number float exponent from 1 to 8)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        c = node.right
        if isinstance(node.op, ast.Pow) and isinstance(c, ast.Constant) and \
                isinstance(c.value, float) and c.value.is_integer() and 1 <= c.value <= 8:
            node.right = ast.Constant(value=int(c.value))
        return node


def read_function(f: Callable, source: str | None = None
                  ) -> tuple[types.FunctionType, ast.FunctionDef] | None:
    """The plain function behind f and its ``def`` (from ``source`` when given)."""
    fn = f.__func__ if isinstance(f, types.MethodType) else f
    fn = inspect.unwrap(fn)
    if not isinstance(fn, types.FunctionType):
        return None
    if source is None:
        if fn.__code__.co_freevars:      # a closure: its values are not in the source
            return None
        try:
            source = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError):
            return None
    try:
        fdef = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return None
    return (fn, fdef) if isinstance(fdef, ast.FunctionDef) else None


def build_function(f: Callable, fn: types.FunctionType, fdef: ast.FunctionDef,
                   label: str) -> tuple[str, Callable]:
    """Source and function made from ``fdef`` in fn's globals (bound like f)."""
    fdef.decorator_list = []
    module = ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[]))
    text = ast.unparse(module) + "\n"
    ns = dict(fn.__globals__)
    exec(compile(text, f"<braindyn {label}>", "exec"), ns)
    new = ns[fdef.name]
    if isinstance(f, types.MethodType):
        new = types.MethodType(new, f.__self__)
    return text, new


def integer_powers(f: Callable) -> Callable:
    """f with its whole-number float exponents written as integers (see above); f
    itself when it has none or its source cannot be read."""
    found = read_function(f)
    if found is None:
        return f
    fn, fdef = found
    before = ast.dump(fdef)
    fdef = IntegerPowers().visit(fdef)
    if ast.dump(fdef) == before:
        return f
    new = build_function(f, fn, fdef, f"{fn.__name__} (integer powers)")[1]
    return new
