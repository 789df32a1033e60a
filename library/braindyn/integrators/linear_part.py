"""The linear coefficient of each equation in its own variable, read from the code.

Exponential Euler (``exponential.py``) needs, for each variable x of a system
``dx/dt = f_x(x, y, ..., t)``, the coefficient ``A_x = d f_x / d x``.  This
module writes it as code: it reads the derivative's source and applies the
chain rule statement by statement (forward-mode differentiation, what
automatic differentiation does, but producing source a student can read with
``show_code``).  For the synapse ``dg/dt = -g / tau`` it writes::

    def derivative_linear(g_syn, t, tau):
        return -1.0 / tau

For an equation linear in its own variable (synapses, LIF, the HH gates given
V) the coefficient contains no x at all; the compiled loop then computes
``exp(-dt / tau)`` once per run instead of once per neuron and step (LLVM moves
the loop-invariant expression out of the loops), which is what a hand-written
loop does.

What it differentiates: assignments to names (also ``a, b = ...`` and
``a += ...``), one final ``return``, ``+ - * / **`` (an exponent that does not
depend on x), unary minus, ``a if c else b``, and calls of ``exp``, ``expm1``,
``log``, ``log1p``, ``sqrt``, ``sin``, ``cos``, ``tanh``, ``where``,
``maximum``, ``minimum`` from ``math``, NumPy, JAX or ``braindyn.math``.  Any
expression that does not depend on x may be anything at all (a call of your
own function, an attribute, an index): its derivative is zero.  Anything else
that depends on x (a loop, an ``if`` statement, your own function of x) gives
``None``, and exponential Euler keeps its central difference.

Reference: A. Griewank, A. Walther, *Evaluating Derivatives* (2nd ed., SIAM
2008), ch. 3 (the forward mode).
"""
from __future__ import annotations

import ast
import math
import types
from typing import Any, Callable

import numpy as np

from .rewrite import build_function, read_function
from .signature import Signature

# the functions whose derivative is written below, by name
UNARY = ("exp", "expm1", "log", "log1p", "sqrt", "sin", "cos", "tanh")
BINARY = ("where", "maximum", "minimum")


class Unsupported(Exception):
    """The code depends on the variable in a way this module cannot differentiate."""


def _known_functions() -> dict[int, str]:
    """id of each known callable -> its name (math, NumPy, braindyn.math, jax.numpy)."""
    import sys
    from .. import math as bm
    modules = [math, np, bm]
    if "jax.numpy" in sys.modules:
        modules.append(sys.modules["jax.numpy"])
    known = {}
    for mod in modules:
        for name in UNARY + BINARY:
            fn = getattr(mod, name, None)
            if fn is not None:
                known[id(fn)] = name
    return known


def _resolve(node: ast.expr, ns: dict) -> Any:
    """The object a Name or dotted Attribute names in ns, or None."""
    if isinstance(node, ast.Name):
        return ns.get(node.id, getattr(__builtins__, node.id, None)
                      if not isinstance(__builtins__, dict) else __builtins__.get(node.id))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, ns)
        if isinstance(base, types.ModuleType) or getattr(base, "__name__", "").startswith(
                "braindyn.math"):
            return getattr(base, node.attr, None)
    return None


def _num(x: float) -> ast.Constant:
    return ast.Constant(value=x)


def _bin(a: ast.expr, op: ast.operator, b: ast.expr) -> ast.expr:
    return ast.BinOp(left=a, op=op, right=b)


def _neg(a: ast.expr) -> ast.expr:
    return ast.UnaryOp(op=ast.USub(), operand=a)


class _Tangent:
    """Forward-mode derivative of expressions with respect to one variable.

    ``env`` maps a name to the expression of its derivative; a name not in it
    has derivative zero.  Zero is represented by None, so that ``-g / tau``
    gives ``-1.0 / tau`` and not ``(-1.0 * tau - -g * 0.0) / tau ** 2``."""

    def __init__(self, env: dict, ns: dict, known: dict):
        self.env, self.ns, self.known = env, ns, known

    def depends(self, node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id in self.env for n in ast.walk(node))

    def __call__(self, node: ast.expr) -> ast.expr | None:
        if not self.depends(node):
            return None
        if isinstance(node, ast.Name):
            return self.env[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            d = self(node.operand)
            return _neg(d) if isinstance(node.op, ast.USub) else d
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.IfExp):
            da, db = self(node.body), self(node.orelse)
            if da is None and db is None:
                return None
            return ast.IfExp(test=node.test, body=da or _num(0.0), orelse=db or _num(0.0))
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            return None   # a truth value: piecewise constant
        if isinstance(node, ast.Call) and not node.keywords:
            return self.call(node)
        raise Unsupported(ast.unparse(node))

    def binop(self, node: ast.BinOp) -> ast.expr | None:
        a, b, op = node.left, node.right, node.op
        da, db = self(a), self(b)
        if isinstance(op, (ast.Add, ast.Sub)):
            if db is None:
                return da
            if da is None:
                return _neg(db) if isinstance(op, ast.Sub) else db
            return _bin(da, op, db)
        if isinstance(op, ast.Mult):
            terms = [t for t in (None if da is None else _bin(da, ast.Mult(), b),
                                 None if db is None else _bin(a, ast.Mult(), db)) if t]
            return terms[0] if len(terms) == 1 else _bin(terms[0], ast.Add(), terms[1])
        if isinstance(op, ast.Div):
            if db is None:
                return _bin(da, ast.Div(), b)
            # d(a/b) = da/b - a db / b^2
            second = _bin(_bin(a, ast.Mult(), db), ast.Div(), _bin(b, ast.Mult(), b))
            return _neg(second) if da is None else \
                _bin(_bin(da, ast.Div(), b), ast.Sub(), second)
        if isinstance(op, ast.Pow) and db is None:
            # d(a^n) = n a^(n-1) da, the exponent as written
            if isinstance(b, ast.Constant) and isinstance(b.value, (int, float)):
                n = b.value
                power = a if n - 1 == 1 else _bin(a, ast.Pow(), _num(n - 1))
                return _bin(_bin(_num(n), ast.Mult(), power), ast.Mult(), da)
            lowered = _bin(b, ast.Sub(), _num(1))
            return _bin(_bin(b, ast.Mult(), _bin(a, ast.Pow(), lowered)), ast.Mult(), da)
        raise Unsupported(ast.unparse(node))

    def call(self, node: ast.Call) -> ast.expr | None:
        name = self.known.get(id(_resolve(node.func, self.ns)))
        if name is None:
            raise Unsupported(ast.unparse(node))
        if name in BINARY:
            return self.binary(node, name)
        if len(node.args) != 1:
            raise Unsupported(ast.unparse(node))
        x = node.args[0]
        dx = self(x)
        if name in ("exp", "expm1"):       # exp(x)' = exp(x); expm1(x) + 1 = exp(x)
            outer = node if name == "exp" else _bin(node, ast.Add(), _num(1.0))
        elif name == "log":
            return _bin(dx, ast.Div(), x)
        elif name == "log1p":
            return _bin(dx, ast.Div(), _bin(_num(1.0), ast.Add(), x))
        elif name == "sqrt":
            return _bin(dx, ast.Div(), _bin(_num(2.0), ast.Mult(), node))
        elif name == "tanh":
            outer = _bin(_num(1.0), ast.Sub(), _bin(node, ast.Mult(), node))
        else:                               # sin, cos: the other one of the module
            other = "cos" if name == "sin" else "sin"
            if not isinstance(node.func, ast.Attribute):
                raise Unsupported(ast.unparse(node))
            func = ast.Attribute(value=node.func.value, attr=other, ctx=ast.Load())
            if self.known.get(id(_resolve(func, self.ns))) != other:
                raise Unsupported(ast.unparse(node))
            outer = ast.Call(func=func, args=[x], keywords=[])
            if name == "cos":
                outer = _neg(outer)
        return _bin(outer, ast.Mult(), dx)

    def binary(self, node: ast.Call, name: str) -> ast.expr | None:
        if len(node.args) != (3 if name == "where" else 2):
            raise Unsupported(ast.unparse(node))
        if not isinstance(node.func, ast.Attribute):
            raise Unsupported(ast.unparse(node))
        where = ast.Attribute(value=node.func.value, attr="where", ctx=ast.Load())
        if self.known.get(id(_resolve(where, self.ns))) != "where":
            raise Unsupported(ast.unparse(node))
        if name == "where":
            test, a, b = node.args
        else:
            a, b = node.args
            test = ast.Compare(left=a, ops=[ast.GtE() if name == "maximum" else ast.LtE()],
                               comparators=[b])
        da, db = self(a), self(b)
        if da is None and db is None:
            return None
        return ast.Call(func=where, args=[test, da or _num(0.0), db or _num(0.0)], keywords=[])


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name)
                                                        for e in node.elts):
        return [e.id for e in node.elts]
    raise Unsupported(ast.unparse(node))


def _names(node: ast.AST) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _differentiate(fdef: ast.FunctionDef, variables: tuple,
                   ns: dict) -> tuple[list[ast.stmt], list[bool]] | None:
    """The body of the coefficient function: the derivative's own statements with,
    before each, the derivative of its value with respect to each variable; and for
    each variable whether its equation is linear in it (affine: A contains no x)."""
    known = _known_functions()
    body = list(fdef.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]                                  # the docstring
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    out: list[ast.stmt] = []
    envs = [{v: _num(1.0)} for v in variables]           # dx/dx = 1
    # per variable: the names (values and their derivatives) that depend on it
    depend = [{v} for v in variables]
    try:
        for stmt in body[:-1]:
            if isinstance(stmt, ast.AugAssign):
                stmt = ast.Assign(targets=[ast.Name(id=_targets(stmt.target)[0], ctx=ast.Store())],
                                  value=ast.BinOp(left=ast.Name(id=stmt.target.id, ctx=ast.Load()),
                                                  op=stmt.op, right=stmt.value))
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
                raise Unsupported(type(stmt).__name__)
            names = _targets(stmt.targets[0])
            pending = []
            for k, env in enumerate(envs):
                tangent = _Tangent(env, ns, known)
                if len(names) == 1:
                    parts = [tangent(stmt.value)]
                elif not tangent.depends(stmt.value):
                    parts = [None] * len(names)
                elif isinstance(stmt.value, ast.Tuple) and len(stmt.value.elts) == len(names):
                    parts = [tangent(e) for e in stmt.value.elts]
                else:
                    raise Unsupported(ast.unparse(stmt))
                value_depends = bool(_names(stmt.value) & depend[k])
                for name, d in zip(names, parts):
                    pending.append((k, name, d, f"_d{k}_{name}", value_depends))
            # derivatives first: they read the values from before the assignment
            for k, name, d, dname, _ in pending:
                if d is not None:
                    out.append(ast.Assign(targets=[ast.Name(id=dname, ctx=ast.Store())],
                                          value=d))
                    if _names(d) & depend[k]:
                        depend[k].add(dname)
                    else:
                        depend[k].discard(dname)
            out.append(stmt)
            for k, name, d, dname, value_depends in pending:
                if d is None:
                    envs[k].pop(name, None)
                else:
                    envs[k][name] = ast.Name(id=dname, ctx=ast.Load())
                if value_depends:
                    depend[k].add(name)
                else:
                    depend[k].discard(name)
        value = body[-1].value
        results = value.elts if isinstance(value, ast.Tuple) else [value]
        if len(results) != len(variables):
            return None
        coefficients = [_Tangent(env, ns, known)(r) or _num(0.0)
                        for env, r in zip(envs, results)]
    except Unsupported:
        return None
    affine = [not (_names(a) & dep) for a, dep in zip(coefficients, depend)]
    ret = coefficients[0] if len(coefficients) == 1 else ast.Tuple(elts=coefficients,
                                                                  ctx=ast.Load())
    return out + [ast.Return(value=ret)], affine


def coefficient_function(f: Callable, sig: Signature, name: str, source: str | None = None
                         ) -> tuple[str, Callable, tuple[bool, ...]] | None:
    """Source and function ``name(<f's parameters>) -> A`` (a tuple for several
    variables): the derivative of each equation in its own variable; and for each
    variable whether its equation is linear in it (A does not depend on it).  ``source``:
    f's source when it was generated (the compiled runtime's translations); by
    default it is read with ``inspect``.  None when f cannot be read or
    differentiated (see the module docstring)."""
    read = read_function(f, source)
    if read is None:
        return None
    fn, fdef = read
    found = _differentiate(fdef, sig.variables, dict(fn.__globals__))
    if found is None:
        return None
    body, affine = found
    which = ", ".join(f"d(d{v}/dt)/d{v}" for v in sig.variables)
    doc = ast.Expr(value=ast.Constant(value=f"{which} of {fn.__name__}, by the chain rule."))
    new = ast.FunctionDef(name=name, args=fdef.args, body=[doc] + body, decorator_list=[],
                          returns=None, type_comment=None)
    text, coefficient = build_function(f, fn, new, name)
    return text, coefficient, tuple(affine)
