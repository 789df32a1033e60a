"""The course site builds, with a page and figures for every lesson."""
import re
import subprocess
import sys

import pytest

from support import ROOT

sys.path.insert(0, str(ROOT / "course"))
import build_site  # noqa: E402


@pytest.mark.slow
def test_site_builds_with_every_lesson_and_its_figures():
    result = subprocess.run([sys.executable, str(ROOT / "course" / "build_site.py")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    html = ROOT / "_build" / "html"
    for page in ("index.html", "syllabus.html", "instructor_guide.html"):
        assert (html / page).exists(), page
    lessons = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert lessons
    for nb in lessons:
        page = html / "lessons" / (nb.stem + ".html")
        assert page.exists(), f"no page for {nb.name}"
        text = page.read_text(encoding="utf-8")
        figures = re.findall(r'<img[^>]+src="[^"]+\.(?:png|svg)"', text)
        plots = re.findall(r"plt\.|\.plot\(|_plot\(|integrator_lab\(|explorer\(|imshow\(",
                           nb.read_text(encoding="utf-8"))
        if plots:   # a lesson that draws must show its figures
            assert figures, f"{page.name} draws ({len(plots)} calls) but shows no figure"
    syllabus = (html / "syllabus.html").read_text(encoding="utf-8")
    assert "{{" not in syllabus and "2026-10-26" in syllabus


def test_syllabus_dates_come_from_the_calendar():
    cal = {"first_monday": "2026-09-14", "due": "2026-10-26"}
    assert build_site.fill_dates("{{ week 1 }} / {{ week 3 }} / {{ due }}", cal) == \
        "2026-09-14 / 2026-09-28 / 2026-10-26"
    with pytest.raises(KeyError, match="add it to course/calendar.yml"):
        build_site.fill_dates("{{ nope }}", cal)
