"""The ``braindyn`` command.

    braindyn lessons [--source lessons] [--dest my-lessons]
        copy the kit's lessons into your own folder, never overwriting your edits
    braindyn check NOTEBOOK
        run a homework notebook in a fresh kernel and report each part's self-check
    braindyn submit NOTEBOOK --name 张三 --id 2100012345 [--out DIR]
        run the notebook, export the report, pack 张三_2100012345_HH报告.zip
    braindyn release SOURCE.ipynb --out STUDENT.ipynb
        (instructors) the student version: solutions replaced by stubs, outputs cleared
    braindyn grade SUBMISSIONS --tests DIR --out grades.csv [--timeout 300]
        (instructors) run hidden tests on every submission, one CSV row per student

Exit status: 0 success, 1 a check failed or the notebook does not run, 2 bad
input (the message says what to change).
"""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="braindyn", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)

    lessons = sub.add_parser("lessons", help="copy the lessons into your own folder")
    lessons.add_argument("--source", default="lessons")
    lessons.add_argument("--dest", default="my-lessons")

    check = sub.add_parser("check", help="run a homework notebook and report its self-checks")
    check.add_argument("notebook", help="the homework notebook (.ipynb); it is not changed")
    check.add_argument("--timeout", type=float, default=600,
                       help="seconds for the whole notebook (default 600)")

    submit = sub.add_parser("submit", help="run, export and zip your homework")
    submit.add_argument("notebook", help="your homework notebook (.ipynb); it is not changed")
    submit.add_argument("--name", required=True, help="your name, e.g. 张三")
    submit.add_argument("--id", required=True, dest="student_id",
                        help="your student ID, digits only, e.g. 2100012345")
    submit.add_argument("--out", default=".", help="folder for the zip (default: here)")
    submit.add_argument("--force", action="store_true", help="replace an existing zip")
    submit.add_argument("--timeout", type=float, default=600,
                        help="seconds for the whole notebook (default 600)")
    submit.add_argument("--no-pdf", action="store_true",
                        help="skip the PDF even when a converter is available")

    release = sub.add_parser("release", help="(instructors) make the student version")
    release.add_argument("source", help="the notebook with the solutions")
    release.add_argument("--out", required=True, help="the student notebook to write")
    release.add_argument("--force", action="store_true", help="replace an existing --out")

    grade = sub.add_parser("grade", help="(instructors) grade a folder of submissions")
    grade.add_argument("submissions", help="folder of .zip / .ipynb submissions (read only)")
    grade.add_argument("--tests", required=True, help="folder of hidden test files (*.py)")
    grade.add_argument("--out", required=True, help="the CSV file to write")
    grade.add_argument("--timeout", type=float, default=300,
                       help="seconds for one notebook (default 300)")
    grade.add_argument("--test-timeout", type=float, default=120,
                       help="seconds for one part's test (default 120)")
    grade.add_argument("--max-output", type=int, default=2_000_000,
                       help="bytes of output a cell may produce (default 2000000)")
    grade.add_argument("--force", action="store_true", help="replace an existing CSV")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "lessons":
        from . import workspace
        return workspace.main(["--source", args.source, "--dest", args.dest])

    from .homework.errors import UsageError
    try:
        if args.command == "check":
            from .homework import selfcheck
            return selfcheck.command(args.notebook, args.timeout)
        if args.command == "submit":
            from .homework import submit
            return submit.command(args.notebook, args.name, args.student_id, args.out,
                                  args.force, args.timeout, pdf=not args.no_pdf)
        if args.command == "release":
            from .homework import release
            return release.command(args.source, args.out, args.force)
        if args.command == "grade":
            from .homework import grade
            return grade.command(args.submissions, args.tests, args.out, args.timeout,
                                 args.test_timeout, args.max_output, args.force)
    except UsageError as e:
        print(f"braindyn {args.command}: error: {e}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2


if __name__ == "__main__":
    sys.exit(main())
