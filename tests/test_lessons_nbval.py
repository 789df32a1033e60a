"""Every lesson runs top to bottom in a fresh kernel under nbval (lax mode).

How it is wired: ``pytest`` collects only ``tests/`` (``testpaths`` in
pyproject.toml), so each notebook gets one test here that runs

    python -m pytest --nbval-lax --nbval-current-env lessons/NN_name.ipynb

in a subprocess.  nbval starts a fresh kernel of this Python environment,
runs the cells in order, fails on any exception except in cells tagged
``raises-exception`` (the exercise stubs), and compares the outputs of cells
marked ``# NBVAL_CHECK_OUTPUT`` (their stored outputs are kept by
tools/strip_notebooks.py via the ``keep_output`` tag).  Lax mode ignores all
other outputs: timings and pictures change from run to run.

A subprocess rather than collecting the notebooks in this session keeps
nbval's kernel and a lesson's global settings (backend, random seeds,
matplotlib state) out of the other tests, and gives one clear failure per
lesson.  To run one lesson by hand, use the command above.
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The homework notebooks run under `braindyn check` instead (tests/test_homework_hh.py:
# the source must pass every part; the student version raises in its stubs), and the
# slide decks when the slides are built (tests/test_slides.py).
NOTEBOOKS = sorted((ROOT / "lessons").glob("*.ipynb"))
CELL_TIMEOUT_S = 300
LESSON_TIMEOUT_S = 900


def test_there_are_lessons():
    assert NOTEBOOKS, f"no notebooks found in {ROOT / 'lessons'}"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lesson_runs_top_to_bottom(notebook):
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
           f"--nbval-cell-timeout={CELL_TIMEOUT_S}", "-p", "no:cacheprovider", "-q",
           str(notebook.relative_to(ROOT))]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=LESSON_TIMEOUT_S)
    assert proc.returncode == 0, (
        f"{notebook.name} failed under nbval (rerun: {' '.join(cmd[2:])}):\n"
        f"{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
