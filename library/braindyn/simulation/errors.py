"""The errors a run can end with, and where in the student's code they point.

Every message is short (well under 20 lines), names the student's line when
there is one, and says what to write instead.
"""
from __future__ import annotations

import linecache
import os
import traceback


class SimulationError(FloatingPointError):
    """The simulation produced NaN or inf."""


class CompileError(RuntimeError):
    """The model could not be compiled; the message says why and what to try."""


def nan_error(node, attr, t_end, dt) -> SimulationError:
    return SimulationError(
        f"{node.name}.{attr} became NaN or inf at t = {t_end:.6g} ms (dt = {dt} ms): the "
        f"integration is unstable at this step size. Use a smaller dt, or a more stable "
        f"method (method='exponential_euler' tolerates large steps on HH-type models; "
        f"'rk4' is more accurate than 'euler')")


def source_line(filename: str, lineno: int) -> str:
    """'file.py, line 12: <the code>' for a place in the student's code."""
    text = linecache.getline(filename, lineno).strip()
    short = os.path.basename(filename) if not filename.startswith("<") else filename
    return f"{short}, line {lineno}: {text}" if text else f"{short}, line {lineno}"


# Frames in these folders are the machinery, never the student's line.
_MACHINERY = (os.sep + "jax" + os.sep, os.sep + "jaxlib" + os.sep, os.sep + "numpy" + os.sep,
              os.sep + "numba" + os.sep,
              os.path.join("braindyn", "simulation") + os.sep,
              os.path.join("braindyn", "math") + os.sep,
              os.path.join("braindyn", "integrators") + os.sep)


def students_frame(tb) -> tuple[str, int] | None:
    """(file, line) of the innermost frame of a traceback that is not machinery."""
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        name = frame.f_code.co_filename
        if not any(part in name for part in _MACHINERY) and not name.startswith("<braindyn"):
            found = (name, lineno)
    return found
