"""Shared test helpers (imported by the test modules; pytest puts tests/ on sys.path)."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import pathlib

import numpy as np
import pytest

import braindyn.math as bm

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "hh_reference.json"   # tools/make_hh_reference.py

BACKENDS = ["numpy", "jax"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Run a test once per backend, and restore the NumPy backend afterwards."""
    bm.use_backend(request.param)
    yield request.param
    bm.use_backend("numpy")


@pytest.fixture(autouse=True)
def _restore_backend():
    yield
    bm.use_backend("numpy")
    bm.set_dtype("float64")


def hh_reference() -> dict:
    """The HH reference solution (scipy DOP853, rtol=atol=1e-12), made by
    tools/make_hh_reference.py and checked by tests/test_hh_reference_data.py."""
    return json.loads(REFERENCE.read_text())


def spike_times(ts, V, threshold: float = 20.0) -> np.ndarray:
    """Upward crossings of the threshold, linearly interpolated (as the reference)."""
    V = np.asarray(V)
    i = np.where((V[:-1] < threshold) & (V[1:] >= threshold))[0]
    return ts[i] + (threshold - V[i]) / (V[i + 1] - V[i]) * (ts[i + 1] - ts[i])


def empirical_order(dts, errors) -> float:
    """Slope of log(error) against log(dt): the observed order of convergence."""
    return float(np.polyfit(np.log(dts), np.log(errors), 1)[0])


def sha(path: pathlib.Path) -> str:
    """SHA-256 of a file's bytes (to prove a tool left it unchanged)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_hash(folder: pathlib.Path) -> dict[str, str]:
    """{relative path: sha} of every file under folder."""
    return {p.relative_to(folder).as_posix(): sha(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def run_cli(*argv) -> tuple[int, str]:
    """``braindyn ARGV`` in this process: (exit status, stdout + stderr)."""
    from braindyn.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main([str(a) for a in argv])
    return status, out.getvalue()
