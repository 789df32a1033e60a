"""Reading notebooks and running them in a fresh kernel, safely.

Every command of the homework tools (``check``, ``submit``, ``grade``) runs a
student's notebook the same way, through :func:`execute`:

1. The notebook is run from a temporary folder that holds nothing but a copy
   of it: the student's file is only ever read, and the kernel's working
   directory (and ``TMPDIR``) is that folder, so two runs never share files.
2. A fresh IPython kernel (``python3``, the Python of this environment) runs
   the cells one by one with nbclient.  ``PYTHONHASHSEED`` is fixed and the
   ``random`` and NumPy generators are seeded before the first cell, so the
   same notebook gives the same numbers twice.
3. Limits: the code cells share one time budget (``timeout`` seconds); a cell
   that outlives it is interrupted and the cells after it are not run.  A
   cell's output beyond ``max_output`` bytes is dropped (a note says so) and
   the cell is stopped, so a runaway ``print`` loop cannot fill memory.  The
   output is counted inside the kernel (``output_cap.py``), so a flood is
   stopped at the same write on every run; the client counts too, and drops
   what escapes that count.  A cell that hits both limits is reported
   as printing too much: that limit is counted in bytes, the other in seconds,
   and a busy machine must not change the report.
4. After the student's cells, ``after`` cells (the tools' own code: collecting
   self-check results, hidden grading tests) run in the same kernel, each with
   its own time limit, so that one endless test costs one part only.

Problems (an exception, the time limit, too much output, a dead kernel) are
returned as :class:`CellProblem` records that say which cell and what
happened; this module never prints.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import tempfile
import time
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

from .errors import NotebookError, UsageError
from .output_cap import NOTE, NOTE_MARKER, OutputLimitExceeded

# Each cell may print or draw this many bytes (about 20 figures or 2 MB of text).
MAX_OUTPUT_BYTES = 2_000_000
# The ename nbclient reports for a cell stopped by our time limit.
_TIME_LIMIT_ENAME = "BraindynTimeLimit"
# The ename of a cell stopped by the output limit counted in the kernel.
_OUTPUT_LIMIT_ENAME = OutputLimitExceeded.__name__
# After an interrupted cell, the kernel must answer a trivial cell this fast
# (seconds), otherwise it is considered stuck and nothing more is run.
_ALIVE_PROBE_TIMEOUT = 10
# Run before the first student cell (not stored in the notebook): the same
# notebook must give the same numbers on every run.
_PRELUDE = """\
import random as _bd_random
_bd_random.seed(0)
try:
    import numpy as _bd_np
    _bd_np.random.seed(0)
    del _bd_np
except ImportError:
    pass
del _bd_random
"""
# Then the output limit, counted in the kernel (output_cap.py); without it
# (braindyn not importable there) the client's count still applies.
_INSTALL_CAP = """\
try:
    __import__("braindyn.homework.output_cap", fromlist=["install"]).install({limit})
except ImportError:
    pass
"""


def sha256(path: str | os.PathLike) -> str:
    """Hex digest of a file's bytes (to prove a file was left unchanged)."""
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def read_notebook(path: str | os.PathLike) -> NotebookNode:
    """Read a notebook file, or raise NotebookError saying what is wrong with it."""
    path = pathlib.Path(path)
    if not path.exists():
        raise NotebookError(f"{path}: no such file")
    if path.is_dir():
        raise NotebookError(f"{path} is a folder: give the path of a .ipynb file")
    return parse_notebook(path.read_bytes(), str(path))


def parse_notebook(data: bytes, label: str) -> NotebookNode:
    """Parse notebook bytes (``label`` names the file in error messages)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError(f"{label} is not a notebook (not UTF-8 text)") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise NotebookError(f"{label} is not a notebook: invalid JSON at line {e.lineno} "
                            f"({e.msg}); was it saved completely?") from None
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError(f"{label} is JSON but not a Jupyter notebook (no 'cells')")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # nbformat raises several types for old or odd files
        raise NotebookError(f"{label} could not be read as a notebook: {e}") from None
    return nb


def first_line(cell: NotebookNode, width: int = 50) -> str:
    """The first non-empty line of a cell, shortened: how a student finds the cell."""
    for line in cell.get("source", "").splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[:width - 3] + "..."
    return "(empty cell)"


@dataclass
class CellProblem:
    """Why a cell did not run to the end."""

    index: int          # position in the notebook, 0-based (cells of every type count)
    kind: str           # "error", "timeout", "output" (too much), "dead" (kernel died), "skipped"
    ename: str = ""     # exception name, for kind == "error"
    evalue: str = ""
    line: str = ""      # the cell's first line, to find it
    traceback_tail: str = ""   # the last lines of the traceback (plain text)

    def describe(self) -> str:
        where = f"cell {self.index + 1} (`{self.line}`)" if self.index >= 0 else self.line
        if self.kind == "error":
            value = f": {self.evalue}" if self.evalue else ""
            return f"{where} raised {self.ename}{value}"
        if self.kind == "timeout":
            return f"{where} was stopped: {self.evalue}"
        if self.kind == "output":
            return f"{where} printed too much: {self.evalue}"
        if self.kind == "dead":
            return f"{where}: the kernel died ({self.evalue})"
        return f"{where} was not run: {self.evalue}"


@dataclass
class Execution:
    """A finished run: the executed notebook and what went wrong."""

    notebook: NotebookNode                      # the student's cells, with their new outputs
    problems: list[CellProblem] = field(default_factory=list)
    after_outputs: list[list] = field(default_factory=list)     # outputs of each ``after`` cell
    after_problems: list[CellProblem | None] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _error_from_outputs(outputs) -> tuple[str, str, str]:
    for out in outputs:
        if out.get("output_type") == "error":
            tb = _strip_ansi("\n".join(out.get("traceback", [])))
            tail = "\n".join(tb.strip().splitlines()[-6:])
            # IPython names a cell's code "<random digits>.py": say "line N" only.
            evalue = re.sub(r"\(\d+\.py, line (\d+)\)", r"(line \1)", out.get("evalue", ""))
            return out.get("ename", ""), evalue, tail
    return "", "", ""


def _output_size(out) -> int:
    if out.get("output_type") == "stream":
        return len(out.get("text", ""))
    return len(json.dumps(out.get("data", {}), default=str)) + len(str(out.get("traceback", "")))


def _make_client_class():
    # nbclient is imported here so that ``import braindyn.homework`` stays light.
    from nbclient import NotebookClient

    class LimitedClient(NotebookClient):
        """nbclient's client with a cap on the output each cell may produce."""

        max_output = MAX_OUTPUT_BYTES

        def start_cell(self) -> None:
            self.cell_bytes = 0
            self.flooded = False
            self.last_reply_ename = ""

        def remember_reply(self, cell, cell_index, execute_reply) -> None:
            # nbclient's hook after each cell: keep the reply's error name (our
            # time limit shows up here, with ename _TIME_LIMIT_ENAME).
            content = (execute_reply or {}).get("content", {})
            if content.get("status") == "error":
                self.last_reply_ename = content.get("ename", "")

        def output(self, outs, msg, display_id, cell_index):
            out = super().output(outs, msg, display_id, cell_index)
            if out is None or out.get("output_type") in ("error", "execute_result"):
                return out      # small, and needed to report what happened
            if out.get("output_type") == "stream" and NOTE_MARKER in out.get("text", ""):
                if self.flooded:         # the client's note is there already
                    outs.remove(out)
                    return None
                self.flooded = True      # the kernel's own count stopped the cell
                return out
            room = self.max_output - self.cell_bytes
            self.cell_bytes += _output_size(out)
            if self.cell_bytes <= self.max_output:
                return out
            if out.get("output_type") == "stream" and room > 0 and not self.flooded:
                out["text"] = out["text"][:room]       # keep what fits
            else:
                outs.remove(out)
            if not self.flooded:
                self.flooded = True
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr", text=f"\n{NOTE.format(limit=self.max_output)}\n"))
            # No interrupt from here: sent while the client reads, it could reach the
            # kernel during a later cell.  The kernel stops a flood itself (output_cap.py);
            # output that escapes its count is dropped here, and the time limit ends it.
            return None

    return LimitedClient


def kernel_env(workdir: pathlib.Path) -> dict[str, str]:
    """The kernel's environment: fixed hash seed, temporary files in its own folder."""
    env = dict(os.environ)
    env.update(PYTHONHASHSEED="0", TMPDIR=str(workdir), TEMP=str(workdir), TMP=str(workdir),
               # ipykernel's debugger warns about frozen modules on every start
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


def execute(nb: NotebookNode, workdir: str | os.PathLike, *, timeout: float,
            stop_on_error: bool = False, max_output: int = MAX_OUTPUT_BYTES,
            after: list[str] = (), after_timeout: float = 60.0,
            startup_timeout: float = 60.0) -> Execution:
    """Run ``nb`` (a copy is made) in a fresh kernel whose working directory is ``workdir``.

    ``timeout`` (seconds) is the budget of all code cells together.  With
    ``stop_on_error`` the run stops at the first problem, otherwise every cell
    runs as in Jupyter's "Run All" with errors allowed.  ``after`` cells run
    afterwards in the same kernel (unless it died or is stuck), each with
    ``after_timeout`` seconds.
    """
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import DeadKernelError

    workdir = pathlib.Path(workdir)
    student = nbformat.from_dict(json.loads(json.dumps(nb)))     # deep copy
    code = [i for i, c in enumerate(student.cells) if c.cell_type == "code" and c.source.strip()]
    run_nb = nbformat.v4.new_notebook(metadata=student.metadata)
    prelude = _PRELUDE + _INSTALL_CAP.format(limit=int(max_output))
    run_nb.cells = ([nbformat.v4.new_code_cell(prelude)] + [student.cells[i] for i in code]
                    + [nbformat.v4.new_code_cell(src) for src in after])
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None

    deadline = [time.monotonic() + timeout]
    client = _make_client_class()(
        run_nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": _TIME_LIMIT_ENAME, "evalue": "", "traceback": []},
        timeout_func=lambda cell: max(1.0, deadline[0] - time.monotonic()),
        startup_timeout=startup_timeout, shutdown_kernel="immediate", record_timing=False,
        # ipykernel's own start-up warnings would reach the student's terminal
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        # nbclient's stream coalescing runs a regex that is quadratic on one long
        # line (a 3 MB print takes hours): keep the streams as they come.
        coalesce_streams=False, resources={"metadata": {"path": str(workdir)}})
    client.max_output = max_output
    result = Execution(notebook=student)
    started = time.monotonic()
    kernel_usable, timed_out = True, False

    def run_cell(run_index: int) -> tuple[str, str, str, str]:
        """Run one cell; return (kind, ename, evalue, traceback tail), kind "" if fine.

        Too much output is reported before the time limit: the output limit is
        counted in bytes, in the kernel, and reached at the same point on every
        run; when a cell is stopped by the time limit depends on the machine."""
        client.start_cell()
        cell = client.execute_cell(run_nb.cells[run_index], run_index, store_history=run_index > 0
                                   and run_index <= len(code))
        ename, evalue, tail = _error_from_outputs(cell.outputs)
        if client.flooded or client.last_reply_ename == _OUTPUT_LIMIT_ENAME:
            return "output", "", f"more than {max_output:,} bytes of output", ""
        if client.last_reply_ename == _TIME_LIMIT_ENAME:
            return "timeout", "", "", ""
        if ename:
            return "error", ename, evalue, tail
        return "", "", "", ""

    def out_of_time() -> bool:
        """Did the last cell use up its time (whatever run_cell reported)?"""
        return client.last_reply_ename == _TIME_LIMIT_ENAME

    client.on_cell_executed = client.remember_reply
    try:
        with client.setup_kernel(env=kernel_env(workdir), cwd=str(workdir)):
            run_cell(0)                                   # the prelude
            deadline[0] = time.monotonic() + timeout      # the budget starts now
            stopped = False
            for k, nb_index in enumerate(code):
                line = first_line(student.cells[nb_index])
                if stopped:
                    result.problems.append(CellProblem(nb_index, "skipped", evalue="an earlier "
                                                       "cell stopped the run", line=line))
                    continue
                try:
                    kind, ename, evalue, tail = run_cell(k + 1)
                except DeadKernelError:
                    result.problems.append(CellProblem(
                        nb_index, "dead", evalue="out of memory, a crash, or exit() in the code",
                        line=line))
                    stopped, kernel_usable = True, False
                    continue
                finally:
                    student.cells[nb_index].outputs = run_nb.cells[k + 1].get("outputs", [])
                    student.cells[nb_index].execution_count = run_nb.cells[k + 1].get(
                        "execution_count")
                if kind == "timeout":
                    result.problems.append(CellProblem(
                        nb_index, "timeout", evalue=f"the time limit of {timeout:g} s for the "
                        f"whole notebook was reached", line=line))
                elif kind:
                    result.problems.append(CellProblem(nb_index, kind, ename, evalue, line, tail))
                stopped = stop_on_error and bool(kind)
                if out_of_time():          # the budget is spent: the next cells cannot run
                    stopped, timed_out = True, True
            if timed_out and kernel_usable:
                kernel_usable = _responds(client, run_nb)
            for j, _src in enumerate(after):
                run_index = 1 + len(code) + j
                if not kernel_usable:
                    result.after_outputs.append([])
                    result.after_problems.append(CellProblem(
                        -1, "skipped", line="(checks)", evalue="the kernel stopped responding"))
                    continue
                deadline[0] = time.monotonic() + after_timeout
                try:
                    kind, ename, evalue, tail = run_cell(run_index)
                except DeadKernelError:
                    kernel_usable = False
                    kind, ename, evalue, tail = "dead", "", "the kernel died", ""
                result.after_outputs.append(run_nb.cells[run_index].get("outputs", []))
                if kind == "timeout":
                    evalue = f"it took longer than {after_timeout:g} s"
                if kind != "dead" and out_of_time() and kernel_usable:
                    kernel_usable = _responds(client, run_nb)
                result.after_problems.append(
                    CellProblem(-1, kind, ename, evalue, "(checks)", tail) if kind else None)
    except NoSuchKernel:
        raise UsageError("no Jupyter kernel named python3: install ipykernel in this "
                         "environment (pip install ipykernel)") from None
    except (DeadKernelError, RuntimeError, TimeoutError) as e:   # died starting or stopping
        if not result.problems:
            result.problems.append(CellProblem(-1, "dead", line="(kernel start)",
                                               evalue=f"the kernel could not start: {e}"))
    result.seconds = time.monotonic() - started
    return result


def _responds(client, run_nb) -> bool:
    """After an interrupted cell: does the kernel still answer?"""
    probe = nbformat.v4.new_code_cell("pass")
    run_nb.cells.append(probe)
    saved = client.timeout_func
    client.timeout_func = lambda cell: _ALIVE_PROBE_TIMEOUT
    try:
        client.start_cell()
        client.execute_cell(probe, len(run_nb.cells) - 1, store_history=False)
        return client.last_reply_ename != _TIME_LIMIT_ENAME
    except Exception:
        return False
    finally:
        client.timeout_func = saved
        run_nb.cells.pop()


def fresh_workdir(prefix: str = "braindyn-") -> pathlib.Path:
    """A new private temporary folder (the caller removes it)."""
    return pathlib.Path(tempfile.mkdtemp(prefix=prefix))
