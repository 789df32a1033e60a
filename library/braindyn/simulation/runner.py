"""What ``model.run(...)`` does.

1. Read the arguments: ``n_steps = floor(duration / dt)`` steps of ``dt``,
   inputs and monitors (``specs.py``).
2. Run the time loop.  Each step ``i`` (time ``t = t_start + i * dt``):
   apply the inputs, call ``update(t, dt)``, record the monitors every
   ``mon_interval``, and stop with an error naming the variable, the time and
   dt as soon as a Variable holds NaN or inf.
   * ``jit=False``: a Python loop over the model's own ``update`` (debuggable);
   * ``jit=True`` on NumPy: the loop and the update methods translated to
     Numba code (``numba_codegen.py``, printed by ``model.show_code()``);
   * ``jit=True`` on JAX: the update methods traced into a ``jax.lax.scan``
     over the Variables (``jax_loop.py``).
3. Put the records into ``mon`` of each system.

The compiled program is cached on the model and reused as long as its
structure and constants are the same: a new ``dt``, duration or input value
never recompiles; a new method or constant parameter rebuilds it.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np

from ..integrators.odeint import check_dt
from ..math import backend
from ..math.variable import Variable
from .specs import parse_inputs, parse_monitors

DEFAULT_DT = 0.1

# How many compiled programs were built, per kind (the tests read this).
COMPILATIONS = {"numba": 0, "jax": 0}


class SimulationError(FloatingPointError):
    """The simulation produced NaN or inf."""


class CompileError(RuntimeError):
    """The model could not be compiled; the message says why and what to try."""


def _duration(duration, dt):
    if isinstance(duration, (tuple, list)):
        if len(duration) != 2:
            raise ValueError(f"duration is a number of ms or (t_start, t_end), got {duration!r}")
        t0, t1 = float(duration[0]), float(duration[1])
    else:
        if isinstance(duration, bool) or not isinstance(duration, (int, float, np.number)):
            raise TypeError(f"duration must be a number of ms, got {duration!r}")
        t0, t1 = 0.0, float(duration)
    if not (math.isfinite(t0) and math.isfinite(t1)):
        raise ValueError(f"duration must be finite, got {duration!r}")
    n_steps = int(math.floor((t1 - t0) / dt + 1e-9))
    if n_steps < 1:
        raise ValueError(f"the duration ({t1 - t0} ms) is shorter than one step dt = {dt} ms: "
                         f"run for longer or use a smaller dt")
    return t0, n_steps


def state_variables(root) -> list:
    """(system, attribute, Variable) for every Variable of every system, once."""
    out, seen = [], set()
    for node in root.nodes():
        for attr, var in node.vars().items():
            if id(var) not in seen:
                seen.add(id(var))
                out.append((node, attr, var))
    return out


def constants_fingerprint(root, array_values: bool = True) -> str:
    """A digest of every attribute that is not a Variable: a change rebuilds.

    array_values=False counts an array by its shape and dtype only, for compiled code
    that receives arrays as arguments (the Numba translation) and so needs no new
    program for new values.
    """
    h = hashlib.sha1()
    for node in root.nodes():
        for attr, value in sorted(vars(node).items()):
            if isinstance(value, Variable) or attr.startswith("_") or attr in ("mon",):
                continue
            h.update(attr.encode())
            if isinstance(value, np.ndarray):
                h.update(str((value.shape, value.dtype)).encode())
                if array_values:
                    h.update(np.ascontiguousarray(value).tobytes())
            elif isinstance(value, (int, float, bool, str, complex, type(None), tuple)):
                h.update(repr(value).encode())
            else:
                h.update(type(value).__qualname__.encode())
                h.update(str(id(value)).encode())
    return h.hexdigest()


def nan_error(node, attr, t_end, dt, method_hint=True) -> SimulationError:
    return SimulationError(
        f"{node.name}.{attr} became NaN or inf at t = {t_end:.6g} ms (dt = {dt} ms): the "
        f"integration is unstable at this step size. Use a smaller dt, or a more stable "
        f"method (method='exponential_euler' tolerates large steps on HH-type models; "
        f"'rk4' is more accurate than 'euler')")


def run(root, duration, inputs=(), dt=None, report=0.0, jit=True, monitors=None,
        mon_interval=None) -> None:
    dt = DEFAULT_DT if dt is None else dt
    check_dt(dt)
    dt = float(dt)
    t0, n_steps = _duration(duration, dt)
    if not isinstance(report, (int, float)) or report < 0:
        raise ValueError(f"report must be a number >= 0 (a fraction of the run), got {report!r}")
    every = 1
    if mon_interval is not None:
        check_dt(mon_interval)
        every = max(1, int(round(mon_interval / dt)))
    names = [n.name for n in root.nodes()]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"systems need unique names to be run together; repeated: {dupes}")
    in_specs = parse_inputs(root, inputs, n_steps)
    mon_specs = parse_monitors(root, monitors)
    n_records = n_steps // every

    progress = _progress(report, n_steps)
    try:
        if not jit:
            records, times = python_loop(root, t0, dt, n_steps, every, in_specs, mon_specs,
                                         progress)
        elif backend.get_backend() == "jax":
            from . import jax_loop
            records = jax_loop.run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress)
        else:
            from . import numba_codegen
            records = numba_codegen.run(root, t0, dt, n_steps, every, in_specs, mon_specs,
                                        progress)
    finally:
        if progress is not None:
            progress.close()
    ts = t0 + dt * every * np.arange(1, n_records + 1)
    _store(root, ts, records, mon_specs)


def _progress(report, n_steps):
    if not report:
        return None
    from tqdm.auto import tqdm
    bar = tqdm(total=n_steps, unit="step", desc="simulating")
    bar.chunk = max(1, int(n_steps * min(report, 1.0)))
    return bar


def _store(root, ts, records, mon_specs):
    for node in root.nodes():
        node.mon._set(ts, {})
    for spec, rec in zip(mon_specs, records):
        for owner, key in spec.owners:
            items = dict(owner.mon._items)
            items[key] = rec
            owner.mon._set(ts, items)


def check_still_variables(root, variables):
    for node, attr, var in variables:
        if vars(node).get(attr) is not var:
            raise TypeError(f"{node.name}.update replaced the Variable {attr!r} by assigning "
                            f"self.{attr} = ...; update it in place instead: "
                            f"self.{attr}[:] = ... or self.{attr}.value = ...")


def apply_input(var: Variable, op: str, value):
    if op == "+":
        var += value
    elif op == "-":
        var -= value
    elif op == "*":
        var *= value
    elif op == "/":
        var /= value
    else:
        var[...] = value


def python_loop(root, t0, dt, n_steps, every, in_specs, mon_specs, progress):
    """The plain-Python loop (jit=False): the model's own update, step by step."""
    variables = state_variables(root)
    float_vars = [(n, a, v) for n, a, v in variables if np.dtype(v.dtype).kind in "fc"]
    xp = backend.xp()
    records = [record_array(vars(s.node)[s.attr], s.index, n_steps // every)
               for s in mon_specs]
    for i in range(n_steps):
        t = t0 + i * dt
        for spec in in_specs:
            value = spec.value if spec.kind == "fix" else spec.value[i]
            apply_input(vars(spec.node)[spec.attr], spec.op, value)
        root.update(t, dt)
        check_still_variables(root, variables)
        if (i + 1) % every == 0:
            k = (i + 1) // every - 1
            for spec, rec in zip(mon_specs, records):
                value = np.asarray(vars(spec.node)[spec.attr].value)
                rec[k] = value.ravel()[spec.index] if spec.index is not None else value
        for node, attr, var in float_vars:
            if not bool(xp.all(xp.isfinite(var.value))):
                raise nan_error(node, attr, t + dt, dt)
        if progress is not None and ((i + 1) % progress.chunk == 0 or i + 1 == n_steps):
            progress.update((i + 1) - progress.n)
    return records, None


def record_array(var: Variable, index, n_records: int) -> np.ndarray:
    """Where a monitor writes: (n_records, n) in the Variable's dtype."""
    shape = (len(index),) if index is not None else tuple(var.shape)
    return np.empty((n_records,) + shape, dtype=np.dtype(var.dtype))


def last_source(root) -> str:
    src = getattr(root, "_last_source", None)
    if src is None:
        return ("# nothing compiled yet: run the model with jit=True first "
                "(jit=False runs the update methods exactly as you wrote them)")
    return src
