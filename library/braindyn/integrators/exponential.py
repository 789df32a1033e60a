"""Exponential Euler for systems written as one function.

Each variable's equation is linearised in that variable around the current
state, ``dx/dt ~ f_x(x0) + A (x - x0)`` with ``A = d f_x / d x``, and the
linear equation is solved exactly over the step::

    x_new = x + dt * phi1(A * dt) * f_x(x),     phi1(z) = (exp(z) - 1) / z

For an equation linear in its own variable (the HH gates
``dm/dt = alpha (1 - m) - beta m``, V given the conductances, LIF, synapses)
this is the exact solution over the step with the other variables frozen,
which is why it stays stable at step sizes where explicit Euler explodes.
``A`` is differentiated from the derivative's code (``linear_part.py``); for
code that module cannot differentiate it is found by a central difference in
x alone, which works for any code on any backend (exact up to rounding,
relative error ~1e-12, for equations linear in x).  Order 1.

Reference: M. Hochbruck, A. Ostermann, Exponential integrators, Acta
Numerica 19 (2010) 209-286; the HH case: lecture slides of this course.
"""
from __future__ import annotations

from .signature import Signature

RELATIVE_STEP = 1e-4  # central-difference step relative to 1 + |x|: truncation ~1e-8, rounding ~1e-12


def exp_euler_source(sig: Signature, name: str, dt_default: float,
                     linear: str | None = None, affine: tuple = (),
                     zero: str = "0.0 * {v}") -> str:
    """The step's source.  linear: the name of a function with f's parameters that
    returns each variable's coefficient A (``linear_part.py``); without it, A is
    found by a central difference.  affine[i]: variable i's equation is linear in
    it, dx/dt = A x + B with A free of x; then the step is written as the exact
    solution ``exp(A dt) x + dt phi1(A dt) B``, B being dx/dt at x = 0 (the
    same number as x + dt phi1(A dt) f(x), and for a synapse's dg/dt = -g / tau
    the decay factor exp(-dt / tau) times g, computed once per run).  zero: how
    x = 0 is written: ``0.0 * x`` keeps x's shape (plain Python and JAX check
    shapes); compiled code on numbers writes ``0.0``, so that B, free of x, is
    computed once per run rather than per element."""
    n = len(sig.variables)
    affine = tuple(affine) or (False,) * n
    lines = [f"def {name}({sig.head(dt_default)}):",
             '    """One step of exponential Euler (order 1)."""']
    if not all(affine):
        ds = [f"{v}_k" for v in sig.variables]
        lines.append(f"    {', '.join(ds) if n > 1 else ds[0]} = {sig.call('f')}")
    if linear is not None:
        coefficients = [f"{v}_A" for v in sig.variables]
        lines += ["    # linear coefficients A = d(dx/dt)/dx, differentiated from the code",
                  f"    {', '.join(coefficients)} = {sig.call(linear)}"]
    for i, v in enumerate(sig.variables):
        pick = f"[{i}]" if n > 1 else ""
        if affine[i]:
            at_zero = [zero.format(v=v) if w == v else w for w in sig.variables]
            lines += [f"    # d{v}/dt = A {v} + B is linear in {v}: B is its value at {v} = 0",
                      f"    {v}_B = {sig.call('f', at_zero)}{pick}"]
            continue
        if linear is not None:
            continue
        up = [f"{v} + {v}_h" if w == v else w for w in sig.variables]
        down = [f"{v} - {v}_h" if w == v else w for w in sig.variables]
        lines += [
            f"    # linear coefficient A = d(d{v}/dt)/d{v}, by a central difference",
            f"    {v}_h = {RELATIVE_STEP!r} * (1.0 + xp.abs({v}))",
            f"    {v}_A = ({sig.call('f', up)}{pick} - {sig.call('f', down)}{pick}) / (2.0 * {v}_h)",
        ]
    news = []
    for i, v in enumerate(sig.variables):
        if affine[i]:
            lines.append(f"    {v}_new = xp.exp(dt * {v}_A) * {v} + dt * phi1(dt * {v}_A) * {v}_B")
        else:
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
