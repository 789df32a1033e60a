"""Teach Numba the few ``bm`` functions that are Python wrappers on the NumPy
backend (creation functions with the default dtype, and ``bm.random``), so
that model code calling them compiles.  Imported on the first Numba compile.
"""
from __future__ import annotations

import math

import numpy as np
from numba import types
from numba.extending import overload

from . import functions, random

_done = {"registered": False}


def _is_none(t) -> bool:
    return t is None or isinstance(t, (types.NoneType, types.Omitted))


def register() -> None:
    if _done["registered"]:
        return
    _done["registered"] = True
    # A seed set before Numba was first used must reach Numba's generator too.
    if random._seed_state["seed"] is not None:
        import sys
        sys.modules.setdefault("numba", __import__("numba"))
        random._seed_numba(random._seed_state["seed"])

    # Creation functions.  Compiled code knows only the default float64.
    def creator(np_fn):
        def impl_factory(shape, dtype=None):
            if _is_none(dtype):
                return lambda shape, dtype=None: np_fn(shape, np.float64)
            return lambda shape, dtype=None: np_fn(shape, dtype)
        return impl_factory

    for name in ("zeros", "ones", "empty"):
        overload(functions.NUMPY_CREATORS[name])(creator(getattr(np, name)))

    def promote(t):
        # Numba's dot/matmul take float arrays: cast others, leave floats alone
        if isinstance(t, types.Array) and not isinstance(t.dtype, types.Float):
            return lambda x: x.astype(np.float64)
        return lambda x: x

    def as_float(x):
        pass

    @overload(as_float)
    def _as_float(x):
        return promote(x)

    @overload(functions.dot)
    def _dot(a, b):
        return lambda a, b: np.dot(as_float(a), as_float(b))

    @overload(functions.matmul)
    def _matmul(a, b):
        return lambda a, b: np.dot(as_float(a), as_float(b))

    @overload(functions.array)
    def _array(obj, dtype=None, copy=True):
        return lambda obj, dtype=None, copy=True: np.array(obj)

    @overload(functions.asarray)
    def _asarray(obj, dtype=None):
        return lambda obj, dtype=None: np.asarray(obj)

    @overload(random.random)
    def _random(size=None):
        if _is_none(size):
            return lambda size=None: np.random.random()
        return lambda size=None: np.random.random(size)

    @overload(random.uniform)
    def _uniform(low=0.0, high=1.0, size=None):
        if _is_none(size):
            return lambda low=0.0, high=1.0, size=None: np.random.uniform(low, high)
        return lambda low=0.0, high=1.0, size=None: np.random.uniform(low, high, size)

    @overload(random.normal)
    def _normal(loc=0.0, scale=1.0, size=None):
        if _is_none(size):
            return lambda loc=0.0, scale=1.0, size=None: np.random.normal(loc, scale)
        return lambda loc=0.0, scale=1.0, size=None: np.random.normal(loc, scale, size)

    @overload(random.randint)
    def _randint(low, high=None, size=None):
        if _is_none(high):
            if _is_none(size):
                return lambda low, high=None, size=None: np.random.randint(0, low)
            return lambda low, high=None, size=None: np.random.randint(0, low, size)
        if _is_none(size):
            return lambda low, high=None, size=None: np.random.randint(low, high)
        return lambda low, high=None, size=None: np.random.randint(low, high, size)

    @overload(random.bernoulli)
    def _bernoulli(p=0.5, size=None):
        if _is_none(size):
            return lambda p=0.5, size=None: np.random.random() < p
        return lambda p=0.5, size=None: np.random.random(size) < p

    @overload(random.poisson)
    def _poisson(lam=1.0, size=None):
        if _is_none(size):
            return lambda lam=1.0, size=None: np.random.poisson(lam)
        return lambda lam=1.0, size=None: np.random.poisson(lam, size)

    @overload(random.exponential)
    def _exponential(scale=1.0, size=None):
        if _is_none(size):
            return lambda scale=1.0, size=None: np.random.exponential(scale)
        return lambda scale=1.0, size=None: np.random.exponential(scale, size)

    @overload(random.randn)
    def _randn(*shape):
        if len(shape) == 0:
            return lambda *shape: np.random.standard_normal()
        return lambda *shape: np.random.standard_normal(shape)

    @overload(random.rand)
    def _rand(*shape):
        if len(shape) == 0:
            return lambda *shape: np.random.random()
        return lambda *shape: np.random.random(shape)
