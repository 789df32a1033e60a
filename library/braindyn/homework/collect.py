"""What ``braindyn grade`` runs inside the student's kernel: collectors, which return data.

After the cells of a part, the grader sends one cell per item its hidden tests
want collected (``COLLECT`` in the test files, see grade.py)::

    __import__('braindyn.homework.collect', fromlist=['run']).run(
        globals(), 'braindyn.homework.hh:collect_steps', {...inputs...}, '@@marker@@')

``run`` imports the collector (a function of the kit, never of the hidden
tests), calls it with a copy of the notebook's variables and the inputs the
grader chose, and returns one line, the marker and the result as JSON, as the
cell's value::

    {"ok": true, "value": ...}     or     {"ok": false, "message": "..."}

Nothing here decides a grade: the grader compares the data with its reference
in its own process.  The student's code may have replaced anything in this
process, so the data is only ever the student's claim.

Two collectors for any assignment: :func:`value` (a variable of the
notebook) and :func:`call` (a function of the notebook, called on the
grader's arguments).  And for the hidden tests' ``SETUP``:
:func:`short_runs_without_jit`.
"""
from __future__ import annotations

import importlib
import json
import random

from .parts import Bilingual, describe_exception


class Line:
    """Shows as one line, whatever IPython's pretty-printer would do with a long string."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class Missing(Bilingual):
    """The notebook has no variable of this name."""


def _seed() -> None:
    # Same state before every collector, whatever ran before: grading is repeatable.
    random.seed(0)
    try:
        import numpy as np
        np.random.seed(0)
    except ImportError:
        pass


def plain(value):
    """``value`` as JSON-ready data: NumPy arrays and numbers become lists and floats."""
    try:
        import numpy as np
    except ImportError:       # pragma: no cover - numpy is a dependency
        np = None
    if np is not None and isinstance(value, np.ndarray):
        return plain(value.tolist())
    if np is not None and isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "__array__"):
        return plain(np.asarray(value))
    return {"repr": repr(value)[:200], "type": type(value).__name__}


def value(ns: dict, name: str):
    """The notebook's variable ``name``."""
    if name not in ns:
        raise Missing(f"笔记本没有定义 `{name}` / the notebook defines no `{name}`")
    return ns[name]


def call(ns: dict, function: str, args=(), kwargs=None):
    """``function(*args, **kwargs)``: a function of the notebook on the grader's inputs."""
    fn = value(ns, function)
    if not callable(fn):
        raise Missing(f"`{function}` 不是函数 / `{function}` is not a function")
    return fn(*args, **(kwargs or {}))


def run(namespace: dict, target: str, inputs: dict, marker: str) -> Line:
    """Call the collector ``module:function`` on the notebook's variables; one line back."""
    module, _, name = target.partition(":")
    ns = {k: v for k, v in namespace.items() if not k.startswith("_")}
    _seed()
    try:
        collector = getattr(importlib.import_module(module), name)
        result = {"ok": True, "value": plain(collector(ns, **inputs))}
    except Exception as e:          # the student's code raised inside the collector
        message, hint = describe_exception(e)
        result = {"ok": False, "message": message + (f" ({hint})" if hint else "")}
    return Line(marker + json.dumps(result, ensure_ascii=False))


SHORT_RUN_STEPS = 5000     # a run of at most this many steps is cheaper in Python


def short_runs_without_jit() -> None:
    """For grading, before the notebook: short runs go through the Python loop.

    Compiling a model takes about a second, and several seconds for some ways of
    writing it, and each student's code is compiled anew (nothing is shared between
    sandboxes), while a run of a few thousand steps takes less than that in
    Python.  So runs of at most SHORT_RUN_STEPS steps use ``jit=False`` whatever the
    notebook asked; longer ones run as written.  The results are the same (the
    course's tests check that ``jit=False`` and the compiled loop agree)."""
    import math

    from braindyn.simulation import runner

    original = runner.run

    def run(root, duration, inputs=(), dt=None, report=0.0, jit=True, *args, **kwargs):
        try:
            step = runner.DEFAULT_DT if dt is None else float(dt)
            span = float(duration[1] - duration[0]) if isinstance(duration, (tuple, list)) \
                else float(duration)
            if jit and math.isfinite(span / step) and span / step <= SHORT_RUN_STEPS:
                jit = False
        except (TypeError, ValueError, ZeroDivisionError, AttributeError):
            pass
        return original(root, duration, inputs, dt, report, jit, *args, **kwargs)

    runner.run = run
