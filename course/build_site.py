"""Build the course site: the syllabus, the instructor guide and every lesson,
executed, into ``_build/html`` (``make site``).

Sphinx only reads files under its source folder, so the pages are gathered into
``_build/site_src`` first; the kit's files are never modified.
"""
from __future__ import annotations

import datetime
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = ROOT / "_build" / "site_src"
OUT = ROOT / "_build" / "html"


def read_calendar(path: pathlib.Path) -> dict:
    """The ``name: value`` lines of calendar.yml (a flat file; no YAML library needed)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            values[key] = value
    return values


def fill_dates(text: str, calendar: dict) -> str:
    """Replace {{ week N }} by the Monday of week N and {{ name }} by its value."""
    first = datetime.date.fromisoformat(calendar["first_monday"])

    def replace(match):
        words = match.group(1).split()
        if len(words) == 2 and words[0] == "week":
            return (first + datetime.timedelta(weeks=int(words[1]) - 1)).isoformat()
        if len(words) == 1 and words[0] in calendar:
            return calendar[words[0]]
        raise KeyError(f"unknown placeholder {{{{ {match.group(1)} }}}}: add it to "
                       f"course/calendar.yml")
    return re.sub(r"\{\{\s*([^}]*?)\s*\}\}", replace, text)


def gather() -> None:
    if SRC.exists():
        shutil.rmtree(SRC)
    shutil.copytree(ROOT / "course" / "site", SRC)
    calendar = read_calendar(ROOT / "course" / "calendar.yml")
    for page in ("syllabus.md", "instructor_guide.md"):
        text = (ROOT / "course" / page).read_text(encoding="utf-8")
        (SRC / page).write_text(fill_dates(text, calendar), encoding="utf-8")
    decks = sorted((ROOT / "course" / "slides").glob("[0-9][0-9]_*.ipynb"))
    links = "\n".join(f'* <a href="slides/{nb.stem}.slides.html">{nb.stem.replace("_", " ")}</a>'
                      for nb in decks)
    (SRC / "slides.md").write_text(
        "# Lecture slides\n\nThe course's two lectures as reveal.js slides (`make slides`; "
        "press `s` for the speaker notes). Sources: `course/slides/`.\n\n" + links + "\n",
        encoding="utf-8")
    (SRC / "lessons").mkdir()
    for nb in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        shutil.copy2(nb, SRC / "lessons" / nb.name)


def main() -> int:
    gather()
    cmd = [sys.executable, "-m", "sphinx", "-E", "-b", "html", "-q", "-W", "--keep-going",
           str(SRC), str(OUT)]
    status = subprocess.call(cmd, cwd=ROOT)
    slides = ROOT / "_build" / "slides"
    if status == 0 and slides.is_dir():      # built by `make slides` (make site runs it)
        shutil.copytree(slides, OUT / "slides", dirs_exist_ok=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
