"""``braindyn.math`` (``import braindyn.math as bm``): arrays on a switchable backend.

* ``bm.use_backend('numpy')`` (default): NumPy arrays, ``bm.jit`` compiles with Numba.
* ``bm.use_backend('jax')``: JAX arrays, ``bm.jit`` compiles with ``jax.jit``.

The NumPy-like functions (``bm.exp``, ``bm.where``, ``bm.zeros`` ...) resolve
on the backend in use when they are looked up; ``bm.NAMES`` lists them.
``bm.Variable`` holds a model's mutable state; ``bm.random``, ``bm.linalg``
and ``bm.fft`` follow NumPy's names on both backends.
"""
from . import fft, linalg, random
from .backend import get_backend, get_dtype, set_dtype, use_backend
from .compile import for_loop, jit
from .functions import NAMES, as_numpy
from .functions import lookup as _lookup
from .variable import Variable

__all__ = ["use_backend", "get_backend", "set_dtype", "get_dtype", "Variable", "jit",
           "for_loop", "as_numpy", "random", "linalg", "fft", "NAMES"]


def __getattr__(name: str):
    # bm.exp etc.: looked up on the current backend (see functions.py), then kept in
    # this module's namespace so the next use is a plain attribute access;
    # use_backend clears them.
    if name.startswith("__"):
        raise AttributeError(name)
    value = _lookup(name)
    globals()[name] = value
    _backend_bound.add(name)
    return value


_backend_bound: set = set()


def _forget_backend_names() -> None:
    for name in _backend_bound:
        globals().pop(name, None)
    _backend_bound.clear()


def __dir__():
    return sorted(set(__all__) | NAMES)
