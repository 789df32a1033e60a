"""Does a notebook reach into the grading tools or the interpreter?  Read from its source.

The grading sandbox returns what the student's code computed, and the grader
compares it with its reference.  Data that is not the student's work could
still come out of the sandbox if the notebook replaced the code that collects
it (``braindyn.homework.collect``), the kit's simulation, or the interpreter's
machinery, and made up the answers.  That takes code of a kind the homework
never needs, and the notebook's source, which the grader reads in its own
process, shows it.  :func:`suspicious` lists such places (cell, line, what):

* imports of ``braindyn.homework`` modules other than those the students are
  given (``checks``, the reference: ``ALLOWED`` in the hidden tests), also by
  attribute (``bp.homework``), or named in a string;
* dynamic code and introspection: ``exec``, ``eval``, ``compile``,
  ``__import__``, ``importlib``, ``sys.modules``, ``__code__``, ``__globals__``,
  ``__builtins__``, ``builtins``, ``ctypes``, ``gc``, frames, ``settrace``,
  IPython's input transformers and event hooks;
* assignments to an attribute of an imported module (``bp.NeuGroup.run =
  ...``, ``np.asarray = ...``), i.e. monkeypatching, and attributes of a module
  looked up by a computed name (``getattr(bp, "home" + "work")``).

``braindyn grade`` gives such a submission no automatic points, says why in
its feedback and flags it in the CSV (``integrity``), for the instructor to
look at.  Honest notebooks, in any style, contain none of this.
"""
from __future__ import annotations

import ast
import re
import threading

HOMEWORK = "braindyn.homework"
DEFAULT_ALLOWED = ("braindyn.homework.checks", "braindyn.homework.reference")
FORBIDDEN_NAMES = {
    "exec", "eval", "compile", "__import__", "importlib", "__code__", "__globals__",
    "__builtins__", "builtins", "ctypes", "gc", "_getframe", "f_globals", "f_locals",
    "f_back", "settrace", "setprofile", "__subclasses__", "__closure__", "func_globals",
    "input_transformers_cleanup", "input_transformers_post", "ast_transformers",
    "register_magic_function", "displayhook", "excepthook", "set_trace",
}
_MAGIC = re.compile(r"^\s*[%!]")


# CPython 3.11's parser is not safe when threads parse at once ("AST constructor
# recursion depth mismatch"), and grade --jobs grades in threads: parse one at a time.
PARSE_LOCK = threading.Lock()


def parse(source: str):
    """ast.parse, one thread at a time (see PARSE_LOCK)."""
    with PARSE_LOCK:
        return ast.parse(source)


def _parse(source: str):
    """The cell as Python (IPython's magics and shell lines left out), or None."""
    lines = ["pass" if _MAGIC.match(line) else line for line in source.splitlines()]
    try:
        return parse("\n".join(lines))
    except SyntaxError:
        return None          # the cell does not run at all


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def suspicious(nb, allowed=DEFAULT_ALLOWED) -> list[str]:
    """Where the notebook's code reaches into the grading tools or the interpreter."""
    allowed = tuple(allowed)
    found: list[str] = []
    modules: set[str] = set()            # names bound to modules by imports, so far

    def note(cell: int, node, what: str) -> None:
        found.append(f"cell {cell + 1}, line {getattr(node, 'lineno', '?')}: {what}")

    def homework_ok(name: str) -> bool:
        return not (name == HOMEWORK or name.startswith(HOMEWORK + ".")) or \
            any(name == a or name.startswith(a + ".") for a in allowed)

    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tree = _parse(cell.source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    modules.add((alias.asname or alias.name).split(".")[0])
                    if not homework_ok(alias.name):
                        note(index, node, f"import {alias.name}")
                    if alias.name.split(".")[0] in FORBIDDEN_NAMES:
                        note(index, node, f"import {alias.name}")
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                for alias in node.names:
                    full = f"{module}.{alias.name}" if module else alias.name
                    modules.add(alias.asname or alias.name)
                    if module.startswith(HOMEWORK) and not homework_ok(full):
                        note(index, node, f"from {module} import {alias.name}")
                    if module.split(".")[0] in FORBIDDEN_NAMES or alias.name in FORBIDDEN_NAMES:
                        note(index, node, f"from {module} import {alias.name}")
            elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
                note(index, node, node.id)
            elif isinstance(node, ast.Attribute):
                if node.attr in FORBIDDEN_NAMES or node.attr == "homework" or \
                        (node.attr == "modules" and _dotted(node.value) == "sys"):
                    note(index, node, _dotted(node) or node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    "homework" in node.value and HOMEWORK in node.value and \
                    not homework_ok(node.value.strip()):
                note(index, node, repr(node.value[:60]))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id == "getattr" and len(node.args) >= 2 and \
                    not isinstance(node.args[1], ast.Constant) and \
                    _dotted(node.args[0]).split(".")[0] in modules:
                note(index, node, f"getattr({_dotted(node.args[0])}, <computed name>)")
            targets = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("setattr", "delattr") and node.args:
                targets = [node.args[0]]
                if isinstance(targets[0], ast.Name) and targets[0].id in modules:
                    note(index, node, f"{node.func.id}({targets[0].id}, ...)")
                    continue
            for target in targets:
                plain = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                for t in plain:
                    name = _dotted(t) if isinstance(t, ast.Attribute) else ""
                    if name and name.split(".")[0] in modules:
                        note(index, node, f"{name} = ...")
    return found
