"""Keep notebooks in git without stale outputs: strip them, except cells tagged keep_output.

    python tools/strip_notebooks.py           # every notebook in lessons/ and homework/
    python tools/strip_notebooks.py lessons/03_odes_and_euler.ipynb
    python tools/strip_notebooks.py --check   # exit 1 if a notebook is not clean (CI)
    python tools/strip_notebooks.py --execute lessons/03_odes_and_euler.ipynb

Stripping removes every code cell's outputs and execution count, nbclient's
timing metadata and the saved widget state, so that a diff shows only what an
author changed.  Cells tagged ``keep_output`` keep their outputs and
execution count: they are the cells marked ``# NBVAL_CHECK_OUTPUT``, whose
printed numbers (a spike count, say) nbval compares on every test run, and
nbval only compares cells that have an execution count.

``--execute`` first runs the notebook top to bottom in a fresh kernel (in its
own folder, as nbval does) and then strips it: use it after editing a lesson,
so that the kept outputs are the ones a fresh run prints.

The same job as nbstripout (with its ``keep_output`` tag), without the
dependency.  Before committing: ``python tools/strip_notebooks.py``.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDERS = ("lessons", "homework")
KEEP = "keep_output"
CELL_METADATA_TO_DROP = ("execution", "collapsed", "scrolled")   # written by tools, not authors
NOTEBOOK_METADATA_TO_DROP = ("widgets",)                          # saved widget state


def notebooks(paths: list[str]) -> list[pathlib.Path]:
    if not paths:
        paths = [str(ROOT / folder) for folder in FOLDERS]
    found = []
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        elif p.suffix == ".ipynb":
            found.append(p)
        elif p.exists():
            raise SystemExit(f"{p} is not a notebook")
    return found


def strip(nb) -> None:
    """Strip ``nb`` in place."""
    for key in NOTEBOOK_METADATA_TO_DROP:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)   # the author's Python version
    for cell in nb.cells:
        for key in CELL_METADATA_TO_DROP:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if KEEP in cell.metadata.get("tags", []):
            for out in cell.outputs:
                out.get("metadata", {}).pop("execution", None)
            continue
        cell.outputs = []
        cell.execution_count = None


def execute(nb, path: pathlib.Path) -> None:
    from nbclient import NotebookClient
    # cells tagged raises-exception may raise; any other error stops the run
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (default: lessons/ "
                                                 "and homework/)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook would change")
    parser.add_argument("--execute", action="store_true",
                        help="run each notebook in a fresh kernel before stripping it")
    args = parser.parse_args(argv)
    dirty = []
    for path in notebooks(args.paths):
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        if args.execute:
            print(f"executing {path} ...", flush=True)
            execute(nb, path)
        strip(nb)
        new = nbformat.writes(nb) + "\n"
        if new != text:
            dirty.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "would change" if args.check else "stripped"
    for path in dirty:
        print(f"{verb}: {path}")
    if args.check and dirty:
        print("run: python tools/strip_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
