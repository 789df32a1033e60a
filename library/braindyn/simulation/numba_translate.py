"""Translate a model's ``update`` methods into Numba code (NumPy backend, ``jit=True``).

The translation is small and mechanical, so that students can read the result
(``model.show_code()``):

* ``self.V`` (a Variable) becomes an array argument ``HH_V`` of the generated
  function; ``self.V.value`` is the same array; ``self.V += x`` and
  ``self.V[:] = x`` stay in-place writes;
* ``self.gNa`` and every other value the code reads (numbers, NumPy arrays and
  tuples of numbers, at any depth: ``self._gain``, ``self.p.tau`` with ``self.p``
  a plain object, a module-level ``V_TH``) becomes an argument too (``HH_gNa``,
  ``HH_p_tau``, ``main_V_TH``).  Its value is read when each run starts, so a
  new value takes effect at once and never recompiles (``state.py``);
* strings and None are frozen into the code (a new one rebuilds the program);
* ``self.pre.spike`` follows the attribute chain to the other system's Variable;
* ``self.integral(...)`` (an ``odeint`` method) becomes the integrator's step code
  for the translated derivative; the parameters the derivative reads through
  ``self`` are passed on to it as keyword arguments;
* ``self.other_method(...)``, ``super().update(...)``, static and class methods,
  and plain functions called by name or through the student's own module
  (``mymodel.rates(V)``) are translated or compiled too;
* ``m ** 3.0`` becomes ``m ** 3``: Numba multiplies for an integer power instead of
  calling ``pow`` (30 times faster; the result differs by at most a rounding, e.g.
  2.8e-14 mV on V over 100 ms of the slides' HH model).

``numba_program.py`` then writes the loop around the root's update and runs it.
"""
from __future__ import annotations

import ast
import collections
import dataclasses
import inspect
import re
import textwrap
import types

import numpy as np

from ..integrators import delay
from ..integrators.odeint import BoundIntegral, Integrator
from ..integrators.rewrite import IntegerPowers
from ..math.variable import Variable
from ..math import numba_cache
from ..math.plain_functions import (NUMBA_MODULES, compiled_helper, frozen_digest,
                                    user_function, user_sources)
from . import scalarize, state
from .base import DynamicalSystem, Network
from .errors import CompileError

# Groups at least this large update their neurons on all cores (numba.prange),
# when Numba has more than one thread when the model is compiled: on one thread a
# parallel loop only adds the cost of starting it at every step.
PARALLEL_MIN_NEURONS = 1000


class _Marker(ast.AST):
    """A resolved ``self.<...>`` that is callable: an integral or a method."""
    _fields = ()

    def __init__(self, target):
        super().__init__()
        self.target = target


def _is_plain_object(value) -> bool:
    """An object whose attributes compiled code may read (``self.p.tau``)."""
    return hasattr(value, "__dict__") and not isinstance(
        value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType,
                types.MethodType, Variable))


def _callable_identity(value):
    """What decides the code of a call target (rebuild when it changes)."""
    if isinstance(value, BoundIntegral):
        return value.integrator
    if isinstance(value, types.MethodType):
        return value.__func__
    return value


def code_names(root: DynamicalSystem) -> dict[int, str]:
    """id(node) -> the node's name in the generated code.

    A name the student gave (``LIF(..., name='E')``, ``Network(E=...)``) is kept.  An
    automatic one (``HH0``, ``HH1``, ...: counted over the whole session) becomes the
    class name, numbered by position when the class repeats in this model, and so does
    a part's name made from its owner's (a synapse's delay line ``Exponential3_delay``
    is ``ExpCOBA_delay`` when the synapse is ``ExpCOBA``, ``Exponential_delay`` when it
    kept its automatic name).  The code,
    and with it the compiled program kept on disk, then depends on the model and not
    on how many models the session made before it: a cell run again, or the same model
    made in another test or notebook, finds its compiled code instead of compiling."""
    nodes = root.nodes()
    auto = {id(n) for n in nodes
            if re.fullmatch(re.escape(type(n).__name__) + r"\d+", n.name)}
    taken = {n.name for n in nodes if id(n) not in auto}
    repeats = collections.Counter(type(n).__name__ for n in nodes if id(n) in auto)
    seen: collections.Counter = collections.Counter()
    names = {}
    for node in nodes:
        cls = type(node).__name__
        if id(node) not in auto:
            names[id(node)] = node.name
            continue
        name = cls if repeats[cls] == 1 else f"{cls}_{seen[cls]}"
        seen[cls] += 1
        while name in taken:
            name += "_"
        taken.add(name)
        names[id(node)] = name
    # a part named after its owner's automatic name (a synapse's f"{self.name}_delay",
    # made before Network(ExpCOBA=syn) renamed the synapse): after the owner's code name
    for owner in nodes:
        for part in vars(owner).values():
            if not isinstance(part, DynamicalSystem) or id(part) in auto:
                continue
            head, sep, tail = part.name.rpartition("_")
            if sep and re.fullmatch(re.escape(type(owner).__name__) + r"\d+", head):
                name = f"{names[id(owner)]}_{tail}"
                while name in taken:
                    name += "_"
                taken.add(name)
                names[id(part)] = name
    return names


class Translator:
    """Builds the generated functions of one model (see the module docstring)."""

    def __init__(self, root: DynamicalSystem, cache_dir=None, counted_references=False):
        self.root = root
        self.names = code_names(root)   # id(node) -> its name in the code
        # True: every function keeps Numba's reference counting (see _njit); the
        # program falls back to it when a function without it cannot compile
        self.counted_references = counted_references
        self.cache_dir = cache_dir      # where sources are written for Numba's disk cache
        self.helper_sources: list = []  # user functions compiled along
        self.shared: dict = {}          # generated names -> compiled functions / constants
        self.sources: list[str] = []    # in the order they were written
        self.codes: dict[str, str] = {}  # generated function name -> its source
        self.done: dict = {}            # (id(node), function) -> (name, argument names)
        self.var_names: dict = {}       # id(Variable) -> argument name
        self.var_by_name: dict = {}     # argument name -> Variable
        self.params: dict = {}          # argument name -> (start, chain): read at each run
        self.param_kinds: dict = {}     # argument name -> state.kind of its value
        self.checks: list = []          # (start, chain, test, expected): the structure
        self.frozen_globals: dict = {}  # (id(globals), name) -> (globals, name, digest)
        self.elementwise: set = set()   # generated functions that may run per neuron
        self.per_neuron: list = []      # updates rewritten as loops over neurons
        self.line_maps: dict = {}       # generated file -> (student file, {line: line})
        for node, attr, var in state.state_variables(root):
            name = self.var_names.setdefault(id(var), f"{self.name(node)}_{attr}")
            self.var_by_name[name] = var

    def name(self, node: DynamicalSystem) -> str:
        """The node's name in the generated code (code_names)."""
        return self.names.get(id(node), node.name)

    # -- values the code reads ------------------------------------------------
    def _param(self, path: list, start, chain: tuple, value) -> str:
        """The argument name of a run-time value, registered on first use."""
        base = name = "_".join(p.strip("_") or "_" for p in path)
        k = 2
        while name in self.params and self.params[name][:2] != (start, chain) or \
                name in self.var_by_name:
            name, k = f"{base}_{k}", k + 1
        if name not in self.params:
            self.params[name] = (start, chain)
            self.param_kinds[name] = state.kind(value)
            self.checks.append((start, chain, "kind", state.kind(value)))
        return name

    def resolve(self, node: DynamicalSystem, chain: list[str], where: str):
        """Follow ``self.a.b...``: returns ('var', name, rest) | ('param', name, rest)
        | ('const', name, rest) | ('call', target, rest)."""
        obj, path = node, [self.name(node)]
        start, sub = node, []
        for i, attr in enumerate(chain):
            try:
                value = getattr(obj, attr)
            except AttributeError:
                raise CompileError(
                    f"{where}: {'.'.join(['self'] + chain[:i + 1])} does not exist") from None
            path.append(attr)
            sub.append(attr)
            rest = chain[i + 1:]
            if isinstance(value, Variable):
                return "var", self.var_names.get(id(value)) or self._foreign(path), rest
            if isinstance(value, DynamicalSystem):
                obj, path, start, sub = value, [self.name(value)], value, []
                continue
            if isinstance(value, (BoundIntegral, Integrator, types.MethodType,
                                  types.FunctionType)):
                self.checks.append((start, tuple(sub), "is", _callable_identity(value)))
                return "call", value, rest
            if state.kind(value) is not None:
                return "param", self._param(path, start, tuple(sub), value), rest
            if isinstance(value, (str, type(None), tuple)):
                # frozen into the code; a new value rebuilds the program
                name = "_".join(path)
                self.shared[name] = value
                self.checks.append((start, tuple(sub), "==", value))
                return "const", name, rest
            if isinstance(value, delay.Delay):
                raise CompileError(f"{where}: self.{'.'.join(chain[:i + 1])} is a Delay; "
                                   f"{delay.JIT_REFUSAL}")
            if not _is_plain_object(value):
                break
            obj = value  # a plain object holding values: self.p.tau
        raise CompileError(
            f"{where}: self.{'.'.join(chain[:i + 1])} is a "
            f"{type(value).__name__}, which compiled code cannot read; compiled code reads "
            f"Variables, numbers, arrays, tuples of numbers, strings and plain objects "
            f"holding them. Make it one of these, or run with jit=False")

    def _foreign(self, path):
        raise CompileError(
            f"{'.'.join(path)} is a Variable that does not belong to any system of this run; "
            f"make it an attribute of a system that is part of the model")

    def global_value(self, func_globals: dict, name: str, where: str) -> str | None:
        """A module-level number or array the code reads: an argument too."""
        value = func_globals[name]
        if isinstance(value, Variable):
            raise CompileError(f"{where}: the module-level Variable {name!r} belongs to no "
                               f"system; make it an attribute of the model (self.{name})")
        if state.kind(value) is None:
            return None
        module = (func_globals.get("__name__") or "main").strip("_").split(".")[-1] or "main"
        return self._param([module, name], func_globals, (name,), value)

    def argument(self, name: str):
        """The current value of an argument: a Variable's array, or a parameter."""
        if name in self.var_by_name:
            return self.var_by_name[name].value
        start, chain = self.params[name]
        return state.as_argument(state.read(start, chain))

    # -- translating one method ---------------------------------------------------
    def network_update(self, net) -> tuple[str, list]:
        """Network.update, written out: each member's update in the network's order."""
        calls, used = [], []
        for member in net.members:
            name, member_used = self.function(member, type(member).update, "update")
            calls.append(f"    {name}({''.join(u + ', ' for u in member_used)}_t, _dt)")
            used += [u for u in member_used if u not in used]
        name = f"{self.name(net)}_update"
        code = f"def {name}({''.join(u + ', ' for u in used)}_t, _dt):\n" + \
            "\n".join(calls or ["    pass"]) + "\n"
        ns = dict(self.shared)
        self._exec(code, name, ns)
        self.sources.append(code)
        self.shared[name] = _njit(ns[name], cache=self.cache_dir is not None,
                                  counted=self.counted_references)
        self.done[(id(net), Network.update)] = (name, used)
        return name, used

    def _exec(self, code: str, name: str, ns: dict) -> str:
        """Run generated source; with a cache directory it is written to a file
        first, so Numba can keep the machine code on disk (numba_cache.py)."""
        if self.cache_dir is None:
            filename = f"<braindyn {name}>"
        else:
            filename = str(numba_cache.write_source(self.cache_dir, name, code))
            ns["__name__"] = numba_cache.module_name(self.cache_dir)  # see there
        exec(compile(code, filename, "exec"), ns)
        return filename

    def function(self, node: DynamicalSystem, func, label: str,
                 derivative: bool = False) -> tuple[str, list]:
        """Translate one method of ``node``.  Returns the generated function's name and
        the arguments it reads (Variables and parameters), which callers pass on.

        An update method takes them first: ``HH_update(HH_V, HH_gNa, _t, _dt)``.
        A derivative (``derivative=True``) keeps its own signature and takes them
        last, as keywords: ``HH_derivative(V, t, Iext, HH_gNa=None)``."""
        key = (id(node), func)
        if key in self.done:
            return self.done[key]
        if func is Network.update:
            return self.network_update(node)
        where = f"{type(node).__name__}.{func.__name__}"
        fdef, first = _parse(func, where)
        if first is None:
            raise CompileError(f"{where} must take self as its first argument")
        fdef.args.args = fdef.args.args[1:]
        fdef.args.kwarg = None  # the slides' update(self, _t, _dt, **kwargs)
        params = [a.arg for a in fdef.args.args]
        name = f"{self.name(node)}_{label}"
        used: list[str] = []
        rewriter = _SelfRewriter(self, node, func, first, where, used)
        try:
            body = IntegerPowers().visit(rewriter.visit(fdef))
        except CompileError as err:
            if rewriter.statement is None or "line " in str(err):
                raise
            raise CompileError(f"{err}\n  at{_student_line(func, rewriter.statement)[1:-1]}") \
                from None
        body.name = name
        if derivative:
            body.args.args = body.args.args + [ast.arg(arg=v) for v in used]
            body.args.defaults = body.args.defaults + [ast.Constant(value=None) for _ in used]
        else:
            body.args.args = [ast.arg(arg=v) for v in used] + body.args.args
        ast.fix_missing_locations(body)
        ns = dict(func.__globals__)
        ns.update(self.shared)
        ns.update(rewriter.extra_ns)
        arrays = {u for u in used if u in self.var_by_name or
                  isinstance(self.param_kinds.get(u), tuple) and self.param_kinds[u][0] == "array"}
        consts = {n.id: self.shared[n.id] for n in ast.walk(body)
                  if isinstance(n, ast.Name) and n.id in self.shared and not callable(self.shared[n.id])}
        consts.update({u: None for u in used if u not in arrays})   # numbers and tuples
        parallel = False
        num = getattr(node, "num", None)
        known = self.elementwise | self._elementwise_helpers(body, ns)
        if derivative:
            if not arrays and scalarize.elementwise(body, ns, known):
                self.elementwise.add(name)          # a derivative of numbers only
        else:
            if params not in ([], ["_t", "_dt"], ["t", "dt"]) and \
                    not (label.endswith("update") and len(params) == 2):
                num = None   # another parameter could be an array, which a loop would not index
            elif not isinstance(num, int) and arrays:
                # a system without neurons (a synapse): a method that reads only its
                # Variables, all of one length (such as g, one per post neuron), may run
                # per element too
                shapes = {np.shape(self.argument(v)) for v in arrays}
                shape = shapes.pop() if len(shapes) == 1 else ()
                num = shape[0] if len(shape) == 1 else None
            if arrays and isinstance(num, int):
                parallel = _large_group(node)
                looped = scalarize.per_neuron(
                    body, {v: np.shape(self.argument(v)) for v in used if v in arrays},
                    consts, ns, known, num, parallel=parallel)
                if looped is not None:
                    body = looped
                    self.per_neuron.append(name)
                else:
                    parallel = False
        code = _with_comments(ast.unparse(body), body, func)
        if parallel:
            import numba
            ns["prange"] = numba.prange
        self._compile_helpers(ns, body)
        filename = self._exec(code, name, ns)
        self.line_maps[filename] = (func.__code__.co_filename,
                                    _line_map(code, body, func.__code__.co_firstlineno))
        self.sources.append(code)
        self.codes[name] = code
        self.done[key] = (name, used)
        # a per-neuron loop on numbers makes no array: no need to count the references
        # to the arrays it is handed (see _njit)
        counted = self.counted_references or name not in self.per_neuron or parallel
        self.shared[name] = _njit(ns[name], parallel=parallel, cache=self.cache_dir is not None,
                                  counted=counted)
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
            if not user_function(fn) or n.func.id in self.shared:
                continue
            try:
                fdef = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
            except (OSError, TypeError, SyntaxError):
                continue
            if isinstance(fdef, ast.FunctionDef) and not fdef.decorator_list and \
                    scalarize.elementwise(fdef, fn.__globals__, self.elementwise):
                names.add(n.func.id)
        return names

    def integral(self, target, where: str) -> tuple[str, list]:
        """The compiled step of an integral: a method integral (``@bp.odeint`` in the
        class body), or an ``odeint`` of a bound method or of a plain function.
        Returns its name and the parameters its derivative reads through self."""
        if isinstance(target, BoundIntegral):
            integ, node, func = target.integrator, target.obj, target.integrator.f
        else:
            integ = target
            f = integ.f
            bound = isinstance(f, types.MethodType) and isinstance(f.__self__, DynamicalSystem)
            node, func = (f.__self__, f.__func__) if bound else (None, None)
        key = (id(node), integ)
        if key in self.done:
            return self.done[key]
        sig = dataclasses.replace(integ.sig, has_self=False)
        used: list = []
        if node is not None:
            f_name, used = self.function(node, func, f"{integ.__name__}_derivative",
                                         derivative=True)
            python_f = self.shared[f_name].py_func
            # the derivative's parameters ride along as keywords (see function)
            sig = dataclasses.replace(sig, params=sig.params + tuple(used),
                                      defaults={**sig.defaults, **{u: None for u in used}})
        else:  # a plain derivative function, compiled with its module's values
            f_name, python_f = integ.f.__name__, integ.f
            self._freeze_globals(python_f)
        name = f"{self.name(node or self.root)}_{integ.__name__}"
        # a large group's loop runs the step per neuron on all cores: inlined there
        # (integrators/odeint.make_step); a small group saves the compile time instead
        step, source = integ.build("numba", f=python_f, sig=sig, cache_dir=self.cache_dir,
                                   name=name, f_source=self.codes.get(f_name),
                                   inline=_large_group(node), error_model="numpy")
        if node is not None and f_name in self.elementwise:
            self.elementwise.add(name)
        self.shared[name] = step
        self.sources.append(f"# {name} = the {integ.method} step below, with "
                            f"f = {f_name}\n{source}")
        self.done[key] = (name, used)
        return name, used

    def helper(self, fn, label: str) -> str:
        """A plain function (a static method, a function of the student's module):
        compiled as it is, under a name of its own."""
        name = f"{label}"
        if name not in self.shared:
            self._freeze_globals(fn)
            # with the helpers it calls (None where unknown: no disk cache)
            self.helper_sources += user_sources(fn)
            self.shared[name] = compiled_helper(fn)
        return name

    def _freeze_globals(self, fn, seen=None) -> None:
        """Numba freezes the module-level values a plain function reads: remember
        them, so that a change rebuilds the program (numba_program.Program.stale)."""
        seen = set() if seen is None else seen
        if not isinstance(fn, types.FunctionType) or fn in seen:
            return
        seen.add(fn)
        for n in fn.__code__.co_names:
            if n in fn.__globals__:
                value = fn.__globals__[n]
                if state.kind(value) is not None:
                    self.frozen_globals[(id(fn.__globals__), n)] = (
                        fn.__globals__, n, numba_cache.digest(value))
                elif user_function(value):
                    self._freeze_globals(value, seen)

    def _compile_helpers(self, ns, tree):
        # plain Python functions the code calls are compiled too
        from ..math.compile import JitFunction
        for n in ast.walk(tree):
            if not isinstance(n, ast.Name):
                continue
            value = ns.get(n.id)
            if user_function(value) and n.id not in self.shared:
                self._freeze_globals(value)
                self.helper_sources += user_sources(value)    # and what it calls
                ns[n.id] = compiled_helper(value)
            elif isinstance(value, JitFunction):
                ns[n.id] = value._compile_numba()


def _njit(fn, parallel=False, cache=False, counted=True, from_python=False):
    """fn compiled by Numba.  counted=False: without Numba's reference counting
    (``_nrt=False``), for functions that make no arrays (a per-neuron loop, a
    network's list of calls).  Counted, a function called at every step counts
    each array it is handed up on entry and down on exit, with atomic
    instructions: for one HH neuron that was a third of the step's time.
    from_python=False: only compiled code calls it (``njit``'s inner)."""
    from ..math.compile import njit
    # a model's Variables are NumPy arrays: x / 0 gives inf or NaN with jit=False, and
    # the run stops with the NaN message; Numba's default (Python's ZeroDivisionError)
    # also tests every divisor at every step
    options = {"error_model": "numpy"}
    if parallel:
        options["parallel"] = True
    if not counted:
        options["_nrt"] = False
    compiled = njit(fn, inner=not from_python, **options)
    return numba_cache.enable(compiled) if cache else compiled   # checked entries, not cache=True


def _large_group(node) -> bool:
    """A group of neurons that updates them on all cores (numba.prange): at least
    PARALLEL_MIN_NEURONS of them, and more than one thread to run them on."""
    num = getattr(node, "num", None)
    return isinstance(num, int) and num >= PARALLEL_MIN_NEURONS and _threads() > 1


def _threads() -> int:
    import numba
    return numba.get_num_threads()


def _parse(func, where: str):
    """The function's definition (decorators removed) and its first argument's name."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError) as err:
        raise CompileError(
            f"cannot read the source of {where} to compile it ({err}); define it in a "
            f"file or notebook cell, or run with jit=False") from None
    fdef = ast.parse(source).body[0]
    if not isinstance(fdef, ast.FunctionDef):
        raise CompileError(f"{where} is not a plain def; run with jit=False")
    fdef.decorator_list = []
    first = fdef.args.args[0].arg if fdef.args.args else None
    return fdef, first


def _with_comments(code: str, body: ast.FunctionDef, func) -> str:
    """The generated code with the student's comments put back (``ast.unparse``
    drops them): a comment line goes before the statement that follows it in the
    student's code, a comment at the end of a line after that line's statement."""
    import io
    import tokenize
    try:
        source = textwrap.dedent(inspect.getsource(func))
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (OSError, TypeError, SyntaxError, tokenize.TokenError):
        return code
    lines = source.splitlines()
    own_line, trailing = {}, {}        # student line -> comment
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            row = tok.start[0]
            if lines[row - 1].strip().startswith("#"):
                own_line[row] = tok.string
            else:
                trailing[row] = tok.string
    if not own_line and not trailing:
        return code
    first = func.__code__.co_firstlineno
    student = {g: s - first + 1 for g, s in _line_map(code, body, first).items()}
    out = []
    pending = sorted(own_line)
    for g, text in enumerate(code.splitlines(), 1):
        row = student.get(g)
        if row is not None:
            indent = text[:len(text) - len(text.lstrip())]
            while pending and pending[0] < row:
                out.append(indent + own_line[pending.pop(0)])
            if row in trailing:
                text = f"{text}  {trailing.pop(row)}"
        out.append(text)
    return "\n".join(out) + "\n"


def _line_map(code: str, body: ast.FunctionDef, first_line: int) -> dict:
    """Generated line -> the student's line, for error messages.  The generated
    code is the unparsed tree, so parsing it again gives the same statements in
    the same order; the tree's statements keep the student's line numbers."""
    mapping = {}
    try:
        again = ast.parse(code).body[0]
    except SyntaxError:
        return mapping
    for g, o in zip(ast.walk(again), ast.walk(body)):
        if type(g) is not type(o):
            break
        if isinstance(g, ast.stmt) and hasattr(o, "lineno"):
            mapping.setdefault(g.lineno, first_line + o.lineno - 1)
    return mapping


def _chain(node, first: str):
    """['a', 'b'] for self.a.b (``first`` is the name of self), else None."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == first:
        return chain[::-1]
    return None


def _local_names(fdef: ast.FunctionDef) -> set:
    """Names bound in the function (parameters and assignments): never globals."""
    names = {a.arg for a in fdef.args.args + fdef.args.kwonlyargs}
    for extra in (fdef.args.vararg, fdef.args.kwarg):
        if extra is not None:
            names.add(extra.arg)
    for n in ast.walk(fdef):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in n.names)
    return names


def _defining_class(node, func):
    for cls in type(node).__mro__:
        for value in vars(cls).values():
            if getattr(value, "__func__", value) is func:
                return cls
    return None


class _SelfRewriter(ast.NodeTransformer):
    def __init__(self, tr: Translator, node, func, first: str, where: str, used: list):
        self.tr, self.node, self.func, self.first = tr, node, func, first
        self.where, self.used = where, used
        self.globals = func.__globals__
        self.locals: set = set()
        self.extra_ns: dict = {}   # generated names -> plain functions to compile
        self.statement = None      # the statement being translated (for error messages)

    def visit(self, node):
        if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef):
            outer, self.statement = self.statement, node
            result = super().visit(node)   # after an error, statement names its line
            self.statement = outer
            return result
        return super().visit(node)

    def visit_FunctionDef(self, node):
        self.locals = _local_names(node)
        self.generic_visit(node)
        return node

    def _use(self, name):
        if name not in self.used:
            self.used.append(name)

    def _resolve(self, expr, ctx):
        chain = _chain(expr, self.first)
        if chain is None:
            return None
        kind, target, rest = self.tr.resolve(self.node, chain, self.where)
        if kind == "call":
            if rest:
                raise CompileError(f"{self.where}: self.{'.'.join(chain)} is not supported")
            return _Marker(target)
        if kind in ("var", "param"):
            self._use(target)
            if kind == "var" and rest[:1] == ["value"]:
                rest = rest[1:]
        out = ast.Name(id=target, ctx=ast.Load() if rest else ctx)
        for attr in rest:
            out = ast.Attribute(value=out, attr=attr, ctx=ast.Load())
        out.ctx = ctx
        return out

    def visit_Name(self, node):
        # a module-level number or array: an argument, read at every run
        if isinstance(node.ctx, ast.Load) and node.id not in self.locals and \
                node.id in self.globals and node.id != self.first:
            name = self.tr.global_value(self.globals, node.id, self.where)
            if name is not None:
                self._use(name)
                return ast.Name(id=name, ctx=ast.Load())
        return node

    def visit_Attribute(self, node):
        resolved = self._resolve(node, node.ctx)
        if resolved is None:
            module = self._user_module(node)
            if module is not None:
                value = getattr(module, node.attr, None)
                if user_function(value):       # mymodel.rates(...)
                    name = f"{module.__name__.split('.')[-1]}_{node.attr}"
                    self.extra_ns[name] = value
                    return ast.Name(id=name, ctx=ast.Load())
                if state.kind(value) is not None:   # mymodel.TAU
                    name = self.tr.global_value(vars(module), node.attr, self.where)
                    self._use(name)
                    return ast.Name(id=name, ctx=ast.Load())
            return self.generic_visit(node)
        if isinstance(resolved, _Marker):
            raise CompileError(
                f"{self.where}: self.{'.'.join(_chain(node, self.first))} is a method used "
                f"without calling it (compiled code can only call methods directly, e.g. "
                f"self.{node.attr}(...)); call each one by name, or run with jit=False")
        return resolved

    def _user_module(self, node):
        if isinstance(node.value, ast.Name) and node.value.id not in self.locals:
            module = self.globals.get(node.value.id)
            if isinstance(module, types.ModuleType) and not any(
                    module.__name__ == m or module.__name__.startswith(m + ".")
                    for m in NUMBA_MODULES):
                return module
        return None

    def _call_args(self, node):
        return ([self.visit(a) for a in node.args],
                [ast.keyword(arg=k.arg, value=self.visit(k.value)) for k in node.keywords])

    def _call_method(self, owner, func, label, node):
        """A call of another method of a system: its arguments go first."""
        args, keywords = self._call_args(node)
        name, used = self.tr.function(owner, func, label)
        for v in used:
            self._use(v)
        return ast.Call(func=ast.Name(id=name, ctx=ast.Load()),
                        args=[ast.Name(id=v, ctx=ast.Load()) for v in used] + args,
                        keywords=keywords)

    def _super_target(self, call):
        """The method ``super().name`` refers to, from the class that defines this one."""
        f = call.func
        if not (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call)
                and isinstance(f.value.func, ast.Name) and f.value.func.id == "super"):
            return None
        cls = _defining_class(self.node, self.func)
        mro = type(self.node).__mro__
        if cls is None or cls not in mro:
            raise CompileError(f"{self.where}: cannot tell which class super() starts from; "
                               f"run with jit=False")
        for parent in mro[mro.index(cls) + 1:]:
            if f.attr in vars(parent):
                return parent, vars(parent)[f.attr]
        raise CompileError(f"{self.where}: super().{f.attr} does not exist")

    def visit_Call(self, node):
        sup = self._super_target(node)
        if sup is not None:
            parent, target = sup
            if isinstance(target, types.FunctionType):
                return self._call_method(self.node, target, f"{parent.__name__}_{node.func.attr}",
                                         node)
            raise CompileError(f"{self.where}: super().{node.func.attr} is not a plain method; "
                               f"run with jit=False")
        chain = _chain(node.func, self.first)
        if chain is not None:
            resolved = self._resolve(node.func, ast.Load())
            if isinstance(resolved, _Marker):
                target = resolved.target
                if isinstance(target, (BoundIntegral, Integrator)):
                    args, keywords = self._call_args(node)
                    name, used = self.tr.integral(target, self.where)
                    for v in used:
                        self._use(v)
                    keywords += [ast.keyword(arg=v, value=ast.Name(id=v, ctx=ast.Load()))
                                 for v in used]
                    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args,
                                    keywords=keywords)
                if isinstance(target, types.FunctionType):     # a @staticmethod
                    args, keywords = self._call_args(node)
                    name = self.tr.helper(target, f"{type(self.node).__name__}_{chain[-1]}")
                    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args,
                                    keywords=keywords)
                owner = target.__self__
                if isinstance(owner, type):                     # a @classmethod
                    owner = self.node if isinstance(self.node, owner) else None
                if not isinstance(owner, DynamicalSystem):
                    raise CompileError(f"{self.where}: self.{'.'.join(chain)}() is a "
                                       f"method of a {type(owner).__name__}; run with jit=False")
                return self._call_method(owner, target.__func__, target.__name__, node)
        return self.generic_visit(node)

    def _check_store(self, target, augmented=False):
        chain = _chain(target, self.first)
        if chain is not None:
            kind, name, rest = self.tr.resolve(self.node, chain, self.where)
            if kind == "var" and not rest and not augmented:
                raise CompileError(
                    f"{self.where}: 'self.{'.'.join(chain)} = ...' would replace the Variable; "
                    f"write self.{'.'.join(chain)}[:] = ... (or .value = ...) to update it")
            if kind in ("const", "param"):
                line = _student_line(self.func, target)
                raise CompileError(
                    f"{self.where} changes self.{'.'.join(chain)}, a plain value{line}. "
                    f"Compiled code reads plain values once per run, so the change would be "
                    f"lost: make it a bm.Variable (self.{chain[-1]} = bm.Variable(...)) and "
                    f"update it in place, or run with jit=False")

    def visit_AugAssign(self, node):
        for sub in ast.walk(node.target):
            if isinstance(sub, ast.Attribute):
                self._check_store(sub, augmented=True)
                break
        return self.generic_visit(node)

    def visit_Assign(self, node):
        for t in node.targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                    chain = _chain(sub, self.first)
                    if chain and chain[-1] == "value":
                        kind, name, _ = self.tr.resolve(self.node, chain[:-1], self.where)
                        if kind == "var":
                            continue
                    self._check_store(sub)
        # self.V.value = x  ->  HH_V[...] = x
        new_targets = []
        for t in node.targets:
            chain = _chain(t, self.first)
            if chain and chain[-1] == "value" and isinstance(t, ast.Attribute):
                kind, name, _ = self.tr.resolve(self.node, chain[:-1], self.where)
                if kind == "var":
                    self._use(name)
                    new_targets.append(ast.Subscript(value=ast.Name(id=name, ctx=ast.Load()),
                                                     slice=ast.Constant(value=Ellipsis),
                                                     ctx=ast.Store()))
                    continue
            new_targets.append(self.visit(t))
        node.targets = new_targets
        node.value = self.visit(node.value)
        return node


def _student_line(func, node) -> str:
    """' (file.py, line N: code)' for a node of a function's parsed source."""
    from .errors import source_line
    if not hasattr(node, "lineno"):
        return ""
    line = func.__code__.co_firstlineno + node.lineno - 1
    return f" ({source_line(func.__code__.co_filename, line)})"
