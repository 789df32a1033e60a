"""How long `braindyn grade` takes for a class: 20 crafted submissions, extrapolated to 200.

    .venv/bin/python benchmarks/bench_grading.py [--jobs N] [--count 20]

The 20 submissions are the kinds of ``tests/hh_submissions.py`` (each once:
correct, an equivalent solution written differently, partly wrong work, each
shortcut and each attack), then more correct ones up to the count, as most of
a class hands in working code.  They are graded as an
instructor would (``grade(..., jobs=N)``, default: the cores, every submission
in its own sandbox, the default limits), the wall-clock time is measured, and
the time for 200 is that times 200 / count: a class has about the same mix.
Prints the seconds of each submission's sandbox by kind and writes
benchmarks/results/grading-<date>.json.

The goal (issue 14): 200 submissions in under 30 minutes on a 2-core machine.
The endless loop costs one part's time limit (limits.PART_TIMEOUT, 60 s of CPU
time) in one of the jobs.  The machine may be busy with other work: the
script also prints the estimate for an idle machine, from the CPU time the
sandboxes used (their CPU time divided by the cores).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hh_submissions as subs  # noqa: E402

from braindyn.homework import grade, sandbox  # noqa: E402

GOAL_MINUTES = 30.0
CLASS_SIZE = 200
RESULTS = pathlib.Path(__file__).resolve().parent / "results"


def batch(count: int) -> list[str]:
    """Each kind once, then correct ones: most of a class hands in working code."""
    kinds = list(subs.KINDS)
    while len(kinds) < count:
        kinds.append("correct")
    return kinds[:count]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=grade.default_jobs())
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade without bubblewrap (only where it cannot run)")
    args = parser.parse_args(argv)
    if not args.no_sandbox and sandbox.problem():
        print(f"no sandbox: {sandbox.problem()}")
        return 2
    base = pathlib.Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        folder, tests = base / "submissions", base / "tests"
        shutil.copytree(subs.HIDDEN_TESTS, tests)
        ctx = subs.context(folder, tests, base / "grades.csv")
        kinds = batch(args.count)
        for k, kind in enumerate(kinds):
            subs.write_notebook(subs.KINDS[kind][0](ctx),
                                folder / f"{kind.replace('_', '-')}_{2100000000 + k}_HH报告.ipynb")
        load = os.getloadavg()
        start = time.monotonic()
        results = grade.grade(folder, tests, base / "grades.csv", jobs=args.jobs,
                              use_sandbox=not args.no_sandbox, progress=lambda text: None)
        wall = time.monotonic() - start
    finally:
        shutil.rmtree(base, ignore_errors=True)
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for g in results:
        kind = g.submission.split("_")[0].replace("-", "_")
        by_kind.setdefault(kind, []).append((g.seconds, g.cpu_seconds))
    print(f"{'kind':>28}  {'n':>2}  {'wall s':>7}  {'CPU s':>6}   (means)")
    for kind, rows in by_kind.items():
        print(f"{kind:>28}  {len(rows):>2}  {sum(r[0] for r in rows) / len(rows):>7.1f}  "
              f"{sum(r[1] for r in rows) / len(rows):>6.1f}")
    cpu = sum(g.cpu_seconds for g in results)
    minutes = wall * CLASS_SIZE / len(results) / 60
    # what the same work takes when the jobs have the cores to themselves: the CPU time
    # spread over the cores, or the longest wall-clock waits (time limits), whichever
    # is more
    waits = sum(max(0.0, g.seconds - g.cpu_seconds) for g in results) / args.jobs
    idle = max(cpu / min(args.jobs, os.cpu_count() or 1), waits) * CLASS_SIZE / len(results) / 60
    print(f"\n{len(results)} submissions, {args.jobs} jobs on {os.cpu_count()} cores "
          f"(load before: {load[0]:.1f}): {wall:.0f} s wall, {cpu:.0f} s CPU in the sandboxes")
    print(f"{CLASS_SIZE} submissions: about {minutes:.1f} min as measured, about {idle:.1f} "
          f"min on an idle machine (CPU time / cores); goal: under {GOAL_MINUTES:g} min")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"grading-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_before": load},
        "jobs": args.jobs, "count": len(results), "wall_seconds": wall,
        "minutes_for_200": minutes, "minutes_for_200_idle": idle,
        "goal_minutes": GOAL_MINUTES, "cpu_seconds": cpu,
        "sandbox_seconds": by_kind}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0 if min(minutes, idle) < GOAL_MINUTES else 1


if __name__ == "__main__":
    sys.exit(main())
