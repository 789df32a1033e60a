"""What ``model.run(...)`` does.

1. Read the arguments: ``n_steps = floor(duration / dt)`` steps of ``dt``,
   inputs and monitors (``specs.py``).
2. Run the time loop.  Each step ``i`` (time ``t = t_start + i * dt``):
   apply the inputs, call ``update(t, dt)``, record the monitors every
   ``mon_interval``, and stop with an error naming the variable, the time and
   dt as soon as a Variable holds NaN or inf.
   * ``jit=False``: a Python loop over the model's own ``update`` (debuggable);
   * ``jit=True`` on NumPy: the loop and the update methods translated to
     Numba code (``numba_translate.py``, ``numba_program.py``; ``model.show_code()``);
   * ``jit=True`` on JAX: the update methods traced into a ``jax.lax.scan``
     over the Variables (``jax_loop.py``).
3. Put the records into ``mon`` of each system.

The compiled program is cached on the model and reused as long as its
structure and constants are the same: a new ``dt``, duration or input value
never recompiles; a new method or constant parameter rebuilds it.
"""
from __future__ import annotations

import math

import numpy as np

from ..integrators.odeint import check_dt
from ..math import backend
from .errors import CompileError, SimulationError, nan_error  # noqa: F401
from .specs import parse_inputs, parse_monitors
from .state import apply_input, check_still_variables, record_array, state_variables

DEFAULT_DT = 0.1


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
            from . import numba_program
            records = numba_program.run(root, t0, dt, n_steps, every, in_specs, mon_specs,
                                        progress)
    finally:
        if progress is not None:
            progress.close()
    ts = np.arange(1, n_records + 1, dtype=float)   # t0 + dt * every * k, without temporaries
    ts *= dt * every
    ts += t0
    _store(root, ts, records, mon_specs, dt)


def _progress(report, n_steps):
    if not report:
        return None
    from tqdm.auto import tqdm
    bar = tqdm(total=n_steps, unit="step", desc="simulating")
    bar.chunk = max(1, int(n_steps * min(report, 1.0)))
    return bar


def _store(root, ts, records, mon_specs, dt):
    for node in root.nodes():
        node.mon._set(ts, {})
    for spec, rec in zip(mon_specs, records):
        # 'rate': the fraction of the recorded neurons that spiked in the step, per
        # second (Hz), as braindyn.measure.population_rate(spikes, dt) computes it
        rate = (np.asarray(rec, dtype=float).reshape(len(rec), -1).mean(axis=1) / (dt / 1000.0)
                if spec.rates else None)
        for owner, key in spec.owners + spec.rates:
            items = dict(owner.mon._items)
            items[key] = rate if (owner, key) in spec.rates else rec
            owner.mon._set(ts, items)


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


def last_source(root) -> str:
    src = getattr(root, "_last_source", None)
    if src is None:
        return ("# nothing compiled yet: run the model with jit=True first "
                "(jit=False runs the update methods exactly as you wrote them)")
    return src
