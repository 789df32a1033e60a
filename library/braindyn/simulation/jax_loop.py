"""Run a model on the JAX backend: its update methods traced into one compiled loop.

Every Variable (and the ``bm.random`` key) becomes an entry of the loop's carry:
before tracing a step, each Variable's array is swapped for the carried value;
after ``update`` the (new) arrays are read back.  Nothing of the model is
rewritten: the code that runs is the ``update`` students wrote.

Parameters are arguments too.  Every float number or float array the model
holds (at any depth: ``self.tau``, ``self._gain``, ``self.p.tau`` with ``self.p``
a plain object) is swapped for a traced value in the same way, so a new value
takes effect at the next run without tracing again.  What Python itself must
see while tracing (ints and bools, which may be sizes or loop counts, integer
arrays such as connection indices, strings, the methods and integrators used,
module-level values the code reads) is structure: a change traces again.

``update`` runs once, to trace it, not once per step, so Python side effects
would happen once: a plain attribute that ``update`` changes (``self.count +=
1``) is refused with a message saying to make it a ``bm.Variable``, and a Python
``if`` on a traced value is refused naming the line and the ``bm.where`` to use.

The loop runs in chunks of ``STEPS_PER_CHUNK`` steps so that one compiled
function serves every duration; the last chunk stops its loop at the end of the
run.  ``dt``, the start time and the input values are arguments of the
compiled function, so changing them never recompiles.
"""
from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
import random as _pyrandom
import sys
import types

import numpy as np

from ..integrators import codegen
from ..math.variable import Variable
from ..math import numba_cache
from ..math.compile import explain_jax, jax_tracing_errors
from .errors import CompileError, nan_error, source_line, students_frame
from .state import apply_input, check_still_variables, state_variables

STEPS_PER_CHUNK = 1000

# Attributes of every system that are the runtime's own, never parameters.
_OWN = frozenset({"mon", "_runner_cache", "compile_count", "_last_source", "_jax_static",
                  "monitors", "name"})


def _key_variable():
    from ..math import random
    return random.DEFAULT_KEY


def _is_jax_array(value) -> bool:
    return type(value).__module__.startswith(("jax", "jaxlib")) and hasattr(value, "dtype")


def _traced(value) -> bool:
    """A float number, float array or tuple of floats: a parameter passed as a traced
    value."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        return True
    if isinstance(value, tuple):
        return bool(value) and all(_traced(v) and not isinstance(v, tuple) for v in value)
    return (isinstance(value, np.ndarray) or _is_jax_array(value)) and \
        np.dtype(value.dtype).kind in "fc"


@dataclasses.dataclass(frozen=True, eq=False)
class Leaf:
    """One traced parameter: ``owner.attr`` (an instance attribute), a class attribute
    read through the instance (swapped in as an instance attribute while tracing), or
    a module-level name (``owner`` is the module's globals)."""
    owner: object
    attr: str
    where: str = "attr"          # 'attr' | 'class' | 'global'

    def get(self):
        return self.owner[self.attr] if self.where == "global" else getattr(self.owner, self.attr)

    def put(self, value, like) -> None:
        if isinstance(like, tuple):
            value = tuple(value[i] for i in range(len(like)))
        if self.where == "global":
            self.owner[self.attr] = value
        else:
            setattr(self.owner, self.attr, value)

    def restore(self, old) -> None:
        if self.where == "class":
            vars(self.owner).pop(self.attr, None)
        else:
            self.put(old, None)

    @property
    def key(self):
        return (id(self.owner), self.attr)


def parameters(root, static=frozenset()) -> tuple[list, str]:
    """The traced parameters (Leaf list) of every system, and a digest of everything
    else the trace depends on (the structure).  ``static``: (id(owner), attribute) of
    floats that Python itself tests (see run)."""
    from ..integrators.odeint import Integrator
    from .base import DynamicalSystem
    traced, h, seen = [], hashlib.sha1(), set()

    def visit(obj, path, depth):
        if id(obj) in seen or depth > 6:
            return
        seen.add(id(obj))
        for attr, value in sorted(vars(obj).items()):
            if isinstance(obj, DynamicalSystem) and attr in _OWN:
                continue
            if isinstance(value, (Variable, DynamicalSystem)):
                continue
            h.update(f"{path}.{attr}:{type(value).__qualname__}:".encode())
            if _traced(value) and (id(obj), attr) not in static:
                traced.append(Leaf(obj, attr))
                dtype = value.dtype if hasattr(value, "dtype") else np.result_type(*np.atleast_1d(value))
                h.update(str(np.shape(value)).encode() + str(dtype).encode())
            elif isinstance(value, np.ndarray) or _is_jax_array(value):
                h.update(numba_cache.digest(np.asarray(value)).encode())
            elif isinstance(value, (int, float, complex, str, bytes, tuple, type(None),
                                    np.generic)):
                h.update(repr(value).encode())
            elif isinstance(value, (list, dict, set)):
                h.update(repr(value)[:100_000].encode())
            elif isinstance(value, types.MethodType):
                h.update(f"{id(value.__func__)}:{id(value.__self__)}".encode())
            elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type,
                                    types.ModuleType, Integrator)):
                h.update(str(id(value)).encode())
            elif hasattr(value, "__dict__"):
                visit(value, f"{path}.{attr}", depth + 1)
            else:
                h.update(str(id(value)).encode())

    for node in root.nodes():
        visit(node, node.name, 0)
        # numbers defined on the class (``V_th = -50.0`` in the class body)
        done = set(vars(node))
        for cls in type(node).__mro__:
            for attr, value in vars(cls).items():
                if attr.startswith("__") or attr in done or \
                        not isinstance(value, (int, float, np.generic)):
                    continue
                done.add(attr)
                if _traced(value) and (id(node), attr) not in static:
                    traced.append(Leaf(node, attr, "class"))
                else:
                    h.update(f"{cls.__qualname__}.{attr}={value!r}".encode())
    return traced, h.hexdigest()


# Python-side random numbers: drawn once while tracing, then the same at every step.
_PYTHON_RANDOM = (np.random.Generator, np.random.RandomState, _pyrandom.Random)


class _Watch:
    """What the Python functions running while tracing read and call (sys.setprofile):
    the module-level values they read (JAX bakes those into the trace), and NumPy's
    or Python's random generators (which would draw once, not at every step)."""

    _SKIP = (os.sep + "jax" + os.sep, os.sep + "jaxlib" + os.sep, os.sep + "numpy" + os.sep,
             os.sep + "contextlib", os.sep + "functools", os.sep + "threading",
             os.path.join("braindyn", "math") + os.sep)   # bm.random is made for tracing

    def __init__(self, rng_attributes=frozenset()):
        self.found: dict = {}       # (id(globals), name) -> (globals, name)
        self.random_calls: list = []   # (file, line) of NumPy / Python random draws
        self.rng_attributes = rng_attributes  # attributes holding a NumPy / Python generator
        self._codes: set = set()

    def __call__(self, frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if code in self._codes or any(s in code.co_filename for s in self._SKIP):
            return
        self._codes.add(code)
        g = frame.f_globals
        names = set(code.co_names)
        random_names = names & self.rng_attributes
        for name in names:
            value = g.get(name)
            if (value is np and "random" in names) or value is _pyrandom or \
                    isinstance(getattr(value, "__self__", None), _PYTHON_RANDOM):
                random_names.add("random" if value is np else name)
        if random_names:
            self.random_calls.append(_usage_line(code, random_names))
        for name in code.co_names:
            value = g.get(name)
            if isinstance(value, types.ModuleType):
                # mymodel.GAIN: a value of another module, read through it
                if any(value.__name__.startswith(m) for m in ("jax", "numpy", "braindyn.math")):
                    continue
                for attr in code.co_names:
                    if _numeric(getattr(value, attr, None)):
                        self.found[(id(vars(value)), attr)] = (vars(value), attr)
            elif _numeric(value):
                self.found[(id(g), name)] = (g, name)

    def digests(self) -> dict:
        return {k: numba_cache.digest(np.asarray(g[n]) if _is_jax_array(g[n]) else g[n])
                for k, (g, n) in self.found.items() if n in g}


def _usage_line(code, names) -> tuple:
    """(file, line) of the first use of one of ``names`` in a function's code."""
    import ast
    import textwrap
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(code)))
    except (OSError, TypeError, SyntaxError):
        return code.co_filename, code.co_firstlineno
    lines = [n.lineno for n in ast.walk(tree)
             if (isinstance(n, ast.Attribute) and n.attr in names)
             or (isinstance(n, ast.Name) and n.id in names)]
    return code.co_filename, code.co_firstlineno + (min(lines) if lines else 1) - 1


def _numeric(value) -> bool:
    return not isinstance(value, bool) and \
        isinstance(value, (int, float, np.ndarray, np.generic))


class Program:
    def __init__(self, root, in_specs, mon_specs, variables, every, traced, static):
        import jax
        import jax.numpy as jnp
        from jax import lax

        self.variables = variables
        self.root = root
        all_vars = [v for _, _, v in variables]
        key_var = _key_variable()
        if all(v is not key_var for v in all_vars):
            all_vars = all_vars + [key_var]
        self.all_vars = all_vars
        self.traced = list(traced)
        float_ids = [i for i, (_, _, v) in enumerate(variables)
                     if np.dtype(v.dtype).kind in "fc"]
        # positions by identity: == on Variables compares values
        position = {id(v): i for i, v in enumerate(all_vars)}
        mon_vars = [position[id(vars(s.node)[s.attr])] for s in mon_specs]
        mon_index = [None if s.index is None else jnp.asarray(s.index) for s in mon_specs]
        in_vars = [vars(s.node)[s.attr] for s in in_specs]
        records = max(1, STEPS_PER_CHUNK // every)
        self.records, self.every = records, every
        nodes = root.nodes()
        self.rng_attributes = frozenset(
            attr for n in nodes for attr, value in vars(n).items()
            if isinstance(value, _PYTHON_RANDOM))
        self.watch = _Watch(self.rng_attributes)

        def step(values, t, dt, step_inputs, params):
            saved = [v._value for v in all_vars]
            saved_params = [leaf.get() for leaf in self.traced]
            before = [dict(vars(n)) for n in nodes]
            try:
                for var, value in zip(all_vars, values):
                    var._value = value
                for leaf, value, old in zip(self.traced, params, saved_params):
                    leaf.put(value, old)
                expected = {leaf.key: leaf.get() for leaf in self.traced}
                for var, spec, value in zip(in_vars, in_specs, step_inputs):
                    apply_input(var, spec.op, value)
                previous = sys.getprofile()
                sys.setprofile(self.watch)
                try:
                    root.update(t, dt)
                finally:
                    sys.setprofile(previous)
                check_still_variables(root, variables)
                _check_unchanged(nodes, before, expected)
                _check_no_python_random(self.watch)
                return tuple(jnp.asarray(v._value, dtype=old.dtype)
                             for v, old in zip(all_vars, values))
            finally:
                for var, value in zip(all_vars, saved):
                    var._value = value
                for leaf, value in zip(self.traced, saved_params):
                    leaf.restore(value)

        # Module-level floats the code reads are parameters too: one trace of a single
        # step (no compilation) finds them, before the loop is traced.
        example_inputs = [jnp.zeros(np.shape(s.value)[1:] if s.kind == "iter"
                                    else np.shape(s.value), dtype=np.asarray(s.value).dtype)
                          for s in in_specs]
        start = tuple(jnp.asarray(v.value) for v in all_vars)
        carried: list = []          # the values the traced step starts from
        codegen.STACKED = []        # ... and those each Runge-Kutta step stacks
        try:
            jax.make_jaxpr(lambda v, p: step(carried.extend(v) or v, 0.0, 0.1,
                                             example_inputs, p))(start, self.param_values())
            stacked = codegen.STACKED
        finally:
            codegen.STACKED = None
        for (_, name), (g, _) in self.watch.found.items():
            if _traced(g[name]) and (id(g), name) not in static:
                self.traced.append(Leaf(g, name, "global"))
        self.watch = _Watch(self.rng_attributes)
        self._seen: dict = {}    # the module-level values of the trace (set by _run)

        def finite(values):
            """Whether every float variable is finite: a NaN or inf anywhere makes
            the sum non-finite (one reduction instead of a test per element)."""
            return jnp.isfinite(sum(jnp.sum(values[i]) for i in float_ids)) \
                if float_ids else jnp.asarray(True)

        stacks = _stacks(stacked, carried, all_vars)
        self.stacks = stacks
        alone = [i for i in range(len(all_vars)) if not any(i in rows for rows in stacks)]

        def pack(values):
            return tuple(jnp.stack([values[i] for i in rows]) for rows in stacks) + \
                tuple(values[i] for i in alone)

        def unpack(carry):
            out = [None] * len(all_vars)
            for stack, rows in zip(carry, stacks):
                for row, i in enumerate(rows):
                    out[i] = stack[row]
            for value, i in zip(carry[len(stacks):], alone):
                out[i] = value
            return tuple(out)

        def chunk(values, i0, n_valid, t0, dt, fix_inputs, iter_inputs, params,
                  flag_records=False):
            def one_step(k, carry):
                step_inputs = []
                for spec, fixed, series in zip(in_specs, fix_inputs, iter_inputs):
                    step_inputs.append(fixed if spec.kind == "fix" else series[k])
                return pack(step(unpack(carry), t0 + (i0 + k) * dt, dt, step_inputs, params))

            def one_record(r, loop):
                carry, mons, flags = loop
                if every == 1:           # no inner loop: XLA sees one step per iteration
                    carry = one_step(r, carry)
                else:                    # the last record of a run may be cut short
                    steps = jnp.clip(n_valid - r * every, 0, every)
                    carry = lax.fori_loop(0, steps, lambda j, c: one_step(r * every + j, c),
                                          carry)
                values = unpack(carry)
                now = tuple(values[i].ravel()[idx] if idx is not None else values[i]
                            for i, idx in zip(mon_vars, mon_index))
                mons = tuple(buf.at[r].set(x) for buf, x in zip(mons, now))
                if flag_records:
                    flags = flags.at[r].set(finite(values))
                return carry, mons, flags

            # the records inside the run only: a loop bound, where a select per step
            # of every variable, or a lax.cond around the step, would cost every step
            mons = tuple(jnp.zeros((records,) + values[i].ravel()[idx].shape
                                   if idx is not None else (records,) + values[i].shape,
                                   values[i].dtype) for i, idx in zip(mon_vars, mon_index))
            flags = jnp.ones(records if flag_records else 0, dtype=bool)
            carry, mons, flags = lax.fori_loop(0, (n_valid + every - 1) // every, one_record,
                                               (pack(values), mons, flags))
            values = unpack(carry)
            # one test per chunk; when it fails, the run finds the record by running
            # the chunk again with a flag per record (flag_records=True)
            return values, (mons, flags if flag_records else finite(values))

        self.chunk = jax.jit(chunk, compiler_options=_copy_options())
        # compiled only when a chunk ends with a NaN or inf: which record had it first
        self.chunk_flags = jax.jit(lambda *args: chunk(*args, flag_records=True),
                                   compiler_options=_copy_options())
        self.float_ids = float_ids
        self.source = _source(root)

    def stale(self) -> bool:
        """A module-level value (not a traced float) read while tracing has changed."""
        traced = {leaf.key for leaf in self.traced}
        now = self.watch.digests()
        return any(now.get(k) != d for k, d in self._seen.items() if k not in traced)

    def param_values(self) -> tuple:
        import jax.numpy as jnp
        return tuple(jnp.asarray(leaf.get()) for leaf in self.traced)


def _copy_options() -> dict:
    """XLA options for the loop: on a CPU, the copy insertion that sees when a
    carried value is read before it is overwritten (region analysis).  XLA's
    CPU default copied at every step the input (reset to 0 after the step), the
    time of the last spike and the step count as well as the stacked state (which
    stays: the slides' spike test reads the old V, ``self.V < V_th``, after the
    Runge-Kutta step has made the new one): 10,000 HH neurons 1.15-1.17x the
    hand-written scan with those copies, 1.08-1.11x without.  Given to this
    loop's compilation only (``jax.jit(compiler_options=...)``): ``XLA_FLAGS``
    would change every computation of the process."""
    import jax
    return {"xla_cpu_copy_insertion_use_region_analysis": True} \
        if jax.default_backend() == "cpu" else {}


def _stacks(stacked: list, carried: list, all_vars: list) -> list[list[int]]:
    """The Variables the loop carries as the rows of one array, by their positions.

    A Runge-Kutta step stacks its variables (``codegen.stack_state``); where they
    are Variables as the step was handed them (``self.V``, not ``self.V * 1``), the
    loop carries them stacked, in the step's order.  XLA then finds the rows stacked
    already and writes the new state in place, as a hand-written ``lax.scan`` over a
    stacked state does.  For 10,000 HH neurons: carried apart, each Variable cost a
    kernel to copy into the stack and out at every step (12 kernels against the
    hand scan's 5); stacked with Variables the step does not integrate (the input,
    the time of the last spike), the new state was written from rows of several
    sources, which XLA cannot do in place: a copy of the whole state per step
    (1.16-1.31x the hand scan, 0.99-1.12x stacked as the step stacks them)."""
    position = {id(value): i for i, value in enumerate(carried)}
    stacks: list[list[int]] = []
    taken: set = set()
    for values in stacked:
        rows = [position.get(id(value)) for value in values]
        if len(rows) < 2 or None in rows or len(set(rows)) < len(rows) or taken & set(rows):
            continue
        kinds = {(np.shape(all_vars[i].value), np.dtype(all_vars[i].dtype)) for i in rows}
        if len(kinds) == 1 and np.dtype(all_vars[rows[0]].dtype).kind == "f":
            stacks.append(rows)
            taken.update(rows)
    return stacks


def _check_unchanged(nodes, before, expected) -> None:
    """update must not change plain attributes (it runs once, to be traced)."""
    for node, old in zip(nodes, before):
        now = vars(node)
        for attr in set(now) | set(old):
            if attr in _OWN or isinstance(old.get(attr), Variable):
                continue
            want = expected.get((id(node), attr), old.get(attr, _MISSING))
            if now.get(attr, _MISSING) is not want:
                if attr in old:          # leave the model as it was
                    now[attr] = old[attr]
                else:
                    now.pop(attr, None)
                raise CompileError(
                    f"{type(node).__name__}.update changes self.{attr}, a plain value"
                    f"{_assignment_line(type(node), attr)}. Compiled code runs update once "
                    f"to trace it, so the change would happen once, not at every step: make "
                    f"it a bm.Variable (self.{attr} = bm.Variable(...)) and update it in "
                    f"place, or run with jit=False")


def _assignment_line(cls, attr: str) -> str:
    """' (file.py, line N: code)' of a method of cls that assigns self.<attr>."""
    import ast
    import textwrap
    for klass in cls.__mro__:
        for name, fn in vars(klass).items():
            if not isinstance(fn, types.FunctionType) or name == "__init__":
                continue
            try:
                tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
            except (OSError, TypeError, SyntaxError):
                continue
            for n in ast.walk(tree):
                targets = n.targets if isinstance(n, ast.Assign) else \
                    [n.target] if isinstance(n, ast.AugAssign) else []
                if any(isinstance(t, ast.Attribute) and t.attr == attr for t in targets):
                    line = fn.__code__.co_firstlineno + n.lineno - 1
                    return f" ({source_line(fn.__code__.co_filename, line)})"
    return ""


def _check_no_python_random(watch) -> None:
    if watch.random_calls:
        where = source_line(*watch.random_calls[0])
        raise CompileError(
            f"update draws random numbers with NumPy or Python ({where}). On the JAX "
            f"backend update runs once, to be traced, so they would be drawn once and "
            f"reused at every step: draw them with bm.random (e.g. bm.random.normal("
            f"size=self.num)), or run with jit=False")


_MISSING = object()


def _source(root) -> str:
    parts = ["# JAX backend: these update methods are traced as written, inside\n"
             "# jax.lax.scan (see braindyn/simulation/jax_loop.py)."]
    seen = set()
    for node in root.nodes():
        fn = type(node).update
        if fn in seen:
            continue
        seen.add(fn)
        try:
            parts.append(f"# {type(node).__name__}.update\n" + inspect.getsource(fn))
        except (OSError, TypeError):
            parts.append(f"# {type(node).__name__}.update: source not available")
    return "\n".join(parts)


def _names_on_line(where) -> set:
    """The attribute names on a line of the student's code (``if self.sigma > 0:``)."""
    import ast
    import linecache
    if where is None:
        return set()
    text = linecache.getline(*where).strip()
    for candidate in (text, text.rstrip(":") + ": pass", text + "\n pass"):
        try:
            tree = ast.parse(candidate)
            break
        except SyntaxError:
            continue
    else:
        return set()
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} | \
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress):
    """Run on JAX.  A float parameter that the code tests in Python (``if self.sigma
    > 0:``, a switch) cannot be traced: it is made part of the structure (a new
    value traces again) and the run starts over; a Variable tested so is refused."""
    static = getattr(root, "_jax_static", set())
    while True:
        try:
            return _run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress, static)
        except jax_tracing_errors() as err:
            root._runner_cache.clear()
            names = _names_on_line(students_frame(err.__traceback__))
            leaves = getattr(err, "_braindyn_leaves", None) or parameters(root, static)[0]
            more = {leaf.key for leaf in leaves if leaf.attr in names} - static
            if not more:
                raise explain_jax(err) from None
            static = static | more
            root._jax_static = static


def _run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress, static):
    import jax.numpy as jnp

    variables = state_variables(root)
    traced, structure = parameters(root, static)
    key = ("jax", (
        tuple((id(n), a, v.shape, str(v.dtype)) for n, a, v in variables),
        tuple((id(s.node), s.attr, s.kind, s.op, s.value.shape[1:] if s.kind == "iter"
               else s.value.shape) for s in in_specs),
        tuple((id(s.node), s.attr, None if s.index is None else s.index.tobytes())
              for s in mon_specs),
        every, tuple(leaf.key for leaf in traced), structure))
    cache = root._runner_cache
    if key not in cache or cache[key].stale():
        cache.clear()
        try:
            cache[key] = Program(root, in_specs, mon_specs, variables, every, traced, static)
        except Exception as err:
            err._braindyn_leaves = traced
            raise
        root._count_compilation("jax")
    prog = cache[key]
    root._last_source = prog.source

    values = tuple(jnp.asarray(v.value) for v in prog.all_vars)
    params = prog.param_values()
    fix_inputs = tuple(jnp.asarray(s.value) if s.kind == "fix" else jnp.zeros(())
                       for s in in_specs)
    steps_per_chunk = prog.records * every
    out_records = [[] for _ in mon_specs]
    done = 0
    reported = 0
    while done < n_steps:
        n_valid = min(steps_per_chunk, n_steps - done)
        iter_inputs = []
        for s in in_specs:
            if s.kind == "iter":
                part = s.value[done:done + n_valid]
                pad = np.zeros((steps_per_chunk - n_valid,) + part.shape[1:])
                iter_inputs.append(jnp.asarray(np.concatenate([part, pad])))
            else:
                iter_inputs.append(jnp.zeros((1,)))
        try:
            new_values, (mons, finite) = prog.chunk(values, done, n_valid, t0, dt, fix_inputs,
                                                    tuple(iter_inputs), params)
            if not prog._seen:
                prog._seen = prog.watch.digests()
        except CompileError:
            cache.clear()
            raise
        n_rec = n_valid // every
        if not bool(finite):
            args = (values, done, n_valid, t0, dt, fix_inputs, tuple(iter_inputs), params)
            flags = np.asarray(prog.chunk_flags(*args)[1][1])
            # the end of the first record with a NaN or inf (the last record may be short)
            step = n_valid if flags.all() else min((int(np.argmin(flags)) + 1) * every, n_valid)
            bad = next(j for j in prog.float_ids
                       if not np.all(np.isfinite(np.asarray(new_values[j]))))
            node, attr, _ = variables[bad]
            raise nan_error(node, attr, t0 + (done + step) * dt, dt)
        for rec, m in zip(out_records, mons):
            rec.append(np.asarray(m)[:n_rec])
        values = new_values
        done += n_valid
        if progress is not None and (done - reported >= progress.chunk or done == n_steps):
            progress.update(done - reported)
            reported = done
    for var, value in zip(prog.all_vars, values):
        var._value = value
    return [np.concatenate(r) if r else np.zeros(0) for r in out_records]
