"""Teach Numba the two helpers of the generated step code that are Python stubs:
``phi1_numba`` (exponential Euler) and ``noise_numpy`` (SDE noise).  Registered by
``odeint.make_step`` before it compiles a step with Numba."""
from __future__ import annotations

import math

import numpy as np

from . import exponential, sde

_done = {"registered": False}


def register() -> None:
    if _done["registered"]:
        return
    _done["registered"] = True
    from numba import types
    from numba.extending import overload

    @overload(exponential.phi1_numba)
    def _phi1(z):
        if isinstance(z, types.Float):
            def scalar(z):
                return 1.0 if z == 0.0 else math.expm1(z) / z
            return scalar

        def array(z):
            out = np.empty_like(z)
            for i, x in np.ndenumerate(z):
                out[i] = 1.0 if x == 0.0 else math.expm1(x) / x
            return out
        return array

    @overload(sde.noise_numpy)
    def _noise(x):
        if isinstance(x, types.Array):
            return lambda x: np.random.standard_normal(x.shape)
        return lambda x: np.random.standard_normal()
