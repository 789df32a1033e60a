"""The part of ``braindyn grade`` that runs inside the student's kernel.

After the student's notebook has run, the grader sends two kinds of cells to
the same kernel:

* ``load(files)``: the hidden test files, as text (the student's process
  never gets a path to them), executed as modules;
* ``run(part, globals(), marker)``, one cell per part: calls
  ``test_<part>(ns)`` with a copy of the notebook's namespace and returns the
  verdict as the cell's value, a one-line ``marker + JSON`` that the grader
  reads from the output (a student's ``print`` cannot forge the random marker).

The meaning of what a test does is described in ``grade.py``.
"""
from __future__ import annotations

import json
import random
import traceback
import types

from .parts import describe_exception

_TESTS: dict = {}


class Verdict:
    """Shows as one line, whatever IPython's pretty-printer would do with a long string."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def load(files: dict[str, str]) -> Verdict:
    """Execute the hidden test files (name -> source) and keep their test functions."""
    for filename, source in files.items():
        module = types.ModuleType(f"hidden_tests_{len(_TESTS)}")
        module.__file__ = filename
        exec(compile(source, filename, "exec"), module.__dict__)
        for part in module.POINTS:
            _TESTS[part] = getattr(module, f"test_{part}")
    return Verdict(f"loaded {len(_TESTS)} tests")


def _seed() -> None:
    # Same state before every test, whatever ran before: grading is repeatable.
    random.seed(0)
    try:
        import numpy as np
        np.random.seed(0)
    except ImportError:
        pass


def _assertion_message(e: AssertionError) -> str:
    if str(e).strip():
        return str(e).strip()
    frame = traceback.extract_tb(e.__traceback__)[-1]
    return f"the test's assertion failed (line {frame.lineno}: `{(frame.line or '').strip()}`)"


def _score(value) -> tuple[float, str]:
    """A test's return value as (fraction of the points, message)."""
    if value is None or value is True:
        return 1.0, ""
    if value is False:
        return 0.0, ""
    message = ""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], str):
        value, message = value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value), message
    raise TypeError(f"a grading test must return None, a fraction in [0, 1] or "
                    f"(fraction, message); got {value!r}")


def run(part: str, namespace: dict, marker: str) -> Verdict:
    """Run ``test_<part>`` on a copy of ``namespace``; the verdict as one line."""
    ns = {k: v for k, v in namespace.items() if not k.startswith("_")}
    _seed()
    try:
        value = _TESTS[part](ns)
    except AssertionError as e:
        fraction, message = 0.0, _assertion_message(e)
    except Exception as e:          # the student's code raised inside the test
        text, hint = describe_exception(e)
        fraction, message = 0.0, text + (f" ({hint})" if hint else "")
    else:
        try:
            fraction, message = _score(value)
        except TypeError as e:      # a bug in the grading test, not the student's
            fraction, message = 0.0, f"grading error, tell your instructor: {e}"
    return Verdict(marker + json.dumps({"part": part, "fraction": fraction,
                                        "message": message}, ensure_ascii=False))
