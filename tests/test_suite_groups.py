"""The suite's xdist groups hold: tests marked ``xdist_group`` run on one worker.

``make test`` runs ``pytest -n auto --dist loadgroup``.  The slow shared fixtures (the
course site build, the graded batch of crafted homework submissions, the browser's
Run All) are module- or session-scoped and marked with a group so that one worker
builds each once.  When grouping silently stops (pytest 9.2 with pytest-xdist 3.8:
pytest-xdist issue 1386, hence the pin in pyproject.toml), each worker builds them
again: minutes of CPU, and the suite took 23 minutes instead of its budget of 20.
This runs a small session in a subprocess and checks the grouping itself.
"""
import subprocess
import sys
import textwrap

GROUPED = textwrap.dedent("""
    import os
    import pytest

    pytestmark = pytest.mark.xdist_group("shared")

    @pytest.fixture(scope="module")
    def shared(tmp_path_factory):
        with open(os.environ["SETUPS"], "a") as f:
            f.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")
        return 1

    @pytest.mark.parametrize("i", range(8))
    def test_uses_the_shared_fixture(shared, i):
        with open(os.environ["RAN"], "a") as f:
            f.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")
""")

OTHERS = textwrap.dedent("""
    import pytest

    @pytest.mark.parametrize("i", range(20))
    def test_other(i):
        pass
""")


def test_a_group_runs_on_one_worker_and_builds_its_fixture_once(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    (tmp_path / "test_others.py").write_text(OTHERS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    setups, ran = tmp_path / "setups.txt", tmp_path / "ran.txt"
    env = {"SETUPS": str(setups), "RAN": str(ran), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist",
                          "loadgroup", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env=env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    workers = ran.read_text().split()
    assert len(workers) == 8 and workers[0].startswith("gw"), workers
    assert len(set(workers)) == 1, f"the group ran on several workers: {sorted(set(workers))}"
    assert setups.read_text().split() == workers[:1], "the shared fixture was built again"
