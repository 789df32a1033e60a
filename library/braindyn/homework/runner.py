"""Run one submission's notebook and report what happened, as JSON: what runs in a sandbox.

    python -m braindyn.homework.runner [--drop-to UID:GID] [--max-processes N] < JOB

``braindyn grade`` starts this module inside a new sandbox (sandbox.py) for
each submission, or, with ``--no-sandbox``, as a plain process in a new
temporary folder.  The job arrives on standard input (JSON)::

    {"notebook": "<the .ipynb text>", "name": "submission.ipynb",
     "sections": [{"name": "part1", "cells": [3, 4], "after": ["<code>", ...]}, ...],
     "timeout": 300, "after_timeout": 120, "max_output": 2000000,
     "startup_timeout": 60, "env": {"MPLBACKEND": "agg"}, "prelude": "<code>",
     "files": {".config/matplotlib/fontlist-v3.11.0.json": "..."}}

The notebook is written into the working directory (the sandbox's home) and
run by :func:`braindyn.homework.notebooks.execute`; the report goes to
standard output::

    {"problems": [{"index": 5, "kind": "error", ...}, ...],
     "after": {"part1": [{"outputs": [...], "problem": null}, ...], ...},
     "restarts": 0}

Before anything else the runner switches user (``--drop-to``, given when the
sandbox was built by root), limits processes (``--max-processes``), and makes
itself non-dumpable, so that the student's kernel (its child, the same user)
can neither read its memory nor write into its standard output through
``/proc``.  The kernel's own standard output goes to ``/dev/null``.  Even so
the grader treats the report as the student's data (see grade.py).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
from dataclasses import asdict


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m braindyn.homework.runner",
                                     description="run one notebook; the job on stdin")
    parser.add_argument("--drop-to", default=None, metavar="UID:GID",
                        help="switch to this user and group first")
    parser.add_argument("--max-processes", type=int, default=0, metavar="N",
                        help="RLIMIT_NPROC (0: unchanged)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    # jsonschema (through nbformat) would import rfc3987_syntax for its optional "iri"
    # format check, which takes 1.6 s of CPU per sandbox; reading notebooks needs none.
    sys.modules.setdefault("rfc3987_syntax", None)
    from . import sandbox

    if args.drop_to:
        uid, gid = (int(x) for x in args.drop_to.split(":"))
        sandbox.become(uid, gid)
    sandbox.limit_processes(args.max_processes)
    sandbox.not_dumpable()
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdin.close()
    report = run_job(job, pathlib.Path.cwd())
    data = json.dumps(report, ensure_ascii=False, default=str).encode("utf-8")
    out = sys.stdout.buffer
    out.write(data)
    out.flush()
    return 0


def run_job(job: dict, workdir: pathlib.Path) -> dict:
    """Run the job's notebook in ``workdir``; the report as JSON-ready data."""
    from .notebooks import Section, execute, kernel_env, parse_notebook

    for relative, content in dict(job.get("files", {})).items():
        target = (workdir / relative).resolve()
        if workdir.resolve() in target.parents:          # only below the working directory
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(str(content), encoding="utf-8")
    text = job["notebook"]
    name = pathlib.PurePath(job.get("name") or "submission.ipynb").name
    (workdir / name).write_text(text, encoding="utf-8")
    nb = parse_notebook(text.encode("utf-8"), name)
    sections = [Section(s["name"], list(s["cells"]), list(s.get("after", [])))
                for s in job["sections"]]
    env = kernel_env(workdir)
    env.update({str(k): str(v) for k, v in job.get("env", {}).items()})
    execution = execute(nb, workdir, timeout=float(job["timeout"]), sections=sections,
                        max_output=int(job["max_output"]),
                        after_timeout=float(job["after_timeout"]),
                        startup_timeout=float(job.get("startup_timeout", 60)), env=env,
                        prelude=str(job.get("prelude", "")))
    return {"problems": [asdict(p) for p in execution.problems],
            "after": {name: [{"outputs": r.outputs,
                              "problem": asdict(r.problem) if r.problem else None}
                             for r in results]
                      for name, results in execution.after.items()},
            "restarts": execution.restarts, "cpu_seconds": _cpu_seconds()}


def _cpu_seconds() -> float:
    """CPU time of this process and the kernels it started and waited for."""
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return round(total, 3)


if __name__ == "__main__":
    sys.exit(main())
