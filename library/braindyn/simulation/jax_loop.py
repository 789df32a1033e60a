"""Run a model on the JAX backend: its update methods traced into one compiled loop.

Every Variable (and the ``bm.random`` key) becomes an entry of the loop's carry:
before tracing a step, each Variable's array is swapped for the carried value;
after ``update`` the (new) arrays are read back.  Nothing of the model is
rewritten: the code that runs is the ``update`` students wrote.

The loop runs in chunks of ``RECORDS_PER_CHUNK`` records (``every`` steps each)
so that one compiled function serves every duration; steps past the end of the
run are skipped with ``lax.cond``.  ``dt``, the start time and the input values
are arguments of the compiled function, so changing them never recompiles.
"""
from __future__ import annotations

import numpy as np

from ..math.variable import Variable
from . import runner

STEPS_PER_CHUNK = 1000


def _key_variable():
    from ..math import random
    return random.DEFAULT_KEY


class Program:
    def __init__(self, root, in_specs, mon_specs, variables, every):
        import jax
        import jax.numpy as jnp
        from jax import lax

        self.variables = variables
        all_vars = [v for _, _, v in variables]
        key_var = _key_variable()
        if all(v is not key_var for v in all_vars):
            all_vars = all_vars + [key_var]
        self.all_vars = all_vars
        float_ids = [i for i, (_, _, v) in enumerate(variables)
                     if np.dtype(v.dtype).kind in "fc"]
        # positions by identity: == on Variables compares values
        position = {id(v): i for i, v in enumerate(all_vars)}
        mon_vars = [position[id(vars(s.node)[s.attr])] for s in mon_specs]
        mon_index = [None if s.index is None else jnp.asarray(s.index) for s in mon_specs]
        in_vars = [vars(s.node)[s.attr] for s in in_specs]
        records = max(1, STEPS_PER_CHUNK // every)
        self.records, self.every = records, every

        def step(values, t, dt, step_inputs):
            saved = [v._value for v in all_vars]
            try:
                for var, value in zip(all_vars, values):
                    var._value = value
                for var, spec, value in zip(in_vars, in_specs, step_inputs):
                    runner.apply_input(var, spec.op, value)
                root.update(t, dt)
                runner.check_still_variables(root, variables)
                return tuple(jnp.asarray(v._value, dtype=old.dtype)
                             for v, old in zip(all_vars, values))
            finally:
                for var, value in zip(all_vars, saved):
                    var._value = value

        def chunk(values, i0, n_valid, t0, dt, fix_inputs, iter_inputs):
            def one_record(values, r):
                def one_step(j, values):
                    k = r * every + j
                    step_inputs = []
                    for spec, fixed, series in zip(in_specs, fix_inputs, iter_inputs):
                        step_inputs.append(fixed if spec.kind == "fix" else series[k])
                    return lax.cond(k < n_valid,
                                    lambda v: step(v, t0 + (i0 + k) * dt, dt, step_inputs),
                                    lambda v: v, values)
                values = lax.fori_loop(0, every, one_step, values)
                mons = tuple(values[i].ravel()[idx] if idx is not None else values[i]
                             for i, idx in zip(mon_vars, mon_index))
                # one flag per record: a NaN or inf anywhere makes the sum non-finite
                finite = jnp.isfinite(sum(jnp.sum(values[i]) for i in float_ids)) \
                    if float_ids else jnp.asarray(True)
                return values, (mons, finite)
            return lax.scan(one_record, values, jnp.arange(records))

        self.chunk = jax.jit(chunk)
        self.float_ids = float_ids
        self.source = _source(root)
        runner.COMPILATIONS["jax"] += 1


def _source(root) -> str:
    import inspect
    parts = ["# JAX backend: these update methods are traced as written, inside\n"
             "# jax.lax.scan (see braindyn/simulation/jax_loop.py)."]
    seen = set()
    for node in root.nodes():
        fn = type(node).update
        if fn in seen:
            continue
        seen.add(fn)
        try:
            parts.append(f"# {type(node).__name__}.update\n" + inspect.getsource(fn))
        except (OSError, TypeError):
            parts.append(f"# {type(node).__name__}.update: source not available")
    return "\n".join(parts)


def run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress):
    import jax.numpy as jnp

    variables = runner.state_variables(root)
    key = ("jax", (
        tuple((id(n), a, v.shape, str(v.dtype)) for n, a, v in variables),
        tuple((id(s.node), s.attr, s.kind, s.op, s.value.shape[1:] if s.kind == "iter"
               else s.value.shape) for s in in_specs),
        tuple((id(s.node), s.attr, None if s.index is None else s.index.tobytes())
              for s in mon_specs),
        every, runner.constants_fingerprint(root)))
    cache = root._runner_cache
    if key not in cache:
        cache.clear()
        cache[key] = Program(root, in_specs, mon_specs, variables, every)
    prog = cache[key]
    root._last_source = prog.source

    values = tuple(jnp.asarray(v.value) for v in prog.all_vars)
    fix_inputs = tuple(jnp.asarray(s.value) if s.kind == "fix" else jnp.zeros(())
                       for s in in_specs)
    steps_per_chunk = prog.records * every
    out_records = [[] for _ in mon_specs]
    done = 0
    reported = 0
    while done < n_steps:
        n_valid = min(steps_per_chunk, n_steps - done)
        iter_inputs = []
        for s in in_specs:
            if s.kind == "iter":
                part = s.value[done:done + n_valid]
                pad = np.zeros((steps_per_chunk - n_valid,) + part.shape[1:])
                iter_inputs.append(jnp.asarray(np.concatenate([part, pad])))
            else:
                iter_inputs.append(jnp.zeros((1,)))
        new_values, (mons, finite) = prog.chunk(values, done, n_valid, t0, dt, fix_inputs,
                                                tuple(iter_inputs))
        n_rec = n_valid // every
        finite = np.asarray(finite)[:max(n_rec, 1)]
        if not finite.all():
            r = int(np.argmin(finite))
            bad = next(j for j in prog.float_ids
                       if not np.all(np.isfinite(np.asarray(new_values[j]))))
            node, attr, _ = variables[bad]
            raise runner.nan_error(node, attr, t0 + (done + (r + 1) * every) * dt, dt)
        for rec, m in zip(out_records, mons):
            rec.append(np.asarray(m)[:n_rec])
        values = new_values
        done += n_valid
        if progress is not None and (done - reported >= progress.chunk or done == n_steps):
            progress.update(done - reported)
            reported = done
    for var, value in zip(prog.all_vars, values):
        var._value = value
    return [np.concatenate(r) if r else np.zeros(0) for r in out_records]


__all__ = ["run", "Program", "Variable"]
