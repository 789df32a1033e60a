"""Rewrite an element-wise update as a loop over neurons (as Brian2's generated code).

On the NumPy backend, array code such as ``V = V + dVdt * dt`` allocates a new
array for every operation.  For a group of neurons whose update treats every
neuron independently, the same code run once per neuron on numbers is several
times faster and allocates nothing::

    def HH0_update(HH0_V, HH0_m, HH0_input, _t, _dt):     # array form
        V, m = HH0_integral(HH0_V, HH0_m, _t, HH0_input, dt=_dt)
        HH0_V[:] = V
        ...

    def HH0_update(HH0_V, HH0_m, HH0_input, _t, _dt):     # per-neuron form
        for _i in range(HH0_V.shape[0]):
            V, m = HH0_integral(HH0_V[_i], HH0_m[_i], _t, HH0_input[_i], dt=_dt)
            HH0_V[_i] = V
            ...

The rewrite is applied only when it cannot change the result: every Variable
has the group's shape (num,), the code is straight-line (no if/for/while), uses
only element-wise functions, and touches Variables only whole (``V``,
``V[:]``, ``V[...]``).  A local name bound to a Variable (the slides'
``V, m = self.V, self.m``) keeps seeing in-place updates of that Variable, as
it does in Python.  Anything else stays in array form.
"""
from __future__ import annotations

import ast
import copy
import math as _math
import types

import numpy as np

from ..math.functions import ELEMENTWISE

ELEMENTWISE_CALLS = frozenset(ELEMENTWISE) | {
    "where", "logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isinf",
    "isfinite", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "bitwise_and", "bitwise_or", "bitwise_not", "bitwise_xor", "invert"} - {"interp"}
ALLOWED_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.AugAssign, ast.Expr,
    ast.Pass, ast.Name, ast.Load, ast.Store, ast.Constant, ast.Tuple, ast.BinOp, ast.UnaryOp,
    ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute, ast.Subscript, ast.Slice,
    ast.operator, ast.unaryop, ast.cmpop, ast.Return)


def _is_math_module(obj) -> bool:
    if not isinstance(obj, types.ModuleType):
        return False
    return obj is np or obj is _math or obj.__name__ == "braindyn.math"


def _whole(sl) -> bool:
    """V[:] or V[...]"""
    if isinstance(sl, ast.Slice):
        return sl.lower is None and sl.upper is None and sl.step is None
    return isinstance(sl, ast.Constant) and sl.value is Ellipsis


def elementwise(fdef: ast.FunctionDef, ns: dict, elementwise_names: set) -> bool:
    """True if ``fdef`` computes each output element from the same element of its
    inputs only (so it may run per neuron)."""
    for node in ast.walk(fdef):
        if not isinstance(node, ALLOWED_NODES):
            return False
        if isinstance(node, ast.Return) and node is not fdef.body[-1]:
            return False
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                if not (_is_math_module(ns.get(f.value.id)) and f.attr in ELEMENTWISE_CALLS):
                    return False
            elif isinstance(f, ast.Name):
                if f.id not in elementwise_names and f.id != "abs":
                    return False
            else:
                return False
        if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and _is_math_module(ns.get(node.value.id))):
            return False
    return True


def per_neuron(fdef: ast.FunctionDef, variables: dict, arrays: dict, ns: dict,
               elementwise_names: set, num: int, parallel: bool) -> ast.FunctionDef | None:
    """The per-neuron form of an update, or None when it would not be equivalent.

    variables: argument name -> shape of the Variable; arrays: constant name ->
    value (per-neuron parameter arrays of shape (num,) are indexed too).
    """
    if not variables or any(tuple(s) != (num,) for s in variables.values()):
        return None
    if not elementwise(fdef, ns, elementwise_names | set(variables) | set(arrays)):
        return None
    per_neuron_consts = {k for k, v in arrays.items()
                         if isinstance(v, np.ndarray) and v.shape == (num,)}
    if any(isinstance(v, np.ndarray) and k not in per_neuron_consts
           for k, v in arrays.items()):
        return None
    indexed = set(variables) | per_neuron_consts
    body = []
    alias: dict[str, str] = {}   # local name -> Variable it is bound to

    def element(name):
        return ast.Subscript(value=ast.Name(id=name, ctx=ast.Load()),
                             slice=ast.Name(id="_i", ctx=ast.Load()), ctx=ast.Load())

    class Loads(ast.NodeTransformer):
        def visit_Call(self, n):
            # where(c, a, b) on numbers is (a if c else b): NumPy's where would
            # make a 0-d array, an allocation per neuron and step
            f = n.func
            if isinstance(f, ast.Attribute) and f.attr == "where" and len(n.args) == 3 \
                    and not n.keywords and isinstance(f.value, ast.Name) \
                    and _is_math_module(ns.get(f.value.id)):
                c, a, b = (self.visit(x) for x in n.args)
                return ast.IfExp(test=c, body=a, orelse=b)
            return self.generic_visit(n)

        def visit_Name(self, n):
            if isinstance(n.ctx, ast.Load):
                target = alias.get(n.id, n.id)
                if target in indexed:
                    return element(target)
            return n

        def visit_Subscript(self, n):
            if isinstance(n.value, ast.Name) and alias.get(n.value.id, n.value.id) in indexed:
                if not _whole(n.slice):
                    raise _NotElementwise
                return element(alias.get(n.value.id, n.value.id))
            return self.generic_visit(n)

    def store_target(t):
        """Rewrite a store target; returns (new target, names it rebinds)."""
        if isinstance(t, ast.Name):
            if t.id in indexed:
                raise _NotElementwise      # rebinding a Variable's argument name
            return t, [t.id]
        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
            var = alias.get(t.value.id, t.value.id)
            if var in indexed and _whole(t.slice):
                return ast.Subscript(value=ast.Name(id=var, ctx=ast.Load()),
                                     slice=ast.Name(id="_i", ctx=ast.Load()),
                                     ctx=ast.Store()), []
            raise _NotElementwise
        if isinstance(t, ast.Tuple):
            elts, names = [], []
            for e in t.elts:
                new, ns_ = store_target(e)
                elts.append(new)
                names += ns_
            return ast.Tuple(elts=elts, ctx=ast.Store()), names
        raise _NotElementwise

    try:
        for stmt in copy.deepcopy(fdef.body):
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # a docstring
            if isinstance(stmt, ast.Assign):
                # V, m = HH0_V, HH0_m: the names become aliases of the Variables
                targets, value = stmt.targets, stmt.value
                if len(targets) == 1 and _aliases(targets[0], value, indexed, alias):
                    for name, var in _aliases(targets[0], value, indexed, alias):
                        alias[name] = var
                    continue
                new_value = Loads().visit(value)
                new_targets = []
                for t in targets:
                    new, rebound = store_target(t)
                    new_targets.append(new)
                    for name in rebound:
                        alias.pop(name, None)
                body.append(ast.copy_location(ast.Assign(targets=new_targets, value=new_value),
                                              stmt))   # the student's line, for messages
            elif isinstance(stmt, ast.AugAssign):
                target = stmt.target
                if isinstance(target, ast.Name) and alias.get(target.id, target.id) in indexed:
                    new_target = ast.Subscript(
                        value=ast.Name(id=alias.get(target.id, target.id), ctx=ast.Load()),
                        slice=ast.Name(id="_i", ctx=ast.Load()), ctx=ast.Store())
                else:
                    new_target, rebound = store_target(target)
                    for name in rebound:
                        alias.pop(name, None)
                body.append(ast.copy_location(ast.AugAssign(
                    target=new_target, op=stmt.op, value=Loads().visit(stmt.value)), stmt))
            elif isinstance(stmt, ast.Expr):
                body.append(ast.copy_location(ast.Expr(value=Loads().visit(stmt.value)), stmt))
            elif isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and stmt.value is None):
                continue
            else:
                return None
    except _NotElementwise:
        return None
    first = next(iter(variables))
    loop_range = "prange" if parallel else "range"
    loop = ast.For(
        target=ast.Name(id="_i", ctx=ast.Store()),
        iter=ast.Call(func=ast.Name(id=loop_range, ctx=ast.Load()),
                      args=[ast.Subscript(value=ast.Attribute(
                          value=ast.Name(id=first, ctx=ast.Load()), attr="shape",
                          ctx=ast.Load()), slice=ast.Constant(value=0), ctx=ast.Load())],
                      keywords=[]),
        body=body or [ast.Pass()], orelse=[])
    new = copy.deepcopy(fdef)
    new.body = [loop]
    return ast.fix_missing_locations(new)


class _NotElementwise(Exception):
    pass


def _aliases(target, value, indexed, alias):
    """[(name, Variable)] if the assignment only binds names to whole Variables."""
    def var_of(v):
        if isinstance(v, ast.Name) and alias.get(v.id, v.id) in indexed:
            return alias.get(v.id, v.id)
        return None
    if isinstance(target, ast.Name) and var_of(value):
        return [(target.id, var_of(value))]
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and \
            len(target.elts) == len(value.elts) and \
            all(isinstance(t, ast.Name) for t in target.elts) and \
            all(var_of(v) for v in value.elts):
        return [(t.id, var_of(v)) for t, v in zip(target.elts, value.elts)]
    return []
