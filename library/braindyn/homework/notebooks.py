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
3. Part by part: the code cells are grouped into sections (``sections_of``:
   the setup cells, then one per "Part N" heading); each section's cells share
   one time budget (``timeout`` seconds); a cell that outlives it is
   interrupted and the rest of that section skipped, and the next section
   starts with a budget of its own.  A cell's output beyond ``max_output``
   bytes is dropped (a note says so) and the cell is stopped, so a runaway
   ``print`` loop cannot fill memory.  The output is counted inside the kernel
   (``output_cap.py``), so a flood is stopped at the same write on every run;
   the client counts too, and drops what escapes that count.  A cell that
   hits both limits is reported as printing too much: that limit is counted
   in bytes, the other in seconds, and a busy machine must not change the
   report.
4. After each section, ``after`` cells (the tools' own code: collecting
   self-check results, grading collectors) run in the same kernel, each with
   its own time limit, so that one endless call costs one thing only.
5. When the kernel dies (``exit()``, ``os._exit``, a crash, out of memory) or
   stops answering, a new one is started, the cells that had run are run
   again (without the one that killed it), and the run goes on: a crash costs
   the parts it touches, not the ones after it.

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
        raise NotebookError(f"{path}：没有这个文件 / {path}: no such file")
    if path.is_dir():
        raise NotebookError(f"{path} 是文件夹：请给出 .ipynb 文件的路径 / {path} is a folder: give "
                            f"the path of a .ipynb file")
    return parse_notebook(path.read_bytes(), str(path))


def parse_notebook(data: bytes, label: str) -> NotebookNode:
    """Parse notebook bytes (``label`` names the file in error messages)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError(f"{label} 不是笔记本（不是 UTF-8 文本）/ {label} is not a notebook (not "
                            f"UTF-8 text)") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise NotebookError(f"{label} 不是笔记本：第 {e.lineno} 行的 JSON 有误，文件保存完整了吗？ / "
                            f"{label} is not a notebook: invalid JSON at line {e.lineno} "
                            f"({e.msg}); was it saved completely?") from None
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError(f"{label} 是 JSON，但不是 Jupyter 笔记本（没有 'cells'）/ {label} is "
                            f"JSON but not a Jupyter notebook (no 'cells')")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # nbformat raises several types for old or odd files
        raise NotebookError(f"{label} 无法作为笔记本读取 / {label} could not be read as a "
                            f"notebook: {e}") from None
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
    evalue_zh: str = ""        # evalue in Chinese, for the problems this module words

    def describe(self) -> str:
        """One line, in Chinese and English."""
        if self.index >= 0:
            zh, en = f"第 {self.index + 1} 个单元格（`{self.line}`）", \
                f"cell {self.index + 1} (`{self.line}`)"
        else:
            zh = en = self.line
        why = self.evalue_zh or self.evalue
        if self.kind == "error":
            value = f": {self.evalue}" if self.evalue else ""
            return f"{zh}抛出 {self.ename} / {en} raised {self.ename}{value}"
        if self.kind == "timeout":
            return f"{zh}被停止：{why} / {en} was stopped: {self.evalue}"
        if self.kind == "output":
            return f"{zh}输出过多：{why} / {en} printed too much: {self.evalue}"
        if self.kind == "dead":
            return f"{zh}：内核退出了（{why}）/ {en}: the kernel died ({self.evalue})"
        return f"{zh}没有运行：{why} / {en} was not run: {self.evalue}"


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
            self.asked_exit = False

        def remember_reply(self, cell, cell_index, execute_reply) -> None:
            # nbclient's hook after each cell: keep the reply's error name (our
            # time limit shows up here, with ename _TIME_LIMIT_ENAME).
            content = (execute_reply or {}).get("content", {})
            if content.get("status") == "error":
                self.last_reply_ename = content.get("ename", "")
            # exit() / quit(): the kernel answers, then shuts itself down
            self.asked_exit = any(isinstance(p, dict) and p.get("source") == "ask_exit"
                                  for p in content.get("payload") or [])

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


@dataclass
class Section:
    """Cells run together: the setup, or one part of an assignment, with its own time
    budget, and ``after`` cells (the tools' own code: self-check verdicts, the
    grader's collectors) run once its cells are done, each with its own limit."""

    name: str                   # "setup", "part1", ...: what the after cells report under
    cells: list[int]            # indices of the notebook's code cells, in order
    after: list[str] = field(default_factory=list)


@dataclass
class AfterResult:
    """What one ``after`` cell printed, or why it could not run to the end."""

    outputs: list = field(default_factory=list)
    problem: CellProblem | None = None


@dataclass
class Execution:
    """A finished run: the executed notebook and what went wrong."""

    notebook: NotebookNode                      # the student's cells, with their new outputs
    problems: list[CellProblem] = field(default_factory=list)
    after: dict[str, list[AfterResult]] = field(default_factory=dict)   # per section
    restarts: int = 0                           # kernels started again after one died
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def after_outputs(self) -> list[list]:
        """The outputs of every after cell, in order (all sections)."""
        return [r.outputs for rs in self.after.values() for r in rs]

    @property
    def after_problems(self) -> list[CellProblem | None]:
        return [r.problem for rs in self.after.values() for r in rs]


# A part starts at a markdown heading that names it: "## 第二部分 ... / Part 2: ...".
_PART_HEADING = re.compile(r"^\s{0,3}#{1,6}\s.*?\bPart\s+(\d+)\b", re.IGNORECASE | re.MULTILINE)


def sections_of(nb: NotebookNode) -> list[Section]:
    """The notebook's code cells grouped by part: ``setup`` (the cells before the
    first part), then ``part1``, ``part2``, ... as the markdown headings say
    ("Part 1", in any heading level).  A notebook without such headings is one
    section, ``notebook``.  A heading of a part seen before (or of a smaller
    number) does not start a new section."""
    sections = [Section("setup", [])]
    seen = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            numbers = [int(n) for n in _PART_HEADING.findall(cell.get("source", ""))]
            if numbers and numbers[0] > seen:
                seen = numbers[0]
                sections.append(Section(f"part{seen}", []))
        elif cell.cell_type == "code" and cell.get("source", "").strip():
            sections[-1].cells.append(i)
    if len(sections) == 1:
        sections[0].name = "notebook"
    elif not sections[0].cells:
        sections.pop(0)
    return sections


class _TimeLimit:
    """The limits of what runs now (a section's cells, or one after cell): seconds of
    the kernel's CPU time (``cpu``), and a wall-clock deadline ``WALL_FACTOR`` times
    as long (a cell that waits without computing, on a machine busy with other work).

    The CPU time is what a notebook's own work costs, whatever else the machine is
    doing: a correct part gets the same budget on a busy machine as on an idle one,
    and an endless loop costs the same there too."""

    def __init__(self):
        self.deadline = time.monotonic()
        self.cpu_deadline: float | None = None
        self.seconds = 0.0

    def start(self, seconds: float, cpu_now: float | None = None) -> None:
        """``seconds`` of CPU time from ``cpu_now``; where the kernel's CPU time cannot
        be read (not Linux), ``seconds`` on the clock."""
        self.seconds = seconds
        factor = 1 if cpu_now is None else WALL_FACTOR
        self.deadline = time.monotonic() + seconds * factor
        self.cpu_deadline = None if cpu_now is None else cpu_now + seconds

    def left(self, cell=None) -> float:
        return max(1.0, self.deadline - time.monotonic())


WALL_FACTOR = 5      # the wall-clock limit: this many times the CPU-time limit
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_of(pid: int | None) -> float | None:
    """CPU seconds used by a process and the children it waited for (Linux), or None."""
    if pid is None:
        return None
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / _TICKS     # utime stime cutime cstime
    except (OSError, ValueError, IndexError):
        return None


class _Kernel:
    """One kernel and its client: cells in, (kind, ename, evalue, tail) out."""

    def __init__(self, metadata, workdir: pathlib.Path, max_output: int, prelude: str,
                 startup_timeout: float, env: dict[str, str]):
        import contextlib
        import subprocess

        self.nb = nbformat.v4.new_notebook(metadata=metadata)
        self.limit = _TimeLimit()
        self.max_output = max_output
        self.client = _make_client_class()(
            self.nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIME_LIMIT_ENAME, "evalue": "", "traceback": []},
            timeout_func=self.limit.left, startup_timeout=startup_timeout,
            shutdown_kernel="immediate", record_timing=False,
            # ipykernel's own start-up warnings would reach the student's terminal
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            # nbclient's stream coalescing runs a regex that is quadratic on one long
            # line (a 3 MB print takes hours): keep the streams as they come.
            coalesce_streams=False, resources={"metadata": {"path": str(workdir)}})
        self.client.max_output = max_output
        self.client.on_cell_executed = self.client.remember_reply
        self.alive = True
        self.cpu_exceeded = False
        self._stack = contextlib.ExitStack()
        try:
            # The kernel's own stdout and stderr go nowhere: what a cell prints reaches
            # the client as messages; nothing of the kernel can write to ours.
            self._stack.enter_context(self.client.setup_kernel(
                env=env, cwd=str(workdir), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        except BaseException:
            self._stack.close()
            raise
        self.limit.start(startup_timeout)
        self.run(prelude, store_history=False)

    @property
    def pid(self) -> int | None:
        try:
            return self.client.km.provisioner.process.pid
        except AttributeError:
            return None

    def cpu(self) -> float | None:
        """The kernel's CPU time so far (seconds), None where it cannot be read."""
        return _cpu_of(self.pid)

    def start(self, seconds: float) -> None:
        """Limits for what runs next: ``seconds`` of CPU time (and WALL_FACTOR times as
        long on the clock)."""
        self.limit.start(seconds, self.cpu())

    def _watch(self, stop) -> None:
        """While a cell runs: interrupt it once the kernel has used up its CPU time; kill
        the kernel if it goes on computing 10 s after that (SIGINT ignored, C code)."""
        import signal

        pid = self.pid
        while not stop.wait(0.2):
            used = _cpu_of(pid)
            if used is None or self.limit.cpu_deadline is None:
                return
            if used > self.limit.cpu_deadline:
                self.cpu_exceeded = True
                try:
                    os.kill(pid, signal.SIGINT)
                    if not stop.wait(10.0):
                        os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                return

    def run(self, source_or_cell, store_history: bool = True):
        """Run one cell until the current deadline; (kind, ename, evalue, tail, cell).

        kind is "" (fine), "error", "timeout", "output" (too much) or "dead".  Too
        much output is reported before the time limit: the output limit is
        counted in bytes, in the kernel, and reached at the same point on every
        run; when a cell is stopped by the time limit depends on the machine."""
        from nbclient.exceptions import DeadKernelError

        cell = source_or_cell if isinstance(source_or_cell, dict) else \
            nbformat.v4.new_code_cell(source_or_cell)
        cell = nbformat.from_dict(json.loads(json.dumps(cell)))
        cell.outputs, cell.execution_count = [], None
        self.nb.cells.append(cell)
        self.client.start_cell()
        self.cpu_exceeded = False
        import threading
        stop = threading.Event()
        watchdog = threading.Thread(target=self._watch, args=(stop,), daemon=True)
        watchdog.start()
        try:
            self.client.execute_cell(cell, len(self.nb.cells) - 1, store_history=store_history)
        except DeadKernelError:
            self.alive = False
            return ("timeout" if self.cpu_exceeded else "dead"), "", "", "", cell
        except Exception as e:      # the kernel's channels failed (it died mid-message)
            self.alive = False
            return ("timeout" if self.cpu_exceeded else "dead"), "", f"{type(e).__name__}", \
                "", cell
        finally:
            stop.set()
            watchdog.join()
        if self.client.asked_exit:     # exit() in the cell: this kernel is going away
            self.close()
            return "dead", "", "exit()", "", cell
        ename, evalue, tail = _error_from_outputs(cell.outputs)
        if self.client.flooded or self.client.last_reply_ename == _OUTPUT_LIMIT_ENAME:
            return "output", "", f"more than {self.max_output:,} bytes of output", "", cell
        if self.client.last_reply_ename == _TIME_LIMIT_ENAME or self.cpu_exceeded:
            return "timeout", "", "", "", cell
        if ename:
            return "error", ename, evalue, tail, cell
        return "", "", "", "", cell

    def out_of_time(self) -> bool:
        return self.client.last_reply_ename == _TIME_LIMIT_ENAME or self.cpu_exceeded

    def responds(self) -> bool:
        """After an interrupted cell: does the kernel still answer a trivial one?"""
        if not self.alive:
            return False
        self.limit.start(_ALIVE_PROBE_TIMEOUT)       # on the clock: it must answer at once
        kind = self.run("pass", store_history=False)[0]
        if kind:
            self.alive = False
        return self.alive

    def close(self) -> None:
        try:
            self._stack.close()
        except Exception:           # a kernel that died is cleaned up as far as it goes
            pass
        self.alive = False


def execute(nb: NotebookNode, workdir: str | os.PathLike, *, timeout: float,
            sections: list[Section] | None = None, after: list[str] = (),
            stop_on_error: bool = False, max_output: int = MAX_OUTPUT_BYTES,
            after_timeout: float = 60.0, startup_timeout: float = 60.0,
            max_restarts: int = 6, env: dict[str, str] | None = None,
            prelude: str = "") -> Execution:
    """Run ``nb`` (a copy is made) in a fresh kernel whose working directory is ``workdir``.

    The code cells run section by section (``sections``; by default the whole
    notebook is one section, with ``after`` as its after cells).  Each section's
    cells share ``timeout`` seconds: a cell that outlives the budget is
    interrupted and the rest of that section is skipped, while the next section
    starts with a budget of its own.  With ``stop_on_error`` the run stops at the
    first problem; otherwise every cell runs, as in Jupyter's "Run All" with
    errors allowed.  Each section's after cells get ``after_timeout`` seconds each.

    When the kernel dies (``exit()``, a crash, out of memory) or stops answering,
    a new one is started, the cells that had run cleanly are run again in order
    (the state the next cells expect, made by the earlier cells only), and the
    run goes on after the cell that killed it: it costs that cell, not the parts
    after it.  At most ``max_restarts`` times.

    ``prelude``: code of the tools run in every new kernel before the first cell
    (``braindyn grade``: the hidden tests' ``SETUP``).
    """
    from jupyter_client.kernelspec import NoSuchKernel

    workdir = pathlib.Path(workdir)
    student = nbformat.from_dict(json.loads(json.dumps(nb)))     # deep copy
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if sections is None:
        code = [i for i, c in enumerate(student.cells)
                if c.cell_type == "code" and c.source.strip()]
        sections = [Section("notebook", code, list(after))]
    prelude = _PRELUDE + _INSTALL_CAP.format(limit=int(max_output)) + \
        (f"\n{prelude}\n" if prelude else "")
    kernel_environment = env if env is not None else kernel_env(workdir)
    result = Execution(notebook=student)
    started = time.monotonic()
    clean: list[int] = []           # cells that ran to their end (an error included), in order
    kernel: _Kernel | None = None
    stopped = False

    starts = 0

    def new_kernel() -> _Kernel | None:
        """A kernel with the clean cells run again (None: it would not start)."""
        nonlocal kernel, starts
        if kernel is not None:
            kernel.close()
        if starts:
            result.restarts += 1
        starts += 1
        kernel = None
        try:
            k = _Kernel(student.metadata, workdir, max_output, prelude, startup_timeout,
                        kernel_environment)
        except NoSuchKernel:
            raise UsageError("no Jupyter kernel named python3: install ipykernel in this "
                             "environment (pip install ipykernel)") from None
        except Exception as e:     # died while starting
            result.problems.append(CellProblem(-1, "dead", line="(kernel start)",
                                               evalue=f"the kernel could not start: {e}",
                                               evalue_zh=f"内核无法启动：{e}"))
            return None
        k.start(timeout)
        for index in clean:
            kind = k.run(student.cells[index])[0]
            if kind == "dead" or (kind == "timeout" and not k.responds()):
                break           # the state cannot be rebuilt: go on with what there is
        kernel = k
        return k

    def usable() -> _Kernel | None:
        if kernel is not None and kernel.alive:
            return kernel
        if starts > max_restarts:
            return None
        return new_kernel()

    try:
        for section in sections:
            k = usable()
            if k is not None:
                k.start(timeout)
            for position, index in enumerate(section.cells):
                line = first_line(student.cells[index])
                if stopped or k is None:
                    why = ("an earlier cell stopped the run", "前面的单元格中止了运行") if stopped \
                        else ("the kernel could not be started again", "内核无法再次启动")
                    result.problems.append(CellProblem(index, "skipped", evalue=why[0], line=line,
                                                       evalue_zh=why[1]))
                    continue
                kind, ename, evalue, tail, ran = k.run(student.cells[index])
                student.cells[index].outputs = ran.get("outputs", [])
                student.cells[index].execution_count = ran.get("execution_count")
                if kind == "dead":
                    result.problems.append(CellProblem(
                        index, "dead", evalue="out of memory, a crash, or exit() in the code",
                        line=line, evalue_zh="内存不足、崩溃，或代码里的 exit()"))
                    stopped = stop_on_error
                    k = None if stopped else usable()
                    if k is not None:
                        k.start(timeout)
                    continue
                if kind == "timeout":
                    result.problems.append(CellProblem(
                        index, "timeout", evalue=f"the time limit of {timeout:g} s for "
                        f"{_section_label(section)} was reached", line=line,
                        evalue_zh=f"{_section_label(section, 'zh')}的时限 {timeout:g} s 已到"))
                elif kind:
                    result.problems.append(CellProblem(
                        index, kind, ename, evalue, line, tail,
                        f"输出超过 {max_output:,} 字节" if kind == "output" else ""))
                if kind in ("", "error"):
                    clean.append(index)      # run again after a restart: the same state
                stopped = stop_on_error and bool(kind)
                if k.out_of_time():     # the budget is spent: skip the rest of the section
                    for rest in section.cells[position + 1:]:
                        result.problems.append(CellProblem(
                            rest, "skipped", evalue=f"the time limit for "
                            f"{_section_label(section)} was reached in an earlier cell",
                            line=first_line(student.cells[rest]),
                            evalue_zh=f"{_section_label(section, 'zh')}的时限在前面的单元格已到"))
                    if not k.responds():
                        k = None
                    break
            results = result.after.setdefault(section.name, [])
            for source in section.after:
                k = usable()
                if k is None:
                    results.append(AfterResult([], CellProblem(
                        -1, "skipped", line="(checks)", evalue="the kernel stopped responding",
                        evalue_zh="内核不再响应")))
                    continue
                k.start(after_timeout)
                kind, ename, evalue, tail, ran = k.run(source, store_history=False)
                zh = ""
                if kind == "timeout":
                    evalue, zh = f"it took longer than {after_timeout:g} s", \
                        f"用时超过 {after_timeout:g} s"
                    k.responds()
                elif kind == "dead":
                    evalue, zh = "the kernel died", "内核退出了"
                elif kind == "output":
                    zh = f"输出超过 {max_output:,} 字节"
                results.append(AfterResult(ran.get("outputs", []), CellProblem(
                    -1, kind, ename, evalue, "(checks)", tail, zh) if kind else None))
    finally:
        if kernel is not None:
            kernel.close()
    result.seconds = time.monotonic() - started
    return result


def _section_label(section: Section, language: str = "en") -> str:
    if section.name == "notebook":
        return "整个笔记本" if language == "zh" else "the whole notebook"
    if section.name.startswith("part"):
        return f"第 {section.name[4:]} 部分" if language == "zh" else f"part {section.name[4:]}"
    return f"{section.name} 单元格" if language == "zh" else f"the {section.name} cells"


def fresh_workdir(prefix: str = "braindyn-") -> pathlib.Path:
    """A new private temporary folder (the caller removes it)."""
    return pathlib.Path(tempfile.mkdtemp(prefix=prefix))
