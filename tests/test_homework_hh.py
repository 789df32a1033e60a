"""The Hodgkin-Huxley homework end to end: its notebooks, self-checks, submission and grading.

The files (homework/hh/README.md says who gets which):

* ``homework/hh/instructor/hh_homework_source.ipynb``: the solutions;
* ``homework/hh/hh_homework.ipynb``: the student version, made by ``braindyn release``;
* ``homework/hh/instructor/grading/test_hh.py``: the hidden tests.

The fast tests read the notebooks.  The slow ones start kernels (the source
notebook runs in about 15 s on a quiet machine), so every run is made once in
a module-scoped fixture and shared: ``braindyn check`` on both notebooks,
``braindyn submit`` on the source, and one ``braindyn grade`` batch of five
submissions made from the source by small edits (the zip that ``submit``
wrote, a sign error, a syntax error, an endless loop and a flood of output).
The expected points follow from the hidden tests' scoring (each step an equal
share of its part), worked out in ``EXPECTED``.
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

from braindyn.homework import release
from support import folder_hash, run_cli, sha

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
                "threshold = currents[rates > 0].min()                  "
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
                           ("part3-fi", 1)):
        assert cell(student, cell_id).source.count("raise NotImplementedError") == stubs, cell_id
    calls = {c.id: c.source.strip() for c in student.cells if c.cell_type == "code"}
    assert calls["part1-check"] == "checks.part1(HHEuler)"
    assert calls["part2-check"] == "checks.part2(HH)"
    assert calls["part3-check"] == "checks.part3(currents, rates, threshold)"
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
        assert f"{title}: passed" in out, out
    assert "Part 4 (written answers): graded by your instructor" in out
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
        assert (f"{title}: not passed yet\n  your code still raises NotImplementedError "
                f"(line {line}: `raise NotImplementedError`)\n"
                f"  Hint: replace the `# TODO` stub") in out, out
    index = [c.id for c in student.cells].index("part3-check") + 1
    assert (f"Part 3 (f-I curve and threshold): not checked: cell {index} "
            f"(`checks.part3(currents, rates, threshold)`) raised NameError: name 'currents' "
            f"is not defined") in out, out
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


# ------------------------------------------------------- braindyn grade (slow) --

# One flipped sign in part 1: the hidden test's 4 steps are Variables (pass),
# derivatives, runs at I = 10 and at 7.5 (fail): 1/4 of 3 points.
SIGN_OF_IK = ("part1-class", "dVdt = (- I_Na - I_K - I_leak + self.input) / self.C",
              "dVdt = (- I_Na + I_K - I_leak + self.input) / self.C")
# A missing colon: HH is never defined, so part 2 fails and part 3 (which uses HH) too.
SYNTAX = ("part2-class", "def derivative(self, V, m, h, n, t, Iext):",
          "def derivative(self, V, m, h, n, t, Iext)")
# A threshold search that forgets to step: the cell runs until the notebook's time
# limit; currents and rates exist (the f-I step passes), threshold is 0 (fails): 1 of 2.
ENDLESS = ("part3-fi", "threshold = currents[rates > 0].min()",
           "threshold = 0.\nwhile rates[np.isclose(currents, threshold)][0] == 0:\n"
           "    threshold + 0.1      # should be +=\n#")
# A debug print of every recorded step: cut at 2 MB, the cell is interrupted
# before `rates` is assigned: part 3 gets 0.
FLOOD = ("part3-fi", "counted = group.mon.ts > 100.",
         "for k in range(len(group.mon.ts)):\n    print(group.mon.ts[k], group.mon.spike[k])\n"
         "counted = group.mon.ts > 100.")

# name -> (part1, part2, part3, total); part 4 is graded by hand (an empty column)
EXPECTED = {
    "张三": (3, 3, 2, 8),          # the zip written by braindyn submit: the solutions
    "李四": (0.75, 3, 2, 5.75),    # the sign of I_K flipped in HHEuler
    "王五": (3, 0, 0, 3),          # a syntax error in HH
    "赵六": (3, 3, 1, 7),          # an endless loop in part 3
    "钱七": (3, 3, 0, 6),          # megabytes of output in part 3
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, submitted, checked):
    base = tmp_path_factory.mktemp("grade")
    subs, work = base / "submissions", base / "work"
    subs.mkdir()
    work.mkdir()
    shutil.copy(submitted["zip"], subs / submitted["zip"].name)
    for name, sid, edit in (("李四", 2, SIGN_OF_IK), ("王五", 3, SYNTAX), ("赵六", 4, ENDLESS),
                            ("钱七", 5, FLOOD)):
        path = subs / f"{name}_210000000{sid}_HH报告.ipynb"
        nbformat.write(edited_source(*edit), str(path))
    before = folder_hash(subs)
    # The endless loop costs the whole time limit, so keep it just above what the
    # correct notebook needed in `braindyn check` (kernel start included), with margin.
    timeout = round(2 * checked["source"][2] + 10)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(work))     # where the submissions' folders go
        start = time.monotonic()
        status, out = run_cli("grade", subs, "--tests", HIDDEN_TESTS, "--out",
                              base / "grades.csv", "--timeout", timeout)
        seconds = time.monotonic() - start
    with open(base / "grades.csv", encoding="utf-8-sig", newline="") as f:
        rows = {row["name"]: row for row in csv.DictReader(f)}
    return {"status": status, "out": out, "rows": rows, "before": before,
            "after": folder_hash(subs), "work": work, "timeout": timeout, "seconds": seconds}


def feedback(graded, name: str) -> str:
    return pathlib.Path(graded["rows"][name]["feedback"]).read_text(encoding="utf-8")


@pytest.mark.slow
def test_grade_gives_the_expected_rows(graded):
    assert graded["status"] == 0, graded["out"]
    rows = graded["rows"]
    assert set(rows) == set(EXPECTED), graded["out"]
    for name, (p1, p2, p3, total) in EXPECTED.items():
        row = rows[name]
        got = tuple(float(row[k]) for k in ("part1", "part2", "part3", "total"))
        assert got == (p1, p2, p3, total), f"{name}: {row}\n{feedback(graded, name)}"
        assert row["part4"] == "", "part 4 is graded by hand: left empty"
        assert pathlib.Path(row["feedback"]).is_file()
    assert rows["张三"]["id"] == "2100012345" and rows["钱七"]["id"] == "2100000005"


@pytest.mark.slow
def test_grade_feedback_says_what_went_wrong(graded):
    assert "Score: 8 / 8 (+ 2 graded by hand)" in feedback(graded, "张三")
    assert "check the sign of I_K" in feedback(graded, "李四")
    wu = feedback(graded, "王五")
    assert "raised SyntaxError" in wu and "the notebook defines no `HH`" in wu
    zhao = feedback(graded, "赵六")
    assert f"the time limit of {graded['timeout']:g} s for the whole notebook" in zhao
    assert "your threshold current is 0" in zhao
    qian = feedback(graded, "钱七")
    assert "printed too much" in qian and "the notebook defines no `rates`" in qian


@pytest.mark.slow
def test_grade_leaves_the_submissions_alone(graded):
    assert graded["after"] == graded["before"], "the submissions folder changed"
    assert [p for p in graded["work"].iterdir()] == [], "temporary folders were left behind"
