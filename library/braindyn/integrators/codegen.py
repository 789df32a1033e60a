"""Write the step code of a Runge-Kutta method from its Butcher tableau.

One generator serves every tableau.  The code it writes is plain Python
(arithmetic on the variables and calls of ``f``), so the same text runs as
Python (``jit=False``), compiles with Numba, and traces with JAX; it is what
``show_code`` prints.  For the classical RK4 and ``def f(x, t, a)`` it writes::

    def rk4_step(x, t, a, dt=0.1):
        x_k1 = f(x, t, a)
        x_k2 = f(x + dt * (1/2 * x_k1), t + 1/2 * dt, a)
        x_k3 = f(x + dt * (1/2 * x_k2), t + 1/2 * dt, a)
        x_k4 = f(x + dt * x_k3, t + dt, a)
        x_new = x + dt * (1/6 * x_k1 + 1/3 * x_k2 + 1/3 * x_k3 + 1/6 * x_k4)
        return x_new
"""
from __future__ import annotations

from fractions import Fraction

from .butcher import ButcherTableau
from .signature import Signature


def coef(x) -> str:
    """Print a coefficient as students read it: ``1/6``, ``-3``, ``0.4``."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, int):
        return str(x)
    return repr(float(x))


def linear_combination(weights, terms) -> str:
    """``w1 * t1 + w2 * t2`` with zero weights left out and unit weights bare."""
    parts = []
    for w, term in zip(weights, terms):
        if w == 0:
            continue
        c = coef(w)
        piece = term if c == "1" else (f"-{term}" if c == "-1" else f"{c} * {term}")
        parts.append(piece)
    if not parts:
        return "0"
    text = parts[0]
    for p in parts[1:]:
        text += f" - {p[1:]}" if p.startswith("-") else f" + {p}"
    return text


def _group(expr: str) -> str:
    """Parenthesise a sum, not a single term."""
    return f"({expr})" if " " in expr else expr


def _lhs(names):
    return ", ".join(names) if len(names) > 1 else names[0]


def stage_lines(tab: ButcherTableau, sig: Signature, indent: str = "    ") -> list:
    """The lines computing k1 .. ks for every variable."""
    lines = []
    for i in range(tab.stages):
        ks = [f"{v}_k{i + 1}" for v in sig.variables]
        args = []
        for v in sig.variables:
            comb = linear_combination(tab.A[i], [f"{v}_k{j + 1}" for j in range(i)])
            args.append(v if comb == "0" else f"{v} + dt * {_group(comb)}")
        ci = coef(tab.c[i])
        t = "t" if tab.c[i] == 0 else ("t + dt" if ci == "1" else f"t + {ci} * dt")
        lines.append(f"{indent}{_lhs(ks)} = {sig.call('f', args, t)}")
    return lines


def rk_step_source(tab: ButcherTableau, sig: Signature, name: str, dt_default: float) -> str:
    """Source of one fixed step ``(vars, t, params, dt) -> new vars``."""
    lines = [f"def {name}({sig.head(dt_default)}):",
             f'    """One step of {tab.long_name} (order {tab.order}, {tab.stages} '
             f'stage{"s" if tab.stages > 1 else ""})."""']
    lines += stage_lines(tab, sig)
    news = []
    for v in sig.variables:
        comb = linear_combination(tab.b, [f"{v}_k{j + 1}" for j in range(tab.stages)])
        lines.append(f"    {v}_new = {v} + dt * {_group(comb)}")
        news.append(f"{v}_new")
    lines.append(f"    return {_lhs(news)}")
    return "\n".join(lines) + "\n"


def rk_attempt_source(tab: ButcherTableau, sig: Signature, name: str) -> str:
    """Source of one trial step of an embedded pair, returning the new
    variables and the error ratio (accept the step when it is <= 1)::

        ratio = sqrt(mean((err / (tol * (1 + max(|y|, |y_new|))))**2))

    i.e. the root-mean-square error over all components of all variables,
    each measured against a mixed absolute/relative tolerance
    (atol = rtol = tol, as scipy's ``solve_ivp`` with its RMS norm).
    """
    # dt and tol come before the parameters, so that those keep their defaults
    head = sig.head(0.0).replace(", dt=0.0", "").split(", ")
    i = head.index("t") + 1
    head = head[:i] + ["dt", "tol"] + head[i:]
    lines = [f"def {name}({', '.join(head)}):",
             f'    """A trial step of {tab.long_name}: new values and the error ratio."""']
    lines += stage_lines(tab, sig)
    news, sq, count = [], [], []
    for v in sig.variables:
        ks = [f"{v}_k{j + 1}" for j in range(tab.stages)]
        lines.append(f"    {v}_new = {v} + dt * {_group(linear_combination(tab.b, ks))}")
        lines.append(f"    {v}_err = dt * {_group(linear_combination(tab.b_error, ks))}")
        lines.append(f"    {v}_scale = tol * (1.0 + xp.maximum(xp.abs({v}), xp.abs({v}_new)))")
        news.append(f"{v}_new")
        sq.append(f"xp.sum(xp.asarray({v}_err / {v}_scale) ** 2)")
        count.append(f"xp.asarray({v}).size")
    lines.append(f"    ratio = xp.sqrt(({' + '.join(sq)}) / ({' + '.join(count)}))")
    lines.append(f"    return {', '.join(news)}, ratio")
    return "\n".join(lines) + "\n"


# While the JAX loop traces one step to learn the model's layout, a list that
# stack_state adds the values of each stacked step to (simulation/jax_loop.py);
# None otherwise.
STACKED: list | None = None


def stack_state(*values):
    """The variables of a stacked Runge-Kutta step as the rows of one array (JAX).

    The JAX loop carries variables that a step stacks as rows of one array, in this
    order: XLA then finds them stacked already and writes the new state in place."""
    import jax.numpy as jnp
    if STACKED is not None:
        STACKED.append(values)
    return jnp.stack(jnp.broadcast_arrays(*values))


def rk_step_source_stacked(tab: ButcherTableau, sig: Signature, name: str,
                           dt_default: float) -> str:
    """The same step for JAX, with the variables stacked into one array ``y``.

    XLA on a CPU runs every small operation as its own kernel; for a handful of
    scalar variables that overhead dominates, so one array operation per stage
    instead of one per variable is several times faster.  Used only when all
    variables have the same shape (``rk_step_dispatch_source``)."""
    vs = list(sig.variables)
    params = ["self"] if sig.has_self else []
    call_prefix = ", ".join(params) + (", " if params else "")
    lines = [f"def {name}({sig.head(dt_default)}):",
             f'    """One step of {tab.long_name} on the stacked variables y = '
             f'[{", ".join(vs)}]."""',
             f"    y = stack_state({', '.join(vs)})"]
    for i in range(tab.stages):
        comb = linear_combination(tab.A[i], [f"k{j + 1}" for j in range(i)])
        arg = "y" if comb == "0" else f"(y + dt * {_group(comb)})"
        ci = coef(tab.c[i])
        t = "t" if tab.c[i] == 0 else ("t + dt" if ci == "1" else f"t + {ci} * dt")
        rest_i = ", ".join([t] + list(sig.params))
        lines.append(f"    k{i + 1} = xp.stack(xp.broadcast_arrays(*f({call_prefix}*{arg}, "
                     f"{rest_i})))")
    comb = linear_combination(tab.b, [f"k{j + 1}" for j in range(tab.stages)])
    lines.append(f"    y_new = y + dt * {_group(comb)}")
    lines.append(f"    return {', '.join(f'y_new[{i}]' for i in range(len(vs)))}")
    return "\n".join(lines) + "\n"


def rk_step_dispatch_source(sig: Signature, name: str, stacked: str, each: str,
                            dt_default: float) -> str:
    """Choose the stacked step when every variable has the same shape (known
    when JAX traces, so the choice costs nothing at run time)."""
    args = (["self"] if sig.has_self else []) + list(sig.variables) + ["t"] + \
        list(sig.params) + ["dt=dt"]
    shapes = " == ".join(f"xp.shape({v})" for v in sig.variables)
    return (f"def {name}({sig.head(dt_default)}):\n"
            f"    if {shapes}:\n"
            f"        return {stacked}({', '.join(args)})\n"
            f"    return {each}({', '.join(args)})\n")
