"""Homework tools: self-checks, release, submission and grading of notebooks.

    from braindyn.homework import checks      # in a homework notebook
    checks.part1(HH)

    braindyn release SOURCE.ipynb --out STUDENT.ipynb     # instructor
    braindyn check NOTEBOOK                               # student
    braindyn submit NOTEBOOK --name 张三 --id 2100012345   # student
    braindyn grade SUBMISSIONS/ --tests GRADING/ --out grades.csv   # instructor

See README.md in this folder for what each module does.  Submodules load on
first use, so that importing this package stays cheap.
"""
import importlib

__all__ = ["checks", "parts", "hh", "reference", "release", "selfcheck", "submit", "grade",
           "notebooks", "report", "sandbox", "runner", "collect", "limits"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
