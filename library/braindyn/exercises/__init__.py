"""Checks for the lessons' exercises (``braindyn.exercises``).

A lesson imports its own module, ``from braindyn.exercises import lesson01 as ex``,
and after each exercise calls one check, ``ex.check_lif_membrane(lif_membrane)``.
A check compares the student's function with an answer it builds itself (a closed
form, a reference implementation written in the lesson's module, or scipy) on
several inputs, prints a verdict in English and Chinese, and never raises, so
"Run All" goes on past an unfinished exercise.

* ``core``: ``check(name_en, name_zh, test) -> Verdict`` and ``expect_close``,
  the pieces every lesson's module is built from.
* ``lesson01`` ... ``lessonNN``: one module per lesson, imported on demand.

See ``lessons/README.md`` ("For authors") for the contract a lesson follows.
"""
from .core import Verdict, check, expect_close, expect_true

__all__ = ["Verdict", "check", "expect_close", "expect_true"]
