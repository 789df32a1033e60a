"""``braindyn grade SUBMISSIONS --tests DIR --out grades.csv``: grade a batch.

Hidden tests
------------
``--tests DIR`` holds Python files (``*.py``, kept out of the student
release).  Each file declares the points of the parts it grades and one
function per part::

    POINTS = {"part1": 3, "part2": 3}

    def test_part1(ns):                  # ns: the notebook's variables, after it ran
        HH = ns.get("HHEuler")
        assert HH is not None, "define the class of part 1 as HHEuler"
        ...                              # an AssertionError's message is the feedback

    def test_part2(ns):
        ...
        return 0.5, "RK4 is fine, Euler is not"   # partial credit

    MANUAL = {"part4": 2}                # optional: graded by hand, an empty CSV column

A test returns None (full points), a fraction in [0, 1], or (fraction,
message); a failed ``assert`` gives 0 and its message; any other exception
(from the student's code) gives 0 and says which line raised.  Tests run in
the student's kernel after the notebook, one cell per part, each with
``--test-timeout`` seconds and ``random``/NumPy seeded first.

A batch
-------
Each ``*.zip`` (as written by ``braindyn submit``) or ``*.ipynb`` below
SUBMISSIONS is graded in turn: its notebook is copied into a new temporary
folder (the kernel's working directory, removed afterwards), run with a time
limit for the whole notebook (``--timeout``) and an output cap per cell, and
tested.  Cells that fail do not stop the others (as in nbgrader), so a broken
part costs that part only.  A submission that cannot be read, loops forever
or floods the output gets 0 for what could not be tested and a message, and
the batch goes on.  Nothing in SUBMISSIONS is written, moved or deleted.

Output: the CSV (UTF-8 with a byte-order mark, so that Excel shows Chinese
names) with one row per submission: name, id, submission, the points of each
part (hand-graded parts empty, to fill in), total (of the automatic parts),
feedback; and one feedback text file per submission in
``<csv name>_feedback/`` beside it.  The same submission gets the same score
and the same feedback on every run, also on a busy machine: fixed seeds, no
measured times in the feedback, and the output limit counted in bytes inside
the kernel and reported before the time limit when a cell hits both (a flood
that also loops forever reads "printed too much" every time; see notebooks.py).

Each notebook runs in a sandbox of its own (sandbox.py: bubblewrap, no
network, read-only system and kit, nothing of the grader's visible, limits,
every process killed at the end); where none can be made ``grade`` refuses
unless ``use_sandbox=False`` (``--no-sandbox``).
"""
from __future__ import annotations

import csv
import io
import json
import pathlib
import re
import secrets
import sys
import zipfile
from dataclasses import dataclass, field

from .errors import NotebookError, UsageError
from . import sandbox
from .notebooks import MAX_OUTPUT_BYTES, CellProblem, parse_notebook

DEFAULT_TIMEOUT = 300            # seconds for one notebook
DEFAULT_TEST_TIMEOUT = 120       # seconds for one part's test
MAX_NOTEBOOK_BYTES = 50_000_000  # a larger .ipynb in a zip is refused (zip bombs)
NOTEBOOK_NAME = "submission.ipynb"   # the copy's name in its temporary folder
# name_id_label.zip as written by ``braindyn submit``
_FILE_NAME = re.compile(r"^(?P<name>[^_]+)_(?P<id>[0-9]+)(_.*)?$")


@dataclass
class HiddenTests:
    points: dict[str, float]          # part -> points, in the order of the files
    sources: dict[str, str]           # file name -> source text
    manual: dict[str, float] = field(default_factory=dict)   # parts graded by hand


def load_tests(folder: str | pathlib.Path) -> HiddenTests:
    """Read and validate the hidden tests, or UsageError saying what is wrong."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise UsageError(f"--tests {folder}: no such folder")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not files:
        raise UsageError(f"--tests {folder} holds no .py test files")
    points: dict[str, float] = {}
    manual: dict[str, float] = {}
    sources = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        namespace: dict = {"__file__": str(path), "__name__": f"hidden_{path.stem}"}
        try:
            exec(compile(source, str(path), "exec"), namespace)
        except Exception as e:
            raise UsageError(f"{path} fails to load: {type(e).__name__}: {e}") from None
        declared = namespace.get("POINTS")
        if not isinstance(declared, dict) or not declared:
            raise UsageError(f"{path}: declare the parts it grades, e.g. "
                             f"POINTS = {{'part1': 3, 'part2': 2}}")
        hand = namespace.get("MANUAL", {})
        if not isinstance(hand, dict):
            raise UsageError(f"{path}: MANUAL must be a dict such as {{'part4': 2}}")
        for part, value in [*declared.items(), *hand.items()]:
            if not isinstance(part, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
                raise UsageError(f"{path}: part names must be identifiers, got {part!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise UsageError(f"{path}: points of {part} must be a number >= 0, "
                                 f"got {value!r}")
            if part in points or part in manual:
                raise UsageError(f"{path}: {part} is listed twice (in POINTS, MANUAL or "
                                 f"another test file)")
            if part in hand:
                manual[part] = float(value)
                continue
            if not callable(namespace.get(f"test_{part}")):
                raise UsageError(f"{path}: POINTS lists {part} but there is no function "
                                 f"test_{part}(ns)")
            points[part] = float(value)
        sources[path.name] = source
    return HiddenTests(points, sources, manual)


@dataclass
class Graded:
    """One submission's result."""

    submission: str                  # path relative to the submissions folder
    name: str
    student_id: str
    scores: dict[str, float] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)    # cells that failed
    unreadable: str = ""             # why the submission could not be run at all
    feedback: str = ""               # path of the feedback file

    @property
    def total(self) -> float:
        return round(sum(self.scores.values()), 2)


def find_submissions(folder: pathlib.Path) -> tuple[list[pathlib.Path], list[pathlib.Path]]:
    """(zip and notebook files to grade, other files that are ignored), sorted."""
    graded, ignored = [], []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part in ("__MACOSX", ".ipynb_checkpoints")
               for part in rel.parts) or not path.is_file():
            continue
        (graded if path.suffix.lower() in (".zip", ".ipynb") else ignored).append(path)
    return graded, ignored


def _identity_from_name(stem: str) -> tuple[str, str]:
    match = _FILE_NAME.match(stem)
    return (match["name"], match["id"]) if match else (stem, "")


def extract_notebook(path: pathlib.Path) -> tuple[bytes, str, str]:
    """(notebook bytes, name, id) of a submission, or NotebookError saying what is wrong."""
    name, sid = _identity_from_name(path.stem)
    if path.suffix.lower() == ".ipynb":
        data = path.read_bytes()
        if sid == "":
            try:
                student = parse_notebook(data, path.name).metadata.get("braindyn", {})
                name, sid = student.get("name", name), str(student.get("id", ""))
            except NotebookError:
                pass            # reported when the notebook is read for running
        return data, name, sid
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()
                       and "__MACOSX" not in i.filename and ".ipynb_checkpoints" not in i.filename
                       and not pathlib.PurePosixPath(i.filename).name.startswith(".")]
            info = {}
            if any(i.filename == "submission.json" for i in members):
                try:
                    info = json.loads(zf.read("submission.json").decode("utf-8"))
                    name, sid = str(info.get("name", name)), str(info.get("id", sid))
                except (ValueError, UnicodeDecodeError):
                    info = {}
            notebooks = [i for i in members if i.filename.lower().endswith(".ipynb")]
            if info.get("notebook") in [i.filename for i in notebooks]:
                notebooks = [i for i in notebooks if i.filename == info["notebook"]]
            if not notebooks:
                raise NotebookError(f"no .ipynb notebook in the zip (it holds: "
                                    f"{', '.join(i.filename for i in members) or 'nothing'})")
            if len(notebooks) > 1:
                raise NotebookError(f"{len(notebooks)} notebooks in the zip "
                                    f"({', '.join(i.filename for i in notebooks)}): "
                                    f"hand in exactly one")
            if notebooks[0].file_size > MAX_NOTEBOOK_BYTES:
                raise NotebookError(f"the notebook is {notebooks[0].file_size:,} bytes: "
                                    f"more than {MAX_NOTEBOOK_BYTES:,}")
            return zf.read(notebooks[0]), name, sid
    except zipfile.BadZipFile:
        raise NotebookError("not a readable zip file (damaged, or another format renamed to "
                            ".zip)") from None


def _fmt(x: float) -> str:
    return f"{x:g}"


def default_limits(timeout: float, test_timeout: float, after_cells: int) -> sandbox.Limits:
    """A sandbox's limits: its wall clock covers every section and after cell, kernel
    starts and restarts included."""
    wall = 3 * timeout + after_cells * test_timeout + 120
    return sandbox.Limits(wall_seconds=wall, cpu_seconds=int(wall))


class _Report:
    """The runner's report, read as an Execution (problems and after outputs)."""

    def __init__(self, data: dict):
        self.problems = [CellProblem(**_fields(p, CellProblem)) for p in data.get("problems", [])]
        self.after_outputs, self.after_problems = [], []
        for results in data.get("after", {}).values():
            for r in results:
                self.after_outputs.append(list(r.get("outputs") or []))
                p = r.get("problem")
                self.after_problems.append(CellProblem(**_fields(p, CellProblem)) if p else None)
        self.restarts = int(data.get("restarts", 0))


def _fields(data, cls) -> dict:
    """Only the fields of the dataclass ``cls``, as the right types (the report is data)."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    out = {}
    for name, f in cls.__dataclass_fields__.items():
        if name in data:
            value = data[name]
            out[name] = int(value) if f.type in ("int", int) else str(value)
    return out


def run_job(job: dict, use_sandbox: bool, limits: sandbox.Limits) -> tuple[_Report | None, str]:
    """Run one job in a new sandbox (or a plain process); (report, "") or (None, why not)."""
    command = [sys.executable, "-m", "braindyn.homework.runner"]
    stdin = json.dumps(job).encode("utf-8")
    done = sandbox.run(command, stdin, limits) if use_sandbox else \
        sandbox.run_unsandboxed(command, stdin, limits)
    if done.timed_out:
        return None, (f"the notebook ran longer than {limits.wall_seconds:g} s in all and "
                      f"was stopped")
    try:
        return _Report(json.loads(done.stdout.decode("utf-8"))), ""
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        last = (done.stderr.strip().splitlines() or [""])[-1][:300]
        return None, (f"the notebook's run ended without a readable report (exit status "
                      f"{done.returncode}{': ' + last if last else ''})")


def grade_one(path: pathlib.Path, folder: pathlib.Path, tests: HiddenTests, timeout: float,
              test_timeout: float, max_output: int, use_sandbox: bool = True,
              limits: sandbox.Limits | None = None) -> Graded:
    """Grade one submission in its own temporary folder and kernel."""
    rel = path.relative_to(folder).as_posix()
    result = Graded(rel, *_identity_from_name(path.stem))
    result.scores = {part: 0.0 for part in tests.points}
    try:
        data, result.name, result.student_id = extract_notebook(path)
        nb = parse_notebook(data, rel)
    except NotebookError as e:
        result.unreadable = str(e)
        result.messages = {part: "not graded (see above)" for part in tests.points}
        return result

    marker = f"@@braindyn-grade-{secrets.token_hex(8)}@@"
    after = [f"__import__('braindyn.homework.grading_kernel', fromlist=['load'])"
             f".load({tests.sources!r})"]
    after += [f"__import__('braindyn.homework.grading_kernel', fromlist=['run'])"
              f".run({part!r}, globals(), {marker!r})" for part in tests.points]
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    job = {"notebook": data.decode("utf-8"), "name": NOTEBOOK_NAME,
           "sections": [{"name": "notebook", "cells": code, "after": after}],
           "timeout": timeout, "after_timeout": test_timeout, "max_output": max_output}
    execution, failure = run_job(job, use_sandbox, limits or default_limits(
        timeout, test_timeout, len(after)))
    if failure:
        result.unreadable = failure
        result.messages = {part: "not graded (see above)" for part in tests.points}
        return result
    result.problems.extend(p.describe() for p in execution.problems)

    load_problem = execution.after_problems[0] if execution.after_problems else None
    for k, part in enumerate(tests.points, start=1):
        problem = execution.after_problems[k] if k < len(execution.after_problems) else None
        verdict = _read_verdict(execution.after_outputs[k] if k < len(execution.after_outputs)
                                else [], marker)
        if load_problem is not None:
            result.messages[part] = f"not graded: the grading tests could not start " \
                                    f"({load_problem.describe()})"
        elif problem is not None and problem.kind == "output":
            result.messages[part] = f"your code printed more than {max_output:,} bytes " \
                                    f"while {part} was tested"
        elif problem is not None and problem.kind == "timeout":
            result.messages[part] = f"the test of {part} was stopped: {problem.evalue}"
        elif verdict is None:
            result.messages[part] = problem.describe() if problem else "the test gave no result"
        else:
            result.scores[part] = round(verdict["fraction"] * tests.points[part], 2)
            result.messages[part] = verdict["message"]
    return result


def _read_verdict(outputs: list, marker: str) -> dict | None:
    for out in outputs:
        text = out.get("data", {}).get("text/plain", "") if out.get("output_type") == \
            "execute_result" else ""
        if text.startswith(marker):
            return json.loads(text[len(marker):])
    return None


def feedback_text(g: Graded, points: dict[str, float],
                  manual: dict[str, float] | None = None) -> str:
    """The feedback file's text: score per part with the reason for lost points."""
    manual = manual or {}
    maximum = sum(points.values())
    who = f"{g.name} ({g.student_id})" if g.student_id else g.name
    by_hand = f" (+ {_fmt(sum(manual.values()))} graded by hand)" if manual else ""
    lines = [f"Feedback for {who}", f"Submission: {g.submission}",
             f"Score: {_fmt(g.total)} / {_fmt(maximum)}{by_hand}", ""]
    if g.unreadable:
        lines += [f"This submission could not be graded: {g.unreadable}", ""]
    for part, full in points.items():
        line = f"{part}: {_fmt(g.scores.get(part, 0.0))} / {_fmt(full)}"
        message = g.messages.get(part, "")
        lines.append(f"{line}  {message}" if message else line)
    lines += [f"{part}: graded by hand ({_fmt(full)} points)" for part, full in manual.items()]
    if g.problems:
        lines += ["", "Problems while running the notebook (the other cells still ran):"]
        lines += [f"  {p}" for p in g.problems]
    return "\n".join(lines) + "\n"


def _inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def grade(submissions: str | pathlib.Path, tests_dir: str | pathlib.Path,
          out: str | pathlib.Path, timeout: float = DEFAULT_TIMEOUT,
          test_timeout: float = DEFAULT_TEST_TIMEOUT, max_output: int = MAX_OUTPUT_BYTES,
          force: bool = False, progress=print, use_sandbox: bool = True) -> list[Graded]:
    """Grade every submission; write the CSV and the feedback files; return the rows.

    Each submission runs in a sandbox of its own (sandbox.py); where none can be
    made this refuses, unless ``use_sandbox`` is False (``--no-sandbox``)."""
    folder, out = pathlib.Path(submissions), pathlib.Path(out)
    if use_sandbox and sandbox.problem() is not None:
        raise UsageError(f"cannot grade in a sandbox: {sandbox.problem()}. Without one, "
                         f"every student's code would run as you, with your files and the "
                         f"network: pass --no-sandbox only if you accept that (e.g. inside a "
                         f"container made for grading)")
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder of submissions")
    if out.suffix.lower() != ".csv":
        raise UsageError(f"--out {out}: the grades file must end in .csv")
    feedback_dir = out.with_name(out.stem + "_feedback")
    if _inside(out, folder) or _inside(feedback_dir, folder):
        raise UsageError(f"--out {out} is inside the submissions folder, which is never "
                         f"written to: put the grades elsewhere")
    if out.exists() and not force:
        raise UsageError(f"{out} exists already: pass --force to replace it")
    if timeout <= 0 or test_timeout <= 0:
        raise UsageError("--timeout and --test-timeout must be positive numbers of seconds")
    tests = load_tests(tests_dir)
    if _inside(pathlib.Path(tests_dir), folder):
        raise UsageError(f"--tests {tests_dir} is inside the submissions folder: keep the "
                         f"hidden tests elsewhere")
    paths, ignored = find_submissions(folder)
    if not paths:
        raise UsageError(f"{folder} holds no .zip or .ipynb submissions")

    results = []
    feedback_dir.mkdir(parents=True, exist_ok=True)
    for k, path in enumerate(paths, start=1):
        g = grade_one(path, folder, tests, timeout, test_timeout, max_output, use_sandbox)
        safe = re.sub(r"[^\w.-]+", "_", g.submission.replace("/", "__"))
        feedback = feedback_dir / f"{safe}.txt"
        feedback.write_text(feedback_text(g, tests.points, tests.manual), encoding="utf-8")
        g.feedback = str(feedback)
        results.append(g)
        progress(f"[{k}/{len(paths)}] {g.submission}: {_fmt(g.total)} / "
                 f"{_fmt(sum(tests.points.values()))}"
                 + (f"  (unreadable: {g.unreadable})" if g.unreadable else "")
                 + (f"  ({len(g.problems)} cell(s) failed)" if g.problems else ""))
    for path in ignored:
        progress(f"ignored (not .zip or .ipynb): {path.relative_to(folder).as_posix()}")
    write_csv(out, results, list(tests.points), list(tests.manual))
    return results


def write_csv(out: pathlib.Path, results: list[Graded], parts: list[str],
              manual: list[str] = ()) -> None:
    """One row per submission; hand-graded parts are empty columns, not in ``total``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "id", "submission", *parts, *manual, "total", "feedback"])
    for g in results:
        writer.writerow([g.name, g.student_id, g.submission,
                         *(_fmt(g.scores[p]) for p in parts), *("" for _ in manual),
                         _fmt(g.total), g.feedback])
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    partial.replace(out)


def command(submissions: str, tests: str, out: str, timeout: float = DEFAULT_TIMEOUT,
            test_timeout: float = DEFAULT_TEST_TIMEOUT, max_output: int = MAX_OUTPUT_BYTES,
            force: bool = False, use_sandbox: bool = True) -> int:
    """The ``braindyn grade`` command; exit status 0 once the batch is done."""
    results = grade(submissions, tests, out, timeout, test_timeout, max_output, force,
                    use_sandbox=use_sandbox)
    print(f"wrote {out} ({len(results)} submissions) and the feedback files in "
          f"{pathlib.Path(out).with_name(pathlib.Path(out).stem + '_feedback')}")
    return 0
