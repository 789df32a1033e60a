"""Timing helpers shared by the benchmark scripts (not used by the kit itself)."""
from __future__ import annotations

import atexit
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from typing import Callable

RESULTS = pathlib.Path(__file__).resolve().parent / "results"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"


def median_time(fn: Callable[[], object], repeats: int = 7) -> float:
    """Median wall time of fn() over repeats calls, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def first_time(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def save(name: str, data: dict) -> pathlib.Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2))
    return path


def empty_cache() -> pathlib.Path:
    """Point braindyn's disk cache (``BRAINDYN_CACHE``) at a new empty folder, removed
    when the script ends: a "first run" after this compiles everything, as a
    student's first run does, instead of loading what an earlier run left."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="braindyn-bench-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["BRAINDYN_CACHE"] = str(folder)
    return folder


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall time, CPU time of this process) of one call fn(), in seconds.

    On a machine shared with other jobs the wall time grows with the load while
    the CPU time does not (it counts every thread of this process, so it exceeds
    the wall time when the work runs in parallel)."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def load_average() -> float:
    """The 1-minute load average (runnable processes; compare with os.cpu_count())."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def run_peer(env: str, script: pathlib.Path, args: list[str], timeout: float) -> dict:
    """Run a peer script with the Python of .envs/<env> (``make peers``); it prints
    one JSON line last.  Failures come back as {"note": why} so a table can say so."""
    python = RESULTS.parent.parent / ".envs" / env / "bin" / "python"
    if not python.exists():
        return {"note": f"not installed (make peers creates .envs/{env})"}
    try:
        out = subprocess.run([str(python), str(script), *args], capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"note": f"gave up after {timeout:.0f} s"}
    if out.returncode != 0:
        lines = out.stderr.strip().splitlines()
        return {"note": "failed: " + (lines[-1] if lines else f"exit status {out.returncode}")}
    return json.loads(out.stdout.strip().splitlines()[-1])


def ratio_in_turn(mine: Callable[[], object], theirs: Callable[[], object],
                  pairs: int = 7) -> float:
    """Median wall time of mine() over that of theirs(), the two called in turn
    (pairs times each, A B B A ...).  On a shared machine the load then falls on both, where
    several runs of one and then several of the other can see different loads (the
    same runs took 0.19-0.29 s a few seconds apart here); a parallel loop, waiting
    for its slowest thread at every step, is hit hardest."""
    a, b = [], []
    for k in range(pairs):
        # each goes first in every other pair: which of the two ran first moved the
        # COBA JAX ratio from 1.01 to 1.16 in two sets of five pairs
        if k % 2 == 0:
            a.append(timed(mine)[0])
            b.append(timed(theirs)[0])
        else:
            b.append(timed(theirs)[0])
            a.append(timed(mine)[0])
    return statistics.median(a) / statistics.median(b)
