"""Fractional differential equations: ``bp.fdeint`` and ``integrate_fde``.

The Caputo derivative of order ``0 < alpha <= 1`` of y, from t0::

    D^alpha y(t) = 1 / Gamma(1 - alpha) * integral_t0^t (t - s)^(-alpha) y'(s) ds

(``alpha = 1``: the ordinary derivative).  ``fdeint`` solves
``D^alpha y = f(y, t, params)`` with ``y(t0) = y0``, the derivative written as for
``odeint``; equivalently the Volterra equation

    y(t) = y0 + 1 / Gamma(alpha) * integral_t0^t (t - s)^(alpha - 1) f(y(s), s) ds.

The derivative has *memory*: each step depends on every earlier one, so a
step costs O(n) and a run of N steps O(N^2).  Methods, on the grid
``t_n = t0 + n dt``:

* ``gl``, Grunwald-Letnikov, explicit (Podlubny 1999, sec. 7.2; Scherer et al.
  2011)::

      y_{n+1} = y0 - sum_{j=1}^{n+1} c_j (y_{n+1-j} - y0) + dt^alpha f(y_n, t_n)
      c_0 = 1,  c_j = (1 - (1 + alpha) / j) c_{j-1}        (c_j = (-1)^j binom(alpha, j))

  Order 1.  alpha = 1: forward Euler.
* ``l1``, the L1 scheme, implicit (Oldham & Spanier 1974; Lin & Xu 2007)::

      y_{n+1} = y_n - sum_{k=1}^{n} b_k (y_{n+1-k} - y_{n-k})
                + dt^alpha Gamma(2 - alpha) f(y_{n+1}, t_{n+1})
      b_k = (k + 1)^(1 - alpha) - k^(1 - alpha)

  solved by ``NEWTON_STEPS`` Newton iterations from an explicit predictor, each
  variable's own derivative df/dy by a central difference (as exponential Euler
  does).  Order 2 - alpha for smooth solutions (y in C^2); for solutions that
  behave like t^alpha at t0, such as D^alpha y = -y, order 1 at a fixed time
  (Jin, Lazarov & Zhou 2016).  alpha = 1: backward Euler.
* ``abm``, the fractional Adams-Bashforth-Moulton predictor-corrector
  (Diethelm, Ford & Freed 2002), the product rectangle rule predicting and the
  product trapezoidal rule correcting::

      y^P_{n+1} = y0 + dt^alpha / Gamma(alpha + 1)
                       * sum_{j=0}^{n} ((n+1-j)^alpha - (n-j)^alpha) f_j
      y_{n+1}   = y0 + dt^alpha / Gamma(alpha + 2)
                       * (f(y^P_{n+1}, t_{n+1}) + sum_{j=0}^{n} a_{j,n+1} f_j)
      a_{0,n+1} = n^(alpha+1) - (n - alpha)(n+1)^alpha,
      a_{j,n+1} = (n-j+2)^(alpha+1) - 2 (n-j+1)^(alpha+1) + (n-j)^(alpha+1)   (1 <= j <= n)

  with ``f_j = f(y_j, t_j)``.  Order min(2, 1 + alpha) when D^alpha y is smooth
  (Diethelm, Ford & Freed 2004); for D^alpha y = -y (solution E_alpha(-t^alpha))
  the error at a fixed time is observed to fall as dt^(1 + alpha) as well
  (tests/test_integrators_fractional.py).  alpha = 1: a second-order
  predictor-corrector.

**Short memory** (``memory=L``, gl and l1): only the last L steps enter the
sums, so a step costs O(L) instead of O(n) (Podlubny 1999, sec. 7.3, the
"short memory principle").  The terms dropped change the fractional derivative
by at most

    |y(t - L dt) - y(t0)| * (L dt)^(-alpha) / Gamma(1 - alpha),

so an error eps needs a memory of ``L dt >= (M / (eps Gamma(1 - alpha)))^(1/alpha)``
with ``M = max |y - y0|``: the smaller alpha, the longer the memory must be (at
alpha = 0.5, M = 1, eps = 1e-3: L dt >= 3.2e5).  It pays when the solution
settles, and the run is long.  The Adams method is written in the integral
form, where the dropped part of the integral does not shrink as L grows (it
grows like t^alpha), so ``abm`` refuses a memory window.

References: I. Podlubny, *Fractional Differential Equations*, Academic Press
1999; K. Diethelm, N. J. Ford, A. D. Freed, Nonlinear Dynamics 29 (2002) 3-22
and Numer. Algorithms 36 (2004) 31-52; K. Diethelm, *The Analysis of
Fractional Differential Equations*, Springer 2010; Y. Lin, C. Xu, J. Comput.
Phys. 225 (2007) 1533-1552; B. Jin, R. Lazarov, Z. Zhou, IMA J. Numer. Anal.
36 (2016) 197-221; R. Garrappa, Mathematics 6 (2018) 16 (a survey).
"""
from __future__ import annotations

import difflib
import inspect
import math
from typing import Any, Callable, Sequence

import numpy as np

from ..math import backend
from ..math.functions import as_numpy
from .odeint import DEFAULT_DT, _exec, _namespace, check_dt, checked
from .signature import Signature, read_signature

NEWTON_STEPS = 2       # l1: Newton iterations after the explicit predictor
RELATIVE_STEP = 1e-4   # l1: central-difference step for df/dy, relative to 1 + |y|

# name: (long name, order as a text, aliases, short memory allowed)
FDE_METHODS = {
    "gl": ("explicit Grunwald-Letnikov", "1", ("grunwald_letnikov", "grunwald", "gl1"), True),
    "l1": ("implicit L1 scheme", "2 - alpha", ("caputo_l1", "l1_scheme"), True),
    "abm": ("fractional Adams-Bashforth-Moulton predictor-corrector", "1 + alpha",
            ("adams", "pece", "predictor_corrector", "adams_bashforth_moulton"), False),
}
ORDER_NOTES = {"l1": " for smooth solutions, 1 at a fixed time when y ~ t^alpha near t0"}
EVALUATIONS = {"gl": 1, "l1": 1 + 3 * NEWTON_STEPS, "abm": 2}   # of f per step, one variable
REFERENCES = {
    "gl": "I. Podlubny, Fractional Differential Equations (1999), section 7.2",
    "l1": "Y. Lin, C. Xu, J. Comput. Phys. 225 (2007) 1533-1552",
    "abm": "K. Diethelm, N. J. Ford, A. D. Freed, Nonlinear Dynamics 29 (2002) 3-22",
}


def get_fde_method(name: str) -> str:
    """The method called ``name`` (or an alias), or an error naming the valid ones."""
    if not isinstance(name, str):
        raise TypeError(f"method must be a name such as 'abm', got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    for m, (_, _, aliases, _) in FDE_METHODS.items():
        if key == m or key in aliases:
            return m
    close = difflib.get_close_matches(key, list(FDE_METHODS), n=2, cutoff=0.4)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"unknown fractional method {name!r}{hint} Valid names: "
                     f"{', '.join(FDE_METHODS)}")


def check_alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) \
            or not math.isfinite(alpha) or not 0 < alpha <= 1:
        raise ValueError(f"alpha must be a number with 0 < alpha <= 1 (the order of the "
                         f"Caputo derivative; alpha = 1 is an ordinary ODE), got {alpha!r}")
    return float(alpha)


# -- the weights ----------------------------------------------------------------------

def weights(method: str, alpha: float, n_steps: int) -> dict:
    """The convolution weights of a method for up to ``n_steps`` steps, indexed by
    how many steps back a term lies (k = n - j)."""
    a = alpha
    k = np.arange(n_steps + 1, dtype=float)
    if method == "gl":
        c = np.empty(n_steps + 2)
        c[0] = 1.0
        for j in range(1, n_steps + 2):
            c[j] = c[j - 1] * (1.0 - (1.0 + a) / j)
        return {"w": c[1:]}                                # w[k] = c_{k+1}
    if method == "l1":
        return {"w": (k + 2) ** (1 - a) - (k + 1) ** (1 - a)}   # w[k] = b_{k+1}
    # abm
    return {"wP": (k + 1) ** a - k ** a,
            "wC": (k + 2) ** (a + 1) - 2 * (k + 1) ** (a + 1) + k ** (a + 1),
            "a0": k ** (a + 1) - (k - a) * (k + 1) ** a}


def memory_sum(w, history, n, window):
    """``sum_{j = max(0, n + 1 - window)}^{n} w[n - j] * history[j]``: the part of a
    step that remembers the past (history has one row per step, j = 0, 1, ...).
    NumPy: a slice of the rows; JAX (n traced): every row, masked."""
    if isinstance(history, np.ndarray):
        lo = max(0, n + 1 - window)
        return np.tensordot(w[n - lo::-1] if n - lo >= 0 else w[:0], history[lo:n + 1], 1)
    import jax.numpy as jnp
    k = n - jnp.arange(history.shape[0])
    take = (k >= 0) & (k < window)
    return jnp.tensordot(jnp.where(take, w[jnp.clip(k, 0, w.shape[0] - 1)], 0.0), history, 1)


# -- the generated step --------------------------------------------------------------

def _head(sig: Signature, extra: list, dt_default: float) -> str:
    return ", ".join(extra + [sig.head(dt_default)])


def _lhs(names):
    return ", ".join(names)


def step_source(method: str, alpha: float, sig: Signature, name: str,
                dt_default: float) -> str:
    """The step of a fractional method for this derivative, as plain Python: it
    takes the memory sums (``memory_sum``) first, then the variables, t, the
    parameters and dt, and returns the new values (abm: and their derivatives)."""
    vs = list(sig.variables)
    n = len(vs)
    a = repr(alpha)
    pick = (lambda i: f"[{i}]") if n > 1 else (lambda i: "")
    long_name = FDE_METHODS[method][0]
    doc = f'    """One step of the {long_name} for D^alpha y = f, alpha = {a}."""'
    lines = []
    if method == "gl":
        head = _head(sig, [f"{v}_0" for v in vs] + [f"{v}_memory" for v in vs], dt_default)
        lines += [f"def {name}({head}):", doc,
                  f"    {_lhs([v + '_f' for v in vs])} = {sig.call('f')}"]
        for v in vs:
            lines.append(f"    {v}_new = {v}_0 - {v}_memory + dt ** {a} * {v}_f")
        lines.append(f"    return {_lhs([v + '_new' for v in vs])}")
    elif method == "l1":
        c = repr(math.gamma(2.0 - alpha))
        head = _head(sig, [f"{v}_memory" for v in vs], dt_default)
        lines += [f"def {name}({head}):", doc,
                  f"    c = dt ** {a} * {c}   # dt^alpha Gamma(2 - alpha)"]
        for v in vs:
            lines.append(f"    {v}_base = {v} - {v}_memory   "
                         f"# y_n - sum_k b_k (y_(n+1-k) - y_(n-k))")
        lines.append(f"    {_lhs([v + '_f' for v in vs])} = {sig.call('f')}")
        for v in vs:
            lines.append(f"    {v}_new = {v}_base + c * {v}_f   # explicit predictor")
        news = [f"{v}_new" for v in vs]
        for it in range(NEWTON_STEPS):
            lines.append(f"    # Newton iteration {it + 1} on y - base - c f(y, t + dt) = 0 "
                         f"(df/dy by a central difference)")
            lines.append(f"    {_lhs([v + '_g' for v in vs])} = {sig.call('f', news, 't + dt')}")
            for i, v in enumerate(vs):
                up = [f"{v}_new + {v}_h" if w == v else f"{w}_new" for w in vs]
                down = [f"{v}_new - {v}_h" if w == v else f"{w}_new" for w in vs]
                lines += [
                    f"    {v}_h = {RELATIVE_STEP!r} * (1.0 + xp.abs({v}_new))",
                    f"    {v}_A = ({sig.call('f', up, 't + dt')}{pick(i)} - "
                    f"{sig.call('f', down, 't + dt')}{pick(i)}) / (2.0 * {v}_h)"]
            for v in vs:
                lines.append(f"    {v}_new = {v}_new - ({v}_new - {v}_base - c * {v}_g) / "
                             f"(1.0 - c * {v}_A)")
        lines.append(f"    return {_lhs(news)}")
    else:  # abm
        head = _head(sig, [f"{v}_0" for v in vs] + [f"{v}_P" for v in vs] +
                     [f"{v}_C" for v in vs], dt_default)
        lines += [f"def {name}({head}):", doc]
        for v in vs:
            lines.append(f"    {v}_pred = {v}_0 + dt ** {a} / {math.gamma(alpha + 1)!r} * {v}_P"
                         f"   # predictor: product rectangle rule")
        preds = [f"{v}_pred" for v in vs]
        lines.append(f"    {_lhs([v + '_fp' for v in vs])} = {sig.call('f', preds, 't + dt')}")
        for v in vs:
            lines.append(f"    {v}_new = {v}_0 + dt ** {a} / {math.gamma(alpha + 2)!r} * "
                         f"({v}_C + {v}_fp)   # corrector: product trapezoidal rule")
        news = [f"{v}_new" for v in vs]
        lines.append(f"    {_lhs([v + '_fnew' for v in vs])} = {sig.call('f', news, 't + dt')}"
                     f"   # f at the new point, for later steps")
        lines.append(f"    return {_lhs(news + [v + '_fnew' for v in vs])}")
    return "\n".join(lines) + "\n"


# -- the integral ------------------------------------------------------------------------

class FDEIntegrator:
    """A fractional equation made by ``bp.fdeint``: ``integral.run(y0, t_span, args)``.

    ``show_code()`` prints what runs: the memory sum and the step.  A step
    depends on all earlier steps, so the integral runs whole intervals rather
    than single steps.
    """

    def __init__(self, f: Callable, alpha: float, method: str = "abm",
                 dt: float | None = None, memory: int | None = None, show_code: bool = False):
        self.f = f
        self.sig = read_signature(f, "derivative")
        if self.sig.has_self:
            raise TypeError(f"fdeint integrates a plain function; {f.__name__} takes self "
                            f"(write it as a function of the variables, t and parameters)")
        for v in self.sig.variables:
            for suffix in ("_0", "_memory", "_P", "_C"):
                if v + suffix in self.sig.params:
                    raise ValueError(f"the parameter {v + suffix!r} clashes with a name of "
                                     f"the generated step; rename it")
        self.alpha = check_alpha(alpha)
        self.method = get_fde_method(method)
        if dt is not None:
            check_dt(dt)
        self.dt = DEFAULT_DT if dt is None else float(dt)
        if memory is not None:
            if not FDE_METHODS[self.method][3]:
                raise ValueError(f"method {self.method!r} has no short-memory option (in its "
                                 f"integral form the dropped terms do not shrink as the "
                                 f"memory grows); use method='l1' or 'gl' with memory=..., "
                                 f"or memory=None")
            if isinstance(memory, bool) or not isinstance(memory, (int, np.integer)) \
                    or memory < 1:
                raise ValueError(f"memory must be a whole number of steps >= 1 (the "
                                 f"window of the last L steps), or None for the full "
                                 f"memory; got {memory!r}")
            memory = int(memory)
        self.memory = memory
        self.__name__ = getattr(f, "__name__", "integral")
        self._built: dict = {}
        if show_code:
            self.show_code()

    def compiled(self, mode: str) -> Callable:
        if mode not in self._built:
            name = f"{self.method}_step"
            src = step_source(self.method, self.alpha, self.sig, name, self.dt)
            ns = _namespace(mode, self.sig)
            ns["f"] = checked(self.f, self.sig, "the derivative")
            self._built[mode] = (_exec(src, name, ns, f"<braindyn fde {name}>"), src)
        return self._built[mode][0]

    @property
    def source(self) -> str:
        """The code that runs: the memory sum, then the step."""
        mode = "jax" if backend.get_backend() == "jax" else "python"
        self.compiled(mode)
        return inspect.getsource(memory_sum) + "\n" + self._built[mode][1]

    def show_code(self) -> None:
        print(f"# f = {getattr(self.f, '__qualname__', self.f)}; method {self.method!r}, "
              f"alpha = {self.alpha}, default dt = {self.dt}, memory = "
              f"{'all steps' if self.memory is None else f'the last {self.memory} steps'}")
        print(self.source)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"a fractional equation has memory, so one step needs all the "
                        f"earlier ones: run whole intervals with {self.__name__}.run(y0, "
                        f"t_span, args) or bp.integrators.integrate_fde(...)")

    def __repr__(self):
        mem = "" if self.memory is None else f", memory={self.memory}"
        return (f"<fdeint {self.__name__}: {self.method}, alpha={self.alpha}, "
                f"dt={self.dt}{mem}>")

    # -- running ---------------------------------------------------------------------
    def run(self, y0: Any, t_span: Sequence[float], args: tuple = (),
            dt: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Solve from ``t_span[0]`` (where ``y = y0`` and the memory starts) to
        ``t_span[1]`` with steps ``dt`` (default: the integral's), which must
        divide the interval.  Returns ``(ts, ys)`` as ``bp.integrate`` does."""
        dt = self.dt if dt is None else dt
        check_dt(dt)
        dt = float(dt)
        if len(t_span) != 2:
            raise ValueError(f"t_span must be (t_start, t_end), got {t_span!r}")
        t0, t1 = float(t_span[0]), float(t_span[1])
        if not t1 > t0:
            raise ValueError(f"t_span must have t_end > t_start, got {t_span!r}")
        n_steps = int(round((t1 - t0) / dt))
        if n_steps < 1 or abs(n_steps * dt - (t1 - t0)) > 1e-9 * (t1 - t0):
            good = (t1 - t0) / max(1, math.ceil((t1 - t0) / dt))
            raise ValueError(f"dt={dt!r} does not divide the interval {t1 - t0!r}: the "
                             f"weights of a fractional method need equal steps; use e.g. "
                             f"dt={good!r}")
        sig = self.sig
        nvar = len(sig.variables)
        if not isinstance(args, tuple):
            args = tuple(args) if isinstance(args, list) else (args,)
        needed = len(sig.params) - len(sig.defaults)
        if not needed <= len(args) <= len(sig.params):
            raise ValueError(f"{self.__name__}() takes the parameters {sig.params} after t; "
                             f"args gives {len(args)} value(s)")
        dtype = backend.get_dtype()
        y0 = np.asarray(as_numpy(y0), dtype=dtype)
        if nvar > 1 and (y0.ndim == 0 or y0.shape[0] != nvar):
            raise ValueError(f"{self.__name__}() has {nvar} variables {sig.variables}: give "
                             f"y0 as a sequence of {nvar} values")
        init = [y0[i] for i in range(nvar)] if nvar > 1 else [y0]
        ts = t0 + dt * np.arange(n_steps + 1)
        ts[-1] = t1
        window = n_steps + 1 if self.memory is None else self.memory
        w = weights(self.method, self.alpha, n_steps)
        if backend.get_backend() == "jax":
            ys = self._run_jax(init, ts, dt, args, w, window)
        else:
            ys = self._run_numpy(init, ts, dt, args, w, window)
        return ts, ys

    def _first_derivative(self, init, t0, args, xp):
        out = checked(self.f, self.sig, "the derivative")(*init, t0, *args)
        out = tuple(out) if len(init) > 1 else (out,)
        return [xp.broadcast_to(xp.asarray(o, dtype=backend.get_dtype()), np.shape(i))
                for o, i in zip(out, init)]

    def _run_numpy(self, init, ts, dt, args, w, window):
        step = self.compiled("python")
        nvar, n_steps, shape = len(init), len(ts) - 1, np.shape(init[0])
        hist = [np.zeros((n_steps + 1,) + shape, dtype=backend.get_dtype()) for _ in init]
        state = [np.array(x) for x in init]
        if self.method == "abm":
            for h, d in zip(hist, self._first_derivative(state, ts[0], args, np)):
                h[0] = d
        ys = np.empty((n_steps + 1,) + ((nvar,) if nvar > 1 else ()) + shape,
                      dtype=backend.get_dtype())
        ys[0] = np.stack(state) if nvar > 1 else state[0]
        for n in range(n_steps):
            new, hist_new = self._advance(step, state, init, hist, n, ts[n], dt, args, w,
                                          window)
            for h, i_new in zip(hist, hist_new):
                h[n + 1] = i_new
            state = new
            ys[n + 1] = np.stack(state) if nvar > 1 else state[0]
        return ys

    def _advance(self, step, state, init, hist, n, t, dt, args, w, window):
        """One step: the memory sums, then the generated step.  Returns the new
        values and what the history stores for them."""
        nvar = len(state)
        if self.method == "gl":
            mem = [memory_sum(w["w"], h, n, window) for h in hist]       # h: y_j - y0
            out = step(*init, *mem, *state, t, *args, dt=dt)
            new = list(out) if nvar > 1 else [out]
            return new, [x - x0 for x, x0 in zip(new, init)]
        if self.method == "l1":
            mem = [memory_sum(w["w"], h, n, window) for h in hist]       # h: y_j - y_(j-1)
            out = step(*mem, *state, t, *args, dt=dt)
            new = list(out) if nvar > 1 else [out]
            return new, [x - x_old for x, x_old in zip(new, state)]
        P = [memory_sum(w["wP"], h, n, window) for h in hist]            # h: f_j
        C = [memory_sum(w["wC"], h, n, window) + (w["a0"][n] - w["wC"][n]) * h[0]
             for h in hist]
        out = step(*init, *P, *C, *state, t, *args, dt=dt)
        return list(out[:nvar]), list(out[nvar:])

    def _run_jax(self, init, ts, dt, args, w, window):
        import jax
        import jax.numpy as jnp
        step = self.compiled("jax")
        dtype = backend.get_dtype()
        nvar, n_steps, shape = len(init), len(ts) - 1, np.shape(init[0])
        init = [jnp.asarray(x, dtype=dtype) for x in init]
        hist = [jnp.zeros((n_steps + 1,) + shape, dtype=dtype) for _ in init]
        if self.method == "abm":
            hist = [h.at[0].set(d) for h, d in
                    zip(hist, self._first_derivative(init, ts[0], args, jnp))]
        ys = jnp.zeros((n_steps + 1,) + ((nvar,) if nvar > 1 else ()) + shape, dtype=dtype)
        ys = ys.at[0].set(jnp.stack(init) if nvar > 1 else init[0])
        w = {k: jnp.asarray(v) for k, v in w.items()}

        def run(ts, dt, init, hist, ys, args, w):
            def body(n, carry):
                state, hist, ys = carry
                new, hist_new = self._advance(step, list(state), init, hist, n, ts[n], dt,
                                              args, w, window)
                new = tuple(jnp.asarray(x, dtype=dtype) for x in new)
                hist = tuple(h.at[n + 1].set(x) for h, x in zip(hist, hist_new))
                ys = ys.at[n + 1].set(jnp.stack(new) if nvar > 1 else new[0])
                return new, hist, ys
            return jax.lax.fori_loop(0, n_steps, body, (tuple(init), tuple(hist), ys))[2]

        out = jax.jit(run)(jnp.asarray(ts), dt, tuple(init), tuple(hist), ys,
                           tuple(jnp.asarray(a) for a in args), w)
        return np.asarray(out)


def fdeint(f: Callable | None = None, alpha: float | None = None, method: str = "abm",
           dt: float | None = None, memory: int | None = None, show_code: bool = False):
    """Make the solver of a Caputo fractional equation ``D^alpha y = f(y, t, params)``.

    ``f(x, y, ..., t, p1, ...)`` is written as for ``odeint``.  Use as
    ``fdeint(f, alpha=0.8)`` or ``@fdeint(alpha=0.8, method='l1', dt=0.01)``; then
    ``ts, ys = integral.run(y0, (t0, t1), args=(p1, ...))``.

    Parameters
    ----------
    alpha : the order, 0 < alpha <= 1 (alpha = 1 is the ODE)
    method : 'abm' (Adams-Bashforth-Moulton, order 1 + alpha), 'l1' (implicit L1
        scheme, order 2 - alpha for smooth solutions) or 'gl' (explicit
        Grunwald-Letnikov, order 1); see the module docstring
    dt : default step size (0.1 if not given); it must divide the interval run
    memory : None (every step remembered, exact) or L: only the last L steps
        (gl and l1; the short memory principle): a step then costs O(L) instead
        of O(n), and the fractional derivative is off by at most
        |y(t - L dt) - y0| (L dt)^(-alpha) / Gamma(1 - alpha)
    show_code : print the code that runs
    """
    if f is None:
        return lambda func: fdeint(func, alpha, method, dt, memory, show_code)
    if isinstance(f, (int, float)) and not callable(f):
        raise TypeError(f"fdeint's first argument is the derivative function; write "
                        f"fdeint(f, alpha={f!r}) or @fdeint(alpha={f!r})")
    if alpha is None:
        raise TypeError("fdeint needs the order alpha of the derivative: "
                        "fdeint(f, alpha=0.8), with 0 < alpha <= 1")
    return FDEIntegrator(f, alpha, method, dt, memory, show_code)


def integrate_fde(f: Callable, alpha: float, y0: Any, t_span: Sequence[float],
                  dt: float = DEFAULT_DT, method: str = "abm", args: tuple = (),
                  memory: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``D^alpha y = f(y, t, *args)``, ``y(t_span[0]) = y0`` (Caputo) in one
    call, for lessons: ``fdeint(f, alpha, method, dt, memory).run(y0, t_span, args)``.
    Returns ``(ts, ys)`` as ``bp.integrate`` does."""
    integral = f if isinstance(f, FDEIntegrator) else \
        fdeint(f, alpha, method=method, dt=dt, memory=memory)
    return integral.run(y0, t_span, args, dt=dt)
