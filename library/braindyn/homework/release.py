"""``braindyn release``: the student version of an instructor's notebook.

The source notebook holds the solutions, marked as in nbgrader and otter:

* in code cells, lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  (each marker on its own line) become a stub at the marker's indentation::

      # TODO: your code here
      raise NotImplementedError

* in markdown cells, everything between ``<!-- BEGIN SOLUTION -->`` and
  ``<!-- END SOLUTION -->`` is removed (the model answers of written parts);
* cells tagged ``hidden-tests`` are dropped;
* outputs, execution counts and widget state are cleared.

The release never overwrites a file (unless ``force``) and never writes over
its source.  Markers that do not pair up stop it with the cell's number.
"""
from __future__ import annotations

import json
import pathlib
import re

import nbformat
from nbformat import NotebookNode

from .errors import UsageError
from .notebooks import read_notebook

BEGIN_CODE = re.compile(r"^(\s*)#+\s*BEGIN SOLUTION\s*$")
END_CODE = re.compile(r"^\s*#+\s*END SOLUTION\s*$")
BEGIN_MD, END_MD = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MD_BLOCK = re.compile(re.escape(BEGIN_MD) + r".*?" + re.escape(END_MD) + r"[ \t]*\n?", re.DOTALL)
HIDDEN_TAG = "hidden-tests"
STUB = ("# TODO: your code here", "raise NotImplementedError")


def _stub_code(source: str, where: str) -> str:
    out, inside, indent = [], False, ""
    for number, line in enumerate(source.splitlines(), 1):
        begin, end = BEGIN_CODE.match(line), END_CODE.match(line)
        if begin:
            if inside:
                raise UsageError(f"{where}, line {number}: BEGIN SOLUTION inside another "
                                 f"solution block: close the first with ### END SOLUTION")
            inside, indent = True, begin.group(1)
            out.extend(indent + s for s in STUB)
        elif end:
            if not inside:
                raise UsageError(f"{where}, line {number}: END SOLUTION without a "
                                 f"BEGIN SOLUTION before it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise UsageError(f"{where}: BEGIN SOLUTION is never closed: add ### END SOLUTION")
    return "\n".join(out)


def _strip_markdown(source: str, where: str) -> str:
    stripped = MD_BLOCK.sub("", source)
    for marker in (BEGIN_MD, END_MD):
        if marker in stripped:
            raise UsageError(f"{where}: {marker} does not pair up: each {BEGIN_MD} needs an "
                             f"{END_MD} after it in the same cell")
    return stripped


def release_notebook(source: NotebookNode) -> NotebookNode:
    """The student version of ``source`` (a new notebook; ``source`` is not changed)."""
    nb = nbformat.from_dict(json.loads(json.dumps(source)))
    nb.metadata.pop("widgets", None)
    kept = []
    for number, cell in enumerate(nb.cells, 1):
        if HIDDEN_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        where = f"cell {number}"
        if cell.cell_type == "code":
            cell.source = _stub_code(cell.source, where)
            cell.outputs, cell.execution_count = [], None
            for key in ("execution", "collapsed", "scrolled"):
                cell.metadata.pop(key, None)
        elif cell.cell_type == "markdown":
            cell.source = _strip_markdown(cell.source, where)
        kept.append(cell)
    nb.cells = kept
    return nb


def solution_lines(source: NotebookNode) -> list[str]:
    """The non-blank lines inside the solution blocks of ``source`` (for leak checks)."""
    lines = []
    for cell in source.cells:
        if cell.cell_type == "code":
            inside = False
            for line in cell.source.splitlines():
                if BEGIN_CODE.match(line) or END_CODE.match(line):
                    inside = not inside
                elif inside and line.strip():
                    lines.append(line.strip())
        elif cell.cell_type == "markdown":
            for block in MD_BLOCK.findall(cell.source):
                body = block.replace(BEGIN_MD, "").replace(END_MD, "")
                lines.extend(s.strip() for s in body.splitlines() if s.strip())
        if HIDDEN_TAG in cell.get("metadata", {}).get("tags", []):
            lines.extend(s.strip() for s in cell.source.splitlines() if s.strip())
    return lines


def leaked_lines(source: NotebookNode, released: NotebookNode, min_length: int = 12) -> list[str]:
    """Solution lines (at least ``min_length`` characters) still found in ``released``."""
    text = "\n".join(c.source for c in released.cells)
    return sorted({s for s in solution_lines(source) if len(s) >= min_length and s in text})


def release(source: str | pathlib.Path, out: str | pathlib.Path, force: bool = False
            ) -> tuple[pathlib.Path, list[str]]:
    """Write the student version of ``source`` to ``out``; return it and any leaked lines."""
    source, out = pathlib.Path(source), pathlib.Path(out)
    if out.suffix != ".ipynb":
        raise UsageError(f"--out {out}: the student notebook must end in .ipynb")
    if out.exists() and out.resolve() == source.resolve():
        raise UsageError(f"--out {out} is the source notebook itself: choose another file, "
                         f"the source keeps the solutions")
    if out.exists() and not force:
        raise UsageError(f"{out} exists already: remove it, choose another --out, or pass "
                         f"--force to replace it")
    nb = read_notebook(source)
    released = release_notebook(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    nbformat.write(released, str(tmp))
    tmp.replace(out)
    return out, leaked_lines(nb, released)


def command(source: str, out: str, force: bool = False) -> int:
    """The ``braindyn release`` command: print what was written; exit status."""
    path, leaked = release(source, out, force)
    print(f"wrote the student version to {path}")
    if leaked:
        print("warning: these solution lines also appear outside the solution blocks, so "
              "students will see them:")
        for line in leaked:
            print(f"  {line}")
    return 0
