"""The grading sandbox (braindyn.homework.sandbox): what code inside it can and cannot do.

Each test starts a sandbox or two (about 0.1 s each, a few seconds with a kernel):
plain ``python -c`` programs stand in for a student's notebook, some run as
root inside (the grader here runs as root) to show that the read-only mounts,
not the user, keep the files safe.  bubblewrap is installed by ``make
bubblewrap`` (``make test`` on CI does it); without it these tests are skipped,
saying so, and ``braindyn grade`` refuses to run without ``--no-sandbox``.
"""
from __future__ import annotations

import json
import os
import pathlib
import sys
import time

import pytest

from braindyn.homework import grade, sandbox
from support import folder_hash, run_cli


@pytest.fixture(autouse=True)
def _require_sandbox():
    """Skip, saying why, where bubblewrap cannot make a sandbox; on CI (CI=true), where
    `make test` installs it, fail instead: a skipped security test is no test."""
    problem = sandbox.problem()
    if problem is not None:
        message = f"no sandbox here: {problem} (run `make bubblewrap`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

PY = sys.executable


def inside(code: str, limits: sandbox.Limits | None = None, **kw) -> sandbox.Finished:
    """Run ``python -c code`` in a new sandbox (as the grader's user: root here)."""
    limits = limits or sandbox.Limits(wall_seconds=60)
    return sandbox.run([PY, "-c", code], b"", limits, runner=False, **kw)


def lines(done: sandbox.Finished) -> list[str]:
    assert done.returncode is not None, f"killed at the wall-clock limit: {done.stderr}"
    return done.stdout.decode().splitlines()


def test_nothing_outside_the_sandbox_can_be_written_even_by_root(tmp_path):
    precious = tmp_path / "grades.csv"                      # the grader's files
    precious.write_text("name,total\n张三,8\n")
    kit = pathlib.Path(grade.__file__).parent
    targets = [str(precious), str(tmp_path / "new.txt"), str(kit / "hh.py"),
               str(kit / "pwned.py"), sys.executable, "/usr/bin/pwned", "/etc/passwd",
               "/proc/sys/vm/drop_caches", os.path.expanduser("~/pwned")]
    before = folder_hash(tmp_path), folder_hash(kit)
    code = f"""
import os
for path in {targets!r}:
    try:
        with open(path, "a") as f:
            f.write("x")
        print("WROTE", path)
    except OSError as e:
        print("refused", path, e.strerror)
print("uid", os.getuid())
print("caps", open("/proc/self/status").read().split("CapEff:")[1].split()[0])
import subprocess
r = subprocess.run(["mount", "-o", "remount,rw", "/usr"], capture_output=True)
print("remount", r.returncode)
open("mine.txt", "w").write("fine")          # its own folder is writable
print("own", open("mine.txt").read())
"""
    out = lines(inside(code))
    assert not [line for line in out if line.startswith("WROTE")], out
    if os.geteuid() == 0:
        assert "uid 0" in out, "this test means to show that root inside cannot write"
        assert int(out[out.index(next(x for x in out if x.startswith("caps")))].split()[1], 16) \
            & (1 << 21) == 0, "CAP_SYS_ADMIN must be gone"
    assert next(x for x in out if x.startswith("remount")) != "remount 0"
    assert "own fine" in out
    assert (folder_hash(tmp_path), folder_hash(kit)) == before
    assert precious.read_text() == "name,total\n张三,8\n"


def test_the_grader_s_files_are_not_even_visible(tmp_path):
    (tmp_path / "hidden_tests.py").write_text("SECRET = 42\n")
    code = f"""
import os
for path in [{str(tmp_path)!r}, {str(tmp_path / 'hidden_tests.py')!r}, "/root", "/home"]:
    print(path, os.path.exists(path) and sorted(os.listdir(path)) if os.path.isdir(path)
          else os.path.exists(path))
print("cwd", os.getcwd(), sorted(os.listdir(".")))
"""
    out = lines(inside(code))
    assert f"{tmp_path} False" in out and f"{tmp_path / 'hidden_tests.py'} False" in out
    assert "/home ['student']" in out and f"cwd {sandbox.HOME} []" in out


def test_the_runner_becomes_nobody_without_capabilities():
    if os.geteuid() != 0:
        pytest.skip("as a normal user the sandbox runs as that user, in a user namespace")
    code = ("import os, sys\n"
            "sys.argv = ['runner', '--drop-to', '65534:65534']\n"
            "from braindyn.homework import sandbox\n"
            "sandbox.become(65534, 65534)\n"
            "print(os.getuid(), os.getgid(), os.getgroups())\n"
            "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
            "try:\n    os.setuid(0)\nexcept PermissionError:\n    print('cannot become root')\n"
            "print([l for l in open('/proc/self/status') if 'NoNewPrivs' in l][0].split()[1])\n")
    out = lines(inside(code))
    assert out == ["65534 65534 []", "0000000000000000", "cannot become root", "1"], out


def test_no_network_but_loopback():
    code = """
import socket
print(sorted(name for _, name in socket.if_nameindex()))
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    print("connected")
except OSError as e:
    print("no network:", e.strerror or e)
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
socket.create_connection(s.getsockname(), timeout=3); print("loopback works")
"""
    out = lines(inside(code))
    assert out[0] == "['lo']" and out[1].startswith("no network") and out[2] == "loopback works"


def test_memory_file_size_disk_and_cpu_limits():
    limits = sandbox.Limits(wall_seconds=60, memory_mb=600, file_mb=5, disk_mb=20, cpu_seconds=2)
    code = """
import os
try:
    block = bytearray(2 * 1024 ** 3)
    print("allocated 2 GB")
except MemoryError:
    print("memory refused")
import signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
try:
    with open("big", "wb") as f:
        f.write(b"x" * (6 * 1024 ** 2))
    print("wrote 6 MB")
except OSError as e:
    print("file size refused:", e.strerror)
os.remove("big")
try:
    for k in range(30):
        with open(f"part{k}", "wb") as f:
            f.write(b"x" * (1024 ** 2))
    print("filled 30 MB")
except OSError as e:
    print("disk refused:", e.strerror)
print("spinning", flush=True)
while True:
    pass
"""
    start = time.monotonic()
    done = inside(code, limits)
    out = done.stdout.decode().splitlines()
    assert out == ["memory refused", "file size refused: File too large",
                   "disk refused: No space left on device", "spinning"], (out, done.stderr)
    assert done.returncode not in (None, 0) and time.monotonic() - start < 30, \
        "the CPU-time limit stops an endless loop"


def test_a_fork_bomb_meets_the_process_limit():
    limits = sandbox.Limits(wall_seconds=60, processes=20)
    code = """
import os, resource, subprocess
if os.getuid() != 0:       # a normal user's sandbox: the runner sets this (--max-processes)
    resource.setrlimit(resource.RLIMIT_NPROC, (20, 20))
started = []
for k in range(200):
    try:
        started.append(subprocess.Popen(["sleep", "30"]))
    except OSError:
        break
print(len(started))
"""
    count = int(lines(inside(limits=limits, code=code))[0])
    assert 5 < count <= 28, count


def _alive(marker: str) -> list[int]:
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_every_process_dies_with_the_sandbox():
    marker = "987654.5"           # a sleep nobody else runs
    code = f"""
import os, subprocess
subprocess.Popen(["sleep", "{marker}"], start_new_session=True)   # a detached child
if os.fork() == 0:                       # a daemon, by double fork
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{marker}"])
    os._exit(0)
print("left them running")
"""
    out = lines(inside(code))
    assert out == ["left them running"]
    time.sleep(0.5)
    assert _alive(marker) == [], "a process outlived its sandbox"


def test_the_wall_clock_limit_kills_the_whole_sandbox():
    marker = "987655.5"
    code = f"import subprocess, time\nsubprocess.Popen(['sleep', '{marker}'])\ntime.sleep(600)\n"
    start = time.monotonic()
    done = inside(code, sandbox.Limits(wall_seconds=3))
    assert done.timed_out and time.monotonic() - start < 20
    time.sleep(0.5)
    assert _alive(marker) == []


def test_two_sandboxes_share_nothing():
    write = ("import os\nos.makedirs(os.environ['BRAINDYN_CACHE'], exist_ok=True)\n"
             "open(os.path.join(os.environ['BRAINDYN_CACHE'], 'entry'), 'w').write('x')\n"
             "open('/tmp/mark', 'w').write('x'); open('mark', 'w').write('x')\n"
             "print(os.environ['BRAINDYN_CACHE'])")
    first = lines(inside(write))
    assert first == [f"{sandbox.HOME}/.cache/braindyn"]
    look = ("import os\nprint(os.path.exists(os.environ['BRAINDYN_CACHE']), "
            "os.path.exists('/tmp/mark'), os.path.exists('mark'))")
    assert lines(inside(look)) == ["False False False"]


def test_grade_refuses_without_a_sandbox_unless_told(tmp_path, monkeypatch):
    subs, tests = tmp_path / "subs", tmp_path / "tests"
    subs.mkdir()
    tests.mkdir()
    (subs / "a.ipynb").write_text("{}")
    (tests / "test_a.py").write_text("POINTS = {'part1': 1}\ndef test_part1(data): pass\n")
    monkeypatch.setattr(sandbox, "problem", lambda: "bwrap is not installed (test)")
    status, out = run_cli("grade", subs, "--tests", tests, "--out", tmp_path / "g.csv")
    assert status == 2 and "bwrap is not installed (test)" in out and "--no-sandbox" in out
    assert not (tmp_path / "g.csv").exists()
    from braindyn.cli import build_parser
    help_text = build_parser().parse_args(["grade", "s", "--tests", "t", "--out", "o.csv"])
    assert help_text.no_sandbox is False
    grade_parser = next(a for a in build_parser()._actions if a.dest == "command").choices["grade"]
    option = next(a for a in grade_parser._actions if "--no-sandbox" in a.option_strings)
    for risk in ("your files", "network", "processes"):
        assert risk in option.help, option.help


def test_the_runner_reports_json_and_its_kernel_cannot_write_into_it():
    """The runner in a sandbox: a cell writes to every file descriptor and /proc entry it
    can find; the report stays valid JSON and says only what happened."""
    import nbformat

    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [v4.new_code_cell(
        "import os\nhits = []\n"
        "for pid in os.listdir('/proc'):\n"
        "    if pid.isdigit() and int(pid) != os.getpid():\n"
        "        for fd in ('0', '1', '2'):\n"
        "            try:\n"
        "                with open(f'/proc/{pid}/fd/{fd}', 'w') as f:\n"
        "                    f.write('FORGED')\n"
        "                hits.append((pid, fd))\n"
        "            except OSError:\n"
        "                pass\n"
        "os.write(1, b'FORGED'); os.write(2, b'FORGED')\n"
        "print(hits)")]
    job = {"notebook": nbformat.writes(nb), "name": "s.ipynb",
           "sections": [{"name": "notebook", "cells": [0], "after": ["print(len(hits))"]}],
           "timeout": 60, "after_timeout": 10, "max_output": 10000}
    done = sandbox.run([PY, "-m", "braindyn.homework.runner"], json.dumps(job).encode(),
                       sandbox.Limits(wall_seconds=120))
    assert b"FORGED" not in done.stdout, done.stdout[:500]
    report = json.loads(done.stdout)
    assert report["problems"] == []
    assert report["after"]["notebook"][0]["outputs"][0]["text"] == "0\n"


def test_without_a_sandbox_the_runner_still_runs_in_a_folder_of_its_own_with_limits():
    """--no-sandbox: the same runner and limits in a new temporary folder, removed after."""
    import tempfile

    import nbformat

    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [v4.new_code_cell("import os, resource")]
    look = ("print(os.getcwd(), os.environ['BRAINDYN_CACHE'], "
            "resource.getrlimit(resource.RLIMIT_FSIZE)[0])")
    job = {"notebook": nbformat.writes(nb), "name": "s.ipynb",
           "sections": [{"name": "notebook", "cells": [0], "after": [look]}],
           "timeout": 60, "after_timeout": 10, "max_output": 10000}
    before = set(pathlib.Path(tempfile.gettempdir()).glob("braindyn-grade-*"))
    done = sandbox.run_unsandboxed([PY, "-m", "braindyn.homework.runner"],
                                   json.dumps(job).encode(), sandbox.Limits(wall_seconds=120,
                                                                            file_mb=7))
    report = json.loads(done.stdout)
    assert report["problems"] == []
    cwd, cache, fsize = report["after"]["notebook"][0]["outputs"][0]["text"].split()
    assert pathlib.Path(cwd).name.startswith("braindyn-grade-") and cache.startswith(cwd)
    assert int(fsize) == 7 * 1024 * 1024
    assert set(pathlib.Path(tempfile.gettempdir()).glob("braindyn-grade-*")) == before
