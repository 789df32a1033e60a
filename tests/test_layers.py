"""The package's layers import one way only: math -> integrators -> simulation ->
models / analysis -> visualize / widgets / exercises / homework -> the command line.

Every import statement of every module of ``library/braindyn`` is read (also the
late ones inside functions); an import of a module in a higher layer fails the test,
naming the file and line.  The facade ``braindyn`` (``import braindyn as bp``) may be
used from models upwards, because it loads only math, integrators and simulation
eagerly (checked here too).
"""
import ast
import pathlib

from support import ROOT

PACKAGE = ROOT / "library" / "braindyn"
LAYERS = {"_version": 0, "math": 1, "integrators": 2, "simulation": 3, "models": 4,
          "analysis": 4, "inputs": 4, "measure": 4, "visualize": 5, "widgets": 5,
          "exercises": 5, "homework": 5, "__init__": 6, "cli": 7, "workspace": 7}
FACADE = 3.5   # import braindyn: the layer of what __init__ imports eagerly, plus one half


def layer_of(module: str) -> float:
    """Layer of a dotted module name inside braindyn ('braindyn.math.compile')."""
    parts = module.split(".")
    assert parts[0] == "braindyn"
    if len(parts) == 1 or parts[1] not in LAYERS:
        return FACADE    # braindyn itself, or a name of it (from braindyn import __version__)
    return LAYERS[parts[1]]


def imports(path: pathlib.Path):
    """(line, absolute module name) of every import of braindyn modules in a file."""
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "braindyn":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            elif node.module and node.module.split(".")[0] == "braindyn":
                names = [node.module]
            else:
                continue
            for name in names:
                yield node.lineno, name


def source_layer(path: pathlib.Path) -> float:
    rel = path.relative_to(PACKAGE)
    return LAYERS[rel.parts[0].removesuffix(".py")]


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40
    for path in files:
        mine = source_layer(path)
        for line, module in imports(path):
            if layer_of(module) > mine:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_the_facade_loads_only_the_lower_layers():
    init = PACKAGE / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    eager = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    for line, module in imports(init):
        if any(n.lineno == line for n in eager):
            assert layer_of(module) <= 3, f"braindyn/__init__.py:{line} loads {module} eagerly"


def test_the_checker_sees_an_upward_import(tmp_path):
    """The reader of imports finds relative and late imports (a stub would pass)."""
    fake = PACKAGE / "math" / "__layer_probe__.py"
    try:
        fake.write_text("def f():\n    from ..simulation import runner\n", encoding="utf-8")
        found = list(imports(fake))
        assert found == [(2, "braindyn.simulation")]
        assert layer_of(found[0][1]) > source_layer(fake)
    finally:
        fake.unlink()
