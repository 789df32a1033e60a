"""The homework tools: release, self-checks, submit and grade (braindyn.homework).

Most tests use a tiny synthetic assignment built here with nbformat (two
parts: ``square`` for 1 point, ``mean`` for 2); the HH checks are tried on the
slides' classes (tests/slides_hh.py) as stand-ins for a student's notebook.
Running a notebook starts a kernel (2-5 s), so those tests are marked slow
and share their runs through module-scoped fixtures.
"""
from __future__ import annotations

import csv
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import nbformat
import numpy as np
import pytest

from braindyn.homework import grade, hh, parts, reference, release, report, submit
from braindyn.homework.errors import NotebookError, UsageError
from support import folder_hash, run_cli, sha

# one worker for the whole file: its module-scoped fixtures (gradings of small batches)
# would otherwise run again on each xdist worker
pytestmark = pytest.mark.xdist_group("homework_tools")

v4 = nbformat.v4

# ------------------------------------------------------ the tiny assignment --

SETUP = '''\
from braindyn.homework.parts import Assignment, CheckFailed, Part

def _check_square(f):
    if f(3) != 9:
        raise CheckFailed(f"square(3) is {f(3)!r}, expected 9", hint="return x * x")

def _check_mean(f):
    got = f([1, 2, 6])
    if got != 3:
        raise CheckFailed(f"mean([1, 2, 6]) is {got!r}, expected 3", hint="sum(xs) / len(xs)")

tiny = Assignment("tiny", [Part("part1", "Part 1 (square)", 1, _check_square),
                           Part("part2", "Part 2 (mean)", 2, _check_mean)])'''
SQUARE = "def square(x):\n    return x * x"
MEAN = "def mean(xs):\n    return sum(xs) / len(xs)"
PLOT = ("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.title('squares')\n"
        "plt.show()")

HIDDEN_TESTS = '''\
POINTS = {"part1": 1, "part2": 2}
MANUAL = {"essay": 1}
ALLOWED = ["braindyn.homework.parts"]        # what the tiny notebooks import
COLLECT = {
    "part1": {"square(4)": ("braindyn.homework.collect:call", {"function": "square", "args": [4]})},
    "part2": {"mean([2, 4])": ("braindyn.homework.collect:call",
                               {"function": "mean", "args": [[2, 4]]}),
              "mean([5])": ("braindyn.homework.collect:call", {"function": "mean", "args": [[5]]})},
}

def test_part1(data):
    assert data["square(4)"] == 16, f"square(4) is {data['square(4)']!r}, expected 16"

def test_part2(data):
    ok = [data["mean([2, 4])"] == 3, data["mean([5])"] == 5]
    return sum(ok) / len(ok), f"{sum(ok)} of {len(ok)} cases right"
'''


def tiny_notebook(square: str = SQUARE, mean: str = MEAN, extra=()) -> nbformat.NotebookNode:
    """Markdown, setup, part 1 and its check, part 2 and its check, then ``extra`` cells."""
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Tiny homework"), v4.new_code_cell(SETUP),
                v4.new_code_cell(square), v4.new_code_cell('tiny.check("part1", square)'),
                v4.new_code_cell(mean), v4.new_code_cell('tiny.check("part2", mean)'),
                *[v4.new_code_cell(src) for src in extra]]
    return nb


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's version: solution markers, a model answer and hidden tests."""
    nb = tiny_notebook(
        square="def square(x):\n    ### BEGIN SOLUTION\n    return x * x  # the model answer\n"
               "    ### END SOLUTION",
        mean="def mean(xs):\n    ### BEGIN SOLUTION\n    total = sum(xs)\n"
             "    return total / len(xs)\n    ### END SOLUTION")
    nb.cells.insert(1, v4.new_markdown_cell(
        "Why divide by n?\n\n<!-- BEGIN SOLUTION -->\nBecause the mean is the sum over the "
        "count.\n<!-- END SOLUTION -->\n\n*Your answer:*"))
    nb.cells.append(v4.new_code_cell("assert square(5) == 25  # instructor only",
                                     metadata={"tags": ["hidden-tests"]}))
    nb.cells[3].outputs = [v4.new_output("stream", name="stdout", text="old output\n")]
    nb.cells[3].execution_count = 7
    return nb


def write(nb, path: pathlib.Path) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


# ----------------------------------------------------------------- release --

def test_release_removes_solutions_clears_outputs_and_stubs(tmp_path):
    src = write(source_notebook(), tmp_path / "source.ipynb")
    status, out = run_cli("release", src, "--out", tmp_path / "student.ipynb")
    assert status == 0, out
    student = nbformat.read(str(tmp_path / "student.ipynb"), as_version=4)
    text = "\n".join(c.source for c in student.cells)
    for line in release.solution_lines(source_notebook()):
        assert line not in text, f"solution text left in the release: {line!r}"
    assert "SOLUTION" not in text and "hidden-tests" not in json.dumps(student)
    assert "*Your answer:*" in text, "text outside the solution block must stay"
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert len(student.cells) == len(source_notebook().cells) - 1     # hidden tests dropped
    # the stubs are valid Python at the right indentation, and raise
    namespace: dict = {}
    exec(student.cells[3].source, namespace)
    assert "# TODO: your code here" in student.cells[3].source
    with pytest.raises(NotImplementedError):
        namespace["square"](2)


def test_release_never_overwrites_and_never_writes_over_its_source(tmp_path):
    src = write(source_notebook(), tmp_path / "source.ipynb")
    before = sha(src)
    status, out = run_cli("release", src, "--out", src)
    assert status == 2 and "source notebook itself" in out
    target = tmp_path / "student.ipynb"
    target.write_text("my edits")
    status, out = run_cli("release", src, "--out", target)
    assert status == 2 and "--force" in out and target.read_text() == "my edits"
    assert run_cli("release", src, "--out", target, "--force")[0] == 0
    assert sha(src) == before


def test_release_warns_when_solution_text_also_appears_elsewhere(tmp_path):
    nb = source_notebook()
    nb.cells.append(v4.new_markdown_cell("Hint: `return total / len(xs)`"))
    status, out = run_cli("release", write(nb, tmp_path / "s.ipynb"), "--out",
                          tmp_path / "student.ipynb")
    assert status == 0 and "warning" in out and "return total / len(xs)" in out


def test_release_reports_unpaired_markers_with_the_cell(tmp_path):
    nb = tiny_notebook(square="def square(x):\n    ### BEGIN SOLUTION\n    return x * x")
    with pytest.raises(UsageError, match="cell 3.*never closed"):
        release.release_notebook(nb)
    nb = tiny_notebook()
    nb.cells[0].source = "<!-- BEGIN SOLUTION --> answer"
    with pytest.raises(UsageError, match="cell 1.*pair up"):
        release.release_notebook(nb)


# ------------------------------------------------------------------- parts --

def test_a_check_prints_passed_or_expected_against_got_with_a_hint(capsys):
    def check(f):
        if f(2) != 4:
            raise parts.CheckFailed(f"f(2) is {f(2)}, expected 4", hint="multiply")

    a = parts.Assignment("unit", [parts.Part("p1", "Part 1", 1, check, "general hint"),
                                  parts.Part("p2", "Part 2", 1, None)])
    assert a.check("p1", lambda x: x * x).passed
    assert capsys.readouterr().out.strip() == "Part 1: 通过 / passed"
    assert not a.check("p1", lambda x: x + 3).passed
    out = capsys.readouterr().out
    assert "f(2) is 5, expected 4" in out and "Hint: multiply" in out

    def stub(x):
        raise NotImplementedError

    result = a.check("p1", stub)
    assert "NotImplementedError" in result.message and "stub" in result.hint
    assert "graded by your instructor" in a.summary()
    assert parts.collected()["unit"]["results"]["p1"]["passed"] is False
    with pytest.raises(KeyError, match="p1"):
        a.check("p9")


# --------------------------------------------------- submit: bad input only --

@pytest.mark.parametrize("name, message", [("", "empty"), ("../x", "'/'"), ("张_三", "'_'"),
                                           ("a\\b", "contains"), (".hidden", "dot")])
def test_submit_rejects_bad_names(name, message):
    with pytest.raises(UsageError, match=message):
        submit.clean_name(name)


def test_submit_checks_the_id_and_accepts_full_width_digits():
    assert submit.clean_id("２１０００１２３４５") == "2100012345"
    for bad in ("21000x", "", "21 00", "-1"):
        with pytest.raises(UsageError, match="digits"):
            submit.clean_id(bad)
    assert submit.zip_name("张三", "2100012345") == "张三_2100012345_HH报告.zip"


def test_submit_refuses_to_overwrite_before_running_anything(tmp_path):
    nb = write(tiny_notebook(), tmp_path / "hw.ipynb")
    (tmp_path / "张三_2100012345_HH报告.zip").write_bytes(b"earlier")
    status, out = run_cli("submit", nb, "--name", "张三", "--id", "2100012345",
                          "--out", tmp_path)
    assert status == 2 and "--force" in out and "Running" not in out
    assert (tmp_path / "张三_2100012345_HH报告.zip").read_bytes() == b"earlier"


# ------------------------------------------------------ grade: input only --

def test_grade_validates_the_hidden_tests(tmp_path):
    (tmp_path / "t1").mkdir()
    (tmp_path / "t1" / "test_a.py").write_text("def test_part1(ns): pass\n")
    with pytest.raises(UsageError, match="POINTS"):
        grade.load_tests(tmp_path / "t1")
    (tmp_path / "t2").mkdir()
    (tmp_path / "t2" / "test_a.py").write_text("POINTS = {'part1': 1, 'part2': 1}\n"
                                               "def test_part1(ns): pass\n")
    with pytest.raises(UsageError, match="test_part2"):
        grade.load_tests(tmp_path / "t2")
    (tmp_path / "t3").mkdir()
    (tmp_path / "t3" / "test_a.py").write_text(HIDDEN_TESTS)
    loaded = grade.load_tests(tmp_path / "t3")
    assert loaded.points == {"part1": 1.0, "part2": 2.0} and loaded.manual == {"essay": 1.0}


def test_grade_takes_the_identity_from_the_file_name_checked_against_submission_json(tmp_path):
    data = nbformat.writes(tiny_notebook()).encode()

    def packed(name, info):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hw.ipynb", data)
            if info is not None:
                zf.writestr("submission.json", json.dumps(info, ensure_ascii=False))
        return path

    import hashlib
    digest = hashlib.sha256(data).hexdigest()
    right = {"name": "张三", "id": "2100012345", "notebook": "hw.ipynb", "notebook_sha256": digest}
    assert grade.read_submission(packed("张三_2100012345_HH报告.zip", right))[1:] == \
        ("张三", "2100012345", [])
    _, name, sid, problems = grade.read_submission(packed("李四_2100000002_HH报告.zip", right))
    assert (name, sid) == ("李四", "2100000002")
    assert problems == ["文件名是 李四 2100000002，submission.json 写的是 张三 2100012345 / the file "
                        "name says 李四 2100000002, submission.json says 张三 2100012345"]
    _, name, sid, problems = grade.read_submission(packed("my homework.zip", right))
    assert (name, sid) == ("张三", "2100012345") and "the file name is not" in problems[0]
    _, name, sid, problems = grade.read_submission(packed("王五_2100000003_HH报告.zip", None))
    assert (name, sid) == ("王五", "2100000003") and "no submission.json" in problems[0]
    _, _, _, problems = grade.read_submission(packed("赵六_2100000004_HH报告.zip", dict(
        right, name="赵六", id="2100000004", notebook_sha256="0" * 64)))
    assert len(problems) == 1 and "changed after submit" in problems[0]
    rows = [grade.Graded("a.zip", "甲", "1"), grade.Graded("b.zip", "乙", "1"),
            grade.Graded("c.ipynb", "c", "")]
    grade.check_identities(rows)
    assert "ID 1 is handed in more than once, also in b.zip" in rows[0].identity[0]
    assert "also in a.zip" in rows[1].identity[0] and "no student ID" in rows[2].identity[0]


def test_grade_reads_names_and_refuses_odd_zips(tmp_path):
    data = nbformat.writes(tiny_notebook()).encode()
    good = tmp_path / "张三_2100012345_HH报告.zip"
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("hw.ipynb", data)
        zf.writestr("__MACOSX/._hw.ipynb", b"junk")
    assert grade.extract_notebook(good) == (data, "张三", "2100012345")
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.ipynb", data)
        zf.writestr("b.ipynb", data)
    with pytest.raises(NotebookError, match="2 notebooks"):
        grade.extract_notebook(two)
    none = tmp_path / "none.zip"
    with zipfile.ZipFile(none, "w") as zf:
        zf.writestr("report.html", "<html>")
    with pytest.raises(NotebookError, match="no .ipynb"):
        grade.extract_notebook(none)


# ------------------------------------------------ the HH checks (stand-ins) --

def test_reference_agrees_with_the_stored_reference_and_the_kit():
    """reference.py (DOP853, 1e-10) against tests/data/hh_reference.json (DOP853, 1e-12)."""
    from support import hh_reference
    ref = hh_reference()
    got = reference.reference_spike_times(10.0, 100.0)
    np.testing.assert_allclose(got, ref["spike_times_ms"], atol=1e-3)
    from braindyn.models import hh_derivatives
    state = (-42.0, 0.3, 0.4, 0.5)
    np.testing.assert_allclose(reference.derivatives(*state, 5.0),
                               hh_derivatives(*state, 0.0, 5.0), rtol=1e-12)


GRADING = pathlib.Path(__file__).resolve().parents[1] / "homework" / "hh" / "instructor" / \
    "grading"


@pytest.mark.slow
def test_the_graders_f_i_data_matches_a_fresh_solve():
    """hh_fi_reference.json (instructors only) is not stale: a rate at a hidden current and
    the threshold's bracket, solved again."""
    import runpy

    make = runpy.run_path(str(GRADING / "_make_fi_reference.py"))
    data = json.loads((GRADING / "hh_fi_reference.json").read_text())
    assert data["hidden"]["currents"] == make["hidden_currents"]()
    k = data["hidden"]["currents"].index(12.2)
    assert make["rate"](12.2) == data["hidden"]["rates"][k]
    assert make["rate"](data["threshold"] - 0.01) == 0
    assert make["rate"](data["threshold"] + 0.01) > 0


def test_students_get_no_reference_rates():
    """The kit holds no f-I data and no function giving reference rates (part 3)."""
    import braindyn.homework as homework

    folder = pathlib.Path(homework.__file__).parent
    assert not (folder / "hh_fi_data.py").exists()
    for name in ("reference_rate", "reference_threshold", "firing_rate", "FI_CURRENTS"):
        assert not hasattr(reference, name), name
    text = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.py"))
    assert "3.3994" not in text and "87.5" not in text


@pytest.fixture(scope="module")
def slides():
    import slides_hh
    return slides_hh


def _result(name, *args):
    return hh.ASSIGNMENT.run(name, *args)


@pytest.mark.slow
def test_the_slides_classes_pass_parts_1_and_2(slides):
    r1 = _result("part1", slides.HHEuler)
    assert r1.passed, r1.text()
    r2 = _result("part2", slides.HHMethod)
    assert r2.passed, r2.text()


def test_a_fixed_method_fails_part_2_saying_why(slides):
    r = _result("part2", slides.HH)      # @bp.odeint(method='exponential_euler'): fixed
    assert not r.passed and "method argument is not used" in r.hint


def test_common_mistakes_get_their_hint(slides):
    class SignOfIK(slides.HHEuler):
        def update(self, _t, _dt, **kwargs):
            I_K = self.gK * self.n ** 4.0 * (self.V - self.EK)
            super().update(_t, _dt)
            self.V += 2 * I_K * _dt          # -I_K became +I_K

    r = _result("part1", SignOfIK)
    assert not r.passed and "sign of I_K" in r.hint and "dV/dt at V = -65" in r.message
    assert "expected" not in r.message and "1041" not in r.message, "no expected numbers"

    class NoDt(slides.HHEuler):
        def update(self, _t, _dt, **kwargs):
            super().update(_t, 1.0)          # forgot the step size

    r = _result("part1", NoDt)
    assert not r.passed and "multiply the derivative by the step" in r.hint

    class Stub(slides.HHEuler):
        def update(self, _t, _dt, **kwargs):
            raise NotImplementedError

    r = _result("part1", Stub)
    assert not r.passed and "NotImplementedError" in r.message

    class WrongStart(slides.HHEuler):
        def __init__(self, size, **kwargs):
            super().__init__(size, **kwargs)
            self.m[:] = 0.05

    r = _result("part1", WrongStart)
    assert not r.passed and "`self.m` starts at" in r.message


def _fi(table):
    """A firing_rates that reads a table (what a student must not hand in)."""
    def firing_rates(currents):
        return np.interp(currents, *zip(*table))
    return firing_rates


def test_part_3_self_check_gives_hints_without_expected_numbers(slides):
    """No reference rates in the self-check: a curve copied as a table is caught because
    it simulates nothing; a model's curve is checked for units and consistency only."""
    table = [(0, 0), (3, 0), (3.5, 45), (10, 70), (20, 90)]
    r = _result("part3", _fi(table), 3.4)
    assert not r.passed and "does not simulate your own model" in r.message

    def firing_rates(currents):            # the slides' class, counted as the protocol says
        group = slides.HHMethod(len(currents), method="rk4", monitors=["spike"])
        group.run(500., inputs=["input", np.asarray(currents, float)], dt=0.05)
        return group.mon.spike[group.mon.ts > 100.].sum(axis=0) / 0.4

    assert _result("part3", firing_rates, 3.4).passed
    r = _result("part3", lambda c: firing_rates(c) / 1000, 3.4)
    assert not r.passed and "per ms" in r.hint
    r = _result("part3", lambda c: firing_rates(c) * 0.4, 3.4)
    assert not r.passed and "spike counts" in r.hint
    r = _result("part3", firing_rates, 6.2)
    assert not r.passed and "threshold = 6.2 does not match" in r.message
    for result in (r, _result("part3", lambda c: firing_rates(c) / 1000, 3.4)):
        assert "expected" not in result.message + result.hint


class _Data(dict):
    source = ""
    problems = ()


def test_the_hidden_hh_tests_give_partial_credit():
    import runpy

    tests = runpy.run_path(str(GRADING / "test_hh.py"))
    ref = json.loads((GRADING / "hh_fi_reference.json").read_text())
    runs = [{"class": "HH", "module": "__main__", "duration": 500.0,
             "inputs": tests["HIDDEN_CURRENTS"]}]
    data = _Data(rates={"rates": ref["hidden"]["rates"], "runs": runs}, threshold=9.0)
    fraction, message = tests["test_part3"](data)
    assert fraction == 0.5 and "threshold" in message
    data = _Data(rates={"rates": ref["hidden"]["rates"], "runs": []}, threshold=3.4)
    fraction, message = tests["test_part3"](data)
    assert fraction == 0 and "does not simulate your own model" in message
    data = _Data(rates={"rates": ref["hidden"]["rates"], "runs": runs}, threshold=3.4)
    data.source = "def firing_rates(currents):\n    return reference.solve(1, 2)"
    fraction, message = tests["test_part3"](data)
    assert fraction == 0 and "reference" in message


# ------------------------------------------------- running notebooks (slow) --

@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """``braindyn check`` on the source, its release, a partly wrong and a broken notebook."""
    base = tmp_path_factory.mktemp("check")
    src = write(source_notebook(), base / "source.ipynb")
    release.release(src, base / "student.ipynb")
    write(tiny_notebook(mean="def mean(xs):\n    return sum(xs) / (len(xs) + 1)"),
          base / "partly.ipynb")
    write(tiny_notebook(mean="def mean(xs)\n    return 0"), base / "syntax.ipynb")
    runs = {}
    for name in ("source", "student", "partly", "syntax"):
        path = base / f"{name}.ipynb"
        before = sha(path)
        runs[name] = run_cli("check", path)
        assert sha(path) == before, f"braindyn check changed {name}.ipynb"
    return runs


@pytest.mark.slow
def test_check_passes_the_source_notebook(checked):
    status, out = checked["source"]
    assert status == 0, out
    assert "Part 1 (square): 通过 / passed" in out and "2 of 2 checked parts passed." in out


@pytest.mark.slow
def test_check_fails_the_released_stubs_with_a_helpful_message(checked):
    status, out = checked["student"]
    assert status == 1
    assert "Part 1 (square): 未通过 / not passed yet" in out
    assert "NotImplementedError (line 3: `raise NotImplementedError`)" in out
    assert "replace the `# TODO` stub" in out


@pytest.mark.slow
def test_check_says_expected_against_got_with_a_hint(checked):
    status, out = checked["partly"]
    assert status == 1
    assert "Part 1 (square): 通过 / passed" in out
    assert "mean([1, 2, 6]) is 2.25, expected 3" in out and "Hint: sum(xs) / len(xs)" in out


@pytest.mark.slow
def test_check_names_the_cell_that_does_not_run(checked):
    status, out = checked["syntax"]
    assert status == 1
    assert "cell 5 (`def mean(xs)`) raised SyntaxError" in out
    assert "Part 2 (mean): 未检查 / not checked: 第 6 个单元格" in out and "cell 6 (" in out


@pytest.fixture(scope="module")
def submitted(tmp_path_factory):
    """A plotting notebook in a folder with a Chinese name, submitted by 张三."""
    base = tmp_path_factory.mktemp("submit")
    nb = write(tiny_notebook(extra=[PLOT]), base / "作业 文件夹" / "我的作业.ipynb")
    before = sha(nb)
    status, out = run_cli("submit", nb, "--name", "张三", "--id", "2100012345",
                          "--out", base / "out")
    return {"notebook": nb, "before": before, "status": status, "out": out,
            "zip": base / "out" / "张三_2100012345_HH报告.zip"}


@pytest.mark.slow
def test_submit_writes_the_named_zip_with_notebook_and_report(submitted):
    assert submitted["status"] == 0, submitted["out"]
    assert sha(submitted["notebook"]) == submitted["before"], "the student's file changed"
    with zipfile.ZipFile(submitted["zip"]) as zf:
        names = zf.namelist()
        assert "我的作业.ipynb" in names and "我的作业_report.html" in names
        assert zf.read("我的作业.ipynb") == submitted["notebook"].read_bytes()
        html = zf.read("我的作业_report.html").decode()
        info = json.loads(zf.read("submission.json"))
        pdf = zf.read("我的作业_report.pdf") if "我的作业_report.pdf" in names else None
    assert re.search(r'<img[^>]*src="data:image/png;base64,', html), "no embedded figure"
    assert (info["name"], info["id"]) == ("张三", "2100012345")
    assert info["checks"] == {"part1": "passed", "part2": "passed"}
    if report.pdf_converter() is None:
        assert pdf is None and "only the HTML report" in submitted["out"]
    else:
        assert pdf is not None and pdf.startswith(b"%PDF"), submitted["out"]


@pytest.mark.slow
def test_submit_accepts_partial_work_saying_what_is_unfinished(tmp_path):
    nb = write(tiny_notebook(mean="def mean(xs)\n    return 0"), tmp_path / "hw.ipynb")
    before = sha(nb)
    status, out = run_cli("submit", nb, "--name", "李四", "--id", "2100000002",
                          "--out", tmp_path / "out", "--no-pdf")
    assert status == 0, out
    assert "cell 5 (`def mean(xs)`) raised SyntaxError" in out
    assert "unfinished parts" in out and "未完成" in out and "Part 2 (mean)" in out
    assert "Part 1 (square)" not in out.split("unfinished parts")[1]
    with zipfile.ZipFile(tmp_path / "out" / "李四_2100000002_HH报告.zip") as zf:
        info = json.loads(zf.read("submission.json"))
    assert info["checks"] == {"part1": "passed", "part2": "not checked"}
    assert any("SyntaxError" in p for p in info["problems"])
    assert sha(nb) == before


SNOOP = '''\
import os
others = [d for d in os.listdir("..") if os.path.isdir(os.path.join("..", d))
          and d != os.path.basename(os.getcwd())]
assert not os.path.exists("mine.txt") and not others, ("I can see", others)'''

# Expected (part1, part2, total) per submission; parts are worth 1 and 2 points.
EXPECTED = {
    "Alice": (1, 2, 3),          # correct; leaves a file in its folder
    "Bob": (1, 1, 2),            # mean right in 1 of 2 hidden cases; checks isolation
    "Carol": (1, 0, 1),          # SyntaxError in part 2
    "Dave": (1, 0, 1),           # mean loops forever
    "Eve": (1, 0, 1),            # mean prints 3 MB
    "Frank": (0, 0, 0),          # not a zip
    "张三": (1, 2, 3),            # the zip written by braindyn submit
}


def make_submissions(folder: pathlib.Path, submitted_zip: pathlib.Path) -> None:
    write(tiny_notebook(extra=["open('mine.txt', 'w').write('Alice was here')"]),
          folder / "Alice_2100000001_HH报告.ipynb")
    write(tiny_notebook(mean="def mean(xs):\n    return xs[0]",
                        extra=[SNOOP]), folder / "Bob_2100000002_HH报告.ipynb")
    write(tiny_notebook(mean="def mean(xs)\n    return 0"), folder / "Carol_2100000003_HH报告.ipynb")
    write(tiny_notebook(mean="def mean(xs):\n    while True:\n        pass"),
          folder / "sub" / "Dave_2100000004_HH报告.ipynb")
    write(tiny_notebook(mean="def mean(xs):\n    print('x' * 3_000_000)\n"
                             "    return sum(xs) / len(xs)"), folder / "Eve_2100000005_HH报告.ipynb")
    (folder / "Frank_2100000006_HH报告.zip").write_bytes(b"this is not a zip")
    shutil.copy(submitted_zip, folder / submitted_zip.name)
    (folder / "notes.txt").write_text("not a submission")


def read_rows(csv_path: pathlib.Path) -> dict[str, dict]:
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, submitted):
    base = tmp_path_factory.mktemp("grade")
    subs, tests, work = base / "submissions", base / "tests", base / "work"
    work.mkdir()
    make_submissions(subs, submitted["zip"])
    tests.mkdir()
    (tests / "test_tiny.py").write_text(HIDDEN_TESTS)
    before = folder_hash(subs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(work))      # the submissions' temporary folders
        status, out = run_cli("grade", subs, "--tests", tests, "--out", base / "grades.csv",
                              "--timeout", 10, "--test-timeout", 5)
        # determinism: two of them again, in another batch
        again = base / "again"
        again.mkdir()
        for name in ("Bob_2100000002_HH报告.ipynb", "Eve_2100000005_HH报告.ipynb"):
            shutil.copy(subs / name, again / name)
        status2, out2 = run_cli("grade", again, "--tests", tests, "--out", base / "again.csv",
                                "--timeout", 10, "--test-timeout", 5)
    return {"status": status, "out": out, "rows": read_rows(base / "grades.csv"),
            "before": before, "after": folder_hash(subs), "work": work,
            "status2": status2, "out2": out2, "rows2": read_rows(base / "again.csv")}


@pytest.mark.slow
def test_grade_gives_the_expected_rows(graded):
    assert graded["status"] == 0, graded["out"]
    rows = graded["rows"]
    assert set(rows) == set(EXPECTED), graded["out"]
    for name, (p1, p2, total) in EXPECTED.items():
        row = rows[name]
        assert (float(row["part1"]), float(row["part2"]), float(row["total"])) == \
            (p1, p2, total), f"{name}: {row}\n{pathlib.Path(row['feedback']).read_text()}"
        assert pathlib.Path(row["feedback"]).is_file()
    assert rows["张三"]["id"] == "2100012345" and rows["Dave"]["id"] == "2100000004"
    assert all(row["essay"] == "" for row in rows.values()), "hand-graded: left empty"
    assert "ignored (not .zip or .ipynb): notes.txt" in graded["out"]


@pytest.mark.slow
def test_grade_feedback_says_what_went_wrong(graded):
    def feedback(name):
        return pathlib.Path(graded["rows"][name]["feedback"]).read_text(encoding="utf-8")

    assert "1 of 2 cases right" in feedback("Bob")
    assert "SyntaxError" in feedback("Carol")
    assert "time limit of 10 s" in feedback("Dave") and "stopped" in feedback("Dave")
    assert "printed more than 2,000,000 bytes while part2 was tested" in feedback("Eve")
    assert "not a readable zip file" in feedback("Frank")


@pytest.mark.slow
def test_grade_leaves_submissions_alone_and_apart(graded):
    assert graded["after"] == graded["before"], "the submissions folder changed"
    bob = pathlib.Path(graded["rows"]["Bob"]["feedback"]).read_text(encoding="utf-8")
    assert "I can see" not in bob and "raised" not in bob, bob
    assert [p for p in graded["work"].iterdir() if p.is_dir()] == [], \
        "temporary folders were left behind"


@pytest.mark.slow
def test_grade_is_deterministic(graded):
    assert graded["status2"] == 0, graded["out2"]
    for name in ("Bob", "Eve"):
        first, second = graded["rows"][name], graded["rows2"][name]
        assert [first[k] for k in ("part1", "part2", "total")] == \
            [second[k] for k in ("part1", "part2", "total")]
        assert pathlib.Path(first["feedback"]).read_text(encoding="utf-8") == \
            pathlib.Path(second["feedback"]).read_text(encoding="utf-8")


def test_the_kernels_output_count_stops_a_cell_at_the_same_write_every_time():
    import threading

    from braindyn.homework.output_cap import NOTE_MARKER, OutputLimitExceeded, _Cap

    cap, shown, notes = _Cap(10), [], []
    cap.write_stderr = notes.append
    write = cap.text(shown.append)
    write("abcdef")
    with pytest.raises(OutputLimitExceeded):
        write("ghijkl")                          # 12 > 10: what fits, then stop
    assert shown == ["abcdef", "ghij"] and len(notes) == 1 and NOTE_MARKER in notes[0]
    write("more")                                # the same cell: dropped, no second stop
    assert shown == ["abcdef", "ghij"] and len(notes) == 1
    assert not isinstance(OutputLimitExceeded(), Exception), "except Exception must not catch it"
    cap.reset()                                  # the next cell counts from 0
    write("0123456789")
    assert shown[-1] == "0123456789" and not cap.exceeded
    # another thread (C output forwarded by ipykernel): cut, noted, not raised
    cap.reset()
    thread = threading.Thread(target=write, args=("x" * 25,))
    thread.start()
    thread.join()
    assert shown[-1] == "x" * 10 and cap.exceeded and len(notes) == 2
    # displayed data counts as its JSON: 20 bytes here
    cap, published = _Cap(30), []
    cap.write_stderr = notes.append
    publish = cap.display(lambda data, **kw: published.append(data))
    publish({"text/plain": "ab"})
    assert published == [{"text/plain": "ab"}] and cap.used == 20
    with pytest.raises(OutputLimitExceeded):
        publish(data={"text/plain": "cd"})       # 40 > 30: not shown
    assert published == [{"text/plain": "ab"}]


# Floods the output and loops forever: must be reported as printing too much, on
# every run (the output limit is counted in bytes; the time limit depends on the load).
FLOOD_THEN_LOOP = "def mean(xs):\n    print('x' * 3_000_000)\n    while True:\n        pass"
# Prints 100 bytes at a time, without end: the flood is reached long before the time limit.
SLOW_FLOOD = "def mean(xs):\n    while True:\n        print('z' * 100)"


def _grade_in_a_process(subs: pathlib.Path, tests: pathlib.Path, out: pathlib.Path,
                        tmp: pathlib.Path) -> subprocess.Popen:
    """``braindyn grade`` in its own process (temporary folders under tmp)."""
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    return subprocess.Popen(
        [sys.executable, "-m", "braindyn.cli", "grade", str(subs), "--tests", str(tests),
         "--out", str(out), "--timeout", "8", "--test-timeout", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


@pytest.mark.slow
def test_grading_twice_at_once_on_a_busy_machine_gives_the_same_grades(tmp_path):
    """Two gradings of one batch at the same time, beside a process that keeps a core
    busy: the same points and the same feedback, word for word."""
    base = tmp_path
    subs, tests = base / "submissions", base / "tests"
    write(tiny_notebook(mean="def mean(xs):\n    return xs[0]"), subs / "Bob_2100000002.ipynb")
    write(tiny_notebook(mean="def mean(xs):\n    while True:\n        pass"),
          subs / "Dave_2100000004.ipynb")
    write(tiny_notebook(mean="def mean(xs):\n    print('x' * 3_000_000)\n"
                             "    return sum(xs) / len(xs)"), subs / "Eve_2100000005.ipynb")
    write(tiny_notebook(mean=FLOOD_THEN_LOOP), subs / "Mallory_2100000007.ipynb")
    write(tiny_notebook(mean=SLOW_FLOOD), subs / "Oscar_2100000008.ipynb")
    tests.mkdir()
    (tests / "test_tiny.py").write_text(HIDDEN_TESTS)
    hog = subprocess.Popen([sys.executable, "-c", "while True:\n    pass"])
    try:
        runs = [_grade_in_a_process(subs, tests, base / f"grades{k}.csv", base / f"tmp{k}")
                for k in (1, 2)]
        outputs = [run.communicate(timeout=600)[0] for run in runs]
    finally:
        hog.kill()
        hog.wait()
    for run, out in zip(runs, outputs):
        assert run.returncode == 0, out
    first, second = (read_rows(base / f"grades{k}.csv") for k in (1, 2))
    assert set(first) == set(second) == {"Bob", "Dave", "Eve", "Mallory", "Oscar"}

    def feedback(row):
        return pathlib.Path(row["feedback"]).read_text(encoding="utf-8")

    for name in first:
        assert [first[name][k] for k in ("part1", "part2", "total")] == \
            [second[name][k] for k in ("part1", "part2", "total")], name
        assert feedback(first[name]) == feedback(second[name]), \
            f"{name}:\n{feedback(first[name])}\n---\n{feedback(second[name])}"
    # and what they say: the output limit wins over the time limit
    for name in ("Eve", "Mallory", "Oscar"):
        text = feedback(first[name])
        assert "printed too much" in text and "while part2 was tested" in text, text
        assert "time limit" not in text and "stopped" not in text, text
        assert float(first[name]["part1"]) == 1 and float(first[name]["part2"]) == 0
    dave = feedback(first["Dave"])
    assert "time limit of 8 s" in dave and "the test of part2 was stopped" in dave
    assert "1 of 2 cases right" in feedback(first["Bob"])


def test_grade_refuses_to_write_into_the_submissions(tmp_path):
    (tmp_path / "subs").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tiny.py").write_text(HIDDEN_TESTS)
    status, out = run_cli("grade", tmp_path / "subs", "--tests", tmp_path / "tests",
                          "--out", tmp_path / "subs" / "grades.csv")
    assert status == 2 and "inside the submissions folder" in out


def test_check_submit_and_grade_share_one_set_of_limits():
    from braindyn.cli import build_parser
    from braindyn.homework import limits, selfcheck

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    for name in ("check", "submit", "grade"):
        option = next(a for a in commands[name]._actions if "--timeout" in a.option_strings)
        assert option.default == limits.PART_TIMEOUT, name
        assert "each part" in option.help
    test_timeout = next(a for a in commands["grade"]._actions
                        if "--test-timeout" in a.option_strings)
    assert test_timeout.default == limits.AFTER_TIMEOUT
    assert selfcheck.DEFAULT_TIMEOUT == submit.DEFAULT_TIMEOUT == grade.DEFAULT_TIMEOUT == \
        limits.PART_TIMEOUT
    assert grade.DEFAULT_TEST_TIMEOUT == limits.AFTER_TIMEOUT


def _bilingual(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and bool(re.search(r"[A-Za-z]{3}", text))


def test_every_check_hint_and_feedback_line_is_in_chinese_and_english(slides):
    """Item 7 of issue 14: the self-checks' verdicts and hints, the messages about cells,
    submissions and identities, and each line of a feedback file."""
    from braindyn.homework.notebooks import CellProblem

    class SignOfIK(slides.HHEuler):
        def update(self, _t, _dt, **kwargs):
            I_K = self.gK * self.n ** 4.0 * (self.V - self.EK)
            super().update(_t, _dt)
            self.V += 2 * I_K * _dt

    class Stub(slides.HHEuler):
        def update(self, _t, _dt, **kwargs):
            raise NotImplementedError

    results = [_result("part1", SignOfIK), _result("part1", Stub), _result("part1", 42),
               _result("part2", slides.HH), _result("part3", lambda c: np.zeros(len(c)), 3.4),
               _result("part3", "not a function", 3.4)]
    for r in results:
        assert not r.passed
        for line in r.text().splitlines():
            assert _bilingual(line), line
    for kind in ("error", "timeout", "output", "dead", "skipped"):
        problem = CellProblem(3, kind, "NameError", "x", "print(x)", evalue_zh="中文")
        assert _bilingual(problem.describe()), problem.describe()
    for bad in (lambda: submit.clean_name(""), lambda: submit.clean_id("x")):
        with pytest.raises(UsageError) as e:
            bad()
        assert _bilingual(str(e.value))
    g = grade.Graded("a.ipynb", "张三", "", scores={"part1": 0.0},
                     messages={"part1": grade.NotCollected.__doc__ and
                               "笔记本没有定义 `x` / the notebook defines no `x`"},
                     problems=["第 1 个单元格（`x`）抛出 E / cell 1 (`x`) raised E"],
                     integrity=["cell 1, line 1: exec"])
    grade.check_identities([g])
    for line in grade.feedback_text(g, {"part1": 1.0}, {"part4": 2.0}).splitlines():
        if line.strip() and not line.startswith("  cell "):
            assert _bilingual(line), line
