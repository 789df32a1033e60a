"""The ``braindyn`` command (console script ``braindyn = braindyn.cli:main``).

Students run it in a terminal, usually JupyterLab's, which opens in ``my-lessons/``::

    braindyn lessons                                   bring my-lessons/ up to date
    braindyn check homework/hh/hh_homework.ipynb       self-check the homework
    braindyn submit homework/hh/hh_homework.ipynb --name 张三 --id 2100012345

``braindyn cache`` shows the compiled-model cache (``braindyn cache clear`` empties it).
Instructors also use ``braindyn release`` and ``braindyn grade``.  ``build_parser()``
builds the whole command line (tests walk it to check that every option is explained).

Exit status: 0 success, 1 a check failed or the notebook does not run, 2 bad input
(a one-line message says what to change).
"""
from __future__ import annotations

import argparse
import pathlib
import sys

DESCRIPTION = """\
braindyn: the command of the brain-dynamics course kit.
braindyn：脑动力学课程工具包的命令。

Run it in a terminal, for example JupyterLab's (File > New > Terminal), which
opens in your folder my-lessons/.
在终端中运行，例如 JupyterLab 的终端（文件 > 新建 > 终端），它打开在 my-lessons/ 中。"""

EPILOG = """\
examples / 例子:
  braindyn lessons
  braindyn check homework/hh/hh_homework.ipynb
  braindyn submit homework/hh/hh_homework.ipynb --name 张三 --id 2100012345
  braindyn cache clear
  braindyn SUBCOMMAND --help          help for one subcommand / 子命令的帮助

exit status / 退出状态: 0 success / 成功, 1 a check failed or the notebook does
not run / 检查未通过或笔记本无法运行, 2 bad input / 输入有误."""

# One help line per subcommand (shown by `braindyn --help`), then the longer text of
# `braindyn SUBCOMMAND --help`, wrapped by hand (argparse cannot wrap Chinese).
COMMANDS = {
    "lessons": (
        "bring my-lessons/ up to date with the kit, keeping your edits "
        "/ 更新 my-lessons/ 中的课程，保留你的修改",
        """\
Bring your own copy of the lessons and the homework (my-lessons/) up to date
with the kit, as `make lab` does. A lesson you never changed is replaced by
the new version; a lesson you edited stays exactly as it is, and the new
version appears beside it as NAME.updated.ipynb. Works from any folder,
my-lessons/ included.

更新你自己的课程和作业副本（my-lessons/）。你没有改过的课程换成新版本；
你改过的课程保持不变，新版本放在旁边，名为 NAME.updated.ipynb。
在任何文件夹中都能运行，包括 my-lessons/。"""),
    "check": (
        "run a homework notebook and report each part's self-check "
        "/ 运行作业并报告每部分的自查结果",
        """\
Run the homework notebook top to bottom in a fresh kernel and report each
part: passed, or what was expected and what it got. The notebook file is not
changed; run it as often as you like.

在新内核中从头到尾运行作业笔记本，报告每一部分是否通过。
笔记本文件不会被修改，可以随时反复运行。"""),
    "submit": (
        "run, export and zip your homework for handing in "
        "/ 运行、导出并打包作业，用于提交",
        """\
Run the homework notebook, export an HTML report with every figure, and pack
both into NAME_ID_HH报告.zip: the file you hand in.

运行作业笔记本，导出包含所有图的 HTML 报告，
并打包成 姓名_学号_HH报告.zip：这就是你要提交的文件。"""),
    "cache": (
        "show or clear the compiled-model cache "
        "/ 查看或清空已编译模型的缓存",
        """\
Models run with jit=True are compiled once and the machine code is kept on
disk, so a restarted kernel does not compile again. `braindyn cache` shows
where that cache is, how big it is and how many entries it has; `braindyn
cache clear` empties it (only braindyn's own folder; models are compiled
again when next run). The folder is $BRAINDYN_CACHE/numba (default
~/.cache/braindyn/numba; BRAINDYN_CACHE=off turns the cache off); the least
recently used entries are removed when it passes $BRAINDYN_CACHE_MAX MB
(default 300).

用 jit=True 运行的模型只编译一次，机器码保存在磁盘上，重启内核后不必再编译。
`braindyn cache` 显示缓存的位置、大小和条目数；`braindyn cache clear` 清空缓存
（只删除 braindyn 自己的文件夹；模型下次运行时重新编译）。缓存超过
$BRAINDYN_CACHE_MAX MB（默认 300）时，最久未用的条目会被删除。"""),
    "release": (
        "(instructors) make the student version of an assignment",
        """\
(Instructors) Write the student version of a homework notebook: solutions
replaced by stubs, outputs cleared."""),
    "grade": (
        "(instructors) grade a folder of submissions into a CSV file",
        """\
(Instructors) Run the hidden tests on every submission in a folder (*.zip
written by `braindyn submit`, or *.ipynb) and write one CSV row per student.
The submissions are only read."""),
}


class _Parser(argparse.ArgumentParser):
    """Bad input: one line on stderr saying what is wrong and where the help is, exit 2."""

    def error(self, message: str):  # noqa: D401 (argparse's name)
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("braindyn")
    except PackageNotFoundError:  # pragma: no cover (run from a source tree, not installed)
        return "unknown (not installed: pip install -e .)"


def kit_lessons() -> pathlib.Path:
    """The kit's lessons/ folder, wherever the command is run from.

    The kit is installed in place (``pip install -e .``), so the package sits at
    ``<kit>/library/braindyn`` and the lessons at ``<kit>/lessons``.  Failing that
    (an installed copy of the package without the kit), the nearest folder above the
    current one that has ``lessons/`` beside ``pyproject.toml``, else ``./lessons``.
    """
    package = pathlib.Path(__file__).resolve().parent
    for folder in package.parents[:3]:
        if (folder / "lessons").is_dir() and (folder / "library" / "braindyn").is_dir():
            return folder / "lessons"
    here = pathlib.Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "lessons").is_dir() and (folder / "pyproject.toml").is_file():
            return folder / "lessons"
    return pathlib.Path("lessons")


def build_parser() -> argparse.ArgumentParser:
    """The ``braindyn`` command line: every subcommand and option, each with its help."""
    parser = _Parser(prog="braindyn", description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"braindyn {_version()}",
                        help="print the installed version and exit / 显示版本号")
    sub = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND",
                                title="subcommands / 子命令")

    def command(name: str) -> argparse.ArgumentParser:
        summary, description = COMMANDS[name]
        return sub.add_parser(name, help=summary, description=description,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    lessons = command("lessons")
    found = str(kit_lessons()).replace("%", "%%")    # argparse %-formats help strings
    lessons.add_argument("--source", default=None, metavar="FOLDER",
                         help=f"the kit's lessons folder (default: found from where braindyn "
                              f"is installed, here {found}) / 工具包的课程文件夹")
    lessons.add_argument("--dest", default=None, metavar="FOLDER",
                         help="your own copy (default: my-lessons/ beside the kit's lessons/) "
                              "/ 你自己的副本，默认为 my-lessons/")

    check = command("check")
    check.add_argument("notebook", help="the homework notebook (.ipynb); it is not changed "
                                        "/ 作业笔记本，不会被修改")
    check.add_argument("--timeout", type=float, default=60, metavar="SECONDS",
                       help="seconds of computing (CPU time) for the cells of each part, as "
                            "submit and grade (default 60) / 每一部分单元格的计算时限（CPU 秒），"
                            "与 submit、grade 相同")

    submit = command("submit")
    submit.add_argument("notebook", help="your homework notebook (.ipynb); it is not changed "
                                         "/ 你的作业笔记本，不会被修改")
    submit.add_argument("--name", required=True, help="your name, e.g. 张三 / 你的姓名")
    submit.add_argument("--id", required=True, dest="student_id", metavar="ID",
                        help="your student ID, digits only, e.g. 2100012345 / 学号（只含数字）")
    submit.add_argument("--out", default=".", metavar="FOLDER",
                        help="folder for the zip (default: here) / zip 文件放在哪个文件夹（默认当前文件夹）")
    submit.add_argument("--force", action="store_true",
                        help="replace an existing zip / 覆盖已有的 zip")
    submit.add_argument("--timeout", type=float, default=60, metavar="SECONDS",
                        help="seconds of computing (CPU time) for the cells of each part, as "
                             "check and grade (default 60) / 每一部分单元格的计算时限（CPU 秒），"
                             "与 check、grade 相同")
    submit.add_argument("--no-pdf", action="store_true",
                        help="skip the PDF even when a converter is available / 不生成 PDF")

    cache = command("cache")
    cache.add_argument("action", nargs="?", choices=("show", "clear"), default="show",
                       help="show (default): where the cache is, its size and entries; "
                            "clear: empty it / show（默认）：显示位置、大小和条目数；"
                            "clear：清空缓存")

    release = command("release")
    release.add_argument("source", help="the notebook with the solutions")
    release.add_argument("--out", required=True, metavar="NOTEBOOK",
                         help="the student notebook to write")
    release.add_argument("--force", action="store_true", help="replace an existing --out")

    grade = command("grade")
    grade.add_argument("submissions", help="folder of .zip / .ipynb submissions (read only)")
    grade.add_argument("--tests", required=True, metavar="FOLDER",
                       help="folder of hidden test files (*.py)")
    grade.add_argument("--out", required=True, metavar="CSV", help="the CSV file to write")
    grade.add_argument("--timeout", type=float, default=60, metavar="SECONDS",
                       help="seconds of computing (CPU time) for the cells of each part, as "
                            "check and submit (default 60)")
    grade.add_argument("--test-timeout", type=float, default=60, metavar="SECONDS",
                       help="seconds of computing for each thing collected from a notebook "
                            "after its part (default 60)")
    grade.add_argument("--max-output", type=int, default=2_000_000, metavar="BYTES",
                       help="bytes of output a cell may produce (default 2000000)")
    grade.add_argument("--force", action="store_true", help="replace an existing CSV")
    grade.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="submissions graded at once, each in its own sandbox (default: "
                            "the number of cores)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="RISKY: grade without a sandbox where bubblewrap is missing. Each "
                            "notebook then runs as you: it can read and change your files (the "
                            "hidden tests, the other submissions, the grades), reach the "
                            "network and leave processes behind. Use it only inside a "
                            "throw-away container or VM made for grading")
    return parser


def _lessons(args: argparse.Namespace) -> int:
    """``braindyn lessons``: the kit's lessons -> the student's copy, from any folder."""
    from . import workspace
    source = pathlib.Path(args.source) if args.source else kit_lessons()
    dest = pathlib.Path(args.dest) if args.dest else source.resolve().parent / "my-lessons"
    return workspace.main(["--source", str(source), "--dest", str(dest)])


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _cache(args: argparse.Namespace) -> int:
    """``braindyn cache [clear]``: the compile cache's folder, size and entries; or empty it."""
    from .math import numba_cache
    folder = numba_cache.numba_root()
    if folder is None:
        print("the compile cache is off (BRAINDYN_CACHE=off) / 编译缓存已关闭")
        return 0
    if args.action == "clear":
        try:
            count, size = numba_cache.clear()
        except OSError as e:
            print(f"braindyn cache: error: cannot empty {folder} ({e.strerror or e})",
                  file=sys.stderr)
            return 2
        print(f"removed {count} {'entry' if count == 1 else 'entries'} "
              f"({_megabytes(size)}) from {folder} "
              f"/ 已删除 {count} 个条目")
        return 0
    count, size = numba_cache.usage()
    print(f"compile cache / 编译缓存: {folder}")
    print(f"size / 大小: {_megabytes(size)} in {count} {'entry' if count == 1 else 'entries'} "
          f"/ {count} 个条目")
    print(f"limit / 上限: {numba_cache.max_bytes() / 1e6:g} MB "
          f"(set BRAINDYN_CACHE_MAX, in MB / 用 BRAINDYN_CACHE_MAX 设置，单位 MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "lessons":
        return _lessons(args)
    if args.command == "cache":
        return _cache(args)

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
                                 args.test_timeout, args.max_output, args.force,
                                 use_sandbox=not args.no_sandbox, jobs=args.jobs)
    except UsageError as e:
        print(f"braindyn {args.command}: error: {e}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2


if __name__ == "__main__":
    sys.exit(main())
