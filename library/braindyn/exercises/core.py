"""The verdict of an exercise check, in English and Chinese.

``check(name_en, name_zh, test)`` calls ``test()`` and turns what happens into a
:class:`Verdict`:

* it returns            -> "✔ correct / 正确"
* NotImplementedError   -> "not done yet / 尚未完成" (the untouched stub)
* AssertionError raised by the check (``expect_close``, ``expect_true``)
                        -> "not yet / 还不对: <what differs, in both languages>"
* any other exception, or an ``assert`` of the student's own code
                        -> "error / 出错: <exception> in line N of your code"

It prints the verdict and never raises (a KeyboardInterrupt still stops it), so
"Run All" of a lesson goes past an unfinished exercise.  The Verdict is truthy iff
the exercise passed; the tests (tests/test_lesson_exercises.py) read it.
"""
from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Callable

import numpy as np

PASSED, NOT_DONE, WRONG, ERROR = "passed", "not done", "wrong", "error"
_HERE = os.path.dirname(os.path.abspath(__file__))   # frames in here are the checks' own


@dataclass(frozen=True)
class Verdict:
    """What one check found: ``status`` is "passed", "not done", "wrong" or "error"."""
    name_en: str
    name_zh: str
    status: str
    message: str          # the printed text, both languages

    def __bool__(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        # check() has printed the message already; a check cell ends with the call,
        # and showing the Verdict's repr under it again would only add noise.
        pass


def _in_checks(filename: str) -> bool:
    return os.path.dirname(os.path.abspath(filename)) == _HERE


def _student_frame(exc: BaseException):
    """The deepest frame of the traceback outside this package and outside
    installed libraries (numpy, ...): the line of the student's code that failed."""
    frames = traceback.extract_tb(exc.__traceback__)
    library = os.path.dirname(_HERE)                  # braindyn itself
    for frame in reversed(frames):
        name = os.path.abspath(frame.filename) if not frame.filename.startswith("<") \
            else frame.filename
        if name.startswith("<") or not (name.startswith(library) or "site-packages" in name
                                         or os.sep + "lib" + os.sep + "python" in name):
            return frame
    return None


def _raised_by_check(exc: BaseException) -> bool:
    """True when the AssertionError comes from a check (expect_close, ...), not from
    an ``assert`` in the student's own function."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and _in_checks(frames[-1].filename)


def check(name_en: str, name_zh: str, test: Callable[[], None]) -> Verdict:
    """Run ``test()`` (a function of no arguments that calls the student's code and
    raises AssertionError, via :func:`expect_close` or :func:`expect_true`, when a
    result is wrong); print and return the bilingual :class:`Verdict`.  Never raises."""
    title = f"{name_en} · {name_zh}"
    try:
        test()
    except NotImplementedError:
        status = NOT_DONE
        text = (f"… {title}: not done yet / 尚未完成\n"
                "  Replace the line `raise NotImplementedError(...)` with your code, "
                "run that cell, then this one again.\n"
                "  把 `raise NotImplementedError(...)` 这一行换成你的代码，运行那个单元格，"
                "再运行这一个。")
    except AssertionError as exc:
        if _raised_by_check(exc):
            status = WRONG
            detail = "\n".join("  " + line for line in str(exc).splitlines())
            text = f"✘ {title}: not yet / 还不对\n{detail}"
        else:
            status, text = ERROR, _error_text(title, exc)
    except Exception as exc:      # noqa: BLE001 - any error of the student's code
        status, text = ERROR, _error_text(title, exc)
    else:
        status, text = PASSED, f"✔ {title}: correct / 正确"
    print(text)
    return Verdict(name_en, name_zh, status, text)


def _error_text(title: str, exc: BaseException) -> str:
    kind = f"{type(exc).__name__}: {exc}".rstrip(": ")
    frame = _student_frame(exc)
    if frame is not None and not _in_checks(frame.filename):
        code = (frame.line or "").strip()
        where = (f"\n  in line {frame.lineno} of your code / 你的代码第 {frame.lineno} 行"
                 + (f":\n      {code}" if code else ""))
    else:
        where = ""
    return (f"✘ {title}: error / 出错\n  {kind}{where}\n"
            "  Your function raised this error when the check called it; fix it and run "
            "both cells again.\n"
            "  检查调用你的函数时出现了这个错误；改正后重新运行这两个单元格。")


def _show(x) -> str:
    arr = np.asarray(x)
    if arr.ndim == 0:
        return f"{arr.item():.6g}" if np.issubdtype(arr.dtype, np.number) else repr(x)
    with np.printoptions(precision=6, threshold=8, edgeitems=3):
        return np.array2string(arr, separator=", ")


def expect_close(got, want, what_en: str, what_zh: str, rtol: float = 1e-6,
                 atol: float = 0.0) -> None:
    """Raise AssertionError with a bilingual message unless ``got`` equals ``want``
    within ``|got - want| <= atol + rtol |want|`` elementwise (same shape; NaN never
    passes).  ``what_en`` / ``what_zh`` name the quantity ("dV/dt at V = -60 mV")."""
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{what_en}: expected a number or an array of numbers, got {type(got).__name__} "
            f"{got!r:.60}\n{what_zh}：应为数值或数值数组，得到的是 {type(got).__name__}") from None
    w = np.asarray(want, dtype=float)
    if g.shape != w.shape:
        raise AssertionError(
            f"{what_en}: expected shape {w.shape}, got shape {g.shape}\n"
            f"{what_zh}：形状应为 {w.shape}，得到的是 {g.shape}")
    bad = ~(np.abs(g - w) <= atol + rtol * np.abs(w))
    if np.any(bad):
        if g.ndim:
            i = tuple(int(k) for k in np.argwhere(bad)[0])
            i = i[0] if len(i) == 1 else i
            at_en, at_zh = f" (first difference at index {i})", f"（第一个不同处在下标 {i}）"
        else:
            at_en = at_zh = ""
        raise AssertionError(
            f"{what_en}: got {_show(g)}, expected {_show(w)}{at_en}\n"
            f"{what_zh}：得到 {_show(g)}，应为 {_show(w)}{at_zh}")


def expect_true(condition: bool, what_en: str, what_zh: str) -> None:
    """Raise AssertionError with the bilingual message ``what_en`` / ``what_zh``
    (what is wrong, and a hint) unless ``condition`` holds."""
    if not condition:
        raise AssertionError(f"{what_en}\n{what_zh}")
