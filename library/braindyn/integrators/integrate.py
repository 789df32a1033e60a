"""``bp.integrate``: solve an ODE over an interval in one call (for lessons)."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..math import backend
from ..math.functions import as_numpy
from . import step_size
from .odeint import DEFAULT_DT, Integrator, check_dt, odeint


def integrate(f: Callable, y0, t_span: Sequence[float], dt: float = DEFAULT_DT,
              method: str = "rk4", adaptive: bool = False, tol: float = 1e-3,
              args: tuple = (), jit: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integrate ``f`` (written as for ``odeint``) from ``t_span[0]`` to ``t_span[1]``.

    ``f``'s parameters before ``t`` are the variables: with one variable
    ``y0`` is its value; with several, ``y0[0], y0[1], ...`` are theirs (all of
    one shape).  ``args`` are the parameters after ``t``.

    Returns ``(ts, ys)`` as NumPy arrays with ``ts[0] = t_span[0]``,
    ``ts[-1] = t_span[1]`` and ``ys.shape == (len(ts),) + np.shape(y0)``.
    Fixed step: ``ts`` advances by ``dt`` (the last step is shortened to land
    on ``t_span[1]`` if dt does not divide the interval).  Adaptive: ``dt`` is
    the first trial step and ``ts`` are the accepted step times.
    ``jit=True`` compiles the fixed-step loop (Numba or JAX) for speed.
    """
    check_dt(dt)
    if len(t_span) != 2:
        raise ValueError(f"t_span must be (t_start, t_end), got {t_span!r}")
    t0, t1 = float(t_span[0]), float(t_span[1])
    if not t1 > t0:
        raise ValueError(f"t_span must have t_end > t_start, got {t_span!r}")
    integral = f if isinstance(f, Integrator) else _integral(f, method, adaptive, tol)
    nvar = len(integral.sig.variables)
    if not isinstance(args, tuple):
        args = (args,)
    nparams = len(integral.sig.params) - len(integral.sig.defaults)
    if not nparams <= len(args) <= len(integral.sig.params):
        raise ValueError(f"{integral.__name__}() takes the parameters "
                         f"{integral.sig.params} after t; args gives {len(args)} value(s)")
    y0 = np.asarray(as_numpy(y0), dtype=backend.get_dtype())
    if nvar > 1 and (y0.ndim == 0 or y0.shape[0] != nvar):
        raise ValueError(f"{integral.__name__}() has {nvar} variables "
                         f"{integral.sig.variables}: give y0 as a sequence of {nvar} values")
    state = tuple(y0[i] for i in range(nvar)) if nvar > 1 else (y0,)

    def pack(s):
        return np.stack([as_numpy(x) for x in s]) if nvar > 1 else as_numpy(s[0])

    if integral.adaptive:
        return _adaptive(integral, state, t0, t1, dt, args, pack)
    n = int(np.ceil((t1 - t0) / dt - 1e-9))
    ts = t0 + dt * np.arange(n + 1)
    ts[-1] = t1
    if jit:
        ys = _compiled_loop(integral, state, ts, args, nvar)
        return ts, ys
    ys = np.empty((n + 1,) + y0.shape, dtype=y0.dtype)
    ys[0] = pack(state)
    for i in range(n):
        out = integral(*state, ts[i], *args, dt=ts[i + 1] - ts[i])
        state = out if nvar > 1 else (out,)
        ys[i + 1] = pack(state)
    return ts, ys


_integrals: dict = {}
_loops: dict = {}


def _integral(f, method, adaptive, tol) -> Integrator:
    # One integral per (f, method): its compiled step is reused by later calls,
    # so a slider that changes dt never recompiles.
    key = (f, method, bool(adaptive), tol)
    if key not in _integrals:
        if len(_integrals) > 256:
            _integrals.clear()
        _integrals[key] = odeint(f, method=method, adaptive=adaptive, tol=tol)
    return _integrals[key]


def _adaptive(integral, state, t0, t1, dt, args, pack):
    """Adaptive stepping as scipy's solve_ivp does it: each accepted step is as
    long as the controller allows (no need to land on a grid), so the accepted
    times are the solver's own.  Uses the method's trial step and the
    controller rules of ``step_size``."""
    attempt = integral.trial_step()
    tab = integral.info.tableau
    q = min(tab.order, tab.error_order)
    ts, ys = [t0], [pack(state)]
    t, h, rejected, n_rejects = t0, dt, False, 0
    while t < t1:
        last = h >= (t1 - t) * (1.0 - 1e-12)
        if last:
            h = t1 - t
        *new, ratio = attempt(*state, t, h, integral.tol, *args)
        if ratio <= 1.0:
            state = tuple(new)
            t = t1 if last else t + h
            ts.append(t)
            ys.append(pack(state))
            h = h * step_size.grow_factor(ratio, q, rejected)
            rejected, n_rejects = False, 0
        else:
            n_rejects += 1
            if n_rejects > step_size.MAX_REJECTS or not ratio < 1e300:
                raise ValueError(f"adaptive integration failed at t={t}: the error stays "
                                 f"above tol={integral.tol} (or is NaN); check the "
                                 f"equations, raise tol or try another method")
            h = h * step_size.shrink_factor(ratio, q)
            rejected = True
    return np.asarray(ts), np.stack(ys)


def _compiled_loop(integral, state, ts, args, nvar):
    """The fixed-step loop, generated for the variables at hand and compiled."""
    if integral.sig.has_self:
        integral.compiled("numba")      # names the way out (compile the model)
    shape = np.shape(state[0])
    # 0-d arrays become floats, so the loop's variables keep one type in Numba
    state = tuple(float(s) if np.shape(s) == () else s for s in state)
    ys = np.zeros((len(ts),) + ((nvar,) if nvar > 1 else ()) + shape)
    fn = _loop(integral, nvar, len(args))
    if backend.get_backend() == "jax":
        import jax.numpy as jnp

        from ..math.compile import explain_jax, jax_tracing_errors
        try:
            return np.asarray(fn(jnp.asarray(ts), jnp.asarray(ys),
                                 *[jnp.asarray(s) for s in state], *args))
        except jax_tracing_errors() as err:
            raise explain_jax(err, "call integrate(..., jit=False)") from None
    try:
        return fn(ts, ys, *state, *args)
    except Exception as err:   # Numba types the loop and the derivative at the first call
        if not type(err).__module__.startswith("numba"):
            raise
        from ..math.compile import explain_numba
        raise explain_numba(
            err, f"{integral.f.__qualname__}",
            "Write the derivative with numbers, NumPy arrays and bm functions (no dicts, "
            "lists or objects), or call integrate(..., jit=False), which runs your Python "
            "as written.") from None


def _loop(integral, nvar: int, nargs: int):
    """The compiled loop for the integral's derivative as it is now.

    Compiled code freezes the values the derivative reads from its module (Numba
    when it compiles, JAX when it traces): they are part of the key, so a changed
    value compiles again and the result stays that of jit=False."""
    from ..math.plain_functions import frozen_digest
    jax = backend.get_backend() == "jax"
    key = (integral, nvar, nargs, jax, frozen_digest(integral.f),
           integral.g and frozen_digest(integral.g))
    if key not in _loops:
        if len(_loops) > 256:
            _loops.clear()
        _loops[key] = _jax_loop(integral.compiled("jax"), nvar, nargs) if jax else \
            _numba_loop(integral, nvar, nargs, key[-2:])
    return _loops[key]


def _numba_loop(integral, nvar: int, nargs: int, frozen: tuple):
    """The loop and the integral's step compiled by Numba, the machine code kept in
    the disk cache (``math/numba_cache.py``) as a model's is: a restarted kernel
    loads it.  The entry's folder is named by the derivative's source, the
    functions it calls, the values frozen into it and the method."""
    from ..math import numba_cache
    from ..math.compile import njit
    from ..math.plain_functions import user_sources, with_compiled_helpers
    loop_src = _loop_source(nvar, nargs)
    sources = user_sources(integral.f) + (user_sources(integral.g) if integral.g else [])
    folder = numba_cache.program_dir(
        [loop_src], {}, sources,
        ("integrate", integral.method, integral.adaptive, integral.tol, integral.dt, frozen))
    module = None if folder is None else numba_cache.module_name(folder)
    f = with_compiled_helpers(integral.f, module)
    g = integral.g and with_compiled_helpers(integral.g, module)
    step, _ = integral.build("numba", f=f, g=g, cache_dir=folder, name="integrate")
    ns = {"step": step}
    if folder is None:
        exec(loop_src, ns)
        return njit(ns["loop"])
    path = numba_cache.write_source(folder, "integrate_loop", loop_src)
    ns["__name__"] = module
    exec(compile(loop_src, str(path), "exec"), ns)
    return numba_cache.enable(njit(ns["loop"]))


def _jax_loop(step, nvar, nargs):
    """The loop around a JAX step, compiled by jax.jit."""
    vs = [f"y{i}" for i in range(nvar)]
    ps = [f"p{i}" for i in range(nargs)]
    src = f"""def loop(ts, ys, {', '.join(vs + ps)}):
    def body(i, carry):
        {', '.join(vs)}, ys = carry
        {', '.join(vs)} = step({', '.join(vs)}, ts[i], {''.join(p + ', ' for p in ps)}dt=ts[i + 1] - ts[i])
        ys = ys.at[i + 1].set({'xp.stack([' + ', '.join(vs) + '])' if nvar > 1 else vs[0]})
        return {', '.join(vs)}, ys
    ys = ys.at[0].set({'xp.stack([' + ', '.join(vs) + '])' if nvar > 1 else vs[0]})
    {', '.join(vs)}, ys = fori_loop(0, ts.shape[0] - 1, body, ({', '.join(vs)}, ys))
    return ys
"""
    import jax
    import jax.numpy as jnp
    ns = {"step": step, "xp": jnp, "fori_loop": jax.lax.fori_loop}
    exec(src, ns)
    return jax.jit(ns["loop"])


def _loop_source(nvar: int, nargs: int) -> str:
    """The Numba loop: the step called for each interval, the state written to ys."""
    vs = [f"y{i}" for i in range(nvar)]
    ps = [f"p{i}" for i in range(nargs)]
    return f"""def loop(ts, ys, {', '.join(vs + ps)}):
    {''.join(f'ys[0, {i}] = {v}; ' for i, v in enumerate(vs)) if nvar > 1 else 'ys[0] = y0'}
    for i in range(ts.shape[0] - 1):
        {', '.join(vs)} = step({', '.join(vs)}, ts[i], {''.join(p + ', ' for p in ps)}dt=ts[i + 1] - ts[i])
        {''.join(f'ys[i + 1, {i}] = {v}; ' for i, v in enumerate(vs)) if nvar > 1 else 'ys[i + 1] = y0'}
    return ys
"""
