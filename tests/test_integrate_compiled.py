"""``bp.integrate(..., jit=True)`` gives the numbers of ``jit=False``: after a module
value the derivative reads has changed, with helper functions it calls, and loaded
from the disk cache by a new process.  A derivative that cannot be compiled is
refused with a short message naming the student's line and the way out (jit=False),
as is a ``bm.jit`` function."""
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from support import _restore_backend  # noqa: F401

DRIVE = 1.0          # read by decay() from this module: compiled code freezes it


def decay(y, t):
    return -y + DRIVE


def relax(y, t, tau):
    return (rate(y) - y) / tau


def rate(y):         # a plain helper function: Numba cannot call it as it is
    return 1.0 / (1.0 + bm.exp(-y))


def closure_with_setter():
    drive = 1.0

    def f(y, t):
        return -y + drive

    def set_drive(value):
        nonlocal drive
        drive = value
    return f, set_drive


TABLE = {"drive": 1.0}   # a dict: Numba cannot compile a function that reads it


def reads_a_dict(y, t):
    return -y + TABLE["drive"]       # <- dict


def branches(y, t):
    if y > 0.5:                      # <- if
        return -y
    return 1.0 - y


def line_of(marker):
    lines = pathlib.Path(__file__).read_text().splitlines()
    return next(i + 1 for i, text in enumerate(lines) if text.rstrip().endswith(marker))


def assert_names_the_line(err, marker, *words):
    msg = str(err)
    assert len(msg.splitlines()) <= 5 and "Traceback" not in msg, msg
    assert re.search(rf"test_integrate_compiled\.py, line {line_of(marker)}\b", msg), msg
    for w in words:
        assert w in msg, f"the message does not say {w!r}:\n{msg}"


def solve(f, jit, args=()):
    return bp.integrate(f, 0.0, (0.0, 5.0), dt=0.01, args=args, jit=jit)[1]


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_a_changed_module_value_is_seen_by_the_compiled_loop(backend, monkeypatch,
                                                             _restore_backend):
    bm.use_backend(backend)
    first = solve(decay, jit=True)
    np.testing.assert_allclose(first, solve(decay, jit=False), rtol=1e-12)
    monkeypatch.setitem(globals(), "DRIVE", 2.0)
    again = solve(decay, jit=True)
    np.testing.assert_allclose(again, solve(decay, jit=False), rtol=1e-12)
    assert again[-1] == pytest.approx(2 * first[-1], rel=1e-12)   # y = DRIVE (1 - e^-t)


def test_a_changed_closure_value_is_seen_by_the_compiled_loop():
    f, set_drive = closure_with_setter()
    first = solve(f, jit=True)
    set_drive(3.0)
    again = solve(f, jit=True)
    np.testing.assert_allclose(again, solve(f, jit=False), rtol=1e-12)
    assert again[-1] == pytest.approx(3 * first[-1], rel=1e-12)


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_a_derivative_that_calls_a_helper_function_compiles(backend, _restore_backend):
    bm.use_backend(backend)
    compiled = solve(relax, jit=True, args=(2.0,))
    np.testing.assert_allclose(compiled, solve(relax, jit=False, args=(2.0,)), rtol=1e-12)
    assert 0.3 < compiled[-1] < 0.7          # moving towards the fixed point y = rate(y)


SCRIPT = textwrap.dedent("""
    import braindyn as bp
    from braindyn.integrators.integrate import _loops
    from model import relax
    ts, ys = bp.integrate(relax, 0.0, (0.0, 5.0), dt=0.01, args=(2.0,), jit=True)
    (loop,) = _loops.values()
    stats = loop.stats              # Numba's own count of loads from its disk cache
    plain = bp.integrate(relax, 0.0, (0.0, 5.0), dt=0.01, args=(2.0,))[1]
    print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()),
          repr(float(ys[-1])), repr(float(plain[-1])))
""")


def test_a_new_process_loads_the_compiled_loop_from_disk(tmp_path):
    """A restarted kernel does not compile again (the lessons' f-I curves took 6 s)."""
    (tmp_path / "model.py").write_text(textwrap.dedent("""
        import numpy as np

        def relax(y, t, tau):
            return (rate(y) - y) / tau

        def rate(y):
            return 1.0 / (1.0 + np.exp(-y))
    """))
    env = dict(os.environ, BRAINDYN_CACHE=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path)] + sys.path))

    def run():
        out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                             env=env, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        hits, misses, compiled, plain = out.stdout.split()
        assert float(compiled) == pytest.approx(float(plain), rel=1e-12)
        return int(hits), int(misses), float(compiled)

    assert run()[:2] == (0, 1), "an empty cache compiles"
    hits, misses, _ = run()
    assert (hits, misses) == (1, 0), "a second process must load the loop from disk"
    (tmp_path / "model.py").write_text((tmp_path / "model.py").read_text()
                                       .replace("1.0 + np.exp", "2.0 + np.exp"))
    hits, misses, _ = run()
    assert (hits, misses) == (0, 1), "a changed helper is compiled again, not loaded"


def test_a_derivative_numba_cannot_compile_is_refused_naming_its_line():
    solve(reads_a_dict, jit=False)                      # plain Python runs it
    with pytest.raises(bp.CompileError) as info:
        solve(reads_a_dict, jit=True)
    assert_names_the_line(info.value, "# <- dict", "dict", "jit=False")


def test_a_python_if_on_the_jax_backend_is_refused_naming_its_line(_restore_backend):
    bm.use_backend("jax")
    solve(branches, jit=False)
    with pytest.raises(bp.CompileError) as info:
        solve(branches, jit=True)
    assert_names_the_line(info.value, "# <- if", "bm.where", "jit=False")


@pytest.mark.parametrize("backend, f, marker, why", [("numpy", reads_a_dict, "# <- dict", "dict"),
                                                     ("jax", branches, "# <- if", "bm.where")])
def test_a_bm_jit_function_that_cannot_compile_is_refused_naming_its_line(
        backend, f, marker, why, _restore_backend):
    bm.use_backend(backend)
    with pytest.raises(bp.CompileError) as info:
        bm.jit(f)(1.0, 0.0)
    assert_names_the_line(info.value, marker, why, "plain function")
