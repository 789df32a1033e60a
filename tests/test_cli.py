"""The ``braindyn`` command as a student meets it: help, version, errors, `lessons`."""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from braindyn.cli import build_parser
from support import ROOT


def braindyn(*argv, cwd=None, env=None) -> subprocess.CompletedProcess:
    """``braindyn ARGV`` in a fresh process (``python -m braindyn.cli``)."""
    return subprocess.run([sys.executable, "-m", "braindyn.cli", *map(str, argv)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_version_is_the_installed_packages():
    proc = braindyn("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"braindyn {importlib.metadata.version('braindyn')}"


def test_help_describes_the_kit_and_lists_every_subcommand_with_a_description():
    proc = braindyn("--help")
    assert proc.returncode == 0, proc.stderr
    assert "brain-dynamics course kit" in proc.stdout and "脑动力学" in proc.stdout
    names = subcommands(build_parser())
    assert set(names) == {"lessons", "check", "submit", "cache", "release", "grade"}
    listed = {line.split()[0]: line for line in proc.stdout.splitlines()
              if line.strip() and line.split()[0] in names}
    for name in names:
        assert name in listed and len(listed[name].split()) > 3, \
            f"`braindyn --help` gives no description of {name!r}"


def test_every_option_of_every_subcommand_has_help():
    parser = build_parser()
    undocumented = []
    for name, sub in [("braindyn", parser), *subcommands(parser).items()]:
        assert sub.description, f"{name} has no description"
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if not (choice.help or "").strip():
                        undocumented.append(f"{name} {choice.dest}")
            elif not (action.help or "").strip() or action.help == argparse.SUPPRESS:
                undocumented.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not undocumented, f"options without help: {undocumented}"


def test_what_a_student_reads_is_in_chinese_too():
    parser = build_parser()
    for name in ("lessons", "check", "submit", "cache"):
        sub = subcommands(parser)[name]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in sub.description), name
        for action in sub._actions:
            if action.dest != "help":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in action.help), \
                    f"braindyn {name} {action.dest}: help without Chinese"


@pytest.mark.parametrize("argv, says", [
    ((), "required: SUBCOMMAND"),
    (("lesons",), "invalid choice: 'lesons'"),
    (("submit", "hw.ipynb"), "required: --name, --id"),
    (("check", "hw.ipynb", "--timeout", "ten"), "invalid float value: 'ten'"),
    (("check", "no_such_notebook.ipynb"), "no_such_notebook.ipynb"),
    (("cache", "clean"), "invalid choice: 'clean'"),
])
def test_bad_input_is_one_clear_line_and_status_2(argv, says, tmp_path):
    proc = braindyn(*argv, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and says in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def fake_kit(tmp_path: pathlib.Path) -> pathlib.Path:
    """A kit laid out like this repository: lessons/, homework/, library/braindyn."""
    kit = tmp_path / "kit"
    (kit / "lessons").mkdir(parents=True)
    (kit / "lessons" / "01_why_python_models.ipynb").write_text('{"v": 1}')
    (kit / "homework" / "hh").mkdir(parents=True)
    (kit / "homework" / "hh" / "hh_homework.ipynb").write_text('{"hw": 1}')
    shutil.copytree(ROOT / "library" / "braindyn", kit / "library" / "braindyn",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (kit / "pyproject.toml").write_text("")
    return kit


def test_braindyn_lessons_works_from_my_lessons(tmp_path):
    """JupyterLab's terminal opens in my-lessons/: `braindyn lessons` there finds the kit."""
    kit = fake_kit(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(kit / "library"))   # this kit's braindyn package
    first = braindyn("lessons", cwd=kit, env=env)
    assert first.returncode == 0, first.stderr
    mine = kit / "my-lessons"
    assert (mine / "01_why_python_models.ipynb").read_text() == '{"v": 1}'
    assert (mine / "homework" / "hh" / "hh_homework.ipynb").exists()
    # the student edits a lesson, the kit is updated, they run the command in my-lessons/
    (mine / "01_why_python_models.ipynb").write_text('{"v": 1, "mine": 1}')
    (kit / "lessons" / "01_why_python_models.ipynb").write_text('{"v": 2}')
    (kit / "lessons" / "02_arrays_and_backends.ipynb").write_text('{"v": 1}')
    again = braindyn("lessons", cwd=mine, env=env)
    assert again.returncode == 0, again.stderr
    assert "copied: 02_arrays_and_backends.ipynb" in again.stdout
    assert (mine / "02_arrays_and_backends.ipynb").exists()
    assert (mine / "01_why_python_models.ipynb").read_text() == '{"v": 1, "mine": 1}'
    assert (mine / "01_why_python_models.updated.ipynb").read_text() == '{"v": 2}'
    assert not (mine / "my-lessons").exists() and not (mine / "lessons").exists()
    assert str(mine) in again.stdout


def test_braindyn_cache_says_where_the_cache_is_and_how_big(tmp_path):
    """`braindyn cache` and `braindyn cache clear` (more in test_compile_cache.py)."""
    entry = tmp_path / "numba" / ("0" * 24)
    entry.mkdir(parents=True)
    (entry / "run_loop.py").write_text("x" * 1000)
    env = dict(os.environ, BRAINDYN_CACHE=str(tmp_path))
    shown = braindyn("cache", env=env)
    assert shown.returncode == 0, shown.stderr
    assert str(tmp_path / "numba") in shown.stdout and "1 entry" in shown.stdout
    assert "编译缓存" in shown.stdout
    cleared = braindyn("cache", "clear", env=env)
    assert cleared.returncode == 0 and "removed 1 entry" in cleared.stdout, cleared.stderr
    assert not entry.exists()
