"""Keep compiled simulations on disk, so a restarted kernel does not recompile.

Numba can cache machine code only for functions whose source is a real file.
The code generated for a model is therefore written to
``<cache>/numba/<digest>/<name>.py`` (``<cache>`` is ``$BRAINDYN_CACHE`` or
``~/.cache/braindyn``), where the digest covers everything the machine code
depends on: every generated source, every constant frozen into it, the user
functions compiled along, and the versions of Python, NumPy, Numba and
braindyn.  Any change gives another folder, so a stale entry can never be
used.  ``BRAINDYN_CACHE=off`` turns the disk cache off.

Numba keeps the machine code beside the sources, in ``<digest>/__pycache__/``, in
files that braindyn writes and checks itself (``numba_cache_entry.py``): each file
carries a checksum, and one that is unreadable, truncated, garbled or made for
other code is removed and compiled again, with a ``CacheWarning``.  Every file is
written under a temporary name in its folder and renamed into place, so a killed
kernel leaves no half-written file under a real name.

The cache stays under ``BRAINDYN_CACHE_MAX`` megabytes (default 300): after each
write, the least recently used ``<digest>`` folders are removed (each use touches
the folder's ``.last_used``).  A folder that cannot be written, or a full disk,
never stops a run: it runs uncached, and one warning per process says so.
``braindyn cache`` shows the folder and its size; ``braindyn cache clear`` empties it.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import platform
import re
import shutil
import sys
import uuid
import warnings

import numpy as np

# Part of every digest: bump it when the layout of the generated files changes, so
# that no entry written by an older layout is loaded (2: each integral's step in a
# file of its own; layout 1 could hand one group another's step).
CACHE_LAYOUT = 6   # 3: each program's code in a module of its own (module_name);
# 4: parameters are arguments (runtime v2), and this module moved to braindyn.math;
# 5: a helper function is compiled again when a module value it reads changed;
# 6: the machine code is written with checksums (numba_cache_entry.py)

DEFAULT_MAX_MB = 300
MB = 1_000_000
MARKER = ".last_used"        # touched in an entry's folder each time it is used
_ENTRY = re.compile(r"[0-9a-f]{24}")
_TRASH = ".removing-"        # an entry being removed (renamed first: atomic)


class CacheWarning(UserWarning):
    """braindyn's compile cache could not be used as it was: a damaged entry (removed
    and compiled again) or a cache folder that cannot be written (the run is not cached)."""


class DamagedEntry(Exception):
    """A cache file that cannot be used: truncated, garbled, or made for other code."""


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


def numba_root() -> pathlib.Path | None:
    """The folder of the compiled entries (``<cache>/numba``), or None when off."""
    root = cache_root()
    return None if root is None else root / "numba"


# -- warnings ------------------------------------------------------------------------
_warned: set[str] = set()
_INSIDE = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,  # braindyn
           os.path.dirname(os.path.dirname(np.__file__)) + os.sep)   # site-packages (numba)


def _warn(message: str) -> None:
    """A CacheWarning, shown at the caller's line (the student's ``model.run(...)``)
    rather than inside Numba or braindyn."""
    level, frame = 2, sys._getframe(1)   # 2: the caller of _warn
    while frame is not None and frame.f_code.co_filename.startswith(_INSIDE):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, CacheWarning, stacklevel=level if frame is not None else 2)


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        _warn(message)


def _reason(err: BaseException) -> str:
    """An exception in a few words, on one line."""
    if isinstance(err, DamagedEntry):
        text = str(err)
    elif isinstance(err, OSError) and err.strerror:
        text = err.strerror
    else:
        text = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    return " ".join(text.split())[:200]


def uncached(folder, err: BaseException) -> None:
    """Say (once per process) that the cache cannot be written and runs go uncached."""
    _warn_once("uncached",
               f"braindyn: cannot write the compile cache in {folder} ({_reason(err)}); "
               f"models are compiled without it (set BRAINDYN_CACHE to a writable folder, "
               f"or BRAINDYN_CACHE=off)")


def damaged(folder, err: BaseException) -> None:
    """Say that a damaged entry in ``folder`` was removed and is compiled again."""
    _warn(f"braindyn: a damaged compile-cache entry was removed and is compiled again "
          f"({_reason(err)}, in {folder})")


# -- one program's folder and sources --------------------------------------------------
_sources: set[str] = set()     # source files written (or found intact) by this process


_kit_digest: str | None = None


def kit_digest() -> str:
    """A digest of the kit's own code (every .py file of the braindyn package).

    Compiled code depends on more than the generated source it is filed under: how
    the kit compiles it (Numba options such as inlining, its overloads of bm
    functions).  With the kit's code in the key, a changed kit never loads machine
    code an older one made; it compiles again, once."""
    global _kit_digest
    if _kit_digest is None:
        package = pathlib.Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for path in sorted(package.rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
        _kit_digest = h.hexdigest()
    return _kit_digest


def program_dir(sources, constants: dict, helper_sources, structure) -> pathlib.Path | None:
    """The folder for one program, or None when it must not be cached."""
    root = numba_root()
    if root is None or any(src is None for src in helper_sources):
        return None
    import numba

    from .._version import __version__
    h = hashlib.sha256()
    for part in (str(CACHE_LAYOUT), platform.python_version(), np.__version__,
                 numba.__version__, __version__, kit_digest(), repr(structure)):
        h.update(part.encode())
    for src in list(sources) + list(helper_sources):
        h.update(src.encode())
    for name in sorted(constants):
        value = constants[name]
        if not callable(value):
            h.update(name.encode())
            h.update(digest(value).encode())
    path = root / h.hexdigest()[:24]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        uncached(path.parent, err)   # a read-only home, a full disk: compile in memory
        return None
    try:
        (path / MARKER).touch()      # this entry was just used (least recently used goes first)
    except OSError:
        pass                         # a read-only cache can still be read
    return path


def _atomic_write(path: pathlib.Path, data: bytes) -> None:
    """Write ``path`` under a temporary name in its folder, then rename it into place:
    a reader sees the old file or the whole new one, never half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def discard_compiled(folder: pathlib.Path, stem: str) -> None:
    """Remove the machine code Numba keeps for the functions of ``<folder>/<stem>.py``."""
    pycache = folder / "__pycache__"
    try:
        names = os.listdir(pycache)
    except OSError:
        return
    for name in names:
        if name.startswith(stem + ".") and name.endswith((".nbi", ".nbc")):
            try:
                os.unlink(pycache / name)
            except OSError:
                pass


def write_source(folder: pathlib.Path, name: str, source: str) -> pathlib.Path:
    """Write (once) the source Numba will cache against; returns its path.

    The folder's digest covers the source, so a file there with other content is
    damaged: it is written again, and the machine code made beside it removed.  A
    source that cannot be written leaves its function uncached (see ``enable``)."""
    path = folder / f"{name}.py"
    data = source.encode()
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as err:
        old = err
    if old == data:
        _sources.add(str(path))
        return path
    if old is not None:
        discard_compiled(folder, name)
        damaged(folder, DamagedEntry(f"{path.name} is unreadable ({_reason(old)})")
                if isinstance(old, OSError) else
                DamagedEntry(f"{path.name} differs from the code it was made from"))
    try:
        _atomic_write(path, data)   # parallel kernels never see half a file
    except OSError as err:
        uncached(folder, err)
        return path
    _sources.add(str(path))
    return path


def enable(dispatcher):
    """Keep ``dispatcher``'s machine code beside its source (what Numba's ``cache=True``
    does, with braindyn's checked files: numba_cache_entry.py).  A function whose
    source ``write_source`` could not write stays uncached.  Returns ``dispatcher``."""
    py_func = getattr(dispatcher, "py_func", None)
    if py_func is None or py_func.__code__.co_filename not in _sources:
        return dispatcher
    from . import numba_cache_entry
    try:
        dispatcher._cache = numba_cache_entry.FunctionCache(py_func)
    except OSError as err:
        uncached(os.path.dirname(py_func.__code__.co_filename), err)
    return dispatcher


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


# -- the size bound ----------------------------------------------------------------------
def max_bytes() -> int:
    """The most the cache may hold: ``$BRAINDYN_CACHE_MAX`` megabytes, default 300."""
    setting = os.environ.get("BRAINDYN_CACHE_MAX", "").strip()
    if setting:
        try:
            value = float(setting)
            if value >= 0 and value != float("inf"):
                return int(value * MB)
        except ValueError:
            pass
        _warn_once("max", f"braindyn: BRAINDYN_CACHE_MAX={setting!r} is not a size in MB; "
                          f"using {DEFAULT_MAX_MB}")
    return DEFAULT_MAX_MB * MB


def _size(folder: pathlib.Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def _last_used(folder: pathlib.Path) -> float:
    for path in (folder / MARKER, folder):
        try:
            return path.stat().st_mtime
        except OSError:
            pass
    return 0.0


def entries() -> list[tuple[float, int, pathlib.Path]]:
    """(last used, bytes, folder) of every entry, least recently used first."""
    root = numba_root()
    try:
        found = [root / name for name in os.listdir(root)] if root is not None else []
    except OSError:
        return []
    return sorted((_last_used(p), _size(p), p) for p in found
                  if _ENTRY.fullmatch(p.name) and p.is_dir())


def _remove(folder: pathlib.Path) -> None:
    """Remove an entry: renamed away first (atomic), so no process finds half of it."""
    trash = folder.with_name(f"{_TRASH}{folder.name}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(folder, trash)
    except FileNotFoundError:
        return               # another process removed it
    shutil.rmtree(trash, ignore_errors=True)


def _remove_leftovers(root: pathlib.Path) -> None:
    """Folders a killed process was removing."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if name.startswith(_TRASH):
            shutil.rmtree(root / name, ignore_errors=True)


def shrink(keep: str | None = None) -> list[pathlib.Path]:
    """Remove least-recently-used entries until the cache holds at most ``max_bytes()``;
    the entry named ``keep`` (the one being written) stays.  Returns those removed."""
    root = numba_root()
    if root is None:
        return []
    limit = max_bytes()
    found = entries()
    total = sum(size for _, size, _ in found)
    removed = []
    for _, size, folder in found:
        if total <= limit:
            break
        if folder.name == keep:
            continue
        try:
            _remove(folder)
        except OSError:
            continue
        total -= size
        removed.append(folder)
    _remove_leftovers(root)
    return removed


def written(folder) -> None:
    """Machine code was written into ``folder``: keep the cache under its limit."""
    try:
        shrink(keep=pathlib.Path(folder).name)
    except OSError:   # pragma: no cover (shrink tolerates what it can)
        pass


def usage() -> tuple[int, int]:
    """(entries, bytes) of the cache."""
    found = entries()
    return len(found), sum(size for _, size, _ in found)


def clear() -> tuple[int, int]:
    """Remove every entry (only braindyn's own folders); returns (entries, bytes)
    removed.  Raises OSError when one cannot be removed."""
    root = numba_root()
    found = entries()
    for _, _, folder in found:
        _remove(folder)
    if root is not None:
        _remove_leftovers(root)
    return len(found), sum(size for _, size, _ in found)
