"""Compiled simulations are kept on disk, and never used when stale."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from support import ROOT

SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from slides_hh import HHMethod
    hh = HHMethod(1, monitors=['V'], method='rk4', gNa={gNa})
    hh.run(20.0, inputs=['input', 10.0], dt=0.01)
    (program,) = hh._runner_cache.values()
    stats = program.loop.stats      # Numba's own count of loads from its disk cache
    print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()), hh.mon.V[-1, 0])
""")


def run_in_fresh_process(cache, gNa=120.0):
    """(loads from the disk cache, compilations, V at the end) of the loop in a new process."""
    env = dict(os.environ, BRAINDYN_CACHE=str(cache))
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=str(ROOT / "tests"),
                                                              gNa=gNa)],
                         capture_output=True, text=True, env=env, check=True)
    hits, misses, v_end = out.stdout.split()
    return int(hits), int(misses), float(v_end)


def test_a_new_process_reuses_the_compiled_code(tmp_path):
    assert run_in_fresh_process(tmp_path)[:2] == (0, 1), "an empty cache compiles"
    hits, misses, v1 = run_in_fresh_process(tmp_path)
    assert (hits, misses) == (1, 0), "a second process must load the loop from disk"
    # a parameter value is an argument, not part of the code: the same program runs,
    # from the disk cache, with the new value
    hits, misses, v3 = run_in_fresh_process(tmp_path, gNa=100.0)
    assert (hits, misses) == (1, 0)
    assert v3 != v1
    assert len(list((tmp_path / "numba").iterdir())) == 1



def test_a_model_made_again_in_the_same_session_loads_its_compiled_code(tmp_path, monkeypatch):
    # a cell run twice makes HHMethod0, then HHMethod1: the generated code names the
    # model by its class, so the second finds the first's machine code on disk
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    import sys
    sys.path.insert(0, str(ROOT / "tests"))
    from slides_hh import HHMethod
    loads = []
    for _ in range(2):
        hh = HHMethod(1, monitors=["V"], method="rk4")
        hh.run(5.0, inputs=["input", 10.0], dt=0.01)
        (program,) = hh._runner_cache.values()
        stats = program.loop.stats
        loads.append((sum(stats.cache_hits.values()), sum(stats.cache_misses.values())))
        assert "def HHMethod_update(" in program.source
    assert loads == [(0, 1), (1, 0)]


def test_a_network_made_again_has_the_same_code(tmp_path, monkeypatch):
    # a synapse names its delay line after itself when it is made (Exponential3_delay),
    # before Network(syn=...) renames it: the code must not keep that session count
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    from braindyn import models as M

    def build():
        pre, post = M.LIF(4, V_initial=-50.0), M.LIF(3, name="post")
        named = M.Exponential(pre, post, bp.connect.All2All(), delay=0.5, name="slow")
        auto = M.Exponential(pre, post, bp.connect.All2All())
        return bp.Network(pre, post, named, fast=auto)

    sources, loads = [], []
    for _ in range(2):
        net = build()
        net.run(1.0, dt=0.1)
        (program,) = net._runner_cache.values()
        sources.append(program.source)
        stats = program.loop.stats
        loads.append((sum(stats.cache_hits.values()), sum(stats.cache_misses.values())))
    assert sources[0] == sources[1]
    assert "slow_delay_" in sources[0] and "fast_delay_" in sources[0]
    assert loads == [(0, 1), (1, 0)]


def test_a_changed_kit_files_its_compiled_code_apart(tmp_path, monkeypatch):
    # how the kit compiles (inlining, its overloads) is not in the generated source:
    # machine code made by another version of the kit's files must never be loaded
    from braindyn.math import numba_cache
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    program = (["def f(x):\n    return x\n"], {}, [], ("structure",))
    first = numba_cache.program_dir(*program)
    assert numba_cache.program_dir(*program) == first
    monkeypatch.setattr(numba_cache, "_kit_digest", "0" * 64)
    assert numba_cache.program_dir(*program) != first


def test_code_names_keep_given_names_and_number_a_repeated_class():
    from braindyn.simulation.numba_translate import code_names

    class Cell(bp.NeuGroup):
        def __init__(self, name=None):
            super().__init__(1, name=name)
            self.V = bm.Variable(bm.zeros(1))

        def update(self, _t, _dt):
            self.V += _dt

    a, b, c = Cell(), Cell(), Cell(name="Cell_0")   # a given name that a number would take
    net = bp.Network(a, b, c, E=Cell())
    names = code_names(net)
    assert names[id(c)] == "Cell_0" and names[id(net.E)] == "E"
    assert sorted([names[id(a)], names[id(b)]]) == ["Cell_0_", "Cell_1"]
    assert len(set(names.values())) == len(names)
    net.run(1.0, dt=0.1)                     # and the program built with them runs
    assert a.V[0] == pytest.approx(1.0) and c.V[0] == pytest.approx(1.0)


def test_a_part_named_after_its_owner_follows_the_owners_code_name():
    # CondNeuGroup names its channel network f"{self.name}_channels" when it is made
    from braindyn import models as M
    from braindyn.simulation.numba_translate import code_names

    def cell():
        return M.CondNeuGroup(2, channels=[M.INa(), M.IK(), M.IL()])

    first, second = cell(), cell()
    assert first.channels.name != second.channels.name      # CondNeuGroup0_channels, ...
    assert code_names(first)[id(first.channels)] == "CondNeuGroup_channels"
    assert code_names(second)[id(second.channels)] == "CondNeuGroup_channels"
    net = bp.Network(cell=second)
    assert code_names(net)[id(second.channels)] == "cell_channels"


GAIN = 2.0


class Leaky(bp.NeuGroup):
    """x' = -x + GAIN (a module-level constant: an argument of the compiled code)."""

    def __init__(self):
        super().__init__(1, monitors=["x"])
        self.x = bm.Variable(bm.zeros(1))

    def update(self, _t, _dt):
        self.x += (-self.x + GAIN) * _dt


def test_a_changed_module_constant_takes_effect_without_compiling():
    global GAIN
    model = Leaky()
    model.run(50.0, dt=0.01)
    assert abs(model.mon.x[-1, 0] - 2.0) < 1e-6
    GAIN = 5.0
    try:
        model.x[:] = 0.0
        model.run(50.0, dt=0.01)
        assert abs(model.mon.x[-1, 0] - 5.0) < 1e-6, "the old constant was used"
        assert model.compile_count == 1
    finally:
        GAIN = 2.0


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    from braindyn.math import numba_cache
    monkeypatch.setenv("BRAINDYN_CACHE", "off")
    assert numba_cache.cache_root() is None
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    assert numba_cache.cache_root() == tmp_path
    assert numba_cache.digest(np.ones(3)) != numba_cache.digest(np.ones(4))


class Decay(bp.NeuGroup):
    """x' = -x / tau, integrated by odeint (exponential Euler: exact for this equation)."""

    def __init__(self, tau, name):
        super().__init__(1, monitors=["x"], name=name)
        self.tau = tau
        self.x = bm.Variable(bm.ones(1))
        self.integral = bp.odeint(self.derivative, method="exponential_euler")

    def derivative(self, x, t):
        return -x / self.tau

    def update(self, _t, _dt):
        self.x[:] = self.integral(self.x, _t, dt=_dt)


def test_two_integrals_of_one_method_in_one_cached_program_keep_their_derivatives(
        tmp_path, monkeypatch):
    """Two groups whose integrals share method and signature, compiled into one
    program with the disk cache on.  Numba's cache knows a function by its file and
    name only, so if both steps were written under one name the second would load the
    first's machine code (with the first derivative frozen in)."""
    monkeypatch.setenv("BRAINDYN_CACHE", str(tmp_path))
    for attempt in ("compile and store", "load from disk"):
        fast, slow = Decay(2.0, "fast"), Decay(8.0, "slow")
        bp.Network(fast, slow).run(1.0, dt=0.1, jit=True)
        for group, tau in ((fast, 2.0), (slow, 8.0)):
            assert abs(group.x[0] - np.exp(-1.0 / tau)) < 1e-12, (
                f"{attempt}: the group with tau = {tau} decayed to {group.x[0]:.6f}, "
                f"not exp(-1/{tau}) = {np.exp(-1.0 / tau):.6f}: it ran another group's step")


RECONFIGURE = textwrap.dedent("""
    import sys
    import numpy as np
    import braindyn.models as M

    lif = M.LIF(1, monitors=['spike'], name='lif')
    for setting in sys.argv[1:]:
        lif.tau, lif.t_ref = map(float, setting.split(':'))
        lif.run(100.0, inputs=('input', 4.0), dt=0.1)
        print(round(float(np.diff(lif.mon.ts[lif.mon.spike[:, 0]])[0]), 6))
""")


def lif_interval(tau, t_ref, RI=40.0, V_rest=-70.0, V_reset=-65.0, V_th=-50.0):
    """The LIF's closed-form interspike interval (ms) at constant input (R I in mV)."""
    return t_ref + tau * np.log((V_rest + RI - V_reset) / (V_rest + RI - V_th))


@pytest.mark.slow
def test_two_cached_programs_of_one_model_in_one_process_keep_their_constants(tmp_path):
    """One model run with two values of its constants: two programs with the same function
    names.  Stored by two processes, then both loaded by a third: each must run its own
    code (they once shared Numba symbols, and the second ran the first's)."""
    env = dict(os.environ, BRAINDYN_CACHE=str(tmp_path / "cache"))

    def run(*settings):
        out = subprocess.run([sys.executable, "-c", RECONFIGURE, *settings], env=env,
                             capture_output=True, text=True, check=True)
        return [float(x) for x in out.stdout.split()]

    fast, slow = run("8:2")[0], run("15:5")[0]         # both programs are now on disk
    assert abs(fast - lif_interval(8, 2)) < 0.1 and abs(slow - lif_interval(15, 5)) < 0.1
    assert run("8:2", "15:5") == [fast, slow]
    assert run("15:5", "8:2") == [slow, fast]


NESTED = textwrap.dedent("""
    import braindyn as bp
    import braindyn.math as bm

    def inner(v):
        return {k} * v

    def rate(v):            # the helper the model calls; it calls inner
        return inner(v) + 1.0

    class Leak(bp.NeuGroup):
        def __init__(self):
            super().__init__(1)
            self.V = bm.Variable(bm.zeros(1))

        def update(self, t, dt):
            self.V.value = self.V + dt * (rate(self.V) - self.V)
""")
RUN_NESTED = "from nested_model import Leak\n" \
    "for jit in (True, False):\n    m = Leak(); m.run(1.0, dt=0.1, jit=jit); print(float(m.V[0]))"


def test_a_changed_helper_of_a_helper_is_compiled_again_in_a_new_process(tmp_path):
    """The disk cache's key covers the source of every helper a model reaches, not only
    those its update calls: else a new process loaded the old machine code."""
    env = dict(os.environ, BRAINDYN_CACHE=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path)] + sys.path))
    ends = []
    for k in ("1.0", "2.0"):
        (tmp_path / "nested_model.py").write_text(NESTED.format(k=k))
        out = subprocess.run([sys.executable, "-c", RUN_NESTED], capture_output=True,
                             text=True, env=env, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        compiled, plain = map(float, out.stdout.split())
        assert compiled == pytest.approx(plain, rel=1e-12)
        ends.append(compiled)
    assert ends[1] > ends[0] + 0.5          # inner's change took effect
