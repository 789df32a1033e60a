"""A student's plain functions, compiled with Numba.

Numba cannot call a plain Python function from compiled code, and it freezes
the values a function reads from outside (its module's, its closure's, its
defaults) into the machine code.  So a plain function is compiled with the plain
functions it calls compiled along (``compiled_helper``, ``with_compiled_helpers``),
and those outside values are part of its key (``frozen_digest``): a changed value
compiles again, and the numbers stay those of plain Python.  Used by the model
translation (``simulation/numba_translate.py``) and ``bp.integrate(jit=True)``.
"""
from __future__ import annotations

import inspect
import types

import numpy as np

from . import numba_cache

# modules whose functions Numba compiles itself (or braindyn overloads for it)
NUMBA_MODULES = ("numpy", "math", "cmath", "braindyn.math", "numba")

_helpers: dict = {}


def kind(value):
    """What compiled code is specialised on for a parameter value, or None when the
    value cannot be passed to compiled code (strings, None, objects)."""
    if type(value) is float:     # most parameters, checked before each compiled run
        return "float"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, (complex, np.complexfloating)):
        return "complex"
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str)
    if isinstance(value, tuple) and value and all(
            not isinstance(v, (tuple, np.ndarray)) and kind(v) is not None for v in value):
        return ("tuple",) + tuple(kind(v) for v in value)
    return None


def user_function(fn) -> bool:
    """A plain Python function of the student (or of the kit's models), which the
    translation compiles; not one that Numba compiles or overloads itself."""
    if not isinstance(fn, types.FunctionType):
        return False
    module = getattr(fn, "__module__", "") or ""
    return not any(module == m or module.startswith(m + ".") for m in NUMBA_MODULES) \
        and not has_numba_overload(fn)


def has_numba_overload(fn) -> bool:
    """True for a function with an ``@numba.extending.overload`` (such as
    models.delivery.pre2post_sum): Numba compiles the overload, so compiling the
    Python body instead would be wrong (it may branch on the backend)."""
    from numba.core.typing.templates import builtin_registry
    return any(f is fn for f, _ in builtin_registry.globals)


def frozen_digest(fn, seen=None) -> tuple:
    """The values ``fn`` (and the plain functions it calls) read from outside: its
    module's, its closure's and its defaults.  Numba freezes them into the machine
    code, so they are part of a compiled function's key."""
    seen = set() if seen is None else seen
    if fn in seen:
        return ()
    seen.add(fn)
    outside = [(n, fn.__globals__.get(n)) for n in fn.__code__.co_names]
    outside += [(n, c.cell_contents) for n, c in
                zip(fn.__code__.co_freevars, fn.__closure__ or ()) if _filled(c)]
    outside += [(i, value) for i, value in enumerate(fn.__defaults__ or ())]
    out = []
    for n, value in outside:
        if kind(value) is not None:
            out.append((n, numba_cache.digest(value)))
        elif user_function(value):
            out.append((n, frozen_digest(value, seen)))
    return tuple(out)


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:      # a closure variable not assigned yet
        return False
    return True


def forget_helpers() -> None:
    """Drop the compiled helpers: a helper typed inside a function without reference
    counting took that setting (Numba passes it on to what a function calls) and
    remembers its failure to make an array there."""
    _helpers.clear()


def compiled_helper(fn):
    """A plain function compiled with Numba, with the plain functions it calls."""
    from .compile import njit
    key = (fn, frozen_digest(fn))
    if key not in _helpers:
        _helpers[key] = njit(with_compiled_helpers(fn))
    return _helpers[key]


def with_compiled_helpers(fn, module: str | None = None):
    """fn itself, or where it calls plain functions, a copy of fn that calls them
    compiled.  module: the copy's module name (where its machine code is kept on
    disk: see numba_cache.module_name)."""
    calls = {n: fn.__globals__[n] for n in fn.__code__.co_names
             if n in fn.__globals__ and user_function(fn.__globals__[n])
             and fn.__globals__[n] is not fn}
    if not calls and module is None:
        return fn
    new_globals = dict(fn.__globals__)
    new_globals.update({n: compiled_helper(f) for n, f in calls.items()})
    if module is not None:
        new_globals["__name__"] = module
    return types.FunctionType(fn.__code__, new_globals, fn.__name__, fn.__defaults__,
                              fn.__closure__)


def user_sources(fn, seen=None) -> list:
    """The source of fn and of every plain function it calls (None where unknown)."""
    seen = set() if seen is None else seen
    if fn in seen:
        return []
    seen.add(fn)
    try:
        out = [inspect.getsource(fn)]
    except (OSError, TypeError):
        out = [None]
    for n in fn.__code__.co_names:
        value = fn.__globals__.get(n)
        if user_function(value):
            out += user_sources(value, seen)
    return out
