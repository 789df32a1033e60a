"""The course site and slides, built once per test session for every test that reads them.

Building executes every lesson and deck (minutes on two cores), so tests/test_site.py,
tests/test_slides.py and tests/test_course_offline.py share one build of each: the
first test that asks for it builds it, the others get the same result.
"""
from __future__ import annotations

import atexit
import dataclasses
import functools
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from support import ROOT, sha

COURSE = ROOT / "course"


@dataclasses.dataclass(frozen=True)
class Build:
    returncode: int
    stdout: str
    stderr: str
    out: pathlib.Path        # the folder built
    seconds: float
    sources_before: dict     # {path: sha} of the sources the build reads, before and after
    sources_after: dict

    def check(self, what: str) -> None:
        assert self.returncode == 0, (f"{what} failed (exit {self.returncode}):\n"
                                      f"{self.stdout[-3000:]}\n{self.stderr[-3000:]}")


def _hashes(sources: list[pathlib.Path]) -> dict:
    return {p.relative_to(ROOT).as_posix(): sha(p) for p in sources if p.is_file()}


def _build(cmd: list[str], out: pathlib.Path, sources: list[pathlib.Path],
           timeout: float) -> Build:
    before = _hashes(sources)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    return Build(proc.returncode, proc.stdout, proc.stderr, out, time.perf_counter() - start,
                 before, _hashes(sources))


@functools.cache
def slides() -> Build:
    """course/build_slides.py into a temporary folder (removed when the tests end)."""
    out = pathlib.Path(tempfile.mkdtemp(prefix="braindyn-slides-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    return _build([sys.executable, str(COURSE / "build_slides.py"), "--out", str(out)],
                  out, sorted((COURSE / "slides").glob("*.ipynb")), timeout=900)


@functools.cache
def site() -> Build:
    """course/build_site.py, as `make site` runs it, into _build/html."""
    return _build([sys.executable, str(COURSE / "build_site.py")], ROOT / "_build" / "html",
                  sorted((ROOT / "lessons").glob("*.ipynb")), timeout=1800)
