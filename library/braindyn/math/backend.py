"""The one backend setting of braindyn.math, and the default float type.

``use_backend('numpy')`` (the default) computes with NumPy arrays and
compiles with Numba; ``use_backend('jax')`` computes with JAX arrays and
compiles with ``jax.jit``.  JAX is imported only when its backend is chosen,
so ``import braindyn`` stays fast.  Both backends default to float64 so that
a simulation gives the same numbers on either (JAX's x64 mode is switched on).
"""
from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

BACKENDS = ("numpy", "jax")

_state = {"backend": "numpy", "dtype": np.float64}


def use_backend(name: str) -> None:
    """Switch every ``bm`` function, ``bm.jit`` and the simulators to a backend.

    Parameters
    ----------
    name : 'numpy' or 'jax'
    """
    if not isinstance(name, str) or name.lower() not in BACKENDS:
        raise ValueError(
            f"unknown backend {name!r}: choose one of {', '.join(map(repr, BACKENDS))}")
    name = name.lower()
    if name == "jax":
        _import_jax()
    _state["backend"] = name
    import sys
    bm = sys.modules.get("braindyn.math")
    if bm is not None and hasattr(bm, "_forget_backend_names"):
        bm._forget_backend_names()


def get_backend() -> str:
    """Name of the backend in use: 'numpy' or 'jax'."""
    return _state["backend"]


def set_dtype(dtype) -> None:
    """Default float type of arrays made by ``bm`` (float64 unless changed).

    ``bm.set_dtype('float32')`` halves memory and is faster on GPUs, at the
    price of about 7 significant digits instead of 16.
    """
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"the default dtype must be a float type such as 'float64' "
                         f"or 'float32', got {dt.name!r}")
    _state["dtype"] = dt.type


def get_dtype():
    """The default float type (a NumPy scalar type such as ``numpy.float64``)."""
    return _state["dtype"]


def _import_jax() -> ModuleType:
    try:
        jax = importlib.import_module("jax")
    except ImportError as err:  # pragma: no cover - jax is a dependency
        raise ImportError("the JAX backend needs the 'jax' package: "
                          "pip install jax (or jax[cuda12] on a GPU machine)") from err
    # float64 everywhere, so both backends compute the same numbers.
    jax.config.update("jax_enable_x64", True)
    return jax


def xp() -> ModuleType:
    """The array module of the current backend: numpy, or jax.numpy."""
    if _state["backend"] == "jax":
        return importlib.import_module("jax.numpy")
    return np
