"""Keep compiled simulations on disk, so a restarted kernel does not recompile.

Numba can cache machine code only for functions whose source is a real file.
The code generated for a model is therefore written to
``<cache>/<digest>/<name>.py`` (``<cache>`` is ``$BRAINDYN_CACHE`` or
``~/.cache/braindyn``), where the digest covers everything the machine code
depends on: every generated source, every constant frozen into it, the user
functions compiled along, and the versions of Python, NumPy, Numba and
braindyn.  Any change gives another folder, so a stale entry can never be
used.  ``BRAINDYN_CACHE=off`` turns the disk cache off.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import platform
import sys

import numpy as np

# Part of every digest: bump it when the layout of the generated files changes, so
# that no entry written by an older layout is loaded (2: each integral's step in a
# file of its own; layout 1 could hand one group another's step).
CACHE_LAYOUT = 5   # 3: each program's code in a module of its own (module_name);
# 4: parameters are arguments (runtime v2), and this module moved to braindyn.math;
# 5: a helper function is compiled again when a module value it reads changed


def digest(value) -> str:
    """A stable digest of a constant (numbers, strings, tuples, arrays)."""
    h = hashlib.sha256()
    if isinstance(value, np.ndarray):
        h.update(str((value.shape, value.dtype.str)).encode())
        h.update(np.ascontiguousarray(value).tobytes())
    else:
        h.update(repr((type(value).__name__, value)).encode())
    return h.hexdigest()


def cache_root() -> pathlib.Path | None:
    setting = os.environ.get("BRAINDYN_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return pathlib.Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "braindyn"


def program_dir(sources, constants: dict, helper_sources, structure) -> pathlib.Path | None:
    """The folder for one program, or None when it must not be cached."""
    root = cache_root()
    if root is None or any(src is None for src in helper_sources):
        return None
    import numba

    from .._version import __version__
    h = hashlib.sha256()
    for part in (str(CACHE_LAYOUT), platform.python_version(), np.__version__,
                 numba.__version__, __version__, repr(structure)):
        h.update(part.encode())
    for src in list(sources) + list(helper_sources):
        h.update(src.encode())
    for name in sorted(constants):
        value = constants[name]
        if not callable(value):
            h.update(name.encode())
            h.update(digest(value).encode())
    path = root / "numba" / h.hexdigest()[:24]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None   # a read-only home: compile in memory as before
    return path


def write_source(folder: pathlib.Path, name: str, source: str) -> pathlib.Path:
    """Write (once) the source Numba will cache against; returns its path."""
    path = folder / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)   # atomic: parallel kernels never see half a file
    return path


def module_name(folder: pathlib.Path) -> str:
    """The module name the generated code of the program in ``folder`` runs under.

    Numba names a compiled function's symbol after its module and qualified name.
    Two programs of one model (the same function names, other constants) both
    loaded from disk into one process would share symbols, and the second would
    silently run the first one's machine code; a module name of each program's own
    keeps them apart.  The name is registered as an alias of this module, because
    Numba imports it when it loads cached code.
    """
    name = f"{__name__}._program_{folder.name}"
    sys.modules.setdefault(name, sys.modules[__name__])
    return name
