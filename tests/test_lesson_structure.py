"""Every lesson follows the shape of lessons/README.md ("For authors"), issue 15:

* Chinese text (CJK characters) in the goals cell (the first), in each exercise
  statement (the markdown cell before a cell tagged ``exercise``), in each Think!
  question and its answer, and in the summary (the cell with ``## Summary``);
* the time in the first cell, ``**Time · 时间:** N min core + M min bonus``, equals
  the sums of the sections' ``⏱ K min`` (core) and ``⏱ K min · bonus`` lines: every
  ``## `` section's heading cell ends with such a line, ``· bonus`` exactly when its
  heading starts with ``## Bonus``; no lesson has more than 60 minutes of core;
* every ``### Think!`` cell is followed by a markdown cell tagged ``answer`` with the
  answers collapsed in ``<details>``;
* no code cell is tagged ``solution`` any more (a solution never runs on Run All: it
  is a markdown cell, see tests/test_lesson_exercises.py).
"""
from __future__ import annotations

import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")
STATED = re.compile(r"\*\*Time · 时间:?\*\*:?\s*(\d+)\s*min core(?:\s*\+\s*(\d+)\s*min bonus)?")
TIMER = re.compile(r"^⏱\s*(\d+)\s*min(\s*·\s*bonus)?\s*$")
MAX_CORE_MIN = 60


def ids(p):
    return p.name


def tags(cell) -> list:
    return cell.metadata.get("tags", [])


def headings(source: str) -> list[tuple[int, str]]:
    """(line number, text) of the level-2 headings outside fenced code blocks."""
    found, fenced = [], False
    for n, line in enumerate(source.splitlines()):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            found.append((n, line))
    return found


def sections(nb) -> list[tuple[int, str, int, bool]]:
    """(cell index, heading, minutes, bonus) of each ``## `` section; AssertionError
    naming the cell when a heading is not first in its cell or lacks its ⏱ line."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        found = headings(cell.source)
        if not found:
            continue
        first = found[0][1]
        assert len(found) == 1 and cell.source.lstrip().startswith("## "), \
            f"cell {i}: one section per cell, its '## ' heading first ({[h for _, h in found]})"
        last = cell.source.rstrip().splitlines()[-1].strip()
        m = TIMER.match(last)
        assert m, f"cell {i} ({first!r}) must end with a line '⏱ K min' (or '⏱ K min · bonus')"
        bonus = first.startswith("## Bonus")
        assert bool(m.group(2)) == bonus, \
            f"cell {i} ({first!r}): '· bonus' after ⏱ exactly when the heading starts '## Bonus'"
        out.append((i, first, int(m.group(1)), bonus))
    return out


def test_there_are_lessons():
    assert len(LESSONS) >= 6


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_goals_exercises_think_and_summary_are_in_chinese_too(lesson):
    nb = nbformat.read(lesson, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and CJK.search(first.source), \
        "the goals (first cell) in Chinese too"
    missing = []
    for i, cell in enumerate(nb.cells):
        if "exercise" in tags(cell):
            before = nb.cells[i - 1]
            if before.cell_type != "markdown" or not CJK.search(before.source):
                missing.append(f"cell {i - 1}: the statement of the exercise in cell {i}")
        if cell.cell_type == "markdown" and (cell.source.lstrip().startswith("### Think!")
                                             or "answer" in tags(cell)):
            if not CJK.search(cell.source):
                missing.append(f"cell {i}: {cell.source.splitlines()[0]!r}")
    assert not missing, "no Chinese text in:\n" + "\n".join(missing)
    summaries = [c for c in nb.cells if c.cell_type == "markdown"
                 and re.search(r"^## Summary", c.source, re.M)]
    assert len(summaries) == 1, "one cell with the heading '## Summary · 小结'"
    assert CJK.search(summaries[0].source), "the summary in Chinese too"
    assert any("exercise" in tags(c) for c in nb.cells), "at least one exercise"


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_section_times_add_up_to_the_stated_time(lesson):
    nb = nbformat.read(lesson, as_version=4)
    stated = STATED.search(nb.cells[0].source)
    assert stated, "the first cell states '**Time · 时间:** N min core + M min bonus'"
    core, bonus = int(stated.group(1)), int(stated.group(2) or 0)
    found = sections(nb)
    assert found, "sections '## ...' with their times"
    core_sum = sum(k for _, _, k, b in found if not b)
    bonus_sum = sum(k for _, _, k, b in found if b)
    table = "\n".join(f"  cell {i}: {k} min{' (bonus)' if b else ''}  {h}"
                      for i, h, k, b in found)
    assert (core_sum, bonus_sum) == (core, bonus), \
        f"stated {core} min core + {bonus} bonus; the sections add to " \
        f"{core_sum} + {bonus_sum}:\n{table}"
    assert core <= MAX_CORE_MIN, f"{core} min of core material: mark later sections Bonus"
    bonus_started = False
    for _, h, _, b in found:          # the bonus sections come after the core ones
        if b:
            bonus_started = True
        elif bonus_started and not h.startswith("## Summary"):
            pytest.fail(f"core section {h!r} after a bonus section")


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_every_think_has_a_collapsed_answer(lesson):
    nb = nbformat.read(lesson, as_version=4)
    thinks = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "markdown" and c.source.lstrip().startswith("### Think!")]
    assert thinks, "a '### Think!' question"
    inside = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and i not in thinks
              and re.search(r"^### Think!", c.source, re.M)]
    assert not inside, f"cells {inside}: a '### Think!' heading starts its own cell"
    for i in thinks:
        assert i + 1 < len(nb.cells), f"cell {i}: Think! is last, without its answer"
        answer = nb.cells[i + 1]
        assert answer.cell_type == "markdown" and "answer" in tags(answer), \
            f"cell {i}: a '### Think!' cell is followed by a markdown cell tagged answer"
        assert "<details>" in answer.source and "</details>" in answer.source, \
            f"cell {i + 1}: the answers are collapsed in <details> ... </details>"


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_no_solution_runs(lesson):
    nb = nbformat.read(lesson, as_version=4)
    runs = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "solution" in tags(c)]
    assert not runs, f"code cells tagged solution (they would run on Run All): {runs}; " \
                     "show a solution in a markdown cell, see lessons/README.md"


def test_the_checks_see_a_missing_timer_and_a_wrong_sum():
    good = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# L\n\n**Time · 时间:** 5 min core + 2 min bonus"),
        nbformat.v4.new_markdown_cell("## 1. A · 甲\n\ntext\n\n⏱ 4 min"),
        nbformat.v4.new_markdown_cell("## Bonus: B · 附加\n\n⏱ 2 min · bonus"),
        nbformat.v4.new_markdown_cell("## Summary · 小结\n\n* x\n\n⏱ 1 min")])
    assert [(k, b) for _, _, k, b in sections(good)] == [(4, False), (2, True), (1, False)]
    bad = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 1. A\n\ntext")])
    with pytest.raises(AssertionError, match="must end with"):
        sections(bad)
    bad.cells[0].source = "## Bonus: A\n\n⏱ 3 min"
    with pytest.raises(AssertionError, match="bonus"):
        sections(bad)
    bad.cells[0].source = "## A\n\n```python\n## not a heading\n```\n\n⏱ 3 min"
    assert sections(bad)[0][2] == 3
    bad.cells[0].source = "## A\n\ntext\n\n## B\n\n⏱ 3 min"
    with pytest.raises(AssertionError, match="one section per cell"):
        sections(bad)
    assert STATED.search("**Time · 时间:** 45 min core").groups() == ("45", None)
