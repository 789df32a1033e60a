"""Exponential Euler for systems written as one function.

Each variable's equation is linearised in that variable around the current
state, ``dx/dt ~ f_x(x0) + A (x - x0)`` with ``A = d f_x / d x``, and the
linear equation is solved exactly over the step::

    x_new = x + dt * phi1(A * dt) * f_x(x),     phi1(z) = (exp(z) - 1) / z

For an equation linear in its own variable (the HH gates
``dm/dt = alpha (1 - m) - beta m``, V given the conductances, LIF, synapses)
this is the exact solution over the step with the other variables frozen,
which is why it stays stable at step sizes where explicit Euler explodes.
``A`` is found by a central difference in x alone, so it works for any code
on any backend; for equations linear in x it is exact up to rounding
(relative error ~1e-12).  Order 1.

Reference: M. Hochbruck, A. Ostermann, Exponential integrators, Acta
Numerica 19 (2010) 209-286; the HH case: lecture slides of this course.
"""
from __future__ import annotations

from .signature import Signature

RELATIVE_STEP = 1e-4  # central-difference step relative to 1 + |x|: truncation ~1e-8, rounding ~1e-12


def exp_euler_source(sig: Signature, name: str, dt_default: float) -> str:
    n = len(sig.variables)
    ds = [f"{v}_k" for v in sig.variables]
    lines = [f"def {name}({sig.head(dt_default)}):",
             '    """One step of exponential Euler (order 1)."""',
             f"    {', '.join(ds) if n > 1 else ds[0]} = {sig.call('f')}"]
    for i, v in enumerate(sig.variables):
        pick = f"[{i}]" if n > 1 else ""
        up = [f"{v} + {v}_h" if w == v else w for w in sig.variables]
        down = [f"{v} - {v}_h" if w == v else w for w in sig.variables]
        lines += [
            f"    # linear coefficient A = d(d{v}/dt)/d{v}, by a central difference",
            f"    {v}_h = {RELATIVE_STEP!r} * (1.0 + xp.abs({v}))",
            f"    {v}_A = ({sig.call('f', up)}{pick} - {sig.call('f', down)}{pick}) / (2.0 * {v}_h)",
        ]
    news = []
    for v in sig.variables:
        lines.append(f"    {v}_new = {v} + dt * phi1(dt * {v}_A) * {v}_k")
        news.append(f"{v}_new")
    lines.append(f"    return {', '.join(news)}")
    return "\n".join(lines) + "\n"


PHI1_SOURCE = '''def phi1(z):
    """(exp(z) - 1) / z, with its limit 1 at z = 0."""
    z_safe = xp.where(z == 0.0, 1.0, z)
    return xp.where(z == 0.0, 1.0, xp.expm1(z_safe) / z_safe)
'''


def phi1_numba(z):
    """phi1 for compiled code: no temporary array for a number (numba_support.py)."""
    raise NotImplementedError("only called from Numba-compiled code")
