"""NumPy backend, ``jit=True``: the compiled loop of one model, built and run.

``Program(root, ...)`` translates the update methods (``numba_translate.py``),
writes one loop function around the root's update and compiles it; ``run``
hands it the Variables' arrays and the current parameter values, and turns
Numba's errors into short messages that name the student's line.

One loop, as ``model.show_code()`` prints it (inputs, update, monitors, NaN check)::

    def run_loop(i_start, n, t0, dt, every, HH_V, ..., HH_gNa, input_0, monitor_0, ...):
        for i in range(i_start, i_start + n):
            t = t0 + i * dt
            HH_input += input_0
            HH_update(HH_V, ..., HH_gNa, t, dt)
            if (i + 1) % every == 0:
                ...
            if <HH_V or ... holds NaN or inf>:
                return i
        return -1
"""
from __future__ import annotations

import re

import numpy as np

from ..math import numba_cache
from ..math.compile import numba_reason
from . import state
from .errors import CompileError, nan_error, source_line
from .numba_translate import Translator


class Program:
    """The compiled loop of one model, with the source it was made from."""

    def __init__(self, root, in_specs, mon_specs, variables, counted=False):
        # First a dry translation (cheap: nothing is compiled yet) to learn the
        # exact code and frozen values; their digest names the disk-cache folder.
        dry = Translator(root, counted_references=counted)
        update_name, used = dry.function(root, type(root).update, "update")
        # Functions without reference counting pass that on to what they call; a
        # student's helper function may make arrays (np.where on numbers does), so
        # with helpers every function counts (see numba_translate._njit)
        counted = counted or bool(dry.helper_sources)
        self.counted = counted
        dry_loop = loop_source(dry, update_name, used, variables, in_specs, mon_specs)
        cache_dir = numba_cache.program_dir(
            dry.sources + [dry_loop], dry.shared, dry.helper_sources,
            (tuple((s.attr, s.kind, s.op) for s in in_specs),
             tuple((s.attr, s.index is None) for s in mon_specs),
             sorted((n, d) for _, n, d in dry.frozen_globals.values()), counted))
        tr = Translator(root, cache_dir=cache_dir, counted_references=counted)
        update_name, used = tr.function(root, type(root).update, "update")
        self.translator = tr
        self.checks = tr.checks
        self.frozen_globals = list(tr.frozen_globals.values())
        self.variables = variables
        # the parameters, read at every run and passed on to the functions that read them
        self.params = [(u, tr.params[u]) for u in used if u in tr.params]
        loop_src = loop_source(tr, update_name, used, variables, in_specs, mon_specs)
        ns = dict(tr.shared)
        ns["np"] = np
        tr._exec(loop_src, "run_loop", ns)
        from .numba_translate import _njit
        self.loop = _njit(ns["run_loop"], cache=cache_dir is not None, from_python=True)
        self.source = "\n\n".join(tr.sources + [loop_src])

    def param_values(self) -> list:
        """The parameters as they are now: a new value is seen at the next run."""
        return [state.as_argument(state.read(start, chain)) for _, (start, chain) in self.params]

    def stale(self) -> bool:
        """True when the program no longer fits the model: a value of another kind
        (an int where a float was, an array of another shape), another method or
        integrator, another string, or a module-level value that a plain helper
        function reads (Numba freezes those) has changed."""
        for start, chain, test, expected in self.checks:
            try:
                value = state.read(start, chain)
            except (AttributeError, KeyError):
                return True
            if test == "kind" and state.kind(value) != expected:
                return True
            if test == "is" and _identity(value) is not expected:
                return True
            if test == "==" and (type(value) is not type(expected) or value != expected):
                return True
        return any(numba_cache.digest(g.get(name)) != d for g, name, d in self.frozen_globals)

    def explain(self, err: Exception) -> CompileError:
        """Numba's typing error as a short message naming the student's line."""
        message = str(err)
        where = None
        for filename, line in re.findall(r'File "([^"]+)", line (\d+)', message):
            found = self.translator.line_maps.get(filename)
            if found and int(line) in found[1]:
                where = source_line(found[0], found[1][int(line)])
                break
        return CompileError(
            f"Numba cannot compile {where or 'this model'}\n  ({numba_reason(message)})\n"
            f"Write this line with NumPy operations on numbers and arrays, or run with "
            f"jit=False, which runs your Python as written (model.show_code() shows the "
            f"translated code).")


def loop_source(tr: Translator, update_name: str, used: list, variables, in_specs,
                mon_specs) -> str:
    """The loop around the root's update: inputs, update, monitors, NaN check."""
    var_args = [tr.var_names[id(v)] for _, _, v in variables]
    var_args += [u for u in used if u in tr.params]
    float_ids = [i for i, (_, _, v) in enumerate(variables) if np.dtype(v.dtype).kind in "fc"]
    in_args = [f"input_{k}" for k in range(len(in_specs))]
    mon_args = [f"monitor_{k}" for k in range(len(mon_specs))]
    idx_args = [f"monitor_index_{k}" for k in range(len(mon_specs))]
    lines = [
        f"def run_loop(i_start, n, t0, dt, every, {', '.join(var_args + in_args + mon_args + idx_args)}):",
        '    """Steps i_start .. i_start + n - 1; returns -1, or the step after which a',
        '    variable became NaN or inf."""',
    ]
    if mon_specs:
        # records are counted down rather than tested with (i + 1) % every: an integer
        # division per step costs more than a small group's update
        lines += ["    k = i_start // every - 1                 # the last record written",
                  "    countdown = every - i_start % every      # steps to the next record"]
    lines += ["    for i in range(i_start, i_start + n):",
              "        t = t0 + i * dt"]
    for k, s in enumerate(in_specs):
        target = tr.var_names[id(vars(s.node)[s.attr])]
        if vars(s.node)[s.attr].ndim == 1:
            # an explicit loop: NumPy's broadcasting machinery costs more than the
            # addition itself for a group of a few neurons
            value = f"{in_args[k]}[_j]" if s.kind == "fix" else f"{in_args[k]}[i, _j]"
            op = "=" if s.op == "=" else f"{s.op}="
            lines.append(f"        for _j in range({target}.shape[0]):")
            lines.append(f"            {target}[_j] {op} {value}")
            continue
        value = in_args[k] if s.kind == "fix" else f"{in_args[k]}[i]"
        if s.op == "=":
            lines.append(f"        {target}[...] = {value}")
        else:
            lines.append(f"        {target} {s.op}= {value}")
    lines.append(f"        {update_name}({''.join(u + ', ' for u in used)}t, dt)")
    if mon_specs:
        lines.append("        countdown -= 1")
        lines.append("        if countdown == 0:")
        lines.append("            countdown = every")
        lines.append("            k += 1")
        for k, s in enumerate(mon_specs):
            var = vars(s.node)[s.attr]
            src = tr.var_names[id(var)]
            if s.index is not None:
                # element by element: fancy indexing would allocate at every step
                flat = src if var.ndim == 1 else f"{src}.ravel()"
                lines.append(f"            for _j in range({idx_args[k]}.shape[0]):")
                lines.append(f"                {mon_args[k]}[k, _j] = {flat}[{idx_args[k]}[_j]]")
            elif var.ndim == 1:
                lines.append(f"            for _j in range({src}.shape[0]):")
                lines.append(f"                {mon_args[k]}[k, _j] = {src}[_j]")
            elif var.ndim == 0:
                lines.append(f"            {mon_args[k]}[k] = {src}[()]")
            else:
                lines.append(f"            {mon_args[k]}[k] = {src}")
    if float_ids:
        # one test per step: x - x is 0 for a finite x and NaN for NaN or inf, and
        # NaN != 0.  Or-ed element by element, the test needs no chain of float
        # additions and the compiler runs it on several elements at once (a sum
        # of all values cost more than a network's update); np.sum's call costs
        # more than a few neurons' tests
        lines.append("        bad = False")
        # arrays of one length share one loop (one loop's overhead per step, and more
        # work for each round of it)
        by_length: dict = {}
        for j in float_ids:
            var = variables[j][2]
            if var.ndim == 1 and np.dtype(var.dtype).kind == "f":
                by_length.setdefault(var.shape[0], []).append(var_args[j])
            else:
                lines.append(f"        bad |= not np.isfinite(np.sum({var_args[j]}))")
        for names in by_length.values():
            lines.append(f"        for _j in range({names[0]}.shape[0]):")
            lines += [f"            bad |= {name}[_j] - {name}[_j] != 0.0" for name in names]
        lines.append("        if bad:")
        lines.append("            return i")
    lines.append("    return -1")
    return "\n".join(lines) + "\n"


def _identity(value):
    from .numba_translate import _callable_identity
    return _callable_identity(value)


def _signature_key(in_specs, mon_specs, every, variables):
    return (
        # the dtype object itself: str(dtype) costs more than the rest of the key
        tuple((id(n), a, v.shape, v.dtype) for n, a, v in variables),
        tuple((id(s.node), s.attr, s.kind, s.op) for s in in_specs),
        tuple((id(s.node), s.attr, s.index is None) for s in mon_specs),
        every > 1,
    )


def program(root, in_specs, mon_specs, every, counted=False, retry=False) -> Program:
    """The model's compiled program, built again only when its structure changed.
    retry: the same program again with reference counting (not a new compilation
    of the model as the student sees it)."""
    variables = state.state_variables(root)
    key = ("numba", _signature_key(in_specs, mon_specs, every, variables))
    cache = root._runner_cache
    if key not in cache or cache[key].stale() or (counted and not cache[key].counted):
        cache.clear()  # one program per model: the old one cannot be used again
        cache[key] = Program(root, in_specs, mon_specs, variables, counted)
        if not retry:
            root._count_compilation("numba")
    return cache[key]


def run(root, t0, dt, n_steps, every, in_specs, mon_specs, progress):
    prog = program(root, in_specs, mon_specs, every)
    root._last_source = prog.source
    variables = prog.variables
    arrays = []
    for _, _, var in variables:
        if not isinstance(var.value, np.ndarray):   # e.g. made on the JAX backend
            var._value = np.array(var.value)
        arrays.append(var.value)
    arrays += prog.param_values()
    inputs = [s.value for s in in_specs]
    n_rec = n_steps // every
    records = [state.record_array(vars(s.node)[s.attr], s.index, n_rec) for s in mon_specs]
    idx = [s.index if s.index is not None else np.zeros(0, np.int64) for s in mon_specs]
    chunk = progress.chunk if progress is not None else n_steps
    done = 0
    while done < n_steps:
        n = min(chunk, n_steps - done)
        try:
            step = prog.loop(done, n, t0, dt, every, *arrays, *inputs, *records, *idx)
        except Exception as err:  # numba typing errors happen at the first call
            if type(err).__module__.startswith("numba"):
                if not prog.counted:
                    # a per-neuron function that makes an array after all (np.where on
                    # numbers makes a 0-d array): build the program again with reference
                    # counting everywhere; an error then is the student's
                    from ..math.plain_functions import forget_helpers
                    forget_helpers()
                    prog = program(root, in_specs, mon_specs, every, counted=True, retry=True)
                    root._last_source = prog.source
                    arrays = [var.value for _, _, var in prog.variables] + prog.param_values()
                    continue
                root._runner_cache.clear()
                raise prog.explain(err) from None
            raise
        if step >= 0:
            node, attr, _ = next((n_, a, v) for n_, a, v in variables
                                 if np.dtype(v.dtype).kind in "fc"
                                 and not np.all(np.isfinite(v.value)))
            raise nan_error(node, attr, t0 + (step + 1) * dt, dt)
        done += n
        if progress is not None:
            progress.update(n)
    return records
