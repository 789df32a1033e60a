"""The compile cache on disk: a damaged entry never stops a model, and the cache stays small.

Each run is a fresh process (``python model.py`` with ``BRAINDYN_CACHE=<tmp>``), as a
restarted kernel would be; it prints the loop's loads from the disk cache, its
compilations, and how far its result is from the same model run with ``jit=False``.
"""
from __future__ import annotations

import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from braindyn.math import numba_cache

MODEL = textwrap.dedent('''
    import sys
    import warnings

    import numpy as np

    import braindyn as bp
    import braindyn.math as bm


    class Leaky(bp.NeuGroup):
        def __init__(self):
            super().__init__(3, monitors=["x"])
            self.x = bm.Variable(bm.zeros(3))
            self.tau = 5.0
            self.integral = bp.odeint(self.derivative, method="rk4")

        def derivative(self, x, t, I):
            return (-x + I) / self.tau

        def update(self, _t, _dt):
            self.x[:] = self.integral(self.x, _t, 2.0, dt=_dt)


    warnings.simplefilter("always")      # braindyn itself must say things only once
    reference = Leaky()
    reference.run(10.0, dt=0.1, jit=False)
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
        model = Leaky()
        model.run(10.0, dt=0.1)
        (program,) = model._runner_cache.values()
        stats = program.loop.stats       # Numba's own count of loads from its disk cache
        print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()),
              float(np.abs(model.mon.x - reference.mon.x).max()))
''')


class Run:
    """What one process printed: loads from the cache, compilations, error vs jit=False."""

    def __init__(self, proc: subprocess.CompletedProcess):
        assert proc.returncode == 0, proc.stderr
        self.stderr = proc.stderr
        self.hits, self.misses, self.error = proc.stdout.split()[:3]
        self.hits, self.misses, self.error = int(self.hits), int(self.misses), float(self.error)
        self.warnings = [line for line in proc.stderr.splitlines() if "CacheWarning" in line]


def env_for(cache, **more) -> dict:
    return dict(os.environ, BRAINDYN_CACHE=str(cache), **more)


def write_model(folder: pathlib.Path) -> pathlib.Path:
    path = folder / "model.py"
    if not path.exists():
        path.write_text(MODEL)
    return path


def run_model(folder: pathlib.Path, cache, *argv, preexec_fn=None, **env) -> Run:
    script = write_model(folder)
    return Run(subprocess.run([sys.executable, str(script), *map(str, argv)],
                              capture_output=True, text=True, env=env_for(cache, **env),
                              cwd=folder, timeout=300, preexec_fn=preexec_fn))


def the_entry(cache: pathlib.Path) -> pathlib.Path:
    (entry,) = [p for p in (cache / "numba").iterdir() if p.is_dir()]
    return entry


def loop_file(entry: pathlib.Path, suffix: str) -> pathlib.Path:
    if suffix == ".py":
        return entry / "run_loop.py"
    (path,) = (entry / "__pycache__").glob(f"run_loop.run_loop-*{suffix}")
    return path


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> pathlib.Path:
    """A cache holding the model's entry, made by one run (copied by each test)."""
    folder = tmp_path_factory.mktemp("stored")
    first = run_model(folder, folder / "cache")
    assert (first.hits, first.misses, first.error) == (0, 1, 0.0)
    assert not first.warnings, first.stderr
    return folder / "cache"


def truncate(path: pathlib.Path, size: int = 100):
    path.write_bytes(path.read_bytes()[:size])


def garble(path: pathlib.Path):
    """Bytes changed in the middle, the length kept (what a bad disk block leaves)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 16] = bytes((b ^ 0x5A) | 0x80 for b in data[middle:middle + 16])
    path.write_bytes(bytes(data))


def other_functions_code(path: pathlib.Path):
    """A whole, well-formed machine-code file, but another function's."""
    (other,) = path.parent.glob("Leaky*_update.*.nbc")
    shutil.copyfile(other, path)


DAMAGE = {
    "index cut to 100 bytes": (".nbi", truncate),
    "index empty": (".nbi", lambda p: truncate(p, 0)),
    "machine code garbled": (".nbc", garble),
    "machine code of another function": (".nbc", other_functions_code),
    "source garbled": (".py", garble),
    "source cut short": (".py", truncate),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_file_is_compiled_again_and_replaced(damage, stored, tmp_path):
    suffix, spoil = DAMAGE[damage]
    cache = tmp_path / "cache"
    shutil.copytree(stored, cache)
    entry = the_entry(cache)
    spoil(loop_file(entry, suffix))
    again = run_model(tmp_path, cache)
    assert (again.hits, again.misses, again.error) == (0, 1, 0.0), again.stderr
    assert len(again.warnings) == 1 and "damaged" in again.warnings[0], again.stderr
    assert "Traceback" not in again.stderr
    # the entry was written again, whole: its files pass their checks
    from braindyn.math import numba_cache_entry
    for suffix in (".nbi", ".nbc"):
        numba_cache_entry.unpack(loop_file(entry, suffix).read_bytes(), suffix)
    assert "def run_loop" in loop_file(entry, ".py").read_text()


@pytest.mark.slow
def test_the_issues_three_files_cut_to_100_bytes(stored, tmp_path):
    """The report: three files of an entry cut to their first 100 bytes made every
    later run fail with `UnpicklingError: pickle data was truncated`."""
    cache = tmp_path / "cache"
    shutil.copytree(stored, cache)
    pycache = the_entry(cache) / "__pycache__"
    for pattern in ("run_loop.*.nbi", "run_loop.*.nbc", "Leaky*_update.*.nbc"):
        (path,) = pycache.glob(pattern)
        truncate(path)
    again = run_model(tmp_path, cache)
    assert (again.hits, again.misses, again.error) == (0, 1, 0.0), again.stderr
    assert again.warnings and all("damaged" in w for w in again.warnings), again.stderr
    # and the next kernel loads the rebuilt entry, silently
    third = run_model(tmp_path, cache)
    assert (third.hits, third.misses, third.error) == (1, 0, 0.0)
    assert not third.warnings, third.stderr


@pytest.mark.slow
def test_two_processes_compiling_one_model_at_once(tmp_path):
    script, cache = write_model(tmp_path), tmp_path / "cache"
    procs = [subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env_for(cache))
             for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        run = Run(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
        assert run.error == 0.0 and not run.warnings, err
    after = run_model(tmp_path, cache)
    assert (after.hits, after.misses, after.error) == (1, 0, 0.0)
    assert not after.warnings, after.stderr


def test_an_unwritable_cache_folder_runs_uncached_with_one_warning(tmp_path):
    """A cache folder that cannot be made (here: below a file, which stops root too)."""
    (tmp_path / "file.txt").write_text("not a folder")
    proc = subprocess.run([sys.executable, str(write_model(tmp_path)), "2"],
                          capture_output=True, text=True, timeout=300,
                          env=env_for(tmp_path / "file.txt" / "cache"))
    assert proc.returncode == 0, proc.stderr
    runs = [line.split() for line in proc.stdout.splitlines()]
    assert [(int(h), int(m), float(e)) for h, m, e in runs] == [(0, 1, 0.0)] * 2
    warned = [line for line in proc.stderr.splitlines() if "CacheWarning" in line]
    assert len(warned) == 1 and "cannot write the compile cache" in warned[0], proc.stderr


def _files_of_at_most_4_kb():
    """A full disk, as an ordinary user or root meets it: writes past 4 kB fail."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # an error from write(), not a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.slow
def test_a_full_disk_runs_uncached_and_leaves_no_half_written_file(tmp_path):
    cache = tmp_path / "cache"
    full = run_model(tmp_path, cache, preexec_fn=_files_of_at_most_4_kb)
    assert (full.hits, full.misses, full.error) == (0, 1, 0.0)
    assert len(full.warnings) == 1 and "cannot write" in full.warnings[0], full.stderr
    left = [p.name for p in (the_entry(cache) / "__pycache__").iterdir()]
    assert not left, f"a partly written entry was left behind: {left}"
    later = run_model(tmp_path, cache)    # room again: compiled, stored, no complaint
    assert (later.hits, later.misses, later.error) == (0, 1, 0.0)
    assert not later.warnings, later.stderr


def fake_entry(cache: pathlib.Path, n: int, size: int, used: float) -> pathlib.Path:
    """An entry of ``size`` bytes last used at time ``used``."""
    entry = cache / "numba" / f"{n:024x}"
    (entry / "__pycache__").mkdir(parents=True)
    (entry / "__pycache__" / "f.f-1.py311.1.nbc").write_bytes(b"x" * size)
    (entry / numba_cache.MARKER).touch()
    os.utime(entry / numba_cache.MARKER, (used, used))
    return entry


def test_the_cache_shrinks_to_its_limit_least_recently_used_first(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    monkeypatch.setenv("BRAINDYN_CACHE_MAX", "0.5")          # MB
    now = time.time()
    old = [fake_entry(tmp_path, n, 150_000, now - 1000 + n) for n in range(6)]
    assert numba_cache.usage() == (6, 900_000)
    # using an entry (program_dir) marks it as recently used
    os.utime(old[0] / numba_cache.MARKER, (now + 10, now + 10))
    removed = numba_cache.shrink()
    assert removed == old[1:4], "the least recently used go first"
    assert numba_cache.usage() == (3, 450_000)
    assert sorted(p.name for p in (tmp_path / "numba").iterdir()) == \
        sorted(p.name for p in (old[0], old[4], old[5]))


def test_program_dir_marks_its_entry_as_used(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    folder = numba_cache.program_dir(["def f(): pass\n"], {}, [], ())
    marker = folder / numba_cache.MARKER
    os.utime(marker, (0, 0))
    assert numba_cache.program_dir(["def f(): pass\n"], {}, [], ()) == folder
    assert marker.stat().st_mtime > time.time() - 60


@pytest.mark.slow
def test_writing_a_new_entry_keeps_the_cache_under_its_limit(tmp_path):
    cache = tmp_path / "cache"
    now = time.time()
    old = [fake_entry(cache, n, 300_000, now - 1000 + n) for n in range(4)]
    run = run_model(tmp_path, cache, BRAINDYN_CACHE_MAX="1")     # MB: 1.2 MB of old ones
    assert (run.misses, run.error) == (1, 0.0) and not run.warnings, run.stderr
    left = {p.name for p in (cache / "numba").iterdir()}
    (new,) = left - {p.name for p in old}
    size_new = sum(f.stat().st_size for f in (cache / "numba" / new).rglob("*") if f.is_file())
    # least recently used first: the fewest oldest entries whose removal fits the limit
    removed = next(k for k in range(5) if size_new + (4 - k) * 300_000 <= 1e6)
    assert removed >= 1
    assert {p.name for p in old[:removed]}.isdisjoint(left), "the oldest were not removed"
    assert {p.name for p in old[removed:]} <= left, "a more recently used entry was removed"
    assert sum(f.stat().st_size for f in (cache / "numba").rglob("*") if f.is_file()) <= 1e6


def braindyn(*argv, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "braindyn.cli", *argv], capture_output=True,
                          text=True, env=dict(os.environ, **env), timeout=120)


def test_braindyn_cache_shows_and_clears_only_its_own_folder(tmp_path):
    now = time.time()
    for n in range(2):
        fake_entry(tmp_path, n, 400_000, now)
    (tmp_path / "notes.txt").write_text("mine")                 # beside braindyn's folder
    (tmp_path / "numba" / "README").write_text("not an entry")

    shown = braindyn("cache", BRAINDYN_CACHE=str(tmp_path), BRAINDYN_CACHE_MAX="50")
    assert shown.returncode == 0, shown.stderr
    assert str(tmp_path / "numba") in shown.stdout
    assert "0.8 MB in 2 entries" in shown.stdout and "50 MB" in shown.stdout, shown.stdout

    cleared = braindyn("cache", "clear", BRAINDYN_CACHE=str(tmp_path))
    assert cleared.returncode == 0, cleared.stderr
    assert "removed 2 entries" in cleared.stdout
    assert sorted(p.name for p in (tmp_path / "numba").iterdir()) == ["README"]
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert "0.0 MB in 0 entries" in braindyn("cache", BRAINDYN_CACHE=str(tmp_path)).stdout

    off = braindyn("cache", BRAINDYN_CACHE="off")
    assert off.returncode == 0 and "off" in off.stdout
