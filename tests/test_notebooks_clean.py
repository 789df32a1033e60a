"""Notebooks are stored clean, and every lesson has the parts a lesson needs.

Clean: no outputs, execution counts or widget state, except in cells tagged
``keep_output`` (the ``# NBVAL_CHECK_OUTPUT`` cells, whose outputs nbval
compares).  Fix a failure with ``python tools/strip_notebooks.py``, or
``--execute`` to refresh the kept outputs.
"""
import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*(ROOT / "lessons").glob("*.ipynb"), *(ROOT / "homework").rglob("*.ipynb"),
                    *(ROOT / "course").rglob("*.ipynb")])
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
FIX = "run: python tools/strip_notebooks.py"


def ids(p):
    return f"{p.parent.name}/{p.name}"


def read(path):
    return nbformat.read(path, as_version=4)


def tags(cell):
    return cell.metadata.get("tags", [])


def checks_output(cell):
    return any(line.strip().lstrip("#").strip() == "NBVAL_CHECK_OUTPUT"
               for line in cell.source.splitlines() if line.strip().startswith("#"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_is_valid_and_stripped(path):
    nb = read(path)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state; {FIX}"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"{path.name}, cell {i} ({cell.source[:40]!r})"
        if "keep_output" in tags(cell):
            assert cell.outputs, f"{where} is tagged keep_output but has no output; " \
                                 f"run: python tools/strip_notebooks.py --execute {path.name}"
            assert cell.execution_count is not None, f"{where}: nbval skips unrun cells"
        else:
            assert not cell.outputs and cell.execution_count is None, f"{where} has outputs; {FIX}"
        assert "execution" not in cell.metadata, f"{where} has run-time metadata; {FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_checked_outputs_are_kept(path):
    for i, cell in enumerate(read(path).cells):
        if cell.cell_type == "code" and checks_output(cell):
            assert "keep_output" in tags(cell), \
                f"{path.name}, cell {i} is checked by nbval but not tagged keep_output"


def test_the_strip_tool_finds_nothing_to_do():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import strip_notebooks
    finally:
        sys.path.pop(0)
    for path in NOTEBOOKS:
        nb = read(path)
        text = nbformat.writes(nb)
        strip_notebooks.strip(nb)
        assert nbformat.writes(nb) == text, f"{path.name} is not stripped; {FIX}"


# -- what every lesson contains (issue 5) ------------------------------------------------

@pytest.mark.parametrize("path", LESSONS, ids=ids)
def test_lesson_has_goals_think_and_summary(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "learning goals" in first.source.lower(), "goals belong at the top"
    # The time, the exercises, their checks and solutions, the answers and the Chinese
    # text: tests/test_lesson_structure.py and tests/test_lesson_exercises.py (issue 15).

    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Think!" in markdown
    assert re.search(r"^#+\s*Summary", markdown, re.M), "a Summary heading"
    assert "$" in markdown, "equations in LaTeX"


def test_lessons_are_numbered_in_order():
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1)), [p.name for p in LESSONS]
