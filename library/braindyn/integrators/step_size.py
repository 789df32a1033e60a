"""Step-size control for the embedded pairs, kept apart from the methods.

A method's trial step returns the new values and an error ratio (<= 1 means
within tolerance, see ``codegen.rk_attempt_source``).  The controller below
decides to accept or reject, and proposes the next step with the standard
rule (Hairer, Norsett, Wanner I, section II.4, eq. 4.13; scipy's ``rk.py``)::

    factor = SAFETY * ratio ** (-1 / (q + 1)),   q = min(order, error order)
    h_next = h * clip(factor, MIN_FACTOR, MAX_FACTOR)

An adaptive integral ``f(x, t, ..., dt=h)`` advances the state from ``t``
exactly to ``t + h``: when the error of the whole step is too large, it is
rejected and the interval is covered by several smaller accepted steps.  It
returns the new values and, last, the step size the controller proposes next.
"""
from __future__ import annotations

from .butcher import ButcherTableau
from .signature import Signature

SAFETY = 0.9        # aim a little below the tolerance, so the next step is likely accepted
MIN_FACTOR = 0.2    # never shrink by more than 5x at once (the error estimate may be poor)
MAX_FACTOR = 10.0   # never grow by more than 10x at once
MAX_REJECTS = 1000  # a step needing more rejections than this signals a problem: stop


def grow_factor(ratio: float, q: int, after_reject: bool) -> float:
    """Factor for the next step after an accepted one (error ratio <= 1)."""
    factor = MAX_FACTOR if ratio == 0.0 else min(MAX_FACTOR, SAFETY * ratio ** (-1.0 / (q + 1)))
    return min(1.0, factor) if after_reject else factor


def shrink_factor(ratio: float, q: int) -> float:
    """Factor for retrying a rejected step (error ratio > 1)."""
    return max(MIN_FACTOR, SAFETY * ratio ** (-1.0 / (q + 1)))


def _names(sig: Signature):
    pre = (["self"] if sig.has_self else [])
    state = list(sig.variables)
    return pre, state


def controller_source(tab: ButcherTableau, sig: Signature, name: str, attempt: str,
                      dt_default: float, tol: float) -> str:
    """Adaptive integral as a Python while-loop (runs as Python and in Numba)."""
    q = min(tab.order, tab.error_order)
    pre, state = _names(sig)
    news = [f"{v}_new" for v in state]
    call_args = ", ".join(pre + state + ["t", "h", "tol"] + list(sig.params))
    return f'''def {name}({sig.head(dt_default)}):
    """Advance from t to t + dt with {tab.long_name}, keeping the error ratio <= 1.
    Returns the new values and the proposed next step size."""
    tol = {tol!r}
    t_end = t + dt
    h = dt                # the step the controller wants to try
    h_next = dt
    rejected = False
    n_rejects = 0
    while True:
        last = h >= (t_end - t) * (1.0 - 1e-12)
        h_wanted = h
        if last:
            h = t_end - t     # land exactly on t_end
        {", ".join(news)}, ratio = {attempt}({call_args})
        if ratio <= 1.0:
            if ratio == 0.0:
                factor = {MAX_FACTOR!r}
            else:
                factor = min({MAX_FACTOR!r}, {SAFETY!r} * ratio ** (-1.0 / {q + 1}))
            if rejected:
                factor = min(1.0, factor)   # no growth right after a rejection
            h_next = max(h * factor, h_wanted) if last and factor >= 1.0 else h * factor
            {", ".join(state)} = {", ".join(news)}
            if last:
                break
            t = t + h
            h = h_next
            rejected = False
        else:
            n_rejects += 1
            if n_rejects > {MAX_REJECTS} or not (ratio < 1e300):
                raise ValueError("adaptive step failed: the error stays above the "
                                 "tolerance (or is NaN); raise tol, check the "
                                 "equations, or try another method")
            h = h * max({MIN_FACTOR!r}, {SAFETY!r} * ratio ** (-1.0 / {q + 1}))
            rejected = True
    return {", ".join(state)}, h_next
'''


def controller_source_jax(tab: ButcherTableau, sig: Signature, name: str, attempt: str,
                          dt_default: float, tol: float) -> str:
    """The same controller for JAX: the loop is ``jax.lax.while_loop`` and the
    branches are ``xp.where``; too many rejections turn the state into NaN,
    which the simulators report with the time and dt."""
    q = min(tab.order, tab.error_order)
    pre, state = _names(sig)
    news = [f"{v}_new" for v in state]
    call_args = ", ".join(pre + state + ["t", "h_try", "tol"] + list(sig.params))
    carry = ", ".join(["t", "h", "h_next", "rejected", "n_rejects", "done"] + state)
    accepted = "\n".join(
        f"        {v} = xp.where(ok, {v}_new, {v})" for v in state)
    return f'''def {name}({sig.head(dt_default)}):
    """Advance from t to t + dt with {tab.long_name}, keeping the error ratio <= 1.
    Returns the new values and the proposed next step size."""
    tol = {tol!r}
    t_end = t + dt

    def cond(carry):
        {carry} = carry
        return xp.logical_not(done)

    def body(carry):
        {carry} = carry
        last = h >= (t_end - t) * (1.0 - 1e-12)
        h_try = xp.where(last, t_end - t, h)
        {", ".join(news)}, ratio = {attempt}({call_args})
        ok = ratio <= 1.0
        grow = xp.where(ratio == 0.0, {MAX_FACTOR!r},
                        xp.minimum({MAX_FACTOR!r}, {SAFETY!r} * ratio ** (-1.0 / {q + 1})))
        grow = xp.where(rejected, xp.minimum(1.0, grow), grow)
        shrink = xp.maximum({MIN_FACTOR!r}, {SAFETY!r} * ratio ** (-1.0 / {q + 1}))
        proposal = xp.where(last & (grow >= 1.0), xp.maximum(h_try * grow, h), h_try * grow)
        h_next = xp.where(ok, proposal, h_next)
{accepted}
        t = xp.where(ok, t + h_try, t)
        n_rejects = xp.where(ok, n_rejects, n_rejects + 1)
        failed = (n_rejects > {MAX_REJECTS}) | xp.logical_not(ratio < 1e300)
        done = (ok & last) | failed
        h = xp.where(ok, proposal, h_try * shrink)
{chr(10).join(f"        {v} = xp.where(failed, xp.nan, {v})" for v in state)}
        return {carry}

    init = (strong(t), strong(dt), strong(dt), strong(False), strong(0), strong(False),
            {", ".join(f"strong({v})" for v in state)},)
    {carry} = while_loop(cond, body, init)
    return {", ".join(state)}, h_next
'''
