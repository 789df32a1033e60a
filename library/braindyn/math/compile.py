"""``bm.jit`` and ``bm.for_loop``: compiled functions and time loops.

NumPy backend: ``bm.jit(f)`` is ``numba.njit(f)``, after replacing every
``odeint`` integral that ``f`` names by its Numba-compiled step, so that
integrals can be called inside compiled code.  JAX backend: ``bm.jit(f)`` is
``jax.jit(f)``, with the ``bm.random`` key threaded through the call so that
random draws inside the function stay reproducible and never leak tracers.
The backend is looked up at the first call, not at decoration.
"""
from __future__ import annotations

import functools
import linecache
import os
import re
import traceback
import types
from typing import Any, Callable

from . import backend
from .variable import Variable, unwrap


_BRAINDYN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CompileError(RuntimeError):
    """Code could not be compiled; the message says why and what to try."""


def source_line(filename: str, lineno: int) -> str:
    """'file.py, line 12: <the code>' for a place in the student's code."""
    text = linecache.getline(filename, lineno).strip()
    short = os.path.basename(filename) if not filename.startswith("<") else filename
    return f"{short}, line {lineno}: {text}" if text else f"{short}, line {lineno}"


def numba_reason(message: str) -> str:
    """The line of a Numba error that says what is wrong (its first lines only
    name the compiler pass that failed)."""
    reason = next((ln.strip() for ln in message.splitlines()
                   if ln.strip() and not ln.startswith(("Failed in", "- Resolution",
                                                        "During:", "File "))), "")
    return re.sub(r"\x1b\[[0-9;]*m", "", reason)[:300]


def explain_numba(err: Exception, what: str, fix: str) -> CompileError:
    """Numba's error as a short message: the student's first line that it names
    (not braindyn's generated code, not Numba's), the reason, and ``fix``."""
    import numba

    from . import numba_cache
    message = str(err)
    machinery = [_BRAINDYN, os.path.dirname(os.path.abspath(numba.__file__))]
    if numba_cache.cache_root() is not None:      # braindyn's generated sources
        machinery.append(os.path.abspath(numba_cache.cache_root()))
    where = None
    for filename, line in re.findall(r'File "([^"]+)", line (\d+)', message):
        path = os.path.abspath(filename)
        if not filename.startswith("<") and not any(path.startswith(m + os.sep)
                                                    for m in machinery):
            where = source_line(path, int(line))
            break
    return CompileError(f"Numba cannot compile {where or what}\n  ({numba_reason(message)})\n"
                        f"{fix}")


# Frames in these folders are the machinery, never the student's line.
_MACHINERY = (os.sep + "jax" + os.sep, os.sep + "jaxlib" + os.sep, os.sep + "numpy" + os.sep,
              os.sep + "numba" + os.sep,
              os.path.join("braindyn", "simulation") + os.sep,
              os.path.join("braindyn", "math") + os.sep,
              os.path.join("braindyn", "integrators") + os.sep)


def students_frame(tb) -> tuple[str, int] | None:
    """(file, line) of the innermost frame of a traceback that is not machinery."""
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        name = frame.f_code.co_filename
        if not any(part in name for part in _MACHINERY) and not name.startswith("<braindyn"):
            found = (name, lineno)
    return found


def jax_tracing_errors() -> tuple:
    """What JAX raises while tracing code that needs a concrete value (a Python
    ``if`` on an array, an array as an index, ``np.exp`` of an array); an
    ``except`` clause evaluates this only when an error is on its way."""
    import jax
    return (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError,
            jax.errors.TracerArrayConversionError)


def explain_jax(err: Exception, plain: str = "run with jit=False") -> CompileError:
    """A JAX tracer error as a short message naming the student's line; ``plain``
    says how to run the same code uncompiled."""
    where = students_frame(err.__traceback__)
    line = f" at {source_line(*where)}" if where else ""
    import jax
    if isinstance(err, jax.errors.TracerBoolConversionError):
        what = ("a Python `if` (or `and`/`or`/`while`) tests a value that changes during the "
                "run")
        fix = ("write it with bm.where(condition, value_if_true, value_if_false) on whole "
               f"arrays, e.g. V = bm.where(V > V_th, V_reset, V), or {plain}")
    elif isinstance(err, jax.errors.TracerIntegerConversionError):
        what = "a value that changes during the run is used as a Python int (an index or size)"
        fix = f"index with arrays (bm.where, boolean masks), or {plain}"
    else:
        what = ("a NumPy or math function (np.exp, math.exp, float(...)) is given an array "
                "that changes during the run")
        fix = ("call the bm function of the same name (bm.exp instead of np.exp or "
               f"math.exp), which works on both backends, or {plain}")
    return CompileError(f"On the JAX backend {what}{line}.\nFix: {fix}.")


def _unwrap_args(args):
    return tuple(unwrap(a) for a in args)


def numba_ready(func: Callable) -> Callable:
    """A copy of ``func`` whose globals and closure name compiled integrals
    (and compiled ``bm.jit`` functions) instead of Python objects, for Numba."""
    def convert(value):
        # an odeint integral (or a bm.jit function) knows its own compiled form; asking
        # it keeps this module free of imports from the layers above
        hook = getattr(type(value), "__numba_compiled__", None)
        return hook(value) if hook is not None else value

    names = set(func.__code__.co_names)
    new_globals = None
    for name in names:
        if name in func.__globals__:
            value = func.__globals__[name]
            new = convert(value)
            if new is not value:
                if new_globals is None:
                    new_globals = dict(func.__globals__)
                new_globals[name] = new
    closure = func.__closure__
    new_closure = closure
    if closure:
        cells = [types.CellType(convert(c.cell_contents)) for c in closure]
        if any(a.cell_contents is not b.cell_contents for a, b in zip(cells, closure)):
            new_closure = tuple(cells)
    if new_globals is None and new_closure is closure:
        return func
    new = types.FunctionType(func.__code__, new_globals or func.__globals__, func.__name__,
                             func.__defaults__, new_closure)
    new.__kwdefaults__ = func.__kwdefaults__
    return new


def njit(func: Callable, inner: bool = False, **options):
    """Compile ``func`` with Numba (the NumPy backend's compiler).

    inner=True: a function only other compiled functions call, built without the
    wrappers that let Python call it (those were a sixth of compiling a network)."""
    import numba
    if inner:
        options.update(no_cpython_wrapper=True, no_cfunc_wrapper=True)

    from . import numba_support
    numba_support.register()
    return numba.njit(numba_ready(func), **options)


class JitFunction:
    """What ``bm.jit`` returns: compiles on the first call, per backend."""

    def __init__(self, func: Callable, **options):
        functools.update_wrapper(self, func)
        self.func = func
        self.options = options
        self._compiled: dict[str, Any] = {}

    def __numba_compiled__(self):
        return self._compile_numba()

    def _compile_numba(self):
        if "numpy" not in self._compiled:
            opts = {k: v for k, v in self.options.items() if k in ("parallel", "fastmath")}
            self._compiled["numpy"] = njit(self.func, **opts)
        return self._compiled["numpy"]

    def _compile_jax(self):
        if "jax" not in self._compiled:
            import jax

            from . import random

            func = self.func

            def with_key(key, *args, **kwargs):
                var = random.DEFAULT_KEY
                saved = var._value
                var._value = key
                try:
                    out = func(*args, **kwargs)
                    return out, var._value
                finally:
                    var._value = saved

            static = self.options.get("static_argnums", ())
            if isinstance(static, int):
                static = (static,)
            self._compiled["jax"] = jax.jit(
                with_key, static_argnums=tuple(s + 1 for s in static))
        return self._compiled["jax"]

    def __call__(self, *args, **kwargs):
        args = _unwrap_args(args)
        kwargs = {k: unwrap(v) for k, v in kwargs.items()}
        if backend.get_backend() == "jax":
            from . import random
            var = random.DEFAULT_KEY
            try:
                out, var._value = self._compile_jax()(var._value, *args, **kwargs)
            except jax_tracing_errors() as err:
                raise explain_jax(err, "call the plain function") from None
            return out
        try:
            return self._compile_numba()(*args, **kwargs)
        except Exception as err:  # Numba types the function at its first call
            if not type(err).__module__.startswith("numba"):
                raise
            raise explain_numba(
                err, self.func.__qualname__,
                "Write it with numbers, NumPy arrays and bm functions (no dicts, lists or "
                "objects), or call the plain function, which runs your Python as "
                "written.") from None

    def __repr__(self):
        return f"<bm.jit of {self.func.__qualname__}>"


def jit(func: Callable | None = None, **options):
    """Compile a plain function: with Numba on the NumPy backend, with
    ``jax.jit`` on the JAX backend.  Use as ``bm.jit(f)`` or ``@bm.jit``.

    Options: ``parallel=True`` (Numba: run ``numba.prange`` loops on all
    cores), ``static_argnums`` (JAX).  The function may call ``odeint``
    integrals and ``bm`` functions.  To debug, call the plain function.
    """
    if func is None:
        return lambda f: jit(f, **options)
    if isinstance(func, Variable) or not callable(func):
        raise TypeError(f"bm.jit compiles functions; got {type(func).__name__}")
    if hasattr(func, "__jit__"):  # objects (models) know how to compile themselves
        return func.__jit__(**options)
    return JitFunction(func, **options)


_loop_cache: dict = {}


def _same_shaped(init) -> bool:
    """A tuple of two or more floats, or float arrays of one shape and dtype."""
    import numpy as np
    if not isinstance(init, tuple) or len(init) < 2:
        return False
    shapes = {np.shape(x) for x in init}
    dtypes = {np.result_type(x) for x in init}
    return len(shapes) == 1 and len(dtypes) == 1 and next(iter(dtypes)).kind == "f"


def for_loop(body: Callable, n_steps: int, init):
    """Run ``carry = body(i, carry)`` for i = 0 .. n_steps-1 in compiled code.

    ``init`` is the first carry (an array, a number, or a tuple of them); the
    last carry is returned.  NumPy backend: the loop and ``body`` are compiled
    by Numba; JAX backend: ``jax.lax.fori_loop`` inside ``jax.jit``.  Keep
    each carry entry's type fixed (floats stay floats) so the loop compiles.
    """
    if not isinstance(n_steps, int) or n_steps < 0:
        raise ValueError(f"n_steps must be a non-negative int, got {n_steps!r}")
    init = unwrap(init) if not isinstance(init, tuple) else _unwrap_args(init)
    be = backend.get_backend()
    packed = be == "jax" and _same_shaped(init)
    key = (be, body, packed)
    if key not in _loop_cache:
        if be == "jax":
            import jax
            import jax.numpy as jnp

            if packed:
                # Carry same-shaped entries as one stacked array: XLA on a CPU then
                # runs one kernel where it would run one per entry (2x faster for
                # a one-neuron HH loop).  The body still sees the separate entries.
                def step(i, y):
                    return jnp.stack(body(i, tuple(y[k] for k in range(y.shape[0]))))

                def run(n, carry):
                    y = jax.lax.fori_loop(0, n, step, jnp.stack(carry))
                    return tuple(y[k] for k in range(y.shape[0]))
            else:
                def run(n, carry):
                    return jax.lax.fori_loop(0, n, body, carry)
            _loop_cache[key] = jit(run)
        else:
            import numba
            cbody = njit(body)

            @numba.njit
            def run(n, carry):
                for i in range(n):
                    carry = cbody(i, carry)
                return carry
            _loop_cache[key] = run
    return _loop_cache[key](n_steps, init)
