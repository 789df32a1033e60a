"""The NumPy-like functions of ``braindyn.math``, on either backend.

``bm.exp`` is ``numpy.exp`` on the NumPy backend (so Numba compiles it as
such) and ``jax.numpy.exp`` on the JAX backend.  Only the names listed here
exist; any other raises ``AttributeError`` naming the backend, rather than
guessing.  Functions that create float arrays use the default dtype
(``bm.set_dtype``) on both backends.
"""
from __future__ import annotations

import functools
import importlib

import numpy as np

from . import backend
from .variable import Variable, unwrap

CREATION = ("array", "asarray", "zeros", "ones", "full", "empty", "arange", "linspace",
            "logspace", "eye", "identity", "zeros_like", "ones_like", "full_like",
            "empty_like", "meshgrid", "diag", "tril", "triu", "copy")
ELEMENTWISE = (
    "exp", "expm1", "exp2", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "square",
    "power", "float_power", "abs", "absolute", "fabs", "sign", "negative", "positive",
    "reciprocal", "add", "subtract", "multiply", "divide", "true_divide", "floor_divide",
    "mod", "remainder", "fmod", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "hypot", "deg2rad", "rad2deg",
    "floor", "ceil", "round", "rint", "trunc", "clip", "maximum", "minimum", "fmax", "fmin",
    "heaviside", "sinc", "real", "imag", "conj", "angle", "interp", "nan_to_num")
LOGIC = ("where", "logical_and", "logical_or", "logical_not", "logical_xor", "isnan",
         "isinf", "isfinite", "isclose", "allclose", "array_equal", "equal", "not_equal",
         "less", "less_equal", "greater", "greater_equal", "any", "all", "nonzero",
         "argwhere", "flatnonzero", "count_nonzero", "select", "bitwise_and", "bitwise_or",
         "bitwise_not", "bitwise_xor", "invert")
REDUCTIONS = ("sum", "prod", "mean", "std", "var", "max", "min", "amax", "amin", "argmax",
              "argmin", "cumsum", "cumprod", "median", "percentile", "quantile", "nansum",
              "nanmean", "nanmax", "nanmin", "average", "ptp", "diff", "histogram",
              "bincount", "searchsorted", "sort", "argsort", "unique", "dot", "vdot", "inner",
              "outer", "matmul", "tensordot", "einsum", "trace", "kron", "cross", "convolve",
              "correlate", "gradient", "trapezoid")
SHAPE = ("reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
         "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "split",
         "array_split", "repeat", "tile", "flip", "fliplr", "flipud", "roll", "pad",
         "broadcast_to", "broadcast_arrays", "atleast_1d", "atleast_2d", "atleast_3d",
         "shape", "size", "ndim", "take", "take_along_axis", "append", "insert", "delete",
         "ix_", "indices", "tri", "diagonal", "rot90", "outer")
CONSTANTS = ("pi", "e", "inf", "nan", "newaxis")
DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
          "uint32", "bool_", "complex64", "complex128")

NAMES = frozenset(CREATION + ELEMENTWISE + LOGIC + REDUCTIONS + SHAPE + CONSTANTS + DTYPES)

# Creation functions whose result is float by default: they get the default dtype.
_FLOAT_BY_DEFAULT = ("zeros", "ones", "empty", "linspace", "logspace", "eye",
                     "identity")


def _default_float(dtype):
    return backend.get_dtype() if dtype is None else dtype


def _numpy_creator(name):
    fn = getattr(np, name)

    @functools.wraps(fn)
    def create(*args, dtype=None, **kwargs):
        return fn(*args, dtype=_default_float(dtype), **kwargs)
    return create


NUMPY_CREATORS = {name: _numpy_creator(name) for name in _FLOAT_BY_DEFAULT}


def array(obj, dtype=None, copy=True):
    """Like ``numpy.array``; Python floats become the default float dtype."""
    xp = backend.xp()
    obj = unwrap(obj)
    if isinstance(obj, (list, tuple)):
        obj = [unwrap(o) for o in obj]
    out = xp.array(obj, dtype=dtype) if copy else xp.asarray(obj, dtype=dtype)
    if dtype is None and out.dtype.kind == "f" and out.dtype != backend.get_dtype() \
            and not hasattr(obj, "dtype"):
        out = out.astype(backend.get_dtype())
    return out


def asarray(obj, dtype=None):
    """Like ``numpy.asarray`` (no copy when possible); floats get the default dtype."""
    return array(obj, dtype=dtype, copy=False)


def arange(*args, dtype=None, **kwargs):
    """Like ``numpy.arange``; float ranges get the default dtype."""
    out = backend.xp().arange(*[unwrap(a) for a in args], dtype=dtype, **kwargs)
    if dtype is None and out.dtype.kind == "f":
        out = out.astype(backend.get_dtype())
    return out


def dot(a, b):
    """``numpy.dot``; in compiled code booleans and ints are promoted to float
    first (Numba's dot takes floats only), so ``bm.dot(spike, w)`` compiles."""
    return np.dot(unwrap(a), unwrap(b))


def matmul(a, b):
    """``numpy.matmul``, promoting booleans and ints in compiled code as ``dot``."""
    return np.matmul(unwrap(a), unwrap(b))


def as_numpy(x) -> np.ndarray:
    """A NumPy array of ``x``, whatever the backend it lives on."""
    return np.asarray(unwrap(x))


def _unwrap_all(a):
    if isinstance(a, Variable):
        return a._value
    if isinstance(a, (list, tuple)):
        return type(a)(_unwrap_all(x) for x in a)
    return a


def _jax_wrapper(fn):
    # jax.numpy does not accept foreign array-likes such as Variable.
    @functools.wraps(fn)
    def call(*args, **kwargs):
        return fn(*[_unwrap_all(a) for a in args],
                  **{k: _unwrap_all(v) for k, v in kwargs.items()})
    return call


_cache: dict = {}


def lookup(name: str, module: str = ""):
    """Resolve ``bm.<module>.<name>`` on the current backend (cached)."""
    be = backend.get_backend()
    key = (be, module, name)
    if key in _cache:
        return _cache[key]
    if module == "":
        if name not in NAMES:
            raise AttributeError(f"braindyn.math has no function {name!r} on the {be!r} "
                                 f"backend; see braindyn.math.NAMES for what exists")
        if name in ("array", "asarray", "arange") or (be == "numpy" and name in ("dot", "matmul")):
            obj = globals()[name]
        else:
            xp = backend.xp()
            obj = getattr(xp, name, None)
            if obj is None:
                raise AttributeError(f"braindyn.math.{name} is not available on the {be!r} "
                                     f"backend (its array module has no {name!r})")
            if name in _FLOAT_BY_DEFAULT:
                obj = NUMPY_CREATORS[name] if be == "numpy" else _jax_creator(obj)
            elif be == "jax" and callable(obj):
                obj = _jax_wrapper(obj)
    else:
        mod = importlib.import_module(("jax.numpy." if be == "jax" else "numpy.") + module)
        obj = getattr(mod, name, None)
        if obj is None or name.startswith("_"):
            raise AttributeError(f"braindyn.math.{module} has no function {name!r} on the "
                                 f"{be!r} backend")
        if be == "jax" and callable(obj):
            obj = _jax_wrapper(obj)
    _cache[key] = obj
    return obj


def _jax_creator(fn):
    @functools.wraps(fn)
    def create(*args, dtype=None, **kwargs):
        return fn(*[_unwrap_all(a) for a in args], dtype=_default_float(dtype), **kwargs)
    return create
