"""How one compiled function is kept in braindyn's disk cache (see numba_cache.py).

Numba's own cache (``cache=True``) trusts its files: one cut short by a full disk
or a killed kernel stops every later run with ``UnpicklingError``, and garbled
machine code would be handed to LLVM.  braindyn's functions use this cache
instead (``numba_cache.enable``).  It keeps Numba's layout, an index
``<module>.<function>-<line>.pyXY.nbi`` naming one machine-code file
``...<n>.nbc`` per signature, in ``<digest>/__pycache__/``, with three checks:

* every file starts with a header and the SHA-256 of the rest: a truncated or
  garbled file never reaches pickle or LLVM;
* the index holds the digest of the source it was compiled from, and each
  machine-code file holds the key (signature, CPU, bytecode) it was compiled for:
  an entry made for other code is never used;
* the machine code is written before the index that names it, each file under a
  temporary name then renamed (Numba's ``_open_for_write``).

Anything wrong when loading (those checks, or any other error) removes the
function's files, warns (``CacheWarning``), and Numba compiles again and writes a
new entry.  A failure to write warns once and leaves the run uncached.
"""
from __future__ import annotations

import hashlib
import inspect
import itertools
import os
import pickle
import sys

from numba.core import caching
from numba.core.serialize import dumps

from . import numba_cache
from .numba_cache import DamagedEntry

MAGIC = b"braindyn numba cache 1\n"
_HEAD = len(MAGIC) + 32          # the header, then the SHA-256 of the payload


def pack(obj) -> bytes:
    data = dumps(obj)
    return MAGIC + hashlib.sha256(data).digest() + data


def unpack(raw: bytes, name: str):
    if not raw.startswith(MAGIC) or len(raw) < _HEAD:
        raise DamagedEntry(f"{name} is truncated or not a braindyn cache file")
    data = raw[_HEAD:]
    if hashlib.sha256(data).digest() != raw[len(MAGIC):_HEAD]:
        raise DamagedEntry(f"{name} does not match its checksum")
    return pickle.loads(data)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


class _Locator(caching.InTreeCacheLocator):
    """``<digest>/__pycache__``, stamped with the SHA-256 of the source file."""

    def get_source_stamp(self):
        return hashlib.sha256(_read(self._py_file)).hexdigest()


class _Impl(caching.CompileResultCacheImpl):
    def __init__(self, py_func):
        # Not CacheImpl.__init__: it takes the first locator that accepts the file
        # (NUMBA_CACHE_DIR would put the machine code outside braindyn's folder, where
        # no size bound or `braindyn cache clear` reaches it).
        self._lineno = py_func.__code__.co_firstlineno
        source = inspect.getfile(py_func)
        self._locator = _Locator(py_func, source)
        self._locator.ensure_cache_path()
        stem = os.path.splitext(os.path.basename(source))[0]
        self._filename_base = self.get_filename_base(f"{stem}.{py_func.__qualname__}",
                                                     getattr(sys, "abiflags", ""))


class _EntryFile(caching.IndexDataCacheFile):
    """Numba's index and data files, checked (see the module's docstring)."""

    def _dump(self, obj) -> bytes:
        return pack(obj)

    def _load_index(self) -> dict:
        try:
            raw = _read(self._index_path)
        except FileNotFoundError:
            return {}
        version, stamp, overloads = unpack(raw, self._index_name)
        caching._cache_log("[cache] index loaded from %r", self._index_path)
        if version != self._version:   # another Numba (the folder's digest has its version)
            return {}
        if stamp != self._source_stamp:
            raise DamagedEntry(f"{self._index_name} was compiled from another source")
        return overloads

    def _save_index(self, overloads: dict) -> None:
        with self._open_for_write(self._index_path) as f:
            f.write(pack((self._version, self._source_stamp, overloads)))
        caching._cache_log("[cache] index saved to %r", self._index_path)

    def _load_data(self, name: str):
        path = self._data_path(name)
        data = unpack(_read(path), name)
        caching._cache_log("[cache] data loaded from %r", path)   # NUMBA_DEBUG_CACHE=1
        return data

    def load(self, key):
        name = self._load_index().get(key)
        if name is None:
            return None
        try:
            stored_key, data = self._load_data(name)
        except FileNotFoundError:
            raise DamagedEntry(f"{name}, named by the index, is missing") from None
        if stored_key != key:
            raise DamagedEntry(f"{name} holds the code of another function or signature")
        return data

    def save(self, key, data) -> None:
        try:
            overloads = self._load_index()
        except Exception:             # noqa: BLE001 (a damaged index is written anew)
            overloads = {}
        name = overloads.get(key)
        if name is None:
            taken = set(overloads.values())
            name = next(n for n in map(self._data_name, itertools.count(1)) if n not in taken)
        self._save_data(name, (key, data))    # first the code, then the index naming it
        if overloads.get(key) != name:
            overloads[key] = name
            self._save_index(overloads)

    def discard(self) -> None:
        """Remove the index and every machine-code file of this function."""
        base = self._index_name[:-len(".nbi")]
        try:
            names = os.listdir(self._cache_path)
        except OSError:
            return
        for name in names:
            if name == self._index_name or (name.startswith(base + ".") and name.endswith(".nbc")):
                try:
                    os.unlink(os.path.join(self._cache_path, name))
                except OSError:
                    pass


class FunctionCache(caching.FunctionCache):
    """What a braindyn function's dispatcher caches with: a damaged entry is a miss."""

    _impl_class = _Impl

    def __init__(self, py_func):
        super().__init__(py_func)
        self._cache_file = _EntryFile(self._cache_path, self._impl.filename_base,
                                      self._cache_file._source_stamp)

    def load_overload(self, sig, target_context):
        try:
            return super().load_overload(sig, target_context)
        except Exception as err:      # noqa: BLE001 (any failure to load is a miss)
            self._cache_file.discard()
            numba_cache.damaged(os.path.dirname(self._cache_path), err)
            return None

    def save_overload(self, sig, data):
        try:
            super().save_overload(sig, data)
        except Exception as err:      # noqa: BLE001 (a full disk never fails a run)
            numba_cache.uncached(os.path.dirname(self._cache_path), err)
            return
        numba_cache.written(os.path.dirname(self._cache_path))
