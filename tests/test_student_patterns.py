"""A catalogue of code students naturally write, compiled on both backends.

Each pattern is a tiny model (a few neurons, a few ms at dt = 0.1) whose compiled
run (``jit=True``) must either

* equal the plain-Python run (``jit=False``) of the same model: every Variable of
  every system to atol 1e-10, rtol 1e-12; or
* be refused with ``bp.CompileError`` whose message is short (under 20 lines, no
  compiler dump), names the student's line (this file's name and the line of the
  offending statement, found by its ``# <- marker`` comment) and says what to write
  instead.

Patterns that change a parameter between two compiled runs check that the new
value takes effect (the second run equals a plain run of the changed model, and
differs from the first) and, where the rules promise it, that nothing was
compiled again (``model.compile_count``).
"""
from __future__ import annotations

import importlib
import math
import pathlib
import re
import sys

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
import braindyn.models as M
from braindyn.simulation.state import state_variables
from support import _restore_backend, backend  # noqa: F401

pytestmark = pytest.mark.slow

HERE = pathlib.Path(__file__)
SOURCE = HERE.read_text().splitlines()
DT = 0.1
DUR = 3.0           # ms: 30 steps
DRIVE = [("input", 2.0)]


# -- helpers ---------------------------------------------------------------------------
def line_of(marker: str) -> int:
    """The line number of the statement tagged ``# <- marker`` in this file."""
    hits = [i for i, text in enumerate(SOURCE, 1) if text.rstrip().endswith(f"# <- {marker}")]
    assert len(hits) == 1, f"marker {marker!r} found {len(hits)} times"
    return hits[0]


def state(root):
    """[(system.attribute, value)] of every Variable, in the order of root.nodes()."""
    return [(f"{node.name}.{attr}", np.array(bm.as_numpy(var.value), dtype=float))
            for node in root.nodes() for attr, var in node.vars().items()]


def snapshot(root):
    return [(var, np.array(bm.as_numpy(var.value))) for _, _, var in state_variables(root)]


def restore(saved):
    for var, value in saved:
        var.value = bm.asarray(value)


def assert_same(got, expected, what):
    # by position: automatic names differ between two builds of one model
    assert [k.split(".")[-1] for k, _ in got] == [k.split(".")[-1] for k, _ in expected]
    for (key, value), (_, other) in zip(got, expected):
        np.testing.assert_allclose(value, other, rtol=1e-12, atol=1e-10,
                                   err_msg=f"{what}: {key} differs")


def differs(a, b) -> bool:
    return any(not np.allclose(x, y, rtol=1e-9, atol=1e-9) for (_, x), (_, y) in zip(a, b))


def simulate(build, jit, inputs=DRIVE, duration=DUR, seed=None, change=None):
    model = build()
    if change is not None:
        change(model)
    if seed is not None:
        bm.random.seed(seed)
    model.run(duration, inputs=inputs, dt=DT, jit=jit)
    return model


def check_same(build, inputs=DRIVE, duration=DUR, seed=None):
    """The compiled run equals the plain-Python run, and the model moved."""
    model = build()
    start = state(model)
    plain = simulate(build, False, inputs, duration, seed)
    assert differs(state(plain), start), "the pattern's model did not move: a void test"
    compiled = simulate(build, True, inputs, duration, seed)
    assert_same(state(compiled), state(plain), "jit=True against jit=False")
    return compiled


def check_change(build, change, inputs=DRIVE, duration=DUR, may_rebuild=False, undo=None):
    """Run compiled, change a value, run compiled again from the same initial state:
    the change takes effect (equal to a plain run of the changed model) and, unless
    ``may_rebuild``, nothing is compiled again."""
    try:
        model = build()
        start = snapshot(model)
        model.run(duration, inputs=inputs, dt=DT, jit=True)
        first = state(model)
        unchanged = simulate(build, False, inputs, duration)
        assert_same(first, state(unchanged), "first compiled run against jit=False")
        count = model.compile_count
        change(model)
        restore(start)
        model.run(duration, inputs=inputs, dt=DT, jit=True)
        second = state(model)
        reference = simulate(build, False, inputs, duration, change=change)
        assert differs(state(reference), first), "the change does nothing: a void test"
        assert_same(second, state(reference),
                    "second compiled run (after the change) against jit=False")
        if not may_rebuild:
            assert model.compile_count == count, (
                f"changing a value compiled the model again ({count} -> "
                f"{model.compile_count} programs)")
        return model
    finally:
        if undo is not None:
            undo()


def assert_refusal(err, markers, *words):
    """A short CompileError naming this file, the line of one of ``markers`` and
    containing every one of ``words``."""
    msg = str(err)
    markers = (markers,) if isinstance(markers, str) else markers
    lines = [line_of(m) for m in markers]
    assert len(msg.splitlines()) < 20, f"message of {len(msg.splitlines())} lines:\n{msg}"
    assert len(msg) < 2000 and "Traceback" not in msg, f"a compiler dump:\n{msg[:3000]}"
    assert HERE.name in msg, f"the message does not name the file {HERE.name}:\n{msg}"
    assert any(re.search(rf"\bline {n}\b", msg) for n in lines), (
        f"the message does not name line {' or '.join(map(str, lines))}:\n{msg}")
    for w in words:
        assert w in msg, f"the message does not say {w!r}:\n{msg}"


def check_refused(build, markers, *words, inputs=DRIVE, duration=DUR):
    simulate(build, False, inputs, duration)        # plain Python runs it
    with pytest.raises(bp.CompileError) as info:
        simulate(build, True, inputs, duration)
    assert_refusal(info.value, markers, *words)


def check_same_or_refused(build, markers, *words, must_equal=False, inputs=DRIVE,
                          duration=DUR, seed=None):
    """Either equal to jit=False or refused with a clear message."""
    plain = simulate(build, False, inputs, duration, seed)
    try:
        compiled = simulate(build, True, inputs, duration, seed)
    except bp.CompileError as err:
        if must_equal:
            raise AssertionError(f"refused, but this must compile:\n{err}") from None
        assert_refusal(err, markers, *words)
        print(f"refused, as allowed: {err}")
        return "refused"
    assert_same(state(compiled), state(plain), "jit=True against jit=False")
    print("compiled, equal to jit=False")
    return "equal"


class Leaky(bp.NeuGroup):
    """The base model of several patterns: tau dV/dt = -(V - V_rest) + input."""

    def __init__(self, n=3, tau=10.0, V_rest=-65.0, **kw):
        super().__init__(n, **kw)
        self.tau, self.V_rest = tau, V_rest
        self.V = bm.Variable(bm.asarray(np.linspace(-55.0, -70.0, n)))   # one V per neuron
        self.input = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.input[:] = 0.


# -- 1. parameters one level (and two levels) down -------------------------------------
class Params:
    def __init__(self, tau=10.0, V_rest=-65.0):
        self.tau, self.V_rest = tau, V_rest


class Nested(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.p = Params()

    def update(self, _t, _dt):
        self.V += (-(self.V - self.p.V_rest) + self.input) / self.p.tau * _dt
        self.input[:] = 0.


def test_parameter_of_a_plain_object_changed_between_runs(backend):
    check_change(Nested, lambda m: setattr(m.p, "tau", 4.0))


class Config:
    pass


class DeepNested(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.cfg = Config()
        self.cfg.cell = Params(tau=8.0)

    def update(self, _t, _dt):
        self.V += (-(self.V - self.cfg.cell.V_rest) + self.input) / self.cfg.cell.tau * _dt
        self.input[:] = 0.


def test_parameter_two_levels_down_changed_between_runs(backend):
    check_change(DeepNested, lambda m: setattr(m.cfg.cell, "V_rest", -50.0))


# -- 2. a _private attribute ------------------------------------------------------------
class Private(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self._gain = 2.0

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self._gain * self.input) / self.tau * _dt
        self.input[:] = 0.


def test_private_attribute_changed_between_runs(backend):
    check_change(Private, lambda m: setattr(m, "_gain", 7.5))


# -- 3. a module-level constant ---------------------------------------------------------
V_TARGET = -50.0


class ModuleConstant(Leaky):
    def update(self, _t, _dt):
        self.V += (V_TARGET - self.V + self.input) / self.tau * _dt
        self.input[:] = 0.


def test_module_level_constant_changed_between_runs(backend):
    def undo():
        globals()["V_TARGET"] = -50.0
    check_change(ModuleConstant, lambda m: globals().__setitem__("V_TARGET", -40.0), undo=undo)


# -- 4. per-neuron parameter arrays -----------------------------------------------------
class PerNeuron(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.tau = np.array([5.0, 10.0, 20.0])


def test_per_neuron_array_changed_in_place(backend):
    def change(model):
        model.tau[1] = 2.5
    check_change(PerNeuron, change)


class PerNeuronBm(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.tau = bm.ones(self.num) * 10.0      # made with bm: a JAX array on JAX


def test_per_neuron_array_assigned_a_new_array(backend):
    check_change(PerNeuronBm, lambda m: setattr(m, "tau", bm.asarray([3.0, 6.0, 9.0])))


def test_float_parameter_changed_to_an_int(backend):
    # a new kind of value may build a new program, but must be right
    check_change(Leaky, lambda m: setattr(m, "tau", 4), may_rebuild=True)


# -- 5. a plain number changed by update ---------------------------------------------------
class PlainCounter(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.count = 0

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.count += 1  # <- plain-count
        self.input[:] = 0.


def test_plain_number_changed_by_update_is_refused(backend):
    check_refused(PlainCounter, "plain-count", "bm.Variable")


class VariableCounter(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.count = bm.Variable(0.0)
        self.n_updates = bm.Variable(bm.zeros(self.num, dtype=bm.int64))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.count += 1.0
        self.n_updates += 1
        self.input[:] = 0.


def test_counter_as_a_variable(backend):
    model = check_same(VariableCounter)
    assert float(bm.as_numpy(model.count.value)) == 30.0


# -- 6. inheritance -----------------------------------------------------------------------
class Adapting(Leaky):
    def __init__(self, n=3, a=0.3, **kw):
        super().__init__(n, **kw)
        self.a = a
        self.w = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.w += (self.a * (self.V - self.V_rest) - self.w) / 20.0 * _dt
        self.input -= self.w
        super().update(_t, _dt)


class AdaptingTwice(Adapting):
    def update(self, _t, _dt):
        super().update(_t, _dt)
        self.V -= 0.01 * _dt


def test_subclass_calls_super_update(backend):
    check_same(Adapting)
    check_same(AdaptingTwice)


class CountingLIF(M.LIF):
    def __init__(self, size, **kw):
        super().__init__(size, **kw)
        self.n_spikes = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        super().update(_t, _dt)
        self.n_spikes += self.spike


def test_subclass_of_the_kits_LIF(backend):
    def build():
        return CountingLIF(3, V_initial=-51.0)
    model = check_change(build, lambda m: setattr(m, "tau", 4.0), inputs=[("input", 3.0)],
                         duration=6.0)
    assert float(np.sum(bm.as_numpy(model.n_spikes.value))) > 0


# -- 7. helper methods ---------------------------------------------------------------------
class WithHelpers(Leaky):
    SCALE = 1.5

    def leak(self, V):
        return -(V - self.V_rest) / self.tau

    @staticmethod
    def sigmoid(x):
        return 1.0 / (1.0 + bm.exp(-x))

    @classmethod
    def scaled(cls, x):
        return cls.SCALE * x

    def update(self, _t, _dt):
        drive = self.scaled(self.sigmoid(self.input))
        self.V += (self.leak(self.V) + drive) * _dt
        self.input[:] = 0.


class PlainHelper(Leaky):
    def leak(self, V):
        return -(V - self.V_rest) / self.tau

    def update(self, _t, _dt):
        self.V += (self.leak(self.V) + self.input / self.tau) * _dt
        self.input[:] = 0.


class StaticHelper(Leaky):
    @staticmethod
    def sigmoid(x):
        return 1.0 / (1.0 + bm.exp(-x))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + 5.0 * self.sigmoid(self.input)) / self.tau * _dt
        self.input[:] = 0.


class ClassHelper(Leaky):
    SCALE = 1.5

    @classmethod
    def scaled(cls, x):
        return cls.SCALE * x

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.scaled(self.input)) / self.tau * _dt
        self.input[:] = 0.


@pytest.mark.parametrize("cls", [PlainHelper, StaticHelper, ClassHelper, WithHelpers],
                         ids=["method", "staticmethod", "classmethod", "all three"])
def test_helper_methods(backend, cls):
    check_same(cls)


class Gates(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.m = bm.Variable(bm.zeros(self.num) + 0.1)

    def rates(self, V):
        alpha = 0.1 * bm.exp((V + 60.0) / 10.0)
        beta = 0.2 * bm.exp(-(V + 60.0) / 20.0)
        return alpha, beta

    def gate_step(self, V, m, _dt):
        alpha, beta = self.rates(V)
        return m + (alpha * (1 - m) - beta * m) * _dt

    def update(self, _t, _dt):
        self.m[:] = self.gate_step(self.V, self.m, _dt)
        self.V += (-(self.V - self.V_rest) + self.input - 3.0 * self.m) / self.tau * _dt
        self.input[:] = 0.


def test_method_calling_a_method_returning_a_tuple(backend):
    check_same(Gates)


# -- 8. functions by dotted and bare names -----------------------------------------------
class NpExp(Leaky):
    def update(self, _t, _dt):
        decay = np.exp(-_dt / self.tau)  # <- np-exp
        self.V[:] = self.V_rest + (self.V - self.V_rest) * decay + self.input * _dt
        self.input[:] = 0.


class BmExp(Leaky):
    def update(self, _t, _dt):
        decay = bm.exp(-_dt / self.tau)
        self.V[:] = self.V_rest + (self.V - self.V_rest) * decay + self.input * _dt
        self.input[:] = 0.


class MathExp(Leaky):
    def update(self, _t, _dt):
        decay = math.exp(-_dt / self.tau)  # <- math-exp
        self.V[:] = self.V_rest + (self.V - self.V_rest) * decay + self.input * _dt
        self.input[:] = 0.


def test_bm_exp(backend):
    check_same(BmExp)


@pytest.mark.parametrize("cls,marker", [(NpExp, "np-exp"), (MathExp, "math-exp")],
                         ids=["np.exp", "math.exp"])
def test_np_exp_and_math_exp_of_numbers(backend, cls, marker):
    # np.exp / math.exp of a parameter and dt: plain numbers in plain Python.  On
    # JAX dt and float parameters are traced, so a refusal naming the line and
    # saying to write bm.exp is fine there
    check_same_or_refused(cls, marker, "bm.exp", must_equal=backend == "numpy")


def leak_current(V, V_rest, tau):
    return -(V - V_rest) / tau


class BareFunction(Leaky):
    def update(self, _t, _dt):
        self.V += (leak_current(self.V, self.V_rest, self.tau) + self.input / self.tau) * _dt
        self.input[:] = 0.


def test_plain_function_called_by_bare_name(backend):
    check_same(BareFunction)


HELPER_MODULE = '''
import braindyn.math as bm

GAIN = 2.0
OFFSET = 1.0


def rate(V, V_rest, tau):
    return -(V - V_rest) / tau


def drive(x):
    return OFFSET + x
'''
student_helpers_bd = None   # the module made by the fixture below


@pytest.fixture(scope="module")
def helper_module(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student_module")
    (folder / "student_helpers_bd.py").write_text(HELPER_MODULE)
    sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module("student_helpers_bd")
        globals()["student_helpers_bd"] = module
        yield module
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("student_helpers_bd", None)
        globals()["student_helpers_bd"] = None


class UsesModule(Leaky):
    def update(self, _t, _dt):
        dV = student_helpers_bd.rate(self.V, self.V_rest, self.tau)
        self.V += (dV + student_helpers_bd.GAIN * self.input / self.tau) * _dt
        self.input[:] = 0.


class UsesModuleDrive(Leaky):
    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + student_helpers_bd.drive(self.input)) / self.tau * _dt
        self.input[:] = 0.


def test_function_and_constant_of_a_helper_module(backend, helper_module):
    check_same(UsesModule)

    def undo():
        helper_module.GAIN = 2.0
    check_change(UsesModule, lambda m: setattr(helper_module, "GAIN", 5.0), undo=undo)


def test_helper_module_function_reading_its_own_constant(backend, helper_module):
    def undo():
        helper_module.OFFSET = 1.0
    # the constant is read by the helper, not by update: it may rebuild, but must be right
    check_change(UsesModuleDrive, lambda m: setattr(helper_module, "OFFSET", 6.0),
                 may_rebuild=True, undo=undo)


# -- 9. per-neuron loops and branches --------------------------------------------------------
class PerNeuronLoop(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.V_th, self.V_reset = -58.0, -70.0
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        for i in range(self.num):
            if self.V[i] > self.V_th:  # <- loop-if
                self.V[i] = self.V_reset
                self.spike[i] = True
            else:
                self.spike[i] = False
        self.input[:] = 0.


def test_per_neuron_python_loop_with_if_else(backend):
    check_same_or_refused(PerNeuronLoop, "loop-if", "bm.where", must_equal=backend == "numpy",
                          inputs=[("input", 12.0)])


class EarlyReturn(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.adapt = True
        self.w = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input - self.w) / self.tau * _dt
        self.input[:] = 0.
        if not self.adapt:
            return
        self.w += (0.5 * (self.V - self.V_rest) - self.w) / 5.0 * _dt


def test_early_return_on_a_flag_changed_between_runs(backend):
    check_change(EarlyReturn, lambda m: setattr(m, "adapt", False), may_rebuild=True)


class EarlyReturnOnTime(Leaky):
    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest)) / self.tau * _dt
        if _t < 1.0:  # <- return-on-time
            return
        self.V += self.input / self.tau * _dt
        self.input[:] = 0.


def test_early_return_on_time(backend):
    check_same_or_refused(EarlyReturnOnTime, "return-on-time", "bm.where",
                          must_equal=backend == "numpy")


class FloatBranch(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.noise = 0.5
        self.extra = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        if self.noise > 0:
            self.extra += self.noise * _dt
        self.input[:] = 0.


def test_python_if_on_a_float_parameter(backend):
    # a parameter is not a value that changes during the run: this must compile
    # (tests/test_runtime.py::Noisy does the same with `if self.sigma > 0`)
    check_change(FloatBranch, lambda m: setattr(m, "noise", 0.0), may_rebuild=True)


class StringMode(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.mode = "leaky"

    def update(self, _t, _dt):
        if self.mode == "leaky":
            self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        else:
            self.V += self.input / self.tau * _dt
        self.input[:] = 0.


def test_string_mode_switch_changed_between_runs(backend):
    check_change(StringMode, lambda m: setattr(m, "mode", "perfect"), may_rebuild=True)


# -- 10. in-place updates, masks, where --------------------------------------------------------
class Slices(Leaky):
    def __init__(self, n=4, **kw):
        super().__init__(n, **kw)

    def update(self, _t, _dt):
        self.V[:2] += 1.0 * _dt
        self.V[1:] = self.V[1:] - (self.V[1:] - self.V_rest) / self.tau * _dt
        self.V[...] = self.V + self.input * _dt
        self.V[-1] -= 0.5 * _dt
        self.input[:] = 0.


def test_in_place_slice_updates(backend):
    check_same(Slices)


class BoolMask(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.V_th, self.V_reset = -58.0, -70.0
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.spike[:] = self.V > self.V_th
        self.V[self.spike] = self.V_reset  # <- bool-mask
        self.input[:] = 0.


def test_boolean_mask_assignment(backend):
    check_same_or_refused(BoolMask, "bool-mask", "bm.where", must_equal=backend == "numpy",
                          inputs=[("input", 12.0)])


class Where(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.V_th, self.V_reset = -58.0, -70.0
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))

    def update(self, _t, _dt):
        V = self.V + (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.spike[:] = V > self.V_th
        self.V[:] = bm.where(self.spike, self.V_reset, V)
        self.input[:] = 0.


def test_bm_where(backend):
    check_same(Where, inputs=[("input", 12.0)], duration=5.0)


class ValueAssign(Leaky):
    def update(self, _t, _dt):
        self.V.value = self.V + (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.input.value = bm.zeros(self.num)


def test_value_assignment(backend):
    check_same(ValueAssign)


class Aliases(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.m = bm.Variable(bm.zeros(self.num) + 0.2)

    def update(self, _t, _dt):
        V, m = self.V, self.m
        self.V[:] = V + (-(V - self.V_rest) + self.input - 4.0 * m) / self.tau * _dt
        # V is the Variable itself, so it already holds the new values here
        self.m[:] = m + (0.01 * (V + 70.0) - m) * _dt
        self.input[:] = 0.


class AliasAugmented(Leaky):
    def update(self, _t, _dt):
        V = self.V
        V += (-(V - self.V_rest) + self.input) / self.tau * _dt    # changes the Variable
        self.input[:] = 0.


@pytest.mark.parametrize("cls", [Aliases, AliasAugmented], ids=["read", "augmented"])
def test_local_aliases_of_variables(backend, cls):
    check_same(cls)


class GlobalCoupling(Leaky):
    def __init__(self, n=4, **kw):
        super().__init__(n, **kw)
        self.k = 0.5

    def update(self, _t, _dt):
        mean = bm.mean(self.V)
        self.V += (-(self.V - self.V_rest) + self.k * (mean - self.V) + self.input) \
            / self.tau * _dt
        self.input[:] = 0.


def test_reduction_over_neurons(backend):
    check_same(GlobalCoupling)


class IndexArray(Leaky):
    def __init__(self, n=4, **kw):
        super().__init__(n, **kw)
        self.targets = np.array([0, 2], dtype=np.int64)

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest)) / self.tau * _dt
        self.V[self.targets] += self.input[self.targets] * _dt
        self.input[:] = 0.


def test_integer_index_array(backend):
    check_same(IndexArray)
    check_change(IndexArray, lambda m: setattr(m, "targets", np.array([1, 3], dtype=np.int64)),
                 may_rebuild=True)


# -- 11. random numbers --------------------------------------------------------------------
class NoisyNormal(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.sigma = 0.8

    def update(self, _t, _dt):
        noise = bm.random.normal(0.0, 1.0, self.num)
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt + \
            self.sigma * bm.sqrt(_dt) * noise
        self.input[:] = 0.


class NoisyUniform(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))

    def update(self, _t, _dt):
        self.spike[:] = bm.random.random(self.num) < 0.3
        self.V += (-(self.V - self.V_rest) + bm.random.uniform(-1.0, 1.0, self.num)) \
            / self.tau * _dt
        self.V[:] = bm.where(self.spike, self.V + 0.5, self.V)
        self.input[:] = 0.


@pytest.mark.parametrize("cls", [NoisyNormal, NoisyUniform], ids=["normal", "uniform"])
def test_seeded_random_draws_in_update(backend, cls):
    # the kit promises the same numbers compiled or not after bm.random.seed
    # (tests/test_runtime.py::test_seeded_noise_is_the_same_compiled_or_not)
    check_same(cls, seed=11)


# -- 12. networks and synapses ---------------------------------------------------------------
class Leaky2(Leaky):
    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + 2.0 * self.input) / self.tau * _dt
        self.input[:] = 0.


def test_network_of_groups_of_different_sizes(backend):
    def build():
        return bp.Network(A=Leaky(2), B=Leaky2(5, tau=4.0), C=Adapting(1))
    check_same(build, inputs=[("A.input", 1.0), ("B.input", 2.0), ("C.input", 3.0)])


class SpikingLeaky(Where):
    pass


class CurrentSynapse(bp.TwoEndConn):
    def __init__(self, pre, post, conn, w=3.0, tau=2.0, **kw):
        super().__init__(pre, post, conn, **kw)
        self.w, self.tau = w, tau
        self.mat = self.conn.conn_mat.astype(float)
        self.g = bm.Variable(bm.zeros(post.num))

    def update(self, _t, _dt):
        self.g[:] = self.g - self.g / self.tau * _dt + self.w * bm.dot(self.pre.spike, self.mat)
        self.post.input += self.g


def test_synapse_reads_pre_spike_and_writes_post_input(backend):
    def build():
        pre, post = SpikingLeaky(3, name="pre"), Leaky(2, name="post")
        syn = CurrentSynapse(pre, post, bp.connect.All2All())
        return bp.Network(pre, post, syn=syn)
    check_change(build, lambda net: setattr(net.syn, "w", 7.0), inputs=[("pre.input", 12.0)],
                 duration=5.0)


# -- 13. integrals -------------------------------------------------------------------------
class MethodIntegral(Leaky):
    @bp.odeint(method="exponential_euler")
    def integral(self, V, t, Iext):
        return (-(V - self.V_rest) + Iext) / self.tau

    def update(self, _t, _dt):
        self.V[:] = self.integral(self.V, _t, self.input, dt=_dt)
        self.input[:] = 0.


def test_odeint_method_reading_self_tau_changed_between_runs(backend):
    check_change(MethodIntegral, lambda m: setattr(m, "tau", 3.0))


class BoundIntegral(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.w = bm.Variable(bm.zeros(self.num))
        self.a, self.tau_w = 0.4, 30.0
        self.integral = bp.odeint(self.derivative, method="rk4")

    def derivative(self, V, w, t, Iext):
        dV = (-(V - self.V_rest) - w + Iext) / self.tau
        dw = (self.a * (V - self.V_rest) - w) / self.tau_w
        return dV, dw

    def update(self, _t, _dt):
        V, w = self.integral(self.V, self.w, _t, self.input, dt=_dt)
        self.V[:] = V
        self.w[:] = w
        self.input[:] = 0.


def test_odeint_of_a_bound_method_stored_in_init(backend):
    check_change(BoundIntegral, lambda m: setattr(m, "a", 2.0))


class DefaultParams(Leaky):
    @bp.odeint(method="rk4")
    def integral(self, V, t, Iext, tau=5.0, V_rest=-65.0):
        return (-(V - V_rest) + Iext) / tau

    def update(self, _t, _dt):
        self.V[:] = self.integral(self.V, _t, self.input, dt=_dt)
        self.input[:] = 0.


def test_derivative_with_default_parameter_values(backend):
    check_same(DefaultParams)


class Follower(bp.NeuGroup):
    """x follows the V of another group (a Variable of another system)."""

    def __init__(self, leader, tau=2.0, **kw):
        super().__init__(leader.num, **kw)
        self.leader, self.tau = leader, tau
        self.x = bm.Variable(bm.zeros(self.num))
        self.integral = bp.odeint(self.derivative, method="euler")

    def derivative(self, x, t):
        return (self.leader.V - x) / self.tau

    def update(self, _t, _dt):
        self.x[:] = self.integral(self.x, _t, dt=_dt)


def test_derivative_reads_a_variable_of_another_system(backend):
    def build():
        leader = Leaky(3, name="leader")
        return bp.Network(leader, follower=Follower(leader))
    check_same(build, inputs=[("leader.input", 5.0)])


# -- 14. methods in a loop -------------------------------------------------------------------
class MethodLoop(Leaky):
    def leak(self, _dt):
        self.V += -(self.V - self.V_rest) / self.tau * _dt

    def drive(self, _dt):
        self.V += self.input / self.tau * _dt

    def update(self, _t, _dt):
        for step in (self.leak, self.drive):  # <- methods-for
            step(_dt)  # <- methods-call
        self.input[:] = 0.


def test_loop_over_methods(backend):
    check_same_or_refused(MethodLoop, ("methods-for", "methods-call"), "self.leak")


# -- 15. objects compiled code cannot read ----------------------------------------------------
class WithGenerator(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.rng = np.random.default_rng(0)

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.input) / self.tau * _dt
        self.V += 0.1 * self.rng.normal(0.0, 1.0, self.num)  # <- rng
        self.input[:] = 0.


def test_attribute_holding_an_arbitrary_object(backend):
    # a NumPy Generator drawn from at every step: compiled code cannot do that (JAX
    # would draw once, while tracing), so it must be refused, naming the attribute
    check_same_or_refused(WithGenerator, "rng", "self.rng")


class WithDict(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.cfg = {"tau": 4.0, "gain": 1.5}

    def update(self, _t, _dt):
        tau = self.cfg["tau"]  # <- dict
        self.V += (-(self.V - self.V_rest) + self.cfg["gain"] * self.input) / tau * _dt
        self.input[:] = 0.


class WithList(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.gains = [1.0, 2.0, 0.5]

    def update(self, _t, _dt):
        gain = bm.asarray(self.gains)  # <- list
        self.V += (-(self.V - self.V_rest) + gain * self.input) / self.tau * _dt
        self.input[:] = 0.


@pytest.mark.parametrize("cls,marker,name", [(WithDict, "dict", "self.cfg"),
                                             (WithList, "list", "self.gains")],
                         ids=["dict", "list"])
def test_dict_or_list_parameters(backend, cls, marker, name):
    check_same_or_refused(cls, marker, name)


# -- 16. tuples, ints in range, class constants -------------------------------------------------
class TupleParam(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.coef = (0.5, 2.0)

    def update(self, _t, _dt):
        a, b = self.coef
        self.V += (-a * (self.V - self.V_rest) + b * self.input) / self.tau * _dt
        self.input[:] = 0.


def test_tuple_parameter_changed_between_runs(backend):
    check_change(TupleParam, lambda m: setattr(m, "coef", (1.5, 0.25)))


class SubSteps(Leaky):
    def __init__(self, n=3, **kw):
        super().__init__(n, **kw)
        self.n_sub = 3
        self.tau = 0.3

    def update(self, _t, _dt):
        h = _dt / self.n_sub
        for _ in range(self.n_sub):
            self.V += (-(self.V - self.V_rest) + self.input) / self.tau * h
        self.input[:] = 0.


def test_integer_parameter_in_range_changed_between_runs(backend):
    # an int that decides a Python loop's length may build a new program
    check_change(SubSteps, lambda m: setattr(m, "n_sub", 5), may_rebuild=True)


class ClassConstant(Leaky):
    GAIN = 2.0

    def update(self, _t, _dt):
        self.V += (-(self.V - self.V_rest) + self.GAIN * self.input) / self.tau * _dt
        self.input[:] = 0.


def test_class_level_constant_changed_between_runs(backend):
    def undo():
        ClassConstant.GAIN = 2.0
    check_change(ClassConstant, lambda m: setattr(ClassConstant, "GAIN", 6.0), undo=undo)
