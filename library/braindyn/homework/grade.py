"""``braindyn grade SUBMISSIONS --tests DIR --out grades.csv``: grade a batch.

How a submission is graded
--------------------------
The grader trusts nothing that comes out of the student's process:

1. **Run, in a sandbox.**  The notebook runs in a sandbox of its own
   (sandbox.py: bubblewrap, no network, the system and kit read-only, nothing
   of the grader's visible, limits, every process killed at the end), part by
   part (the headings "Part 1", ... split it; each part has ``--timeout``
   seconds; a kernel that dies is started again with the earlier cells, so
   a crash, a hang or ``exit()`` costs only the parts it touches).  Where no
   sandbox can be made ``grade`` refuses, unless ``--no-sandbox``.
2. **Collect data.**  After each part's cells, the collectors the hidden tests
   ask for run in the student's kernel (``collect.py``; functions of the kit,
   e.g. ``hh.collect_steps``) on inputs the hidden tests choose (hidden
   currents, hidden states, one step from a hidden state) and return plain
   data, each with ``--test-timeout`` seconds.  The hidden tests, the reference
   and the expected numbers never enter the sandbox.
3. **Compare, here.**  The hidden tests' ``test_<part>(data)`` functions run
   in the grader's own process, on that data and on the notebook's source.

Hidden tests
------------
``--tests DIR`` holds Python files (``*.py``; names starting with ``_`` are
helpers, not tests), kept out of the student release.  Each file declares
the parts it grades, what to collect for each, and one function per part::

    POINTS = {"part1": 3, "part2": 2}
    MANUAL = {"part4": 2}                # optional: graded by hand, an empty CSV column
    SETUP = ["braindyn.homework.hh:poison_kit_models"]   # optional: run before the notebook
    COLLECT = {                          # part -> {key: ("module:function", inputs)}
        "part1": {"square(4)": ("braindyn.homework.collect:call",
                                {"function": "square", "args": [4]})},
    }

    def test_part1(data):                # runs in the grader's process
        assert data["square(4)"] == 16, "square(4) should be 16"
        return 0.5, "half right"         # partial credit

``data[key]`` is what the collector returned (JSON: numbers, lists,
dicts), or raises :class:`NotCollected` (an AssertionError: the part scores 0
with its message) when the collector failed (the student's code raised, hung,
printed too much, or killed the kernel).  ``data.source`` is the text of the
part's code cells, ``data.notebook`` the whole notebook (for checks on the
source itself), ``data.problems`` the cells of the part that failed.  A test
returns None (full points), a fraction in [0, 1], or (fraction, message); a
failed ``assert`` gives 0 and its message.  See
``homework/hh/instructor/grading/test_hh.py``.

A batch
-------
Each ``*.zip`` (as written by ``braindyn submit``) or ``*.ipynb`` below
SUBMISSIONS is graded.  A submission that cannot be read, loops forever or
floods the output gets 0 for what could not be collected and a message, and
the batch goes on.  Nothing in SUBMISSIONS is written, moved or deleted.

Identity: the name and the student ID come from the file name
``姓名_学号_HH报告.zip``, checked against the zip's ``submission.json`` (name,
ID, the notebook's SHA-256); a file named otherwise, a disagreement, a notebook
changed after ``submit``, a missing ID and an ID handed in twice are written
in the CSV's ``identity`` column (never left silently empty).

Output: the CSV (UTF-8 with a byte-order mark, so that Excel shows Chinese
names) with one row per submission: name, id, submission, the points of each
part (hand-graded parts empty, to fill in), total (of the automatic parts),
identity (see above), integrity (code that reaches into the grading tools,
see integrity.py), feedback; and one feedback text file per submission, in
Chinese and English, in ``<csv name>_feedback/`` beside it.  The same submission gets the same
score and the same feedback on every run, also on a busy machine: fixed
seeds, no measured times in the feedback, and the output limit counted in
bytes inside the kernel and reported before the time limit when a cell hits
both (see notebooks.py).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pathlib
import re
import secrets
import sys
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field

from . import integrity, sandbox
from .errors import NotebookError, UsageError
from .limits import AFTER_TIMEOUT, MAX_OUTPUT_BYTES, PART_TIMEOUT, STARTUP_TIMEOUT
from .notebooks import CellProblem, Section, parse_notebook, sections_of

DEFAULT_TIMEOUT = PART_TIMEOUT          # seconds for the cells of one part
DEFAULT_TEST_TIMEOUT = AFTER_TIMEOUT    # seconds for one collector
MAX_NOTEBOOK_BYTES = 50_000_000  # a larger .ipynb in a zip is refused (zip bombs)
NOTEBOOK_NAME = "submission.ipynb"   # the copy's name in its sandbox
# name_id_label.zip as written by ``braindyn submit``
_FILE_NAME = re.compile(r"^(?P<name>[^_]+)_(?P<id>[0-9]+)(_.*)?$")
# What the sandboxed kernels get besides the sandbox's environment: figures are
# drawn but never rendered (they are graded by hand from the report).
GRADING_ENV = {"MPLBACKEND": "agg"}


class NotCollected(AssertionError):
    """A collector gave no data: the student's code raised, hung, flooded or died."""


@dataclass
class HiddenTests:
    points: dict[str, float]          # part -> points, in the order of the files
    tests: dict[str, object]          # part -> test_<part>(data)
    collect: dict[str, dict[str, tuple[str, dict]]]   # part -> key -> (collector, inputs)
    manual: dict[str, float] = field(default_factory=dict)   # parts graded by hand
    setup: list[str] = field(default_factory=list)    # "module:function" run before the notebook
    allowed: list[str] = field(default_factory=list)  # braindyn.homework modules students use


def _check_collect(path, declared, points) -> dict:
    if declared is None:
        return {}
    if not isinstance(declared, dict):
        raise UsageError(f"{path}: COLLECT must be a dict part -> {{key: ('module:function', "
                         f"inputs)}}")
    out = {}
    for part, items in declared.items():
        if part not in points:
            raise UsageError(f"{path}: COLLECT names {part!r}, which is not in POINTS")
        if not isinstance(items, dict):
            raise UsageError(f"{path}: COLLECT[{part!r}] must be a dict key -> (collector, "
                             f"inputs)")
        for key, spec in items.items():
            ok = (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str)
                  and ":" in spec[0] and isinstance(spec[1], dict))
            if not ok:
                raise UsageError(f"{path}: COLLECT[{part!r}][{key!r}] must be "
                                 f"('module:function', {{inputs}}), got {spec!r}")
            try:
                json.dumps(spec[1])
            except (TypeError, ValueError):
                raise UsageError(f"{path}: the inputs of COLLECT[{part!r}][{key!r}] must be "
                                 f"JSON data (numbers, strings, lists, dicts)") from None
        out[part] = dict(items)
    return out


def load_tests(folder: str | pathlib.Path) -> HiddenTests:
    """Read and validate the hidden tests, or UsageError saying what is wrong.  They are
    executed here, in the grader's process, and never sent to a sandbox."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise UsageError(f"--tests {folder}: no such folder")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not files:
        raise UsageError(f"--tests {folder} holds no .py test files")
    points: dict[str, float] = {}
    manual: dict[str, float] = {}
    tests: dict[str, object] = {}
    collect: dict[str, dict] = {}
    setup: list[str] = []
    allowed: list[str] = []
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
                                 f"test_{part}(data)")
            points[part] = float(value)
            tests[part] = namespace[f"test_{part}"]
        collect.update(_check_collect(path, namespace.get("COLLECT"), declared))
        more = namespace.get("SETUP", [])
        if not isinstance(more, (list, tuple)) or not all(
                isinstance(x, str) and re.fullmatch(r"[\w.]+:\w+", x) for x in more):
            raise UsageError(f"{path}: SETUP must be a list of 'module:function' of the kit")
        setup += [x for x in more if x not in setup]
        given = namespace.get("ALLOWED", [])
        if not isinstance(given, (list, tuple)) or not all(isinstance(x, str) for x in given):
            raise UsageError(f"{path}: ALLOWED must be a list of module names, e.g. "
                             f"['braindyn.homework.checks']")
        allowed += [x for x in given if x not in allowed]
    return HiddenTests(points, tests, collect, manual, setup,
                       allowed or list(integrity.DEFAULT_ALLOWED))


class Collected:
    """What was collected for one part: ``data[key]``, the source, the problems."""

    def __init__(self, part: str, values: dict, failures: dict, source: str, notebook,
                 problems: list[str]):
        self.part = part
        self._values, self._failures = values, failures
        self.source, self.notebook, self.problems = source, notebook, problems

    def __getitem__(self, key: str):
        if key in self._failures:
            raise NotCollected(self._failures[key])
        if key not in self._values:
            raise NotCollected(f"没有收集到 {key} / {key} was not collected")
        return self._values[key]

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def get(self, key: str, default=None):
        return self._values.get(key, default)

    def failure(self, key: str) -> str:
        return self._failures.get(key, "")


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
    identity: list[str] = field(default_factory=list)    # problems with name and id
    integrity: list[str] = field(default_factory=list)   # code that reaches into the tools
    seconds: float = 0.0             # how long its sandbox ran (not in the feedback)
    cpu_seconds: float = 0.0         # the CPU time it used (as the runner counted it)

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
    match = _FILE_NAME.match(unicodedata.normalize("NFC", stem))
    return (match["name"], match["id"]) if match else (stem, "")


def extract_notebook(path: pathlib.Path) -> tuple[bytes, str, str]:
    """(notebook bytes, name, id) of a submission, or NotebookError saying what is wrong."""
    data, name, sid, _ = read_submission(path)
    return data, name, sid


def read_submission(path: pathlib.Path) -> tuple[bytes, str, str, list[str]]:
    """(notebook bytes, name, id, problems with the identity) of a submission, or
    NotebookError.  The name and the ID come from the file name
    ``姓名_学号_HH报告.zip`` (as ``braindyn submit`` writes it), checked against the
    zip's ``submission.json`` (name, ID, the notebook's SHA-256); a file named
    otherwise takes them from ``submission.json`` or the notebook's metadata, and
    says so."""
    named = _FILE_NAME.match(unicodedata.normalize("NFC", path.stem)) is not None
    name, sid = _identity_from_name(path.stem)
    problems: list[str] = []
    if not named:
        problems.append(f"文件名不是 姓名_学号_HH报告.zip / the file name is not "
                        f"NAME_ID_HH报告.zip: {path.name}")
    if path.suffix.lower() == ".ipynb":
        data = path.read_bytes()
        if not named:
            try:
                student = parse_notebook(data, path.name).metadata.get("braindyn", {})
                name, sid = str(student.get("name", name)), str(student.get("id", ""))
            except NotebookError:
                pass            # reported when the notebook is read for running
        return data, name, sid, problems
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()
                       and "__MACOSX" not in i.filename and ".ipynb_checkpoints" not in i.filename
                       and not pathlib.PurePosixPath(i.filename).name.startswith(".")]
            info = {}
            if any(i.filename == "submission.json" for i in members):
                try:
                    info = json.loads(zf.read("submission.json").decode("utf-8"))
                    if not isinstance(info, dict):
                        raise ValueError("not an object")
                except (ValueError, UnicodeDecodeError):
                    problems.append("submission.json 读不出来 / submission.json cannot be read")
                    info = {}
            else:
                problems.append("压缩包里没有 submission.json（不是 braindyn submit 写的）/ no "
                                "submission.json in the zip (not written by braindyn submit)")
            if info:
                json_name = unicodedata.normalize("NFC", str(info.get("name", ""))).strip()
                json_id = unicodedata.normalize("NFKC", str(info.get("id", ""))).strip()
                if not named:
                    name, sid = json_name or name, json_id
                elif (json_name, json_id) != (name, sid):
                    problems.append(f"文件名是 {name} {sid}，submission.json 写的是 {json_name} "
                                    f"{json_id} / the file name says {name} {sid}, "
                                    f"submission.json says {json_name} {json_id}")
            notebooks = [i for i in members if i.filename.lower().endswith(".ipynb")]
            if info.get("notebook") in [i.filename for i in notebooks]:
                notebooks = [i for i in notebooks if i.filename == info["notebook"]]
            if not notebooks:
                held = ', '.join(i.filename for i in members) or 'nothing'
                raise NotebookError(f"压缩包里没有 .ipynb 笔记本 / no .ipynb notebook in the zip "
                                    f"(it holds: {held})")
            if len(notebooks) > 1:
                raise NotebookError(f"压缩包里有 {len(notebooks)} 个笔记本，只能交一个 / "
                                    f"{len(notebooks)} notebooks in the zip "
                                    f"({', '.join(i.filename for i in notebooks)}): "
                                    f"hand in exactly one")
            if notebooks[0].file_size > MAX_NOTEBOOK_BYTES:
                raise NotebookError(f"笔记本超过 {MAX_NOTEBOOK_BYTES:,} 字节 / the notebook is "
                                    f"{notebooks[0].file_size:,} bytes: more than "
                                    f"{MAX_NOTEBOOK_BYTES:,}")
            data = zf.read(notebooks[0])
            digest = info.get("notebook_sha256")
            if digest and digest != hashlib.sha256(data).hexdigest():
                problems.append("压缩包里的笔记本在 submit 之后被改过（与 submission.json 的 SHA-256 "
                                "不符）/ the notebook in the zip was changed after submit (its "
                                "SHA-256 is not the one in submission.json)")
            return data, name, sid, problems
    except zipfile.BadZipFile:
        raise NotebookError("不是可读的 zip 文件（损坏了，或是改了扩展名的其他格式）/ not a "
                            "readable zip file (damaged, or another format renamed to .zip)"
                            ) from None


def _fmt(x: float) -> str:
    return f"{x:g}"


def default_limits(timeout: float, test_timeout: float, sections: int,
                   after_cells: int) -> sandbox.Limits:
    """A sandbox's limits: its wall clock covers every part's budget, every collector,
    kernel starts and a restart or two (each runs the earlier cells again)."""
    from .notebooks import WALL_FACTOR

    wall = WALL_FACTOR * ((sections + 2) * timeout + after_cells * test_timeout) + \
        4 * STARTUP_TIMEOUT
    return sandbox.Limits(wall_seconds=wall, cpu_seconds=int(wall))


class _Report:
    """The runner's report, checked for its shape: problems and each after cell's output."""

    def __init__(self, data: dict):
        self.problems = [CellProblem(**_fields(p, CellProblem)) for p in data.get("problems", [])]
        self.after: dict[str, list[tuple[list, CellProblem | None]]] = {}
        for section, results in dict(data.get("after", {})).items():
            rows = []
            for r in results:
                p = r.get("problem")
                rows.append((list(r.get("outputs") or []),
                             CellProblem(**_fields(p, CellProblem)) if p else None))
            self.after[str(section)] = rows
        self.restarts = int(data.get("restarts", 0))
        self.cpu_seconds = float(data.get("cpu_seconds", 0.0))


def _fields(data, cls) -> dict:
    """Only the fields of the dataclass ``cls``, as the right types (the report is data)."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    out = {}
    for name, f in cls.__dataclass_fields__.items():
        if name in data:
            value = data[name]
            out[name] = int(value) if f.type in ("int", int) else str(value)[:2000]
    return out


def run_job(job: dict, use_sandbox: bool, limits: sandbox.Limits) -> tuple[_Report | None, str]:
    """Run one job in a new sandbox (or a plain process); (report, "") or (None, why not)."""
    command = [sys.executable, "-m", "braindyn.homework.runner"]
    stdin = json.dumps(job).encode("utf-8")
    done = sandbox.run(command, stdin, limits) if use_sandbox else \
        sandbox.run_unsandboxed(command, stdin, limits)
    if done.timed_out:
        return None, (f"笔记本总共运行超过 {limits.wall_seconds:g} s，被停止 / the notebook ran "
                      f"longer than {limits.wall_seconds:g} s in all and was stopped")
    try:
        return _Report(json.loads(done.stdout.decode("utf-8"))), ""
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        last = (done.stderr.strip().splitlines() or [""])[-1][:300]
        return None, (f"运行结束时没有可读的报告（退出状态 {done.returncode}）/ the notebook's "
                      f"run ended without a readable report (exit status {done.returncode}"
                      f"{': ' + last if last else ''})")


def _read_line(outputs: list, marker: str) -> dict | None:
    for out in outputs:
        text = out.get("data", {}).get("text/plain", "") if out.get("output_type") == \
            "execute_result" else ""
        if isinstance(text, str) and text.startswith(marker):
            try:
                value = json.loads(text[len(marker):])
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def _failure_message(problem: CellProblem | None, part: str, max_output: int) -> str:
    if problem is None:
        return "收集器没有给出结果 / the collector gave no result"
    if problem.kind == "output":
        return (f"评分 {part} 时你的代码输出超过 {max_output:,} 字节 / your code printed more "
                f"than {max_output:,} bytes while {part} was tested")
    if problem.kind == "timeout":
        return (f"{part} 的评分被停止：{problem.evalue_zh or problem.evalue} / the test of "
                f"{part} was stopped: {problem.evalue}")
    if problem.kind == "dead":
        return f"评分 {part} 时内核退出了 / the kernel died while {part} was tested"
    return problem.describe()


def self_check_cells(nb) -> set[int]:
    """Cells that do nothing but call the self-checks (``checks.part2(HH)``): not run when
    grading, which neither needs nor counts their verdicts (and makes the kit's reference
    give NaN, so they could only fail)."""
    import ast

    names = {"checks"}
    skipped = set()
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code" or not c.source.strip():
            continue
        try:
            tree = integrity.parse(c.source)     # one thread at a time
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "braindyn.homework":
                names |= {a.asname or a.name for a in node.names if a.name == "checks"}
        calls = [s.value for s in tree.body if isinstance(s, ast.Expr)]
        if calls and len(calls) == len(tree.body) and all(
                isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id in names
                for call in calls):
            skipped.add(i)
    return skipped


def plan(nb, tests: HiddenTests, marker: str) -> tuple[list[Section], list[tuple[str, str]]]:
    """The notebook's sections (without its self-check cells), each with the collectors of
    its part after it (a part without a heading of its own: after the last section); and
    (part, key) of every collector cell, in the order they run."""
    sections = sections_of(nb)
    skipped = self_check_cells(nb)
    for section in sections:
        section.cells = [i for i in section.cells if i not in skipped]
    names = [s.name for s in sections]
    home = {part: part if part in names else sections[-1].name for part in tests.points}
    order: list[tuple[str, str]] = []
    for section in sections:
        for part in tests.points:
            if home[part] != section.name:
                continue
            for key, (collector, inputs) in tests.collect.get(part, {}).items():
                section.after.append(
                    f"__import__('braindyn.homework.collect', fromlist=['run']).run("
                    f"globals(), {collector!r}, {inputs!r}, {marker!r})")
                order.append((part, key))
    return sections, order


_FILES: dict | None = None


def _sandbox_files() -> dict[str, str]:
    """Files every sandbox gets in its home: matplotlib's list of the system's fonts (made
    here once; each kernel would otherwise scan the fonts again, a second or two)."""
    global _FILES
    if _FILES is None:
        _FILES = {}
        try:
            import matplotlib
            import matplotlib.font_manager as fm

            cache = pathlib.Path(matplotlib.get_cachedir()) / \
                f"fontlist-v{fm.FontManager.__version__}.json"
            if cache.is_file() and cache.stat().st_size < 5_000_000:
                _FILES[f".config/matplotlib/{cache.name}"] = cache.read_text(encoding="utf-8")
        except (ImportError, OSError, UnicodeDecodeError):
            pass
    return _FILES


def _source_of(nb, section: Section | None) -> str:
    if section is None:
        return ""
    return "\n\n".join(nb.cells[i].source for i in section.cells)


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


def _assertion_message(e: AssertionError) -> str:
    import traceback

    if str(e).strip():
        return str(e).strip()
    frame = traceback.extract_tb(e.__traceback__)[-1]
    return (f"评分测试的断言没有通过（第 {frame.lineno} 行）/ the test's assertion failed (line "
            f"{frame.lineno}: `{(frame.line or '').strip()}`)")


def run_test(test, data: Collected) -> tuple[float, str]:
    """``test(data)`` in this process: (fraction, message)."""
    try:
        value = test(data)
    except AssertionError as e:          # NotCollected included
        return 0.0, _assertion_message(e)
    except Exception as e:               # a bug in the hidden test, or data it did not expect
        return 0.0, (f"评分出错，请告诉老师 / grading error, tell your instructor: "
                     f"{type(e).__name__}: {e}")
    try:
        return _score(value)
    except TypeError as e:
        return 0.0, f"评分出错，请告诉老师 / grading error, tell your instructor: {e}"


def grade_one(path: pathlib.Path, folder: pathlib.Path, tests: HiddenTests, timeout: float,
              test_timeout: float, max_output: int, use_sandbox: bool = True,
              limits: sandbox.Limits | None = None) -> Graded:
    """Grade one submission: run and collect in its own sandbox, compare here."""
    rel = path.relative_to(folder).as_posix()
    result = Graded(rel, *_identity_from_name(path.stem))
    result.scores = {part: 0.0 for part in tests.points}
    try:
        data, result.name, result.student_id, result.identity = read_submission(path)
        nb = parse_notebook(data, rel)
    except NotebookError as e:
        result.unreadable = str(e)
        result.messages = {part: "未评分（见上）/ not graded (see above)" for part in tests.points}
        return result

    result.integrity = integrity.suspicious(nb, tests.allowed)
    if result.integrity:
        why = ("笔记本修改了评分工具或解释器（" + result.integrity[0] + "），没有自动评分的分数，"
               "老师会查看 / the notebook reaches into the grading tools or the interpreter ("
               + result.integrity[0] + "): no automatic points; your instructor will look "
               "at it")
        result.messages = {part: why for part in tests.points}
        return result

    marker = f"@@braindyn-grade-{secrets.token_hex(8)}@@"
    sections, order = plan(nb, tests, marker)
    job = {"notebook": data.decode("utf-8"), "name": NOTEBOOK_NAME,
           "sections": [{"name": s.name, "cells": s.cells, "after": s.after} for s in sections],
           "timeout": timeout, "after_timeout": test_timeout, "max_output": max_output,
           "startup_timeout": STARTUP_TIMEOUT, "env": GRADING_ENV,
           "prelude": "\n".join(f"__import__({m!r}, fromlist=[{f!r}]).{f}()"
                                 for m, f in (x.split(":") for x in tests.setup)),
           "files": _sandbox_files()}
    started = time.monotonic()
    report, failure = run_job(job, use_sandbox, limits or default_limits(
        timeout, test_timeout, len(sections), len(order)))
    result.seconds = time.monotonic() - started
    if failure:
        result.unreadable = failure
        result.messages = {part: "未评分（见上）/ not graded (see above)" for part in tests.points}
        return result
    result.problems.extend(p.describe() for p in report.problems)
    result.cpu_seconds = report.cpu_seconds

    values: dict[str, dict] = {part: {} for part in tests.points}
    failures: dict[str, dict] = {part: {} for part in tests.points}
    after = [row for s in sections for row in report.after.get(s.name, [])]
    for k, (part, key) in enumerate(order):
        outputs, problem = after[k] if k < len(after) else ([], None)
        line = _read_line(outputs, marker) if problem is None or problem.kind == "error" \
            else None
        if line is not None and line.get("ok") is True:
            values[part][key] = line.get("value")
        elif line is not None:
            failures[part][key] = str(line.get("message", ""))[:2000]
        else:
            failures[part][key] = _failure_message(problem, part, max_output)

    by_name = {s.name: s for s in sections}
    for part in tests.points:
        section = by_name.get(part)
        problems = [p.describe() for p in report.problems
                    if section is not None and p.index in section.cells]
        data_ = Collected(part, values[part], failures[part], _source_of(nb, section), nb,
                          problems)
        fraction, message = run_test(tests.tests[part], data_)
        fraction = min(1.0, max(0.0, float(fraction)))
        result.scores[part] = round(fraction * tests.points[part], 2)
        result.messages[part] = message
    return result


def feedback_text(g: Graded, points: dict[str, float],
                  manual: dict[str, float] | None = None) -> str:
    """The feedback file's text, in Chinese and English: score per part, and why points
    were lost."""
    manual = manual or {}
    maximum = sum(points.values())
    who = f"{g.name} ({g.student_id})" if g.student_id else g.name
    by_hand = (f"（另有 {_fmt(sum(manual.values()))} 分由老师批改）/ (+ "
               f"{_fmt(sum(manual.values()))} graded by hand)") if manual else ""
    lines = [f"评分反馈 / Feedback for {who}", f"提交 / Submission: {g.submission}",
             f"得分 / Score: {_fmt(g.total)} / {_fmt(maximum)}{' ' + by_hand if by_hand else ''}",
             ""]
    if g.identity:
        lines += [f"身份 / Identity: {problem}" for problem in g.identity] + [""]
    if g.unreadable:
        lines += [f"无法评分 / This submission could not be graded: {g.unreadable}", ""]
    if g.integrity:
        lines += ["笔记本里这些代码修改了评分工具或解释器 / This code of the notebook reaches into "
                  "the grading tools or the interpreter:"]
        lines += [f"  {where}" for where in g.integrity] + [""]
    for part, full in points.items():
        line = f"{part}: {_fmt(g.scores.get(part, 0.0))} / {_fmt(full)}"
        message = g.messages.get(part, "")
        lines.append(f"{line}  {message}" if message else line)
    lines += [f"{part}: 由老师批改（{_fmt(full)} 分）/ graded by hand ({_fmt(full)} points)"
              for part, full in manual.items()]
    if g.problems:
        lines += ["", "运行笔记本时的问题（其余单元格照常运行）/ Problems while running the "
                      "notebook (the other cells still ran):"]
        lines += [f"  {p}" for p in g.problems]
    return "\n".join(lines) + "\n"


def _inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def default_jobs() -> int:
    """Submissions graded at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:        # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class _Progress:
    """A progress bar on a terminal (tqdm), and one line per submission as it finishes."""

    def __init__(self, total: int, say):
        self.say = say
        self.bar = None
        if say is print and sys.stderr.isatty():
            from tqdm.auto import tqdm
            self.bar = tqdm(total=total, unit="submission", desc="grading", file=sys.stderr)

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            self.say(text)

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def grade(submissions: str | pathlib.Path, tests_dir: str | pathlib.Path,
          out: str | pathlib.Path, timeout: float = DEFAULT_TIMEOUT,
          test_timeout: float = DEFAULT_TEST_TIMEOUT, max_output: int = MAX_OUTPUT_BYTES,
          force: bool = False, progress=print, use_sandbox: bool = True,
          jobs: int | None = None) -> list[Graded]:
    """Grade every submission; write the CSV and the feedback files; return the rows.

    Each submission runs in a sandbox of its own (sandbox.py); where none can be
    made this refuses, unless ``use_sandbox`` is False (``--no-sandbox``).
    ``jobs`` submissions are graded at once (default: the number of cores)."""
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
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    tests = load_tests(tests_dir)
    if _inside(pathlib.Path(tests_dir), folder):
        raise UsageError(f"--tests {tests_dir} is inside the submissions folder: keep the "
                         f"hidden tests elsewhere")
    paths, ignored = find_submissions(folder)
    if not paths:
        raise UsageError(f"{folder} holds no .zip or .ipynb submissions")

    feedback_dir.mkdir(parents=True, exist_ok=True)
    maximum = _fmt(sum(tests.points.values()))
    bar = _Progress(len(paths), progress)
    done = [0]

    def one(path: pathlib.Path) -> Graded:
        g = grade_one(path, folder, tests, timeout, test_timeout, max_output, use_sandbox)
        done[0] += 1
        bar.line(f"[{done[0]}/{len(paths)}] {g.submission}: {_fmt(g.total)} / {maximum}"
                 + (f"  (unreadable: {g.unreadable})" if g.unreadable else "")
                 + (f"  ({len(g.problems)} cell(s) failed)" if g.problems else ""))
        bar.step()
        return g

    try:
        if jobs == 1 or len(paths) == 1:
            results = [one(path) for path in paths]
        else:
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(max_workers=jobs) as pool:     # each job is a sandbox
                results = list(pool.map(one, paths))
    finally:
        bar.close()
    check_identities(results)
    for g in results:
        safe = re.sub(r"[^\w.-]+", "_", g.submission.replace("/", "__"))
        feedback = feedback_dir / f"{safe}.txt"
        feedback.write_text(feedback_text(g, tests.points, tests.manual), encoding="utf-8")
        g.feedback = str(feedback)
    for path in ignored:
        progress(f"ignored (not .zip or .ipynb): {path.relative_to(folder).as_posix()}")
    write_csv(out, results, list(tests.points), list(tests.manual))
    return results


def check_identities(results: list[Graded]) -> None:
    """Across the batch: a missing student ID, and an ID handed in more than once, noted on
    each submission concerned (the CSV's ``identity`` column), never left silently empty."""
    by_id: dict[str, list[Graded]] = {}
    for g in results:
        if not g.student_id:
            g.identity.append("缺少学号：请把文件命名为 姓名_学号_HH报告.zip / no student ID: name "
                              "the file NAME_ID_HH报告.zip")
        else:
            by_id.setdefault(g.student_id, []).append(g)
    for sid, same in by_id.items():
        if len(same) > 1:
            for g in same:
                others = ", ".join(o.submission for o in same if o is not g)
                g.identity.append(f"学号 {sid} 重复，也在 {others} / ID {sid} is handed in more "
                                  f"than once, also in {others}")


def write_csv(out: pathlib.Path, results: list[Graded], parts: list[str],
              manual: list[str] = ()) -> None:
    """One row per submission; hand-graded parts are empty columns, not in ``total``;
    ``identity`` and ``integrity`` say what the instructor should look at."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "id", "submission", *parts, *manual, "total", "identity",
                     "integrity", "feedback"])
    for g in results:
        writer.writerow([g.name, g.student_id, g.submission,
                         *(_fmt(g.scores[p]) for p in parts), *("" for _ in manual),
                         _fmt(g.total), "; ".join(g.identity), "; ".join(g.integrity),
                         g.feedback])
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    partial.replace(out)


def command(submissions: str, tests: str, out: str, timeout: float = DEFAULT_TIMEOUT,
            test_timeout: float = DEFAULT_TEST_TIMEOUT, max_output: int = MAX_OUTPUT_BYTES,
            force: bool = False, use_sandbox: bool = True, jobs: int | None = None) -> int:
    """The ``braindyn grade`` command; exit status 0 once the batch is done."""
    results = grade(submissions, tests, out, timeout, test_timeout, max_output, force,
                    use_sandbox=use_sandbox, jobs=jobs)
    print(f"wrote {out} ({len(results)} submissions) and the feedback files in "
          f"{pathlib.Path(out).with_name(pathlib.Path(out).stem + '_feedback')}")
    return 0
