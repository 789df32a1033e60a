"""The repository as a repo2docker (Binder / JupyterHub) source.

repo2docker builds the image from ``environment.yml`` (the same dependencies as
pyproject.toml: tests/test_packaging.py) and runs the ``start`` file at every server
start.  No image can be built here (no Docker engine), so these tests run ``start``
the way repo2docker does: from the repository folder, with the server command as
its arguments.
"""
import os
import pathlib
import shutil
import stat
import subprocess
import sys

from support import ROOT

VENV_BIN = str(pathlib.Path(sys.executable).parent)


def run_start(repo: pathlib.Path, *command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run([str(repo / "start"), *command], cwd="/", env=env,
                          capture_output=True, text=True, timeout=60)


def fake_repo(tmp_path: pathlib.Path) -> pathlib.Path:
    repo = tmp_path / "repo"
    (repo / "lessons").mkdir(parents=True)
    shutil.copy2(ROOT / "start", repo / "start")
    (repo / "lessons" / "01_a.ipynb").write_text('{"v": 1}')
    return repo


def test_start_is_an_executable_script():
    mode = (ROOT / "start").stat().st_mode
    assert mode & stat.S_IXUSR, "start must be executable (git update-index --chmod=+x start)"
    assert (ROOT / "start").read_text().startswith("#!")


def test_start_makes_the_students_copy_then_runs_the_server_command(tmp_path):
    repo = fake_repo(tmp_path)
    proc = run_start(repo, "sh", "-c", "echo server started; exit 3")
    assert proc.returncode == 3, proc.stderr     # the command's own status: exec'd
    assert "server started" in proc.stdout
    assert (repo / "my-lessons" / "01_a.ipynb").read_text() == '{"v": 1}'


def test_start_keeps_a_students_edits_across_a_kit_update(tmp_path):
    repo = fake_repo(tmp_path)
    run_start(repo, "true")
    (repo / "my-lessons" / "01_a.ipynb").write_text('{"v": 1, "mine": true}')
    (repo / "lessons" / "01_a.ipynb").write_text('{"v": 2}')
    proc = run_start(repo, "true")
    assert proc.returncode == 0, proc.stderr
    assert (repo / "my-lessons" / "01_a.ipynb").read_text() == '{"v": 1, "mine": true}'
    assert (repo / "my-lessons" / "01_a.updated.ipynb").read_text() == '{"v": 2}'


def test_start_still_starts_the_server_when_the_copy_fails(tmp_path):
    repo = fake_repo(tmp_path)
    shutil.rmtree(repo / "lessons")
    proc = run_start(repo, "sh", "-c", "echo server started")
    assert proc.returncode == 0 and "server started" in proc.stdout
    assert "could not update my-lessons/" in proc.stderr
    assert "no lessons folder" in proc.stderr
    assert "Traceback" not in proc.stderr
