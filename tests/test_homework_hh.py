"""The Hodgkin-Huxley homework end to end: its notebooks, self-checks, submission and grading.

The files (homework/hh/README.md says who gets which):

* ``homework/hh/instructor/hh_homework_source.ipynb``: the solutions;
* ``homework/hh/hh_homework.ipynb``: the student version, made by ``braindyn release``;
* ``homework/hh/instructor/grading/test_hh.py``: the hidden tests.

The fast tests read the notebooks.  The slow ones start kernels (the source
notebook runs in about a minute with an empty compile cache), so every run is
made once in a module-scoped fixture and shared: ``braindyn check`` on both
notebooks, ``braindyn submit`` on the source, and one ``braindyn grade`` batch
(``--jobs 2``) of one submission of each kind in ``tests/hh_submissions.py``:
the zip that ``submit`` wrote, an equivalent solution written differently,
partly wrong work (a sign error, a syntax error, an endless loop, a flood of
output), each shortcut (the kit's model, exponential Euler in part 1, the
comparison left as ``pass``, part 3 from a table) and each attack
(monkeypatching the checks and the collectors, reading the hidden tests,
writing outside its folder, tampering with another zip, processes that
outlive the kernel).  The expected points follow from the hidden tests'
scoring (``homework/hh/instructor/grading/test_hh.py``), in ``KINDS``.
"""
from __future__ import annotations

import csv
import json
import pathlib
import re
import shutil
import sys
import tempfile
import time
import zipfile

import nbformat
import pytest

import hh_submissions as subs_
from braindyn.homework import release
from support import folder_hash, run_cli, sha

# one worker for the whole file: its module-scoped fixtures (the checks, the submission
# and the graded batch, minutes of CPU) would otherwise run again on each xdist worker
pytestmark = pytest.mark.xdist_group("homework_hh")

ROOT = pathlib.Path(__file__).resolve().parents[1]
HW = ROOT / "homework" / "hh"
SOURCE = HW / "instructor" / "hh_homework_source.ipynb"
STUDENT = HW / "hh_homework.ipynb"
HIDDEN_TESTS = HW / "instructor" / "grading"
FIX = ("edit the source notebook only, then run: braindyn release "
       "homework/hh/instructor/hh_homework_source.ipynb --out homework/hh/hh_homework.ipynb "
       "--force")


# ------------------------------------------------------------------ helpers --

def read(path: pathlib.Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    for c in nb.cells:
        if c.get("id") == cell_id:
            return c
    raise AssertionError(f"no cell with id {cell_id!r}")


def edited_source(cell_id: str, old: str, new: str) -> nbformat.NotebookNode:
    """The source notebook with ``old`` replaced by ``new`` in one cell (``old`` must be there)."""
    nb = read(SOURCE)
    c = cell(nb, cell_id)
    assert old in c.source, f"cell {cell_id} no longer contains {old!r}: update this test"
    c.source = c.source.replace(old, new)
    return nb


def stub_line(nb: nbformat.NotebookNode, cell_id: str) -> int:
    """The line number (1-based) of the first ``raise NotImplementedError`` of a cell."""
    lines = cell(nb, cell_id).source.splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == "raise NotImplementedError")


# ------------------------------------------------------- the notebooks (fast) --

def test_the_student_notebook_is_exactly_the_release_of_the_source(tmp_path):
    out, leaked = release.release(SOURCE, tmp_path / "hh_homework.ipynb")
    assert leaked == [], f"solution lines visible to students: {leaked}"
    assert out.read_bytes() == STUDENT.read_bytes(), \
        f"homework/hh/hh_homework.ipynb is not the release of the source; {FIX}"


def test_the_student_notebook_holds_no_solution_text():
    source, student = read(SOURCE), read(STUDENT)
    solutions = release.solution_lines(source)
    # the markers are really there: the lines that give each part away
    for key in ("self.integral = bp.odeint(self.derivative, method=method)",
                "dVdt = (- I_Na - I_K - I_leak + self.input) / self.C",
                "threshold = currents[rates > 0].min()                      "
                "# the smallest current that keeps firing",
                "*Model answer.* It jumps: below about 3.4 µA/cm² the neuron is silent after "
                "the transient, just"):
        assert key in solutions, f"{key!r} is no longer inside a solution block of the source"
    text = "\n".join(c.source for c in student.cells)
    shown = [line for line in solutions if len(line) >= 12 and line in text]
    assert shown == [], f"solution text in the student notebook: {shown}"
    assert "SOLUTION" not in text and "Model answer" not in text
    for c in student.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"{c.id} has outputs; {FIX}"


def test_every_part_has_its_stub_its_check_and_bilingual_headings():
    student = read(STUDENT)
    for cell_id, stubs in (("part1-class", 2), ("part2-class", 3), ("part2-compare", 1),
                           ("part3-fi", 2)):
        assert cell(student, cell_id).source.count("raise NotImplementedError") == stubs, cell_id
    calls = {c.id: c.source.strip() for c in student.cells if c.cell_type == "code"}
    assert calls["part1-check"] == "checks.part1(HHEuler)"
    assert calls["part2-check"] == "checks.part2(HH)"
    assert calls["part3-check"] == "checks.part3(firing_rates, threshold)"
    headings = [line for c in student.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if re.match(r"#{1,3} ", line)]
    assert len(headings) >= 6, headings
    for heading in headings:
        assert re.search(r"[\u4e00-\u9fff]", heading) and " / " in heading and \
            re.search(r"/ [A-Z]", heading), f"heading not in Chinese / English: {heading!r}"


def test_both_notebooks_are_valid_and_stripped():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import strip_notebooks
    finally:
        sys.path.pop(0)
    for path in (SOURCE, STUDENT):
        nb = read(path)
        nbformat.validate(nb)
        text = nbformat.writes(nb)
        strip_notebooks.strip(nb)
        assert nbformat.writes(nb) == text, \
            f"{path.name} is not stripped; run: python tools/strip_notebooks.py {path}"


# ------------------------------------------------------- braindyn check (slow) --

@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """``braindyn check`` on the source and on the student notebook (each file unchanged),
    with an empty compile cache, as each submission has in its grading sandbox."""
    runs = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRAINDYN_CACHE", str(tmp_path_factory.mktemp("cache")))
        for name, path in (("source", SOURCE), ("student", STUDENT)):
            before = sha(path)
            start = time.monotonic()
            status, out = run_cli("check", path)
            runs[name] = (status, out, time.monotonic() - start)
            assert sha(path) == before, f"braindyn check changed {path.name}"
    return runs


@pytest.mark.slow
def test_the_source_notebook_passes_every_check(checked):
    status, out, _ = checked["source"]
    assert status == 0, out
    for title in ("Part 1 (HH class, hand-written Euler)",
                  "Part 2 (odeint and the choice of method)", "Part 3 (f-I curve and threshold)"):
        assert f"{title}: 通过 / passed" in out, out
    assert "Part 4 (written answers): 由老师批改 / graded by your instructor" in out
    assert "3 of 3 checked parts passed." in out and "did not run cleanly" not in out, out


@pytest.mark.slow
def test_the_student_notebook_fails_naming_the_stubs(checked):
    status, out, _ = checked["student"]
    student = read(STUDENT)
    assert status == 1, out
    for title, cell_id in (("Part 1 (HH class, hand-written Euler)", "part1-class"),
                           ("Part 2 (odeint and the choice of method)", "part2-class")):
        # the stub in __init__ is the first to raise, when the check builds the model
        line = stub_line(student, cell_id)
        assert (f"{title}: 未通过 / not passed yet\n  你的代码仍然抛出 NotImplementedError"
                f"（第 {line} 行：`raise NotImplementedError`） / your code still raises "
                f"NotImplementedError (line {line}: `raise NotImplementedError`)\n"
                f"  提示 / Hint: 把 `# TODO` 占位") in out, out
    index = [c.id for c in student.cells].index("part3-check") + 1
    assert (f"Part 3 (f-I curve and threshold): 未检查 / not checked: 第 {index} 个单元格") in out
    assert (f"cell {index} (`checks.part3(firing_rates, threshold)`) raised NameError: name "
            f"'threshold' is not defined") in out, out
    fi = [c.id for c in student.cells].index("part3-fi") + 1
    assert re.search(rf"cell {fi} \(`# 第三部分 / Part 3: [^`]*`\) raised NotImplementedError",
                     out), out
    assert "0 of 3 checked parts passed" in out


# ------------------------------------------------------ braindyn submit (slow) --

@pytest.fixture(scope="module")
def submitted(tmp_path_factory):
    """张三 submits the source notebook (the HTML report only: PDFs are tested elsewhere)."""
    out_dir = tmp_path_factory.mktemp("submit")
    before = sha(SOURCE)
    status, out = run_cli("submit", SOURCE, "--name", "张三", "--id", "2100012345",
                          "--out", out_dir, "--no-pdf")
    assert sha(SOURCE) == before, "braindyn submit changed the notebook"
    return {"status": status, "out": out, "zip": out_dir / "张三_2100012345_HH报告.zip"}


@pytest.mark.slow
def test_submit_writes_the_zip_whose_report_holds_the_figures(submitted):
    assert submitted["status"] == 0, submitted["out"]
    with zipfile.ZipFile(submitted["zip"]) as zf:
        assert sorted(zf.namelist()) == ["hh_homework_source.ipynb",
                                         "hh_homework_source_report.html", "submission.json"]
        assert zf.read("hh_homework_source.ipynb") == SOURCE.read_bytes()
        html = zf.read("hh_homework_source_report.html").decode("utf-8")
        info = json.loads(zf.read("submission.json"))
    # Figures 1 to 4: the Euler run, the V traces, the error against dt, the f-I curve
    figures = re.findall(r'<img[^>]*src="data:image/png;base64,', html)
    assert len(figures) == 4, f"{len(figures)} embedded figures in the report, expected 4"
    assert "diverged (bp.SimulationError: NaN)" in html, "the blow-ups belong in the report"
    assert "Model answer" in html        # the source's part 4, as handed in
    assert (info["name"], info["id"]) == ("张三", "2100012345")
    assert info["checks"] == {"part1": "passed", "part2": "passed", "part3": "passed",
                              "part4": "manual"}
    assert info["problems"] == []


# ------------------------------------------ the metric of part 2 (slow) --

def _printed_table(html_text: str) -> dict:
    """The comparison table as the solution printed it in its report: (method, dt) ->
    "diverged" or (spikes, error)."""
    import html as html_module

    text = html_module.unescape(re.sub(r"<[^>]+>", "", html_text))
    rows = {}
    for m in re.finditer(r"^\s*(euler|rk4|exponential_euler)\s+([0-9.]+)\s+"
                         r"(diverged|(\d+)\s+([0-9.]+))", text, re.MULTILINE):
        key = (m[1], float(m[2]))
        rows[key] = "diverged" if m[3] == "diverged" else (int(m[4]), float(m[5]))
    return rows


def _independent_table() -> dict:
    """The same table computed here without the notebook's code: braindyn.models.HH for
    the runs, the stored DOP853 reference (tests/data/hh_reference.json, rtol 1e-12) for
    the spikes, and crossings found here with the initial state as the sample at t = 0,
    each matched to the nearest reference spike."""
    import numpy as np

    import braindyn as bp
    from support import hh_reference

    ref = np.array(hh_reference()["spike_times_ms"])
    rows = {}
    for method in ("euler", "rk4", "exponential_euler"):
        for dt in (0.01, 0.05, 0.1, 0.2):
            model = bp.models.HH(1, method=method, monitors=["V"])
            try:
                model.run(100.0, inputs=("input", 10.0), dt=dt)
            except bp.SimulationError:
                rows[(method, dt)] = "diverged"
                continue
            t = np.concatenate([[0.0], model.mon.ts])
            V = np.concatenate([[-65.0], model.mon.V[:, 0]])
            i = np.flatnonzero((V[:-1] < 20.0) & (V[1:] >= 20.0))
            spikes = t[i] + (20.0 - V[i]) / (V[i + 1] - V[i]) * (t[i + 1] - t[i])
            error = max(np.min(np.abs(ref - s)) for s in spikes)
            rows[(method, dt)] = (len(spikes), float(error))
    return rows


@pytest.mark.slow
def test_the_solution_prints_the_spike_time_errors_an_independent_computation_gives(submitted):
    with zipfile.ZipFile(submitted["zip"]) as zf:
        printed = _printed_table(zf.read("hh_homework_source_report.html").decode("utf-8"))
    expected = _independent_table()
    assert set(printed) == set(expected), printed
    for key, want in expected.items():
        got = printed[key]
        if want == "diverged":
            assert got == "diverged", (key, got)
            continue
        assert got != "diverged" and got[0] == want[0], (key, got, want)
        assert abs(got[1] - want[1]) <= 1e-3, (key, got, want)
    # the model answer states these numbers (nearest-spike errors, counts, the drift)
    answer = cell(read(SOURCE), "part4").source
    assert "0.40, 2.0, 4.1 and 7.0 ms" in answer and "7 times instead of 8" in answer
    assert [round(expected[("exponential_euler", dt)][1], 1) for dt in (0.05, 0.1, 0.2)] == \
        [2.0, 4.1, 7.0]
    assert round(expected[("exponential_euler", 0.01)][1], 2) == 0.40
    assert {expected[("exponential_euler", dt)][0] for dt in (0.01, 0.05, 0.1, 0.2)} == {7}
    assert expected[("euler", 0.05)][0] == 9 and "0.9 ms with 9 spikes" in answer
    assert round(expected[("euler", 0.05)][1], 1) == 0.9
    # and Figure 3 is first order: the error roughly doubles from dt = 0.05 to 0.1
    ratio = expected[("exponential_euler", 0.1)][1] / expected[("exponential_euler", 0.05)][1]
    assert 1.7 < ratio < 2.3, ratio


# ------------------------------------------------------- braindyn grade (slow) --

NAMES = {   # kind -> the student's name and ID in the zip's or notebook's file name
    "correct": ("张三", "2100012345"), "equivalent": ("孙七", "2100000011"),
    "sign_of_ik": ("李四", "2100000002"), "syntax_error": ("王五", "2100000003"),
    "endless": ("赵六", "2100000004"), "flood": ("钱七", "2100000005"),
    "kit_model": ("周八", "2100000006"), "exp_euler_and_no_comparison": ("吴九", "2100000007"),
    "table_and_exit": ("冯一", "2100000008"), "monkeypatch": ("褚三", "2100000009"),
    "read_hidden_tests": ("卫四", "2100000010"), "write_outside": ("蒋五", "2100000012"),
    "tamper_zip": ("沈六", "2100000013"), "outlive": ("韩七", "2100000014"),
}
# After grading, the batch is hashed again this long later.  Every process of a
# sandbox lives in the sandbox's PID namespace and is killed with it; the test
# checks that none of the attack's processes is left (by its marker in /proc)
# the moment grading ends, so any later write would have to come from a process
# that does not exist.  A few seconds show that nothing was waiting to write:
# the attack's loop writes every 0.2 s.
LATER_S = 5


def _marked_processes(marker: str) -> list[int]:
    alive = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    alive.append(int(entry.name))
            except OSError:
                pass
    return alive


def _hashes(*folders: pathlib.Path) -> dict:
    return {str(f): folder_hash(f) for f in folders}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, submitted, checked):
    """One submission of each kind, graded once, two at a time; hashes before, after and
    LATER_S later."""
    from braindyn.homework import sandbox
    if sandbox.problem() is not None:
        pytest.skip(f"no sandbox here: {sandbox.problem()} (run `make bubblewrap`)")
    base = tmp_path_factory.mktemp("grade")
    folder, tests = base / "submissions", base / "tests"
    folder.mkdir()
    shutil.copytree(HIDDEN_TESTS, tests)          # a copy: the attacks are told its path
    csv_path = base / "grades.csv"
    ctx = subs_.context(folder, tests, csv_path)
    shutil.copy(submitted["zip"], folder / submitted["zip"].name)
    for kind, (build, _, _) in subs_.KINDS.items():
        if kind == "correct":
            continue                              # the zip that braindyn submit wrote
        name, sid = NAMES[kind]
        subs_.write_notebook(build(ctx), folder / f"{name}_{sid}_HH报告.ipynb")
    # identity: no ID at all, an ID handed in twice, a zip whose submission.json names
    # someone else (and whose notebook is not the one submit packed)
    shutil.copy(subs_.STUDENT, folder / "homework_final.ipynb")
    shutil.copy(subs_.STUDENT, folder / "孔九_2100000004_HH报告.ipynb")     # 赵六's ID
    with zipfile.ZipFile(folder / "杨十_2100000015_HH报告.zip", "w") as zf:
        zf.writestr("hh_homework.ipynb", subs_.STUDENT.read_bytes())
        zf.writestr("submission.json", json.dumps(
            {"name": "张三", "id": "2100012345", "notebook": "hh_homework.ipynb",
             "notebook_sha256": "0" * 64}))
    kit = ctx["kit"]
    before = _hashes(folder, tests, kit)
    # The default limits, as an instructor would grade: the endless loop costs one
    # part's budget (limits.PART_TIMEOUT), in one of the two jobs.
    from braindyn.homework.limits import PART_TIMEOUT
    timeout = PART_TIMEOUT
    start = time.monotonic()
    status, out = run_cli("grade", folder, "--tests", tests, "--out", csv_path, "--jobs", 2)
    seconds = time.monotonic() - start
    left = _marked_processes(subs_.OUTLIVE_MARKER)
    feedback_dir = base / "grades_feedback"
    after = _hashes(folder, tests, kit, feedback_dir)
    after_csv = sha(csv_path) if csv_path.exists() else None
    time.sleep(LATER_S)
    later = _hashes(folder, tests, kit, feedback_dir)
    later_csv = sha(csv_path) if csv_path.exists() else None
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = {row["name"]: row for row in csv.DictReader(f)}
    return {"status": status, "out": out, "rows": rows, "before": before, "after": after,
            "later": later, "csv": (after_csv, later_csv), "left": left, "timeout": timeout,
            "seconds": seconds, "folder": folder, "zip": submitted["zip"], "base": base}


def feedback(graded, name: str) -> str:
    return pathlib.Path(graded["rows"][name]["feedback"]).read_text(encoding="utf-8")


IDENTITY = {"homework_final", "孔九", "杨十"}


@pytest.mark.slow
def test_grade_gives_each_kind_its_points(graded):
    assert graded["status"] == 0, graded["out"]
    rows = graded["rows"]
    assert set(rows) == {name for name, _ in NAMES.values()} | IDENTITY, graded["out"]
    wrong = []
    for kind, (_, points, what) in subs_.KINDS.items():
        name, sid = NAMES[kind]
        row = rows[name]
        got = tuple(float(row[k]) for k in ("part1", "part2", "part3"))
        if got != points or float(row["total"]) != round(sum(points), 2):
            wrong.append(f"{kind} ({what}): got {got}, expected {points}\n"
                         f"{feedback(graded, name)}")
        assert row["part4"] == "", "part 4 is graded by hand: left empty"
        assert row["id"] == sid
    assert not wrong, "\n\n".join(wrong)


@pytest.mark.slow
def test_correct_work_gets_full_marks_whatever_the_style(graded):
    for name in ("张三", "孙七"):
        assert graded["rows"][name]["total"] == "8", feedback(graded, name)
        assert "得分 / Score: 8 / 8" in feedback(graded, name)


@pytest.mark.slow
def test_feedback_says_what_went_wrong_in_both_languages_without_expected_numbers(graded):
    li = feedback(graded, "李四")
    assert "check the sign of I_K" in li and "检查 I_K 的符号" in li
    wu = feedback(graded, "王五")
    assert "raised SyntaxError" in wu and "the notebook defines no `HH`" in wu
    zhao = feedback(graded, "赵六")
    assert f"the time limit of {graded['timeout']:g} s for part 3 was reached" in zhao
    assert "第 3 部分的时限" in zhao and "threshold current 0 is more than" in zhao
    qian = feedback(graded, "钱七")
    assert "printed too much" in qian and "the notebook defines no `threshold`" in qian
    zhou = feedback(graded, "周八")
    assert "uses the kit's own HH model" in zhou
    wu9 = feedback(graded, "吴九")
    assert "is not explicit Euler" in wu9 and "in neither traces nor diverged" in wu9
    feng = feedback(graded, "冯一")
    assert "does not simulate your own model" in feng
    assert "exit() in the code" in feng      # the stray exit() is reported, and cost nothing
    hidden = (subs_.HIDDEN_TESTS / "hh_fi_reference.json").read_text()
    import runpy
    secret = runpy.run_path(str(subs_.HIDDEN_TESTS / "test_hh.py"))
    for name in list(graded["rows"]):
        text = feedback(graded, name)
        assert "Feedback for" in text and "评分反馈" in text
        shown = [f"input {secret['HIDDEN_I']:g}", f"I = {secret['HIDDEN_I']:g}",
                 f"dt = {secret['EULER_DT']:g}", "3.3994", "V = -58", "V = -31", "V = 8,",
                 *(f"I = {I:g}" for I in secret["HIDDEN_CURRENTS"])]
        for number in shown:
            assert number not in text, f"{name}'s feedback shows a hidden input: {number}"
        assert hidden[:40] not in text


@pytest.mark.slow
def test_the_attacks_earn_nothing_and_change_nothing(graded):
    rows = graded["rows"]
    for kind in ("monkeypatch", "read_hidden_tests", "write_outside", "tamper_zip", "outlive"):
        name, _ = NAMES[kind]
        assert rows[name]["total"] == "0", feedback(graded, name)
    assert "reaches into the grading tools" in feedback(graded, "褚三")
    assert rows["褚三"]["integrity"] and "import braindyn.homework.hh" in rows["褚三"]["integrity"]
    assert all(not rows[n]["integrity"] for n in rows if n != "褚三"), rows
    # nothing outside the sandboxes changed: the batch, the hidden tests, the kit ...
    for folder, files in graded["before"].items():
        assert graded["after"][folder] == files, f"{folder} changed"
    # ... and nothing changes afterwards either: no process of theirs is left
    assert graded["left"] == [], f"processes outlived their sandbox: {graded['left']}"
    assert graded["later"] == graded["after"] and graded["csv"][0] == graded["csv"][1]
    assert not (graded["folder"] / "planted.ipynb").exists()
    assert sha(graded["folder"] / graded["zip"].name) == sha(graded["zip"])
    assert rows["张三"]["total"] == "8", "the victim of the zip tampering kept its grade"
    wei = feedback(graded, "卫四")
    assert "POINTS" not in wei and "HIDDEN" not in wei and "hidden_tests" not in wei
    assert str(graded["base"]) not in wei


@pytest.mark.slow
def test_identity_problems_are_in_the_csv_never_silently_empty(graded):
    rows = graded["rows"]
    nameless = rows["homework_final"]
    assert nameless["id"] == "" and "no student ID" in nameless["identity"] and \
        "缺少学号" in nameless["identity"] and "file name is not" in nameless["identity"]
    for name in ("孔九", "赵六"):
        assert "ID 2100000004 is handed in more than once" in rows[name]["identity"], rows[name]
    yang = rows["杨十"]["identity"]
    assert "the file name says 杨十 2100000015, submission.json says 张三 2100012345" in yang
    assert "changed after submit" in yang
    clean = {name for name, _ in NAMES.values()} - {"赵六"}
    assert all(rows[name]["identity"] == "" for name in clean), \
        {n: rows[n]["identity"] for n in clean if rows[n]["identity"]}
    assert "身份 / Identity: 学号 2100000004 重复" in feedback(graded, "孔九")


@pytest.mark.slow
def test_grade_leaves_no_temporary_files(graded):
    import tempfile
    leftovers = [p for p in pathlib.Path(tempfile.gettempdir()).glob("braindyn-grade-*")]
    assert leftovers == [], leftovers
