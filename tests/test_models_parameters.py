"""Every model of ``braindyn.models`` sees new parameter values in its next compiled run.

For each group of models (built as tests/test_models_jit.py builds them, plus the
models that file does not cover), on both backends:

1. run compiled once;
2. multiply every numeric parameter by 1.1: every float number, float array and
   tuple of floats held by any system of the model, at any depth (``_private``
   ones, attributes of plain objects such as ``self.conn``), skipping Variables,
   ints and bools (sizes, counts, flags), integer arrays (indices), strings, and
   the integrators and methods a model calls;
3. run compiled again from the same initial state (and the same random seed);
4. compare with a ``jit=False`` run of a fresh model changed the same way: every
   Variable equal to atol 1e-10, rtol 1e-12; and the changed run compiled nothing
   (``compile_count``: a new value is an argument of the compiled code, never a
   reason to compile again).

The model classes are enumerated from ``braindyn.models``; a class no group
builds makes ``test_every_model_class_is_covered`` fail, naming it.
"""
from __future__ import annotations

import types

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
import braindyn.models as M
from braindyn.integrators.odeint import BoundIntegral, Integrator
from braindyn.math.variable import Variable
from braindyn.simulation.monitor import Monitor
from braindyn.simulation.state import state_variables
from support import _restore_backend, backend  # noqa: F401
from test_models_jit import (all_neurons, all_synapses, gap_junctions, poisson, rate_networks,
                             rate_rules)

pytestmark = pytest.mark.slow

FACTOR = 1.1
DT = 0.1
DURATION = 20.0     # ms: 200 steps (the 'iter' inputs of test_models_jit have 200 rows)
SEED = 7

# the runtime's own attributes of every system, never parameters
_OWN = {"mon", "_runner_cache", "compile_count", "_last_source", "monitors", "name"}


# -- the groups -----------------------------------------------------------------------
def channels():
    """Every channel, ICaN included (tests/test_models_jit.py leaves it out)."""
    cell = M.CondNeuGroup(2, channels=[M.INa(name="INa"), M.IK(name="IK"), M.IL(name="IL"),
                                       M.ICaT(name="ICaT"), M.CalciumDecay(name="Ca_pool"),
                                       M.ICaN(name="ICaN"), M.Ih(name="Ih")], name="cell")
    return cell, [("input", np.array([-1.0, 6.0]))]


def ei_network():
    net = M.EINet(num_exc=8, num_inh=2, prob=0.5, mode="COBA", seed=1)
    return net, net.background


def liquid():
    lsm = M.LiquidStateMachine(num_input=3, num_liquid=10, p_rec=0.3, p_in=0.6, seed=2)
    spikes = (np.random.default_rng(0).random((200, 3)) < 0.2).astype(float)
    return lsm, [("inp.input", spikes, "iter")]


GROUPS = {"neurons": all_neurons, "synapses": all_synapses, "rate rules": rate_rules,
          "channels": channels, "CANN and ESN": rate_networks, "Poisson": poisson,
          "EINet": ei_network, "LSM": liquid, "gap junctions": gap_junctions}


# -- scaling the parameters ---------------------------------------------------------------
def _skip(value) -> bool:
    return isinstance(value, (Variable, bp.DynamicalSystem, Integrator, BoundIntegral, Monitor,
                              types.FunctionType, types.MethodType, types.BuiltinFunctionType,
                              types.ModuleType, type, str, bytes))


def _scaled(value):
    """value * FACTOR for a float, float array or tuple of floats; else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (float, np.floating)):
        return type(value)(value * FACTOR)
    if isinstance(value, np.ndarray) or type(value).__module__.startswith("jax"):
        if np.dtype(value.dtype).kind == "f":
            return value * FACTOR
        return None
    if isinstance(value, tuple) and value and all(
            isinstance(v, (float, np.floating)) and not isinstance(v, bool) for v in value):
        return tuple(type(v)(v * FACTOR) for v in value)
    return None


def scale_parameters(root) -> list[str]:
    """Multiply every numeric parameter of every system of root by FACTOR (see the
    module docstring); returns the paths changed."""
    changed, seen = [], set()

    def visit(obj, path, depth):
        if id(obj) in seen or depth > 5:
            return
        seen.add(id(obj))
        for attr, value in list(vars(obj).items()):
            if isinstance(obj, bp.DynamicalSystem) and attr in _OWN:
                continue
            if _skip(value):
                continue
            new = _scaled(value)
            if new is not None:
                setattr(obj, attr, new)
                changed.append(f"{path}.{attr}")
            elif hasattr(value, "__dict__") and not type(value).__module__.startswith("jax"):
                visit(value, f"{path}.{attr}", depth + 1)   # a plain object: self.conn

    for node in root.nodes():
        visit(node, node.name, 0)
    return changed


# -- running ---------------------------------------------------------------------------------
def state(root):
    return [(f"{node.name}.{attr}", np.array(bm.as_numpy(var.value), dtype=float))
            for node in root.nodes() for attr, var in node.vars().items()]


def differences(got, expected, what) -> list[str]:
    out = []
    if [k.split(".")[-1] for k, _ in got] != [k.split(".")[-1] for k, _ in expected]:
        return [f"{what}: the Variables differ: {[k for k, _ in got]}"]
    for (key, value), (_, other) in zip(got, expected):
        if not np.allclose(value, other, rtol=1e-12, atol=1e-10):
            err = np.max(np.abs(value - other))
            out.append(f"{what}: {key} differs by up to {err:.3g}")
    return out


@pytest.mark.parametrize("group", list(GROUPS))
def test_new_parameter_values_take_effect_without_compiling_again(backend, group):
    build = GROUPS[group]
    root, inputs = build()
    start = [(var, np.array(bm.as_numpy(var.value))) for _, _, var in state_variables(root)]
    bm.random.seed(SEED)
    root.run(DURATION, inputs=inputs, dt=DT, jit=True)
    first = state(root)
    count = root.compile_count
    assert count >= 1

    changed = scale_parameters(root)
    assert changed, f"{group}: no parameter found to change"
    for var, value in start:
        var.value = bm.asarray(value)
    bm.random.seed(SEED)
    root.run(DURATION, inputs=inputs, dt=DT, jit=True)
    second = state(root)

    reference, ref_inputs = build()
    # by position: automatic names (of delay lines, for instance) differ between builds
    assert len(scale_parameters(reference)) == len(changed)
    bm.random.seed(SEED)
    reference.run(DURATION, inputs=ref_inputs, dt=DT, jit=False)
    expected = state(reference)

    assert any(not np.allclose(a, b) for (_, a), (_, b) in zip(first, expected)), (
        f"{group}: scaling the parameters changed nothing: a void test")
    problems = differences(second, expected, "compiled run after the change vs jit=False")
    if root.compile_count != count:
        problems.append(f"changing the parameters compiled again ({count} -> "
                        f"{root.compile_count} programs)")
    assert not problems, (f"{group} on {backend} ({len(changed)} parameters x {FACTOR}, e.g. "
                          f"{', '.join(changed[:6])}):\n" + "\n".join(problems))


def _model_classes():
    return sorted((obj for obj in vars(M).values()
                   if isinstance(obj, type) and issubclass(obj, bp.DynamicalSystem)),
                  key=lambda c: c.__name__)


def test_every_model_class_is_covered():
    """Every DynamicalSystem class exported by braindyn.models is built by some group
    above (bases such as Synapse and Channel count through their subclasses)."""
    built = set()
    for build in GROUPS.values():
        root, _ = build()
        for node in root.nodes():
            built.update(type(node).__mro__)
    missing = [cls.__name__ for cls in _model_classes() if cls not in built]
    assert not missing, (f"no group of {__name__} builds {missing}: add them to a group "
                         f"so that their parameters are tested")
