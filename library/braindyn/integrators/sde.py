"""Stochastic differential equations ``dx = f(x, t) dt + g(x, t) dW`` (Ito).

Scalar or diagonal noise: each variable has its own independent Wiener
process, scaled by its own ``g``.  Methods:

* ``euler`` (Euler-Maruyama): ``x_new = x + f dt + g dW``, strong order 1/2.
* ``milstein`` (derivative-free Milstein)::

      x_bar = x + f dt + g sqrt(dt)
      x_new = x + f dt + g dW + (g(x_bar) - g(x)) (dW**2 - dt) / (2 sqrt(dt))

  strong order 1.

``dW = sqrt(dt) * N(0, 1)`` is drawn from ``bm.random``, so ``bm.random.seed``
makes runs reproducible.  Reference: P. E. Kloeden, E. Platen, *Numerical
Solution of Stochastic Differential Equations*, Springer 1992, sections 10.2,
10.3 and 11.1.
"""
from __future__ import annotations

from .signature import Signature

SDE_METHODS = {
    "euler": ("Euler-Maruyama", 0.5, ("euler_maruyama", "em")),
    "milstein": ("derivative-free Milstein", 1.0, ()),
}


def _lhs(names):
    return ", ".join(names)


def sde_source(sig: Signature, method: str, name: str, dt_default: float) -> str:
    vs = sig.variables
    fk = [f"{v}_f" for v in vs]
    gk = [f"{v}_g" for v in vs]
    lines = [f"def {name}({sig.head(dt_default)}):",
             f'    """One step of {SDE_METHODS[method][0]} for dx = f dt + g dW (Ito)."""',
             f"    {_lhs(fk)} = {sig.call('f')}",
             f"    {_lhs(gk)} = {sig.call('g')}",
             "    sqrt_dt = dt ** 0.5"]
    for v in vs:
        lines.append(f"    {v}_dW = sqrt_dt * noise({v})")
    if method == "euler":
        for v in vs:
            lines.append(f"    {v}_new = {v} + {v}_f * dt + {v}_g * {v}_dW")
    else:
        bars = [f"{v}_bar" for v in vs]
        for v in vs:
            lines.append(f"    {v}_bar = {v} + {v}_f * dt + {v}_g * sqrt_dt")
        lines.append(f"    {_lhs([b + '_g' for b in bars])} = {sig.call('g', bars)}")
        for v in vs:
            lines.append(f"    {v}_new = {v} + {v}_f * dt + {v}_g * {v}_dW + "
                         f"({v}_bar_g - {v}_g) * ({v}_dW ** 2 - dt) / (2.0 * sqrt_dt)")
    lines.append(f"    return {_lhs([v + '_new' for v in vs])}")
    return "\n".join(lines) + "\n"


def get_sde_method(name: str) -> str:
    import difflib
    if not isinstance(name, str):
        raise TypeError(f"method must be a name, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    for m, (_, _, aliases) in SDE_METHODS.items():
        if key == m or key in aliases:
            return m
    close = difflib.get_close_matches(key, list(SDE_METHODS), n=2, cutoff=0.4)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"unknown SDE method {name!r}{hint} Valid names: "
                     f"{', '.join(SDE_METHODS)}")


def noise_numpy(x):
    """Standard normal numbers shaped like ``x`` (NumPy's global generator)."""
    import numpy as np
    shape = np.shape(x)
    return np.random.standard_normal(shape) if shape else np.random.standard_normal()


def noise_jax(x):
    """Standard normal numbers shaped like ``x`` (the bm.random key)."""
    import jax.numpy as jnp

    from ..math import random
    return random.normal(size=jnp.shape(x))
