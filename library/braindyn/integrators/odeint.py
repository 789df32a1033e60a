"""``bp.odeint`` and ``bp.sdeint``: turn a derivative function into an integral.

The integral keeps the derivative's signature, plus a keyword ``dt``, and
returns the values one step later::

    @bp.odeint(method='rk4', dt=0.01)
    def integral(x, y, t, p1, p2):
        return dx, dy

    x1, y1 = integral(x0, y0, t, p1, p2)            # one step of dt = 0.01
    x1, y1 = integral(x0, y0, t, p1, p2, dt=0.05)   # or any other step

Contract for anyone adding a method (see ``registry.py``):

1. Describe it as data: a ``ButcherTableau`` (``runge_kutta.py`` for fixed
   step, ``adaptive.py`` for embedded pairs) or, for other families, a
   source generator that returns plain Python text.
2. The generated code uses only arithmetic, calls of ``f`` (and ``g``), and
   the names ``xp`` (the backend's array module), ``phi1``, ``noise`` and
   ``while_loop`` that ``make_step`` provides.  Then the same text runs as
   Python, compiles with Numba and traces with JAX.
3. Register the name in ``registry.METHODS``; the tests in
   ``tests/test_integrators_*.py`` pick it up and measure its order.
"""
from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np

from ..math import backend
from . import codegen, exponential, linear_part, registry, rewrite, sde, step_size
from .signature import Signature, read_signature

DEFAULT_DT = 0.1  # used when neither the call nor the decorator gives dt


def check_dt(dt: Any) -> None:
    """A step size must be a finite positive number; say so otherwise."""
    if isinstance(dt, (bool, np.bool_)):
        raise TypeError(f"dt must be a number, got {dt!r}")
    if isinstance(dt, (int, float, np.integer, np.floating)) or \
            (isinstance(dt, np.ndarray) and dt.shape == ()):
        if not math.isfinite(float(dt)) or float(dt) <= 0:
            raise ValueError(f"dt must be a finite positive number (a step size in the "
                             f"units of t, e.g. dt=0.01), got {dt!r}")
    elif isinstance(dt, (str, list, tuple, dict)) or dt is None:
        raise TypeError(f"dt must be a number, got {type(dt).__name__} {dt!r}")


def check_tol(tol: Any) -> float:
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating)) \
            or not math.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a finite positive number such as 1e-6, got {tol!r}")
    return float(tol)


def checked(f: Callable, sig: Signature, role: str) -> Callable:
    """Wrap the user's derivative so a wrong number or shape of returned values
    is reported clearly (Python and JAX modes; compiled Numba code runs raw)."""
    n = len(sig.variables)
    off = 1 if sig.has_self else 0

    @functools.wraps(f)
    def call(*args):
        out = f(*args)
        outs = out if n > 1 else (out,)
        if n > 1 and (not isinstance(out, (tuple, list)) or len(out) != n):
            got = len(out) if isinstance(out, (tuple, list)) else "1 value (not a tuple)"
            raise ValueError(f"{role} {f.__name__}() returned {got} values, but it has {n} "
                             f"variables ({', '.join(sig.variables)}): return one "
                             f"derivative per variable, in that order")
        if n == 1 and isinstance(out, (tuple, list)):
            raise ValueError(f"{role} {f.__name__}() returned {len(out)} values, but it "
                             f"has one variable ({sig.variables[0]}): return a single "
                             f"derivative")
        for name, x, dx in zip(sig.variables, args[off:off + n], outs):
            xs, ds = np.shape(x), np.shape(dx)
            if ds != xs:
                try:
                    ok = np.broadcast_shapes(xs, ds) == xs
                except ValueError:
                    ok = False
                if not ok:
                    raise ValueError(f"{role} {f.__name__}() returned a value of shape {ds} "
                                     f"for variable {name!r}, which has shape {xs}: the "
                                     f"derivative must have the variable's shape")
        return out
    return call


def _namespace(mode: str, sig: Signature) -> dict:
    ns: dict = {f"_default_{p}": v for p, v in sig.defaults.items()}
    if mode == "jax":
        import jax
        import jax.numpy as jnp
        ns.update(xp=jnp, while_loop=jax.lax.while_loop, noise=sde.noise_jax,
                  strong=_strong_jax, stack_state=codegen.stack_state)
    else:
        ns.update(xp=np, noise=sde.noise_numpy)
    return ns


def _strong_jax(x):
    # lax.while_loop needs carries whose types do not change between rounds.
    import jax.numpy as jnp
    x = jnp.asarray(x)
    return jnp.array(x, dtype=x.dtype)


def _exec(source: str, name: str, ns: dict, filename: str) -> Callable:
    exec(compile(source, filename, "exec"), ns)
    return ns[name]


def make_step(info: registry.MethodInfo, sig: Signature, f: Callable, mode: str, *,
              dt_default: float, adaptive: bool = False, tol: float = 1e-3,
              g: Callable | None = None, sde_method: str | None = None,
              name: str | None = None, cache_dir=None,
              file_prefix: str | None = None,
              f_source: str | None = None, inline: bool = False,
              error_model: str = "python") -> tuple[Callable, str]:
    """Build the step function of a method for one derivative, in one mode.

    mode: 'python' (plain Python on NumPy), 'jax' (traceable by JAX) or
    'numba' (compiled by Numba).  Returns the function and its source text.
    cache_dir (Numba only): write the sources there so Numba caches the
    machine code on disk (see math/numba_cache.py), as files named
    ``<file_prefix>_<function>.py`` (file_prefix defaults to the method's name).
    f_source: f's source where inspect cannot read it (code the simulators generate).
    inline (Numba only): compile the step and f to be inlined where they are called.
    error_model (Numba only): 'python' raises ZeroDivisionError as Python does on
    numbers; 'numpy' gives inf or NaN as NumPy does on arrays (a model's Variables).
    """
    base = name or (sde_method if sde_method else info.name)
    ns = _namespace(mode, sig)
    pieces = []  # (source, name) in the order they are needed
    coefficient = None   # exponential Euler's linear coefficients, from f's code

    if sde_method is not None:
        pieces.append((sde.sde_source(sig, sde_method, f"{base}_step", dt_default),
                       f"{base}_step"))
    elif info.name == "exponential_euler":
        pieces.append((exponential.PHI1_SOURCE, "phi1"))
        coefficient = linear_part.coefficient_function(f, sig, "f_linear", source=f_source)
        pieces.append((exponential.exp_euler_source(
            sig, f"{base}_step", dt_default, linear=None if coefficient is None else "f_linear",
            affine=() if coefficient is None else coefficient[2],
            zero="0.0" if mode == "numba" else "0.0 * {v}"), f"{base}_step"))
    elif adaptive:
        tab = info.tableau
        pieces.append((codegen.rk_attempt_source(tab, sig, f"{base}_attempt"),
                       f"{base}_attempt"))
        gen = step_size.controller_source_jax if mode == "jax" else step_size.controller_source
        pieces.append((gen(tab, sig, f"{base}_adaptive", f"{base}_attempt", dt_default, tol),
                       f"{base}_adaptive"))
    elif mode == "jax" and len(sig.variables) > 1:
        tab = info.tableau
        pieces.append((codegen.rk_step_source(tab, sig, f"{base}_each", dt_default),
                       f"{base}_each"))
        pieces.append((codegen.rk_step_source_stacked(tab, sig, f"{base}_stacked", dt_default),
                       f"{base}_stacked"))
        pieces.append((codegen.rk_step_dispatch_source(sig, f"{base}_step", f"{base}_stacked",
                                                       f"{base}_each", dt_default),
                       f"{base}_step"))
    else:
        pieces.append((codegen.rk_step_source(info.tableau, sig, f"{base}_step", dt_default),
                       f"{base}_step"))

    if mode == "numba":
        from ..math.compile import njit
        from . import numba_overloads
        numba_overloads.register()
        # inline=True (a large group's parallel per-neuron loop calls the step): the step
        # and its derivative are inlined where called (Numba's IR), so each neuron runs
        # them as one body without passing a dozen arguments and a tuple per call
        # (10,000 HH neurons: 1.41x the hand loop called, 0.94-1.02x inlined).  Not for
        # small groups: compiling costs a third more, and a homework part that compiles
        # the HH model for several methods ran past its CPU limit
        inline = "always" if inline else "never"
        ns["f"] = njit(f, inner=True, inline=inline, error_model=error_model)
        if g is not None:
            ns["g"] = njit(g, inner=True, error_model=error_model)
        if coefficient is not None:
            ns["f_linear"] = njit(coefficient[1], inner=True, error_model=error_model)
        fn = None
        for src, nm in pieces:
            if nm == "phi1":   # the same formula, compiled without temporaries
                ns[nm] = exponential.phi1_numba
                continue
            # inner: only compiled code calls a step (a model's update, integrate's
            # loop, bm.jit); Python calls the "python" step
            if cache_dir is None:
                fn = njit(_exec(src, nm, ns, f"<braindyn {nm}>"), inner=True, inline=inline,
                          error_model=error_model)
            else:
                from ..math import numba_cache
                path = numba_cache.write_source(cache_dir, f"{file_prefix or base}_{nm}", src)
                ns["__name__"] = numba_cache.module_name(cache_dir)  # see there
                fn = numba_cache.enable(njit(_exec(src, nm, ns, str(path)), inner=True,
                                             inline=inline, error_model=error_model))
            ns[nm] = fn
    else:
        role = "the derivative" if g is None else "the drift f"
        if mode == "jax":   # m ** 3.0 as m ** 3: a pow per element is what costs (rewrite.py)
            f = rewrite.integer_powers(f)
        ns["f"] = checked(f, sig, role)
        if g is not None:
            ns["g"] = checked(g, sig, "the diffusion g")
        if coefficient is not None:
            ns["f_linear"] = coefficient[1]
        fn = None
        for src, nm in pieces:
            fn = _exec(src, nm, ns, f"<braindyn {nm}>")
    source = "\n".join(src for src, _ in pieces)
    if coefficient is not None:
        source = coefficient[0] + "\n" + source
    return fn, source


class Integrator:
    """An integral made by ``bp.odeint`` (or ``bp.sdeint``).

    Calling it takes one step: ``x1, y1 = integral(x0, y0, t, *params, dt=...)``.
    ``integral.source`` (or ``integral.show_code()``) is the code that runs.
    On the JAX backend the call is traceable by ``jax.jit``; inside
    ``bm.jit``-compiled functions on the NumPy backend it is compiled by Numba.
    Defined in a class body with ``self`` first, it is a method of the model.
    """

    def __init__(self, f: Callable, method: str = "euler", dt: float | None = None,
                 adaptive: bool = False, tol: float = 1e-3, show_code: bool = False,
                 g: Callable | None = None):
        self.f = f
        self.g = g
        self.sig = read_signature(f, "derivative" if g is None else "drift f")
        if g is not None:
            gsig = read_signature(g, "diffusion g")
            if gsig.variables != self.sig.variables or gsig.params != self.sig.params:
                raise ValueError(f"f and g must take the same arguments; f takes "
                                 f"{self.sig.variables + ('t',) + self.sig.params}, g takes "
                                 f"{gsig.variables + ('t',) + gsig.params}")
        if dt is not None:
            check_dt(dt)
        self.dt = DEFAULT_DT if dt is None else float(dt)
        self.adaptive = bool(adaptive)
        self.tol = check_tol(tol)
        if g is None:
            self.info = registry.get_method(method)
            self.sde_method = None
            if self.adaptive and not self.info.adaptive:
                raise ValueError(
                    f"method {self.info.name!r} has no error estimate, so it cannot adapt "
                    f"dt; choose an adaptive method: "
                    f"{', '.join(m.name for m in registry.methods(adaptive=True))}")
        else:
            self.sde_method = sde.get_sde_method(method)
            self.info = None
            if self.adaptive:
                raise ValueError("sdeint has no adaptive methods; use adaptive=False")
        self.method = self.sde_method or self.info.name
        self.__name__ = getattr(f, "__name__", "integral")
        self.__doc__ = getattr(f, "__doc__", None)
        self._built: dict[str, tuple[Callable, str]] = {}
        if show_code:
            self.show_code()

    # -- building ---------------------------------------------------------
    def build(self, mode: str, f: Callable | None = None, sig: Signature | None = None,
              g: Callable | None = None, cache_dir=None, name: str | None = None,
              f_source: str | None = None, inline: bool = False,
              error_model: str = "python") -> tuple[Callable, str]:
        """The step function and its source in a mode ('python', 'jax', 'numba'),
        optionally for another derivative (the simulators pass ``self``-free ones).

        name: a name for this integral's files in cache_dir.  A simulator compiling
        several integrals into one disk-cache folder must give each its own, since
        Numba's cache knows a function by file and name only and would load one
        integral's machine code (its derivative frozen in) for another.
        """
        return make_step(self.info, sig or self.sig, f or self.f, mode, dt_default=self.dt,
                         adaptive=self.adaptive, tol=self.tol, g=g or self.g,
                         sde_method=self.sde_method, name=self.method, cache_dir=cache_dir,
                         file_prefix=name, f_source=f_source, inline=inline,
                         error_model=error_model)

    def compiled(self, mode: str) -> Callable:
        if mode not in self._built:
            if mode == "numba" and self.sig.has_self:
                raise TypeError(f"{self.__name__} is a method (it takes self): compile the "
                                f"model that owns it (model.run(jit=True)), not the method")
            self._built[mode] = self.build(mode)
        return self._built[mode][0]

    def __numba_compiled__(self) -> Callable:
        """The compiled step, for Numba code that names this integral (bm.jit)."""
        return self.compiled("numba")

    def trial_step(self) -> Callable:
        """The embedded pair's trial step ``(vars, t, dt, tol, params) -> (*new, ratio)``
        in plain Python, for drivers that pick their own step sizes."""
        if not self.adaptive:
            raise ValueError(f"{self.__name__} is not adaptive: it has no trial step")
        return self.compiled("python").__globals__[f"{self.method}_attempt"]

    @property
    def source(self) -> str:
        """The code that one step runs (what ``show_code`` prints)."""
        mode = "jax" if backend.get_backend() == "jax" else "python"
        self.compiled(mode)
        return self._built[mode][1]

    def show_code(self) -> None:
        """Print the step code that runs, and which derivative it calls."""
        fname = getattr(self.f, "__qualname__", repr(self.f))
        print(f"# f = {fname}" + (f", g = {self.g.__qualname__}" if self.g else "")
              + f"; method {self.method!r}, default dt = {self.dt}")
        print(self.source)

    # -- calling -----------------------------------------------------------
    def __call__(self, *args, dt=None, **kwargs):
        if dt is None:
            dt = self.dt
        else:
            check_dt(dt)
        mode = "jax" if backend.get_backend() == "jax" else "python"
        from ..math.variable import unwrap
        args = tuple(unwrap(a) for a in args)
        return self.compiled(mode)(*args, dt=dt, **kwargs)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return BoundIntegral(self, obj)

    def __repr__(self):
        kind = "sdeint" if self.g is not None else "odeint"
        extra = f", adaptive, tol={self.tol}" if self.adaptive else ""
        return f"<{kind} {self.__name__}: {self.method}, dt={self.dt}{extra}>"


class BoundIntegral:
    """An integral defined as a method, bound to its model instance."""

    def __init__(self, integrator: Integrator, obj):
        self.integrator = integrator
        self.obj = obj

    def __call__(self, *args, dt=None, **kwargs):
        return self.integrator(self.obj, *args, dt=dt, **kwargs)

    @property
    def source(self) -> str:
        return self.integrator.source

    def show_code(self) -> None:
        self.integrator.show_code()

    def __repr__(self):
        return f"<bound {self.integrator!r} of {type(self.obj).__name__}>"


def odeint(f: Callable | None = None, method: str = "euler", dt: float | None = None,
           adaptive: bool = False, tol: float = 1e-3, show_code: bool = False):
    """Make the integral of an ODE given by its derivative function.

    ``f(x, y, ..., t, p1, p2, ...)`` returns ``dx/dt, dy/dt, ...`` (a single
    value for one variable).  Use as ``odeint(f, ...)``, ``@odeint`` or
    ``@odeint(method='rk4', dt=0.01)``.

    Parameters
    ----------
    method : a name from ``bp.integrators.methods()`` (default 'euler')
    dt : default step size of the integral (0.1 if not given)
    adaptive : use the error estimate of an embedded pair (rkf45, rkdp, ...) to
        reject and shrink steps whose error ratio exceeds 1; the integral then
        returns the proposed next dt as its last output
    tol : tolerance of adaptive steps (absolute and relative, RMS norm)
    show_code : print the generated step code
    """
    if f is None:
        return lambda func: Integrator(func, method, dt, adaptive, tol, show_code)
    if isinstance(f, str):
        raise TypeError(f"odeint's first argument is the derivative function; to choose "
                        f"a method write odeint(method={f!r})")
    return Integrator(f, method, dt, adaptive, tol, show_code)


def sdeint(f: Callable | None = None, g: Callable | None = None, method: str = "euler",
           dt: float | None = None, show_code: bool = False):
    """Make the integral of an Ito SDE ``dx = f dt + g dW`` with scalar or
    diagonal noise.  ``f`` and ``g`` take the same arguments as for odeint;
    ``g`` returns one noise amplitude per variable.  Methods: 'euler'
    (Euler-Maruyama) and 'milstein'.  Seed with ``bm.random.seed``.
    """
    if f is None or g is None:
        raise TypeError("sdeint needs both the drift f and the diffusion g: "
                        "bp.sdeint(f, g, method='euler')")
    return Integrator(f, method, dt, show_code=show_code, g=g)
