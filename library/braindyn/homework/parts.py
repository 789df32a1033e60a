"""An assignment as data: parts with points, a check function and a hint.

A check function receives what the notebook hands it (a class, arrays, ...),
returns nothing when the answer is right and raises :class:`CheckFailed`
with a message (expected against got) and, when it knows the likely cause,
a specific hint.  Everything else is handled here:

* :meth:`Assignment.check` runs a part's check, turns any exception raised by
  the student's code into a readable message (the line of their code, and
  the stub to replace for ``NotImplementedError``), prints the verdict, and
  records it;
* :func:`collected` gives every recorded verdict of this Python process as
  JSON-ready data: ``braindyn check`` runs the notebook in a kernel and reads
  them from there.

Example (a two-part assignment)::

    def check_square(f):
        if f(3) != 9:
            raise CheckFailed(f"square(3) is {f(3)!r}, expected 9", hint="use x * x")

    tiny = Assignment("tiny", [Part("part1", "Part 1: square", 1, check_square,
                                    hint="square(x) returns x times x")])
    tiny.check("part1", square)         # prints "Part 1: square: passed"
"""
from __future__ import annotations

import pathlib
import sysconfig
import traceback
from dataclasses import asdict, dataclass
from typing import Any, Callable

# Frames in these folders are not the student's: the kit, the standard library, packages.
_NOT_STUDENT = tuple({str(pathlib.Path(__file__).resolve().parents[1])}
                     | {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")})

# Every Assignment made in this process, by name (a notebook may use several).
_ASSIGNMENTS: dict[str, "Assignment"] = {}


class CheckFailed(Exception):
    """Raised by a check function: ``message`` says what is wrong, ``hint`` what to try."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Part:
    """One graded part of an assignment."""

    name: str                                # "part1": what the notebook calls, the CSV column
    title: str                               # "Part 1: the HH class (Euler)", shown to students
    points: float
    check: Callable[..., None] | None        # None: graded by hand (written answers)
    hint: str = ""                           # shown with every failure of this part

    @property
    def manual(self) -> bool:
        return self.check is None


@dataclass
class CheckResult:
    """The verdict of one check."""

    part: str
    title: str
    passed: bool
    message: str = ""
    hint: str = ""

    def text(self) -> str:
        if self.passed:
            return f"{self.title}: {PASSED}"
        lines = [f"{self.title}: {NOT_PASSED}", f"  {self.message}"]
        if self.hint:
            lines.append(f"  {HINT}: {self.hint}")
        return "\n".join(lines)


# The words of every verdict, in Chinese and English (as the notebooks are written).
PASSED = "通过 / passed"
NOT_PASSED = "未通过 / not passed yet"
HINT = "提示 / Hint"
BY_HAND = "由老师批改 / graded by your instructor"
NOT_CHECKED = "尚未检查 / not checked yet"


class Assignment:
    """The parts of one homework, in order; ``check`` runs one of them."""

    def __init__(self, name: str, parts: list[Part]):
        names = [p.name for p in parts]
        if len(set(names)) != len(names):
            raise ValueError(f"assignment {name!r}: part names must be unique, got {names}")
        for p in parts:
            if not p.points >= 0:
                raise ValueError(f"assignment {name!r}, {p.name}: points must be >= 0, "
                                 f"got {p.points!r}")
        self.name = name
        self.parts = list(parts)
        self.results: dict[str, CheckResult] = {}
        _ASSIGNMENTS[name] = self

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"assignment {self.name!r} has no part {name!r}; its parts are "
                       f"{[p.name for p in self.parts]}")

    def run(self, name: str, *args: Any, **kwargs: Any) -> CheckResult:
        """Run the check of part ``name`` and record the verdict (without printing)."""
        part = self.part(name)
        if part.manual:
            raise ValueError(f"{part.title} is graded by hand: there is nothing to check")
        try:
            part.check(*args, **kwargs)
            result = CheckResult(part.name, part.title, True)
        except CheckFailed as e:
            result = CheckResult(part.name, part.title, False, e.message, e.hint or part.hint)
        except Exception as e:  # the student's code raised: say where, do not crash the cell
            message, hint = describe_exception(e)
            result = CheckResult(part.name, part.title, False, message, hint or part.hint)
        self.results[part.name] = result
        return result

    def check(self, name: str, *args: Any, **kwargs: Any) -> CheckResult:
        """Run the check of part ``name``, print the verdict and return it."""
        result = self.run(name, *args, **kwargs)
        print(result.text())
        return result

    def summary(self) -> str:
        """One line per part: passed, not passed, not checked yet, or graded by hand."""
        lines = []
        for p in self.parts:
            if p.manual:
                lines.append(f"{p.title}: {BY_HAND}")
            elif p.name not in self.results:
                lines.append(f"{p.title}: {NOT_CHECKED}")
            else:
                lines.append(self.results[p.name].text())
        return "\n".join(lines)


def _student_frame(tb) -> traceback.FrameSummary | None:
    """The innermost frame outside braindyn and the standard library: the student's line."""
    frames = traceback.extract_tb(tb)
    for frame in reversed(frames):
        if not frame.filename.startswith(_NOT_STUDENT):
            return frame
    return None


class Bilingual(Exception):
    """An exception whose message is already the whole story, in both languages
    (e.g. "the notebook defines no `HH`"): shown as it is."""


def describe_exception(e: BaseException) -> tuple[str, str]:
    """(message, hint) for an exception raised by a student's code inside a check,
    both in Chinese and English."""
    frame = _student_frame(e.__traceback__)
    line = (frame.line or "").strip() if frame else ""
    where_zh = f"（第 {frame.lineno} 行：`{line}`）" if frame else ""
    where_en = f" (line {frame.lineno}: `{line}`)" if frame else ""
    if isinstance(e, NotImplementedError):
        return (f"你的代码仍然抛出 NotImplementedError{where_zh} / your code still raises "
                f"NotImplementedError{where_en}",
                "把 `# TODO` 占位和 `raise NotImplementedError` 换成你的代码 / replace the "
                "`# TODO` stub and its `raise NotImplementedError` with your code")
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    if isinstance(e, Bilingual):
        return text, ""
    name = type(e).__name__
    return (f"你的代码抛出了 {name}{where_zh}" + (f"：{text}" if text else "")
            + f" / your code raised {name}{where_en}" + (f": {text}" if text else "")), ""


def collected() -> dict:
    """Every assignment used in this process: its parts and the recorded verdicts."""
    return {name: {"parts": [{"name": p.name, "title": p.title, "points": p.points,
                              "manual": p.manual} for p in a.parts],
                   "results": {k: asdict(r) for k, r in a.results.items()}}
            for name, a in _ASSIGNMENTS.items()}
