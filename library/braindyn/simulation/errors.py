"""The errors a run can end with, and where in the student's code they point.

Every message is short (well under 20 lines), names the student's line when
there is one, and says what to write instead.
"""
from __future__ import annotations

# a model that cannot be compiled, and the student's line in a message, are the
# same as for a plain compiled function (bm.jit, integrate)
from ..math.compile import CompileError, source_line, students_frame  # noqa: F401


class SimulationError(FloatingPointError):
    """The simulation produced NaN or inf."""


def nan_error(node, attr, t_end, dt) -> SimulationError:
    return SimulationError(
        f"{node.name}.{attr} became NaN or inf at t = {t_end:.6g} ms (dt = {dt} ms): the "
        f"integration is unstable at this step size. Use a smaller dt, or a more stable "
        f"method (method='exponential_euler' tolerates large steps on HH-type models; "
        f"'rk4' is more accurate than 'euler')")
