"""The ``braindyn`` command.

    braindyn lessons [--source lessons] [--dest my-lessons]
        copy the kit's lessons into your own folder, never overwriting your edits
"""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="braindyn", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    lessons = sub.add_parser("lessons", help="copy the lessons into your own folder")
    lessons.add_argument("--source", default="lessons")
    lessons.add_argument("--dest", default="my-lessons")
    args = parser.parse_args(argv)
    if args.command == "lessons":
        from . import workspace
        return workspace.main(["--source", args.source, "--dest", args.dest])
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2


if __name__ == "__main__":
    sys.exit(main())
