"""The course documents agree with the lessons and the calendar (issue 15).

* The lessons README table and the syllabus list every lesson notebook, each with
  the time its first cell states (``**Time · 时间:** N min core + M min bonus``), so
  the documents cannot drift from the lessons.
* The syllabus's class dates, computed here from course/calendar.yml (week N starts
  on first_monday + 7 (N - 1) days), avoid the 2026 National Day holiday (October 1-8,
  written here, not read from the calendar), every lesson has a week, and the HH
  homework is released no earlier than the Hodgkin-Huxley lecture (lesson 05's week)
  and due after it.
* The glossary has an English and a Chinese term in every row, no English term twice,
  and a section for every lesson.
* The syllabus, the instructor guide (with notes for every lesson) and the lessons
  README (its part for students, above "For authors") contain Chinese text.
"""
from __future__ import annotations

import datetime
import re
import sys

import nbformat
import pytest

from support import ROOT

sys.path.insert(0, str(ROOT / "course"))
import build_site  # noqa: E402

COURSE = ROOT / "course"
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
NAMES = [p.name for p in LESSONS]
# the 2026 National Day holiday as issue 15 and the course team give it (October 1-8),
# written here rather than read from the calendar
NATIONAL_DAY = {2026: (datetime.date(2026, 10, 1), datetime.date(2026, 10, 8))}
CJK = re.compile(r"[\u4e00-\u9fff]")
STATED = re.compile(r"\*\*Time · 时间:\*\*\s*(\d+)\s*min core(?:\s*\+\s*(\d+)\s*min bonus)?")
TIME = re.compile(r"^\s*(\d+)\s*min(?:\s*core)?(?:\s*\+\s*(\d+)\s*min\s*bonus)?\s*$")


def stated_time(path) -> tuple[int, int]:
    """(core, bonus) minutes from the lesson's first cell."""
    first = nbformat.read(path, as_version=4).cells[0].source
    match = STATED.search(first)
    assert match, (f"{path.name}: the first cell must state its time as "
                   f"'**Time · 时间:** N min core + M min bonus' (lessons/README.md)")
    return int(match.group(1)), int(match.group(2) or 0)


def table_rows(text: str) -> list[list[str]]:
    """The cells of every markdown table row in text (header and rule lines excluded)."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|") and not re.fullmatch(r"\|[-| :]+\|", line):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def listed_times(rows: list[list[str]], time_column: int, where: str) -> dict[str, tuple]:
    """notebook name -> (core, bonus) from the rows that name a lesson notebook."""
    found = {}
    for row in rows:
        names = [n for n in re.findall(r"`?(\d\d_[\w]+\.ipynb)`?", " ".join(row))]
        if not names:
            continue
        (name,) = set(names)
        assert name not in found, f"{where} lists {name} twice"
        match = TIME.match(row[time_column])
        assert match, (f"{where}: the time of {name} is {row[time_column]!r}; write it as the "
                       f"lesson does, 'N min core + M min bonus' or 'N min core'")
        found[name] = (int(match.group(1)), int(match.group(2) or 0))
    return found


def readme_for_students() -> str:
    text = (ROOT / "lessons" / "README.md").read_text(encoding="utf-8")
    assert "## For authors" in text, "lessons/README.md lost its 'For authors' section"
    return text.split("## For authors")[0]


def section(text: str, heading: str) -> str:
    """The text under a '## heading' up to the next '## '."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section '## {heading}'"
    return match.group(1)


def calendar() -> dict:
    """course/calendar.yml's flat `name: value` lines, read here, not by build_site."""
    values = {}
    for line in (COURSE / "calendar.yml").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, value = line.split(":", 1)
            values[key.strip()] = value.strip()
    return values


def schedule() -> list[tuple[int, str, list[str], str]]:
    """(week, its date placeholder's week, lesson numbers, lecture) per syllabus week row."""
    text = section((COURSE / "syllabus.md").read_text(encoding="utf-8"), "Schedule")
    rows = []
    for row in table_rows(text)[1:]:                     # [0]: the header
        week, starts, lecture, lessons = row
        placeholder = re.fullmatch(r"\{\{\s*week\s+(\d+)\s*\}\}", starts)
        assert placeholder, f"week {week}: the date should be {{{{ week {week} }}}}, is {starts!r}"
        rows.append((int(week), int(placeholder.group(1)), re.findall(r"\b\d\d\b", lessons),
                     lecture))
    return rows


def test_every_lesson_states_its_time():
    assert len(LESSONS) >= 15
    for path in LESSONS:
        core, bonus = stated_time(path)
        assert 0 < core <= 60, f"{path.name}: {core} min of core material (at most 60)"


@pytest.mark.parametrize("document", ["lessons/README.md", "course/syllabus.md"])
def test_documents_list_every_lesson_with_its_stated_time(document):
    if document == "lessons/README.md":
        listed = listed_times(table_rows(readme_for_students()), 1, document)
    else:
        text = (COURSE / "syllabus.md").read_text(encoding="utf-8")
        listed = listed_times(table_rows(section(text, "Lessons and times")), 2, document)
    assert sorted(listed) == NAMES, (f"{document} lists {sorted(listed)}, the lessons are "
                                     f"{NAMES}")
    for path in LESSONS:
        assert listed[path.name] == stated_time(path), (
            f"{document} gives {path.name} {listed[path.name]} (core, bonus) minutes, the "
            f"lesson states {stated_time(path)}: copy the lesson's time")


def test_no_class_in_the_national_day_holiday():
    cal = calendar()
    first = datetime.date.fromisoformat(cal["first_monday"])
    assert first.weekday() == 0, f"first_monday {first} is not a Monday"
    holiday_first, holiday_last = NATIONAL_DAY.get(first.year, (
        datetime.date.fromisoformat(cal["national_day_holiday_first"]),
        datetime.date.fromisoformat(cal["national_day_holiday_last"])))
    # the calendar (which the syllabus's text quotes) names the same holiday
    assert (cal["national_day_holiday_first"], cal["national_day_holiday_last"]) == \
        (holiday_first.isoformat(), holiday_last.isoformat())
    rows = schedule()
    assert [w for w, *_ in rows] == list(range(1, len(rows) + 1)), "weeks numbered 1, 2, ..."
    taught = []
    for week, placeholder, lessons, lecture in rows:
        assert placeholder == week, f"week {week} shows the date of week {placeholder}"
        monday = first + datetime.timedelta(days=7 * (week - 1))
        if holiday_first <= monday <= holiday_last:
            assert not lessons, f"week {week} ({monday}) has a class in the National Day holiday"
            assert CJK.search(lecture) and "holiday" in lecture.lower(), \
                f"week {week}: say that there is no class (both languages)"
        else:
            assert lessons, f"week {week} ({monday}) has no lesson"
        taught += lessons
    assert taught == [name[:2] for name in NAMES], \
        f"the weeks teach lessons {taught}, in this order; the lessons are {NAMES}"
    holiday_weeks = [w for w, *_ in rows
                     if holiday_first <= first + datetime.timedelta(days=7 * (w - 1)) <= holiday_last]
    assert holiday_weeks == [int(cal["no_class_week"])]


def test_hh_homework_is_released_after_the_hh_lecture():
    cal = calendar()
    first = datetime.date.fromisoformat(cal["first_monday"])
    (hh_week,) = [w for w, _, lessons, lecture in schedule() if "05" in lessons]
    (lecture,) = [lec for w, _, _, lec in schedule() if w == hh_week]
    assert "Hodgkin-Huxley" in lecture
    assert int(cal["hh_lecture_week"]) == hh_week
    release_week = int(cal["homework_hh_release_week"])
    assert release_week >= hh_week, (f"the HH homework is released in week {release_week}, "
                                      f"before the HH lecture of week {hh_week}")
    release = first + datetime.timedelta(days=7 * (release_week - 1))
    due = datetime.date.fromisoformat(cal["homework_hh_due"])
    assert due >= release + datetime.timedelta(days=14), \
        f"released {release}, due {due}: students need two weeks"
    holiday_first, holiday_last = NATIONAL_DAY[2026]
    assert not holiday_first <= due <= holiday_last


def test_the_syllabus_fills_in_from_the_calendar():
    text = (COURSE / "syllabus.md").read_text(encoding="utf-8")
    filled = build_site.fill_dates(text, build_site.read_calendar(COURSE / "calendar.yml"))
    assert "{{" not in filled
    # week 5, the HH lecture: 2026-09-14 + 4 weeks
    assert "| 5 | 2026-10-12 |" in filled and "2026-10-26" in filled


def test_glossary_has_both_columns_and_no_english_term_twice():
    text = (COURSE / "glossary.md").read_text(encoding="utf-8")
    rows = [r for r in table_rows(text) if r[0] != "English"]
    assert len(rows) >= 80, f"{len(rows)} terms"
    seen = {}
    for row in rows:
        assert len(row) >= 2 and row[0] and row[1], f"glossary row {row}: both columns, please"
        assert CJK.search(row[1]), f"glossary: {row[0]!r} has no Chinese term ({row[1]!r})"
        assert re.search(r"[A-Za-z]", row[0]), f"glossary: {row[0]!r} is not an English term"
        key = row[0].lower()
        assert key not in seen, f"glossary lists {row[0]!r} twice"
        seen[key] = row[1]
    for name in NAMES:
        assert re.search(rf"^## Lesson {int(name[:2])} ·", text, re.M), \
            f"glossary: no section for lesson {int(name[:2])}"


@pytest.mark.parametrize("document", ["course/syllabus.md", "course/instructor_guide.md",
                                      "lessons/README.md", "course/glossary.md"])
def test_documents_are_in_chinese_too(document):
    text = (readme_for_students() if document == "lessons/README.md"
            else (ROOT / document).read_text(encoding="utf-8"))
    chinese = len(CJK.findall(text))
    assert chinese >= 300, f"{document} (for students) has {chinese} Chinese characters"


def test_instructor_guide_has_notes_for_every_lesson():
    text = (COURSE / "instructor_guide.md").read_text(encoding="utf-8")
    notes = section(text, "Discussion notes for each lesson")
    for name in NAMES:
        match = re.search(rf"^### Lesson {name[:2]} ·.*?$(.*?)(?=^### |\Z)", notes, re.M | re.S)
        assert match, f"instructor guide: no discussion notes for lesson {name[:2]}"
        body = match.group(1)
        for part in ("Students get wrong", "Think!", "The exercise checks"):
            assert part in body, f"instructor guide, lesson {name[:2]}: no '{part}'"
        assert len(CJK.findall(body)) >= 100, f"instructor guide, lesson {name[:2]}: in Chinese too"
