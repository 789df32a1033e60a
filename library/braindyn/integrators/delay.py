"""Delay differential equations: ``bp.ddeint``, ``Delay`` and ``integrate_dde``.

A delay differential equation (DDE) lets the derivative read the *past* of a
variable::

    dy/dt = f(y(t), y(t - tau), t, params),     y(t) = phi(t) for t <= t0

``phi`` is the history.  The derivative is written as for ``odeint``
(variables, then ``t``, then parameters); the past of a variable ``y`` comes in
as one more parameter, a ``Delay`` object named ``y_delay``, called with the
lagged time::

    @bp.ddeint(method='rk4', dt=0.01)
    def f(y, t, tau, y_delay):
        return -y_delay(t - tau)

    ts, ys = bp.integrators.integrate_dde(f, history=1.0, t_span=(0., 5.), dt=0.01,
                                          args=(1.0,))      # tau = 1; y_delay is filled in

Method: the method of steps with the fixed-step explicit Runge-Kutta tableaus
of ``runge_kutta.py`` (Bellen & Zennaro, ch. 3-5).  Each step first evaluates
``k1 = f(y_n, t_n, ...)`` and records ``(t_n, y_n, k1)`` in the delay; a lagged
value between two recorded steps is the cubic Hermite interpolant of the two
values and the two slopes (the *dense output*)::

    y(t_j + theta dt) ~ h00 y_j + h10 dt y'_j + h01 y_{j+1} + h11 dt y'_{j+1}
    h00 = (1 + 2 theta)(1 - theta)^2   h10 = theta (1 - theta)^2
    h01 = theta^2 (3 - 2 theta)        h11 = theta^2 (theta - 1)

Its error is O(dt^4) (O(dt^p) when the stored values carry a method's O(dt^p)
error), so a method of order p keeps order min(p, 4) = p for every tableau of
``runge_kutta.py`` (all have p <= 4), as long as the derivative jumps of the
solution (at t0 + k tau for a constant lag) fall on the grid: choose dt so that
tau / dt is a whole number.  For t < t0 the delay returns the history.

Every lag must be at least dt (the stages of a step may only read the past
up to the start of the step): ``dt <= min(tau)``.  A shorter lag is refused
with a message saying so.

``ddeint`` writes the step as plain Python text from the tableau, as
``odeint`` does, with one line more after the first stage::

    def rk4_step(y, t, tau, y_delay, dt=0.01):
        y_k1 = f(y, t, tau, y_delay)
        y_delay.record(t, y, y_k1)   # the past of y now reaches t: value and slope
        y_k2 = f(y + dt * (1/2 * y_k1), t + 1/2 * dt, tau, y_delay)
        ...

References: A. Bellen, M. Zennaro, *Numerical Methods for Delay Differential
Equations*, Oxford 2003 (method of steps, continuous extensions); L. F.
Shampine, S. Thompson, Solving DDEs in MATLAB, Appl. Numer. Math. 37 (2001)
441-458 (cubic Hermite dense output); M. C. Mackey, L. Glass, Science 197 (1977)
287-289 (the Mackey-Glass equation).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..math import backend
from ..math.functions import as_numpy
from . import codegen, registry
from .odeint import Integrator, _exec, _namespace, check_dt, checked
from .signature import Signature

JIT_REFUSAL = (
    "a delay differential equation (bp.ddeint) cannot be compiled into a model run with "
    "jit=True or bm.jit yet: its Delay keeps the past in a Python object that compiled "
    "code cannot update. Run the model with jit=False, or integrate the equation with "
    "bp.integrators.integrate_dde(f, history, t_span, dt, method, args), which compiles "
    "its whole loop on the JAX backend (bm.use_backend('jax')).")

_TOL = 1e-6   # how far (in steps) a time may miss the grid through rounding


def _is_tracer(x) -> bool:
    if not type(x).__module__.startswith(("jax", "jaxlib")):
        return False
    import jax
    return isinstance(x, jax.core.Tracer)


class Delay:
    """The past of one variable of a delay equation: call it with a time.

    ``y_delay(t_lag)`` is ``history(t_lag)`` for ``t_lag < t0`` and, after that,
    the cubic Hermite interpolant of the steps recorded so far (see the module
    docstring).  ``t_lag`` may be a number or an array shaped like the variable
    (one lag per element, e.g. per neuron).

    Parameters
    ----------
    history : the values before t0: a number, an array shaped like the
        variable, or a function ``history(t)`` of the time (called with numbers
        or arrays of times; written with ``bm`` functions so it runs on JAX too)
    dt : the step size of the integral that fills the delay (the grid
        ``t0 + k dt`` on which values are recorded)
    max_delay : the longest lag that will be asked for; the delay keeps
        ``ceil(max_delay / dt) + 2`` steps (a ring buffer)
    t0 : where the history ends and the integration starts
    shape : the variable's shape (default: the shape of ``history(t0)``)

    ``integrate_dde`` makes and fills the delays itself; make one by hand only
    to take steps one at a time::

        y_delay = bp.integrators.Delay(history=1.0, dt=0.01, max_delay=1.0)
        y, t = 1.0, 0.0
        for _ in range(500):
            y = integral(y, t, 1.0, y_delay, dt=0.01)    # records into y_delay
            t += 0.01
    """

    def __init__(self, history: Any, dt: float, max_delay: float, t0: float = 0.0,
                 shape: tuple | None = None):
        check_dt(dt)
        if isinstance(max_delay, bool) or not isinstance(max_delay, (int, float, np.number)) \
                or not math.isfinite(max_delay) or max_delay <= 0:
            raise ValueError(f"max_delay must be a finite positive number: the longest lag "
                             f"the derivative reads, e.g. max_delay=tau; got {max_delay!r}")
        if isinstance(t0, bool) or not isinstance(t0, (int, float, np.number)) \
                or not math.isfinite(t0):
            raise ValueError(f"t0 must be a finite number (the start time), got {t0!r}")
        self.history = history
        self.t0, self.dt, self.max_delay = float(t0), float(dt), float(max_delay)
        self.jax = backend.get_backend() == "jax"
        first = self._history(self.t0) if callable(history) else history
        try:
            first = np.asarray(as_numpy(first), dtype=float)
        except (TypeError, ValueError) as err:
            raise TypeError(f"history must be a number, an array or a function of t "
                            f"returning one; got {history!r}") from err
        self.shape = tuple(first.shape) if shape is None else tuple(shape)
        if shape is not None:
            try:
                ok = np.broadcast_shapes(first.shape, self.shape) == self.shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"history gives values of shape {first.shape}, but the "
                                 f"variable has shape {self.shape}: return one value per "
                                 f"element of the variable (or one number for all)")
        self.length = int(math.ceil(self.max_delay / self.dt - _TOL)) + 2
        self._in_loop = False
        self.reset()

    # -- the state: values, slopes and the last recorded step --------------------
    def reset(self) -> None:
        """Forget the recorded steps (back to the history alone)."""
        xp = self._xp()
        dtype = backend.get_dtype()
        self._ys = xp.zeros((self.length,) + self.shape, dtype=dtype)
        self._dys = xp.zeros((self.length,) + self.shape, dtype=dtype)
        self._last = -1          # index k of the last recorded step t0 + k dt; -1: none

    def _state(self) -> tuple:
        return self._ys, self._dys, self._last

    def _set_state(self, ys, dys, last) -> None:
        self._ys, self._dys, self._last = ys, dys, last

    def _xp(self):
        if self.jax:
            import jax.numpy as jnp
            return jnp
        return np

    def _history(self, t):
        h = self.history
        return h(t) if callable(h) else h

    # -- recording ------------------------------------------------------------------
    def record(self, t, y, dy) -> None:
        """Store the value ``y`` and slope ``dy`` of the variable at time ``t``
        (a point ``t0 + k dt`` of the grid).  The integral calls this at the start
        of every step; steps must follow one another (a step may be taken again
        from an earlier time, which forgets what came after it)."""
        xp = self._xp()
        traced = _is_tracer(t) or _is_tracer(y) or _is_tracer(dy) or _is_tracer(self._ys)
        if traced and not self._in_loop:
            raise TypeError(JIT_REFUSAL)
        s = (t - self.t0) / self.dt
        if traced or (self.jax and not isinstance(s, (int, float, np.number))):
            k = xp.round(s).astype(int)
        else:
            k = int(round(float(s)))
            if abs(float(s) - k) > _TOL:
                raise ValueError(f"the step starts at t={float(t)!r}, which is not on the "
                                 f"delay's grid t0 + k*dt (t0={self.t0}, dt={self.dt}): call "
                                 f"the integral with the delay's dt")
            if k < 0:
                raise ValueError(f"the step starts at t={float(t)!r}, before the delay's "
                                 f"t0={self.t0}: start at t0, or make the Delay with t0=...")
            if k > self._last + 1 or (self._last < 0 and k != 0):
                expected = self.t0 + (self._last + 1) * self.dt
                raise ValueError(f"the step starts at t={float(t)!r}, but the delay's past "
                                 f"ends at t={expected - self.dt if self._last >= 0 else self.t0!r}"
                                 f": take the steps one after another from t0={self.t0} "
                                 f"(next: t={expected!r}), without gaps")
        for what, v in (("value", y), ("slope", dy)):
            try:
                ok = np.broadcast_shapes(np.shape(v), self.shape) == self.shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"the variable's {what} has shape {np.shape(v)}, but the "
                                 f"Delay was made for shape {self.shape}: make it with "
                                 f"shape={np.shape(v)} (and a history of that shape)")
        y = xp.broadcast_to(xp.asarray(y, dtype=self._ys.dtype), self.shape)
        dy = xp.broadcast_to(xp.asarray(dy, dtype=self._ys.dtype), self.shape)
        slot = k % self.length
        if xp is np:
            self._ys[slot] = y
            self._dys[slot] = dy
        else:
            ys, dys = self._ys.at[slot].set(y), self._dys.at[slot].set(dy)
            if _is_tracer(ys) and not self._in_loop:   # inside someone's jax.jit
                raise TypeError(JIT_REFUSAL)
            self._ys, self._dys = ys, dys
        self._last = k

    # -- reading ----------------------------------------------------------------------
    def __call__(self, t: Any) -> Any:
        """The variable's value at time ``t`` (a number, or an array shaped like the
        variable): the history before t0, the Hermite dense output after."""
        xp = self._xp()
        t = xp.asarray(t, dtype=self._ys.dtype) if not isinstance(t, (int, float)) else t
        s = (t - self.t0) / self.dt
        last, n = self._last, self.length
        concrete = not (_is_tracer(s) or _is_tracer(last) or _is_tracer(self._ys))
        if concrete:   # checked here, in Python; compiled, a bad lag gives NaN (below)
            s_np = np.asarray(as_numpy(s))
            self._check(s_np, int(last))
            any_past = bool((s_np < 0.0).any())
        lo = xp.maximum(last - n + 1, 0)
        hi = xp.maximum(last - 1, 0)
        j = xp.clip(xp.floor(s), lo, hi)
        theta = xp.clip(s - j, 0.0, 1.0)
        j = j.astype(int) if hasattr(j, "astype") else int(j)
        i0, i1 = j % n, (j + 1) % n
        y0, y1 = self._take(self._ys, i0, t), self._take(self._ys, i1, t)
        d0, d1 = self._take(self._dys, i0, t), self._take(self._dys, i1, t)
        one = 1.0 - theta
        h = self.dt
        value = ((1.0 + 2.0 * theta) * one * one * y0 + theta * one * one * h * d0
                 + theta * theta * (3.0 - 2.0 * theta) * y1 - theta * theta * one * h * d1)
        past = s < 0.0
        if not concrete or any_past:
            value = xp.where(past, xp.asarray(self._history(t), dtype=self._ys.dtype), value)
        if not concrete:
            bad = xp.logical_not(past) & ((s > last + _TOL) | (s < last - n + 1 - _TOL))
            value = xp.where(bad, xp.nan, value)
        return value

    def _take(self, buf, index, t):
        xp = self._xp()
        if np.ndim(t) == 0 or len(self.shape) == 0:
            return buf[index]
        index = xp.broadcast_to(index, self.shape)
        return xp.take_along_axis(buf, index[None], axis=0)[0]

    def _check(self, s: np.ndarray, last: int) -> None:
        after = s[s >= 0.0]
        if after.size == 0:
            return
        if after.max() > last + _TOL:
            t_lag = self.t0 + float(after.max()) * self.dt
            known = self.t0 + last * self.dt
            if last < 0:
                raise ValueError(
                    f"the derivative asked for the past at t={t_lag!r}, after the history "
                    f"ends (t0={self.t0}) and before any step: every lag must be at least "
                    f"the step dt={self.dt}; choose dt <= the smallest lag")
            raise ValueError(
                f"the derivative asked for the past at t={t_lag!r}, but it is known only "
                f"up to t={known!r}: a lag is shorter than the step dt={self.dt}. Choose dt "
                f"<= the smallest lag (and, for full accuracy, a dt that divides it)")
        if after.min() < last - self.length + 1 - _TOL:
            t_lag = self.t0 + float(after.min()) * self.dt
            kept = self.t0 + (last - self.length + 1) * self.dt
            raise ValueError(
                f"the derivative asked for the past at t={t_lag!r}, but this Delay keeps it "
                f"only back to t={kept!r} (max_delay={self.max_delay}): make the Delay "
                f"with max_delay >= the longest lag")

    def __repr__(self):
        return (f"<Delay of shape {self.shape}: history before t0={self.t0}, dt={self.dt}, "
                f"max_delay={self.max_delay}>")


# -- the integral ------------------------------------------------------------------------

def delay_parameters(sig: Signature, delays: dict | None) -> dict:
    """{parameter name: variable name} of the derivative's delay parameters."""
    if delays is None:
        found = {p: p[:-len("_delay")] for p in sig.params
                 if p.endswith("_delay") and p[:-len("_delay")] in sig.variables}
        if not found:
            v = sig.variables[0]
            raise ValueError(
                f"the derivative ({', '.join(sig.variables + ('t',) + sig.params)}) has no "
                f"delay parameter: add a parameter named {v}_delay after t (it receives the "
                f"past of {v}; read it as {v}_delay(t - tau)), or name yours with "
                f"delays={{'your_name': '{v}'}}. Without delays, use bp.odeint")
        return found
    if not isinstance(delays, dict) or not delays:
        raise TypeError(f"delays must be a dict {{parameter name: variable name}}, e.g. "
                        f"delays={{'past': 'y'}}; got {delays!r}")
    for p, v in delays.items():
        if p not in sig.params:
            raise ValueError(f"delays names the parameter {p!r}, but the derivative's "
                             f"parameters after t are {sig.params}")
        if v not in sig.variables:
            raise ValueError(f"delays maps {p!r} to {v!r}, which is not a variable; the "
                             f"variables are {sig.variables}")
    return dict(delays)


def dde_step_source(tab, sig: Signature, name: str, dt_default: float, delays: dict) -> str:
    """Source of one fixed step of a delay equation: the Runge-Kutta step of
    ``codegen``, recording each delayed variable's value and slope once ``k1``
    is known."""
    lines = [f"def {name}({sig.head(dt_default)}):",
             f'    """One step of {tab.long_name} (order {tab.order}) for a delay '
             f'equation."""']
    stages = codegen.stage_lines(tab, sig)
    lines.append(stages[0])
    for p, v in delays.items():
        lines.append(f"    {p}.record(t, {v}, {v}_k1)   # the past of {v} now reaches t: "
                     f"value and slope")
    lines += stages[1:]
    news = []
    for v in sig.variables:
        comb = codegen.linear_combination(tab.b, [f"{v}_k{j + 1}" for j in range(tab.stages)])
        lines.append(f"    {v}_new = {v} + dt * {codegen._group(comb)}")
        news.append(f"{v}_new")
    lines.append(f"    return {', '.join(news)}")
    return "\n".join(lines) + "\n"


FIXED_STEP_NAMES = tuple(tab.name for tab in registry.runge_kutta.FIXED_STEP)


class DDEIntegrator(Integrator):
    """An integral made by ``bp.ddeint``: one step of a delay equation.

    ``y1 = integral(y0, t, *params, dt=...)`` with the ``Delay`` objects among the
    parameters; the step records into them.  ``show_code()`` prints the step.
    Runs as Python on NumPy and traces with JAX (``integrate_dde`` compiles its
    loop on the JAX backend); it cannot be compiled by Numba (see JIT_REFUSAL).
    """

    def __init__(self, f: Callable, method: str = "euler", dt: float | None = None,
                 delays: dict | None = None, show_code: bool = False):
        super().__init__(f, method, dt)
        if self.info.name not in FIXED_STEP_NAMES:
            raise ValueError(f"ddeint runs the fixed-step Runge-Kutta methods; "
                             f"{self.info.name!r} is not one of them. Choose one of "
                             f"{', '.join(FIXED_STEP_NAMES)}")
        self.delays = delay_parameters(self.sig, delays)
        if show_code:
            self.show_code()

    def build(self, mode: str, f: Callable | None = None, sig: Signature | None = None,
              g: Callable | None = None, cache_dir=None, name: str | None = None):
        if mode == "numba":
            raise TypeError(JIT_REFUSAL)
        sig = sig or self.sig
        fname = f"{self.method}_step"
        source = dde_step_source(self.info.tableau, sig, fname, self.dt, self.delays)
        ns = _namespace(mode, sig)
        ns["f"] = checked(f or self.f, sig, "the derivative")
        return _exec(source, fname, ns, f"<braindyn dde {fname}>"), source

    def __repr__(self):
        return f"<ddeint {self.__name__}: {self.method}, dt={self.dt}>"


def ddeint(f: Callable | None = None, method: str = "euler", dt: float | None = None,
           delays: dict | None = None, show_code: bool = False):
    """Make the integral of a delay differential equation (method of steps).

    ``f(y, ..., t, p1, ..., y_delay, ...)`` returns the derivatives, as for
    ``odeint``; a parameter named ``<variable>_delay`` receives that variable's
    past, a ``Delay``: ``y_delay(t - tau)`` is ``y`` at the lagged time (history
    before t0, cubic Hermite dense output after).  Use as ``ddeint(f, ...)``,
    ``@ddeint`` or ``@ddeint(method='rk4', dt=0.01)``.

    Parameters
    ----------
    method : a fixed-step Runge-Kutta method of ``bp.integrators.methods()``
        (euler, heun2, rk2, rk3, rk4, ...); order min(p, 4) = p with dt dividing
        the lag (module docstring)
    dt : default step size (0.1 if not given); every lag must be >= dt
    delays : {parameter name: variable name}, to name delay parameters other
        than ``<variable>_delay``
    show_code : print the generated step code

    The integral takes one step, ``y1 = integral(y0, t, *params, dt=dt)``, with a
    ``bp.integrators.Delay`` passed for each delay parameter;
    ``bp.integrators.integrate_dde`` makes the delays and runs the whole interval.
    Models: run with ``jit=False`` (compiled models cannot hold a Delay yet).
    """
    if f is None:
        return lambda func: DDEIntegrator(func, method, dt, delays, show_code)
    if isinstance(f, str):
        raise TypeError(f"ddeint's first argument is the derivative function; to choose "
                        f"a method write ddeint(method={f!r})")
    return DDEIntegrator(f, method, dt, delays, show_code)


# -- the driver ------------------------------------------------------------------------

_integrals: dict = {}


def _integral(f, method, delays) -> DDEIntegrator:
    key = (f, method, None if delays is None else tuple(sorted(delays.items())))
    if key not in _integrals:
        if len(_integrals) > 256:
            _integrals.clear()
        _integrals[key] = ddeint(f, method=method, delays=delays)
    return _integrals[key]


def integrate_dde(f: Callable, history: Any, t_span: Sequence[float], dt: float = 0.1,
                  method: str = "rk4", args: tuple = (), y0: Any = None,
                  delays: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Integrate a delay equation ``f`` (written as for ``ddeint``) over ``t_span``.

    Parameters
    ----------
    f : the derivative, or an integral made by ``bp.ddeint``
    history : the values before ``t_span[0]``: for one variable a number, an
        array or a function ``history(t)``; for several, a sequence with one
        such entry per variable.  It also gives the initial values
        ``history(t0)`` unless ``y0`` is given.
    t_span : (t_start, t_end)
    dt : step size; every lag must be >= dt, and a dt dividing the lags keeps
        the method's order
    method : a fixed-step Runge-Kutta method (default 'rk4')
    args : the parameters after t *except* the delay parameters, which are
        filled in with ``Delay`` objects made here
    y0 : initial values when they differ from history(t0) (a jump at t0)

    Returns ``(ts, ys)`` as NumPy arrays, as ``bp.integrate``: ``ts[0] = t_start``,
    ``ts[-1] = t_end`` and ``ys.shape == (len(ts),) + np.shape(y0)`` (with a
    leading axis for the variables when there are several).  On the NumPy
    backend the steps run as Python; on the JAX backend the whole loop is one
    compiled ``lax.fori_loop``.
    """
    check_dt(dt)
    if len(t_span) != 2:
        raise ValueError(f"t_span must be (t_start, t_end), got {t_span!r}")
    t0, t1 = float(t_span[0]), float(t_span[1])
    if not t1 > t0:
        raise ValueError(f"t_span must have t_end > t_start, got {t_span!r}")
    integral = f if isinstance(f, DDEIntegrator) else _integral(f, method, delays)
    sig = integral.sig
    if sig.has_self:
        raise TypeError(f"{integral.__name__} is a method (it takes self); integrate_dde "
                        f"needs a plain function")
    nvar = len(sig.variables)
    if nvar > 1:
        if not isinstance(history, (list, tuple)) or len(history) != nvar:
            raise ValueError(f"{integral.__name__}() has {nvar} variables {sig.variables}: "
                             f"give history as a sequence of {nvar} entries (a number, "
                             f"array or function of t each)")
        histories = list(history)
    else:
        histories = [history]

    dtype = backend.get_dtype()

    def start(h):
        v = h(t0) if callable(h) else h
        return np.asarray(as_numpy(v), dtype=dtype)

    if y0 is None:
        init = [start(h) for h in histories]
    else:
        y0 = np.asarray(as_numpy(y0), dtype=dtype)
        if nvar > 1 and (y0.ndim == 0 or y0.shape[0] != nvar):
            raise ValueError(f"{integral.__name__}() has {nvar} variables: give y0 as a "
                             f"sequence of {nvar} values")
        init = [y0[i] for i in range(nvar)] if nvar > 1 else [y0]
    shapes = {np.shape(x) for x in init}
    if len(shapes) > 1:
        raise ValueError(f"the initial values have different shapes {sorted(shapes)}: "
                         f"give every variable the same shape")
    shape = shapes.pop()

    n = int(np.ceil((t1 - t0) / dt - 1e-9))
    ts = t0 + dt * np.arange(n + 1)
    ts[-1] = t1
    made = {}
    for p, v in integral.delays.items():
        made[p] = Delay(histories[sig.variables.index(v)], dt, max_delay=(n + 1) * dt,
                        t0=t0, shape=shape)
    params = _assemble(integral, args, made)

    if backend.get_backend() == "jax":
        ys = _jax_loop(integral, init, ts, params, made, nvar)
        if not np.all(np.isfinite(ys)):
            i = int(np.argmax(~np.isfinite(ys.reshape(len(ts), -1)).all(axis=1)))
            raise ValueError(
                f"the solution became NaN or infinite at t={float(ts[i])!r}: it diverged (try a "
                f"smaller dt), or a lag was shorter than dt (choose dt <= the smallest "
                f"lag); the NumPy backend names the cause")
        return ts, ys
    state = tuple(np.array(x) for x in init)
    ys = np.empty((n + 1,) + ((nvar,) if nvar > 1 else ()) + shape, dtype=dtype)
    ys[0] = np.stack(state) if nvar > 1 else state[0]
    for i in range(n):
        out = integral(*state, ts[i], *params, dt=ts[i + 1] - ts[i])
        state = tuple(out) if nvar > 1 else (out,)
        ys[i + 1] = np.stack([as_numpy(s) for s in state]) if nvar > 1 else as_numpy(state[0])
    return ts, ys


def _assemble(integral: DDEIntegrator, args, made: dict) -> list:
    """The parameters after t: the Delay objects in their places, ``args`` in the others."""
    sig = integral.sig
    if not isinstance(args, tuple):
        args = tuple(args) if isinstance(args, list) else (args,)
    others = [p for p in sig.params if p not in made]
    needed = [p for p in others if p not in sig.defaults]
    if not len(needed) <= len(args) <= len(others):
        raise ValueError(f"{integral.__name__}() takes the parameters {tuple(others)} after "
                         f"t besides its delays {tuple(made)}; args gives {len(args)} "
                         f"value(s): give {len(needed)}" +
                         (f" to {len(others)}" if len(others) > len(needed) else ""))
    given = dict(zip(others, args))
    last = max([sig.params.index(p) for p in made] + [sig.params.index(p) for p in given])
    out = []
    for p in sig.params[:last + 1]:
        if p in made:
            out.append(made[p])
        elif p in given:
            out.append(given[p])
        else:
            out.append(sig.defaults[p])
    return out


def _jax_loop(integral, init, ts, params, made, nvar):
    import jax
    import jax.numpy as jnp
    step = integral.compiled("jax")
    delays = list(made.values())
    where = [i for i, p in enumerate(params) if isinstance(p, Delay)]
    values = [p for p in params if not isinstance(p, Delay)]

    def run(ts, state, values, bufs, out):
        def body(i, carry):
            state, bufs, out = carry
            for d, b in zip(delays, bufs):
                d._set_state(*b)
            vals = iter(values)
            full = [params[k] if k in where else next(vals) for k in range(len(params))]
            new = step(*state, ts[i], *full, dt=ts[i + 1] - ts[i])
            new = tuple(new) if nvar > 1 else (new,)
            new = tuple(jnp.asarray(x, dtype=s.dtype) for x, s in zip(new, state))
            bufs = tuple(d._state() for d in delays)
            out = out.at[i + 1].set(jnp.stack(new) if nvar > 1 else new[0])
            return new, bufs, out
        _, _, out = jax.lax.fori_loop(0, ts.shape[0] - 1, body, (state, bufs, out))
        return out

    dtype = backend.get_dtype()
    state = tuple(jnp.asarray(x, dtype=dtype) for x in init)
    out = jnp.zeros((len(ts),) + ((nvar,) if nvar > 1 else ()) + np.shape(init[0]),
                    dtype=dtype)
    out = out.at[0].set(jnp.stack(state) if nvar > 1 else state[0])
    bufs = tuple((d._ys, d._dys, jnp.asarray(d._last)) for d in delays)
    for d in delays:
        d._in_loop = True
    try:
        result = jax.jit(run)(jnp.asarray(ts), state, [jnp.asarray(v) for v in values],
                              bufs, out)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError) as err:
        raise TypeError(f"on the JAX backend integrate_dde compiles the whole loop, so the "
                        f"derivative and the history must compute with bm functions "
                        f"(bm.cos, not np.cos) and without Python if on the values "
                        f"(bm.where); JAX said: {str(err).splitlines()[0]}") from err
    finally:
        for d in delays:
            d._in_loop = False
            d.reset()
    return np.asarray(result)
