"""Translate a model's ``update`` methods into Numba code, and run the whole loop.

The translation is small and mechanical, so that students can read the result
(``model.show_code()``):

* ``self.V`` (a Variable) becomes an array argument ``HH0_V`` of the generated
  function; ``self.V.value`` is the same array; ``self.V += x`` and
  ``self.V[:] = x`` stay in-place writes;
* ``self.gNa`` (anything else: numbers, strings, tuples) becomes a constant
  ``HH0_gNa`` of the compiled code;
* ``self.pre_ids`` (a NumPy array that is not a Variable, such as the connection
  arrays of a synapse) becomes an argument ``E2E_pre_ids``, like a Variable: the
  loop receives the array at every run.  Frozen into the code instead, a large
  array would make the machine code impossible to keep on disk (Numba refers to
  an array above 1 MB by its address in this process) and slow to compile; as an
  argument, the same code serves every network of the same structure, and a
  change of the array (in place or by assignment) is seen at the next run.  Only
  the derivatives of integrals keep arrays frozen in (the integrator calls them
  with the state alone): changing one there rebuilds the program;
* ``self.pre.spike`` follows the attribute chain to the other system's Variable;
* ``self.integral(...)`` (an ``odeint`` method) becomes the integrator's step code
  for the translated derivative; ``self.other_method(...)`` is translated too;
* ``m ** 3.0`` becomes ``m ** 3``: Numba multiplies for an integer power instead of
  calling ``pow`` (30 times faster; the result differs by at most a rounding, e.g.
  2.8e-14 mV on V over 100 ms of the slides' HH model).

Then one loop function applies the inputs, calls the root's update, records the
monitors and checks for NaN at every step, all in compiled code.
"""
from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
import types

import numpy as np

from ..integrators.odeint import BoundIntegral, Integrator
from ..math.variable import Variable
from . import numba_cache, runner, scalarize
from .base import DynamicalSystem, Network

# Groups at least this large update their neurons on all cores (numba.prange).
PARALLEL_MIN_NEURONS = 1000


class _Marker(ast.AST):
    """A resolved ``self.<...>`` that is callable: an integral or a method."""
    _fields = ()

    def __init__(self, target):
        super().__init__()
        self.target = target


class Translator:
    """Builds the generated functions of one model (see the module docstring)."""

    def __init__(self, root: DynamicalSystem, cache_dir=None):
        self.root = root
        self.cache_dir = cache_dir      # where sources are written for Numba's disk cache
        self.globals_used: dict = {}    # (module dict id, name) -> (module dict, value)
        self.helper_sources: list = []  # user functions compiled along
        self.shared: dict = {}         # generated names -> compiled functions / constants
        self.sources: list[str] = []   # in the order they were written
        self.done: dict = {}           # (id(node), function) -> (name, var params)
        self.var_names: dict = {}      # id(Variable) -> argument name
        self.var_by_name: dict = {}    # argument name -> Variable
        self.elementwise: set = set()  # generated functions that may run per neuron
        self.per_neuron: list = []     # updates rewritten as loops over neurons
        self.array_args: dict = {}     # argument name -> (object, attribute) of an array
        self.frozen_arrays: dict = {}  # constant name -> (object, attribute, digest)
        self._freezing = 0             # > 0 while translating a derivative (see integral)
        for node, attr, var in runner.state_variables(root):
            name = self.var_names.setdefault(id(var), f"{node.name}_{attr}")
            self.var_by_name[name] = var

    # -- resolving self.<chain> ------------------------------------------------
    def resolve(self, node: DynamicalSystem, chain: list[str], where: str):
        """Follow ``self.a.b...``: returns ('var', name, rest) | ('array', name, rest)
        | ('const', name, rest) | ('call', target, rest)."""
        obj, path = node, [node.name]
        for i, attr in enumerate(chain):
            try:
                value = getattr(obj, attr)
            except AttributeError:
                raise runner.CompileError(
                    f"{where}: {'.'.join(['self'] + chain[:i + 1])} does not exist") from None
            path.append(attr)
            rest = chain[i + 1:]
            if isinstance(value, Variable):
                return "var", self.var_names.get(id(value)) or self._foreign(value, path), rest
            if isinstance(value, DynamicalSystem):
                obj, path = value, [value.name]
                continue
            if isinstance(value, (BoundIntegral, Integrator, types.MethodType)):
                return "call", value, rest
            if _is_constant(value):
                name = "_".join(path)
                if isinstance(value, np.ndarray) and not self._freezing:
                    self.array_args[name] = (obj, attr)
                    return "array", name, rest
                if isinstance(value, np.ndarray):
                    self.frozen_arrays[name] = (obj, attr, numba_cache.digest(value))
                self.shared[name] = _freeze(value)
                return "const", name, rest
            obj = value  # a plain object holding constants: self.conn.pre_ids
        raise runner.CompileError(
            f"{where}: self.{'.'.join(chain)} is a {type(obj).__name__}; compiled code can "
            f"use Variables, numbers, strings, tuples and NumPy arrays (or run with jit=False)")

    def _foreign(self, var, path):
        raise runner.CompileError(
            f"{'.'.join(path)} is a Variable that does not belong to any system of this run; "
            f"make it an attribute of a system that is part of the model")

    # -- translating one method ---------------------------------------------------
    def network_update(self, net) -> tuple[str, list]:
        """Network.update, written out: each member's update in the network's order."""
        calls, used = [], []
        for member in net.members:
            name, member_used = self.function(member, type(member).update, "update")
            calls.append(f"    {name}({''.join(u + ', ' for u in member_used)}_t, _dt)")
            used += [u for u in member_used if u not in used]
        name = f"{net.name}_update"
        code = f"def {name}({''.join(u + ', ' for u in used)}_t, _dt):\n" + \
            "\n".join(calls or ["    pass"]) + "\n"
        ns = dict(self.shared)
        self._exec(code, name, ns)
        self.sources.append(code)
        self.shared[name] = _njit(ns[name], name, cache=self.cache_dir is not None)
        self.done[(id(net), Network.update)] = (name, used)
        return name, used

    def _exec(self, code: str, name: str, ns: dict) -> None:
        """Run generated source; with a cache directory it is written to a file
        first, so Numba can keep the machine code on disk (numba_cache.py)."""
        if self.cache_dir is None:
            filename = f"<braindyn {name}>"
        else:
            filename = str(numba_cache.write_source(self.cache_dir, name, code))
            ns["__name__"] = numba_cache.module_name(self.cache_dir)  # see there
        exec(compile(code, filename, "exec"), ns)

    def _record_globals(self, body, func_globals: dict) -> None:
        # module-level values the code reads are frozen by Numba: remember them,
        # so that changing one rebuilds the program (Program.stale)
        for n in ast.walk(body):
            if isinstance(n, ast.Name) and n.id in func_globals and n.id not in self.shared:
                value = func_globals[n.id]
                if _is_constant(value):
                    self.globals_used[(id(func_globals), n.id)] = (func_globals, n.id,
                                                                   numba_cache.digest(value))

    def function(self, node: DynamicalSystem, func, label: str) -> tuple[str, list]:
        key = (id(node), func)
        if key in self.done:
            return self.done[key]
        if func is Network.update:
            return self.network_update(node)
        where = f"{type(node).__name__}.{func.__name__}"
        try:
            source = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError) as err:
            raise runner.CompileError(
                f"cannot read the source of {where} to compile it ({err}); define it in a "
                f"file or notebook cell, or run with jit=False") from None
        tree = ast.parse(source)
        fdef = tree.body[0]
        if not isinstance(fdef, ast.FunctionDef):
            raise runner.CompileError(f"{where} is not a plain def; run with jit=False")
        fdef.decorator_list = []
        args = fdef.args
        if not args.args or args.args[0].arg != "self":
            raise runner.CompileError(f"{where} must take self as its first argument")
        args.args = args.args[1:]
        args.kwarg = None  # the slides' update(self, _t, _dt, **kwargs)
        params = [a.arg for a in args.args]
        name = f"{node.name}_{label}"
        used: list[str] = []
        body = _IntegerPowers().visit(_SelfRewriter(self, node, where, used).visit(fdef))
        body.name = name
        body.args.args = [ast.arg(arg=v) for v in used] + body.args.args
        ast.fix_missing_locations(body)
        ns = dict(func.__globals__)
        ns.update(self.shared)
        consts = {n.id: self.shared[n.id] for n in ast.walk(body)
                  if isinstance(n, ast.Name) and n.id in self.shared and n.id not in used
                  and not callable(self.shared[n.id])}
        parallel = False
        num = getattr(node, "num", None)
        if params not in ([], ["_t", "_dt"], ["t", "dt"]) and \
                not (label == "update" and len(params) == 2):
            num = None   # another parameter could be an array, which a loop would not index
        elif not isinstance(num, int) and used:
            # a system without neurons (a synapse): a method that reads only its
            # Variables, all of one length (such as g, one per post neuron), may run
            # per element too
            shapes = {np.shape(self.argument(v)) for v in used}
            shape = shapes.pop() if len(shapes) == 1 else ()
            num = shape[0] if len(shape) == 1 else None
        known = self.elementwise | self._elementwise_helpers(body, ns)
        if not used and scalarize.elementwise(body, ns, known) and \
                not any(isinstance(v, np.ndarray) for v in consts.values()):
            self.elementwise.add(name)          # e.g. a derivative of numbers only
        elif used and isinstance(num, int):
            # on all cores only for a group of neurons (PARALLEL_MIN_NEURONS)
            parallel = isinstance(getattr(node, "num", None), int) and \
                num >= PARALLEL_MIN_NEURONS
            looped = scalarize.per_neuron(
                body, {v: np.shape(self.argument(v)) for v in used}, consts, ns,
                known, num, parallel=parallel)
            if looped is not None:
                body = looped
                self.per_neuron.append(name)
            else:
                parallel = False
        code = ast.unparse(body)
        if parallel:
            import numba
            ns["prange"] = numba.prange
        self._compile_helpers(ns, body)
        self._record_globals(body, func.__globals__)
        self._exec(code, name, ns)
        self.sources.append(code)
        self.done[key] = (name, used)
        self.shared[name] = _njit(ns[name], where, parallel=parallel,
                                  cache=self.cache_dir is not None)
        return name, used

    def _elementwise_helpers(self, tree, ns: dict) -> set:
        """Names of the plain functions that ``tree`` calls by name and whose own body
        is element-wise (models.hodgkin_huxley.hh_derivatives, say): a caller that
        uses them may still run per neuron, calling them on numbers.  Judged per
        namespace, since another module may use the same name for another function."""
        names = set()
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name)):
                continue
            fn = ns.get(n.func.id)
            if not isinstance(fn, types.FunctionType) or n.func.id in self.shared \
                    or _has_numba_overload(fn):
                continue
            try:
                fdef = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
            except (OSError, TypeError, SyntaxError):
                continue
            if isinstance(fdef, ast.FunctionDef) and not fdef.decorator_list and \
                    scalarize.elementwise(fdef, fn.__globals__, self.elementwise):
                names.add(n.func.id)
        return names

    def argument(self, name: str):
        """The current value of an argument: a Variable's array, or an array constant."""
        if name in self.var_by_name:
            return self.var_by_name[name].value
        obj, attr = self.array_args[name]
        return _freeze(getattr(obj, attr))

    def integral(self, target, where: str) -> str:
        """The compiled step of an integral: a method integral (``@bp.odeint`` in the
        class body), or an ``odeint`` of a bound method or of a plain function."""
        if isinstance(target, BoundIntegral):
            integ, node, func = target.integrator, target.obj, target.integrator.f
        else:
            integ = target
            f = integ.f
            bound = isinstance(f, types.MethodType) and isinstance(f.__self__, DynamicalSystem)
            node, func = (f.__self__, f.__func__) if bound else (None, None)
        key = (id(node), integ)
        if key in self.done:
            return self.done[key][0]
        if node is not None:
            # the integrator calls the derivative with the state only, so the arrays
            # it reads through self are frozen into it (see the module docstring)
            self._freezing += 1
            try:
                f_name, used = self.function(node, func, f"{integ.__name__}_derivative")
            finally:
                self._freezing -= 1
            if used:
                raise runner.CompileError(
                    f"{where}: the derivative {integ.__name__}() reads the Variables "
                    f"or arrays {', '.join(used)} through self; pass them as arguments instead")
            python_f = self.shared[f_name].py_func
        else:  # a plain derivative function
            python_f = integ.f
        sig = dataclasses.replace(integ.sig, has_self=False)
        name = f"{(node or self.root).name}_{integ.__name__}"
        step, source = integ.build("numba", f=python_f, sig=sig, cache_dir=self.cache_dir,
                                   name=name)
        if node is not None and f_name in self.elementwise:
            self.elementwise.add(name)
        self.shared[name] = step
        self.sources.append(f"# {name} = the {integ.method} step below, with "
                            f"f = {f_name}\n{source}")
        self.done[key] = (name, [])
        return name

    def _compile_helpers(self, ns, tree):
        # plain Python functions the code calls are compiled too
        from ..math.compile import JitFunction
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and isinstance(ns.get(n.id), types.FunctionType) \
                    and n.id not in self.shared and not _has_numba_overload(ns[n.id]):
                try:
                    self.helper_sources.append(inspect.getsource(ns[n.id]))
                except (OSError, TypeError):
                    self.helper_sources.append(None)  # unknown source: no disk cache
                ns[n.id] = _helper(ns[n.id])
            elif isinstance(n, ast.Name) and isinstance(ns.get(n.id), JitFunction):
                ns[n.id] = ns[n.id]._compile_numba()


_helpers: dict = {}


def _has_numba_overload(fn) -> bool:
    """True for a function with an ``@numba.extending.overload`` (such as
    models.delivery.pre2post_sum): Numba compiles the overload, so compiling the
    Python body instead would be wrong (it may branch on the backend)."""
    from numba.core.typing.templates import builtin_registry
    return any(f is fn for f, _ in builtin_registry.globals)


def _helper(fn):
    from ..math.compile import njit
    if fn not in _helpers:
        _helpers[fn] = njit(fn)
    return _helpers[fn]


def _njit(fn, where, parallel=False, cache=False):
    from ..math.compile import njit
    options = {"cache": True} if cache else {}
    if parallel:
        options["parallel"] = True
    return njit(fn, **options)


class _IntegerPowers(ast.NodeTransformer):
    """x ** 3.0 -> x ** 3 (a whole-number float exponent from 1 to 8)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        c = node.right
        if isinstance(node.op, ast.Pow) and isinstance(c, ast.Constant) and \
                isinstance(c.value, float) and c.value.is_integer() and 1 <= c.value <= 8:
            node.right = ast.Constant(value=int(c.value))
        return node


def _is_constant(value) -> bool:
    if isinstance(value, (bool, int, float, complex, str, type(None), np.generic, np.ndarray)):
        return True
    if isinstance(value, tuple):
        return all(_is_constant(v) and not isinstance(v, np.ndarray) for v in value)
    return False


def _freeze(value):
    # a C-contiguous array as it is (np.ascontiguousarray would make a 0-d one 1-d)
    if isinstance(value, np.ndarray) and not value.flags.c_contiguous:
        return np.ascontiguousarray(value)
    return value


def _self_chain(node):
    """['a', 'b'] for self.a.b, else None."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "self":
        return chain[::-1]
    return None


class _SelfRewriter(ast.NodeTransformer):
    def __init__(self, tr: Translator, node, where: str, used: list):
        self.tr, self.node, self.where, self.used = tr, node, where, used

    def _resolve(self, expr, ctx):
        chain = _self_chain(expr)
        if chain is None:
            return None
        kind, target, rest = self.tr.resolve(self.node, chain, self.where)
        if kind == "call":
            if rest:
                raise runner.CompileError(f"{self.where}: self.{'.'.join(chain)} is not supported")
            return _Marker(target)
        if kind in ("var", "array"):
            if target not in self.used:
                self.used.append(target)
            if kind == "var" and rest[:1] == ["value"]:
                rest = rest[1:]
        out = ast.Name(id=target, ctx=ast.Load() if rest else ctx)
        for attr in rest:
            out = ast.Attribute(value=out, attr=attr, ctx=ast.Load())
        out.ctx = ctx
        return out

    def visit_Attribute(self, node):
        resolved = self._resolve(node, node.ctx)
        if resolved is None:
            return self.generic_visit(node)
        if isinstance(resolved, _Marker):
            raise runner.CompileError(f"{self.where}: a method is used without calling it")
        return resolved

    def visit_Call(self, node):
        chain = _self_chain(node.func)
        if chain is not None:
            resolved = self._resolve(node.func, ast.Load())
            if isinstance(resolved, _Marker):
                args = [self.visit(a) for a in node.args]
                keywords = [ast.keyword(arg=k.arg, value=self.visit(k.value))
                            for k in node.keywords]
                target = resolved.target
                if isinstance(target, (BoundIntegral, Integrator)):
                    name = self.tr.integral(target, self.where)
                    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args,
                                    keywords=keywords)
                owner = target.__self__
                if not isinstance(owner, DynamicalSystem):
                    raise runner.CompileError(f"{self.where}: self.{'.'.join(chain)}() is a "
                                              f"method of a {type(owner).__name__}")
                name, used = self.tr.function(owner, target.__func__, target.__name__)
                for v in used:
                    if v not in self.used:
                        self.used.append(v)
                return ast.Call(func=ast.Name(id=name, ctx=ast.Load()),
                                args=[ast.Name(id=v, ctx=ast.Load()) for v in used] + args,
                                keywords=keywords)
        return self.generic_visit(node)

    def _check_store(self, target):
        chain = _self_chain(target)
        if chain is not None:
            kind, name, rest = self.tr.resolve(self.node, chain, self.where)
            if kind == "var" and not rest:
                raise runner.CompileError(
                    f"{self.where}: 'self.{'.'.join(chain)} = ...' would replace the Variable; "
                    f"write self.{'.'.join(chain)}[:] = ... (or .value = ...) to update it")
            if kind in ("const", "array"):
                raise runner.CompileError(
                    f"{self.where}: self.{'.'.join(chain)} is a constant of the compiled code "
                    f"and cannot be assigned in update; make it a bm.Variable")

    def visit_Assign(self, node):
        for t in node.targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                    chain = _self_chain(sub)
                    if chain and chain[-1] == "value":
                        kind, name, _ = self.tr.resolve(self.node, chain[:-1], self.where)
                        if kind == "var":
                            continue
                    self._check_store(sub)
        # self.V.value = x  ->  HH0_V[...] = x
        new_targets = []
        for t in node.targets:
            chain = _self_chain(t)
            if chain and chain[-1] == "value" and isinstance(t, ast.Attribute):
                kind, name, _ = self.tr.resolve(self.node, chain[:-1], self.where)
                if kind == "var":
                    if name not in self.used:
                        self.used.append(name)
                    new_targets.append(ast.Subscript(value=ast.Name(id=name, ctx=ast.Load()),
                                                     slice=ast.Constant(value=Ellipsis),
                                                     ctx=ast.Store()))
                    continue
            new_targets.append(self.visit(t))
        node.targets = new_targets
        node.value = self.visit(node.value)
        return node


def _signature_key(root, in_specs, mon_specs, every, variables):
    return (
        tuple((id(n), a, v.shape, str(v.dtype)) for n, a, v in variables),
        tuple((id(s.node), s.attr, s.kind, s.op) for s in in_specs),
        tuple((id(s.node), s.attr, s.index is None) for s in mon_specs),
        every > 1,
        # arrays by shape only: they are arguments, read again at every run
        # (Program.array_values); arrays frozen into derivatives: Program.stale
        runner.constants_fingerprint(root, array_values=False),
    )


class Program:
    """The compiled loop of one model, with the source it was made from."""

    def __init__(self, root, in_specs, mon_specs, variables):
        # First a dry translation (cheap: nothing is compiled yet) to learn the
        # exact code and constants; their digest names the disk-cache folder.
        dry = Translator(root)
        dry.function(root, type(root).update, "update")
        cache_dir = numba_cache.program_dir(dry.sources, dry.shared, dry.helper_sources,
                                            (tuple((s.attr, s.kind, s.op) for s in in_specs),
                                             tuple((s.attr, s.index is None) for s in mon_specs),
                                             sorted((n, d) for _, n, d in
                                                    dry.globals_used.values())))
        tr = Translator(root, cache_dir=cache_dir)
        update_name, used = tr.function(root, type(root).update, "update")
        self.globals_used = list(tr.globals_used.values())
        self.frozen_arrays = list(tr.frozen_arrays.values())
        self.variables = variables
        var_args = [tr.var_names[id(v)] for _, _, v in variables]
        # the array constants, passed on by run_loop to the functions that read them
        self.array_args = [(tr.array_args[u], np.shape(tr.argument(u)),
                            tr.argument(u).dtype) for u in used if u in tr.array_args]
        var_args += [u for u in used if u in tr.array_args]
        float_ids = [i for i, (_, _, v) in enumerate(variables) if np.dtype(v.dtype).kind in "fc"]
        in_args = [f"input_{k}" for k in range(len(in_specs))]
        mon_args = [f"monitor_{k}" for k in range(len(mon_specs))]
        idx_args = [f"monitor_index_{k}" for k in range(len(mon_specs))]
        lines = [
            f"def run_loop(i_start, n, t0, dt, every, {', '.join(var_args + in_args + mon_args + idx_args)}):",
            '    """Steps i_start .. i_start + n - 1; returns -1, or the step after which a',
            '    variable became NaN or inf."""',
            "    for i in range(i_start, i_start + n):",
            "        t = t0 + i * dt",
        ]
        for k, s in enumerate(in_specs):
            target = tr.var_names[id(vars(s.node)[s.attr])]
            value = in_args[k] if s.kind == "fix" else f"{in_args[k]}[i]"
            if s.op == "=":
                lines.append(f"        {target}[...] = {value}")
            else:
                lines.append(f"        {target} {s.op}= {value}")
        lines.append(f"        {update_name}({''.join(u + ', ' for u in used)}t, dt)")
        if mon_specs:
            lines.append("        if (i + 1) % every == 0:")
            lines.append("            k = (i + 1) // every - 1")
            for k, s in enumerate(mon_specs):
                var = vars(s.node)[s.attr]
                src = tr.var_names[id(var)]
                if s.index is not None:
                    lines.append(f"            {mon_args[k]}[k] = {src}.ravel()[{idx_args[k]}]")
                elif var.ndim == 0:
                    lines.append(f"            {mon_args[k]}[k] = {src}[()]")
                else:
                    lines.append(f"            {mon_args[k]}[k] = {src}")
        if float_ids:
            # one test per step: a NaN or inf anywhere makes the sum non-finite
            total = " + ".join(f"np.sum({var_args[j]})" for j in float_ids)
            lines.append(f"        if not np.isfinite({total}):")
            lines.append("            return i")
        lines.append("    return -1")
        loop_src = "\n".join(lines) + "\n"
        ns = dict(tr.shared)
        ns["np"] = np
        tr._exec(loop_src, "run_loop", ns)
        self.loop = _njit(ns["run_loop"], "run_loop", cache=cache_dir is not None)
        self.source = "\n\n".join(tr.sources + [loop_src])
        runner.COMPILATIONS["numba"] += 1

    def array_values(self) -> list:
        """The array constants as they are now (a change in place or by assignment
        is seen here); a non-contiguous view is copied, as Numba is given C arrays."""
        return [_freeze(getattr(obj, attr)) for (obj, attr), _, _ in self.array_args]

    def stale(self) -> bool:
        """True when a value the compiled code froze has changed (a module-level
        value, an array read by a derivative), or an array argument has another
        shape or dtype (the shape decides whether an update loops over neurons)."""
        return any(numba_cache.digest(g.get(name)) != d for g, name, d in self.globals_used) \
            or any(numba_cache.digest(getattr(obj, attr)) != d
                   for obj, attr, d in self.frozen_arrays) \
            or any(not isinstance(value := getattr(obj, attr), np.ndarray)
                   or value.shape != shape or value.dtype != dtype
                   for (obj, attr), shape, dtype in self.array_args)


def run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress):
    variables = runner.state_variables(root)
    key = ("numba", _signature_key(root, in_specs, mon_specs, every, variables))
    cache = root._runner_cache
    if key not in cache or cache[key].stale():
        cache.clear()  # one program per model: the old one cannot be used again
        cache[key] = Program(root, in_specs, mon_specs, variables)
    prog = cache[key]
    root._last_source = prog.source
    arrays = []
    for _, _, var in variables:
        if not isinstance(var.value, np.ndarray):   # e.g. made on the JAX backend
            var._value = np.array(var.value)
        arrays.append(var.value)
    arrays += prog.array_values()
    inputs = [s.value for s in in_specs]
    n_rec = n_steps // every
    records = [runner.record_array(vars(s.node)[s.attr], s.index, n_rec) for s in mon_specs]
    idx = [s.index if s.index is not None else np.zeros(0, np.int64) for s in mon_specs]
    chunk = progress.chunk if progress is not None else n_steps
    done = 0
    while done < n_steps:
        n = min(chunk, n_steps - done)
        try:
            step = prog.loop(done, n, t0, dt, every, *arrays, *inputs, *records, *idx)
        except Exception as err:  # numba typing errors happen at the first call
            if type(err).__module__.startswith("numba"):
                raise runner.CompileError(
                    f"Numba could not compile {root.name} ({type(root).__name__}); its "
                    f"message:\n{err}\n\nTry model.run(..., jit=False) to run the same code "
                    f"in plain Python, and model.show_code() to see the generated code."
                ) from None
            raise
        if step >= 0:
            node, attr, _ = next((n_, a, v) for n_, a, v in variables
                                 if np.dtype(v.dtype).kind in "fc"
                                 and not np.all(np.isfinite(v.value)))
            raise runner.nan_error(node, attr, t0 + (step + 1) * dt, dt)
        done += n
        if progress is not None:
            progress.update(n)
    return records
