"""Every exercise of every lesson checks the student's code: the untouched stub fails
its check, and the solution shown in the lesson passes it (issue 15, item 1).

The contract (lessons/README.md, "For authors"): a code cell tagged ``exercise``
only defines the student's function (its body raises NotImplementedError); the next
cell, tagged ``exercise-check``, is one call ``ex.check_...(fn)`` returning a
``braindyn.exercises.Verdict``; the cell after it is a markdown cell tagged
``solution`` holding the code in one ```python block inside ``<details>``, so that
it never runs on Run All.  Earlier cells the exercises need are tagged
``exercise-context``.

For each lesson this file runs itself as a script in a fresh Python process (the
lesson's global state stays out of the test session): an IPython shell runs the
context cells, then for every exercise the stub and its check (the Verdict must be
"not done": the check called the stub), then the solution and the check again (it
must pass).  The solution is injected here, never in the notebook.  A lesson without
exercises in this form fails, as does an ``exercise`` cell without its check and
solution.

Also here: the verdicts of ``braindyn.exercises.core`` on a correct, an unfinished,
a wrong and a crashing function, and ``expect_close``'s tolerance, shapes and NaN.
"""
from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
LESSON_TIMEOUT_S = 300
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def exercises_of(cells: list) -> tuple[list, list]:
    """(context sources, [(stub, check, solution code, cell index)]) of a lesson's
    cells (dicts of the notebook JSON); AssertionError naming the cell when an
    exercise lacks its check or solution."""
    context = [c["source"] for c in cells if c["cell_type"] == "code"
               and "exercise-context" in tags(c)]
    found = []
    for i, cell in enumerate(cells):
        if "exercise" not in tags(cell):
            continue
        where = f"cell {i} (tagged exercise)"
        assert cell["cell_type"] == "code", f"{where} is not a code cell"
        assert "NotImplementedError" in cell["source"], \
            f"{where}: a stub's body raises NotImplementedError"
        assert i + 2 < len(cells), f"{where} is not followed by its check and solution"
        check, solution = cells[i + 1], cells[i + 2]
        assert check["cell_type"] == "code" and "exercise-check" in tags(check), \
            f"{where}: the next cell must be a code cell tagged exercise-check"
        assert solution["cell_type"] == "markdown" and "solution" in tags(solution), \
            f"{where}: the cell after the check must be a markdown cell tagged solution"
        body = ast.parse(check["source"]).body
        assert len(body) == 1 and isinstance(body[0], ast.Expr) \
            and isinstance(body[0].value, ast.Call), \
            f"cell {i + 1}: an exercise-check cell is one call, ex.check_...(your_function)"
        assert "<details>" in solution["source"] and "</details>" in solution["source"], \
            f"cell {i + 2}: a solution is collapsed in <details> ... </details>"
        blocks = PYTHON_BLOCK.findall(solution["source"])
        assert len(blocks) == 1, f"cell {i + 2}: a solution has exactly one ```python block"
        found.append((cell["source"], check["source"], blocks[0], i))
    return context, found


# -- the subprocess: run one lesson's exercises ----------------------------------------

def run_lesson(path: str) -> list:
    """Run the lesson's context, then each exercise's stub + check and solution +
    check; return one dict per exercise (statuses of both checks, or an error)."""
    import matplotlib
    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from braindyn.exercises.core import Verdict

    cells = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))["cells"]
    for c in cells:
        if isinstance(c["source"], list):
            c["source"] = "".join(c["source"])
    context, exercises = exercises_of(cells)
    shell = InteractiveShell.instance()

    def run(source: str, what: str) -> None:
        result = shell.run_cell(source, silent=True)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            raise RuntimeError(f"{what} raised {type(error).__name__}: {error}")

    def verdict(source: str):
        value = eval(compile(source.strip(), "<exercise-check>", "eval"), shell.user_ns)
        if not isinstance(value, Verdict):
            raise RuntimeError(f"the check returned {type(value).__name__}, not a Verdict")
        return value

    results = []
    for k, source in enumerate(context):
        run(source, f"exercise-context cell {k + 1}")
    for stub, check, solution, index in exercises:
        entry = {"cell": index}
        try:
            run(stub, "the stub")
            entry["stub"] = verdict(check).status
            run(solution, "the solution")
            entry["solution"] = verdict(check).status
        except Exception as exc:    # noqa: BLE001 - reported by the test
            entry["error"] = f"{type(exc).__name__}: {exc}"
        results.append(entry)
    return results


if __name__ == "__main__":
    out = run_lesson(sys.argv[1])
    print("RESULTS " + json.dumps(out))
    sys.exit(0)


# -- the tests --------------------------------------------------------------------------

import numpy as np   # noqa: E402 - the script above needs none of the test imports
import pytest        # noqa: E402


def ids(p):
    return p.name


def test_there_are_lessons():
    assert len(LESSONS) >= 6


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_each_stub_fails_and_each_solution_passes_its_check(lesson):
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    for c in cells:
        if isinstance(c["source"], list):
            c["source"] = "".join(c["source"])
    _, exercises = exercises_of(cells)   # the structure first, without a subprocess
    assert exercises, (f"{lesson.name} has no exercise in the form of lessons/README.md "
                       "(a code cell tagged exercise, its exercise-check, its solution)")
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run([sys.executable, __file__, str(lesson)], cwd=ROOT / "lessons",
                          env=env, capture_output=True, text=True, timeout=LESSON_TIMEOUT_S)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")]
    assert proc.returncode == 0 and lines, \
        f"{lesson.name}: the exercises did not run\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    results = json.loads(lines[-1][len("RESULTS "):])
    assert len(results) == len(exercises)
    problems = []
    for r in results:
        where = f"{lesson.name}, exercise in cell {r['cell']}"
        if "error" in r:
            problems.append(f"{where}: {r['error']}")
            continue
        if r["stub"] != "not done":
            problems.append(f"{where}: the untouched stub gave '{r['stub']}', not 'not done' "
                            "(does the check call the student's function?)")
        if r["solution"] != "passed":
            problems.append(f"{where}: the solution gave '{r['solution']}', not 'passed'")
    assert not problems, "\n".join(problems) + f"\n{proc.stdout[-3000:]}"


def test_an_exercise_without_its_check_and_solution_is_found():
    stub = {"cell_type": "code", "source": "def f(x):\n    raise NotImplementedError('x')",
            "metadata": {"tags": ["exercise"]}}
    other = {"cell_type": "markdown", "source": "text", "metadata": {}}
    with pytest.raises(AssertionError, match="exercise-check"):
        exercises_of([stub, other, other])
    check = {"cell_type": "code", "source": "ex.check_f(f)",
             "metadata": {"tags": ["exercise-check"]}}
    with pytest.raises(AssertionError, match="tagged solution"):
        exercises_of([stub, check, other])
    with pytest.raises(AssertionError, match="followed"):
        exercises_of([stub, check])
    runs = {"cell_type": "markdown", "metadata": {"tags": ["solution"]},
            "source": "<details><summary>Solution</summary>\n\nno code\n\n</details>"}
    with pytest.raises(AssertionError, match="python block"):
        exercises_of([stub, check, runs])
    good = dict(runs, source="<details><summary>S</summary>\n\n```python\ndef f(x):\n"
                              "    return x\n```\n\n</details>")
    context, found = exercises_of([stub, check, good])
    assert found[0][2] == "def f(x):\n    return x\n"


def test_the_runner_reports_a_wrong_solution_and_a_broken_context(tmp_path):
    """End to end on a small notebook: a right and a wrong solution, then a context
    cell that raises (the runner names it instead of hiding it)."""
    import nbformat

    def notebook(solution_body, context_extra=""):
        cells = [
            nbformat.v4.new_code_cell(
                "from braindyn.exercises.core import check, expect_close\n\n"
                "def check_double(fn):\n"
                "    return check('double', '加倍', lambda: expect_close(fn(2.0), 4.0, 'x', 'x'))\n"
                + context_extra),
            nbformat.v4.new_markdown_cell("Write double · 写出 double"),
            nbformat.v4.new_code_cell("def double(x):\n    raise NotImplementedError('x')"),
            nbformat.v4.new_code_cell("check_double(double)"),
            nbformat.v4.new_markdown_cell("<details><summary>Solution</summary>\n\n```python\n"
                                          f"def double(x):\n    return {solution_body}\n```\n\n"
                                          "</details>")]
        for cell, tag in zip(cells, ["exercise-context", None, "exercise", "exercise-check",
                                     "solution"]):
            if tag:
                cell.metadata["tags"] = [tag]
        path = tmp_path / f"nb{len(list(tmp_path.iterdir()))}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        return path

    def results(path):
        proc = subprocess.run([sys.executable, __file__, str(path)], capture_output=True,
                              text=True, timeout=120, env=dict(os.environ, MPLBACKEND="Agg"))
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")]
        return json.loads(line[-1][len("RESULTS "):]) if line else proc.stderr

    assert results(notebook("2 * x")) == [{"cell": 2, "stub": "not done", "solution": "passed"}]
    assert results(notebook("3 * x")) == [{"cell": 2, "stub": "not done", "solution": "wrong"}]
    broken = results(notebook("2 * x", context_extra="1 / 0\n"))
    assert "exercise-context cell 1 raised ZeroDivisionError" in str(broken)


# -- the verdicts of braindyn.exercises.core --------------------------------------------

def leaky_check(fn):
    from braindyn.exercises.core import check, expect_close

    def test():
        for V, I in [(-65.0, 0.0), (-50.0, 20.0)]:
            expect_close(fn(V, 0.0, I), (-(V + 65.0) + I) / 10.0,
                         f"dV/dt at V = {V}", f"V = {V} 时的 dV/dt")
    return check("the leaky membrane", "漏电膜方程", test)


def test_the_verdicts(capsys):
    def right(V, t, I):
        return (-(V + 65.0) + I) / 10.0

    def stub(V, t, I):
        raise NotImplementedError("write dV/dt")

    def wrong(V, t, I):
        return (-(V + 65.0) + I) / 5.0

    def crashes(V, t, I):
        return {}["tau"]

    def asserts(V, t, I):
        assert V > 0, "my own assert"

    v = leaky_check(right)
    assert v and v.status == "passed" and "正确" in capsys.readouterr().out
    v = leaky_check(stub)
    assert not v and v.status == "not done" and "尚未完成" in capsys.readouterr().out
    v = leaky_check(wrong)
    out = capsys.readouterr().out
    assert not v and v.status == "wrong" and "还不对" in out
    assert "got 1, expected 0.5" in out and "得到 1，应为 0.5" in out   # the first wrong input
    v = leaky_check(crashes)
    out = capsys.readouterr().out
    assert not v and v.status == "error" and "KeyError" in out
    assert 'return {}["tau"]' in out          # the student's line is named
    v = leaky_check(asserts)                  # the student's own assert is an error
    assert v.status == "error" and "my own assert" in capsys.readouterr().out
    v = leaky_check(None)                     # not even a function: still no exception
    assert v.status == "error" and "TypeError" in capsys.readouterr().out


def test_expect_close():
    from braindyn.exercises.core import expect_close

    expect_close(1.0 + 1e-7, 1.0, "x", "x")                      # within rtol = 1e-6
    expect_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "x", "x")
    with pytest.raises(AssertionError, match="got 1.00001, expected 1"):
        expect_close(1.00001, 1.0, "x", "x")
    expect_close(1.00001, 1.0, "x", "x", rtol=1e-4)
    with pytest.raises(AssertionError, match="at index 1"):
        expect_close([1.0, 2.5, 3.0], [1.0, 2.0, 3.0], "x", "x")
    with pytest.raises(AssertionError, match="shape"):
        expect_close([1.0, 2.0], [1.0, 2.0, 3.0], "x", "x")
    with pytest.raises(AssertionError, match="得到 nan"):
        expect_close(float("nan"), 1.0, "x", "x")
    with pytest.raises(AssertionError, match="number"):
        expect_close("one", 1.0, "x", "x")
    with pytest.raises(AssertionError, match="got 0.001"):
        expect_close(1e-3, 0.0, "x", "x", atol=1e-4)
